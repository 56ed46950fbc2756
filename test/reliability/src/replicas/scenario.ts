import { runLoad, summarizeLoad } from '../load/runLoad';
import { ReplicaCluster, type ScanRunRow } from './cluster';

/** What a replica run is asked to do. */
export interface ScenarioOptions {
  replicas: number;
  components: number;
  /** Scan schedule, seconds. */
  frequency: number;
  timeout: number;
  /** How many times the replica running a scan is killed (one per interval). */
  kills: number;
  /** Scheduled intervals observed after the last recovery. */
  steadyIntervals: number;
  /** Load while a scan runs, after the kills. */
  load?: { connections: number; durationSeconds: number };
  log?: (line: string) => void;
}

/** A scan run with the replica that ran it. */
export interface RunWithRunner extends ScanRunRow {
  runner?: number;
}

/** What happened, with the counts behind every claim. */
export interface ScenarioReport {
  options: Omit<ScenarioOptions, 'log'>;
  startupMs: number;
  expected: { postures: number; resources: number; openFindings: number };
  kills: Array<{
    scanId: string;
    victim: number;
    killedAfterMs: number;
    recovery: { scanId: string; runner?: number; takeoverMs: number };
  }>;
  /** Scheduled runs from the first one on a complete catalog. */
  runs: RunWithRunner[];
  /** Pairs of scheduled runs that overlapped in time (must be none). */
  overlaps: string[];
  /**
   * Committed scheduled scans and the time between their starts. The
   * scheduler keeps the interval's start in the database: a replica killed
   * mid-scan holds the interval until its lock expires and the scheduler's
   * janitor frees it, then another replica scans it.
   */
  intervals: {
    committed: number;
    /** Shortest time between two committed starts (two in one interval if under half the period). */
    minGapMs: number;
    /** Longest time between two committed starts away from kills and takeovers (an interval lost if over a period). */
    maxGapMs: number;
    /** From each killed scan's start to the next committed start (the takeover). */
    takeoverGapsMs: number[];
    /** From each takeover to the next committed start (the schedule re-anchored). */
    afterTakeoverGapsMs: number[];
  };
  /** Status of each killed run once the takeover ran (must be `aborted`). */
  killedRunStatus: string[];
  /** Committed scans that did not cover the whole estate (must be none). */
  incomplete: string[];
  holdings: {
    postures: number;
    okPostures: number;
    resources: number;
    openFindings: number;
  };
  duplicates: Record<string, number>;
  uniqueIndexes: string[];
  load?: ReturnType<typeof summarizeLoad> & {
    connections: number;
    durationSeconds: number;
    /** Share of the load time a scan was running. */
    scanCoverage: number;
    /** Status of each scan requested during the load (all `succeeded`). */
    requestedScans: string[];
    paths: string[];
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Starts real backend replicas on one PostgreSQL database, kills the one
 * running a scan (SIGKILL) `kills` times, lets another take over when the lock
 * expires, observes `steadyIntervals` more intervals, optionally drives load
 * while a scan runs, and reports what the database holds.
 */
export async function runReplicaScenario(
  options: ScenarioOptions,
): Promise<ScenarioReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const cluster = await ReplicaCluster.start({
    replicas: options.replicas,
    components: options.components,
    frequency: options.frequency,
    timeout: options.timeout,
  });
  try {
    const startupMs = Date.now() - started;
    log(`${options.replicas} replicas healthy after ${startupMs} ms`);
    const ready = await cluster.waitForCatalog();
    log(`catalog holds ${options.components} components`);
    const { estate } = cluster;
    const expected = {
      postures: estate.components,
      resources: estate.components * estate.resourcesPerComponent,
      openFindings: estate.components * estate.openFindingsPerComponent,
    };
    const scheduled = (r: ScanRunRow) => r.trigger !== 'manual';
    // The first scheduled scan that starts on the complete catalog.
    const first = await cluster.waitForScan(
      r => scheduled(r) && (r.started ?? 0) > ready,
      (options.frequency + options.timeout + 30) * 1000,
    );
    const t0 = first.started!;
    log(`first scan on the full catalog: ${first.id}`);

    const kills: ScenarioReport['kills'] = [];
    let after = t0 - 1;
    for (let k = 0; k < options.kills; k++) {
      // Scans of the short estate last about a second on 2 cores: 200 ms is
      // well into one (entities read, some written) and leaves time to see it.
      const { run, victim, killedAt } = await cluster.killRunningScan(
        after,
        200,
        (options.frequency * 2 + options.timeout + 30) * 1000,
      );
      log(`killed replica ${victim.index} running scan ${run.id}`);
      // Its orchestrator starts a replacement; the interval does not wait.
      const replacement = cluster.replace(victim).then(
        replica => ({ replica }),
        error => ({ error }),
      );
      const recovery = await cluster.waitForScan(
        r =>
          scheduled(r) &&
          r.status === 'succeeded' &&
          (r.started ?? 0) > killedAt,
        (options.timeout + 60 + options.frequency + 60) * 1000,
      );
      const runner = cluster.runnerOf(recovery.id)?.index;
      kills.push({
        scanId: run.id,
        victim: victim.index,
        killedAfterMs: killedAt - run.started!,
        recovery: {
          scanId: recovery.id,
          runner,
          takeoverMs: recovery.started! - killedAt,
        },
      });
      log(
        `replica ${runner} took over after ${recovery.started! - killedAt} ms`,
      );
      const replaced = await replacement;
      if ('error' in replaced) throw replaced.error;
      log(`replica ${replaced.replica.index} replaces replica ${victim.index}`);
      after = recovery.finished!;
    }
    const succeededAfter = (since: number) => (r: ScanRunRow) =>
      scheduled(r) && r.status === 'succeeded' && (r.started ?? 0) > since;
    for (let i = 0; i < options.steadyIntervals; i++) {
      const run = await cluster.waitForScan(
        succeededAfter(after),
        (options.frequency + options.timeout + 30) * 1000,
      );
      after = run.finished!;
    }

    let load: ScenarioReport['load'];
    if (options.load) {
      const paths: string[] = [];
      for (let i = 0; i < 20; i++) {
        const name = `svc-${String((i * 7) % estate.components).padStart(
          4,
          '0',
        )}`;
        paths.push(
          `/api/security-posture/entities/component/default/${name}`,
          `/api/security-posture/entities/component/default/${name}/history`,
          `/api/security-posture/teams/default/team-${i % estate.teams}`,
          '/api/security-posture/leaderboard',
        );
      }
      const target = cluster.alive()[0];
      const loadStart = Date.now();
      // Scans keep running during the load: requested ones back to back
      // (each waits for the previous), the scheduled ones on their own.
      let loading = true;
      const requested: string[] = [];
      const requester = (async () => {
        while (loading) {
          const res = await fetch(
            `${cluster.url(target)}/api/security-posture/scans`,
            {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${cluster.token}`,
                'Content-Type': 'application/json',
              },
              body: '{}',
            },
          );
          if (res.status !== 202) {
            throw new Error(`POST /scans: ${res.status} ${await res.text()}`);
          }
          const { scanId } = (await res.json()) as { scanId: string };
          requested.push(scanId);
          await cluster.waitForScan(
            r => r.id === scanId && !['queued', 'running'].includes(r.status),
            (options.timeout + 60) * 1000,
          );
        }
      })();
      let result;
      try {
        result = await runLoad({
          origin: cluster.url(target),
          paths,
          token: cluster.token,
          connections: options.load.connections,
          durationSeconds: options.load.durationSeconds,
        });
      } finally {
        loading = false;
      }
      const loadEnd = Date.now();
      // The last requested scan finishes before anything is counted.
      await requester;
      const runs = await cluster.scanRuns();
      let covered = 0;
      for (const r of runs) {
        const s = Math.max(r.started ?? Infinity, loadStart);
        const e = Math.min(r.finished ?? loadEnd, loadEnd);
        if (e > s) covered += e - s;
      }
      load = {
        ...summarizeLoad(result),
        connections: options.load.connections,
        durationSeconds: options.load.durationSeconds,
        scanCoverage: Math.min(1, covered / (loadEnd - loadStart)),
        requestedScans: runs
          .filter(r => requested.includes(r.id))
          .map(r => r.status),
        paths: [
          ...new Set(paths.map(p => p.replace(/svc-\d+|team-\d+/, ':name'))),
        ],
      };
      log(`load: ${JSON.stringify(load)}`);
    }

    // Accounting.
    await sleep(500);
    const all = (await cluster.scanRuns()).map(r => ({
      ...r,
      runner: cluster.runnerOf(r.id)?.index,
    }));
    const runs = all.filter(r => scheduled(r) && (r.started ?? 0) >= t0);
    const killedIds = new Set(kills.map(k => k.scanId));
    const endOf = (r: RunWithRunner) =>
      killedIds.has(r.id)
        ? cluster.replicas[r.runner ?? 0].killedAt ?? Date.now()
        : r.finished ?? Date.now();
    const overlaps: string[] = [];
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const a = runs[i];
        const b = runs[j];
        if (a.started! < endOf(b) && b.started! < endOf(a)) {
          overlaps.push(`${a.id} and ${b.id}`);
        }
      }
    }
    const committed = runs
      .filter(r => r.status === 'succeeded')
      .sort((a, b) => a.started! - b.started!);
    // Each kill's takeover: the first committed scan after the killed one.
    const takeoverRuns = kills.map(k => {
      const killed = runs.find(r => r.id === k.scanId)!;
      return {
        killed,
        next: committed.find(r => r.started! > killed.started!),
      };
    });
    const takeovers = new Set(takeoverRuns.map(t => t.next?.id));
    const gaps = committed.slice(1).map((r, i) => ({
      ms: r.started! - committed[i].started!,
      acrossKill: runs.some(
        k =>
          killedIds.has(k.id) &&
          k.started! > committed[i].started! &&
          k.started! < r.started!,
      ),
      // The scheduler re-anchors the schedule after a takeover (its catch-up
      // run is skipped), so the next interval starts up to a period later.
      afterTakeover: takeovers.has(committed[i].id),
    }));
    const steady = gaps.filter(g => !g.acrossKill && !g.afterTakeover);
    const intervals = {
      committed: committed.length,
      minGapMs: Math.min(...gaps.map(g => g.ms)),
      maxGapMs: Math.max(0, ...steady.map(g => g.ms)),
      takeoverGapsMs: takeoverRuns.map(({ killed, next }) =>
        next ? next.started! - killed.started! : Infinity,
      ),
      afterTakeoverGapsMs: gaps
        .filter(g => g.afterTakeover && !g.acrossKill)
        .map(g => g.ms),
    };
    const killedRunStatus = kills.map(
      k => all.find(r => r.id === k.scanId)?.status ?? 'missing',
    );
    const incomplete = all
      .filter(r => r.status === 'succeeded' && (r.started ?? 0) >= t0)
      .filter(
        r =>
          r.entities !== expected.postures ||
          r.resources !== expected.resources ||
          r.findings !== expected.openFindings,
      )
      .map(r => `${r.id}: ${r.entities}/${r.resources}/${r.findings}`);
    return {
      options: { ...options, log: undefined } as ScenarioReport['options'],
      startupMs,
      expected,
      kills,
      runs,
      overlaps,
      intervals,
      killedRunStatus,
      incomplete,
      holdings: await cluster.holdings(),
      duplicates: await cluster.duplicates(),
      uniqueIndexes: await cluster.uniqueIndexes(),
      ...(load ? { load } : {}),
    };
  } finally {
    await cluster.stop();
  }
}
