import type { ScenarioReport } from './scenario';
import { verifyReplicaReport } from './verify';

const KEYS = [
  'scan_runs(id)',
  'findings(entity_id, fingerprint)',
  'entity_resources(entity_id, uid_hash)',
];

function report(): ScenarioReport {
  return {
    options: {
      replicas: 3,
      components: 10,
      frequency: 20,
      timeout: 15,
      kills: 1,
      steadyIntervals: 2,
      load: { connections: 50, durationSeconds: 15 },
    },
    startupMs: 40_000,
    expected: { postures: 10, resources: 50, openFindings: 190 },
    kills: [
      {
        scanId: 'a',
        victim: 0,
        killedAfterMs: 500,
        recovery: { scanId: 'b', runner: 2, takeoverMs: 50_000 },
      },
    ],
    runs: [],
    overlaps: [],
    intervals: {
      committed: 4,
      minGapMs: 19_000,
      maxGapMs: 21_000,
      takeoverGapsMs: [60_000],
      afterTakeoverGapsMs: [25_000],
    },
    killedRunStatus: ['aborted'],
    incomplete: [],
    holdings: {
      postures: 10,
      okPostures: 10,
      resources: 50,
      openFindings: 190,
    },
    duplicates: Object.fromEntries(KEYS.map(k => [k, 0])),
    uniqueIndexes: [...KEYS, 'posture_daily(entity_id, day)'],
    load: {
      requests: 600,
      requestsPerSecond: 40,
      errors: 0,
      statuses: { 200: 600 },
      p50: 1000,
      p95: 2000,
      p99: 3000,
      max: 4000,
      connections: 50,
      durationSeconds: 15,
      scanCoverage: 1,
      requestedScans: ['succeeded', 'succeeded'],
      paths: ['/api/security-posture/leaderboard'],
    },
  };
}

/** Turns a report into a load-only run's: no kills, no steady intervals. */
function asLoadOnly(r: ScenarioReport, committed: number): void {
  r.options = { ...r.options, kills: 0, steadyIntervals: 0 };
  r.kills = [];
  r.killedRunStatus = [];
  r.intervals = {
    committed,
    minGapMs: Infinity,
    maxGapMs: 0,
    takeoverGapsMs: [],
    afterTakeoverGapsMs: [],
  };
}

describe('verifyReplicaReport', () => {
  it('accepts a run where every claim holds', () => {
    expect(verifyReplicaReport(report())).toEqual([]);
  });

  it('accepts a load-only run (no kills, no steady intervals) with its one scan', () => {
    const r = report();
    asLoadOnly(r, 1);
    expect(verifyReplicaReport(r)).toEqual([]);
  });

  it.each<[string, (r: ScenarioReport) => void, RegExp]>([
    ['a kill that did not happen', r => void r.kills.pop(), /0 of 1 kills/],
    [
      'the killed replica taking its own work over',
      r => {
        r.kills[0].recovery.runner = 0;
      },
      /killed replica 0 ran/,
    ],
    [
      'a killed run left running',
      r => {
        r.killedRunStatus = ['running'];
      },
      /is 'running', not 'aborted'/,
    ],
    [
      'overlapping scans',
      r => void r.overlaps.push('x and y'),
      /overlapped: x and y/,
    ],
    [
      'an interval scanned twice',
      r => {
        r.intervals.minGapMs = 5_000;
      },
      /5000 ms apart \(one interval scanned twice\)/,
    ],
    [
      'an interval lost',
      r => {
        r.intervals.maxGapMs = 41_000;
      },
      /41000 ms between committed scans with no kill between them/,
    ],
    [
      'a takeover that never came',
      r => {
        r.intervals.takeoverGapsMs = [Infinity];
      },
      /no replica took over a's interval/,
    ],
    [
      'a schedule that did not resume after a takeover',
      r => {
        r.intervals.afterTakeoverGapsMs = [50_000];
      },
      /50000 ms from a takeover to the next committed scan/,
    ],
    [
      'too few scans to say anything',
      r => {
        r.intervals.committed = 1;
      },
      /only 1 committed scheduled scans/,
    ],
    [
      'an incomplete scan',
      r => void r.incomplete.push('d: 9/45/171'),
      /did not cover the estate: d/,
    ],
    [
      'a lost finding',
      r => {
        r.holdings.openFindings = 189;
      },
      /holds 189 openFindings, not 190/,
    ],
    [
      'a partial posture',
      r => {
        r.holdings.okPostures = 9;
      },
      /holds 9 okPostures, not 10/,
    ],
    [
      'a duplicate row',
      r => {
        r.duplicates['scan_runs(id)'] = 1;
      },
      /1 duplicate scan_runs\(id\)/,
    ],
    [
      'a natural key without a unique index',
      r => {
        r.uniqueIndexes = r.uniqueIndexes.filter(
          i => !i.startsWith('findings'),
        );
      },
      /no unique index or primary key on findings/,
    ],
    [
      'failed requests under load',
      r => {
        r.load!.errors = 3;
        r.load!.statuses = { 200: 597, 500: 3 };
      },
      /3 failed requests under load/,
    ],
    [
      'load without a scan running',
      r => {
        r.load!.scanCoverage = 0;
      },
      /no scan ran while the load ran/,
    ],
    [
      'a scan requested under load that failed',
      r => {
        r.load!.requestedScans = ['succeeded', 'failed'];
      },
      /scans requested under load: \["succeeded","failed"\]/,
    ],
    [
      'a load-only run without its scan',
      r => asLoadOnly(r, 0),
      /only 0 committed scheduled scans/,
    ],
  ])('reports %s', (_what, breakIt, message) => {
    const broken = report();
    breakIt(broken);
    const problems = verifyReplicaReport(broken);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
