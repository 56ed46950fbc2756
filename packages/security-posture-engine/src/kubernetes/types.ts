/**
 * Typed attributes of the Kubernetes canonical types, as produced by
 * `normalizeKubernetesObjects`. Every field is validated: a field that was absent or
 * of the wrong type in the source is `undefined` (or an empty list), never of another
 * type. Secret values never appear here: Secrets expose key names only, and
 * environment variables expose whether they have a plain value, not the value.
 *
 * Evidence paths are relative to the object root (`raw`), so the workload types carry
 * the path of their pod spec and of every container.
 */

/** `metadata.labels` and `metadata.annotations` of a pod template. */
export interface KubernetesPodMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** `seccompProfile` of a pod or container security context. */
export interface KubernetesSeccompProfile {
  /** `RuntimeDefault`, `Localhost`, `Unconfined`. */
  type?: string;
  localhostProfile?: string;
}

/** `appArmorProfile` of a pod or container security context. */
export interface KubernetesAppArmorProfile {
  type?: string;
  localhostProfile?: string;
}

/** `windowsOptions` of a pod or container security context. */
export interface KubernetesWindowsOptions {
  hostProcess?: boolean;
  runAsUserName?: string;
}

/** `securityContext` of a container. */
export interface KubernetesSecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  /** Capabilities as written (`SYS_ADMIN`, `CAP_NET_RAW`, `all`). */
  capabilities: { add: string[]; drop: string[] };
  seccompProfile?: KubernetesSeccompProfile;
  appArmorProfile?: KubernetesAppArmorProfile;
  seLinuxOptions?: Record<string, string>;
  windowsOptions?: KubernetesWindowsOptions;
  procMount?: string;
}

/** `securityContext` of a pod (defaults for its containers). */
export interface KubernetesPodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  supplementalGroups: number[];
  seccompProfile?: KubernetesSeccompProfile;
  appArmorProfile?: KubernetesAppArmorProfile;
  seLinuxOptions?: Record<string, string>;
  windowsOptions?: KubernetesWindowsOptions;
  sysctls: Array<{ name: string; value?: string }>;
}

/** Requests and limits; quantities as strings (`500m`, `256Mi`). */
export interface KubernetesResourceRequirements {
  limits: Record<string, string>;
  requests: Record<string, string>;
}

/** A container port. */
export interface KubernetesContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}

/**
 * An environment variable of a container. The value itself is never kept: only
 * whether there is one and how long it is.
 */
export interface KubernetesEnvVar {
  name: string;
  /** A plain `value` is set (even an empty one). */
  hasValue: boolean;
  /** Length of the plain value, 0 when there is none. */
  valueLength: number;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string };
    configMapKeyRef?: { name?: string; key?: string };
    fieldRef?: { fieldPath?: string };
    resourceFieldRef?: { resource?: string };
  };
}

/** An `envFrom` source. */
export interface KubernetesEnvFromSource {
  prefix?: string;
  secretRef?: { name?: string };
  configMapRef?: { name?: string };
}

/** A volume mount of a container. */
export interface KubernetesVolumeMount {
  name: string;
  mountPath?: string;
  readOnly?: boolean;
  subPath?: string;
}

/** A container of a pod spec (regular, init or ephemeral). */
export interface KubernetesContainer {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  securityContext: KubernetesSecurityContext;
  resources: KubernetesResourceRequirements;
  ports: KubernetesContainerPort[];
  env: KubernetesEnvVar[];
  envFrom: KubernetesEnvFromSource[];
  volumeMounts: KubernetesVolumeMount[];
  /** Init containers with `restartPolicy: Always` are sidecars. */
  restartPolicy?: string;
}

/** A volume of a pod spec. */
export interface KubernetesVolume {
  name: string;
  /** Volume source keys present besides `name` (`hostPath`, `secret`, `emptyDir` …). */
  sources: string[];
  hostPath?: { path?: string; type?: string };
  secret?: { secretName?: string };
  configMap?: { name?: string };
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
}

