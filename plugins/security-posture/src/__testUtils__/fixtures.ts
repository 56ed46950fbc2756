import {
  FRAMEWORK_TITLES,
  scoreControls,
  summarize,
  type FrameworkCompliance,
  type FrameworkId,
  type FrameworkReport,
  type ControlScore,
  type EntityPosture,
  type Finding,
  type HistoryPoint,
  type Leaderboard,
  type OwnershipReport,
  type TeamPosture,
  type CheckCatalogue,
  type CategoryId,
} from '@internal/backstage-plugin-security-posture-common';
import type { Entity } from '@backstage/catalog-model';

/** Base URL the test discovery API answers for the plugin. */
export const BASE = 'http://localhost:7007/api/security-posture';

export const componentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'security-posture.backstage.io/manifests': './deploy/',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
};

export const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

export const userEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'guest', namespace: 'default' },
  spec: { memberOf: [] },
};

function control(
  id: string,
  category: CategoryId,
  weight: number,
  pass: boolean,
): ControlScore {
  return {
    id,
    title: id.replace(/_/g, ' '),
    category,
    weight,
    status: pass ? 'pass' : 'fail',
    adjustedStatus: pass ? 'pass' : 'fail',
    earned: pass ? weight : 0,
    adjustedEarned: pass ? weight : 0,
    possible: weight,
    passed: pass ? 3 : 1,
    failed: pass ? 0 : 2,
    exempted: 0,
    errors: 0,
  };
}

/** The seed scorecard's example: 114/127. */
export const seedControls: ControlScore[] = [
  control('mfa_enabled_all_admins', 'identity_and_access', 10, true),
  control('no_overprivileged_roles', 'identity_and_access', 8, true),
  control('service_accounts_audited', 'identity_and_access', 7, true),
  control('unused_credentials_removed', 'identity_and_access', 6, true),
  control('no_public_databases', 'network', 10, true),
  control('deny_default_network_policies', 'network', 9, true),
  control('tls_1_2_minimum', 'network', 7, true),
  control('egress_filtered', 'network', 6, false),
  control('encryption_at_rest', 'data', 9, true),
  control('encryption_in_transit', 'data', 9, true),
  control('backup_tested', 'data', 8, true),
  control('sensitive_data_classified', 'data', 7, false),
  control('no_privileged_containers', 'compute', 9, true),
  control('images_scanned', 'compute', 8, true),
  control('resource_limits_enforced', 'compute', 7, true),
  control('pod_security_standards', 'compute', 7, true),
];

export function makePosture(
  overrides: Partial<EntityPosture> = {},
): EntityPosture {
  const scored = scoreControls(seedControls);
  return {
    entityRef: 'component:default/payments-api',
    status: 'ok',
    statusReasons: [],
    staleSince: null,
    lastScanAt: new Date(Date.now() - 2 * 3600 * 1000).toISOString(),
    score: scored.score,
    adjustedScore: scored.adjustedScore,
    categories: scored.categories,
    adjustedCategories: scored.adjustedCategories,
    controls: scored.controls,
    coverage: scored.coverage,
    counts: { critical: 1, high: 0, medium: 1, low: 0 },
    pointsToGain: scored.pointsToGain,
    exemptions: [],
    resourceCount: 12,
    modelVersion: 'default@1',
    trend: { delta7d: 2.5, delta30d: -1.2 },
    ...overrides,
  };
}

export function neverScannedPosture(): EntityPosture {
  const empty = scoreControls([]);
  return {
    ...makePosture(),
    status: 'never-scanned',
    lastScanAt: null,
    score: empty.score,
    adjustedScore: empty.adjustedScore,
    categories: empty.categories,
    adjustedCategories: empty.adjustedCategories,
    controls: [],
    coverage: null,
    counts: { critical: 0, high: 0, medium: 0, low: 0 },
    pointsToGain: [],
    resourceCount: 0,
    modelVersion: null,
    trend: { delta7d: null, delta30d: null },
  };
}

export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    entityRef: 'component:default/payments-api',
    checkId: 'k8s-no-privileged',
    title: 'Privileged container',
    severity: 'critical',
    category: 'compute',
    control: 'no_privileged_containers',
    status: 'open',
    resource: {
      uid: 'k8s:payments/Deployment/payments-api',
      type: 'kubernetes.workload',
      kind: 'Deployment',
      name: 'payments-api',
      namespace: 'payments',
      source: 'deploy/deployment.yaml',
    },
    message: 'Container api runs privileged',
    evidence: [
      {
        path: 'spec.template.spec.containers[0].securityContext.privileged',
        value: true,
      },
    ],
    remediation: {
      text: 'Set securityContext.privileged to false.',
      url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    },
    firstSeen: new Date(Date.now() - 10 * 24 * 3600 * 1000).toISOString(),
    lastSeen: new Date().toISOString(),
    resolvedAt: null,
    ...overrides,
  };
}

