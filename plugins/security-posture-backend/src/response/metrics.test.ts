import {
  ageBounds,
  durationStats,
  openByAge,
  percentile,
  remediationStats,
} from './metrics';

const H = 60 * 60 * 1000;

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    // Ranks 0..9 of 10 values: p90 sits at rank 8.1, between 9 and 10.
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 0.5)).toBe(5.5);
    expect(percentile(values, 0.9)).toBeCloseTo(9.1, 10);
    expect(percentile([4], 0.9)).toBe(4);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('durationStats', () => {
  it('sorts before taking the median and the 90th percentile', () => {
    expect(durationStats([72, 1, 24])).toEqual({
      count: 3,
      medianHours: 24,
      // rank 1.8: 24 + 0.8 × (72 − 24) = 62.4
      p90Hours: 62.4,
    });
    expect(durationStats([])).toEqual({
      count: 0,
      medianHours: null,
      p90Hours: null,
    });
  });
});

describe('remediationStats', () => {
  it('measures first seen → resolved at, overall and per severity', () => {
    const t0 = new Date('2026-12-01T00:00:00Z').getTime();
    const stats = remediationStats([
      {
        severity: 'critical',
        firstSeen: new Date(t0),
        resolvedAt: new Date(t0 + 2 * H),
      },
      {
        severity: 'critical',
        firstSeen: new Date(t0),
        resolvedAt: new Date(t0 + 6 * H),
      },
      {
        severity: 'low',
        firstSeen: new Date(t0),
        resolvedAt: new Date(t0 + 100 * H),
      },
    ]);
    expect(stats).toMatchObject({ count: 3, medianHours: 6 });
    expect(stats.bySeverity.critical).toEqual({
      count: 2,
      medianHours: 4,
      p90Hours: 5.6,
    });
    expect(stats.bySeverity.low).toEqual({
      count: 1,
      medianHours: 100,
      p90Hours: 100,
    });
    expect(stats.bySeverity.high).toEqual({
      count: 0,
      medianHours: null,
      p90Hours: null,
    });
  });
});

describe('open findings by age', () => {
  it('has bounds 7, 30 and 90 days back and sums buckets per severity', () => {
    const now = new Date('2026-12-31T00:00:00Z');
    expect(ageBounds(now).map(d => d.toISOString().slice(0, 10))).toEqual([
      '2026-12-24',
      '2026-12-01',
      '2026-10-02',
    ]);
    const result = openByAge([
      { severity: 'critical', buckets: [1, 0, 0, 2] },
      { severity: 'low', buckets: [0, 3, 0, 0] },
      { severity: 'critical', buckets: [0, 0, 1, 0] },
    ]);
    expect(result.total).toBe(7);
    expect(
      result.buckets.map(b => [b.id, b.total, b.counts.critical, b.counts.low]),
    ).toEqual([
      ['lt7d', 1, 1, 0],
      ['d7to30', 3, 0, 3],
      ['d30to90', 1, 1, 0],
      ['gt90d', 2, 2, 0],
    ]);
  });
});
