import type {
  KubernetesResourceType,
  NormalizeError,
  NormalizeResult,
  Resource,
  ResourceSource,
} from '../model/resource';
import {
  arr,
  bool,
  EMPTY_ARRAY,
  EMPTY_OBJECT,
  int,
  intOrString,
  isObject,
  joinPath,
  JsonObject,
  obj,
  str,
  strArray,
  strMap,
} from './read';
import { redactionMarker, secretReason } from './secrets';
import type {
  KubernetesConfigMapAttributes,
  KubernetesConfigMapSecretEntry,
  KubernetesContainer,
  KubernetesContainerGroup,
  KubernetesContainerInfo,
  KubernetesEnvFromSource,
  KubernetesEnvVar,
  KubernetesIngressAttributes,
  KubernetesLabelSelector,
  KubernetesNamespaceAttributes,
  KubernetesNetworkPolicyAttributes,
  KubernetesNetworkPolicyPeer,
  KubernetesNetworkPolicyRule,
  KubernetesOwnerReference,
  KubernetesPlainSecretEnv,
  KubernetesPodSecurityContext,
  KubernetesPodSpec,
  KubernetesRoleAttributes,
  KubernetesRoleBindingAttributes,
  KubernetesSecretAttributes,
  KubernetesSecurityContext,
  KubernetesServiceAccountAttributes,
  KubernetesServiceAttributes,
  KubernetesVolume,
  KubernetesWorkloadAttributes,
} from './types';

/** The annotation `kubectl apply` writes; it holds the whole object, Secret values included. */
export const LAST_APPLIED_ANNOTATION =
  'kubectl.kubernetes.io/last-applied-configuration';

/** Kubernetes names are at most 253 characters; longer ones are rejected. */
const MAX_NAME_LENGTH = 253;
/** `kind: List` inside `kind: List` is accepted this deep. */
const MAX_LIST_DEPTH = 3;

interface KindInfo {
  type: KubernetesResourceType;
  /** API groups the kind is served from (`''` is the core group). */
  groups: readonly string[];
  clusterScoped?: boolean;
  /** Path of the pod spec, for workloads. */
  podSpec?: readonly string[];
}

const CORE = [''];
const RBAC = ['rbac.authorization.k8s.io'];
const TEMPLATE = ['spec', 'template', 'spec'];

const KINDS: ReadonlyMap<string, KindInfo> = new Map<string, KindInfo>([
  ['Pod', { type: 'k8s.workload', groups: CORE, podSpec: ['spec'] }],
  [
    'Deployment',
    { type: 'k8s.workload', groups: ['apps', 'extensions'], podSpec: TEMPLATE },
  ],
  [
    'StatefulSet',
    { type: 'k8s.workload', groups: ['apps'], podSpec: TEMPLATE },
  ],
  [
    'DaemonSet',
    { type: 'k8s.workload', groups: ['apps', 'extensions'], podSpec: TEMPLATE },
  ],
  [
    'ReplicaSet',
    { type: 'k8s.workload', groups: ['apps', 'extensions'], podSpec: TEMPLATE },
  ],
  [
    'ReplicationController',
    { type: 'k8s.workload', groups: CORE, podSpec: TEMPLATE },
  ],
  ['Job', { type: 'k8s.workload', groups: ['batch'], podSpec: TEMPLATE }],
  [
    'CronJob',
    {
      type: 'k8s.workload',
      groups: ['batch'],
      podSpec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    },
  ],
  ['Namespace', { type: 'k8s.namespace', groups: CORE, clusterScoped: true }],
  ['Service', { type: 'k8s.service', groups: CORE }],
  [
    'Ingress',
    { type: 'k8s.ingress', groups: ['networking.k8s.io', 'extensions'] },
  ],
  [
    'NetworkPolicy',
    { type: 'k8s.networkpolicy', groups: ['networking.k8s.io', 'extensions'] },
  ],
  ['ServiceAccount', { type: 'k8s.serviceaccount', groups: CORE }],
  ['Role', { type: 'k8s.role', groups: RBAC }],
  ['ClusterRole', { type: 'k8s.role', groups: RBAC, clusterScoped: true }],
  ['RoleBinding', { type: 'k8s.rolebinding', groups: RBAC }],
  [
    'ClusterRoleBinding',
    { type: 'k8s.rolebinding', groups: RBAC, clusterScoped: true },
  ],
  ['Secret', { type: 'k8s.secret', groups: CORE }],
  ['ConfigMap', { type: 'k8s.configmap', groups: CORE }],
]);

