import type { CanonicalType } from '@internal/backstage-plugin-security-posture-node';

/**
 * A kind the provider lists: where the API server serves it and what it becomes.
 * @public
 */
export interface KubernetesKindSpec {
  kind: string;
  /** API group; `''` is the core group. */
  group: string;
  version: string;
  /** Resource name in URLs (`deployments`). */
  plural: string;
  namespaced: boolean;
  /** Canonical type of the normalised object; absent for kinds read as input only. */
  type?: CanonicalType;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(spec: KubernetesKindSpec): string {
  return spec.group ? `${spec.group}/${spec.version}` : spec.version;
}

/** `deployments.apps`, or `pods` for the core group (as RBAC rules name them). */
export function resourceNameOf(spec: KubernetesKindSpec): string {
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}

/** The cluster-wide list path: `/apis/apps/v1/deployments`, `/api/v1/pods`. */
export function listPathOf(spec: KubernetesKindSpec): string {
  const base = spec.group
    ? `/apis/${encodeURIComponent(spec.group)}/${encodeURIComponent(
        spec.version,
      )}`
    : `/api/${encodeURIComponent(spec.version)}`;
  return `${base}/${encodeURIComponent(spec.plural)}`;
}

const core = (
  kind: string,
  plural: string,
  type: CanonicalType,
  namespaced = true,
): KubernetesKindSpec => ({
  kind,
  group: '',
  version: 'v1',
  plural,
  namespaced,
  type,
});

const grouped = (
  group: string,
  kind: string,
  plural: string,
  type: CanonicalType,
  namespaced = true,
): KubernetesKindSpec => ({
  kind,
  group,
  version: 'v1',
  plural,
  namespaced,
  type,
});

const RBAC = 'rbac.authorization.k8s.io';

/**
 * Every kind the provider can list, in listing order: workloads first (their
 * labels and service accounts decide who owns the namespace-level objects).
 * @public
 */
export const KUBERNETES_KINDS: readonly KubernetesKindSpec[] = [
  grouped('apps', 'Deployment', 'deployments', 'k8s.workload'),
  grouped('apps', 'StatefulSet', 'statefulsets', 'k8s.workload'),
  grouped('apps', 'DaemonSet', 'daemonsets', 'k8s.workload'),
  grouped('apps', 'ReplicaSet', 'replicasets', 'k8s.workload'),
  core('ReplicationController', 'replicationcontrollers', 'k8s.workload'),
  grouped('batch', 'CronJob', 'cronjobs', 'k8s.workload'),
  grouped('batch', 'Job', 'jobs', 'k8s.workload'),
  core('Pod', 'pods', 'k8s.workload'),
  core('Service', 'services', 'k8s.service'),
  grouped('networking.k8s.io', 'Ingress', 'ingresses', 'k8s.ingress'),
  core('ConfigMap', 'configmaps', 'k8s.configmap'),
  core('Secret', 'secrets', 'k8s.secret'),
  core('Namespace', 'namespaces', 'k8s.namespace', false),
  grouped(
    'networking.k8s.io',
    'NetworkPolicy',
    'networkpolicies',
    'k8s.networkpolicy',
  ),
  core('ServiceAccount', 'serviceaccounts', 'k8s.serviceaccount'),
  grouped(RBAC, 'RoleBinding', 'rolebindings', 'k8s.rolebinding'),
  grouped(
    RBAC,
    'ClusterRoleBinding',
    'clusterrolebindings',
    'k8s.rolebinding',
    false,
  ),
  grouped(RBAC, 'Role', 'roles', 'k8s.role'),
  grouped(RBAC, 'ClusterRole', 'clusterroles', 'k8s.role', false),
];

/**
 * Kinds listed unless `securityPosture.providers.kubernetes.kinds` says otherwise:
 * every kind above except Secret (no built-in check reads Secrets, and listing
 * them needs the broadest RBAC grant there is).
 * @public
 */
export const DEFAULT_KUBERNETES_KINDS: readonly string[] = KUBERNETES_KINDS.map(
  k => k.kind,
).filter(k => k !== 'Secret');

/** Kinds whose objects are usually created by a controller listed alongside. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(
  KUBERNETES_KINDS.filter(k => k.type === 'k8s.workload').map(k => k.kind),
);
