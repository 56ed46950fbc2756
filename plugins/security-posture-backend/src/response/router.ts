import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ExemptionDebt,
  ExemptionState,
  PostureChange,
  ResponseReport,
  TeamResponse,
  TeamResponseRow,
} from '@internal/backstage-plugin-security-posture-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ROLLUP_KINDS } from '../catalog/CatalogReader';
import { kindOfRef, normalizeRef } from '../catalog/refs';
import type { Hierarchy } from '../scan/rollups';
import { PostureAccess } from '../service/access';
import { entityParams, parse, teamParams } from '../service/validation';
import type { ResponseConfig } from './config';
import { leadTimeDays } from './config';
import { countStates, type ExemptionDebtService } from './exemptionDebt';
import {
  ageBounds,
  openByAge,
  remediationStats,
  type Remediation,
} from './metrics';
import type { OpenAgeRow, ResponseStore } from './ResponseStore';
import type { HierarchyCache } from './teamSettings';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A positive whole number in a query parameter, within bounds. */
function wholeNumber(min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number between ${min} and ${max}, got ${JSON.stringify(
            value,
          )}`,
        });
        return z.NEVER;
      }
      return n;
    });
}

const windowQuery = z.object({ windowDays: wholeNumber(1, 730) }).strict();
const changesQuery = z
  .object({
    limit: wholeNumber(1, 200),
    regressions: z.enum(['true', 'false']).optional(),
  })
  .strict();
const exemptionsQuery = z.object({ limit: wholeNumber(1, 1000) }).strict();

/** What the response router needs. */
export interface ResponseRouterOptions {
  responseStore: ResponseStore;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  config: ResponseConfig;
  debt: ExemptionDebtService;
  hierarchy: HierarchyCache;
  /** Kinds whose resources are assessed (lower case). */
  scanKinds: readonly string[];
  /** Group `spec.type`s listed as teams; all when empty. */
  teamTypes: readonly string[];
  now?: () => Date;
}

/**
 * Routes of the response and governance features, under the plugin's base URL:
 *
 * - `GET /teams/:namespace/:name/response` — time to remediate, open findings by
 *   age, recent regressions of a team;
 * - `GET /response` — the same over every entity the caller may read, per team;
 * - `GET /entities/:kind/:namespace/:name/changes` — what recent scans changed;
 * - `GET /teams/:namespace/:name/exemptions`, `GET /exemptions` — exemption debt.
 *
 * Same permissions as the posture routes: `security-posture.entity.read` on the
 * team (or entity), and lists only hold entities the caller may read.
 */
export async function createResponseRouter(
  options: ResponseRouterOptions,
): Promise<express.Router> {
  const { responseStore, httpAuth, catalog, config, debt, hierarchy } = options;
  const access = new PostureAccess(options.permissions);
  const now = options.now ?? (() => new Date());
  const knownKinds = new Set<string>([...options.scanKinds, ...ROLLUP_KINDS]);
  const router = Router();

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** Checks read access to a group and that it exists. */
  async function resolveTeam(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<{ ref: string; title?: string; h: Hierarchy }> {
    const params = parse(teamParams, req.params, 'team reference');
    const ref = normalizeRef({ kind: 'group', ...params });
    await access.assertCanRead(credentials, ref);
    const h = await hierarchy.get();
    const group = h.get(ref);
    if (!group) {
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity) throw new NotFoundError(`No group ${ref} in the catalog`);
      return { ref, title: entity.metadata.title, h };
    }
    return { ref, title: group.title, h };
  }

  /** The scanned entities among refs the caller may read; undefined: all may be read. */
  async function readableScanned(
    credentials: BackstageCredentials,
    h: Hierarchy,
    refs: readonly string[] | undefined,
  ): Promise<string[] | undefined> {
    if (!refs && (await access.canReadAll(credentials))) return undefined;
    const scanned = [...new Set(refs ?? [...h.all()].map(e => e.ref))].filter(
      r => h.get(r)?.scanned,
    );
    const readable = await access.readable(credentials, scanned);
    return scanned.filter(r => readable.has(r));
  }

  function windowOf(req: express.Request) {
    const query = parse(windowQuery, req.query, 'query parameter');
    const days = query.windowDays ?? config.response.windowDays;
    const to = now();
    const from = new Date(to.getTime() - days * DAY_MS);
    return { from, to, days };
  }

  const idsOf = (h: Hierarchy, refs: readonly string[]) =>
    refs.map(r => h.get(r)?.id).filter((id): id is number => id !== undefined);

  router.get('/teams/:namespace/:name/response', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = windowOf(req);
    const { ref, title, h } = await resolveTeam(req, credentials);
    const refs =
      (await readableScanned(credentials, h, h.ownedBySubtree(ref))) ?? [];
    const ids = idsOf(h, refs);
    const [resolved, ages, regressions] = await Promise.all([
      responseStore.listResolved(ids, window.from, window.to),
      responseStore.countOpenByAge(ids, ageBounds(window.to)),
      responseStore.listChanges({
        entityRefs: refs,
        since: window.from,
        regressionsOnly: true,
        limit: 50,
      }),
    ]);
    const body: TeamResponse = {
      entityRef: ref,
      ...(title ? { title } : {}),
      window: {
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        days: window.days,
      },
      timeToRemediate: remediationStats(resolved),
      openByAge: openByAge(ages),
      regressions,
    };
    res.json(body);
  });

  router.get('/response', async (req, res) => {
    const credentials = await credentialsOf(req);
    const window = windowOf(req);
    const h = await hierarchy.get();
    const refs = await readableScanned(credentials, h, undefined);
    const ids = refs ? idsOf(h, refs) : undefined;
    const [resolved, ages, regressions, regressionCounts] = await Promise.all([
      responseStore.listResolved(ids, window.from, window.to),
      responseStore.countOpenByAge(ids, ageBounds(window.to)),
      responseStore.listChanges({
        entityRefs: refs,
        since: window.from,
        regressionsOnly: true,
        limit: 20,
      }),
      responseStore.countRegressions(window.from),
    ]);
    const readableSet = refs ? new Set(refs) : undefined;
    const refById = new Map([...h.all()].map(e => [e.id, e.ref]));
    // Every team an entity counts for: its owner and the owner's ancestors.
    const teamsOf = (entityRef: string | undefined): string[] => {
      const owner = entityRef ? h.get(entityRef)?.ownerRef : undefined;
      if (!owner || !h.get(owner)) return [];
      return [owner, ...h.ancestorGroups(owner)];
    };
    const perTeam = new Map<
      string,
      { resolved: Remediation[]; ages: OpenAgeRow[]; regressions: number }
    >();
    const bucket = (team: string) => {
      let b = perTeam.get(team);
      if (!b) {
        b = { resolved: [], ages: [], regressions: 0 };
        perTeam.set(team, b);
      }
      return b;
    };
    for (const r of resolved) {
      for (const t of teamsOf(refById.get(r.entityId)))
        bucket(t).resolved.push(r);
    }
    for (const a of ages) {
      for (const t of teamsOf(refById.get(a.entityId))) bucket(t).ages.push(a);
    }
    for (const [entityRef, n] of regressionCounts) {
      if (readableSet && !readableSet.has(entityRef)) continue;
      for (const t of teamsOf(entityRef)) bucket(t).regressions += n;
    }
    const teamTypes = options.teamTypes;
    const candidates = [...perTeam.keys()].filter(
      t =>
        teamTypes.length === 0 ||
        teamTypes.includes((h.get(t)?.type ?? '').toLowerCase()),
    );
    const readableTeams = await access.readable(credentials, candidates);
    const teams: TeamResponseRow[] = candidates
      .filter(t => readableTeams.has(t))
      .map(t => {
        const b = perTeam.get(t)!;
        const title = h.get(t)?.title;
        return {
          entityRef: t,
          ...(title ? { title } : {}),
          timeToRemediate: remediationStats(b.resolved),
          openByAge: openByAge(b.ages),
          regressions: b.regressions,
        };
      })
      .sort(
        (a, b) =>
          (b.timeToRemediate.medianHours ?? -1) -
            (a.timeToRemediate.medianHours ?? -1) ||
          b.openByAge.total - a.openByAge.total ||
          a.entityRef.localeCompare(b.entityRef),
      );
    const body: ResponseReport = {
      window: {
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        days: window.days,
      },
      timeToRemediate: remediationStats(resolved),
      openByAge: openByAge(ages),
      teams,
      regressions,
    };
    res.json(body);
  });

  router.get('/entities/:kind/:namespace/:name/changes', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(changesQuery, req.query, 'query parameter');
    const params = parse(entityParams, req.params, 'entity reference');
    const kind = params.kind.toLowerCase();
    if (!knownKinds.has(kind)) {
      throw new InputError(
        `Unsupported kind "${params.kind}": security posture is kept for ${[
          ...knownKinds,
        ].join(', ')}`,
      );
    }
    const ref = normalizeRef({ ...params, kind });
    await access.assertCanRead(credentials, ref);
    const h = await hierarchy.get();
    if (!h.get(ref) && !(await catalog.getEntityByRef(ref, { credentials }))) {
      throw new NotFoundError(`No entity ${ref} in the catalog`);
    }
    const rollup = ROLLUP_KINDS.includes(
      kindOfRef(ref) as (typeof ROLLUP_KINDS)[number],
    );
    const refs = rollup
      ? (await readableScanned(credentials, h, h.membersOf(ref))) ?? []
      : [ref];
    const changes: PostureChange[] = await responseStore.listChanges({
      entityRefs: refs,
      regressionsOnly: query.regressions === 'true',
      limit: query.limit ?? 20,
    });
    res.json(changes);
  });

  /** Exemption debt over a scope of entities (undefined: every entity). */
  async function debtOf(
    credentials: BackstageCredentials,
    h: Hierarchy,
    scope: readonly string[] | undefined,
    limit: number,
  ) {
    const all = scope ?? [...h.all()].map(e => e.ref);
    const readable = await access.readable(credentials, all);
    const refs = [...new Set(all)].filter(r => readable.has(r));
    const declared = await debt.collect(credentials);
    const t = now();
    const scoped = debt.inScope(declared, refs, t);
    return { scoped, items: scoped.map(s => s.item).slice(0, limit), t };
  }

  router.get('/teams/:namespace/:name/exemptions', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(exemptionsQuery, req.query, 'query parameter');
    const { ref, h } = await resolveTeam(req, credentials);
    const { scoped, items, t } = await debtOf(
      credentials,
      h,
      h.ownedBySubtree(ref),
      query.limit ?? 500,
    );
    const body: ExemptionDebt = {
      entityRef: ref,
      generatedAt: t.toISOString(),
      expiringWithinDays: leadTimeDays(config),
      counts: countStates(scoped.map(s => s.item)),
      items,
    };
    res.json(body);
  });

  router.get('/exemptions', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parse(exemptionsQuery, req.query, 'query parameter');
    const h = await hierarchy.get();
    const { scoped, items, t } = await debtOf(
      credentials,
      h,
      undefined,
      query.limit ?? 500,
    );
    // Per team: the exemptions covering an entity it (or a sub-team) owns.
    const perTeam = new Map<string, Map<string, ExemptionState>>();
    for (const s of scoped) {
      for (const entityRef of s.entityRefs) {
        const owner = h.get(entityRef)?.ownerRef;
        if (!owner || !h.get(owner)) continue;
        for (const team of [owner, ...h.ancestorGroups(owner)]) {
          const states = perTeam.get(team) ?? new Map();
          states.set(s.declared.key, s.item.state);
          perTeam.set(team, states);
        }
      }
    }
    const teamTypes = options.teamTypes;
    const candidates = [...perTeam.keys()].filter(
      team =>
        teamTypes.length === 0 ||
        teamTypes.includes((h.get(team)?.type ?? '').toLowerCase()),
    );
    const readableTeams = await access.readable(credentials, candidates);
    const teams = candidates
      .filter(team => readableTeams.has(team))
      .map(team => {
        const title = h.get(team)?.title;
        return {
          entityRef: team,
          ...(title ? { title } : {}),
          counts: countStates(
            [...perTeam.get(team)!.values()].map(state => ({ state })),
          ),
        };
      })
      .sort(
        (a, b) =>
          b.counts.expired - a.counts.expired ||
          b.counts.expiring - a.counts.expiring ||
          a.entityRef.localeCompare(b.entityRef),
      );
    const body: ExemptionDebt = {
      generatedAt: t.toISOString(),
      expiringWithinDays: leadTimeDays(config),
      counts: countStates(scoped.map(s => s.item)),
      items,
      teams,
    };
    res.json(body);
  });

  return router;
}
