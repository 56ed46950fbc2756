import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  connectPlugin,
  copyDatabase,
  dropDatabase,
  loadEstateCatalog,
  startPostureBackend,
  type DatabaseKind,
  type DatabaseTarget,
} from '../backend';
import { runChild } from '../child';
import { databaseSize, historyBytes, type DatabaseSize } from '../dbsize';
import { dataDir, ensureEstate } from '../estate/store';
import { seedHistory } from '../history';
import { fmt, fmtBytes } from '../measure';
import { Report } from '../report';
import { hasScannedDatabase, scanOnce, scannedDatabase } from './scan';
import type { BenchOptions } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The database with a year of history the HTTP benchmark reads. */
export function historyDatabase(
  kind: DatabaseKind,
  smoke: boolean,
): DatabaseTarget {
  const scale = smoke ? 'smoke' : 's';
  return kind === 'sqlite'
    ? { kind, location: path.join(dataDir(), `db-${scale}-history-sqlite`) }
    : { kind, location: `spbench_${scale}_history_` };
}

/** Makes sure the scan benchmark's database exists (scans when it does not). */
export async function ensureScanned(
  report: Report,
  options: BenchOptions,
  kind: DatabaseKind,
): Promise<DatabaseTarget> {
  const { dir } = await ensureEstate(options.smoke ? 'smoke' : 'S', l =>
    report.log(l),
  );
  const target = scannedDatabase(kind, options.smoke);
  if (!(await hasScannedDatabase(target, dir))) {
    report.log(`  no scanned ${kind} database yet: scanning the estate first`);
    // Its figures belong to the scan benchmark: only its log lines are shown.
    const quiet = new Report({ smoke: options.smoke, log: l => report.log(l) });
    await scanOnce(quiet, options, kind, { rescan: false });
  }
  return target;
}

function historyMarker(target: DatabaseTarget): string {
  return path.join(
    dataDir(),
    `${target.kind}-${path.basename(target.location)}.history.json`,
  );
}

/**
 * The database with a year of history (the storage benchmark leaves it behind;
 * made here from the scanned database when it is missing).
 */
export async function ensureHistory(
  report: Report,
  options: BenchOptions,
  kind: DatabaseKind,
): Promise<DatabaseTarget> {
  const history = historyDatabase(kind, options.smoke);
  const { dir } = await ensureEstate(options.smoke ? 'smoke' : 'S', l =>
    report.log(l),
  );
  try {
    const m = JSON.parse(await fs.readFile(historyMarker(history), 'utf8'));
    if (m.estateDir === dir) return history;
  } catch {
    // not made yet
  }
  const scanned = await ensureScanned(report, options, kind);
  await copyDatabase(scanned, history);
  const knex = connectPlugin(history);
  try {
    report.log(`  seeding a year of history into the ${kind} database …`);
    await seedHistory(knex, { days: 365 });
    if (kind === 'postgres') await knex.raw('VACUUM ANALYZE');
  } finally {
    await knex.destroy();
  }
  await fs.writeFile(
    historyMarker(history),
    JSON.stringify({ estateDir: dir }),
  );
  return history;
}

/**
 * Database size per entity-year of history on SQLite and PostgreSQL: the scanned
 * estate at S gets one year of daily history (the rows the store writes), sizes
 * are measured, the plugin's retention task runs, sizes are measured again.
 * Leaves the year-of-history database for the HTTP benchmark.
 */
