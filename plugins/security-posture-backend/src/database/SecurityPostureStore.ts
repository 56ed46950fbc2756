import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  CATEGORY_IDS,
  DEFAULT_FINDING_SORT,
  SEVERITIES,
  severityRank,
  toPercent,
  type CategoryId,
  type FindingSort,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import { Knex } from 'knex';
import {
  parseFrameworkStates,
  type FrameworkStates,
} from '../frameworks/frameworkStates';
import type { RequestLimit, ScanRequestLimits } from '../scan/requestLimits';
import type {
  CatalogEntityInfo,
  EntityProviderState,
  FindingWrite,
  HistoryRow,
  OwnedResourceWrite,
  PostureRecord,
  PostureWithEntity,
  ProviderShardState,
  RankedRollup,
  ScanCounts,
  ScanRun,
  ScanRunStatus,
  ScanTrigger,
  StoredCatalogEntity,
  StoredCategories,
  StoredFinding,
  UnclaimedResourceWrite,
} from './types';
import {
  cursorAfter,
  cursorBindings,
  findingsSortColumns,
  resourceSortKey,
  type FindingsCursor,
} from './findingsSort';
import {
  chunk,
  dayOf,
  parseJson,
  round1,
  sha256,
  toBool,
  toDate,
  toDateOrNull,
  toNumber,
  toNumberOrNull,
} from './util';

export type * from './types';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-security-posture-backend',
  'migrations',
);

/** Rows per multi-row insert (keeps well under the bind-parameter limits). */
const INSERT_CHUNK = 100;
/** Values per `IN (...)` list. */
const IN_CHUNK = 500;
/** Longest list of problems kept on a scan run. */
const MAX_SCAN_ERRORS = 100;
/** PostgreSQL advisory lock serialising scan requests across replicas ("SPSC"). */
const SCAN_REQUEST_LOCK_KEY = 0x53505343;

/** The posture data written for an entity or roll-up (the store fills in times). */
export type PostureWrite = Omit<
  PostureRecord,
  'updatedAt' | 'delta7d' | 'delta30d' | 'lastScanAt' | 'lastScanId'
>;

/** Everything one entity's assessment writes, applied in one transaction. */
export interface EntityResultWrite {
  entityId: number;
  scanId: string;
  at: Date;
  posture: PostureWrite;
  findings: FindingWrite[];
  resources: OwnedResourceWrite[];
  unclaimed: UnclaimedResourceWrite[];
  providerStates: EntityProviderState[];
}

/** What applying an entity result changed. */
export interface EntityResultOutcome {
  snapshotWritten: boolean;
  /** Findings that became exempted in this write (for audit). */
  newlyExempted: FindingWrite[];
  /** Findings that were open and are now resolved. */
  resolved: number;
  /** Failing findings that are new in this write, or came back after being resolved. */
  opened: FindingWrite[];
}

/** Filters, order and position of a findings page. */
export interface FindingsQuery {
  statuses?: string[];
  severities?: string[];
  categories?: string[];
  limit: number;
  /** Order (`key` or `-key`); most severe first when absent. */
  sort?: FindingSort;
  /** `next` of the previous page, for the same filters and order. */
  cursor?: FindingsCursor;
}

export type { FindingsCursor };

/** Settings of the history writes. */
export interface HistoryOptions {
  /** A snapshot is written when the posture changed, or when the last one is older than this. */
  snapshotHeartbeatMs: number;
}

const DEFAULT_HISTORY: HistoryOptions = {
  snapshotHeartbeatMs: 24 * 60 * 60 * 1000,
};

type Row = Record<string, any>;

/**
 * Persistence of the plugin (knex; SQLite and PostgreSQL): scan runs, the catalog
 * hierarchy, the latest posture per entity and roll-up, append-only snapshots,
 * daily roll-ups, findings with their lifecycle, ownership and provider state.
 *
 * Every write is idempotent: applying the same scan's results twice leaves the
 * same rows (unique keys on `(entity, scan)`, `(entity, day)`,
 * `(entity, fingerprint)`, `(entity, resource)`).
 */
export class SecurityPostureStore {
  private constructor(
    private readonly db: Knex,
    private readonly history: HistoryOptions,
  ) {}

  /** Bumped whenever this instance writes `catalog_entities`. */
  private catalogWrites = 0;

  /**
   * A number that changes whenever this store instance changes the catalog
   * entities (upserts, removals, deletions), so in-process caches of the
   * hierarchy can tell they are out of date without reading the table.
   * Writes by other processes (replicas) do not change it.
   */
  get catalogVersion(): number {
    return this.catalogWrites;
  }

  /** Connects to the plugin database and runs migrations unless they are skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    history?: Partial<HistoryOptions>;
  }): Promise<SecurityPostureStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await migrateLatest(client);
    }
    return new SecurityPostureStore(client, {
      ...DEFAULT_HISTORY,
      ...options.history,
    });
  }

  /** The migrations folder (for tests that migrate up and down). */
  static get migrationsDirectory(): string {
    return migrationsDir;
  }

  // ---------------------------------------------------------------- scan runs

  /** Records a scan run (queued or already running). */
  async createScanRun(run: {
    id: string;
    trigger: ScanTrigger;
    status: 'queued' | 'running';
    scope?: string | null;
    shard?: string | null;
    requestedBy?: string | null;
    createdAt?: Date;
  }): Promise<void> {
    const now = run.createdAt ?? new Date();
    await this.db('scan_runs').insert({
      id: run.id,
      trigger: run.trigger,
      scope: run.scope ?? null,
      shard: run.shard ?? null,
      status: run.status,
      requested_by: run.requestedBy ?? null,
      created_at: now,
      started_at: run.status === 'running' ? now : null,
    });
  }

  /** Records the start of a scan (kept for callers that start runs directly). */
  async startScanRun(run: {
    id: string;
    trigger: ScanTrigger;
    scope?: string;
    shard?: string;
    startedAt: Date;
  }): Promise<void> {
    await this.createScanRun({
      id: run.id,
      trigger: run.trigger,
      status: 'running',
      scope: run.scope,
      shard: run.shard,
      createdAt: run.startedAt,
    });
  }

  /**
   * Queues a requested scan: reuses a request with the same scope that is still
   * waiting, refuses one over a rate limit (with when a slot frees up), else
   * inserts it. The checks and the insert are one transaction, serialised across
   * replicas by a PostgreSQL advisory lock (SQLite serialises writers itself), so
   * concurrent requests on several replicas can neither both take the last slot
   * nor queue the same scope twice. Limits count requests (`trigger` manual) by
   * their creation time, whatever became of them.
   */
  async queueScanRequest(request: {
    id: string;
    scope: string | null;
    requestedBy?: string | null;
    limits: ScanRequestLimits;
    now?: Date;
  }): Promise<
    | { outcome: 'queued' | 'reused'; run: ScanRun }
    | {
        outcome: 'limited';
        limit: 'perEntity' | 'global';
        retryAfterMs: number;
      }
  > {
    const now = request.now ?? new Date();
    return this.db.transaction(async tx => {
      if (this.db.client.config.client === 'pg') {
        await tx.raw('select pg_advisory_xact_lock(?)', [
          SCAN_REQUEST_LOCK_KEY,
        ]);
      }
      const scoped = (query: Knex.QueryBuilder) =>
        request.scope === null
          ? query.whereNull('scope')
          : query.where({ scope: request.scope });
      const waiting = await scoped(tx('scan_runs').where({ status: 'queued' }))
        .orderBy('created_at', 'asc')
        .first();
      if (waiting) return { outcome: 'reused', run: mapScanRun(waiting) };

      const checks: Array<['perEntity' | 'global', RequestLimit]> = [
        ['perEntity', request.limits.perEntity],
        ['global', request.limits.global],
      ];
      for (const [limit, { max, windowMs }] of checks) {
        const since = new Date(now.getTime() - windowMs);
        let query = tx('scan_runs')
          .where({ trigger: 'manual' })
          .where('created_at', '>', since);
        if (limit === 'perEntity') query = scoped(query);
        const recent = await query
          .select('created_at')
          .orderBy('created_at', 'desc')
          .limit(max);
        if (recent.length >= max) {
          // The slot frees up when the oldest of the last `max` leaves the window.
          const oldest = toDate(recent[recent.length - 1].created_at);
          return {
            outcome: 'limited',
            limit,
            retryAfterMs: Math.max(
              1000,
              oldest.getTime() + windowMs - now.getTime(),
            ),
          };
        }
      }
      const row = {
        id: request.id,
        trigger: 'manual',
        scope: request.scope,
        shard: null,
        status: 'queued',
        requested_by: request.requestedBy ?? null,
        created_at: now,
        started_at: null,
      };
      await tx('scan_runs').insert(row);
      return { outcome: 'queued', run: mapScanRun(row) };
    });
  }

