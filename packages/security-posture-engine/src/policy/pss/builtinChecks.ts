import type { FrameworkMappings } from '@internal/backstage-plugin-security-posture-common';
import {
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
  fail,
  PASS,
} from '../../model/check';
import type { Resource } from '../../model/resource';
import { evaluatePodSecurity, PodSecurityLevel } from './evaluate';
import { asObj } from './pod';
import { parsePodSecurityVersion } from './versions';

/** Namespace label that selects the enforced Pod Security Standards level. */
export const PSS_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
/** Namespace label that pins the version of the enforced level. */
export const PSS_ENFORCE_VERSION_LABEL =
  'pod-security.kubernetes.io/enforce-version';

/** Options of {@link createPssChecks}. */
export interface PssCheckOptions {
  /**
   * Level workloads are held to when their namespace is unknown or has no enforce
   * label (default `baseline`, the level clusters should enforce at least).
   */
  defaultLevel?: 'baseline' | 'restricted';
  /** Version used with the default level (default `latest`). */
  defaultVersion?: string;
}

const CONTROL = 'pod_security_standards';

const NAMESPACE_FRAMEWORKS: FrameworkMappings = {
  'cis-kubernetes': ['5.2.1'],
  'nist-800-53': ['CM-6', 'CM-7', 'AC-6'],
  soc2: ['CC6.1', 'CC7.1'],
  'pci-dss': ['2.2.1'],
  'iso-27001': ['A.8.9'],
};

const WORKLOAD_FRAMEWORKS: FrameworkMappings = {
  'cis-kubernetes': [
    '5.2.2',
    '5.2.3',
    '5.2.4',
    '5.2.5',
    '5.2.6',
    '5.2.7',
    '5.2.8',
    '5.2.9',
    '5.2.10',
    '5.2.11',
    '5.2.12',
    '5.2.13',
  ],
  'nist-800-53': ['AC-6', 'CM-6', 'CM-7', 'SC-39'],
  soc2: ['CC6.1', 'CC6.8'],
  'pci-dss': ['2.2.1', '2.2.5'],
  'iso-27001': ['A.8.9', 'A.8.2'],
};

/** The level and version a namespace enforces, and where that came from. */
interface Enforcement {
  level: PodSecurityLevel;
  version: string;
  /** How the level was decided, for messages. */
  source: string;
}

function labelsOf(resource: Resource): Record<string, unknown> {
  return (
    resource.labels ?? asObj(asObj(asObj(resource.raw)?.metadata)?.labels) ?? {}
  );
}

function levelFromLabel(value: unknown): PodSecurityLevel | undefined {
  return value === 'privileged' ||
    value === 'baseline' ||
    value === 'restricted'
    ? value
    : undefined;
}

/**
 * What a namespace enforces, read as the admission controller reads its labels: an
 * invalid level fails closed to `restricted`, an invalid version means `latest`.
 */
const enforcements = new WeakMap<Resource, Enforcement | null>();

function enforcementOf(namespace: Resource): Enforcement | undefined {
  let cached = enforcements.get(namespace);
  if (cached === undefined) {
    cached = readEnforcement(namespace) ?? null;
    enforcements.set(namespace, cached);
  }
  return cached ?? undefined;
}

function readEnforcement(namespace: Resource): Enforcement | undefined {
  const labels = labelsOf(namespace);
  const value = labels[PSS_ENFORCE_LABEL];
  if (value === undefined || value === null) return undefined;
  const level = levelFromLabel(value) ?? 'restricted';
  const rawVersion = labels[PSS_ENFORCE_VERSION_LABEL];
  const version =
    typeof rawVersion === 'string' && parsePodSecurityVersion(rawVersion)
      ? rawVersion
      : 'latest';
  return {
    level,
    version,
    source: `namespace "${namespace.name}"`,
  };
}

/** Namespaces by name, built once per namespace list of a resource index. */
const namespaceMaps = new WeakMap<
  readonly Resource[],
  Map<string, Resource[]>
>();

function findNamespace(
  ctx: EvaluationContext,
  name: string,
  workload: Resource,
): Resource | undefined {
  const namespaces = ctx.resources.ofType('k8s.namespace');
  if (namespaces.length === 0) return undefined;
  let byName = namespaceMaps.get(namespaces);
  if (!byName) {
    byName = new Map();
    for (const ns of namespaces) {
      const list = byName.get(ns.name);
      if (list) list.push(ns);
      else byName.set(ns.name, [ns]);
    }
    namespaceMaps.set(namespaces, byName);
  }
  const candidates = byName.get(name);
  if (!candidates) return undefined;
  if (candidates.length === 1) return candidates[0];
  // The same namespace name in several clusters: prefer the workload's cluster.
  const location = workload.source.location;
  return (
    candidates.find(ns => ns.source.location === location) ?? candidates[0]
  );
}

/** The pod template of a workload's raw object and the path prefix of its pod fields. */
export function podTemplateOf(
  raw: unknown,
): { pod: { metadata?: unknown; spec?: unknown }; prefix: string } | undefined {
  const object = asObj(raw);
  if (!object) return undefined;
  const spec = asObj(object.spec);
  if (object.kind === 'Pod') {
    return spec ? { pod: object, prefix: '' } : undefined;
  }
  if (!spec) return undefined;
  const jobTemplate = asObj(asObj(spec.jobTemplate)?.spec);
  const cronTemplate = asObj(jobTemplate?.template);
  if (cronTemplate && asObj(cronTemplate.spec)) {
    return { pod: cronTemplate, prefix: 'spec.jobTemplate.spec.template.' };
  }
  const template = asObj(spec.template);
  if (template && asObj(template.spec)) {
    return { pod: template, prefix: 'spec.template.' };
  }
  return undefined;
}

