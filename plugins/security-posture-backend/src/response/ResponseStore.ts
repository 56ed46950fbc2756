import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  ChangedFinding,
  PostureChange,
  RegressionReason,
  Severity,
  SeverityCounts,
} from '@internal/backstage-plugin-security-posture-common';
import type { Knex } from 'knex';
import {
  chunk,
  parseJson,
  toBool,
  toDate,
  toNumber,
  toNumberOrNull,
} from '../database/util';

const IN_CHUNK = 500;

type Row = Record<string, any>;

/** A change as recorded after a scan. */
export interface PostureChangeWrite {
  entityRef: string;
  scanId: string;
  at: Date;
  ownerRef: string | null;
  previousPercent: number | null;
  currentPercent: number | null;
  previousAdjustedPercent: number | null;
  currentAdjustedPercent: number | null;
  modelChanged: boolean;
  opened: ChangedFinding[];
  openedCount: number;
  resolved: ChangedFinding[];
  resolvedCount: number;
  regression: boolean;
  reasons: RegressionReason[];
}

/** A finding row as the alerts need it. */
export interface FindingOccurrence {
  id: string;
  fingerprint: string;
  checkId: string;
  title: string;
  severity: Severity;
  resource: { kind: string; name: string; namespace?: string };
  firstSeen: Date;
}

/** Durations of resolved findings. */
export interface ResolvedFindingRow {
  entityId: number;
  severity: Severity;
  firstSeen: Date;
  resolvedAt: Date;
}

/** Open findings of one entity and severity, counted per age bucket. */
export interface OpenAgeRow {
  entityId: number;
  severity: Severity;
  /** Counts per bucket, youngest first. */
  buckets: number[];
}

/** A latest-posture row with the catalog fields targets match on. */
export interface TargetInputRow {
  entityId: number;
  ref: string;
  isRollup: boolean;
  earned: number;
  adjustedEarned: number;
  possible: number;
  counts: SeverityCounts;
}

/**
 * Persistence of the response and governance features: posture changes
 * (regressions), notified findings, exemption notices; and the read-only
 * queries over the core tables behind the response metrics. Shares the plugin's
 * database (its migrations run with the plugin's store).
 */
