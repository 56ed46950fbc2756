import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  dropDatabase,
  loadEstateCatalog,
  scanAndWait,
  startPostureBackend,
  type DatabaseKind,
  type DatabaseTarget,
} from '../backend';
import { runChild } from '../child';
import { mutateEstate, restoreEstate } from '../estate/generate';
import { dataDir, ensureEstate } from '../estate/store';
import {
  collectGarbage,
  cpuSeconds,
  fmt,
  fmtBytes,
  RssSampler,
} from '../measure';
import { profiled } from '../profile';
import type { Report } from '../report';
import type { BenchOptions } from './types';

/** The database a scan benchmark leaves behind for the storage and HTTP benchmarks. */
export function scannedDatabase(
  kind: DatabaseKind,
  smoke: boolean,
): DatabaseTarget {
  const scale = smoke ? 'smoke' : 's';
  return kind === 'sqlite'
    ? { kind, location: path.join(dataDir(), `db-${scale}-scanned-sqlite`) }
    : { kind, location: `spbench_${scale}_scanned_` };
}

function markerFile(target: DatabaseTarget): string {
  return path.join(
    dataDir(),
    `${target.kind}-${path.basename(target.location)}.scanned.json`,
  );
}

/** True when the scan benchmark left a scanned database for the estate as it is now. */
export async function hasScannedDatabase(
  target: DatabaseTarget,
  estateDir: string,
): Promise<boolean> {
  try {
    const m = JSON.parse(await fs.readFile(markerFile(target), 'utf8'));
    return m.estateDir === estateDir;
  } catch {
    return false;
  }
}

/**
 * Full scan at S through the backend plugin with the manifests provider on local
 * files, on SQLite and on PostgreSQL, each in its own process: wall time, CPU time
 * and peak RSS; then a rescan with 5% of the resources changed.
 */
export async function runScanBench(
  report: Report,
  options: BenchOptions,
  args: string[],
): Promise<void> {
  const i = args.indexOf('--db');
  if (i < 0) {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const figures = await runChild(
        ['scan', '--db', kind, ...(options.smoke ? ['--smoke'] : [])],
        line => report.log(line),
      );
      report.figures.push(...figures);
    }
    return;
  }
  const kind = args[i + 1] as DatabaseKind;
  await scanOnce(report, options, kind);
}

/** Scans the estate into a fresh database of `kind` (and rescans with 5% changed). */
export async function scanOnce(
  report: Report,
  options: BenchOptions,
  kind: DatabaseKind,
  opts: { rescan?: boolean; label?: string } = {},
): Promise<void> {
  const scale = options.smoke ? 'smoke' : 'S';
  const { dir, manifest } = await ensureEstate(scale, l => report.log(l));
  const target = scannedDatabase(kind, options.smoke);
  await dropDatabase(target);
  await fs.rm(markerFile(target), { force: true });
  const entities = await loadEstateCatalog(dir, manifest);
  const db = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  report.log(
    `  ${db}: ${fmt(entities.length)} catalog entities (${fmt(
      manifest.scale.entities,
    )} scanned), ${fmt(manifest.resources)} resources`,
  );
  const backend = await startPostureBackend({
    database: target,
    estateDir: dir,
    entities,
  });
  try {
    collectGarbage();
    const sampler = new RssSampler().start();
    const cpu = process.cpuUsage();
    const wall = Date.now();
    const run = await profiled(`scan-${kind}-${scale}`, () =>
      scanAndWait(backend),
    );
    const scanCpu = cpuSeconds(cpu);
    const scanWall = (Date.now() - wall) / 1000;
    const peak = sampler.stop();
    if (run.counts.entities !== manifest.scale.entities) {
      throw new Error(
        `the scan assessed ${run.counts.entities} entities, the estate has ${manifest.scale.entities}`,
      );
    }
    if (run.counts.resources !== manifest.resources) {
      throw new Error(
        `the scan counted ${run.counts.resources} resources, the estate has ${manifest.resources}`,
      );
    }
    report.log(
      `  ${db}: scan ${run.id}: ${fmt(run.counts.entities)} entities, ${fmt(
        run.counts.resources,
      )} resources, ${fmt(run.counts.findings)} open findings, ${
        run.counts.errors
      } problems`,
    );
    report.add({
      bench: 'scan',
      name: `full scan at ${scale} on ${db}, wall time`,
      value: scanWall,
      unit: 's',
      target: { op: '<=', value: 300, text: '≤ 5 min' },
      note: `${fmt(manifest.resources / scanWall)} resources/s`,
    });
    report.add({
      bench: 'scan',
      name: `full scan at ${scale} on ${db}, CPU time of the backend process`,
      value: scanCpu,
      unit: 'CPU-s',
    });
    report.add({
      bench: 'scan',
      name: `full scan at ${scale} on ${db}, peak RSS (added over the idle backend)`,
      value: peak / 1024 / 1024,
      unit: 'MiB',
      display: `${fmtBytes(peak)} (+${fmtBytes(peak - sampler.baseline)})`,
    });

    if (opts.rescan !== false) {
      const changed = await mutateEstate(dir, 0.05);
      try {
        const cpu2 = process.cpuUsage();
        const wall2 = Date.now();
        const rerun = await profiled(`rescan-${kind}-${scale}`, () =>
          scanAndWait(backend),
        );
        const rescanWall = (Date.now() - wall2) / 1000;
        const rescanCpu = cpuSeconds(cpu2);
        report.log(
          `  ${db}: rescan ${rerun.id}: ${fmt(
            changed.resources,
          )} resources changed (${(
            (100 * changed.resources) /
            manifest.resources
          ).toFixed(1)}%) in ${fmt(changed.entities.length)} entities`,
        );
        report.add({
          bench: 'scan',
          name: `rescan with 5% of resources changed on ${db}, wall time`,
          value: rescanWall,
          unit: 's',
          target: { op: '<=', value: 60, text: '≤ 1 min' },
          note: `${rescanCpu.toFixed(1)} CPU-s`,
        });
      } finally {
        await restoreEstate(dir, changed.entities);
      }
    }
    await fs.writeFile(
      markerFile(target),
      JSON.stringify({ estateDir: dir, at: new Date().toISOString() }),
    );
  } finally {
    await backend.stop();
  }
}