/** The kinds `normalizeKubernetesObjects` understands, with their canonical type. */
export const SUPPORTED_KUBERNETES_KINDS: ReadonlyArray<{
  kind: string;
  type: KubernetesResourceType;
}> = [...KINDS].map(([kind, info]) => ({ kind, type: info.type }));

/** The uid of a Kubernetes object read from a source location. */
export function kubernetesUid(
  location: string | undefined,
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return `k8s:${location ?? ''}/${apiVersion}/${kind}/${
    namespace ?? ''
  }/${name}`;
}

/** A value in `raw` to replace, by path segments from the object root. */
type Redaction = [segments: Array<string | number>, marker: string];

/** State for one top-level document. */
interface Run {
  source: ResourceSource;
  document: number;
  resources: Resource[];
  errors: NormalizeError[];
}

/** What an attribute builder returns. */
interface Built<A> {
  attributes: A;
  origins?: Record<string, string>;
  redactions?: Redaction[];
}

/** The parts of an object every builder needs. */
interface Header {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  labels: Record<string, string> | undefined;
  annotations: Record<string, string> | undefined;
  /** Path of the object inside the document (`items[3].`), for errors. */
  at: string;
  location: string | undefined;
}

/** A builder may report problems and return undefined to skip the object. */
type Builder<A> = (
  o: JsonObject,
  h: Header,
  info: KindInfo,
  report: (message: string, path?: string) => void,
) => Built<A> | undefined;

/**
 * Normalises parsed Kubernetes objects (YAML documents or `kubectl get -o json`
 * output, `List` kinds expanded) onto the canonical Kubernetes types.
 *
 * Never throws: objects without apiVersion/kind, of unknown kinds (CRDs) or too
 * malformed to read become entries in `errors`; values of the wrong type are
 * normalised or dropped. Secret values never reach the result: Secrets keep key
 * names only, and plain-text credentials in environment variables and ConfigMaps
 * are replaced by a redaction marker in `raw` (the check sees them through the
 * precomputed `plainSecretEnv` / `plainSecretEntries`).
 *
 * `objects[i]` is document `i` of the source unless `source.document` is set.
 */
export function normalizeKubernetesObjects(
  objects: unknown[],
  source: ResourceSource,
): NormalizeResult {
  const resources: Resource[] = [];
  const errors: NormalizeError[] = [];
  if (!Array.isArray(objects)) {
    errors.push({ message: 'expected a list of parsed documents' });
    return { resources, errors };
  }
  for (let i = 0; i < objects.length; i++) {
    const document = source.document ?? i;
    const run: Run = {
      source: source.document === document ? source : { ...source, document },
      document,
      resources,
      errors,
    };
    try {
      normalizeObject(objects[i], run, '', 0, undefined);
    } catch (e) {
      // Defensive: no input should get here, but one bad document must not stop the rest.
      errors.push({
        message: `could not read document: ${
          e instanceof Error ? e.message : String(e)
        }`,
        document,
      });
    }
  }
  return { resources, errors };
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'list' : typeof value;
}

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function normalizeObject(
  value: unknown,
  run: Run,
  at: string,
  depth: number,
  inferred: { apiVersion: string; kind: string } | undefined,
): void {
  const error = (message: string, path?: string) => {
    const full = `${at}${path ?? ''}`.replace(/\.$/, '');
    run.errors.push(
      full
        ? { message, document: run.document, path: full }
        : { message, document: run.document },
    );
  };
  if (value === null || value === undefined) {
    // An empty YAML document (`---` at the end of a file); a null List item is an error.
    if (at) error('list item is empty, skipped');
    return;
  }
  if (!isObject(value)) {
    error(`expected an object, got ${typeOfValue(value)}, skipped`);
    return;
  }
  const apiVersion = str(value.apiVersion) ?? inferred?.apiVersion;
  const kind = str(value.kind) ?? inferred?.kind;
  if (!apiVersion || !kind) {
    const missing = [!apiVersion && 'apiVersion', !kind && 'kind']
      .filter(Boolean)
      .join(' and ');
    error(`object has no ${missing}, skipped`);
    return;
  }

  const items = value.items;
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(items))) {
    if (!Array.isArray(items)) {
      error(`${kind} has no items list, skipped`);
      return;
    }
    if (depth >= MAX_LIST_DEPTH) {
      error(`${kind} nested more than ${MAX_LIST_DEPTH} deep, skipped`);
      return;
    }
    // `DeploymentList` items (from the API) carry no apiVersion/kind of their own.
    const itemKind =
      kind === 'List' ? undefined : { apiVersion, kind: kind.slice(0, -4) };
    for (let j = 0; j < items.length; j++) {
      normalizeObject(items[j], run, `${at}items[${j}].`, depth + 1, itemKind);
    }
    return;
  }

  const info = KINDS.get(kind);
  if (!info || !info.groups.includes(apiGroup(apiVersion))) {
    error(`unsupported kind ${apiVersion}/${kind}, skipped`);
    return;
  }

  const metadata = obj(value.metadata);
  const name = str(metadata?.name) ?? str(metadata?.generateName);
  if (!name) {
    error(`${kind} has no metadata.name, skipped`);
    return;
  }
  if (name.length > MAX_NAME_LENGTH) {
    error(
      `${kind} name is ${name.length} characters long (at most ${MAX_NAME_LENGTH}), skipped`,
      'metadata.name',
    );
    return;
  }
  const namespace = info.clusterScoped
    ? undefined
    : str(metadata?.namespace) || undefined;
  const annotations = strMap(metadata?.annotations);
  if (annotations) delete annotations[LAST_APPLIED_ANNOTATION];
  const header: Header = {
    apiVersion,
    kind,
    name,
    namespace,
    labels: strMap(metadata?.labels),
    annotations,
    at,
    location: run.source.location,
  };
  const label = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  const report = (message: string, path?: string) =>
    error(`${label}: ${message}`, path);

  const built = builderFor(info.type)(value, header, info, report);
  if (!built) return;

  // Optional fields are always present (undefined when absent), so every resource
  // has the same object shape and checks stay monomorphic.
  run.resources.push({
    uid: kubernetesUid(run.source.location, apiVersion, kind, namespace, name),
    type: info.type,
    kind,
    name,
    namespace,
    source: run.source,
    labels: header.labels,
    annotations,
    attributes: built.attributes,
    origins: built.origins,
    raw: sanitize(value, metadata, info, built.redactions, apiVersion, kind),
  });
}

