/**
 * Kyverno policies as checks of the scorecard: one check per rule (generated
 * pod-controller rules included), with metadata from the policy annotations and a
 * mapping from the policy's category or name to one of the four categories and a
 * control.
 */
import type {
  CategoryId,
  Evidence,
  Severity,
} from '@internal/backstage-plugin-security-posture-common';
import {
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
  fail,
  PASS,
  SKIP,
} from '../../model/check';
import type { CanonicalType, Resource } from '../../model/resource';
import { DEFAULT_CONTROLS } from '../../scorecard/defaultScorecard';
import { computeRules } from './autogen';
import {
  evaluateKyvernoRule,
  prepareResource,
  PreparedResource,
  unsupportedReason,
} from './engine';
import { kindOfSelector, kindsOf } from './match';
import type {
  KyvernoEvaluationOptions,
  KyvernoPolicy,
  KyvernoRule,
} from './types';
import { isObject } from './values';

/** Where a policy's checks go in the scorecard. */
export interface KyvernoCheckTarget {
  category: CategoryId;
  control: string;
  weight?: number;
  /** Overrides the `policies.kyverno.io/severity` annotation. */
  severity?: Severity;
}

/** A rule of the mapping: a policy name, or patterns over category, name and title. */
export interface KyvernoMappingRule extends KyvernoCheckTarget {
  /** Exact policy name. */
  policy?: string;
  /** Case-insensitive regular expression over the `policies.kyverno.io/category` annotation. */
  categoryPattern?: string;
  /** Case-insensitive regular expression over the policy name and title. */
  match?: string;
}

/**
 * How policies map onto the scorecard: explicit policy names first, then the rules
 * in order (first match wins), then the default target.
 */
export interface KyvernoCheckMapping {
  policies?: Record<string, KyvernoCheckTarget>;
  rules?: KyvernoMappingRule[];
  default?: KyvernoCheckTarget;
}

/** Options of {@link kyvernoPolicyChecks}. */
export interface KyvernoCheckOptions
  extends Omit<KyvernoEvaluationOptions, 'oldResource'> {
  /** Prefix of check ids (default `kyverno`). */
  idPrefix?: string;
}

type Target = Required<Pick<KyvernoCheckTarget, 'category' | 'control'>> &
  KyvernoCheckTarget;

/** The default mapping of Kyverno policies (by category, name and title) onto the scorecard. */
export const DEFAULT_KYVERNO_MAPPING: KyvernoCheckMapping = {
  rules: [
    {
      categoryPattern: 'pod security',
      category: 'compute',
      control: 'pod_security_standards',
    },
    {
      match:
        'privileged|host-?(path|network|pid|ipc|ports?|namespaces?|process)|capabilit|proc-?mount|selinux|apparmor|seccomp|sysctl',
      category: 'compute',
      control: 'no_privileged_containers',
    },
    {
      match: 'limit|request|resources|quota',
      category: 'compute',
      control: 'resource_limits_enforced',
    },
    {
      match: 'image|registr|latest|digest|signature|tag',
      category: 'compute',
      control: 'images_scanned',
    },
    { match: 'egress', category: 'network', control: 'egress_filtered' },
    {
      match:
        'network-?polic|netpol|ingress|node-?port|load-?balancer|external-?ip',
      category: 'network',
      control: 'deny_default_network_policies',
    },
    {
      match: 'tls|https|certificate',
      category: 'network',
      control: 'tls_1_2_minimum',
    },
    {
      match: 'service-?account|automount|token',
      category: 'identity_and_access',
      control: 'service_accounts_audited',
    },
    {
      match: 'rbac|role|binding|cluster-?admin|wildcard|impersonat',
      category: 'identity_and_access',
      control: 'no_overprivileged_roles',
    },
    {
      match: 'secret|env|label|annotation|owner|classif',
      category: 'data',
      control: 'sensitive_data_classified',
    },
  ],
  default: { category: 'compute', control: 'pod_security_standards' },
};

