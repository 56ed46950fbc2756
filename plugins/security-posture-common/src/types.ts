/**
 * Types shared by the engine, the backend, the CLI and the frontend.
 */

/** The four categories of the posture scorecard. @public */
export type CategoryId = 'identity_and_access' | 'network' | 'data' | 'compute';

/** @public */
export const CATEGORY_IDS: readonly CategoryId[] = [
  'identity_and_access',
  'network',
  'data',
  'compute',
];

/** @public */
export const CATEGORY_TITLES: Record<CategoryId, string> = {
  identity_and_access: 'Identity and access',
  network: 'Network',
  data: 'Data',
  compute: 'Compute',
};

/** @public */
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Severities, most severe first. @public */
export const SEVERITIES: readonly Severity[] = [
  'critical',
  'high',
  'medium',
  'low',
];

/** Rank of a severity; lower is more severe. @public */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Result of evaluating one check on one resource.
 * `exempted` is a failure covered by an active exemption.
 * @public
 */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'error' | 'exempted';

/** Compliance frameworks a check can be mapped onto. @public */
export type FrameworkId =
  | 'cis-kubernetes'
  | 'cis-aws'
  | 'nist-800-53'
  | 'soc2'
  | 'pci-dss'
  | 'iso-27001';

/** @public */
export const FRAMEWORK_TITLES: Record<FrameworkId, string> = {
  'cis-kubernetes': 'CIS Kubernetes Benchmark',
  'cis-aws': 'CIS AWS Foundations Benchmark',
  'nist-800-53': 'NIST SP 800-53',
  soc2: 'SOC 2',
  'pci-dss': 'PCI DSS',
  'iso-27001': 'ISO/IEC 27001',
};

/** Control ids per framework, e.g. `{ 'nist-800-53': ['AC-6'] }`. @public */
export type FrameworkMappings = Partial<Record<FrameworkId, string[]>>;

/**
 * Where a failure was found: a path into the resource's source document and the
 * offending value (never a secret value: those are redacted by the normalisers).
 * @public
 */
export interface Evidence {
  /** e.g. `spec.template.spec.containers[0].securityContext.privileged` */
  path: string;
  value: unknown;
  /** Terraform address or other locator of the document the path is relative to, when it differs from the resource's own. */
  address?: string;
}

/** Metadata of a check, as served by the check catalogue. @public */
export interface CheckMetadata {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  category: CategoryId;
  /** Scorecard control the check feeds by default. */
  control: string;
  /** Default weight of the check inside its control (informational for strict controls). */
  weight: number;
  /** Canonical resource types the check applies to. */
  appliesTo: string[];
  frameworks: FrameworkMappings;
  remediation: { text: string; url: string };
  /** Where the check comes from. */
  origin: 'builtin' | 'kyverno' | 'pod-security' | 'cel' | 'import';
}
