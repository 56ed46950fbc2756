import { kyvernoReport, kyvernoResult } from './__testUtils__/reports';
import { readReport } from './reports';

describe('readReport', () => {
  it('reads a Kyverno per-resource report: the subject comes from scope', () => {
    const report = kyvernoReport(
      { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop' },
      [
        kyvernoResult({
          policy: 'disallow-host-path',
          rule: 'host-path',
          result: 'fail',
        }),
        kyvernoResult({
          policy: 'disallow-capabilities',
          rule: 'adding-capabilities',
          result: 'pass',
        }),
      ],
    );
    const { entries, skipped } = readReport(report);
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      source: 'kyverno',
      policy: 'disallow-host-path',
      rule: 'host-path',
      result: 'fail',
      severity: 'medium',
      category: 'Pod Security Standards (Baseline)',
      scored: true,
      subject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: 'web-1',
        namespace: 'shop',
      },
      report: { kind: 'PolicyReport', namespace: 'shop' },
      // `seconds: 1.701868762e9` read as a float
      timestamp: '2023-12-06T13:19:22.000Z',
    });
  });

  it('reads results naming their subjects in resources[], one entry per subject', () => {
    const { entries } = readReport({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: 'polr-ns-shop', namespace: 'shop' },
      results: [
        {
          policy: 'require-labels',
          rule: 'check-for-labels',
          result: 'fail',
          source: 'kyverno',
          resources: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'api',
              namespace: 'shop',
            },
          ],
          properties: { note: 'x', nested: { not: 'kept' } },
        },
      ],
    });
    expect(entries.map(e => e.subject)).toEqual([
      // A namespaced report's subjects default to its namespace.
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        namespace: 'shop',
        uid: undefined,
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'api',
        namespace: 'shop',
        uid: undefined,
      },
    ]);
    expect(entries[0].properties).toEqual({ note: 'x' });
  });

  it('skips results without a policy or with an unknown verdict', () => {
    const { entries, skipped } = readReport({
      kind: 'ClusterPolicyReport',
      metadata: { name: 'c' },
      results: [
        { result: 'fail' },
        { policy: 'p', result: 'maybe' },
        'not an object',
        { policy: 'p', result: 'PASS' },
      ],
    });
    expect(skipped).toBe(3);
    expect(entries).toEqual([
      expect.objectContaining({
        policy: 'p',
        result: 'pass',
        source: 'unknown',
        report: { kind: 'ClusterPolicyReport', name: 'c' },
      }),
    ]);
    expect(entries[0].subject).toBeUndefined();
  });

  it('reads the RFC 3339 timestamps Kubescape writes, and the {seconds, nanos} of the CRD', () => {
    const timestampOf = (timestamp: unknown) =>
      readReport(
        kyvernoReport(
          { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop' },
          [
            {
              ...kyvernoResult({
                policy: 'disallow-host-path',
                rule: 'host-path',
                result: 'fail',
              }),
              timestamp,
            },
          ],
        ),
      ).entries[0].timestamp;
    expect(timestampOf('2026-08-14T09:12:44Z')).toBe(
      '2026-08-14T09:12:44.000Z',
    );
    expect(timestampOf({ seconds: 1701868762, nanos: 0 })).toBe(
      '2023-12-06T13:19:22.000Z',
    );
    expect(timestampOf({ seconds: '1701868762', nanos: '5000000' })).toBe(
      '2023-12-06T13:19:22.005Z',
    );
    expect(timestampOf('yesterday')).toBeUndefined();
    // A mapping where a number is due: no timestamp, and no throw from
    // Number() on its `valueOf` key.
    expect(timestampOf({ seconds: { valueOf: 'x' } })).toBeUndefined();
  });
});