/**
 * The object as read, minus what must never be kept: `metadata.managedFields`, the
 * last-applied-configuration annotation, Secret values and plain-text credentials.
 * Only the parts on the way to a change are copied; the rest is shared.
 */
function sanitize(
  o: JsonObject,
  metadata: JsonObject | undefined,
  info: KindInfo,
  redactions: Redaction[] | undefined,
  apiVersion: string,
  kind: string,
): JsonObject {
  let raw = o;
  if (metadata) {
    const annotations = obj(metadata.annotations);
    const dropAnnotation =
      annotations !== undefined && LAST_APPLIED_ANNOTATION in annotations;
    if ('managedFields' in metadata || dropAnnotation) {
      const cleaned: JsonObject = { ...metadata };
      delete cleaned.managedFields;
      if (dropAnnotation) {
        const kept: JsonObject = { ...annotations };
        delete kept[LAST_APPLIED_ANNOTATION];
        cleaned.annotations = kept;
      }
      raw = { ...raw, metadata: cleaned };
    }
  }
  if (info.type === 'k8s.secret') {
    // Keep only the fields a Secret has, with every value replaced.
    const secret: JsonObject = { apiVersion, kind };
    if (raw.metadata !== undefined) secret.metadata = raw.metadata;
    if (raw.type !== undefined) secret.type = raw.type;
    if (raw.immutable !== undefined) secret.immutable = raw.immutable;
    if (raw.data !== undefined) secret.data = redactAll(raw.data);
    if (raw.stringData !== undefined) {
      secret.stringData = redactAll(raw.stringData);
    }
    return secret;
  }
  if (redactions) {
    for (const [segments, marker] of redactions) {
      raw = setIn(raw, segments, 0, marker) as JsonObject;
    }
  }
  return raw;
}

/** Every value of a Secret's `data`/`stringData` replaced by a marker. */
function redactAll(values: unknown): unknown {
  if (!isObject(values)) return '<redacted>';
  const out: JsonObject = {};
  for (const key of Object.keys(values)) {
    if (key === '__proto__') continue;
    const v = values[key];
    out[key] = typeof v === 'string' ? redactionMarker(v) : '<redacted>';
  }
  return out;
}

/** Copy-on-write set of a nested value; the path always exists (it was just read). */
function setIn(
  node: unknown,
  segments: Array<string | number>,
  i: number,
  value: unknown,
): unknown {
  if (i === segments.length) return value;
  const key = segments[i];
  if (Array.isArray(node) && typeof key === 'number') {
    const copy = node.slice();
    copy[key] = setIn(node[key], segments, i + 1, value);
    return copy;
  }
  if (isObject(node)) {
    const copy: JsonObject = { ...node };
    copy[key] = setIn(node[key], segments, i + 1, value);
    return copy;
  }
  return node;
}