  /** A queued request with the same scope, if one is waiting (requests are deduplicated). */
  async findQueuedScan(scope: string | null): Promise<ScanRun | undefined> {
    const query = this.db('scan_runs').where({ status: 'queued' });
    if (scope === null) query.whereNull('scope');
    else query.where({ scope });
    const row = await query.orderBy('created_at', 'asc').first();
    return row ? mapScanRun(row) : undefined;
  }

  /**
   * Claims the oldest queued scan: marks it running and returns it. Safe when
   * several replicas poll at once (the update only succeeds for one).
   */
  async claimQueuedScan(now: Date = new Date()): Promise<ScanRun | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.db('scan_runs')
        .where({ status: 'queued' })
        .orderBy('created_at', 'asc')
        .first();
      if (!row) return undefined;
      const updated = await this.db('scan_runs')
        .where({ id: row.id, status: 'queued' })
        .update({ status: 'running', started_at: now });
      if (updated === 1) {
        return mapScanRun({ ...row, status: 'running', started_at: now });
      }
    }
    return undefined;
  }

  /** Records the end of a scan. */
  async finishScanRun(
    id: string,
    outcome: {
      status: Exclude<ScanRunStatus, 'running' | 'queued'>;
      error?: string;
      counts?: Partial<ScanCounts>;
      errors?: string[];
    },
    finishedAt: Date = new Date(),
  ): Promise<void> {
    const errors = outcome.errors ?? [];
    await this.db('scan_runs')
      .where({ id })
      .update({
        status: outcome.status,
        error: outcome.error ?? null,
        finished_at: finishedAt,
        ...(outcome.counts?.entities !== undefined
          ? { entity_count: outcome.counts.entities }
          : {}),
        ...(outcome.counts?.resources !== undefined
          ? { resource_count: outcome.counts.resources }
          : {}),
        ...(outcome.counts?.findings !== undefined
          ? { finding_count: outcome.counts.findings }
          : {}),
        error_count: outcome.counts?.errors ?? errors.length,
        errors_json:
          errors.length > 0
            ? JSON.stringify(errors.slice(0, MAX_SCAN_ERRORS))
            : null,
      });
  }

  /**
   * Marks the runs of a shard still `running` as aborted: called by the run
   * that holds the shard's scheduler lock (scope global), so any other run of
   * that shard was left behind by a replica that died or was killed.
   */
  async abortInterruptedShardRuns(
    shard: string,
    exceptId: string,
    now: Date = new Date(),
  ): Promise<number> {
    return this.db('scan_runs')
      .where({ status: 'running', shard })
      .whereNot({ id: exceptId })
      .update({
        status: 'aborted',
        finished_at: now,
        error:
          'The scan did not finish: the backend running it stopped, and another replica took the shard over',
      });
  }

  /** Marks runs still `running` since before `before` as aborted (their replica died). */
  async abortStaleScanRuns(before: Date, now: Date = new Date()) {
    return this.db('scan_runs')
      .where({ status: 'running' })
      .where('started_at', '<', before)
      .update({
        status: 'aborted',
        finished_at: now,
        error: 'The scan did not finish (the backend stopped or timed out)',
      });
  }

  async getScanRun(id: string): Promise<ScanRun | undefined> {
    const row = await this.db('scan_runs').where({ id }).first();
    return row ? mapScanRun(row) : undefined;
  }

  /** The start of the latest succeeded scheduled run of a shard. */
  async lastSucceededShardRunStart(shard: string): Promise<Date | undefined> {
    const row = await this.db('scan_runs')
      .where({ shard, status: 'succeeded' })
      .whereNot({ trigger: 'manual' })
      .max({ started: 'started_at' })
      .first();
    return row?.started ? new Date(row.started) : undefined;
  }

  /** The most recent runs, newest first. */
  async listScanRuns(limit: number): Promise<ScanRun[]> {
    const rows = await this.db('scan_runs')
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(mapScanRun);
  }

  // ------------------------------------------------------------------ catalog

  /**
   * Inserts or updates catalog entities (seen now, no longer removed) and returns
   * their ids by ref.
   */
  async upsertCatalogEntities(
    entities: readonly CatalogEntityInfo[],
    seenAt: Date,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    if (entities.length === 0) return ids;
    this.catalogWrites++;
    try {
      await this.upsertCatalogRows(entities, seenAt);
    } finally {
      this.catalogWrites++;
    }
    for (const part of chunk(
      entities.map(e => e.ref),
      IN_CHUNK,
    )) {
      const rows = await this.db('catalog_entities')
        .whereIn('entity_ref', part)
        .select('id', 'entity_ref');
      for (const row of rows) ids.set(row.entity_ref, toNumber(row.id));
    }
    return ids;
  }

  private async upsertCatalogRows(
    entities: readonly CatalogEntityInfo[],
    seenAt: Date,
  ): Promise<void> {
    for (const part of chunk(entities, INSERT_CHUNK)) {
      await this.db('catalog_entities')
        .insert(
          part.map(e => ({
            entity_ref: e.ref,
            kind: e.kind,
            namespace: e.namespace,
            name: e.name,
            title: e.title ?? null,
            type: e.type ?? null,
            lifecycle: e.lifecycle ?? null,
            owner_ref: e.ownerRef ?? null,
            system_ref: e.systemRef ?? null,
            domain_ref: e.domainRef ?? null,
            parent_ref: e.parentRef ?? null,
            scanned: e.scanned,
            seen_at: seenAt,
            removed_at: null,
          })),
        )
        .onConflict('entity_ref')
        .merge([
          'kind',
          'namespace',
          'name',
          'title',
          'type',
          'lifecycle',
          'owner_ref',
          'system_ref',
          'domain_ref',
          'parent_ref',
          'scanned',
          'seen_at',
          'removed_at',
        ]);
    }
  }

  /** Catalog entities that are still in the catalog. */
  async listCatalogEntities(): Promise<StoredCatalogEntity[]> {
    const rows = await this.db('catalog_entities').whereNull('removed_at');
    return rows.map(r => mapCatalogEntity(r));
  }

  async getCatalogEntity(
    ref: string,
  ): Promise<StoredCatalogEntity | undefined> {
    const row = await this.db('catalog_entities')
      .where({ entity_ref: ref })
      .first();
    return row ? mapCatalogEntity(row) : undefined;
  }

  /**
   * Marks entities that left the catalog as removed and drops their latest
   * posture (history stays until retention removes it).
   */
  async markCatalogEntitiesRemoved(
    refs: readonly string[],
    at: Date,
  ): Promise<void> {
    for (const part of chunk(refs, IN_CHUNK)) {
      this.catalogWrites++;
      await this.db.transaction(async tx => {
        const ids = (
          await tx('catalog_entities').whereIn('entity_ref', part).select('id')
        ).map(r => toNumber(r.id));
        await tx('catalog_entities')
          .whereIn('id', ids)
          .update({ removed_at: at });
        await tx('entity_posture').whereIn('entity_id', ids).delete();
        await tx('entity_resources').whereIn('entity_id', ids).delete();
        await tx('entity_provider_state').whereIn('entity_id', ids).delete();
        await tx('unowned_resources').whereIn('reporter', part).delete();
      });
      this.catalogWrites++;
    }
  }

  // ------------------------------------------------------------------ posture

  /** Latest posture of an entity or roll-up, with its catalog entity. */
  async getPosture(ref: string): Promise<PostureWithEntity | undefined> {
    const row = await this.postureQuery().where('e.entity_ref', ref).first();
    return row ? mapPostureWithEntity(row) : undefined;
  }

  /** Latest postures, optionally restricted. */
  async listPostures(
    filter: {
      isRollup?: boolean;
      kinds?: string[];
      entityIds?: number[];
      refs?: string[];
    } = {},
  ): Promise<PostureWithEntity[]> {
    const run = async (ids?: number[], refs?: string[]) => {
      const query = this.postureQuery();
      if (filter.isRollup !== undefined) {
        query.where('p.is_rollup', filter.isRollup);
      }
      if (filter.kinds) query.whereIn('e.kind', filter.kinds);
      if (ids) query.whereIn('p.entity_id', ids);
      if (refs) query.whereIn('e.entity_ref', refs);
      return (await query).map(mapPostureWithEntity);
    };
    if (filter.entityIds) {
      const out: PostureWithEntity[] = [];
      for (const part of chunk(filter.entityIds, IN_CHUNK)) {
        out.push(...(await run(part)));
      }
      return out;
    }
    if (filter.refs) {
      const out: PostureWithEntity[] = [];
      for (const part of chunk(filter.refs, IN_CHUNK)) {
        out.push(...(await run(undefined, part)));
      }
      return out;
    }
    return run();
  }

  /**
   * A page of latest postures ranked by score (best first, unscored last), for
   * leaderboards: reads the latest table only.
   */
  async rankPostures(options: {
    isRollup: boolean;
    kinds?: string[];
    offset: number;
    limit: number;
  }): Promise<PostureWithEntity[]> {
    const query = this.postureQuery()
      .where('p.is_rollup', options.isRollup)
      .whereNotNull('p.percent');
    if (options.kinds) query.whereIn('e.kind', options.kinds);
    const rows = await query
      .orderBy('p.percent', 'desc')
      .orderBy('e.entity_ref', 'asc')
      .offset(options.offset)
      .limit(options.limit);
    return rows.map(mapPostureWithEntity);
  }

  /**
   * Group roll-ups ranked by score (best first, unscored left out, ties by ref),
   * for the leaderboard's teams: just the columns the leaderboard shows (none of
   * the JSON), filtered by group `spec.type` (lower-cased; all when empty) and
   * paged in SQL.
   */
  async rankGroupRollups(options: {
    groupTypes: readonly string[];
    offset: number;
    limit: number;
  }): Promise<RankedRollup[]> {
    const query = this.db('entity_posture as p')
      .join('catalog_entities as e', 'e.id', 'p.entity_id')
      .select(
        'e.entity_ref',
        'e.title',
        'e.type',
        'p.earned',
        'p.possible',
        'p.adjusted_earned',
        'p.delta_7d',
        'p.delta_30d',
        'p.member_count',
        'p.critical',
        'p.high',
        'p.medium',
        'p.low',
      )
      .where('p.is_rollup', true)
      .whereNotNull('p.percent')
      .where('e.kind', 'group');
    if (options.groupTypes.length > 0) {
      const types = [...new Set(options.groupTypes.map(t => t.toLowerCase()))];
      query.whereRaw(
        `lower(coalesce(e.type, '')) in (${types.map(() => '?').join(', ')})`,
        types,
      );
    }
    const rows: Row[] = await query
      .orderBy('p.percent', 'desc')
      .orderBy('e.entity_ref', 'asc')
      .offset(options.offset)
      .limit(options.limit);
    return rows.map(r => ({
      ref: String(r.entity_ref),
      title: r.title ?? undefined,
      type: r.type ?? undefined,
      earned: toNumber(r.earned),
      possible: toNumber(r.possible),
      adjustedEarned: toNumber(r.adjusted_earned),
      delta7d: toNumberOrNull(r.delta_7d),
      delta30d: toNumberOrNull(r.delta_30d),
      memberCount: toNumber(r.member_count),
      counts: {
        critical: toNumber(r.critical),
        high: toNumber(r.high),
        medium: toNumber(r.medium),
        low: toNumber(r.low),
      },
    }));
  }

  /**
   * The framework states of latest postures (roll-ups of groups for the
   * framework report), with just enough of the entity to list them: reads the
   * latest table only, and none of its other JSON columns.
   */
  async listFrameworkStates(filter: {
    isRollup?: boolean;
    kinds?: string[];
    refs?: string[];
  }): Promise<
    Array<{
      entity: Pick<
        StoredCatalogEntity,
        'id' | 'ref' | 'kind' | 'title' | 'type'
      >;
      memberCount: number;
      frameworks: FrameworkStates | null;
    }>
  > {
    const run = async (refs?: string[]) => {
      const query = this.db('entity_posture as p')
        .join('catalog_entities as e', 'e.id', 'p.entity_id')
        .select(
          'e.id',
          'e.entity_ref',
          'e.kind',
          'e.title',
          'e.type',
          'p.member_count',
          'p.frameworks_json',
        )
        .orderBy('e.entity_ref', 'asc');
      if (filter.isRollup !== undefined) {
        query.where('p.is_rollup', filter.isRollup);
      }
      if (filter.kinds) query.whereIn('e.kind', filter.kinds);
      if (refs) query.whereIn('e.entity_ref', refs);
      return (await query).map((r: Row) => ({
        entity: {
          id: toNumber(r.id),
          ref: String(r.entity_ref),
          kind: String(r.kind),
          title: r.title ?? undefined,
          type: r.type ?? undefined,
        },
        memberCount: toNumber(r.member_count),
        frameworks: parseFrameworkStates(r.frameworks_json),
      }));
    };
    if (!filter.refs) return run();
    const out = [];
    for (const part of chunk(filter.refs, IN_CHUNK)) {
      out.push(...(await run(part)));
    }
    return out.sort((a, b) => (a.entity.ref < b.entity.ref ? -1 : 1));
  }

  private postureQuery() {
    return this.db('entity_posture as p')
      .join('catalog_entities as e', 'e.id', 'p.entity_id')
      .select(
        'p.*',
        'e.id as e_id',
        'e.entity_ref as e_entity_ref',
        'e.kind as e_kind',
        'e.namespace as e_namespace',
        'e.name as e_name',
        'e.title as e_title',
        'e.type as e_type',
        'e.lifecycle as e_lifecycle',
        'e.owner_ref as e_owner_ref',
        'e.system_ref as e_system_ref',
        'e.domain_ref as e_domain_ref',
        'e.parent_ref as e_parent_ref',
        'e.scanned as e_scanned',
      );
  }

  /** Provider states of an entity. */
  async getEntityProviderStates(
    entityId: number,
  ): Promise<EntityProviderState[]> {
    const rows = await this.db('entity_provider_state').where({
      entity_id: entityId,
    });
    return rows.map(r => ({
      provider: r.provider,
      status: r.status,
      resourceCount: toNumber(r.resource_count),
      pendingCount: toNumberOrNull(r.pending_count),
      pendingScans: toNumber(r.pending_scans),
      error: r.error ?? null,
    }));
  }

  /** Providers that supplied resources to an entity at its last scan, with counts. */
  async getEntityResourceCounts(
    entityId: number,
  ): Promise<Map<string, number>> {
    const rows: Row[] = await this.db('entity_resources')
      .where({ entity_id: entityId })
      .select('provider')
      .count({ n: '*' })
      .groupBy('provider');
    return new Map(rows.map(r => [String(r.provider), toNumber(r.n)]));
  }

  /** Content hashes of the resources an entity owned at its last scan, by uid. */
  async getEntityResourceHashes(
    entityId: number,
  ): Promise<Map<string, string>> {
    const rows = await this.db('entity_resources')
      .where({ entity_id: entityId })
      .select('uid', 'content_hash');
    return new Map(rows.map(r => [String(r.uid), String(r.content_hash)]));
  }

  /**
   * Applies an entity's assessment: latest posture, a snapshot when it changed,
   * the day's roll-up, findings (new, still open, resolved), owned and unclaimed
   * resources, provider states — in one transaction.
   */
  async applyEntityResult(
    input: EntityResultWrite,
  ): Promise<EntityResultOutcome> {
    return this.db.transaction(async tx => {
      await this.writePosture(tx, input.entityId, input.posture, {
        scanId: input.scanId,
        at: input.at,
      });
      const snapshotWritten = await this.writeHistory(
        tx,
        input.entityId,
        input.posture,
        input.scanId,
        input.at,
      );
      const { newlyExempted, resolved, opened } = await this.writeFindings(
        tx,
        input.entityId,
        input.findings,
        input.scanId,
        input.at,
      );
      await this.writeResources(tx, input.entityId, input.resources, input.at);
      await this.writeUnclaimed(
        tx,
        input.posture.entityRef,
        input.unclaimed,
        null,
        input.at,
      );
      await this.writeProviderStates(
        tx,
        input.entityId,
        input.providerStates,
        input.at,
      );
      return { snapshotWritten, newlyExempted, resolved, opened };
    });
  }

  /**
   * Records a scan that found an entity's inputs unchanged: the results stand,
   * re-dated to this scan (no re-assessment, no finding rewrite).
   */
  async touchEntity(input: {
    entityId: number;
    scanId: string;
    at: Date;
    statusReasons: string[];
    providerStates: EntityProviderState[];
  }): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx('entity_posture')
        .where({ entity_id: input.entityId })
        .first();
      if (!row) return;
      await tx('entity_posture')
        .where({ entity_id: input.entityId })
        .update({
          status: 'ok',
          status_reasons: JSON.stringify(input.statusReasons),
          stale_since: null,
          last_scan_at: input.at,
          last_scan_id: input.scanId,
          updated_at: input.at,
        });
      const posture = mapPosture(row, '');
      posture.status = 'ok';
      await this.writeHistory(
        tx,
        input.entityId,
        posture,
        input.scanId,
        input.at,
      );
      await tx('findings')
        .where({ entity_id: input.entityId })
        .whereNot({ status: 'resolved' })
        .update({ last_seen: input.at, last_scan_id: input.scanId });
      await tx('entity_resources')
        .where({ entity_id: input.entityId })
        .update({ last_seen: input.at });
      await this.writeProviderStates(
        tx,
        input.entityId,
        input.providerStates,
        input.at,
      );
    });
  }

  /**
   * Marks an entity partial: its last known results stay, `stale_since` records
   * when it stopped being refreshed.
   */
  async markEntityPartial(input: {
    entityId: number;
    at: Date;
    statusReasons: string[];
    providerStates: EntityProviderState[];
  }): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx('entity_posture')
        .where({ entity_id: input.entityId })
        .first();
      if (row) {
        await tx('entity_posture')
          .where({ entity_id: input.entityId })
          .update({
            status: 'partial',
            status_reasons: JSON.stringify(input.statusReasons),
            stale_since: row.stale_since ?? input.at,
            updated_at: input.at,
          });
      }
      await this.writeProviderStates(
        tx,
        input.entityId,
        input.providerStates,
        input.at,
      );
    });
  }

  /**
   * Forgets what an entity owned when no provider has anything to say about it
   * any more (its annotations were removed): latest posture, resources and
   * provider states go, open findings are resolved. History stays.
   */
  async clearEntity(
    entityId: number,
    entityRef: string,
    scanId: string,
    at: Date,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('entity_posture').where({ entity_id: entityId }).delete();
      await tx('entity_resources').where({ entity_id: entityId }).delete();
      await tx('entity_provider_state').where({ entity_id: entityId }).delete();
      await tx('unowned_resources').where({ reporter: entityRef }).delete();
      await tx('findings')
        .where({ entity_id: entityId })
        .whereNot({ status: 'resolved' })
        .update({ status: 'resolved', resolved_at: at, last_scan_id: scanId });
    });
  }

  /** Removes the latest posture of entities (no longer scored). */
  async deletePostures(entityIds: readonly number[]): Promise<void> {
    for (const part of chunk(entityIds, IN_CHUNK)) {
      await this.db('entity_posture').whereIn('entity_id', part).delete();
    }
  }

  /**
   * Writes roll-ups (systems, domains, groups): latest posture, snapshot when
   * changed, daily roll-up; removes roll-ups that have no members any more.
   */
  async writeRollups(
    rollups: ReadonlyArray<{ entityId: number; posture: PostureWrite }>,
    scanId: string,
    at: Date,
  ): Promise<void> {
    const keep = new Set(rollups.map(r => r.entityId));
    for (const part of chunk(rollups, 50)) {
      await this.db.transaction(async tx => {
        for (const rollup of part) {
          await this.writePosture(tx, rollup.entityId, rollup.posture, {
            scanId,
            at,
          });
          await this.writeHistory(
            tx,
            rollup.entityId,
            rollup.posture,
            scanId,
            at,
          );
        }
      });
    }
    const existing = await this.db('entity_posture')
      .where({ is_rollup: true })
      .select('entity_id');
    const gone = existing
      .map(r => toNumber(r.entity_id))
      .filter(id => !keep.has(id));
    await this.deletePostures(gone);
  }

  /**
   * Recomputes the 7- and 30-day score changes of every latest posture from the
   * daily roll-ups (so leaderboards read them from the latest table).
   */
  async updateDeltas(now: Date): Promise<void> {
    const day = (n: number) =>
      dayOf(new Date(now.getTime() - n * 24 * 60 * 60 * 1000));
    const windows = [
      { key: 'delta_7d', from: day(10), to: day(7) },
      { key: 'delta_30d', from: day(33), to: day(30) },
    ] as const;
    const base = new Map<string, Map<number, number | null>>();
    for (const w of windows) {
      const rows = await this.db('posture_daily')
        .whereBetween('day', [w.from, w.to])
        .select('entity_id', 'day', 'percent')
        .orderBy('day', 'asc');
      const latest = new Map<number, number | null>();
      for (const r of rows) {
        latest.set(toNumber(r.entity_id), toNumberOrNull(r.percent));
      }
      base.set(w.key, latest);
    }
    const current = await this.db('entity_posture').select(
      'entity_id',
      'percent',
      'delta_7d',
      'delta_30d',
    );
    const updates: Array<{ id: number; values: Row }> = [];
    for (const r of current) {
      const id = toNumber(r.entity_id);
      const percent = toNumberOrNull(r.percent);
      const values: Row = {};
      for (const w of windows) {
        const before = base.get(w.key)!.get(id);
        const delta =
          percent !== null && before !== null && before !== undefined
            ? round1(percent - before)
            : null;
        const stored = toNumberOrNull(r[w.key]);
        if (delta !== stored) values[w.key] = delta;
      }
      if (Object.keys(values).length > 0) updates.push({ id, values });
    }
    for (const part of chunk(updates, 200)) {
      await this.db.transaction(async tx => {
        for (const u of part) {
          await tx('entity_posture')
            .where({ entity_id: u.id })
            .update(u.values);
        }
      });
    }
  }

  private async writePosture(
    tx: Knex.Transaction,
    entityId: number,
    p: PostureWrite,
    scan: { scanId: string; at: Date },
  ): Promise<void> {
    const row = {
      entity_id: entityId,
      is_rollup: p.isRollup,
      status: p.status,
      status_reasons: JSON.stringify(p.statusReasons),
      stale_since: p.staleSince,
      last_scan_at: scan.at,
      last_scan_id: scan.scanId,
      earned: p.earned,
      possible: p.possible,
      percent: p.percent,
      adjusted_earned: p.adjustedEarned,
      adjusted_percent: p.adjustedPercent,
      coverage: p.coverage,
      coverage_evidenced: p.coverageEvidenced,
      coverage_applicable: p.coverageApplicable,
      categories_json: JSON.stringify(p.categories),
      controls_json: JSON.stringify(p.controls),
      points_json: JSON.stringify(p.pointsToGain),
      exemptions_json: JSON.stringify(p.exemptions),
      critical: p.counts.critical,
      high: p.counts.high,
      medium: p.counts.medium,
      low: p.counts.low,
      resource_count: p.resourceCount,
      member_count: p.memberCount,
      model_version: p.modelVersion,
      input_hash: p.inputHash,
      frameworks_json: p.frameworks ? JSON.stringify(p.frameworks) : null,
      updated_at: scan.at,
    };
    const { entity_id: _id, ...update } = row;
    await tx('entity_posture')
      .insert(row)
      .onConflict('entity_id')
      .merge(Object.keys(update));
  }

  /** Snapshot when the posture changed (or the heartbeat is due), and the day's roll-up. */
  private async writeHistory(
    tx: Knex.Transaction,
    entityId: number,
    p: Pick<
      PostureRecord,
      | 'status'
      | 'earned'
      | 'possible'
      | 'percent'
      | 'adjustedEarned'
      | 'adjustedPercent'
      | 'categories'
      | 'modelVersion'
    >,
    scanId: string,
    at: Date,
  ): Promise<boolean> {
    const categories = JSON.stringify(compactCategories(p.categories));
    const last = await tx('posture_snapshots')
      .where({ entity_id: entityId })
      .orderBy('taken_at', 'desc')
      .first();
    const changed =
      !last ||
      toNumberOrNull(last.percent) !== p.percent ||
      toNumberOrNull(last.adjusted_percent) !== p.adjustedPercent ||
      toNumber(last.earned) !== p.earned ||
      toNumber(last.possible) !== p.possible ||
      (last.model_version ?? null) !== p.modelVersion ||
      last.categories_json !== categories ||
      at.getTime() - toDate(last.taken_at).getTime() >=
        this.history.snapshotHeartbeatMs;
    const written = changed && (!last || last.scan_id !== scanId);
    if (written) {
      await tx('posture_snapshots')
        .insert({
          entity_id: entityId,
          scan_id: scanId,
          taken_at: at,
          status: p.status,
          earned: p.earned,
          possible: p.possible,
          percent: p.percent,
          adjusted_earned: p.adjustedEarned,
          adjusted_percent: p.adjustedPercent,
          categories_json: categories,
          model_version: p.modelVersion,
        })
        .onConflict(['entity_id', 'scan_id'])
        .ignore();
    }
    await tx('posture_daily')
      .insert({
        entity_id: entityId,
        day: dayOf(at),
        earned: p.earned,
        possible: p.possible,
        percent: p.percent,
        adjusted_percent: p.adjustedPercent,
        min_percent: p.percent,
        max_percent: p.percent,
        categories_json: categories,
        model_version: p.modelVersion,
        updated_at: at,
      })
      .onConflict(['entity_id', 'day'])
      .merge({
        earned: tx.raw('excluded.earned'),
        possible: tx.raw('excluded.possible'),
        percent: tx.raw('excluded.percent'),
        adjusted_percent: tx.raw('excluded.adjusted_percent'),
        categories_json: tx.raw('excluded.categories_json'),
        model_version: tx.raw('excluded.model_version'),
        updated_at: tx.raw('excluded.updated_at'),
        min_percent: tx.raw(
          'CASE WHEN posture_daily.min_percent IS NULL OR excluded.min_percent < posture_daily.min_percent THEN excluded.min_percent ELSE posture_daily.min_percent END',
        ),
        max_percent: tx.raw(
          'CASE WHEN posture_daily.max_percent IS NULL OR excluded.max_percent > posture_daily.max_percent THEN excluded.max_percent ELSE posture_daily.max_percent END',
        ),
      });
    return written;
  }

  private async writeFindings(
    tx: Knex.Transaction,
    entityId: number,
    findings: readonly FindingWrite[],
    scanId: string,
    at: Date,
  ): Promise<{
    newlyExempted: FindingWrite[];
    resolved: number;
    opened: FindingWrite[];
  }> {
    const existing = await tx('findings')
      .where({ entity_id: entityId })
      .select('id', 'fingerprint', 'status');
    const byFingerprint = new Map<string, { id: number; status: string }>();
    for (const r of existing) {
      byFingerprint.set(r.fingerprint, {
        id: toNumber(r.id),
        status: r.status,
      });
    }
    const current = new Set<string>();
    const newlyExempted: FindingWrite[] = [];
    const opened: FindingWrite[] = [];
    const rows: Row[] = [];
    for (const f of findings) {
      if (current.has(f.fingerprint)) continue;
      current.add(f.fingerprint);
      const before = byFingerprint.get(f.fingerprint);
      if (f.status === 'exempted' && before?.status !== 'exempted') {
        newlyExempted.push(f);
      }
      if (f.status === 'open' && (!before || before.status === 'resolved')) {
        opened.push(f);
      }
      rows.push({
        entity_id: entityId,
        fingerprint: f.fingerprint,
        check_id: f.checkId,
        resource_uid: f.resourceUid,
        resource_json: JSON.stringify(f.resource),
        resource_sort: resourceSortKey(f.resource),
        severity: f.severity,
        severity_rank: severityRank(f.severity),
        category: f.category,
        control: f.control,
        status: f.status,
        title: f.title,
        message: f.message,
        evidence_json: JSON.stringify(f.evidence),
        remediation_json: JSON.stringify(f.remediation),
        exemption_json: f.exemption ? JSON.stringify(f.exemption) : null,
        first_seen: at,
        last_seen: at,
        resolved_at: null,
        last_scan_id: scanId,
      });
    }
    for (const part of chunk(rows, INSERT_CHUNK)) {
      await tx('findings')
        .insert(part)
        .onConflict(['entity_id', 'fingerprint'])
        .merge({
          check_id: tx.raw('excluded.check_id'),
          resource_uid: tx.raw('excluded.resource_uid'),
          resource_json: tx.raw('excluded.resource_json'),
          resource_sort: tx.raw('excluded.resource_sort'),
          severity: tx.raw('excluded.severity'),
          severity_rank: tx.raw('excluded.severity_rank'),
          category: tx.raw('excluded.category'),
          control: tx.raw('excluded.control'),
          title: tx.raw('excluded.title'),
          message: tx.raw('excluded.message'),
          evidence_json: tx.raw('excluded.evidence_json'),
          remediation_json: tx.raw('excluded.remediation_json'),
          exemption_json: tx.raw('excluded.exemption_json'),
          last_seen: tx.raw('excluded.last_seen'),
          last_scan_id: tx.raw('excluded.last_scan_id'),
          resolved_at: null,
          // A finding that comes back after it was resolved is a new occurrence.
          first_seen: tx.raw(
            "CASE WHEN findings.status = 'resolved' THEN excluded.first_seen ELSE findings.first_seen END",
          ),
          status: tx.raw('excluded.status'),
        });
    }
    const toResolve = existing
      .filter(r => r.status !== 'resolved' && !current.has(r.fingerprint))
      .map(r => toNumber(r.id));
    for (const part of chunk(toResolve, IN_CHUNK)) {
      await tx('findings')
        .whereIn('id', part)
        .update({ status: 'resolved', resolved_at: at, last_scan_id: scanId });
    }
    return { newlyExempted, resolved: toResolve.length, opened };
  }

  private async writeResources(
    tx: Knex.Transaction,
    entityId: number,
    resources: readonly OwnedResourceWrite[],
    at: Date,
  ): Promise<void> {
    const rows = new Map<string, Row>();
    for (const r of resources) {
      const uidHash = sha256(r.uid);
      rows.set(uidHash, {
        entity_id: entityId,
        uid_hash: uidHash,
        uid: r.uid,
        provider: r.provider,
        type: r.type,
        kind: r.kind,
        name: r.name,
        namespace: r.namespace ?? null,
        address: r.address ?? null,
        source: r.source ?? null,
        content_hash: r.contentHash,
        last_seen: at,
      });
    }
    const existing = await tx('entity_resources')
      .where({ entity_id: entityId })
      .select('uid_hash');
    const gone = existing
      .map(r => String(r.uid_hash))
      .filter(h => !rows.has(h));
    for (const part of chunk(gone, IN_CHUNK)) {
      await tx('entity_resources')
        .where({ entity_id: entityId })
        .whereIn('uid_hash', part)
        .delete();
    }
    for (const part of chunk([...rows.values()], INSERT_CHUNK)) {
      await tx('entity_resources')
        .insert(part)
        .onConflict(['entity_id', 'uid_hash'])
        .merge([
          'uid',
          'provider',
          'type',
          'kind',
          'name',
          'namespace',
          'address',
          'source',
          'content_hash',
          'last_seen',
        ]);
    }
  }

  /**
   * Replaces what a reporter (an entity ref, or `provider:<id>` for listed
   * resources) saw and did not claim.
   */
  async replaceUnclaimed(
    reporter: string,
    items: readonly UnclaimedResourceWrite[],
    shard: string | null,
    at: Date,
  ): Promise<void> {
    await this.db.transaction(tx =>
      this.writeUnclaimed(tx, reporter, items, shard, at),
    );
  }

  private async writeUnclaimed(
    tx: Knex.Transaction,
    reporter: string,
    items: readonly UnclaimedResourceWrite[],
    shard: string | null,
    at: Date,
  ): Promise<void> {
    const rows = new Map<string, Row>();
    for (const r of items) {
      const uidHash = sha256(r.uid);
      rows.set(uidHash, {
        uid_hash: uidHash,
        reporter,
        uid: r.uid,
        provider: r.provider,
        type: r.type,
        kind: r.kind,
        name: r.name,
        namespace: r.namespace ?? null,
        location: r.location ?? null,
        team_ref: r.teamRef ?? null,
        shard,
        last_seen: at,
      });
    }
    // A provider's listing is reported shard by shard: replacing one shard's
    // part leaves the other shards' rows alone.
    const existing = await tx('unowned_resources')
      .where(shard === null ? { reporter } : { reporter, shard })
      .select('uid_hash');
    const gone = existing
      .map(r => String(r.uid_hash))
      .filter(h => !rows.has(h));
    for (const part of chunk(gone, IN_CHUNK)) {
      await tx('unowned_resources')
        .where({ reporter })
        .whereIn('uid_hash', part)
        .delete();
    }
    for (const part of chunk([...rows.values()], INSERT_CHUNK)) {
      await tx('unowned_resources')
        .insert(part)
        .onConflict(['uid_hash', 'reporter'])
        .merge([
          'uid',
          'provider',
          'type',
          'kind',
          'name',
          'namespace',
          'location',
          'team_ref',
          'shard',
          'last_seen',
        ]);
    }
  }

  private async writeProviderStates(
    tx: Knex.Transaction,
    entityId: number,
    states: readonly EntityProviderState[],
    at: Date,
  ): Promise<void> {
    if (states.length === 0) return;
    await tx('entity_provider_state')
      .insert(
        states.map(s => ({
          entity_id: entityId,
          provider: s.provider,
          status: s.status,
          resource_count: s.resourceCount,
          pending_count: s.pendingCount,
          pending_scans: s.pendingScans,
          error: s.error,
          updated_at: at,
        })),
      )
      .onConflict(['entity_id', 'provider'])
      .merge([
        'status',
        'resource_count',
        'pending_count',
        'pending_scans',
        'error',
        'updated_at',
      ]);
  }

  // -------------------------------------------------------------- providers

  async getProviderShardState(
    provider: string,
    shard: string,
  ): Promise<ProviderShardState | undefined> {
    const row = await this.db('provider_state')
      .where({ provider, shard })
      .first();
    if (!row) return undefined;
    return {
      provider: row.provider,
      shard: row.shard,
      lastCount: toNumber(row.last_count),
      pendingCount: toNumberOrNull(row.pending_count),
      pendingScans: toNumber(row.pending_scans),
      quarantinedSince: toDateOrNull(row.quarantined_since),
    };
  }

  async setProviderShardState(
    state: ProviderShardState & { error?: string | null },
    at: Date,
  ): Promise<void> {
    await this.db('provider_state')
      .insert({
        provider: state.provider,
        shard: state.shard,
        last_count: state.lastCount,
        pending_count: state.pendingCount,
        pending_scans: state.pendingScans,
        quarantined_since: state.quarantinedSince,
        error: state.error ?? null,
        updated_at: at,
      })
      .onConflict(['provider', 'shard'])
      .merge([
        'last_count',
        'pending_count',
        'pending_scans',
        'quarantined_since',
        'error',
        'updated_at',
      ]);
  }

  // ---------------------------------------------------------------- findings

  /**
   * A page of the findings of one or more entities (a roll-up's members), in
   * the order asked for (most severe first by default); keyset pagination on
   * the sort columns and the finding id, so pages neither skip nor repeat
   * findings while others are written. An invalid cursor yields an empty page.
   */
  async listFindings(
    entityIds: readonly number[],
    query: FindingsQuery,
  ): Promise<{
    items: StoredFinding[];
    totalCount: number;
    next?: FindingsCursor;
  }> {
    if (entityIds.length === 0) return { items: [], totalCount: 0 };
    const sort = query.sort ?? DEFAULT_FINDING_SORT;
    const base = () => {
      const q = this.db('findings as f').whereIn('f.entity_id', entityIds);
      if (query.statuses?.length) q.whereIn('f.status', query.statuses);
      if (query.severities?.length) q.whereIn('f.severity', query.severities);
      if (query.categories?.length) q.whereIn('f.category', query.categories);
      return q;
    };
    const [{ n }] = await base().count({ n: '*' });
    const columns = [
      ...findingsSortColumns(sort),
      {
        column: 'f.id',
        direction: 'asc' as const,
      },
    ];
    const page = base()
      .join('catalog_entities as e', 'e.id', 'f.entity_id')
      .select('f.*', 'e.entity_ref as e_entity_ref');
    if (query.cursor) {
      const bindings =
        query.cursor.sort === sort ? cursorBindings(query.cursor) : undefined;
      if (!bindings) return { items: [], totalCount: toNumber(n) };
      const values = [...bindings, query.cursor.id];
      // (a > x) or (a = x and b > y) or (a = x and b = y and id > z) …
      page.where(outer => {
        columns.forEach((column, i) => {
          outer.orWhere(inner => {
            for (let j = 0; j < i; j++) {
              inner.where(columns[j].column, values[j]);
            }
            inner.where(
              column.column,
              column.direction === 'asc' ? '>' : '<',
              values[i],
            );
          });
        });
      });
    }
    for (const column of columns) {
      page.orderBy(column.column, column.direction);
    }
    const rows = await page.limit(query.limit + 1);
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(r => mapFinding(r, r.e_entity_ref)),
      totalCount: toNumber(n),
      next: more && last ? cursorAfter(sort, last) : undefined,
    };
  }

  /** The most severe open findings across entities. */
  async listWorstFindings(
    entityIds: readonly number[],
    limit: number,
  ): Promise<StoredFinding[]> {
    const out: Row[] = [];
    for (const part of chunk(entityIds, IN_CHUNK)) {
      const rows = await this.db('findings as f')
        .join('catalog_entities as e', 'e.id', 'f.entity_id')
        .whereIn('f.entity_id', part)
        .where('f.status', 'open')
        .select('f.*', 'e.entity_ref as e_entity_ref')
        .orderBy('f.severity_rank', 'asc')
        .orderBy('f.first_seen', 'asc')
        .orderBy('f.id', 'asc')
        .limit(limit);
      out.push(...rows);
    }
    out.sort(
      (a, b) =>
        toNumber(a.severity_rank) - toNumber(b.severity_rank) ||
        toDate(a.first_seen).getTime() - toDate(b.first_seen).getTime() ||
        toNumber(a.id) - toNumber(b.id),
    );
    return out.slice(0, limit).map(r => mapFinding(r, r.e_entity_ref));
  }

  // ----------------------------------------------------------------- history

  /**
   * Score history of an entity between two instants: the snapshots (written
   * when the posture changed), and for days without a snapshot the day's roll-up
   * (so ranges older than the snapshot retention still have points).
   */
  async getHistory(
    entityId: number,
    from: Date,
    to: Date,
  ): Promise<HistoryRow[]> {
    const snapshots = await this.db('posture_snapshots')
      .where({ entity_id: entityId })
      .whereBetween('taken_at', [from, to])
      .orderBy('taken_at', 'asc');
    const daily = await this.db('posture_daily')
      .where({ entity_id: entityId })
      .whereBetween('day', [dayOf(from), dayOf(to)])
      .orderBy('day', 'asc');
    const snapshotDays = new Set<string>();
    const points: HistoryRow[] = [];
    for (const s of snapshots) {
      const at = toDate(s.taken_at);
      snapshotDays.add(dayOf(at));
      points.push({
        at,
        percent: toNumberOrNull(s.percent),
        adjustedPercent: toNumberOrNull(s.adjusted_percent),
        categories: expandCategories(parseJson(s.categories_json, {})),
        modelVersion: s.model_version ?? null,
      });
    }
    for (const d of daily) {
      if (snapshotDays.has(d.day)) continue;
      const at = toDate(d.updated_at);
      if (at < from || at > to) continue;
      points.push({
        at,
        percent: toNumberOrNull(d.percent),
        adjustedPercent: toNumberOrNull(d.adjusted_percent),
        categories: expandCategories(parseJson(d.categories_json, {})),
        modelVersion: d.model_version ?? null,
      });
    }
    points.sort((a, b) => a.at.getTime() - b.at.getTime());
    return points;
  }

  // --------------------------------------------------------------- ownership

  /**
   * A page of unowned resources: seen by a provider, claimed by no entity.
   * `reporters`, when given, restricts the page to what those reporters saw.
   */
  async listUnowned(options: {
    offset: number;
    limit: number;
    reporters?: string[];
  }): Promise<{ items: Row[]; totalCount: number }> {
    const base = () => {
      const q = this.db('unowned_resources as u').whereNotExists(
        this.db('entity_resources as r')
          .select(this.db.raw('1'))
          .whereRaw('r.uid_hash = u.uid_hash'),
      );
      if (options.reporters) q.whereIn('u.reporter', options.reporters);
      return q;
    };
    // One row per resource even when several reporters saw it.
    const [{ n }] = await base().countDistinct({ n: 'u.uid_hash' });
    const rows = await base()
      .select(
        'u.uid_hash',
        this.db.raw('MIN(u.uid) as uid'),
        this.db.raw('MIN(u.provider) as provider'),
        this.db.raw('MIN(u.type) as type'),
        this.db.raw('MIN(u.kind) as kind'),
        this.db.raw('MIN(u.name) as name'),
        this.db.raw('MIN(u.namespace) as namespace'),
        this.db.raw('MIN(u.location) as location'),
        this.db.raw('MAX(u.last_seen) as last_seen'),
      )
      .groupBy('u.uid_hash')
      .orderBy('name', 'asc')
      .orderBy('u.uid_hash', 'asc')
      .offset(options.offset)
      .limit(options.limit);
    return { items: rows, totalCount: toNumber(n) };
  }

  /**
   * Per team (the group whose entities' sources held the resources): resources
   * owned by an entity, and resources no entity claims.
   */
  async unownedByTeam(): Promise<Map<string, number>> {
    const rows: Row[] = await this.db('unowned_resources as u')
      .whereNotNull('u.team_ref')
      .whereNotExists(
        this.db('entity_resources as r')
          .select(this.db.raw('1'))
          .whereRaw('r.uid_hash = u.uid_hash'),
      )
      .select('u.team_ref')
      .countDistinct({ n: 'u.uid_hash' })
      .groupBy('u.team_ref');
    return new Map(rows.map(r => [String(r.team_ref), toNumber(r.n)]));
  }

  /** Reporters of unclaimed resources in a shard (`provider:<id>` rows). */
  async listUnclaimedReporters(shard: string): Promise<string[]> {
    const rows = await this.db('unowned_resources')
      .where({ shard })
      .distinct('reporter');
    return rows.map(r => String(r.reporter));
  }

  // --------------------------------------------------------------- retention

  /** Deletes snapshots taken before `before`, `batchSize` rows per statement. */
  async deleteSnapshotsBefore(before: Date, batchSize: number) {
    return this.deleteInBatches(
      'posture_snapshots',
      'id',
      q => q.where('taken_at', '<', before),
      batchSize,
    );
  }

  /** Deletes daily roll-ups before a day, in batches. */
  async deleteDailyBefore(day: string, batchSize: number) {
    let total = 0;
    for (;;) {
      const rows = await this.db('posture_daily')
        .where('day', '<', day)
        .select('entity_id', 'day')
        .limit(batchSize);
      if (rows.length === 0) return total;
      await this.db.transaction(async tx => {
        for (const part of chunk(rows, 200)) {
          await tx('posture_daily')
            .where(q => {
              for (const r of part) {
                q.orWhere(q2 =>
                  q2.where({ entity_id: r.entity_id, day: r.day }),
                );
              }
            })
            .delete();
        }
      });
      total += rows.length;
      if (rows.length < batchSize) return total;
    }
  }

  /** Deletes finished scan runs created before `before`, in batches. */
  async deleteScanRunsBefore(before: Date, batchSize: number) {
    return this.deleteInBatches(
      'scan_runs',
      'id',
      q =>
        q
          .where('created_at', '<', before)
          .whereNotIn('status', ['queued', 'running']),
      batchSize,
    );
  }

  /** Deletes findings resolved before `before`, in batches. */
  async deleteResolvedFindingsBefore(before: Date, batchSize: number) {
    return this.deleteInBatches(
      'findings',
      'id',
      q => q.where('status', 'resolved').where('resolved_at', '<', before),
      batchSize,
    );
  }

  /** Deletes unclaimed-resource sightings not refreshed since `before`. */
  async deleteUnclaimedBefore(before: Date, batchSize: number) {
    let total = 0;
    for (;;) {
      const rows = await this.db('unowned_resources')
        .where('last_seen', '<', before)
        .select('uid_hash', 'reporter')
        .limit(batchSize);
      if (rows.length === 0) return total;
      await this.db.transaction(async tx => {
        for (const r of rows) {
          await tx('unowned_resources')
            .where({ uid_hash: r.uid_hash, reporter: r.reporter })
            .delete();
        }
      });
      total += rows.length;
      if (rows.length < batchSize) return total;
    }
  }

  /**
   * Deletes entities removed from the catalog before `before` whose history is
   * gone, with their findings.
   */
  async deleteRemovedEntitiesBefore(before: Date, batchSize: number) {
    const rows = await this.db('catalog_entities')
      .where('removed_at', '<', before)
      .whereNotExists(
        this.db('posture_daily as d')
          .select(this.db.raw('1'))
          .whereRaw('d.entity_id = catalog_entities.id'),
      )
      .select('id')
      .limit(batchSize);
    const ids = rows.map(r => toNumber(r.id));
    if (ids.length === 0) return 0;
    this.catalogWrites++;
    await this.db.transaction(async tx => {
      await tx('findings').whereIn('entity_id', ids).delete();
      await tx('posture_snapshots').whereIn('entity_id', ids).delete();
      await tx('catalog_entities').whereIn('id', ids).delete();
    });
    this.catalogWrites++;
    return ids.length;
  }

  private async deleteInBatches(
    table: string,
    key: string,
    where: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
    batchSize: number,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = (
        await where(this.db(table)).select(key).orderBy(key).limit(batchSize)
      ).map((r: Row) => r[key]);
      if (ids.length === 0) return total;
      await this.db(table).whereIn(key, ids).delete();
      total += ids.length;
      if (ids.length < batchSize) return total;
    }
  }
}

