import { spawn } from 'node:child_process';
import type { DatabaseService } from '@backstage/backend-plugin-api';
// The plugin exports only its backend feature; the benchmark times the same store
// methods its routes call, directly at the database.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { SecurityPostureStore } from '@internal/backstage-plugin-security-posture-backend/src/database/SecurityPostureStore';
import {
  BENCH_TOKEN,
  connectPlugin,
  loadEstateCatalog,
  startPostureBackend,
  type DatabaseKind,
} from '../backend';
import { benchBin, runChild } from '../child';
import { ensureEstate, entitiesOf } from '../estate/store';
import { teamsOf } from '../estate/generate';
import { Rng } from '../estate/random';
import type { LoadResult } from '../load';
import { fmt, percentile } from '../measure';
import { profiled } from '../profile';
import type { Report } from '../report';
import { ensureHistory } from './storage';
import type { BenchOptions } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs the load generator in a separate process. */
function loadFromChild(request: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchBin(), 'load'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SP_BENCH_LOAD: JSON.stringify(request) },
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      out += c;
    });
    child.on('error', reject);
    child.on('close', code => {
      const line = out.split('\n').find(l => l.startsWith('@@load '));
      if (code !== 0 || !line) {
        reject(
          new Error(`load generator exited with ${code}: ${out.slice(-500)}`),
        );
        return;
      }
      try {
        resolve(JSON.parse(line.slice('@@load '.length)));
      } catch (e) {
        reject(new Error(`unreadable load generator output: ${String(e)}`));
      }
    });
  });
}

/**
 * HTTP latency of the entity, history (90 days), team and leaderboard routes at S
 * with a year of history, under concurrent load from a separate process
 * (autocannon), and the same data reads timed at the database (the store methods
 * each route calls, one request at a time).
 */
