import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_FINDING_SORT,
  FRAMEWORK_TITLES,
  summarize,
  type CheckCatalogue as CheckCatalogueResponse,
  type EntityScoreSummary,
  type Finding,
  type FrameworkId,
  type FrameworkReport,
  type Leaderboard,
  type LeaderboardEntry,
  type OwnershipReport,
  type Page,
  type TeamPosture,
  type UnownedResource,
} from '@internal/backstage-plugin-security-posture-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ROLLUP_KINDS } from '../catalog/CatalogReader';
import { kindOfRef, normalizeRef, tryNormalizeRef } from '../catalog/refs';
import {
  frameworksOf,
  toCheckMetadata,
  type CheckCatalogue,
} from '../checks/CheckCatalogue';
import type { SecurityPostureStore } from '../database/SecurityPostureStore';
import { cursorBindings, type FindingsCursor } from '../database/findingsSort';
import {
  mappedControlCounts,
  summarizeFrameworks,
} from '../frameworks/frameworkStates';
import type { PostureWithEntity, StoredCatalogEntity } from '../database/types';
import type { PostureDecorations } from '../response/decorations';
import { toDate } from '../database/util';
import { Hierarchy } from '../scan/rollups';
import { TooManyRequestsError } from '../scan/requestLimits';
import type { ScanService } from '../scan/ScanService';
import { PostureAccess } from './access';
import {
  emptySummary,
  neverScanned,
  toEntityPosture,
  toFinding,
  toHistoryPoint,
  toScanRunInfo,
  toSummary,
} from './mappers';
import {
  decodeCursor,
  encodeCursor,
  entityParams,
  findingsQuery,
  frameworksQuery,
  historyQuery,
  leaderboardQuery,
  ownershipQuery,
  parse,
  scanParams,
  scanRequestBody,
  teamParams,
} from './validation';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest history range served (the daily roll-ups' default retention plus a margin). */
const MAX_HISTORY_DAYS = 800;

/** What the router needs. */
export interface RouterOptions {
  store: SecurityPostureStore;
  scans: ScanService;
  checks: CheckCatalogue;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Kinds whose resources are assessed (lower case). */
  scanKinds: readonly string[];
  staleAfterMs: number;
  /** Group `spec.type`s ranked on the leaderboard; all when empty. */
  leaderboardGroupTypes: readonly string[];
  /** Additions to answers: posture targets, fix templates (src/response). */
  decorations?: PostureDecorations;
  /** For tests. */
  now?: () => Date;
}

/**
 * The plugin's REST API, mounted at `/api/security-posture`. Every route but
 * `/health` needs credentials; posture reads need `security-posture.entity.read`
 * on the entity (lists only show what the caller may read), triggering scans
 * needs `security-posture.scan.create`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, httpAuth, checks, scans, catalog, auditor } = options;
  const access = new PostureAccess(options.permissions);
  const now = options.now ?? (() => new Date());
  const knownKinds = new Set<string>([...options.scanKinds, ...ROLLUP_KINDS]);
  const hierarchy = hierarchyCache(store);
  const decorate = options.decorations;
  const withFix = (f: Finding) => (decorate ? decorate.finding(f) : f);
  const summaryOf = (p: PostureWithEntity, t: Date) => {
    const summary = toSummary(p, t, options.staleAfterMs);
    return decorate ? decorate.summary(summary, p) : summary;
  };

  // Controls per framework the check catalogue maps, per loaded catalogue.
  const mappedByEngine = new WeakMap<object, Map<FrameworkId, number>>();
  const frameworkMapping = async () => {
    const engine = await checks.current();
    let mapped = mappedByEngine.get(engine);
    if (!mapped) {
      mapped = mappedControlCounts(engine.checks);
      mappedByEngine.set(engine, mapped);
    }
    return { mapped, modelVersion: engine.modelVersion };
  };

  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** Validates the route's entity, checks permission, finds what we know of it. */
  async function resolveEntity(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<{ ref: string; entity?: StoredCatalogEntity; title?: string }> {
    const params = parse(entityParams, req.params, 'entity reference');
    const kind = params.kind.toLowerCase();
    if (!knownKinds.has(kind)) {
      throw new InputError(
        `Unsupported kind "${params.kind}": security posture is kept for ${[
          ...knownKinds,
        ].join(', ')}`,
      );
    }
    const ref = normalizeRef({
      kind,
      namespace: params.namespace,
      name: params.name,
    });
    await access.assertCanRead(credentials, ref);
    const stored = await store.getCatalogEntity(ref);
    if (stored) return { ref, entity: stored, title: stored.title };
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${ref} in the catalog`);
    }
    return { ref, title: entity.metadata.title };
  }

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { ref, entity, title } = await resolveEntity(req, credentials);
    const posture = await store.getPosture(ref);
    if (posture) {
      const body = toEntityPosture(posture, now(), options.staleAfterMs);
      if (posture.frameworks) {
        const { mapped } = await frameworkMapping();
        body.frameworks = summarizeFrameworks(posture.frameworks, mapped, {
          details: true,
        });
      }
      res.json(decorate ? decorate.entity(body, posture) : body);
      return;
    }
    const kind = kindOfRef(ref);
    let reason = 'The entity has not been scanned yet';
    if (kind === 'group') {
      reason =
        'None of the entities this group and its sub-groups own has been scanned yet';
    } else if (kind === 'system' || kind === 'domain') {
      reason = `None of the entities in this ${kind} has been scanned yet`;
    } else if (entity) {
      reason =
        'No resources are attributed to this entity: add the security-posture.backstage.io/manifests annotation (or an annotation a resource provider reads) to its catalog data';
    }
    const reasons = [reason];
    res.json(neverScanned(ref, title, reasons));
  });

  /** Ids of the scanned entities whose findings an entity page shows. */
  async function findingEntityIds(
    credentials: BackstageCredentials,
    ref: string,
  ): Promise<number[]> {
    const kind = kindOfRef(ref);
    if (!ROLLUP_KINDS.includes(kind as (typeof ROLLUP_KINDS)[number])) {
      const e = await store.getCatalogEntity(ref);
      return e ? [e.id] : [];
    }
    const h = await hierarchy.get();
    const members = h.membersOf(ref);
    const scanned = [...new Set(members)].filter(r => h.get(r)?.scanned);
    const readable = await access.readable(credentials, scanned);
    return scanned.filter(r => readable.has(r)).map(r => h.get(r)!.id);
  }

  router.get('/entities/:kind/:namespace/:name/findings', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(findingsQuery, req.query, 'query parameter');
    const { ref } = await resolveEntity(req, credentials);
    const sort = query.sort ?? DEFAULT_FINDING_SORT;
    const cursor = query.cursor
      ? findingsCursor(query.cursor, sort)
      : undefined;
    const ids = await findingEntityIds(credentials, ref);
    const page = await store.listFindings(ids, {
      statuses: query.status,
      severities: query.severity,
      categories: query.category,
      limit: query.limit,
      sort,
      cursor,
    });
    const body: Page<ReturnType<typeof toFinding>> = {
      items: page.items.map(f => withFix(toFinding(f, ref))),
      nextCursor: page.next
        ? encodeCursor({
            s: page.next.sort,
            v: page.next.values,
            i: page.next.id,
          })
        : null,
      totalCount: page.totalCount,
    };
    res.json(body);
  });

  /** Score history of an entity or roll-up, in the range the query asks for. */
  async function history(req: express.Request, ref: string, id?: number) {
    const query = parse(historyQuery, req.query, 'query parameter');
    const to = query.to ?? now();
    const from = query.from ?? new Date(to.getTime() - 90 * DAY_MS);
    if (from > to) {
      throw new InputError(
        `Invalid query parameter: from (${from.toISOString()}) is after to (${to.toISOString()})`,
      );
    }
    if (to.getTime() - from.getTime() > MAX_HISTORY_DAYS * DAY_MS) {
      throw new InputError(
        `Invalid query parameter: the range from-to is longer than ${MAX_HISTORY_DAYS} days`,
      );
    }
    const entityId = id ?? (await store.getCatalogEntity(ref))?.id;
    const rows =
      entityId === undefined ? [] : await store.getHistory(entityId, from, to);
    return rows.map(toHistoryPoint);
  }

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const credentials = await credentialsOf(req);
    parse(historyQuery, req.query, 'query parameter');
    const { ref, entity } = await resolveEntity(req, credentials);
    res.json(await history(req, ref, entity?.id));
  });

  /**
   * A team's score history: its roll-up over everything it and its sub-groups
   * own, written at every scan like an entity's (snapshots when it changed,
   * daily rows for long ranges).
   */
  router.get('/teams/:namespace/:name/history', async (req, res) => {
    const credentials = await credentialsOf(req);
    const params = parse(teamParams, req.params, 'team reference');
    parse(historyQuery, req.query, 'query parameter');
    const ref = normalizeRef({ kind: 'group', ...params });
    await access.assertCanRead(credentials, ref);
    const stored = await store.getCatalogEntity(ref);
    if (!stored) {
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity) throw new NotFoundError(`No group ${ref} in the catalog`);
    }
    res.json(await history(req, ref, stored?.id));
  });

  router.get('/teams/:namespace/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const params = parse(teamParams, req.params, 'team reference');
    const ref = normalizeRef({ kind: 'group', ...params });
    await access.assertCanRead(credentials, ref);
    // The cached hierarchy: reloaded when this process wrote catalog entities
    // since (a scan), else at most 10 s old.
    const h = await hierarchy.get();
    let group = h.get(ref);
    if (!group) {
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity) throw new NotFoundError(`No group ${ref} in the catalog`);
    }
    group = group ?? undefined;
    const t = now();
    const rollup = await store.getPosture(ref);
    const owned = [...new Set(h.ownedBySubtree(ref))];
    const subGroups = h.subGroups(ref);
    const readable = await access.readable(credentials, [
      ...owned,
      ...subGroups,
    ]);
    const postures = await store.listPostures({
      refs: owned.filter(r => readable.has(r)),
    });
    const byRef = new Map(postures.map(p => [p.entity.ref, p]));
    const entities: EntityScoreSummary[] = owned
      .filter(r => readable.has(r))
      .map(r => {
        const p = byRef.get(r);
        if (p) return summaryOf(p, t);
        const e = h.get(r);
        return e ? emptySummary(e) : undefined;
      })
      .filter((s): s is EntityScoreSummary => Boolean(s))
      .sort(worstFirst);
    const subPostures = await store.listPostures({
      refs: subGroups.filter(r => readable.has(r)),
    });
    const subByRef = new Map(subPostures.map(p => [p.entity.ref, p]));
    const subTeams = subGroups
      .filter(r => readable.has(r))
      .map(r => {
        const p = subByRef.get(r);
        return p ? summaryOf(p, t) : emptySummary(h.get(r)!);
      })
      .sort(worstFirst);
    const scannedIds = postures.filter(p => !p.isRollup).map(p => p.entity.id);
    const worst = await store.listWorstFindings(scannedIds, 10);
    const ownedResources = postures
      .filter(p => !p.isRollup)
      .reduce((n, p) => n + p.resourceCount, 0);
    const unownedByTeam = await store.unownedByTeam();
    const unowned = h
      .groupSubtree(ref)
      .reduce((n, g) => n + (unownedByTeam.get(g) ?? 0), 0);
    const body: TeamPosture = {
      entityRef: ref,
      ...(group?.title ? { title: group.title } : {}),
      score: rollup
        ? summarize(rollup.earned, rollup.possible)
        : summarize(0, 0),
      adjustedScore: rollup
        ? summarize(rollup.adjustedEarned, rollup.possible)
        : summarize(0, 0),
      categories: rollup?.categories.raw ?? [],
      coverage: rollup?.coverage ?? null,
      counts: rollup?.counts ?? { critical: 0, high: 0, medium: 0, low: 0 },
      trend: {
        delta7d: rollup?.delta7d ?? null,
        delta30d: rollup?.delta30d ?? null,
      },
      entities,
      subTeams,
      worstFindings: worst.map(f => withFix(toFinding(f, f.entityRef))),
      ownership: { owned: ownedResources, total: ownedResources + unowned },
    };
    if (rollup?.frameworks) {
      const { mapped } = await frameworkMapping();
      body.frameworks = summarizeFrameworks(rollup.frameworks, mapped, {
        details: true,
      });
    }
    res.json(decorate ? decorate.team(body, rollup) : body);
  });

  router.get('/leaderboard', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(leaderboardQuery, req.query, 'query parameter');
    const t = now();
    const groupTypes = options.leaderboardGroupTypes;
    // Ranked group roll-ups of the leaderboard's types, page by page (no JSON
    // columns), until `limit` of them are readable by the caller.
    const teams: LeaderboardEntry[] = [];
    const groupPageSize = Math.max(query.limit, 100);
    for (let offset = 0; teams.length < query.limit; offset += groupPageSize) {
      const page = await store.rankGroupRollups({
        groupTypes,
        offset,
        limit: groupPageSize,
      });
      const readable = await access.readable(
        credentials,
        page.map(p => p.ref),
      );
      for (const p of page) {
        if (!readable.has(p.ref) || teams.length >= query.limit) continue;
        teams.push({
          rank: teams.length + 1,
          entityRef: p.ref,
          ...(p.title ? { title: p.title } : {}),
          score: summarize(p.earned, p.possible),
          adjustedScore: summarize(p.adjustedEarned, p.possible),
          trend: { delta7d: p.delta7d, delta30d: p.delta30d },
          entityCount: p.memberCount,
          counts: p.counts,
        });
      }
      if (page.length < groupPageSize) break;
    }
    // Entity postures carry their JSON columns: read pages the size of what
    // is shown (at least 50, so callers who may read few entities do not
    // page endlessly), over the first 4,000 ranked entities at most.
    const entities: EntityScoreSummary[] = [];
    const pageSize = Math.min(200, Math.max(query.limit, 50));
    for (
      let offset = 0;
      entities.length < query.limit && offset < 4000;
      offset += pageSize
    ) {
      const page = await store.rankPostures({
        isRollup: false,
        offset,
        limit: pageSize,
      });
      const readable = await access.readable(
        credentials,
        page.map(p => p.entity.ref),
      );
      for (const p of page) {
        if (readable.has(p.entity.ref) && entities.length < query.limit) {
          entities.push(summaryOf(p, t));
        }
      }
      if (page.length < pageSize) break;
    }
    const body: Leaderboard = { teams, entities, generatedAt: t.toISOString() };
    res.json(decorate ? await decorate.leaderboard(body) : body);
  });

  /**
   * Framework compliance per team: the share of evaluated framework controls
   * whose checks all pass over what each team and its sub-teams own, read from
   * the roll-ups (computed at scan time). Teams the caller may not read are
   * left out; the same group types as the leaderboard.
   */
  router.get('/frameworks', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(frameworksQuery, req.query, 'query parameter');
    const offset = query.cursor
      ? decodeCursor(query.cursor, z.object({ o: z.number().int().min(0) })).o
      : 0;
    const { mapped, modelVersion } = await frameworkMapping();
    const ids = [...mapped.keys()];
    const groupTypes = options.leaderboardGroupTypes;
    const rows = (
      await store.listFrameworkStates({ isRollup: true, kinds: ['group'] })
    ).filter(
      r =>
        groupTypes.length === 0 ||
        groupTypes.includes((r.entity.type ?? '').toLowerCase()),
    );
    const readable = await access.readable(
      credentials,
      rows.map(r => r.entity.ref),
    );
    const visible = rows.filter(r => readable.has(r.entity.ref));
    const page = visible.slice(offset, offset + query.limit);
    const next = offset + page.length;
    const body: FrameworkReport = {
      frameworks: ids.map(id => ({
        id,
        title: FRAMEWORK_TITLES[id],
        mapped: mapped.get(id) ?? 0,
      })),
      teams: {
        items: page.map(r => ({
          entityRef: r.entity.ref,
          ...(r.entity.title ? { title: r.entity.title } : {}),
          entityCount: r.memberCount,
          frameworks: summarizeFrameworks(r.frameworks, mapped, {
            frameworks: ids,
          }),
        })),
        nextCursor: next < visible.length ? encodeCursor({ o: next }) : null,
        totalCount: visible.length,
      },
      modelVersion,
      generatedAt: now().toISOString(),
    };
    res.json(body);
  });

  router.get('/ownership', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(ownershipQuery, req.query, 'query parameter');
    const offset = query.cursor
      ? decodeCursor(query.cursor, z.object({ o: z.number().int().min(0) })).o
      : 0;
    const h = await hierarchy.get();
    let reporters: string[] | undefined;
    if (!(await access.canReadAll(credentials))) {
      // Resources seen in the sources of entities the caller may read only;
      // what inventory providers list without an owner needs full read access.
      const entityReporters = [...h.all()]
        .filter(e => e.scanned)
        .map(e => e.ref);
      const readable = await access.readable(credentials, entityReporters);
      reporters = entityReporters.filter(r => readable.has(r));
    }
    const unowned = await store.listUnowned({
      offset,
      limit: query.limit,
      reporters,
    });
    const items: UnownedResource[] = unowned.items.map(r => ({
      uid: r.uid,
      type: r.type,
      kind: r.kind,
      name: r.name,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      provider: r.provider,
      ...(r.location ? { location: r.location } : {}),
      lastSeen: toDate(r.last_seen).toISOString(),
    }));
    const scored = await store.listPostures({ isRollup: false });
    const resourcesOf = new Map(
      scored.map(p => [p.entity.ref, p.resourceCount]),
    );
    const unownedByTeam = await store.unownedByTeam();
    const groups = [...h.all()].filter(e => e.kind === 'group');
    const readableGroups = await access.readable(
      credentials,
      groups.map(g => g.ref),
    );
    const teams: OwnershipReport['teams'] = [];
    for (const g of groups) {
      if (!readableGroups.has(g.ref)) continue;
      const owned = [...new Set(h.ownedBySubtree(g.ref))].reduce(
        (n, r) => n + (resourcesOf.get(r) ?? 0),
        0,
      );
      const missing = h
        .groupSubtree(g.ref)
        .reduce((n, sub) => n + (unownedByTeam.get(sub) ?? 0), 0);
      const total = owned + missing;
      if (total === 0) continue;
      teams.push({
        entityRef: g.ref,
        ...(g.title ? { title: g.title } : {}),
        owned,
        total,
        percent: Math.round((owned / total) * 1000) / 10,
      });
    }
    teams.sort(
      (a, b) =>
        (a.percent ?? 101) - (b.percent ?? 101) ||
        a.entityRef.localeCompare(b.entityRef),
    );
    const next = offset + items.length;
    const body: OwnershipReport = {
      unowned: {
        items,
        nextCursor:
          next < unowned.totalCount ? encodeCursor({ o: next }) : null,
        totalCount: unowned.totalCount,
      },
      teams,
    };
    res.json(body);
  });

  router.get('/checks', async (req, res) => {
    await credentialsOf(req);
    const engine = await checks.current();
    const list = engine.checks.map(toCheckMetadata);
    const body: CheckCatalogueResponse = {
      checks: list,
      frameworks: frameworksOf(list),
      modelVersion: engine.modelVersion,
    };
    res.json(body);
  });

  router.post('/scans', async (req, res) => {
    const credentials = await credentialsOf(req);
    const body = parse(scanRequestBody, req.body, 'request body');
    const event = await auditor.createEvent({
      eventId: 'scan-trigger',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef: body.entityRef ?? null },
    });
    try {
      await access.assertCanScan(credentials);
      let scope: string | null = null;
      if (body.entityRef !== undefined) {
        const ref = tryNormalizeRef(body.entityRef);
        if (!ref) {
          throw new InputError(
            `Invalid entityRef ${JSON.stringify(
              body.entityRef,
            )}: expected kind:namespace/name`,
          );
        }
        if (!knownKinds.has(kindOfRef(ref))) {
          throw new InputError(
            `Unsupported kind in entityRef ${JSON.stringify(
              body.entityRef,
            )}: scans cover ${[...knownKinds].join(', ')}`,
          );
        }
        await access.assertCanRead(credentials, ref);
        const known =
          (await store.getCatalogEntity(ref)) ??
          (await catalog.getEntityByRef(ref, { credentials }));
        if (!known) throw new NotFoundError(`No entity ${ref} in the catalog`);
        scope = ref;
      }
      const principal = credentials.principal as {
        userEntityRef?: string;
        subject?: string;
      };
      const { run, reused } = await scans.requestScan({
        scope,
        requestedBy: principal.userEntityRef ?? principal.subject,
      });
      await event.success({ meta: { scanId: run.id, reused } });
      res.status(202).json({ scanId: run.id, ...toScanRunInfo(run) });
    } catch (e) {
      if (e instanceof TooManyRequestsError) {
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
      }
      await event.fail({ error: e as Error });
      throw e;
    }
  });

  router.get('/scans/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { id } = parse(scanParams, req.params, 'scan id');
    await access.assertCanScan(credentials);
    const run = await store.getScanRun(id);
    if (!run) throw new NotFoundError(`No scan ${id}`);
    res.json(toScanRunInfo(run));
  });

  return router;
}

/**
 * Answers a request that no route matched (an empty or extra path segment, a
 * typo) with a JSON 404 naming it, like every other error of the API. Mounted
 * after all the plugin's routers.
 */
export function unknownRouteHandler(): express.RequestHandler {
  return (req, _res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    next(
      new NotFoundError(
        `No route ${req.method} ${
          path.length > 200 ? `${path.slice(0, 200)}…` : path
        } (see the Security Posture REST API)`,
      ),
    );
  };
}

/**
 * Decodes a findings cursor for a sort order: one made for another order, or
 * whose values do not fit it, is refused. Cursors of the first release
 * (severity rank and id) still continue the default order.
 */
function findingsCursor(text: string, sort: FindingsCursor['sort']) {
  const decoded = decodeCursor(
    text,
    z.union([
      z.object({
        s: z.string().max(32),
        v: z.array(z.union([z.string().max(4096), z.number()])).max(4),
        i: z.number().int(),
      }),
      z.object({ r: z.number().int(), i: z.number().int() }),
    ]),
  );
  const cursor: FindingsCursor =
    's' in decoded
      ? {
          sort: decoded.s as FindingsCursor['sort'],
          values: decoded.v,
          id: decoded.i,
        }
      : { sort: DEFAULT_FINDING_SORT, values: [decoded.r], id: decoded.i };
  if (cursor.sort !== sort) {
    throw new InputError(
      `Invalid cursor: it continues sort=${cursor.sort}, not sort=${sort}; start again without a cursor`,
    );
  }
  if (!cursorBindings(cursor)) {
    throw new InputError(
      'Invalid cursor: pass the nextCursor of a previous page',
    );
  }
  return cursor;
}

/** Worst score first; unscored last. */
function worstFirst(a: EntityScoreSummary, b: EntityScoreSummary): number {
  const pa = a.score.percent ?? Infinity;
  const pb = b.score.percent ?? Infinity;
  return pa - pb || a.entityRef.localeCompare(b.entityRef);
}

/** The catalog hierarchy from the store, reloaded at most every few seconds. */
/**
 * The catalog hierarchy from the store, reloaded when it is older than 10 s or
 * when this process's store wrote catalog entities since it was loaded (a scan
 * synced the catalog), so a scan's changes show at once on this replica.
 */
function hierarchyCache(store: SecurityPostureStore) {
  let cached:
    | { at: number; version: number; value: Promise<Hierarchy> }
    | undefined;
  return {
    get(fresh = false): Promise<Hierarchy> {
      const t = Date.now();
      const version = store.catalogVersion;
      if (
        !cached ||
        fresh ||
        t - cached.at > 10_000 ||
        cached.version !== version
      ) {
        const value = store
          .listCatalogEntities()
          .then(entities => new Hierarchy(entities));
        value.catch(() => {
          cached = undefined;
        });
        cached = { at: t, version, value };
      }
      return cached.value;
    },
  };
}

export type { PostureWithEntity };