// ------------------------------------------------------------------- mapping

/** Key of the PostgreSQL advisory lock the plugin's migrations run under. */
const MIGRATION_LOCK_KEY = 0x5350_4d31; // "SPM1"

/**
 * Runs the migrations. On PostgreSQL, replicas starting at once queue on an
 * advisory lock held by a transaction for the whole run, so exactly one
 * migrates and the others find nothing left to do; knex's own lock table is
 * created lazily and two replicas can race on creating it. Whatever is left
 * (knex's MigrationLocked, say a migrator without the advisory lock) is waited
 * out and retried instead of failing the start-up.
 */
async function migrateLatest(client: Knex, attempts = 60): Promise<void> {
  const run = () => client.migrate.latest({ directory: migrationsDir });
  const pool = (client.client.config?.pool ?? {}) as { max?: number };
  // The lock holds one pooled connection while the migrations use another.
  const advisory =
    client.client.config?.client === 'pg' && (pool.max ?? 10) >= 2;
  for (let attempt = 1; ; attempt++) {
    try {
      if (advisory) {
        await client.transaction(async trx => {
          await trx.raw('select pg_advisory_xact_lock(?)', [
            MIGRATION_LOCK_KEY,
          ]);
          await run();
        });
      } else {
        await run();
      }
      return;
    } catch (e) {
      const error = e as { name?: string; code?: string };
      const concurrent =
        error.name === 'MigrationLocked' ||
        // Creating knex's migration tables at the same moment as another.
        error.code === '42P07' ||
        error.code === '23505';
      if (!concurrent || attempt >= attempts) throw e;
      await new Promise(resolve => setTimeout(resolve, 500 + attempt * 100));
    }
  }
}