export class ResponseStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<ResponseStore> {
    return new ResponseStore(await options.database.getClient());
  }

  /** For tests: a store on an already migrated client. */
  static fromClient(db: Knex): ResponseStore {
    return new ResponseStore(db);
  }

  // ---------------------------------------------------------------- changes

  /** The change recorded for an entity and scan, if any. */
  async getChange(
    entityRef: string,
    scanId: string,
  ): Promise<PostureChange | undefined> {
    const row = await this.db('posture_changes')
      .where({ entity_ref: entityRef, scan_id: scanId })
      .first();
    return row ? mapChange(row) : undefined;
  }

  /**
   * Records what a scan changed for an entity. Idempotent: a second write for
   * the same entity and scan keeps the first (`inserted: false`).
   */
  async recordChange(
    change: PostureChangeWrite,
  ): Promise<{ change: PostureChange; inserted: boolean }> {
    const existing = await this.getChange(change.entityRef, change.scanId);
    if (existing) return { change: existing, inserted: false };
    await this.db('posture_changes')
      .insert({
        entity_ref: change.entityRef,
        scan_id: change.scanId,
        at: change.at,
        owner_ref: change.ownerRef,
        previous_percent: change.previousPercent,
        current_percent: change.currentPercent,
        previous_adjusted_percent: change.previousAdjustedPercent,
        current_adjusted_percent: change.currentAdjustedPercent,
        model_changed: change.modelChanged,
        opened_count: change.openedCount,
        resolved_count: change.resolvedCount,
        opened_json: JSON.stringify(change.opened),
        resolved_json: JSON.stringify(change.resolved),
        regression: change.regression,
        reasons_json: JSON.stringify(change.reasons),
        notification: null,
      })
      .onConflict(['entity_ref', 'scan_id'])
      .ignore();
    const stored = await this.getChange(change.entityRef, change.scanId);
    return { change: stored!, inserted: true };
  }

  /** Records what happened to a regression's notification. */
  async setNotification(
    changeId: string,
    notification: string,
    at: Date | null,
  ): Promise<void> {
    await this.db('posture_changes')
      .where({ id: changeId })
      .update({ notification, notified_at: at });
  }

  /**
   * Changes, newest first: of some entities (all when `entityRefs` is
   * undefined), since an instant, regressions only if asked.
   */
  async listChanges(options: {
    entityRefs?: readonly string[];
    since?: Date;
    regressionsOnly?: boolean;
    limit: number;
  }): Promise<PostureChange[]> {
    const query = (refs?: readonly string[]) => {
      const q = this.db('posture_changes');
      if (refs) q.whereIn('entity_ref', refs);
      if (options.since) q.where('at', '>=', options.since);
      if (options.regressionsOnly) q.where('regression', true);
      return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit);
    };
    if (!options.entityRefs) return (await query()).map(mapChange);
    if (options.entityRefs.length === 0) return [];
    const rows: Row[] = [];
    for (const part of chunk(options.entityRefs, IN_CHUNK)) {
      rows.push(...(await query(part)));
    }
    return rows
      .map(mapChange)
      .sort(
        (a, b) =>
          Date.parse(b.at) - Date.parse(a.at) || Number(b.id) - Number(a.id),
      )
      .slice(0, options.limit);
  }

  /** Regressions per entity since an instant. */
  async countRegressions(since: Date): Promise<Map<string, number>> {
    const rows: Row[] = await this.db('posture_changes')
      .where('regression', true)
      .where('at', '>=', since)
      .select('entity_ref')
      .count({ n: '*' })
      .groupBy('entity_ref');
    return new Map(rows.map(r => [String(r.entity_ref), toNumber(r.n)]));
  }

  /**
   * Marks finding occurrences as notified; returns those that were not already
   * (the unique key makes a second notification of the same occurrence
   * impossible, also across replicas).
   */
  async claimNotified(
    entityRef: string,
    occurrences: ReadonlyArray<{ fingerprint: string; firstSeen: Date }>,
    changeId: string,
    at: Date,
  ): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (const o of occurrences) {
      const rows = await this.db('notified_findings')
        .insert({
          entity_ref: entityRef,
          fingerprint: o.fingerprint,
          occurrence: o.firstSeen.toISOString(),
          change_id: changeId,
          notified_at: at,
        })
        .onConflict(['entity_ref', 'fingerprint', 'occurrence'])
        .ignore()
        .returning('fingerprint');
      if (rows.length > 0) claimed.add(o.fingerprint);
    }
    return claimed;
  }

  /** Undoes claims whose notification could not be sent. */
  async releaseNotified(entityRef: string, changeId: string): Promise<void> {
    await this.db('notified_findings')
      .where({ entity_ref: entityRef, change_id: changeId })
      .delete();
  }

  /** Marks an exemption notice for a team as sent; false when it already was. */
  async claimExemptionNotice(
    teamRef: string,
    exemptionKey: string,
    expires: string,
    at: Date,
  ): Promise<boolean> {
    const rows = await this.db('exemption_notices')
      .insert({
        team_ref: teamRef,
        exemption_key: exemptionKey,
        expires,
        status: 'sent',
        notified_at: at,
      })
      .onConflict(['team_ref', 'exemption_key'])
      .ignore()
      .returning('exemption_key');
    return rows.length > 0;
  }

  /** Forgets notices whose notification could not be sent (retried next run). */
  async releaseExemptionNotices(
    teamRef: string,
    exemptionKeys: readonly string[],
  ): Promise<void> {
    for (const part of chunk(exemptionKeys, IN_CHUNK)) {
      await this.db('exemption_notices')
        .where({ team_ref: teamRef })
        .whereIn('exemption_key', part)
        .delete();
    }
  }

  /** Deletes changes, notified findings and notices older than an instant, in batches. */
  async deleteBefore(before: Date, batchSize: number): Promise<number> {
    let total = 0;
    for (const [table, key, column] of [
      ['posture_changes', 'id', 'at'],
    ] as const) {
      for (;;) {
        const ids = (
          await this.db(table)
            .where(column, '<', before)
            .select(key)
            .orderBy(key)
            .limit(batchSize)
        ).map((r: Row) => r[key]);
        if (ids.length === 0) break;
        await this.db(table).whereIn(key, ids).delete();
        total += ids.length;
        if (ids.length < batchSize) break;
      }
    }
    total += await this.db('notified_findings')
      .where('notified_at', '<', before)
      .delete();
    total += await this.db('exemption_notices')
      .where('notified_at', '<', before)
      .delete();
    return total;
  }

  // --------------------------------------------------- reads of core tables

  /** What the alerts need to know of a scored entity. */
  async getEntity(ref: string): Promise<
    | {
        id: number;
        ref: string;
        kind: string;
        namespace: string;
        name: string;
        title?: string;
        ownerRef?: string;
      }
    | undefined
  > {
    const row = await this.db('catalog_entities')
      .where({ entity_ref: ref })
      .first();
    if (!row) return undefined;
    return {
      id: toNumber(row.id),
      ref: row.entity_ref,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      title: row.title ?? undefined,
      ownerRef: row.owner_ref ?? undefined,
    };
  }

  /** Findings of an entity by fingerprint (with their current first-seen). */
  async findingsByFingerprint(
    entityId: number,
    fingerprints: readonly string[],
  ): Promise<FindingOccurrence[]> {
    const out: FindingOccurrence[] = [];
    for (const part of chunk(fingerprints, IN_CHUNK)) {
      const rows = await this.db('findings')
        .where({ entity_id: entityId })
        .whereIn('fingerprint', part)
        .select(
          'id',
          'fingerprint',
          'check_id',
          'title',
          'severity',
          'resource_json',
          'first_seen',
        );
      out.push(...rows.map(mapOccurrence));
    }
    return out;
  }

  /** Findings a scan resolved for an entity. */
  async resolvedInScan(
    entityId: number,
    scanId: string,
    limit: number,
  ): Promise<{ items: FindingOccurrence[]; total: number }> {
    const base = () =>
      this.db('findings').where({
        entity_id: entityId,
        status: 'resolved',
        last_scan_id: scanId,
      });
    const [{ n }] = await base().count({ n: '*' });
    const rows = await base()
      .select(
        'id',
        'fingerprint',
        'check_id',
        'title',
        'severity',
        'resource_json',
        'first_seen',
      )
      .orderBy('severity_rank')
      .orderBy('id')
      .limit(limit);
    return { items: rows.map(mapOccurrence), total: toNumber(n) };
  }

  /**
   * Findings resolved in a window, of some entities (all when `entityIds` is
   * undefined).
   */
  async listResolved(
    entityIds: readonly number[] | undefined,
    from: Date,
    to: Date,
  ): Promise<ResolvedFindingRow[]> {
    const query = (ids?: readonly number[]) => {
      const q = this.db('findings')
        .where('status', 'resolved')
        .where('resolved_at', '>=', from)
        .where('resolved_at', '<=', to)
        .select('entity_id', 'severity', 'first_seen', 'resolved_at');
      if (ids) q.whereIn('entity_id', ids);
      return q;
    };
    const rows: Row[] = [];
    if (!entityIds) rows.push(...(await query()));
    else {
      for (const part of chunk(entityIds, IN_CHUNK)) {
        rows.push(...(await query(part)));
      }
    }
    return rows.map(r => ({
      entityId: toNumber(r.entity_id),
      severity: r.severity as Severity,
      firstSeen: toDate(r.first_seen),
      resolvedAt: toDate(r.resolved_at),
    }));
  }

  /**
   * Open findings per entity and severity, counted in age buckets whose lower
   * bounds are `bounds` (instants, youngest bucket first: a finding first seen
   * at or after `bounds[0]` is in bucket 0, and so on; older than every bound is
   * the last bucket).
   */
  async countOpenByAge(
    entityIds: readonly number[] | undefined,
    bounds: readonly Date[],
  ): Promise<OpenAgeRow[]> {
    const query = (ids?: readonly number[]) => {
      const q = this.db('findings')
        .where('status', 'open')
        .select('entity_id', 'severity')
        .groupBy('entity_id', 'severity');
      bounds.forEach((bound, i) => {
        const sql =
          i === 0 ? 'first_seen >= ?' : 'first_seen >= ? AND first_seen < ?';
        q.select(
          this.db.raw(
            `SUM(CASE WHEN ${sql} THEN 1 ELSE 0 END) AS b${i}`,
            i === 0 ? [bound] : [bound, bounds[i - 1]],
          ),
        );
      });
      q.select(
        this.db.raw(
          `SUM(CASE WHEN first_seen < ? THEN 1 ELSE 0 END) AS b${bounds.length}`,
          [bounds[bounds.length - 1]],
        ),
      );
      if (ids) q.whereIn('entity_id', ids);
      return q;
    };
    const rows: Row[] = [];
    if (!entityIds) rows.push(...(await query()));
    else {
      for (const part of chunk(entityIds, IN_CHUNK)) {
        rows.push(...(await query(part)));
      }
    }
    return rows.map(r => ({
      entityId: toNumber(r.entity_id),
      severity: r.severity as Severity,
      buckets: Array.from({ length: bounds.length + 1 }, (_, i) =>
        toNumber(r[`b${i}`] ?? 0),
      ),
    }));
  }

  /** Latest-posture rows: what targets are evaluated on (no controls). */
  async listTargetInputs(): Promise<TargetInputRow[]> {
    const rows = await this.db('entity_posture as p')
      .join('catalog_entities as e', 'e.id', 'p.entity_id')
      .whereNull('e.removed_at')
      .select(
        'p.entity_id',
        'e.entity_ref',
        'p.is_rollup',
        'p.earned',
        'p.adjusted_earned',
        'p.possible',
        'p.critical',
        'p.high',
        'p.medium',
        'p.low',
      );
    return rows.map(r => ({
      entityId: toNumber(r.entity_id),
      ref: r.entity_ref,
      isRollup: toBool(r.is_rollup),
      earned: toNumber(r.earned),
      adjustedEarned: toNumber(r.adjusted_earned),
      possible: toNumber(r.possible),
      counts: {
        critical: toNumber(r.critical),
        high: toNumber(r.high),
        medium: toNumber(r.medium),
        low: toNumber(r.low),
      },
    }));
  }
}