/**
 * Builds the Pod Security Standards checks:
 * - `k8s-namespace-pss-enforced`: a namespace enforces a Pod Security Standards level
 *   (the `pod-security.kubernetes.io/enforce` label is set and not `privileged`);
 * - `k8s-workload-pss-compliant`: a workload's pod template meets the level (and
 *   version) its namespace enforces, or the default level when the namespace or its
 *   label is unknown.
 */
export function createPssChecks(
  options: PssCheckOptions = {},
): CheckDefinition[] {
  const defaultLevel = options.defaultLevel ?? 'baseline';
  const defaultVersion = options.defaultVersion ?? 'latest';
  if (!parsePodSecurityVersion(defaultVersion)) {
    throw new Error(
      `Invalid Pod Security Standards default version "${defaultVersion}"`,
    );
  }

  const namespaceCheck: CheckDefinition = {
    id: 'k8s-namespace-pss-enforced',
    title: 'Namespace enforces a Pod Security Standard',
    description:
      'The namespace carries the pod-security.kubernetes.io/enforce label with level baseline or restricted, so the Pod Security Admission controller rejects pods that break the standard.',
    severity: 'medium',
    category: 'compute',
    control: CONTROL,
    weight: 5,
    appliesTo: ['k8s.namespace'],
    frameworks: NAMESPACE_FRAMEWORKS,
    remediation: {
      text: 'Label the namespace with pod-security.kubernetes.io/enforce=restricted (or baseline where workloads need it), optionally pinning pod-security.kubernetes.io/enforce-version; roll out with the warn and audit labels first.',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/',
    },
    origin: 'pod-security',
    evaluate(resource): CheckOutcome {
      const labels = labelsOf(resource);
      const value = labels[PSS_ENFORCE_LABEL];
      const path = `metadata.labels[${JSON.stringify(PSS_ENFORCE_LABEL)}]`;
      if (value === undefined || value === null) {
        return fail(
          `Namespace "${resource.name}" does not enforce a Pod Security Standard (no ${PSS_ENFORCE_LABEL} label)`,
          { path, value: undefined },
        );
      }
      if (value === 'privileged') {
        return fail(
          `Namespace "${resource.name}" enforces the privileged Pod Security Standard, which allows any pod`,
          { path, value },
        );
      }
      if (!levelFromLabel(value)) {
        return fail(
          `Namespace "${
            resource.name
          }" has an invalid ${PSS_ENFORCE_LABEL} label "${String(
            value,
          )}"; the admission controller falls back to restricted, set baseline or restricted explicitly`,
          { path, value },
        );
      }
      return PASS;
    },
  };

  const workloadCheck: CheckDefinition = {
    id: 'k8s-workload-pss-compliant',
    title: 'Workload meets the Pod Security Standard of its namespace',
    description:
      "The workload's pod template passes every check of the Pod Security Standards level its namespace enforces (pod-security.kubernetes.io/enforce and enforce-version; baseline when the namespace does not say), as the Pod Security Admission controller would evaluate it.",
    severity: 'high',
    category: 'compute',
    control: CONTROL,
    weight: 5,
    appliesTo: ['k8s.workload'],
    frameworks: WORKLOAD_FRAMEWORKS,
    remediation: {
      text: 'Change the pod template as the failed controls say (for restricted: runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault; never privileged, host namespaces, hostPath or hostPort), or move the workload to a namespace whose level it is meant to run at.',
      url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    },
    origin: 'pod-security',
    evaluate(resource, ctx): CheckOutcome {
      const template = podTemplateOf(resource.raw);
      if (!template) {
        return {
          status: 'skip',
          reason: 'the resource has no pod spec to evaluate',
        };
      }
      const namespaceName = resource.namespace ?? 'default';
      const namespace = findNamespace(ctx, namespaceName, resource);
      const enforcement = (namespace && enforcementOf(namespace)) ?? {
        level: defaultLevel,
        version: defaultVersion,
        source: namespace
          ? `default (namespace "${namespaceName}" has no ${PSS_ENFORCE_LABEL} label)`
          : `default (namespace "${namespaceName}" not found)`,
      };
      if (enforcement.level === 'privileged') {
        return {
          status: 'skip',
          reason: `${enforcement.source} enforces the privileged level`,
        };
      }
      const result = evaluatePodSecurity(template.pod, {
        level: enforcement.level,
        version: enforcement.version,
      });
      if (result.allowed) return PASS;
      const evidence = [];
      for (const violation of result.violations) {
        for (const item of violation.evidence) {
          evidence.push({
            path: template.prefix + item.path,
            value: item.value,
          });
        }
      }
      return fail(
        `${resource.kind} "${resource.name}" violates PodSecurity "${
          enforcement.level
        }:${enforcement.version}" enforced by ${
          enforcement.source
        }: ${result.violations.map(v => v.message).join(', ')}`,
        ...evidence,
      );
    },
  };

  return [namespaceCheck, workloadCheck];
}

/** The Pod Security Standards built-in checks with default options. */
export const PSS_CHECKS: CheckDefinition[] = createPssChecks();
