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
 * Whether a workload is managed by a controller that is among the scanned resources
 * (the Pods of a ReplicaSet, the ReplicaSets of a Deployment, the Jobs of a
 * CronJob). Workload checks skip those, so one misconfiguration is reported once,
 * on the object its owner edits.
 */
export function isControlled(
  a: { controller?: { resourceUid: string } },
  ctx: EvaluationContext,
): boolean {
  return (
    a.controller !== undefined &&
    ctx.resources.byUid(a.controller.resourceUid) !== undefined
  );
}

/**
 * Defines a check on `k8s.workload`. Each check has its own `evaluate` (no shared
 * wrapper), so the JIT sees one shape per call site; evaluations start with
 * `if (isControlled(a, ctx)) return SKIP_CONTROLLED;`.
 */
export function workloadCheck(
  definition: Omit<
    CheckDefinition<KubernetesWorkloadAttributes>,
    'appliesTo' | 'origin'
  >,
): CheckDefinition<KubernetesWorkloadAttributes> {
  return { ...definition, origin: 'builtin', appliesTo: ['k8s.workload'] };
}

/**
 * Evidence and container names of a failing check, created on the first failure
 * only, so passing evaluations allocate nothing. Evidence with the same path
 * (a pod-level setting several containers inherit) is listed once.
 */
export class Findings {
  readonly evidence: Evidence[] = [];
  readonly names: string[] = [];

  add(evidence: Evidence, name?: string): this {
    if (!this.evidence.some(e => e.path === evidence.path)) {
      this.evidence.push(evidence);
    }
    if (name !== undefined && !this.names.includes(name)) this.names.push(name);
    return this;
  }

  /** Adds evidence for a container, named in the message. */
  container(c: KubernetesContainerInfo, evidence: Evidence): this {
    return this.add(evidence, containerLabel(c));
  }

  fail(message: string): CheckOutcome {
    return { status: 'fail', message, evidence: this.evidence };
  }
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

/** What a service account is granted, as far as the evaluated bindings tell. */
export interface ServiceAccountGrants {
  /** Non-built-in bindings whose subjects include the service account. */
  bindings: BindingResource[];
  /** Those of them that grant cluster-admin or a wildcard role, with the reason. */
  overprivileged: Array<{ binding: BindingResource; reason: string }>;
}

interface RbacIndex {
  roles: readonly RoleResource[];
  /** Non-built-in bindings by subject key (`sa:<ns>/<name>`, `group:<name>`, `user:<name>`). */
  bySubject: Map<string, BindingResource[]>;
  /** The role each binding refers to, when it is among the evaluated resources. */
  roleOf: Map<BindingResource, RoleResource>;
  /** Over-privileged reason per binding. */
  reasonOf: Map<BindingResource, string>;
  /** Grants per service account: namespace → name → grants (computed on demand). */
  grants: Map<string, Map<string, ServiceAccountGrants | null>>;
}

const RBAC_CACHE = new WeakMap<readonly Resource[], RbacIndex>();

function subjectKey(kind: string, name: string, namespace?: string): string {
  if (kind === 'ServiceAccount') return `sa:${namespace ?? ''}/${name}`;
  return `${kind === 'Group' ? 'group' : 'user'}:${name}`;
}

/**
 * Bindings and roles of the evaluated set, indexed once per resource set (cached on
 * the identity of the lists the resource index returns), so checks on thousands of
 * workloads do a couple of map lookups each.
 */
function rbacIndex(ctx: EvaluationContext): RbacIndex {
  const bindings =
    ctx.resources.ofType<KubernetesRoleBindingAttributes>('k8s.rolebinding');
  const roles = ctx.resources.ofType<KubernetesRoleAttributes>('k8s.role');
  const cached = RBAC_CACHE.get(bindings);
  if (cached && cached.roles === roles) return cached;

  const roleByKey = new Map<string, RoleResource>();
  for (const role of roles) {
    const key = role.attributes.clusterScoped
      ? `ClusterRole/${role.name}`
      : `Role/${role.namespace ?? ''}/${role.name}`;
    roleByKey.set(key, role);
  }
  const bySubject = new Map<string, BindingResource[]>();
  const roleOf = new Map<BindingResource, RoleResource>();
  const reasonOf = new Map<BindingResource, string>();
  for (const binding of bindings) {
    const ref = binding.attributes.roleRef;
    const role = roleByKey.get(
      ref.kind === 'ClusterRole'
        ? `ClusterRole/${ref.name}`
        : `Role/${binding.namespace ?? ''}/${ref.name}`,
    );
    if (role) roleOf.set(binding, role);
    if (binding.attributes.builtIn) continue;
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
      reasonOf.set(binding, 'cluster-admin');
    } else if (role && wildcardRuleIndex(role.attributes) >= 0) {
      reasonOf.set(binding, `${ref.kind} ${ref.name} with wildcard rules`);
    }
    for (const s of binding.attributes.subjects) {
      const key = subjectKey(s.kind, s.name, s.namespace);
      const list = bySubject.get(key);
      if (list) list.push(binding);
      else bySubject.set(key, [binding]);
    }
  }
  const index: RbacIndex = {
    roles,
    bySubject,
    roleOf,
    reasonOf,
    grants: new Map(),
  };
  RBAC_CACHE.set(bindings, index);
  return index;
}

/** The role a binding refers to, when it is among the evaluated resources. */
export function resolveRole(
  binding: Resource<KubernetesRoleBindingAttributes>,
  ctx: EvaluationContext,
): RoleResource | undefined {
  return rbacIndex(ctx).roleOf.get(binding);
}

/**
 * What a service account is granted by the evaluated (non-built-in) bindings:
 * directly, as `system:serviceaccount:<ns>:<name>`, or through the
 * `system:serviceaccounts[:<ns>]` groups. Undefined when nothing binds it.
 */
export function serviceAccountGrants(
  ctx: EvaluationContext,
  namespace: string | undefined,
  name: string,
): ServiceAccountGrants | undefined {
  const index = rbacIndex(ctx);
  if (index.bySubject.size === 0) return undefined;
  const ns = namespace ?? '';
  let byName = index.grants.get(ns);
  if (!byName) index.grants.set(ns, (byName = new Map()));
  let grants = byName.get(name);
  if (grants === undefined) {
    let bindings: BindingResource[] = [];
    for (const key of [
      `sa:${ns}/${name}`,
      'group:system:serviceaccounts',
      `group:system:serviceaccounts:${ns}`,
      `user:system:serviceaccount:${ns}:${name}`,
    ]) {
      const list = index.bySubject.get(key);
      if (list) bindings = bindings.concat(list);
    }
    const overprivileged = [];
    for (const binding of bindings) {
      const reason = index.reasonOf.get(binding);
      if (reason) overprivileged.push({ binding, reason });
    }
    grants = bindings.length ? { bindings, overprivileged } : null;
    byName.set(name, grants);
  }
  return grants ?? undefined;
}