export const exemptedFinding = makeFinding({
  id: 'f2',
  checkId: 's3-access-logging',
  title: 'Bucket without access logging',
  severity: 'medium',
  category: 'data',
  control: 'sensitive_data_classified',
  status: 'exempted',
  resource: {
    uid: 'tf:aws_s3_bucket.exports',
    type: 'aws.s3.bucket',
    kind: 'S3Bucket',
    name: 'exports',
    address: 'aws_s3_bucket.exports',
    source: 'terraform/plan.json',
  },
  evidence: [
    { path: 'logging', value: null, address: 'aws_s3_bucket.exports' },
  ],
  remediation: {
    text: 'Enable server access logging.',
    url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html',
  },
  exemption: {
    checkId: 's3-access-logging',
    entityRef: 'component:default/payments-api',
    reason: 'Logs go to CloudTrail data events',
    approver: 'security-team',
    ticket: 'SEC-42',
    expires: '2099-12-31',
  },
});

export function makeHistory(days: number): HistoryPoint[] {
  const now = Date.now();
  return [days, Math.floor(days / 2), 0].map((ago, i) => ({
    at: new Date(now - ago * 24 * 3600 * 1000).toISOString(),
    percent: [80, 85, 89.8][i],
    adjustedPercent: [80, 86, 90.6][i],
    categories: [],
    modelVersion: 'default@1',
  }));
}

export function makeTeam(overrides: Partial<TeamPosture> = {}): TeamPosture {
  return {
    entityRef: 'group:default/payments',
    title: 'Payments',
    score: summarize(150, 200),
    adjustedScore: summarize(155, 200),
    categories: scoreControls(seedControls).categories,
    coverage: 0.9,
    counts: { critical: 2, high: 3, medium: 4, low: 0 },
    trend: { delta7d: -3, delta30d: 4 },
    entities: [
      {
        entityRef: 'component:default/ledger-service',
        kind: 'Component',
        title: 'Ledger service',
        score: summarize(40, 80),
        adjustedScore: summarize(40, 80),
        status: 'partial',
        counts: { critical: 2, high: 1, medium: 0, low: 0 },
        trend: { delta7d: -5, delta30d: null },
      },
      {
        entityRef: 'component:default/payments-api',
        kind: 'Component',
        score: summarize(110, 120),
        adjustedScore: summarize(115, 120),
        status: 'ok',
        counts: { critical: 0, high: 2, medium: 4, low: 0 },
        trend: { delta7d: 1, delta30d: 4 },
      },
    ],
    subTeams: [
      {
        entityRef: 'group:default/payments-core',
        kind: 'Group',
        title: 'Payments core',
        score: summarize(100, 120),
        adjustedScore: summarize(100, 120),
        status: 'ok',
        counts: { critical: 1, high: 1, medium: 0, low: 0 },
        trend: { delta7d: 0, delta30d: 2 },
      },
    ],
    worstFindings: [
      makeFinding({ entityRef: 'component:default/ledger-service' }),
    ],
    ownership: { owned: 40, total: 50 },
    ...overrides,
  };
}

export function makeLeaderboard(): Leaderboard {
  const team = makeTeam();
  return {
    teams: [
      {
        rank: 1,
        entityRef: 'group:default/security',
        title: 'Security',
        score: summarize(95, 100),
        adjustedScore: summarize(95, 100),
        trend: { delta7d: 1.5, delta30d: 3 },
        entityCount: 3,
        counts: { critical: 0, high: 0, medium: 1, low: 2 },
      },
      {
        rank: 2,
        entityRef: 'group:default/payments',
        title: 'Payments, "core" & risk',
        score: team.score,
        adjustedScore: team.adjustedScore,
        trend: team.trend,
        entityCount: 7,
        counts: team.counts,
      },
    ],
    entities: team.entities,
    generatedAt: new Date().toISOString(),
  };
}

export function makeOwnership(): OwnershipReport {
  return {
    unowned: {
      items: [
        {
          uid: 'aws:bucket/legacy-exports',
          type: 'aws.s3.bucket',
          kind: 'S3Bucket',
          name: 'legacy-exports',
          provider: 'aws',
          location: 'arn:aws:s3:::legacy-exports',
          lastSeen: new Date().toISOString(),
        },
      ],
      nextCursor: 'c2',
      totalCount: 51,
    },
    teams: [
      {
        entityRef: 'group:default/payments',
        title: 'Payments',
        owned: 40,
        total: 50,
        percent: 80,
      },
      { entityRef: 'group:default/data', owned: 0, total: 0, percent: null },
    ],
  };
}