/** The validated pod spec of a workload. */
export interface KubernetesPodSpec {
  containers: KubernetesContainer[];
  initContainers: KubernetesContainer[];
  ephemeralContainers: KubernetesContainer[];
  volumes: KubernetesVolume[];
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostUsers?: boolean;
  shareProcessNamespace?: boolean;
  /** As written; `serviceAccount` (deprecated) is read when this is absent. */
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext: KubernetesPodSecurityContext;
  /** `spec.os.name`: `linux` or `windows`. */
  os?: string;
  nodeName?: string;
  priorityClassName?: string;
  runtimeClassName?: string;
  restartPolicy?: string;
  imagePullSecrets: string[];
}

/** Which list of the pod spec a container is in. */
export type KubernetesContainerGroup =
  | 'containers'
  | 'initContainers'
  | 'ephemeralContainers';

/**
 * An environment variable whose plain value looks like a credential. The value is
 * not kept; `path` points at it (`spec.template.spec.containers[0].env[2].value`).
 */
export interface KubernetesPlainSecretEnv {
  /** Index in the container's `env` list. */
  index: number;
  name: string;
  /** Why it looks like a credential (`name DB_PASSWORD suggests a credential`). */
  reason: string;
  path: string;
  /** Redaction marker standing for the value in evidence (`<redacted: 24 characters>`). */
  redacted: string;
}

/** A container with everything checks need precomputed. */
export interface KubernetesContainerInfo {
  group: KubernetesContainerGroup;
  index: number;
  /** Evidence path prefix, e.g. `spec.template.spec.initContainers[1]`. */
  path: string;
  name: string;
  /** Image reference as written, `''` when absent. */
  image: string;
  /** Tag of the image reference (`1.25.3` in `nginx:1.25.3`), when there is one. */
  imageTag?: string;
  /** Digest of the image reference (`sha256:…` after `@`), when there is one. */
  imageDigest?: string;
  container: KubernetesContainer;
  /** Environment variables with plain values that look like credentials. */
  plainSecretEnv: readonly KubernetesPlainSecretEnv[];
}

/** The controller that owns an object (`metadata.ownerReferences[controller=true]`). */
export interface KubernetesOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  /** Resource uid the owner would have in the same source. */
  resourceUid: string;
}

/**
 * `k8s.workload`: a Pod or a pod controller (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job, CronJob), exposing one pod spec.
 */
export interface KubernetesWorkloadAttributes {
  podSpec: KubernetesPodSpec;
  /** Path of the pod spec from the object root (also `origins.podSpec`). */
  podSpecPath: string;
  /** Labels and annotations of the pod (template). */
  podMetadata: KubernetesPodMetadata;
  /** Every container: regular, then init, then ephemeral. */
  containers: KubernetesContainerInfo[];
  /** Effective service account: `default` when none is named. */
  serviceAccountName: string;
  /** Set when the object is managed by a controller (a Pod of a ReplicaSet). */
  controller?: KubernetesOwnerReference;
  replicas?: number;
  /** CronJob schedule. */
  schedule?: string;
}

/** `k8s.namespace`. */
export interface KubernetesNamespaceAttributes {
  phase?: string;
}

/** A port of a Service. */
export interface KubernetesServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

/** `k8s.service`. */
export interface KubernetesServiceAttributes {
  /** `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`. */
  serviceType: string;
  ports: KubernetesServicePort[];
  selector?: Record<string, string>;
  /** Absent when not set; an empty list when set to `[]`. */
  loadBalancerSourceRanges?: string[];
  externalIPs: string[];
  externalName?: string;
  /** The load balancer is internal by a well-known cloud annotation. */
  internalLoadBalancer: boolean;
}

/** A `spec.tls` entry of an Ingress. */
export interface KubernetesIngressTls {
  hosts: string[];
  secretName?: string;
}

/** `k8s.ingress`. */
export interface KubernetesIngressAttributes {
  ingressClassName?: string;
  tls: KubernetesIngressTls[];
  /** `spec.rules[].host` in order; `undefined` for a rule without a host. */
  ruleHosts: Array<string | undefined>;
  hasDefaultBackend: boolean;
}

/** A label selector. */
export interface KubernetesLabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: Array<{
    key: string;
    operator: string;
    values: string[];
  }>;
}

