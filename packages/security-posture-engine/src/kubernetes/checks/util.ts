import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import type {
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
} from '../../model/check';
import type { Resource } from '../../model/resource';
import type {
  KubernetesContainerInfo,
  KubernetesRoleAttributes,
  KubernetesRoleBindingAttributes,
  KubernetesWorkloadAttributes,
} from '../types';

/** Guidance pages on kubernetes.io. */
export const GUIDE = {
  podSecurityStandards:
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  securityContext:
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  seccomp: 'https://kubernetes.io/docs/tutorials/security/seccomp/',
  kernelConstraints:
    'https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/',
  hostPath: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  resources:
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  images: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  secrets:
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  labels:
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/',
  rbac: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
  serviceAccountToken:
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  serviceAccounts:
    'https://kubernetes.io/docs/concepts/security/service-accounts/',
  networkPolicies:
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
  loadBalancerSourceRanges:
    'https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/',
  ingressTls:
    'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
} as const;

/** A workload check's evaluation over typed attributes. */
type WorkloadEvaluate = (
  a: KubernetesWorkloadAttributes,
  resource: Resource<KubernetesWorkloadAttributes>,
  ctx: EvaluationContext,
) => CheckOutcome;

/** Outcome for objects whose controller is evaluated instead (a Pod of a ReplicaSet). */
export const SKIP_CONTROLLED: CheckOutcome = Object.freeze({
  status: 'skip' as const,
  reason:
    'managed by a controller among the scanned resources; evaluated there',
});

/** Outcome for Windows pods where a Linux-only setting does not apply. */
export const SKIP_WINDOWS: CheckOutcome = Object.freeze({
  status: 'skip' as const,
  reason: 'does not apply to Windows pods',
});

/**
 * Defines a check on `k8s.workload`. Objects managed by a controller that is among
 * the scanned resources (the Pods of a ReplicaSet, the ReplicaSets of a Deployment,
 * the Jobs of a CronJob) are skipped, so one misconfiguration is reported once,
 * on the object its owner edits.
 */
export function workloadCheck(
  definition: Omit<CheckDefinition, 'appliesTo' | 'evaluate' | 'origin'> & {
    evaluate: WorkloadEvaluate;
  },
): CheckDefinition<KubernetesWorkloadAttributes> {
  const { evaluate, ...metadata } = definition;
  return {
    ...metadata,
    origin: 'builtin',
    appliesTo: ['k8s.workload'],
    evaluate(resource, ctx) {
      const a = resource.attributes;
      if (
        a.controller !== undefined &&
        ctx.resources.byUid(a.controller.resourceUid) !== undefined
      ) {
        return SKIP_CONTROLLED;
      }
      return evaluate(a, resource, ctx);
    },
  };
}

/** A failure outcome with evidence collected in a list. */
export function failure(message: string, evidence: Evidence[]): CheckOutcome {
  return { status: 'fail', message, evidence };
}

/** How a container is named in messages. */
const CONTAINER_KIND: Record<KubernetesContainerInfo['group'], string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

export function containerLabel(c: KubernetesContainerInfo): string {
  const kind = CONTAINER_KIND[c.group];
  return c.name ? `${kind} ${c.name}` : `${kind} #${c.index}`;
}