function mapScanRun(row: Row): ScanRun {
  return {
    id: row.id,
    trigger: row.trigger,
    scope: row.scope ?? null,
    shard: row.shard ?? null,
    status: row.status,
    requestedBy: row.requested_by ?? null,
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    error: row.error ?? null,
    counts: {
      entities: toNumber(row.entity_count ?? 0),
      resources: toNumber(row.resource_count ?? 0),
      findings: toNumber(row.finding_count ?? 0),
      errors: toNumber(row.error_count ?? 0),
    },
    errors: parseJson<string[]>(row.errors_json, []),
  };
}

function mapCatalogEntity(row: Row, prefix = ''): StoredCatalogEntity {
  const v = (k: string) => row[`${prefix}${k}`];
  const opt = (k: string) => v(k) ?? undefined;
  return {
    id: toNumber(v('id')),
    ref: v('entity_ref'),
    kind: v('kind'),
    namespace: v('namespace'),
    name: v('name'),
    title: opt('title'),
    type: opt('type'),
    lifecycle: opt('lifecycle'),
    ownerRef: opt('owner_ref'),
    systemRef: opt('system_ref'),
    domainRef: opt('domain_ref'),
    parentRef: opt('parent_ref'),
    scanned: toBool(v('scanned')),
  };
}

