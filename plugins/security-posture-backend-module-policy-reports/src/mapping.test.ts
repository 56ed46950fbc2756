import { resolveControls } from '@internal/security-posture-engine';
import {
  DEFAULT_MAPPING,
  ResultMapping,
  type MappingRule,
  type ResultFields,
} from './mapping';

const controls = resolveControls();

function mapping(
  user: MappingRule[] = [],
  warnAs: 'fail' | 'skip' = 'skip',
  defaults = true,
) {
  return new ResultMapping(
    [...user, ...(defaults ? DEFAULT_MAPPING : [])],
    controls,
    { warnAs, userRules: user.length },
  );
}

const kyverno = (r: Partial<ResultFields>): ResultFields => ({
  source: 'kyverno',
  policy: 'disallow-host-namespaces',
  rule: 'host-namespaces',
  category: 'Pod Security Standards (Baseline)',
  severity: 'medium',
  result: 'fail',
  ...r,
});

describe('ResultMapping', () => {
  it('maps Kyverno pod-security policies onto the compute controls', () => {
    const m = mapping();
    expect(m.map(kyverno({}))).toMatchObject({
      control: 'no_privileged_containers',
      severity: 'medium',
      outcome: 'fail',
      checkId: 'policy-report-no-privileged-containers-medium',
    });
    expect(
      m.map(
        kyverno({
          policy: 'require-run-as-nonroot',
          rule: 'run-as-non-root',
          category: 'Pod Security Standards (Restricted)',
          severity: 'high',
        }),
      ),
    ).toMatchObject({
      control: 'pod_security_standards',
      checkId: 'policy-report-pod-security-standards-high',
    });
    expect(
      m.map(
        kyverno({
          policy: 'require-requests-limits',
          rule: 'validate-resources',
          category: 'Best Practices',
          result: 'pass',
        }),
      ),
    ).toMatchObject({ control: 'resource_limits_enforced', outcome: 'pass' });
  });

  it('maps Trivy operator results by source and check id, aggregating vulnerabilities', () => {
    const m = mapping();
    expect(
      m.map({
        source: 'Trivy Vulnerability',
        policy: 'CVE-2023-0286',
        category: 'Vulnerability Scan',
        severity: 'high',
        result: 'fail',
      }),
    ).toMatchObject({
      control: 'images_scanned',
      aggregate: true,
      severity: 'high',
    });
    expect(
      m.map({
        source: 'Trivy ConfigAudit',
        policy: 'CPU not limited',
        rule: 'KSV011',
        severity: 'low',
        result: 'fail',
      }),
    ).toMatchObject({ control: 'resource_limits_enforced', aggregate: false });
    expect(
      m.map({
        source: 'Trivy RbacAssessment',
        policy: 'Do not allow update/create of a malicious pod',
        rule: 'KSV048',
        severity: 'high',
        result: 'fail',
      }),
    ).toMatchObject({ control: 'no_overprivileged_roles' });
  });

  it('matches Kubescape control ids in the policy or the rule', () => {
    const m = mapping();
    const asPolicy = m.map({
      source: 'kubescape',
      policy: 'C-0057',
      result: 'fail',
      severity: 'high',
    });
    const asRule = m.map({
      source: 'Kubescape',
      policy: 'Privileged container',
      rule: 'C-0057',
      result: 'fail',
      severity: 'high',
    });
    expect(asPolicy?.control).toBe('no_privileged_containers');
    expect(asRule?.control).toBe('no_privileged_containers');
  });

  it('leaves results no rule knows unmapped', () => {
    expect(
      mapping().map(
        kyverno({ policy: 'require-team-label', category: 'Multi-Tenancy' }),
      ),
    ).toBeUndefined();
  });

  it('tries your rules before the defaults, with wildcards and any case', () => {
    const m = mapping([
      {
        match: { source: 'KYVERNO', policy: 'disallow-host-*' },
        control: 'pod_security_standards',
        severity: 'critical',
      },
    ]);
    expect(m.map(kyverno({}))).toMatchObject({
      control: 'pod_security_standards',
      severity: 'critical',
      checkId: 'policy-report-pod-security-standards-critical',
    });
    // Other Kyverno policies still go through the defaults.
    expect(
      m.map(kyverno({ policy: 'disallow-privileged-containers' }))?.control,
    ).toBe('no_privileged_containers');
  });

  it('feeds a category’s default control when a rule names only the category', () => {
    const m = mapping([
      { match: { policy: 'require-team-label' }, category: 'data' },
    ]);
    expect(m.map(kyverno({ policy: 'require-team-label' }))?.control).toBe(
      'sensitive_data_classified',
    );
  });

  it('drops results an ignore rule matches', () => {
    const m = mapping([{ match: { source: 'kyverno' }, ignore: true }]);
    expect(m.map(kyverno({}))).toBeUndefined();
  });

  it('counts warn as skipped by default, or as a failure when configured', () => {
    expect(mapping().map(kyverno({ result: 'warn' }))?.outcome).toBe('skip');
    expect(mapping([], 'fail').map(kyverno({ result: 'warn' }))?.outcome).toBe(
      'fail',
    );
    expect(
      mapping([
        {
          match: { source: 'kyverno' },
          control: 'pod_security_standards',
          warnAs: 'fail',
        },
      ]).map(kyverno({ result: 'warn' }))?.outcome,
    ).toBe('fail');
  });

  it('keeps error results as errors, skips skip and unscored results', () => {
    const m = mapping();
    expect(m.map(kyverno({ result: 'error' }))?.outcome).toBe('error');
    expect(m.map(kyverno({ result: 'skip' }))?.outcome).toBe('skip');
    expect(m.map(kyverno({ scored: false }))?.outcome).toBe('skip');
  });

  it('takes severities from the result: info counts as low, none as medium', () => {
    const m = mapping();
    expect(m.map(kyverno({ severity: 'info' }))?.severity).toBe('low');
    expect(m.map(kyverno({ severity: undefined }))?.severity).toBe('medium');
    expect(m.map(kyverno({ severity: 'CRITICAL' }))?.severity).toBe('critical');
  });

  it('rejects a rule of yours that feeds an unknown control, naming it', () => {
    expect(() =>
      mapping([{ match: { source: 'kyverno' }, control: 'no_such_control' }]),
    ).toThrow(
      'securityPosture.providers.policyReports.mapping[0] feeds unknown control "no_such_control"',
    );
    expect(() => mapping([{ match: { source: 'kyverno' } }])).toThrow(
      'needs a control, a category',
    );
  });

  it('drops default rules whose control the scorecard disabled', () => {
    const withoutImages = resolveControls({
      controls: { images_scanned: { enabled: false } },
    });
    const m = new ResultMapping(DEFAULT_MAPPING, withoutImages, {
      warnAs: 'skip',
      userRules: 0,
    });
    expect(
      m.map(
        kyverno({ policy: 'disallow-latest-tag', category: 'Best Practices' }),
      ),
    ).toBeUndefined();
    expect(m.checkTargets().some(t => t.control.id === 'images_scanned')).toBe(
      false,
    );
  });

  it('generates one check per control and severity it can feed, in the control’s category', () => {
    const m = mapping(
      [
        {
          match: { source: 'x' },
          control: 'egress_filtered',
          severity: 'high',
          weight: 9,
        },
      ],
      'skip',
      false,
    );
    expect(m.checkTargets()).toEqual([
      {
        id: 'policy-report-egress-filtered-high',
        control: expect.objectContaining({
          id: 'egress_filtered',
          category: 'network',
        }),
        severity: 'high',
        weight: 9,
      },
    ]);
    expect(mapping().checkTargets().length).toBeGreaterThan(4);
  });
});