const KIND_TYPES: Record<string, CanonicalType> = {
  Pod: 'k8s.workload',
  Deployment: 'k8s.workload',
  StatefulSet: 'k8s.workload',
  DaemonSet: 'k8s.workload',
  ReplicaSet: 'k8s.workload',
  ReplicationController: 'k8s.workload',
  Job: 'k8s.workload',
  CronJob: 'k8s.workload',
  Namespace: 'k8s.namespace',
  Service: 'k8s.service',
  Ingress: 'k8s.ingress',
  NetworkPolicy: 'k8s.networkpolicy',
  ServiceAccount: 'k8s.serviceaccount',
  Role: 'k8s.role',
  ClusterRole: 'k8s.role',
  RoleBinding: 'k8s.rolebinding',
  ClusterRoleBinding: 'k8s.rolebinding',
  Secret: 'k8s.secret',
  ConfigMap: 'k8s.configmap',
};

const ALL_KUBERNETES_TYPES = [...new Set(Object.values(KIND_TYPES))];

/** Canonical types a rule's kinds select. */
function canonicalTypesOf(rule: KyvernoRule): CanonicalType[] {
  const out = new Set<CanonicalType>();
  for (const selector of kindsOf(rule.match)) {
    const kind = kindOfSelector(selector);
    if (kind.includes('*')) ALL_KUBERNETES_TYPES.forEach(t => out.add(t));
    else if (KIND_TYPES[kind]) out.add(KIND_TYPES[kind]);
  }
  return [...out];
}

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

function severityOf(annotation: string | undefined): Severity {
  const s = (annotation ?? '').trim().toLowerCase();
  return (SEVERITIES as string[]).includes(s) ? (s as Severity) : 'medium';
}

function resolveTarget(
  policy: KyvernoPolicy,
  mapping: KyvernoCheckMapping,
): Target {
  const name = policy.metadata.name;
  const annotations = policy.metadata.annotations ?? {};
  const category = annotations['policies.kyverno.io/category'] ?? '';
  const title = annotations['policies.kyverno.io/title'] ?? '';
  const explicit = mapping.policies?.[name];
  if (explicit) return explicit as Target;
  for (const rule of mapping.rules ?? []) {
    if (rule.policy && rule.policy !== name) continue;
    const categoryPattern = rule.categoryPattern;
    if (categoryPattern && !new RegExp(categoryPattern, 'i').test(category))
      continue;
    if (rule.match && !new RegExp(rule.match, 'i').test(`${name} ${title}`))
      continue;
    if (!rule.policy && !categoryPattern && !rule.match) continue;
    return rule as Target;
  }
  return (mapping.default ?? DEFAULT_KYVERNO_MAPPING.default) as Target;
}