export function makeChecks(): CheckCatalogue {
  return {
    modelVersion: 'default@1',
    frameworks: ['nist-800-53', 'soc2'],
    checks: [
      {
        id: 'k8s-no-privileged',
        title: 'Privileged container',
        description: '',
        severity: 'critical',
        category: 'compute',
        control: 'no_privileged_containers',
        weight: 1,
        appliesTo: ['kubernetes.workload'],
        frameworks: { 'nist-800-53': ['AC-6', 'CM-7'], soc2: ['CC6.1'] },
        remediation: { text: '', url: '' },
        origin: 'builtin',
      },
      {
        id: 's3-encryption',
        title: 'Bucket encryption',
        description: '',
        severity: 'high',
        category: 'data',
        control: 'encryption_at_rest',
        weight: 1,
        appliesTo: ['aws.s3.bucket'],
        frameworks: { 'nist-800-53': ['SC-28'], soc2: ['CC6.1', 'CC6.7'] },
        remediation: { text: '', url: '' },
        origin: 'builtin',
      },
    ],
  };
}

/** One framework's compliance, from passing/evaluated counts. */
export function makeFrameworkCompliance(
  id: FrameworkId,
  counts: {
    mapped: number;
    evaluated: number;
    passing: number;
    adjustedPassing?: number;
    unknown?: number;
  },
  failingControls?: FrameworkCompliance['failingControls'],
): FrameworkCompliance {
  const adjustedPassing = counts.adjustedPassing ?? counts.passing;
  const percent = (n: number) =>
    counts.evaluated > 0
      ? Math.round((n / counts.evaluated) * 1000) / 10
      : null;
  return {
    id,
    title: FRAMEWORK_TITLES[id],
    mapped: counts.mapped,
    evaluated: counts.evaluated,
    passing: counts.passing,
    failing: counts.evaluated - counts.passing,
    unknown: counts.unknown ?? 0,
    percent: percent(counts.passing),
    adjustedPassing,
    adjustedPercent: percent(adjustedPassing),
    ...(failingControls ? { failingControls } : {}),
  };
}

/**
 * The payments team: NIST 800-53 3 of 4 controls (AC-6 fails on a privileged
 * container), SOC 2 1 of 2 raw and 2 of 2 with an exemption, CIS Kubernetes
 * not evaluated.
 */
export function makeTeamFrameworks(): FrameworkCompliance[] {
  return [
    makeFrameworkCompliance('cis-kubernetes', {
      mapped: 24,
      evaluated: 0,
      passing: 0,
    }),
    makeFrameworkCompliance(
      'nist-800-53',
      { mapped: 41, evaluated: 4, passing: 3 },
      [{ id: 'AC-6', checks: ['k8s-no-privileged'], exempted: false }],
    ),
    makeFrameworkCompliance(
      'soc2',
      { mapped: 13, evaluated: 2, passing: 1, adjustedPassing: 2 },
      [{ id: 'CC6.7', checks: ['s3-encryption'], exempted: true }],
    ),
  ];
}

/** `GET /frameworks` with two teams on one page (of three). */
export function makeFrameworkReport(): FrameworkReport {
  const row = (
    entityRef: string,
    title: string | undefined,
    entityCount: number,
    nist: [number, number],
    soc2: [number, number, number],
  ) => ({
    entityRef,
    ...(title ? { title } : {}),
    entityCount,
    frameworks: [
      makeFrameworkCompliance('nist-800-53', {
        mapped: 41,
        evaluated: nist[0],
        passing: nist[1],
      }),
      makeFrameworkCompliance('soc2', {
        mapped: 13,
        evaluated: soc2[0],
        passing: soc2[1],
        adjustedPassing: soc2[2],
      }),
    ],
  });
  return {
    frameworks: [
      { id: 'nist-800-53', title: FRAMEWORK_TITLES['nist-800-53'], mapped: 41 },
      { id: 'soc2', title: FRAMEWORK_TITLES.soc2, mapped: 13 },
    ],
    teams: {
      items: [
        row('group:default/payments', 'Payments', 7, [4, 3], [2, 1, 2]),
        row('group:default/security', undefined, 3, [4, 4], [0, 0, 0]),
      ],
      nextCursor: 'page2',
      totalCount: 3,
    },
    modelVersion: 'sp1-abc',
    generatedAt: new Date().toISOString(),
  };
}
