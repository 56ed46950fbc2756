import type { Knex } from 'knex';
import { Rng } from './estate/random';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What {@link seedHistory} wrote. */
export interface SeededHistory {
  entities: number;
  days: number;
  snapshots: number;
  dailyRows: number;
  ms: number;
}

function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Writes `days` days of score history before today for every entity and roll-up
 * that has a posture, in the rows the plugin's store writes on every scan
 * (`posture_snapshots`: one when the score changed and whenever the heartbeat —
 * 24 h by default — is due; `posture_daily`: one per day), starting from the row
 * the real scan wrote and walking the score back in time with a seeded random
 * drift. Scans are taken to run every 6 hours.
 */
export async function seedHistory(
  db: Knex,
  options: {
    days: number;
    seed?: number;
    now?: Date;
    /** Share of days on which the score changes (0.1). */
    changeRate?: number;
    /** `securityPosture.scan.snapshotHeartbeat` in days (the default config: 1). */
    heartbeatDays?: number;
    /** Only the first `limit` postures (a sample). */
    limit?: number;
  },
): Promise<SeededHistory> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const changeRate = options.changeRate ?? 0.1;
  const rng = new Rng(`history:${options.seed ?? 42}`);
  const latest = await db('posture_snapshots as s')
    .join(
      db('posture_snapshots')
        .select('entity_id')
        .max('taken_at as taken_at')
        .groupBy('entity_id')
        .as('m'),
      function on() {
        this.on('s.entity_id', '=', 'm.entity_id').andOn(
          's.taken_at',
          '=',
          'm.taken_at',
        );
      },
    )
    .select('s.*');
  const uuid = () =>
    `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;
  // Four scans a day (every 6 hours): the ids of the scans that wrote the rows.
  const scanIds: string[][] = [];
  for (let d = 0; d < options.days; d++)
    scanIds.push([uuid(), uuid(), uuid(), uuid()]);
  let snapshots = 0;
  let dailyRows = 0;
  const snapshotBatch: object[] = [];
  const dailyBatch: object[] = [];
  const flush = async (force: boolean) => {
    if (snapshotBatch.length >= 2000 || (force && snapshotBatch.length > 0)) {
      await db.batchInsert('posture_snapshots', snapshotBatch.splice(0), 500);
    }
    if (dailyBatch.length >= 2000 || (force && dailyBatch.length > 0)) {
      await db.batchInsert('posture_daily', dailyBatch.splice(0), 500);
    }
  };
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const heartbeat = options.heartbeatDays ?? 1;
  const rows = options.limit ? latest.slice(0, options.limit) : latest;
  for (const row of rows) {
    const possible = Number(row.possible);
    // The score of each past day, walking back from today's: it changes on some days.
    const series: Array<{
      earned: number;
      adjusted: number;
      changed: boolean;
    }> = [];
    let earned = Number(row.earned);
    let adjusted = Number(row.adjusted_earned);
    for (let d = 1; d <= options.days; d++) {
      const changed = rng.chance(changeRate);
      series.push({ earned, adjusted, changed });
      if (changed && possible > 0) {
        const step = rng.pick([-9, -7, -6, 6, 7, 8, 9, 10]);
        earned = Math.min(possible, Math.max(0, earned - step));
        adjusted = Math.max(earned, Math.min(possible, adjusted - step));
      }
    }
    // Forward in time, as the store writes: a snapshot when the score changed (at
    // the scan that saw it) and whenever the heartbeat is due; a daily row every day.
    let lastSnapshotDay = Number.POSITIVE_INFINITY;
    for (let d = options.days; d >= 1; d--) {
      const point = series[d - 1];
      const percent =
        possible > 0 ? round1((point.earned / possible) * 100) : null;
      const adjustedPercent =
        possible > 0 ? round1((point.adjusted / possible) * 100) : null;
      const dayStart = today - d * DAY_MS;
      const slots: number[] = [];
      if (lastSnapshotDay - d >= heartbeat) slots.push(0);
      if (point.changed) slots.push(rng.int(1, 3));
      for (const slot of slots) {
        snapshots++;
        lastSnapshotDay = d;
        snapshotBatch.push({
          entity_id: row.entity_id,
          scan_id: scanIds[d - 1][slot],
          taken_at: new Date(dayStart + slot * 6 * 3_600_000 + 600_000),
          status: 'ok',
          earned: point.earned,
          possible,
          percent,
          adjusted_earned: point.adjusted,
          adjusted_percent: adjustedPercent,
          categories_json: row.categories_json,
          model_version: row.model_version,
        });
      }
      dailyRows++;
      dailyBatch.push({
        entity_id: row.entity_id,
        day: dayOf(new Date(dayStart)),
        earned: point.earned,
        possible,
        percent,
        adjusted_percent: adjustedPercent,
        min_percent: percent,
        max_percent: percent,
        categories_json: row.categories_json,
        model_version: row.model_version,
        updated_at: new Date(dayStart + 18 * 3_600_000 + 600_000),
      });
      await flush(false);
    }
  }
  await flush(true);
  return {
    entities: rows.length,
    days: options.days,
    snapshots,
    dailyRows,
    ms: Date.now() - started,
  };
}
