import {
  SEVERITIES,
  type DurationStats,
  type FindingAgeBucket,
  type FindingAgeBucketId,
  type OpenFindingsByAge,
  type RemediationStats,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The p-th percentile (0–1) of sorted values, interpolating linearly between
 * the closest ranks (the definition of PostgreSQL's `percentile_cont`).
 */
export function percentile(
  sorted: readonly number[],
  p: number,
): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

const round1 = (v: number | null) =>
  v === null ? null : Math.round(v * 10) / 10;

/** Count, median and 90th percentile of durations in hours. */
export function durationStats(hours: readonly number[]): DurationStats {
  const sorted = [...hours].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianHours: round1(percentile(sorted, 0.5)),
    p90Hours: round1(percentile(sorted, 0.9)),
  };
}

/** A resolved finding's time to remediate. */
export interface Remediation {
  severity: Severity;
  firstSeen: Date;
  resolvedAt: Date;
}

/** Time to remediate (first seen → resolved at), overall and per severity. */
export function remediationStats(
  items: Iterable<Remediation>,
): RemediationStats {
  const all: number[] = [];
  const bySeverity = new Map<Severity, number[]>(
    SEVERITIES.map(s => [s, [] as number[]]),
  );
  for (const item of items) {
    const hours = Math.max(
      0,
      (item.resolvedAt.getTime() - item.firstSeen.getTime()) / HOUR_MS,
    );
    all.push(hours);
    bySeverity.get(item.severity)?.push(hours);
  }
  const overall = durationStats(all);
  return {
    ...overall,
    bySeverity: Object.fromEntries(
      SEVERITIES.map(s => [s, durationStats(bySeverity.get(s)!)]),
    ) as Record<Severity, DurationStats>,
  };
}

/** The age buckets of open findings, youngest first. */
export const AGE_BUCKETS: ReadonlyArray<{
  id: FindingAgeBucketId;
  label: string;
  minDays: number;
  maxDays: number | null;
}> = [
  { id: 'lt7d', label: 'under 7 days', minDays: 0, maxDays: 7 },
  { id: 'd7to30', label: '7–30 days', minDays: 7, maxDays: 30 },
  { id: 'd30to90', label: '30–90 days', minDays: 30, maxDays: 90 },
  { id: 'gt90d', label: 'over 90 days', minDays: 90, maxDays: null },
];

/**
 * The instants separating the buckets: a finding first seen at or after
 * `bounds[i]` (and before `bounds[i-1]`) is in bucket i; before the last bound,
 * in the last bucket.
 */
export function ageBounds(now: Date): Date[] {
  return AGE_BUCKETS.filter(b => b.maxDays !== null).map(
    b => new Date(now.getTime() - b.maxDays! * DAY_MS),
  );
}

/** Sums per-bucket counts (per severity) into the API's shape. */
export function openByAge(
  rows: Iterable<{ severity: Severity; buckets: readonly number[] }>,
): OpenFindingsByAge {
  const buckets: FindingAgeBucket[] = AGE_BUCKETS.map(b => ({
    ...b,
    counts: { critical: 0, high: 0, medium: 0, low: 0 },
    total: 0,
  }));
  let total = 0;
  for (const row of rows) {
    for (let i = 0; i < row.buckets.length && i < buckets.length; i++) {
      const n = row.buckets[i];
      if (!n) continue;
      buckets[i].counts[row.severity] += n;
      buckets[i].total += n;
      total += n;
    }
  }
  return { buckets, total };
}