/** `a`, `a and b`, `a, b and c`, `a, b, c and 4 more`. */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) {
    return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** Capability name as the runtime understands it: `cap_sys_admin` → `SYS_ADMIN`. */
export function capabilityName(cap: string): string {
  const upper = cap.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/**
 * Why a container may run as root, as evidence, or undefined when it provably does
 * not: an explicit non-zero `runAsUser` or `runAsNonRoot: true`, set on the container
 * or inherited from the pod security context.
 */
export function rootEvidence(
  a: KubernetesWorkloadAttributes,
  c: KubernetesContainerInfo,
): Evidence | undefined {
  const sc = c.container.securityContext;
  const psc = a.podSpec.securityContext;
  if (sc.runAsUser !== undefined) {
    return sc.runAsUser === 0
      ? { path: `${c.path}.securityContext.runAsUser`, value: 0 }
      : undefined;
  }
  if (sc.runAsNonRoot === true) {
    return psc.runAsUser === 0
      ? { path: `${a.podSpecPath}.securityContext.runAsUser`, value: 0 }
      : undefined;
  }
  if (psc.runAsUser !== undefined) {
    return psc.runAsUser === 0
      ? { path: `${a.podSpecPath}.securityContext.runAsUser`, value: 0 }
      : undefined;
  }
  if (sc.runAsNonRoot === false) {
    return { path: `${c.path}.securityContext.runAsNonRoot`, value: false };
  }
  if (psc.runAsNonRoot !== undefined) {
    return psc.runAsNonRoot
      ? undefined
      : { path: `${a.podSpecPath}.securityContext.runAsNonRoot`, value: false };
  }
  return {
    path: `${a.podSpecPath}.securityContext.runAsNonRoot`,
    value: undefined,
  };
}

// ---------------------------------------------------------------------------
// RBAC lookups shared by binding and workload checks

type RoleResource = Resource<KubernetesRoleAttributes>;
type BindingResource = Resource<KubernetesRoleBindingAttributes>;

/** The first rule granting `*` verbs or resources, or -1. */
export function wildcardRuleIndex(role: KubernetesRoleAttributes): number {
  const rules = role.rules;
  for (let i = 0; i < rules.length; i++) {
    if (rules[i].verbs.includes('*') || rules[i].resources.includes('*')) {
      return i;
    }
  }
  return -1;
}

interface RbacIndex {
  bindings: readonly BindingResource[];
  roles: readonly RoleResource[];
  /** Non-built-in bindings by subject key (`sa:<ns>/<name>`, `group:<name>`, `user:<name>`). */
  bySubject: Map<string, BindingResource[]>;
  /** Roles by `ClusterRole/<name>` and `Role/<namespace>/<name>`. */
  roleByKey: Map<string, RoleResource>;
}

const RBAC_CACHE = new WeakMap<readonly Resource[], RbacIndex>();

function subjectKey(kind: string, name: string, namespace?: string): string {
  if (kind === 'ServiceAccount') return `sa:${namespace ?? ''}/${name}`;
  return `${kind === 'Group' ? 'group' : 'user'}:${name}`;
}

/**
 * Bindings and roles of the evaluated set, indexed once per resource set (cached on
 * the identity of the lists the index returns).
 */
function rbacIndex(ctx: EvaluationContext): RbacIndex {
  const bindings =
    ctx.resources.ofType<KubernetesRoleBindingAttributes>('k8s.rolebinding');
  const roles = ctx.resources.ofType<KubernetesRoleAttributes>('k8s.role');
  const cached = RBAC_CACHE.get(bindings);
  if (cached && cached.roles === roles) return cached;
  const bySubject = new Map<string, BindingResource[]>();
  for (const binding of bindings) {
    if (binding.attributes.builtIn) continue;
    for (const s of binding.attributes.subjects) {
      const key = subjectKey(s.kind, s.name, s.namespace);
      const list = bySubject.get(key);
      if (list) list.push(binding);
      else bySubject.set(key, [binding]);
    }
  }
  const roleByKey = new Map<string, RoleResource>();
  for (const role of roles) {
    const key = role.attributes.clusterScoped
      ? `ClusterRole/${role.name}`
      : `Role/${role.namespace ?? ''}/${role.name}`;
    roleByKey.set(key, role);
  }
  const index = { bindings, roles, bySubject, roleByKey };
  RBAC_CACHE.set(bindings, index);
  return index;
}

/** The role a binding refers to, when it is among the evaluated resources. */
export function resolveRole(
  binding: Resource<KubernetesRoleBindingAttributes>,
  ctx: EvaluationContext,
): RoleResource | undefined {
  const ref = binding.attributes.roleRef;
  const key =
    ref.kind === 'ClusterRole'
      ? `ClusterRole/${ref.name}`
      : `Role/${binding.namespace ?? ''}/${ref.name}`;
  return rbacIndex(ctx).roleByKey.get(key);
}

/** Non-built-in bindings whose subjects include the service account. */
export function bindingsOfServiceAccount(
  ctx: EvaluationContext,
  namespace: string | undefined,
  name: string,
): BindingResource[] | undefined {
  const { bySubject } = rbacIndex(ctx);
  if (bySubject.size === 0) return undefined;
  const ns = namespace ?? '';
  let found: BindingResource[] | undefined;
  for (const key of [
    `sa:${ns}/${name}`,
    `group:system:serviceaccounts`,
    `group:system:serviceaccounts:${ns}`,
    `user:system:serviceaccount:${ns}:${name}`,
  ]) {
    const list = bySubject.get(key);
    if (list) found = found ? found.concat(list) : list;
  }
  return found;
}

/** Why a binding is over-privileged: cluster-admin or a wildcard role. */
export function overprivilegedReason(
  binding: Resource<KubernetesRoleBindingAttributes>,
  ctx: EvaluationContext,
): string | undefined {
  const ref = binding.attributes.roleRef;
  if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
    return 'cluster-admin';
  }
  const role = resolveRole(binding, ctx);
  if (role && wildcardRuleIndex(role.attributes) >= 0) {
    return `${ref.kind} ${ref.name} with wildcard rules`;
  }
  return undefined;
}