function mapPosture(row: Row, entityRef: string): PostureRecord {
  return {
    entityRef,
    isRollup: toBool(row.is_rollup),
    status: row.status,
    statusReasons: parseJson<string[]>(row.status_reasons, []),
    staleSince: toDateOrNull(row.stale_since),
    lastScanAt: toDateOrNull(row.last_scan_at),
    lastScanId: row.last_scan_id ?? null,
    earned: toNumber(row.earned),
    possible: toNumber(row.possible),
    percent: toNumberOrNull(row.percent),
    adjustedEarned: toNumber(row.adjusted_earned),
    adjustedPercent: toNumberOrNull(row.adjusted_percent),
    coverage: toNumberOrNull(row.coverage),
    coverageEvidenced: toNumber(row.coverage_evidenced),
    coverageApplicable: toNumber(row.coverage_applicable),
    categories: parseJson<StoredCategories>(row.categories_json, {
      raw: [],
      adjusted: [],
    }),
    controls: parseJson(row.controls_json, []),
    pointsToGain: parseJson(row.points_json, []),
    exemptions: parseJson(row.exemptions_json, []),
    counts: {
      critical: toNumber(row.critical),
      high: toNumber(row.high),
      medium: toNumber(row.medium),
      low: toNumber(row.low),
    },
    resourceCount: toNumber(row.resource_count),
    memberCount: toNumber(row.member_count),
    modelVersion: row.model_version ?? null,
    inputHash: row.input_hash ?? null,
    delta7d: toNumberOrNull(row.delta_7d),
    delta30d: toNumberOrNull(row.delta_30d),
    updatedAt: toDate(row.updated_at),
    frameworks: parseFrameworkStates(row.frameworks_json),
  };
}