// ---------------------------------------------------------------------------
// Workloads

function readSeccomp(value: unknown) {
  const o = obj(value);
  if (!o) return undefined;
  return { type: str(o.type), localhostProfile: str(o.localhostProfile) };
}

function readWindowsOptions(value: unknown) {
  const o = obj(value);
  if (!o) return undefined;
  return {
    hostProcess: bool(o.hostProcess),
    runAsUserName: str(o.runAsUserName),
  };
}

function readSecurityContext(value: unknown): KubernetesSecurityContext {
  const sc = obj(value) ?? EMPTY_OBJECT;
  const caps = obj(sc.capabilities);
  return {
    privileged: bool(sc.privileged),
    allowPrivilegeEscalation: bool(sc.allowPrivilegeEscalation),
    runAsNonRoot: bool(sc.runAsNonRoot),
    runAsUser: int(sc.runAsUser),
    runAsGroup: int(sc.runAsGroup),
    readOnlyRootFilesystem: bool(sc.readOnlyRootFilesystem),
    capabilities: { add: strArray(caps?.add), drop: strArray(caps?.drop) },
    seccompProfile: readSeccomp(sc.seccompProfile),
    appArmorProfile: readSeccomp(sc.appArmorProfile),
    seLinuxOptions: strMap(sc.seLinuxOptions),
    windowsOptions: readWindowsOptions(sc.windowsOptions),
    procMount: str(sc.procMount),
  };
}

function readPodSecurityContext(value: unknown): KubernetesPodSecurityContext {
  const sc = obj(value) ?? EMPTY_OBJECT;
  const groups: number[] = [];
  for (const g of arr(sc.supplementalGroups) ?? EMPTY_ARRAY) {
    const n = int(g);
    if (n !== undefined) groups.push(n);
  }
  const sysctls: Array<{ name: string; value?: string }> = [];
  for (const s of arr(sc.sysctls) ?? EMPTY_ARRAY) {
    const o = obj(s);
    const name = str(o?.name);
    if (name !== undefined) sysctls.push({ name, value: str(o?.value) });
  }
  return {
    runAsNonRoot: bool(sc.runAsNonRoot),
    runAsUser: int(sc.runAsUser),
    runAsGroup: int(sc.runAsGroup),
    fsGroup: int(sc.fsGroup),
    supplementalGroups: groups,
    seccompProfile: readSeccomp(sc.seccompProfile),
    appArmorProfile: readSeccomp(sc.appArmorProfile),
    seLinuxOptions: strMap(sc.seLinuxOptions),
    windowsOptions: readWindowsOptions(sc.windowsOptions),
    sysctls,
  };
}

function readRef(value: unknown): { name?: string; key?: string } | undefined {
  const o = obj(value);
  return o ? { name: str(o.name), key: str(o.key) } : undefined;
}

/** Reads one container; plain-text credentials go to `secrets` and `redactions`. */
function readContainer(
  c: JsonObject,
  path: string,
  segments: Array<string | number>,
  secrets: KubernetesPlainSecretEnv[],
  redactions: Redaction[],
): KubernetesContainer {
  const env: KubernetesEnvVar[] = [];
  const envList = arr(c.env) ?? EMPTY_ARRAY;
  for (let j = 0; j < envList.length; j++) {
    // Items are kept in place (empty when malformed) so indexes match the source.
    const e = obj(envList[j]) ?? EMPTY_OBJECT;
    const name = str(e.name) ?? '';
    const value = str(e.value);
    const item: KubernetesEnvVar = {
      name,
      hasValue: value !== undefined,
      valueLength: value?.length ?? 0,
    };
    const from = obj(e.valueFrom);
    if (from) {
      const fieldRef = obj(from.fieldRef);
      const resourceFieldRef = obj(from.resourceFieldRef);
      item.valueFrom = {
        secretKeyRef: readRef(from.secretKeyRef),
        configMapKeyRef: readRef(from.configMapKeyRef),
        fieldRef: fieldRef && { fieldPath: str(fieldRef.fieldPath) },
        resourceFieldRef: resourceFieldRef && {
          resource: str(resourceFieldRef.resource),
        },
      };
    }
    env.push(item);
    if (value !== undefined) {
      const reason = secretReason(name, value);
      if (reason) {
        const marker = redactionMarker(value);
        secrets.push({
          index: j,
          name,
          reason,
          path: `${path}.env[${j}].value`,
          redacted: marker,
        });
        redactions.push([[...segments, 'env', j, 'value'], marker]);
      }
    }
  }
  const envFrom: KubernetesEnvFromSource[] = [];
  for (const ef of arr(c.envFrom) ?? EMPTY_ARRAY) {
    const o = obj(ef);
    if (!o) continue;
    envFrom.push({
      prefix: str(o.prefix),
      secretRef: readRef(o.secretRef),
      configMapRef: readRef(o.configMapRef),
    });
  }
  const ports = [];
  for (const p of arr(c.ports) ?? EMPTY_ARRAY) {
    const o = obj(p) ?? EMPTY_OBJECT;
    ports.push({
      name: str(o.name),
      containerPort: int(o.containerPort),
      hostPort: int(o.hostPort),
      hostIP: str(o.hostIP),
      protocol: str(o.protocol),
    });
  }
  const volumeMounts = [];
  for (const m of arr(c.volumeMounts) ?? EMPTY_ARRAY) {
    const o = obj(m);
    if (!o) continue;
    volumeMounts.push({
      name: str(o.name) ?? '',
      mountPath: str(o.mountPath),
      readOnly: bool(o.readOnly),
      subPath: str(o.subPath),
    });
  }
  const resources = obj(c.resources);
  return {
    name: str(c.name) ?? '',
    image: str(c.image),
    imagePullPolicy: str(c.imagePullPolicy),
    securityContext: readSecurityContext(c.securityContext),
    resources: {
      limits: strMap(resources?.limits) ?? {},
      requests: strMap(resources?.requests) ?? {},
    },
    ports,
    env,
    envFrom,
    volumeMounts,
    restartPolicy: str(c.restartPolicy),
  };
}