export async function runStorageBench(
  report: Report,
  options: BenchOptions,
  args: string[],
): Promise<void> {
  const i = args.indexOf('--db');
  if (i < 0) {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const figures = await runChild(
        ['storage', '--db', kind, ...(options.smoke ? ['--smoke'] : [])],
        line => report.log(line),
      );
      report.figures.push(...figures);
    }
    return;
  }
  const kind = args[i + 1] as DatabaseKind;
  const db = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const scanned = await ensureScanned(report, options, kind);
  const history = historyDatabase(kind, options.smoke);
  const work: DatabaseTarget =
    kind === 'sqlite'
      ? {
          kind,
          location: path.join(
            dataDir(),
            `db-${options.smoke ? 'smoke' : 's'}-retention-sqlite`,
          ),
        }
      : {
          kind,
          location: `spbench_${options.smoke ? 'smoke' : 's'}_retention_`,
        };
  await fs.rm(historyMarker(history), { force: true });
  await copyDatabase(scanned, history);

  const days = 365;
  let knex = connectPlugin(history);
  let before: DatabaseSize;
  let after: DatabaseSize;
  let scannedEntities: number;
  let postures: number;
  let findingsBytesPerRow: number;
  try {
    if (kind === 'postgres') await knex.raw('VACUUM ANALYZE');
    before = await databaseSize(knex, kind);
    scannedEntities = Number(
      (
        await knex('entity_posture')
          .where({ is_rollup: false })
          .count({ n: '*' })
      )[0].n,
    );
    postures = Number((await knex('entity_posture').count({ n: '*' }))[0].n);
    const findingRows = Number((await knex('findings').count({ n: '*' }))[0].n);
    findingsBytesPerRow =
      findingRows > 0 ? (before.tables.findings ?? 0) / findingRows : 0;
    const seeded = await seedHistory(knex, { days });
    if (kind === 'postgres') await knex.raw('VACUUM ANALYZE');
    after = await databaseSize(knex, kind);
    report.log(
      `  ${db}: seeded ${days} days of history for ${fmt(
        seeded.entities,
      )} postures (${fmt(scannedEntities)} entities, ${fmt(
        postures - scannedEntities,
      )} roll-ups): ${fmt(seeded.snapshots)} snapshots, ${fmt(
        seeded.dailyRows,
      )} daily rows in ${(seeded.ms / 1000).toFixed(0)} s`,
    );
  } finally {
    await knex.destroy();
  }
  {
    const { dir: estateDir } = await ensureEstate(
      options.smoke ? 'smoke' : 'S',
      l => report.log(l),
    );
    await fs.writeFile(historyMarker(history), JSON.stringify({ estateDir }));
  }
  const added = historyBytes(after) - historyBytes(before);
  const perEntityYear = added / scannedEntities / (days / 365);
  report.log(
    `  ${db}: database ${fmtBytes(before.total)} after the scans, ${fmtBytes(
      after.total,
    )} with a year of history; history tables ${fmtBytes(historyBytes(after))}`,
  );
  report.add({
    bench: 'storage',
    name: `score history per entity-year on ${db} (snapshots + daily roll-ups, roll-ups' history included)`,
    value: perEntityYear / 1024,
    unit: 'KiB',
    target: { op: '<=', value: 100, text: '≤ 100 KB per entity-year' },
    note: `${fmtBytes(added)} for ${fmt(
      scannedEntities,
    )} entities; whole database grew ${fmtBytes(after.total - before.total)}`,
  });

  // The same year with `snapshotHeartbeat: { days: 7 }` (proposed): posture_daily
  // already gives one point a day, so snapshots are written on changes and weekly.
  // Measured on a sample of the postures, per posture, scaled like the figure above.
  {
    const variant: DatabaseTarget =
      kind === 'sqlite'
        ? {
            kind,
            location: path.join(
              dataDir(),
              `db-${options.smoke ? 'smoke' : 's'}-variant-sqlite`,
            ),
          }
        : {
            kind,
            location: `spbench_${options.smoke ? 'smoke' : 's'}_variant_`,
          };
    await copyDatabase(scanned, variant);
    const v = connectPlugin(variant);
    try {
      if (kind === 'postgres') await v.raw('VACUUM ANALYZE');
      const b = await databaseSize(v, kind);
      const limit = options.smoke ? postures : Math.ceil(postures / 5);
      const seeded = await seedHistory(v, { days, heartbeatDays: 7, limit });
      if (kind === 'postgres') await v.raw('VACUUM ANALYZE');
      const a = await databaseSize(v, kind);
      const perPosture = (historyBytes(a) - historyBytes(b)) / seeded.entities;
      report.add({
        bench: 'storage',
        name: `score history per entity-year on ${db} with snapshotHeartbeat 7 days (proposed)`,
        value: (perPosture * postures) / scannedEntities / 1024,
        unit: 'KiB',
        target: { op: '<=', value: 100, text: '≤ 100 KB per entity-year' },
        note: `${fmt(seeded.snapshots / seeded.entities)} snapshots and ${fmt(
          seeded.dailyRows / seeded.entities,
        )} daily rows per posture-year, sample of ${fmt(
          seeded.entities,
        )} postures`,
      });
    } finally {
      await v.destroy();
      await dropDatabase(variant);
    }
  }

  // Retention: the plugin's own task, run by its scheduler, on a copy.
  await copyDatabase(history, work);
  const { dir, manifest } = await ensureEstate(
    options.smoke ? 'smoke' : 'S',
    l => report.log(l),
  );
  const backend = await startPostureBackend({
    database: work,
    estateDir: dir,
    entities: await loadEstateCatalog(dir, manifest),
  });
  knex = connectPlugin(work);
  try {
    const cutoff = new Date(Date.now() - 90 * DAY_MS);
    const started = Date.now();
    await backend.triggerTask('security-posture-retention');
    for (;;) {
      await new Promise(r => setTimeout(r, 1000));
      const left = Number(
        (
          await knex('posture_snapshots')
            .where('taken_at', '<', cutoff)
            .count({ n: '*' })
        )[0].n,
      );
      if (left === 0) break;
      if (Date.now() - started > 30 * 60_000)
        throw new Error('retention did not finish in 30 min');
    }
    await backend.stop();
    const retentionSeconds = (Date.now() - started) / 1000;
    const raw = await databaseSize(knex, kind);
    if (kind === 'postgres') {
      await knex.raw('VACUUM FULL posture_snapshots');
      await knex.raw('VACUUM FULL posture_daily');
    } else {
      await knex.raw('VACUUM');
    }
    const live = await databaseSize(knex, kind);
    const snapshotsLeft = Number(
      (await knex('posture_snapshots').count({ n: '*' }))[0].n,
    );
    const dailyLeft = Number(
      (await knex('posture_daily').count({ n: '*' }))[0].n,
    );
    report.log(
      `  ${db}: retention took ${retentionSeconds.toFixed(0)} s; left ${fmt(
        snapshotsLeft,
      )} snapshots (90 days), ${fmt(dailyLeft)} daily rows; database ${fmtBytes(
        raw.total,
      )} before compaction (freed pages are reused by new rows), ${fmtBytes(
        live.total,
      )} compacted`,
    );
    report.add({
      bench: 'storage',
      name: `score history per entity after retention on ${db} (90 days of snapshots + 1 year of daily roll-ups, compacted)`,
      value: historyBytes(live) / scannedEntities / 1024,
      unit: 'KiB',
    });
    // Flat once retention is reached: 90 days of snapshots + 730 days of daily rows.
    const dailyRow = (live.tables.posture_daily ?? 0) / Math.max(1, dailyLeft);
    const steady =
      (live.tables.posture_snapshots ?? 0) +
      dailyRow * (dailyLeft * (730 / (days + 1)));
    report.add({
      bench: 'storage',
      name: `score history per entity at steady state on ${db} (2 years of daily roll-ups + 90 days of snapshots; extrapolated per row)`,
      value: steady / scannedEntities / 1024,
      unit: 'KiB',
      note: `${fmt(dailyRow)} bytes per daily row; flat from then on`,
    });
    report.add({
      bench: 'storage',
      name: `resolved-finding churn per entity-year on ${db} (if every open finding turns over in 90 days; kept 730 days)`,
      value:
        (findingsBytesPerRow *
          (Number(
            (
              await knex('findings')
                .whereNot({ status: 'resolved' })
                .count({ n: '*' })
            )[0].n,
          ) *
            (365 / 90))) /
        scannedEntities /
        1024,
      unit: 'KiB',
      note: `${fmt(
        findingsBytesPerRow,
      )} bytes per finding row (measured); an assumption, not a measurement of churn`,
    });
  } finally {
    await knex.destroy();
    await dropDatabase(work);
  }
}