export async function runHttpBench(
  report: Report,
  options: BenchOptions,
  args: string[],
): Promise<void> {
  const i = args.indexOf('--db');
  if (i < 0) {
    for (const kind of ['postgres', 'sqlite'] as const) {
      const figures = await runChild(
        ['http', '--db', kind, ...(options.smoke ? ['--smoke'] : [])],
        line => report.log(line),
      );
      report.figures.push(...figures);
    }
    return;
  }
  const kind = args[i + 1] as DatabaseKind;
  const db = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const target = await ensureHistory(report, options, kind);
  const { dir, manifest } = await ensureEstate(
    options.smoke ? 'smoke' : 'S',
    l => report.log(l),
  );
  const backend = await startPostureBackend({
    database: target,
    estateDir: dir,
    entities: await loadEstateCatalog(dir, manifest),
  });
  const rng = new Rng('http-sample');
  const entities = entitiesOf(manifest);
  const sample = Array.from({ length: options.smoke ? 10 : 300 }, () =>
    rng.pick(entities),
  );
  const teams = teamsOf(manifest.scale, manifest.seed).teams;
  const teamSample = Array.from({ length: options.smoke ? 4 : 100 }, () =>
    rng.pick(teams),
  );
  const entityPath = (e: (typeof entities)[number]) =>
    `/entities/${e.kind.toLowerCase()}/default/${e.name}`;
  const base = new URL(backend.baseUrl);
  const routes: Array<{ name: string; paths: string[] }> = [
    { name: 'entity', paths: sample.map(entityPath) },
    {
      name: 'history (90 days)',
      paths: sample.map(e => `${entityPath(e)}/history`),
    },
    { name: 'team', paths: teamSample.map(t => `/teams/default/${t.name}`) },
    { name: 'leaderboard', paths: ['/leaderboard'] },
  ];
  const connections = options.smoke ? 2 : 10;
  const durationSeconds = options.smoke ? 2 : 20;
  try {
    const history = await backend.request<unknown[]>('GET', routes[1].paths[0]);
    report.log(
      `  ${db}: a history answer holds ${history.length} points; load: ${connections} connections, ${durationSeconds} s per route from a separate process`,
    );
    for (const route of routes) {
      // Warm-up: every path once.
      for (const p of route.paths.slice(0, 50)) await backend.request('GET', p);
      const result = await profiled(
        `http-${kind}-${route.name.replace(/\W+/g, '-')}`,
        () =>
          loadFromChild({
            origin: base.origin,
            paths: route.paths.map(p => `${base.pathname}${p}`),
            token: BENCH_TOKEN,
            connections,
            durationSeconds,
          }),
      );
      const bad = result.non2xx + result.errors + result.timeouts;
      if (bad > 0) {
        throw new Error(
          `${route.name}: ${bad} failed responses of ${result.requests}`,
        );
      }
      const p = (q: number) => percentile(result.latencies, q);
      report.add({
        bench: 'http',
        name: `${route.name} route over HTTP on ${db}, p95 (p50 / p99)`,
        value: p(95),
        unit: 'ms',
        display: `${fmt(p(95), 1)} ms (${fmt(p(50), 1)} / ${fmt(p(99), 1)})`,
        target: { op: '<=', value: 250, text: 'p95 ≤ 250 ms over HTTP' },
        note: `${fmt(
          result.requests / result.durationSeconds,
        )} requests/s, ${fmt(result.requests)} requests`,
      });
    }
  } finally {
    await backend.stop();
  }

  // The same reads at the database: the store methods each route calls, one at a time.
  const knex = connectPlugin(target);
  try {
    const database = {
      getClient: async () => knex,
      migrations: { skip: true },
    } as unknown as DatabaseService;
    const store = await SecurityPostureStore.create({ database });
    const to = new Date();
    const from = new Date(to.getTime() - 90 * DAY_MS);
    const refOf = (e: (typeof entities)[number]) =>
      `${e.kind.toLowerCase()}:default/${e.name}`;
    let catalog:
      | Awaited<ReturnType<typeof store.listCatalogEntities>>
      | undefined;
    const timers: Array<{ name: string; run: (k: number) => Promise<void> }> = [
      {
        name: 'entity',
        run: async k => {
          const ref = refOf(sample[k % sample.length]);
          await store.getCatalogEntity(ref);
          await store.getPosture(ref);
        },
      },
      {
        name: 'history (90 days)',
        run: async k => {
          const e = await store.getCatalogEntity(
            refOf(sample[k % sample.length]),
          );
          await store.getHistory(e!.id, from, to);
        },
      },
      {
        name: 'team',
        run: async k => {
          const ref = `group:default/${teamSample[k % teamSample.length].name}`;
          // The route takes the group hierarchy from its cache (loaded once per
          // 10 s or per scan, not per request), then reads the team's postures.
          catalog ??= await store.listCatalogEntities();
          const all = catalog;
          const owned = all.filter(e => e.ownerRef === ref).map(e => e.ref);
          const sub = all.filter(e => e.parentRef === ref).map(e => e.ref);
          await store.getPosture(ref);
          const postures = await store.listPostures({ refs: owned });
          await store.listPostures({ refs: sub });
          await store.listWorstFindings(
            postures.filter(p => !p.isRollup).map(p => p.entity.id),
            10,
          );
          await store.unownedByTeam();
        },
      },
      {
        name: 'leaderboard',
        run: async () => {
          // The teams (a page of the ranked group roll-ups of the configured
          // types, without their JSON), then the first page of entities.
          await store.rankGroupRollups({
            groupTypes: ['team'],
            offset: 0,
            limit: 100,
          });
          await store.rankPostures({ isRollup: false, offset: 0, limit: 200 });
        },
      },
    ];
    const iterations = options.smoke ? 5 : 200;
    for (const t of timers) {
      for (let k = 0; k < 5; k++) await t.run(k);
      const times: number[] = [];
      for (let k = 0; k < iterations; k++) {
        const s = process.hrtime.bigint();
        await t.run(k);
        times.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      report.add({
        bench: 'http',
        name: `${t.name} reads at the database on ${db}, p95 (p50 / p99)`,
        value: percentile(times, 95),
        unit: 'ms',
        display: `${fmt(percentile(times, 95), 1)} ms (${fmt(
          percentile(times, 50),
          1,
        )} / ${fmt(percentile(times, 99), 1)})`,
        target: { op: '<=', value: 50, text: 'p95 ≤ 50 ms at the database' },
        note: `${iterations} sequential runs of the route's store calls`,
      });
    }
  } finally {
    await knex.destroy();
  }
}