function valueAt(raw: unknown, path: string): unknown {
  let node: unknown = raw;
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of path.matchAll(re)) {
    const key =
      m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`));
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObject(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/** The pod-template prefix of a generated rule's paths, for evidence on controllers. */
function evidenceOf(raw: unknown, paths: string[] | undefined): Evidence[] {
  if (!paths) return [];
  return paths
    .filter(p => p !== '')
    .map(p => ({ path: p, value: valueAt(raw, p) ?? null }));
}

const PREPARED = new WeakMap<object, PreparedResource>();

function preparedFor(
  raw: object,
  options: KyvernoEvaluationOptions,
): PreparedResource {
  let p = PREPARED.get(raw);
  if (!p || p.options !== options) {
    p = prepareResource(raw, options);
    PREPARED.set(raw, p);
  }
  return p;
}

/**
 * One check per rule of each policy (generated `autogen-…` rules included). A check
 * evaluates `resource.raw` (the original Kubernetes object) and skips resources its
 * rule does not match. Errors of the policy (unresolvable variables, unsupported
 * context) are thrown, so they are recorded as `error` results.
 */
export function kyvernoPolicyChecks(
  policies: KyvernoPolicy[],
  mapping: KyvernoCheckMapping = DEFAULT_KYVERNO_MAPPING,
  options: KyvernoCheckOptions = {},
): CheckDefinition[] {
  const prefix = options.idPrefix ?? 'kyverno';
  // time functions use the evaluation time of the scan (EvaluationContext.now)
  const clock: { now?: Date } = {};
  const evaluationOptions: KyvernoEvaluationOptions = {
    operation: options.operation,
    namespaceLabels: options.namespaceLabels,
    variables: options.variables,
    ruleVariables: options.ruleVariables,
    now: options.now ?? (() => clock.now ?? new Date()),
    // never let a rule pass on data it could not load
    unavailableContext: 'skip',
  };
  const checks: CheckDefinition[] = [];
  for (const policy of policies) {
    const target = resolveTarget(policy, mapping);
    const controlDef = DEFAULT_CONTROLS.find(c => c.id === target.control);
    const category = controlDef?.category ?? target.category;
    const annotations = policy.metadata.annotations ?? {};
    const title =
      annotations['policies.kyverno.io/title'] ?? policy.metadata.name;
    const description =
      (annotations['policies.kyverno.io/description'] ?? '').trim() ||
      `Kyverno policy ${policy.metadata.name}`;
    const subject = annotations['policies.kyverno.io/subject'];
    const severity =
      target.severity ??
      severityOf(annotations['policies.kyverno.io/severity']);
    const allRules = computeRules(policy);
    const baseRules = policy.spec.rules ?? [];
    const rulesByKind = new Map<string, Map<string, KyvernoRule>>();
    const rulesFor = (kind: string) => {
      let m = rulesByKind.get(kind);
      if (!m) {
        m = new Map(computeRules(policy, kind).map(r => [r.name, r]));
        rulesByKind.set(kind, m);
      }
      return m;
    };
    const idBase =
      policy.kind === 'Policy' && policy.metadata.namespace
        ? `${prefix}:${policy.metadata.namespace}/${policy.metadata.name}`
        : `${prefix}:${policy.metadata.name}`;
    for (const rule of allRules) {
      const ruleName = rule.name;
      const from = rule.autogen?.from;
      const variant = rule.autogen
        ? rule.autogen.controllers.join(', ')
        : undefined;
      const ruleTitle =
        baseRules.length > 1 ? `${title}: ${from ?? ruleName}` : title;
      const unsupported = unsupportedReason(rule);
      const message = rule.validate?.message?.trim();
      checks.push({
        id: `${idBase}/${ruleName}`,
        title: variant ? `${ruleTitle} (${variant})` : ruleTitle,
        description: [
          description,
          subject ? `Applies to: ${subject}.` : '',
          unsupported ? `Not evaluated: ${unsupported}.` : '',
        ]
          .filter(Boolean)
          .join(' '),
        severity,
        category,
        control: target.control,
        weight: target.weight ?? 1,
        appliesTo: canonicalTypesOf(rule),
        frameworks: {},
        remediation: {
          text:
            message ||
            `Make the resource satisfy Kyverno rule ${from ?? ruleName}.`,
          url:
            annotations['policies.kyverno.io/url'] ??
            'https://kyverno.io/policies/',
        },
        origin: 'kyverno',
        evaluate(resource: Resource, ctx?: EvaluationContext): CheckOutcome {
          clock.now = ctx?.now;
          const raw = resource.raw;
          if (!isObject(raw)) return SKIP;
          const kind = typeof raw.kind === 'string' ? raw.kind : '';
          const effective = rulesFor(kind).get(ruleName);
          if (!effective) {
            return {
              status: 'skip',
              reason: `rule ${ruleName} does not apply to ${kind}`,
            };
          }
          const result = evaluateKyvernoRule(
            policy,
            effective,
            preparedFor(raw, evaluationOptions),
          );
          if (!result) {
            return {
              status: 'skip',
              reason: `rule ${ruleName} does not match this ${kind}`,
            };
          }
          switch (result.status) {
            case 'pass':
              return PASS;
            case 'fail':
              return fail(result.message, ...evidenceOf(raw, result.paths));
            case 'skip':
              return { status: 'skip', reason: result.message };
            default:
              throw new Error(result.message);
          }
        },
      });
    }
  }
  return checks;
}
