import {
  CATEGORY_IDS,
  SEVERITIES,
  type CategoryId,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import type { ResolvedControl } from '@internal/security-posture-engine';

/** A PolicyReport result's verdict. */
export type ReportResult = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

/** What an imported result counts as in the scorecard. */
export type ImportedOutcome = 'pass' | 'fail' | 'error' | 'skip';

/**
 * Which results a mapping rule applies to. Each field is a pattern or a list of
 * patterns (any matches); `*` matches any run of characters; matching ignores
 * case. Absent fields match everything.
 * @public
 */
export interface MappingMatch {
  source?: string | string[];
  policy?: string | string[];
  rule?: string | string[];
  category?: string | string[];
  severity?: string | string[];
  /** Matches the policy or the rule (scanners differ in which holds their check id). */
  id?: string | string[];
}

/**
 * One rule of `securityPosture.providers.policyReports.mapping`: results it
 * matches feed `control` (or the default control of `category`). The first
 * matching rule wins; your rules come before the defaults.
 * @public
 */
export interface MappingRule {
  match: MappingMatch;
  /** Scorecard control fed by the results. */
  control?: string;
  /** When no control is given: the category's default control. */
  category?: CategoryId;
  /** Severity of the findings; the result's own severity when absent (info counts as low, none as medium). */
  severity?: Severity;
  /** Weight of the generated check inside its control (informational for strict controls). */
  weight?: number;
  /** One finding per subject for all the results this rule matches (vulnerability scans). */
  aggregate?: boolean;
  /** What a `warn` result counts as; the global `warnAs` when absent. */
  warnAs?: 'fail' | 'skip';
  /** Drop the results this rule matches. */
  ignore?: boolean;
}

/** The control that a mapping rule naming only a category feeds. */
export const CATEGORY_DEFAULT_CONTROLS: Record<CategoryId, string> = {
  identity_and_access: 'no_overprivileged_roles',
  network: 'deny_default_network_policies',
  data: 'sensitive_data_classified',
  compute: 'pod_security_standards',
};

const rule = (
  match: MappingMatch,
  control: string,
  extra: Partial<MappingRule> = {},
): MappingRule => ({ match, control, ...extra });

const KYVERNO = 'kyverno';
const TRIVY_CONFIG = 'Trivy ConfigAudit';
const KUBESCAPE = '*kubescape*';

/**
 * The default mapping, after your rules: Kyverno's policy library (the Pod Security
 * Standards policies, best practices, RBAC), the Trivy operator's reports as the
 * trivy-operator-polr-adapter publishes them, and Kubescape control ids.
 * @public
 */
export const DEFAULT_MAPPING: readonly MappingRule[] = [
  // Kyverno policy library
  rule(
    {
      source: KYVERNO,
      policy: [
        'disallow-privileged-containers',
        'disallow-host-namespaces',
        'disallow-host-path',
        'disallow-host-ports*',
        'disallow-host-process',
        'disallow-capabilities',
        'disallow-proc-mount',
      ],
    },
    'no_privileged_containers',
  ),
  rule(
    {
      source: KYVERNO,
      policy: ['require-requests-limits', 'require-pod-requests-limits'],
    },
    'resource_limits_enforced',
  ),
  rule(
    {
      source: KYVERNO,
      policy: [
        'disallow-latest-tag',
        'restrict-image-registries',
        'require-image-digest',
        'verify-image*',
        'check-image*',
      ],
    },
    'images_scanned',
  ),
  rule(
    {
      source: KYVERNO,
      policy: [
        'add-network-policy*',
        'add-networkpolicy*',
        'require-network-policy*',
      ],
    },
    'deny_default_network_policies',
  ),
  rule(
    {
      source: KYVERNO,
      policy: [
        'restrict-wildcard-verbs',
        'restrict-wildcard-resources',
        'restrict-binding-clusteradmin',
        'restrict-clusterrole-nodesproxy',
        'restrict-escalation-verbs-roles',
      ],
    },
    'no_overprivileged_roles',
  ),
  rule(
    {
      source: KYVERNO,
      policy: ['restrict-automount-sa-token', 'restrict-service-account*'],
    },
    'service_accounts_audited',
  ),
  rule(
    {
      source: KYVERNO,
      policy: ['disallow-secrets-from-env-vars', 'secrets-not-from-env-vars'],
    },
    'sensitive_data_classified',
  ),
  rule(
    { source: KYVERNO, category: 'Pod Security*' },
    'pod_security_standards',
  ),
  rule(
    {
      source: KYVERNO,
      policy: ['require-ro-rootfs', 'require-run-as-non*', '*pod-security*'],
    },
    'pod_security_standards',
  ),
  // Trivy operator, through trivy-operator-polr-adapter
  rule({ source: 'Trivy Vulnerability' }, 'images_scanned', {
    aggregate: true,
  }),
  rule({ source: 'Trivy ExposedSecrets' }, 'sensitive_data_classified', {
    aggregate: true,
  }),
  rule({ source: 'Trivy RbacAssessment' }, 'no_overprivileged_roles'),
  rule(
    {
      source: TRIVY_CONFIG,
      rule: [
        'KSV005',
        'KSV008',
        'KSV009',
        'KSV010',
        'KSV017',
        'KSV022',
        'KSV023',
        'KSV024',
      ],
    },
    'no_privileged_containers',
  ),
  rule(
    { source: TRIVY_CONFIG, rule: ['KSV011', 'KSV015', 'KSV016', 'KSV018'] },
    'resource_limits_enforced',
  ),
  rule({ source: TRIVY_CONFIG, rule: ['KSV013', 'KSV0125'] }, 'images_scanned'),
  rule({ source: TRIVY_CONFIG, rule: 'KSV036' }, 'service_accounts_audited'),
  rule(
    { source: TRIVY_CONFIG, rule: ['KSV04*', 'KSV05*'] },
    'no_overprivileged_roles',
  ),
  rule({ source: TRIVY_CONFIG }, 'pod_security_standards'),
  // Kubescape control ids
  rule(
    {
      source: KUBESCAPE,
      id: ['C-0057', 'C-0041', 'C-0038', 'C-0048', 'C-0046'],
    },
    'no_privileged_containers',
  ),
  rule(
    { source: KUBESCAPE, id: ['C-0009', 'C-0270', 'C-0271'] },
    'resource_limits_enforced',
  ),
  rule(
    { source: KUBESCAPE, id: ['C-0013', 'C-0016', 'C-0017', 'C-0055'] },
    'pod_security_standards',
  ),
  rule(
    { source: KUBESCAPE, id: ['C-0030', 'C-0260'] },
    'deny_default_network_policies',
  ),
  rule({ source: KUBESCAPE, id: 'C-0035' }, 'no_overprivileged_roles'),
  rule({ source: KUBESCAPE, id: 'C-0034' }, 'service_accounts_audited'),
  rule({ source: KUBESCAPE, id: 'C-0012' }, 'sensitive_data_classified'),
  rule({ source: KUBESCAPE, id: ['C-0075', 'C-0078'] }, 'images_scanned'),
];

/** Default weight of a generated check, by severity. */
const SEVERITY_WEIGHT: Record<Severity, number> = {
  critical: 10,
  high: 8,
  medium: 5,
  low: 3,
};

/** A result as read from a report, before mapping. */
export interface ResultFields {
  source: string;
  policy: string;
  rule?: string;
  category?: string;
  /** As reported: critical, high, medium, low, info (or absent). */
  severity?: string;
  result: ReportResult;
  scored?: boolean;
}

/** Where a mapped result goes. */
export interface MappedResult {
  /** Index of the rule that matched (for aggregation). */
  ruleIndex: number;
  control: string;
  severity: Severity;
  outcome: ImportedOutcome;
  aggregate: boolean;
  checkId: string;
}

/** A check the mapping can feed. */
export interface ImportedCheckTarget {
  id: string;
  control: ResolvedControl;
  severity: Severity;
  weight: number;
}

function compilePattern(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function compileField(
  value: string | string[] | undefined,
): RegExp[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map(compilePattern);
}

function test(patterns: RegExp[] | undefined, value: string | undefined) {
  if (!patterns) return true;
  if (value === undefined) return false;
  return patterns.some(p => p.test(value));
}

/** The check id of imported results feeding a control at a severity. */
export function importedCheckId(control: string, severity: Severity): string {
  return `policy-report-${control.replace(/_/g, '-')}-${severity}`;
}

/** The severity a result counts with. */
function severityOf(reported: string | undefined): Severity {
  const s = reported?.toLowerCase();
  if (s === 'info' || s === 'informational') return 'low';
  return (SEVERITIES as readonly string[]).includes(s ?? '')
    ? (s as Severity)
    : 'medium';
}

interface CompiledRule {
  index: number;
  source?: RegExp[];
  policy?: RegExp[];
  rule?: RegExp[];
  category?: RegExp[];
  severity?: RegExp[];
  id?: RegExp[];
  control?: ResolvedControl;
  fixedSeverity?: Severity;
  weight?: number;
  aggregate: boolean;
  warnAs?: 'fail' | 'skip';
  ignore: boolean;
}

/**
 * The mapping of imported results onto scorecard controls: rules compiled once,
 * the checks they can feed, and the outcome of each result.
 */
export class ResultMapping {
  private readonly rules: CompiledRule[];
  private readonly targets = new Map<string, ImportedCheckTarget>();

  /**
   * @param rules - your rules first, then the defaults (when wanted)
   * @param controls - the scorecard's controls (unknown controls are errors in
   *   your rules and dropped from the defaults)
   */
  constructor(
    rules: readonly MappingRule[],
    controls: readonly ResolvedControl[],
    private readonly options: {
      warnAs: 'fail' | 'skip';
      /** Rules before this index are the user's. */
      userRules: number;
    },
  ) {
    const byId = new Map(controls.map(c => [c.id, c]));
    this.rules = [];
    rules.forEach((r, index) => {
      const where = `securityPosture.providers.policyReports.mapping[${index}]`;
      const user = index < options.userRules;
      const controlId =
        r.control ??
        (r.category ? CATEGORY_DEFAULT_CONTROLS[r.category] : undefined);
      if (!r.ignore && !controlId) {
        throw new Error(
          `${where} needs a control, a category (one of ${CATEGORY_IDS.join(
            ', ',
          )}) or ignore: true`,
        );
      }
      const control = controlId ? byId.get(controlId) : undefined;
      if (controlId && !control) {
        if (user) {
          throw new Error(
            `${where} feeds unknown control "${controlId}"; known controls are ${controls
              .map(c => c.id)
              .join(', ')}`,
          );
        }
        return;
      }
      if (r.category && control && control.category !== r.category) {
        throw new Error(
          `${where}: control "${control.id}" is in category ${control.category}, not ${r.category}`,
        );
      }
      if (r.severity && !SEVERITIES.includes(r.severity)) {
        throw new Error(`${where}: invalid severity "${r.severity}"`);
      }
      if (
        r.weight !== undefined &&
        !(typeof r.weight === 'number' && r.weight >= 0)
      ) {
        throw new Error(`${where}: weight must be a number >= 0`);
      }
      const compiled: CompiledRule = {
        index,
        source: compileField(r.match?.source),
        policy: compileField(r.match?.policy),
        rule: compileField(r.match?.rule),
        category: compileField(r.match?.category),
        severity: compileField(r.match?.severity),
        id: compileField(r.match?.id),
        control,
        fixedSeverity: r.severity,
        weight: r.weight,
        aggregate: r.aggregate ?? false,
        warnAs: r.warnAs,
        ignore: r.ignore ?? false,
      };
      this.rules.push(compiled);
      if (control) {
        for (const severity of r.severity ? [r.severity] : SEVERITIES) {
          const id = importedCheckId(control.id, severity);
          const weight = r.weight ?? SEVERITY_WEIGHT[severity];
          const existing = this.targets.get(id);
          if (!existing) {
            this.targets.set(id, { id, control, severity, weight });
          } else if (weight > existing.weight) {
            existing.weight = weight;
          }
        }
      }
    });
  }

  /** Every check the mapping can feed. */
  checkTargets(): ImportedCheckTarget[] {
    return [...this.targets.values()];
  }

  /** Where a result goes, or `undefined` when no rule maps it (or a rule ignores it). */
  map(result: ResultFields): MappedResult | undefined {
    for (const r of this.rules) {
      if (
        !test(r.source, result.source) ||
        !test(r.policy, result.policy) ||
        !test(r.rule, result.rule) ||
        !test(r.category, result.category) ||
        !test(r.severity, result.severity)
      ) {
        continue;
      }
      if (r.id && !test(r.id, result.policy) && !test(r.id, result.rule)) {
        continue;
      }
      if (r.ignore || !r.control) return undefined;
      const severity = r.fixedSeverity ?? severityOf(result.severity);
      return {
        ruleIndex: r.index,
        control: r.control.id,
        severity,
        outcome: this.outcome(result, r.warnAs ?? this.options.warnAs),
        aggregate: r.aggregate,
        checkId: importedCheckId(r.control.id, severity),
      };
    }
    return undefined;
  }

  private outcome(
    result: ResultFields,
    warnAs: 'fail' | 'skip',
  ): ImportedOutcome {
    if (result.scored === false) return 'skip';
    switch (result.result) {
      case 'pass':
        return 'pass';
      case 'fail':
        return 'fail';
      case 'warn':
        return warnAs;
      case 'error':
        return 'error';
      default:
        return 'skip';
    }
  }
}
