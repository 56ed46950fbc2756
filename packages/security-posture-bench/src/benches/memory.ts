import path from 'node:path';
import {
  dropDatabase,
  loadEstateCatalog,
  scanAndWait,
  startPostureBackend,
  type DatabaseKind,
} from '../backend';
import { runChild } from '../child';
import { dataDir, ensureEstate, entitiesOf } from '../estate/store';
import { collectGarbage, fmt, fmtBytes, RssSampler } from '../measure';
import type { Figure, Report } from '../report';
import type { BenchOptions } from './types';

/**
 * RSS a scan adds to the backend process, at 100k resources (estate S) and at
 * 500k (the first half of estate 10×S), each in a fresh process on PostgreSQL
 * (the production database, which keeps the data outside the backend process).
 */
export async function runMemoryBench(
  report: Report,
  options: BenchOptions,
  args: string[],
): Promise<void> {
  const i = args.indexOf('--size');
  if (i < 0) {
    const added = new Map<string, Figure>();
    for (const size of ['small', 'large']) {
      const figures = await runChild(
        ['memory', '--size', size, ...(options.smoke ? ['--smoke'] : [])],
        line => report.log(line),
      );
      report.figures.push(...figures);
      const f = figures.find(x => x.name.includes('RSS added'));
      if (f) added.set(size, f);
    }
    const small = added.get('small');
    const large = added.get('large');
    if (small && large) {
      report.add({
        bench: 'memory',
        name: 'RSS added at 500k over the RSS added at 100k',
        value: large.value - small.value,
        unit: 'MiB',
        target: { op: '<=', value: 64, text: '≤ +64 MB more at 500k' },
      });
    }
    return;
  }
  const size = args[i + 1] as 'small' | 'large';
  const kind: DatabaseKind = args.includes('--db')
    ? (args[args.indexOf('--db') + 1] as DatabaseKind)
    : 'postgres';
  let scaleName: 'smoke' | 'S' | '10S' = size === 'small' ? 'S' : '10S';
  if (options.smoke) scaleName = 'smoke';
  const { dir, manifest } = await ensureEstate(scaleName, l => report.log(l));
  // 500k: the first half of the 10×S estate's entities (and the whole organisation).
  const all = entitiesOf(manifest);
  const half = size === 'large' && !options.smoke;
  const chosen = new Set(
    (half ? all.slice(0, Math.floor(all.length / 2)) : all).map(e => e.name),
  );
  const resources = (
    half ? all.slice(0, Math.floor(all.length / 2)) : all
  ).reduce((n, e) => n + e.resources, 0);
  const entities = await loadEstateCatalog(
    dir,
    manifest,
    e =>
      !['Component', 'Resource'].includes(e.kind) ||
      chosen.has(e.metadata.name),
  );
  const target =
    kind === 'sqlite'
      ? { kind, location: path.join(dataDir(), `db-memory-${size}-sqlite`) }
      : { kind, location: `spbench_memory_${size}_` };
  await dropDatabase(target);
  const backend = await startPostureBackend({
    database: target,
    estateDir: dir,
    entities,
  });
  try {
    // Warm the API path once, so what is measured is the scan.
    await backend.request('GET', '/checks');
    collectGarbage();
    await new Promise(r => setTimeout(r, 500));
    const sampler = new RssSampler(25).start();
    const wall = Date.now();
    const run = await scanAndWait(backend);
    const peak = sampler.stop();
    const seconds = (Date.now() - wall) / 1000;
    const heapBefore = process.memoryUsage().heapUsed;
    collectGarbage();
    const after = process.memoryUsage();
    if (run.counts.resources !== resources) {
      throw new Error(
        `scanned ${run.counts.resources} resources, expected ${resources}`,
      );
    }
    const label = `${fmt(Math.round(resources / 1000))}k`;
    report.log(
      `  ${label} resources, ${fmt(
        chosen.size,
      )} entities: baseline RSS ${fmtBytes(sampler.baseline)}, peak ${fmtBytes(
        peak,
      )}, scan ${seconds.toFixed(0)} s`,
    );
    const added = (peak - sampler.baseline) / 1024 / 1024;
    report.add({
      bench: 'memory',
      name: `RSS added by a scan at ${label} resources (${kind})`,
      value: added,
      unit: 'MiB',
      ...(size === 'small'
        ? {
            target: { op: '<=' as const, value: 256, text: '≤ 256 MB at 100k' },
          }
        : {}),
      note: `baseline ${fmtBytes(sampler.baseline)}, peak ${fmtBytes(peak)}`,
    });
    report.log(
      `  V8 heap: peak ${fmtBytes(
        sampler.peakHeapUsed,
      )} in use during the scan, ${fmtBytes(heapBefore)} at its end, ${fmtBytes(
        after.heapUsed,
      )} after a full GC; RSS after GC ${fmtBytes(after.rss)} (+${fmtBytes(
        after.rss - sampler.baseline,
      )} over the baseline)`,
    );
  } finally {
    await backend.stop();
    await dropDatabase(target);
  }
}