function readVolume(value: JsonObject): KubernetesVolume {
  const sources = Object.keys(value).filter(k => k !== 'name');
  const volume: KubernetesVolume = { name: str(value.name) ?? '', sources };
  const hostPath = obj(value.hostPath);
  if (hostPath) {
    volume.hostPath = { path: str(hostPath.path), type: str(hostPath.type) };
  }
  const secret = obj(value.secret);
  if (secret) volume.secret = { secretName: str(secret.secretName) };
  const configMap = obj(value.configMap);
  if (configMap) volume.configMap = { name: str(configMap.name) };
  const pvc = obj(value.persistentVolumeClaim);
  if (pvc) {
    volume.persistentVolumeClaim = {
      claimName: str(pvc.claimName),
      readOnly: bool(pvc.readOnly),
    };
  }
  return volume;
}

/** Splits `registry:5000/repo/name:tag@sha256:…` into its tag and digest. */
function readImageReference(
  image: string,
): [string | undefined, string | undefined] {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return [tag, digest];
}

const CONTAINER_GROUPS: readonly KubernetesContainerGroup[] = [
  'containers',
  'initContainers',
  'ephemeralContainers',
];

const buildWorkload: Builder<KubernetesWorkloadAttributes> = (
  o,
  h,
  info,
  report,
) => {
  const segments = info.podSpec!;
  const podSpecPath = segments.join('.');
  let node: unknown = o;
  for (const segment of segments) node = obj(node)?.[segment];
  const ps = obj(node);
  if (!ps) {
    report(
      `no pod spec at ${podSpecPath} (a patch or an incomplete object?), skipped`,
    );
    return undefined;
  }
  if (!Array.isArray(ps.containers)) {
    report(
      ps.containers === undefined
        ? `${podSpecPath}.containers is missing, skipped`
        : `${podSpecPath}.containers is not a list (got ${typeOfValue(
            ps.containers,
          )}), skipped`,
      `${podSpecPath}.containers`,
    );
    return undefined;
  }

  const redactions: Redaction[] = [];
  const infos: KubernetesContainerInfo[] = [];
  const groups: Record<KubernetesContainerGroup, KubernetesContainer[]> = {
    containers: [],
    initContainers: [],
    ephemeralContainers: [],
  };
  for (const group of CONTAINER_GROUPS) {
    const list = ps[group];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      report(
        `${podSpecPath}.${group} is not a list (got ${typeOfValue(
          list,
        )}), ignored`,
        `${podSpecPath}.${group}`,
      );
      continue;
    }
    for (let i = 0; i < list.length; i++) {
      const path = `${podSpecPath}.${group}[${i}]`;
      const c = obj(list[i]);
      if (!c) {
        report(
          `${path} is not an object (got ${typeOfValue(list[i])}), ignored`,
          path,
        );
        continue;
      }
      const secrets: KubernetesPlainSecretEnv[] = [];
      const container = readContainer(
        c,
        path,
        [...segments, group, i],
        secrets,
        redactions,
      );
      groups[group].push(container);
      const image = container.image ?? '';
      const [imageTag, imageDigest] = readImageReference(image);
      // Every field always present: one object shape for the checks' hot loops.
      infos.push({
        group,
        index: i,
        path,
        name: container.name,
        image,
        imageTag,
        imageDigest,
        container,
        plainSecretEnv: secrets.length ? secrets : EMPTY_ARRAY,
      });
    }
  }

  const volumes: KubernetesVolume[] = [];
  for (const v of arr(ps.volumes) ?? EMPTY_ARRAY) {
    volumes.push(readVolume(obj(v) ?? EMPTY_OBJECT));
  }
  const imagePullSecrets: string[] = [];
  for (const s of arr(ps.imagePullSecrets) ?? EMPTY_ARRAY) {
    const n = str(obj(s)?.name);
    if (n !== undefined) imagePullSecrets.push(n);
  }
  const serviceAccountName =
    str(ps.serviceAccountName) || str(ps.serviceAccount) || undefined;
  const podSpec: KubernetesPodSpec = {
    containers: groups.containers,
    initContainers: groups.initContainers,
    ephemeralContainers: groups.ephemeralContainers,
    volumes,
    hostNetwork: bool(ps.hostNetwork) ?? false,
    hostPID: bool(ps.hostPID) ?? false,
    hostIPC: bool(ps.hostIPC) ?? false,
    hostUsers: bool(ps.hostUsers),
    shareProcessNamespace: bool(ps.shareProcessNamespace),
    serviceAccountName,
    automountServiceAccountToken: bool(ps.automountServiceAccountToken),
    securityContext: readPodSecurityContext(ps.securityContext),
    os: str(obj(ps.os)?.name),
    nodeName: str(ps.nodeName),
    priorityClassName: str(ps.priorityClassName),
    runtimeClassName: str(ps.runtimeClassName),
    restartPolicy: str(ps.restartPolicy),
    imagePullSecrets,
  };

  // The pod's own metadata: the template's, or the object's for a Pod.
  let podLabels = h.labels;
  let podAnnotations = h.annotations;
  if (segments.length > 1) {
    let template: unknown = o;
    for (const segment of segments.slice(0, -1)) {
      template = obj(template)?.[segment];
    }
    const tm = obj(obj(template)?.metadata);
    podLabels = strMap(tm?.labels);
    podAnnotations = strMap(tm?.annotations);
  }

  const spec = obj(o.spec);
  const attributes: KubernetesWorkloadAttributes = {
    podSpec,
    podSpecPath,
    podMetadata: { labels: podLabels ?? {}, annotations: podAnnotations ?? {} },
    containers: infos,
    serviceAccountName: serviceAccountName ?? 'default',
    controller: readController(o, h),
    replicas: int(spec?.replicas),
    schedule: h.kind === 'CronJob' ? str(spec?.schedule) : undefined,
  };

  return {
    attributes,
    origins: { podSpec: podSpecPath },
    redactions: redactions.length ? redactions : undefined,
  };
};

