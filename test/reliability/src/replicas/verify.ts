import type { ScenarioReport } from './scenario';

/**
 * What a replica run must show; every broken claim is one line. The figures
 * of docs/reliability.md come from reports that passed this.
 */
export function verifyReplicaReport(report: ScenarioReport): string[] {
  const problems: string[] = [];
  const { options, expected, holdings } = report;
  if (report.kills.length !== options.kills) {
    problems.push(`${report.kills.length} of ${options.kills} kills happened`);
  }
  for (const kill of report.kills) {
    if (kill.recovery.runner === undefined) {
      problems.push(`no replica is known to have taken over ${kill.scanId}`);
    } else if (kill.recovery.runner === kill.victim) {
      problems.push(
        `the killed replica ${kill.victim} ran ${kill.scanId}'s takeover`,
      );
    }
  }
  report.killedRunStatus.forEach((status, i) => {
    if (status !== 'aborted') {
      problems.push(
        `killed run ${report.kills[i]?.scanId} is '${status}', not 'aborted'`,
      );
    }
  });
  for (const overlap of report.overlaps) {
    problems.push(`scheduled scans overlapped: ${overlap}`);
  }
  const { intervals } = report;
  const period = options.frequency * 1000;
  // Workers poll for due tasks every few seconds.
  const slack = 5000;
  // Kills and steady intervals are watched scan by scan: they need at least
  // two committed scans to say anything (a load-only run needs one).
  const watched = options.kills > 0 || options.steadyIntervals > 0;
  if (intervals.committed < (watched ? 2 : 1)) {
    problems.push(`only ${intervals.committed} committed scheduled scans`);
  }
  if (intervals.minGapMs < period / 2) {
    problems.push(
      `two committed scans ${intervals.minGapMs} ms apart (one interval scanned twice)`,
    );
  }
  if (intervals.maxGapMs > period + slack) {
    problems.push(
      `${intervals.maxGapMs} ms between committed scans with no kill between them (an interval lost)`,
    );
  }
  for (const gap of intervals.afterTakeoverGapsMs) {
    if (gap > 2 * period + slack) {
      problems.push(`${gap} ms from a takeover to the next committed scan`);
    }
  }
  // The lock of a killed run expires after the timeout; the scheduler's
  // janitor frees it within a minute; the next poll takes the interval over.
  const takeoverLimit = (options.timeout + 60) * 1000 + period + slack;
  intervals.takeoverGapsMs.forEach((gap, i) => {
    if (!(gap <= takeoverLimit)) {
      problems.push(
        `no replica took over ${report.kills[i]?.scanId}'s interval within ${takeoverLimit} ms (${gap})`,
      );
    }
  });
  for (const run of report.incomplete) {
    problems.push(`a committed scan did not cover the estate: ${run}`);
  }
  const want = {
    postures: expected.postures,
    okPostures: expected.postures,
    resources: expected.resources,
    openFindings: expected.openFindings,
  };
  for (const [key, value] of Object.entries(want)) {
    const held = holdings[key as keyof typeof holdings];
    if (held !== value)
      problems.push(`the store holds ${held} ${key}, not ${value}`);
  }
  for (const [key, count] of Object.entries(report.duplicates)) {
    if (count !== 0) problems.push(`${count} duplicate ${key}`);
    if (!report.uniqueIndexes.includes(key)) {
      problems.push(`no unique index or primary key on ${key}`);
    }
  }
  if (report.load) {
    if (report.load.requests === 0) problems.push('the load sent no request');
    if (report.load.errors !== 0) {
      problems.push(
        `${report.load.errors} failed requests under load: ${JSON.stringify(
          report.load.statuses,
        )}`,
      );
    }
    if (report.load.scanCoverage <= 0) {
      problems.push('no scan ran while the load ran');
    }
    const failed = report.load.requestedScans.filter(s => s !== 'succeeded');
    if (report.load.requestedScans.length === 0 || failed.length > 0) {
      problems.push(
        `scans requested under load: ${JSON.stringify(
          report.load.requestedScans,
        )}`,
      );
    }
  }
  return problems;
}