function resourceLabel(r: {
  kind?: string;
  name?: string;
  namespace?: string;
}): string {
  const name = r.namespace ? `${r.namespace}/${r.name}` : r.name ?? '';
  return `${r.kind ?? 'Resource'} ${name}`.trim();
}

function mapOccurrence(r: Row): FindingOccurrence {
  const resource = parseJson<{
    kind: string;
    name: string;
    namespace?: string;
  }>(r.resource_json, { kind: 'Resource', name: '' });
  return {
    id: String(r.id),
    fingerprint: r.fingerprint,
    checkId: r.check_id,
    title: r.title,
    severity: r.severity,
    resource,
    firstSeen: toDate(r.first_seen),
  };
}

/** A finding occurrence as named in a change. */
export function toChangedFinding(f: FindingOccurrence): ChangedFinding {
  return {
    id: f.id,
    checkId: f.checkId,
    title: f.title,
    severity: f.severity,
    resource: resourceLabel(f.resource),
  };
}

function mapChange(r: Row): PostureChange {
  return {
    id: String(r.id),
    entityRef: r.entity_ref,
    scanId: r.scan_id,
    at: toDate(r.at).toISOString(),
    previousPercent: toNumberOrNull(r.previous_percent),
    currentPercent: toNumberOrNull(r.current_percent),
    previousAdjustedPercent: toNumberOrNull(r.previous_adjusted_percent),
    currentAdjustedPercent: toNumberOrNull(r.current_adjusted_percent),
    modelChanged: toBool(r.model_changed),
    opened: parseJson<ChangedFinding[]>(r.opened_json, []),
    openedCount: toNumber(r.opened_count),
    resolved: parseJson<ChangedFinding[]>(r.resolved_json, []),
    resolvedCount: toNumber(r.resolved_count),
    regression: toBool(r.regression),
    reasons: parseJson<RegressionReason[]>(r.reasons_json, []),
    notification: r.notification ?? null,
  };
}