function readController(
  o: JsonObject,
  h: Header,
): KubernetesOwnerReference | undefined {
  const refs = arr(obj(o.metadata)?.ownerReferences);
  if (!refs) return undefined;
  for (const ref of refs) {
    const r = obj(ref);
    if (!r || bool(r.controller) !== true) continue;
    const apiVersion = str(r.apiVersion);
    const kind = str(r.kind);
    const name = str(r.name);
    if (!apiVersion || !kind || !name) continue;
    return {
      apiVersion,
      kind,
      name,
      resourceUid: kubernetesUid(
        h.location,
        apiVersion,
        kind,
        h.namespace,
        name,
      ),
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Other kinds

const buildNamespace: Builder<KubernetesNamespaceAttributes> = o => ({
  attributes: { phase: str(obj(o.status)?.phase) },
});

/** Annotations that make a cloud load balancer internal (not internet-facing). */
const INTERNAL_LB_ANNOTATIONS: ReadonlyArray<[string, RegExp]> = [
  [
    'service.beta.kubernetes.io/aws-load-balancer-internal',
    /^(true|0\.0\.0\.0\/0)$/i,
  ],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', /^true$/i],
  [
    'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type',
    /^private$/i,
  ],
  [
    'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type',
    /^intranet$/i,
  ],
];

const buildService: Builder<KubernetesServiceAttributes> = (o, h) => {
  const spec = obj(o.spec) ?? {};
  const ports = [];
  for (const p of arr(spec.ports) ?? EMPTY_ARRAY) {
    const po = obj(p) ?? EMPTY_OBJECT;
    ports.push({
      name: str(po.name),
      port: int(po.port),
      targetPort: intOrString(po.targetPort),
      nodePort: int(po.nodePort),
      protocol: str(po.protocol),
    });
  }
  const annotations = h.annotations ?? {};
  const internalLoadBalancer = INTERNAL_LB_ANNOTATIONS.some(
    ([key, value]) =>
      annotations[key] !== undefined && value.test(annotations[key]),
  );
  return {
    attributes: {
      serviceType: str(spec.type) || 'ClusterIP',
      ports,
      selector: strMap(spec.selector),
      loadBalancerSourceRanges:
        spec.loadBalancerSourceRanges === undefined ||
        spec.loadBalancerSourceRanges === null
          ? undefined
          : strArray(spec.loadBalancerSourceRanges),
      externalIPs: strArray(spec.externalIPs),
      externalName: str(spec.externalName),
      internalLoadBalancer,
    },
  };
};

const buildIngress: Builder<KubernetesIngressAttributes> = (o, h) => {
  const spec = obj(o.spec) ?? {};
  const tls = [];
  for (const t of arr(spec.tls) ?? EMPTY_ARRAY) {
    const to = obj(t) ?? EMPTY_OBJECT;
    tls.push({ hosts: strArray(to.hosts), secretName: str(to.secretName) });
  }
  const ruleHosts = [];
  for (const r of arr(spec.rules) ?? EMPTY_ARRAY) {
    ruleHosts.push(str(obj(r)?.host) || undefined);
  }
  return {
    attributes: {
      ingressClassName:
        str(spec.ingressClassName) ??
        h.annotations?.['kubernetes.io/ingress.class'],
      tls,
      ruleHosts,
      hasDefaultBackend:
        isObject(spec.defaultBackend) || isObject(spec.backend),
    },
  };
};

function readSelector(value: unknown): KubernetesLabelSelector {
  const o = obj(value);
  const matchExpressions = [];
  for (const e of arr(o?.matchExpressions) ?? EMPTY_ARRAY) {
    const eo = obj(e);
    if (!eo) continue;
    matchExpressions.push({
      key: str(eo.key) ?? '',
      operator: str(eo.operator) ?? '',
      values: strArray(eo.values),
    });
  }
  return { matchLabels: strMap(o?.matchLabels) ?? {}, matchExpressions };
}

const INTERNET = new Set(['0.0.0.0/0', '::/0']);

function readRules(
  value: unknown,
  peersKey: 'from' | 'to',
): KubernetesNetworkPolicyRule[] {
  const rules: KubernetesNetworkPolicyRule[] = [];
  for (const r of arr(value) ?? EMPTY_ARRAY) {
    const ro = obj(r) ?? {};
    const peers: KubernetesNetworkPolicyPeer[] = [];
    for (const p of arr(ro[peersKey]) ?? EMPTY_ARRAY) {
      const po = obj(p);
      if (!po) continue;
      const peer: KubernetesNetworkPolicyPeer = {};
      if (isObject(po.podSelector))
        peer.podSelector = readSelector(po.podSelector);
      if (isObject(po.namespaceSelector)) {
        peer.namespaceSelector = readSelector(po.namespaceSelector);
      }
      const ip = obj(po.ipBlock);
      if (ip)
        peer.ipBlock = {
          cidr: str(ip.cidr) ?? '',
          except: strArray(ip.except),
        };
      peers.push(peer);
    }
    const ports = [];
    for (const p of arr(ro.ports) ?? EMPTY_ARRAY) {
      const po = obj(p);
      if (!po) continue;
      ports.push({
        protocol: str(po.protocol),
        port: intOrString(po.port),
        endPort: int(po.endPort),
      });
    }
    const allowsAll =
      ports.length === 0 &&
      (peers.length === 0 ||
        peers.some(
          p =>
            p.ipBlock &&
            INTERNET.has(p.ipBlock.cidr) &&
            p.ipBlock.except.length === 0,
        ));
    rules.push({ peers, ports, allowsAll });
  }
  return rules;
}

const buildNetworkPolicy: Builder<KubernetesNetworkPolicyAttributes> = o => {
  const spec = obj(o.spec) ?? {};
  const podSelector = readSelector(spec.podSelector);
  const ingress = readRules(spec.ingress, 'from');
  const egress = readRules(spec.egress, 'to');
  let policyTypes = strArray(spec.policyTypes);
  if (policyTypes.length === 0) {
    // API default: every policy affects ingress; egress when it has egress rules.
    policyTypes = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  return {
    attributes: {
      podSelector,
      selectsAllPods:
        Object.keys(podSelector.matchLabels).length === 0 &&
        podSelector.matchExpressions.length === 0,
      policyTypes,
      ingress,
      egress,
    },
  };
};

function names(value: unknown): string[] {
  const out: string[] = [];
  for (const s of arr(value) ?? EMPTY_ARRAY) {
    const n = str(obj(s)?.name);
    if (n !== undefined) out.push(n);
  }
  return out;
}

const buildServiceAccount: Builder<KubernetesServiceAccountAttributes> = o => ({
  attributes: {
    automountServiceAccountToken: bool(o.automountServiceAccountToken),
    secrets: names(o.secrets),
    imagePullSecrets: names(o.imagePullSecrets),
  },
});

function isBuiltIn(h: Header): boolean {
  return (
    h.name.startsWith('system:') ||
    h.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults'
  );
}

const buildRole: Builder<KubernetesRoleAttributes> = (o, h, info) => {
  const rules = [];
  for (const r of arr(o.rules) ?? EMPTY_ARRAY) {
    const ro = obj(r) ?? EMPTY_OBJECT;
    rules.push({
      apiGroups: strArray(ro.apiGroups),
      resources: strArray(ro.resources),
      verbs: strArray(ro.verbs),
      resourceNames: strArray(ro.resourceNames),
      nonResourceURLs: strArray(ro.nonResourceURLs),
    });
  }
  return {
    attributes: {
      clusterScoped: info.clusterScoped === true,
      rules,
      aggregated: isObject(o.aggregationRule),
      builtIn: isBuiltIn(h),
    },
  };
};

const buildRoleBinding: Builder<KubernetesRoleBindingAttributes> = (
  o,
  h,
  info,
  report,
) => {
  const ref = obj(o.roleRef);
  const roleName = str(ref?.name);
  if (!ref || !roleName) {
    report('roleRef.name is missing, skipped', 'roleRef');
    return undefined;
  }
  const subjects = [];
  for (const s of arr(o.subjects) ?? EMPTY_ARRAY) {
    const so = obj(s) ?? EMPTY_OBJECT;
    const kind = str(so.kind) ?? '';
    const subject: { kind: string; name: string; namespace?: string } = {
      kind,
      name: str(so.name) ?? '',
    };
    const namespace =
      str(so.namespace) ||
      (kind === 'ServiceAccount' && !info.clusterScoped
        ? h.namespace
        : undefined);
    if (namespace) subject.namespace = namespace;
    subjects.push(subject);
  }
  return {
    attributes: {
      clusterScoped: info.clusterScoped === true,
      roleRef: {
        kind: str(ref.kind) ?? 'ClusterRole',
        name: roleName,
        apiGroup: str(ref.apiGroup),
      },
      subjects,
      builtIn: isBuiltIn(h),
    },
  };
};

function keysOf(value: unknown): string[] {
  return isObject(value) ? Object.keys(value) : [];
}

const buildSecret: Builder<KubernetesSecretAttributes> = o => {
  const keys = [
    ...new Set([...keysOf(o.data), ...keysOf(o.stringData)]),
  ].sort();
  return {
    attributes: {
      secretType: str(o.type) || 'Opaque',
      keys,
      immutable: bool(o.immutable),
    },
  };
};

const buildConfigMap: Builder<KubernetesConfigMapAttributes> = o => {
  const data = obj(o.data);
  const plainSecretEntries: KubernetesConfigMapSecretEntry[] = [];
  const redactions: Redaction[] = [];
  if (data) {
    for (const key of Object.keys(data)) {
      const value = str(data[key]);
      if (value === undefined) continue;
      const reason = secretReason(key, value);
      if (!reason) continue;
      const marker = redactionMarker(value);
      plainSecretEntries.push({
        key,
        reason,
        path: joinPath('data', key),
        redacted: marker,
      });
      redactions.push([['data', key], marker]);
    }
  }
  return {
    attributes: {
      keys: keysOf(o.data),
      binaryKeys: keysOf(o.binaryData),
      immutable: bool(o.immutable),
      plainSecretEntries,
    },
    redactions: redactions.length ? redactions : undefined,
  };
};

const BUILDERS: Record<KubernetesResourceType, Builder<unknown>> = {
  'k8s.workload': buildWorkload,
  'k8s.namespace': buildNamespace,
  'k8s.service': buildService,
  'k8s.ingress': buildIngress,
  'k8s.networkpolicy': buildNetworkPolicy,
  'k8s.serviceaccount': buildServiceAccount,
  'k8s.role': buildRole,
  'k8s.rolebinding': buildRoleBinding,
  'k8s.secret': buildSecret,
  'k8s.configmap': buildConfigMap,
};

function builderFor(type: KubernetesResourceType): Builder<unknown> {
  return BUILDERS[type];
}