/** A peer of a NetworkPolicy rule. */
export interface KubernetesNetworkPolicyPeer {
  podSelector?: KubernetesLabelSelector;
  namespaceSelector?: KubernetesLabelSelector;
  ipBlock?: { cidr: string; except: string[] };
}

/** An ingress or egress rule of a NetworkPolicy. */
export interface KubernetesNetworkPolicyRule {
  /** `from` (ingress) or `to` (egress); empty means every peer. */
  peers: KubernetesNetworkPolicyPeer[];
  /** Empty means every port. */
  ports: Array<{ protocol?: string; port?: number | string; endPort?: number }>;
  /** The rule admits any peer on any port (`- {}` or an internet-wide ipBlock without ports). */
  allowsAll: boolean;
}

/** `k8s.networkpolicy`. */
export interface KubernetesNetworkPolicyAttributes {
  podSelector: KubernetesLabelSelector;
  /** The empty selector `{}`: the policy applies to every pod of its namespace. */
  selectsAllPods: boolean;
  /**
   * Effective policy types: as written, or the API default when absent
   * (`Ingress`, plus `Egress` when egress rules are present).
   */
  policyTypes: string[];
  ingress: KubernetesNetworkPolicyRule[];
  egress: KubernetesNetworkPolicyRule[];
}

/** `k8s.serviceaccount`. */
export interface KubernetesServiceAccountAttributes {
  automountServiceAccountToken?: boolean;
  secrets: string[];
  imagePullSecrets: string[];
}

/** A rule of a Role or ClusterRole. */
export interface KubernetesPolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** `k8s.role`: a Role (namespaced) or a ClusterRole. */
export interface KubernetesRoleAttributes {
  clusterScoped: boolean;
  rules: KubernetesPolicyRule[];
  /** ClusterRoles whose rules are aggregated by the controller. */
  aggregated: boolean;
  /** Built in (`system:` names or `kubernetes.io/bootstrapping: rbac-defaults`). */
  builtIn: boolean;
}

/** A subject of a binding. */
export interface KubernetesSubject {
  /** `ServiceAccount`, `User`, `Group`. */
  kind: string;
  name: string;
  /** For service accounts: defaults to the RoleBinding's namespace. */
  namespace?: string;
}

/** `k8s.rolebinding`: a RoleBinding or a ClusterRoleBinding. */
export interface KubernetesRoleBindingAttributes {
  clusterScoped: boolean;
  roleRef: { kind: string; name: string; apiGroup?: string };
  subjects: KubernetesSubject[];
  /** Built in (`system:` names or `kubernetes.io/bootstrapping: rbac-defaults`). */
  builtIn: boolean;
}

/** `k8s.secret`: metadata and key names only, never values. */
export interface KubernetesSecretAttributes {
  /** `Opaque` when not set. */
  secretType: string;
  /** Keys of `data` and `stringData`, sorted, without duplicates. */
  keys: string[];
  immutable?: boolean;
}

/**
 * A ConfigMap entry whose value looks like a credential. The value is not kept;
 * `path` points at it (`data.DB_PASSWORD`).
 */
export interface KubernetesConfigMapSecretEntry {
  key: string;
  reason: string;
  path: string;
  redacted: string;
}

/** `k8s.configmap`. */
export interface KubernetesConfigMapAttributes {
  keys: string[];
  binaryKeys: string[];
  immutable?: boolean;
  /** Entries of `data` whose values look like credentials. */
  plainSecretEntries: KubernetesConfigMapSecretEntry[];
}

/** Attributes per Kubernetes canonical type. */
export interface KubernetesAttributesByType {
  'k8s.workload': KubernetesWorkloadAttributes;
  'k8s.namespace': KubernetesNamespaceAttributes;
  'k8s.service': KubernetesServiceAttributes;
  'k8s.ingress': KubernetesIngressAttributes;
  'k8s.networkpolicy': KubernetesNetworkPolicyAttributes;
  'k8s.serviceaccount': KubernetesServiceAccountAttributes;
  'k8s.role': KubernetesRoleAttributes;
  'k8s.rolebinding': KubernetesRoleBindingAttributes;
  'k8s.secret': KubernetesSecretAttributes;
  'k8s.configmap': KubernetesConfigMapAttributes;
}