function mapPostureWithEntity(row: Row): PostureWithEntity {
  return {
    ...mapPosture(row, row.e_entity_ref),
    entity: mapCatalogEntity(row, 'e_'),
  };
}

function mapFinding(row: Row, entityRef: string): StoredFinding {
  return {
    id: String(row.id),
    entityRef,
    fingerprint: row.fingerprint,
    checkId: row.check_id,
    resourceUid: row.resource_uid,
    resource: parseJson(row.resource_json, {
      uid: row.resource_uid,
      type: 'unknown',
      kind: 'unknown',
      name: row.resource_uid,
    }),
    severity: row.severity as Severity,
    category: row.category as CategoryId,
    control: row.control,
    status: row.status,
    title: row.title,
    message: row.message,
    evidence: parseJson(row.evidence_json, []),
    remediation: parseJson(row.remediation_json, { text: '', url: '' }),
    exemption: parseJson(row.exemption_json, undefined),
    firstSeen: toDate(row.first_seen),
    lastSeen: toDate(row.last_seen),
    resolvedAt: toDateOrNull(row.resolved_at),
  };
}

/** Categories as stored in history rows: `{ id: [earned, possible, adjustedEarned] }`. */
function compactCategories(
  categories: StoredCategories,
): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  for (const c of categories.raw) {
    const adjusted = categories.adjusted.find(a => a.id === c.id);
    out[c.id] = [c.earned, c.possible, adjusted?.earned ?? c.earned];
  }
  return out;
}

function expandCategories(
  compact: Record<string, [number, number, number]>,
): Array<{ id: CategoryId; percent: number | null }> {
  return CATEGORY_IDS.map(id => {
    const v = compact[id];
    return { id, percent: v ? toPercent(v[0], v[1]) : null };
  });
}

/** Severity names, for validation. */
export const SEVERITY_NAMES: readonly string[] = SEVERITIES;
