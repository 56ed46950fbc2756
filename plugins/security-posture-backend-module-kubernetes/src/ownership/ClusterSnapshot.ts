import {
  normalizeKubernetesObjects,
  type KubernetesRoleBindingAttributes,
  type KubernetesWorkloadAttributes,
  type Resource,
} from '@internal/security-posture-engine';
import type {
  JsonObject,
  KubernetesApiClient,
} from '../client/KubernetesApiClient';
import type { KubernetesProviderConfig } from '../config';
import { WORKLOAD_KINDS, type KubernetesKindSpec } from '../kinds';
import type { EntityIndex } from './EntityIndex';

/** Identifies an object inside one cluster. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** A resource of the snapshot with the entities that own it. */
export interface OwnedResource {
  resource: Resource;
  /** Entity refs; empty when no entity claims it. */
  owners: string[];
  /** Whether the unowned report should list it when no entity claims it. */
  reportIfUnowned: boolean;
}

/**
 * Everything one cluster holds of interest, read once per scan: the resources
 * (objects created by a listed controller — a Deployment's ReplicaSets and Pods —
 * are folded into their controller), who owns them, and a lookup from any listed
 * object (folded ones included) to its owners and top-level controller.
 */
export interface ClusterSnapshot {
  cluster: string;
  resources: OwnedResource[];
  /** Owners of any listed object, folded children included; `undefined` when it was not listed. */
  ownersOf(ref: ObjectRef): string[] | undefined;
  /** The object a folded child belongs to (Pod → ReplicaSet → Deployment), or the object itself. */
  topLevelOf(ref: ObjectRef): ObjectRef & { apiVersion?: string };
  /** Kinds the API server does not serve (404), skipped. */
  kindsNotServed: string[];
  /** Objects that could not be normalised, and entities whose annotations are invalid. */
  warnings: string[];
  stats: {
    objects: number;
    requests: number;
    restarts: number;
    durationMs: number;
  };
}

/** The `Kind/namespace/name` key of an object. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function addAll(target: string[], values: Iterable<string> | undefined) {
  if (!values) return;
  const size = Array.isArray(values)
    ? values.length
    : (values as Set<string>).size ?? Infinity;
  // Small lists (the usual case) are scanned; large ones go through a set, so a
  // role bound by thousands of entities costs linear time, not quadratic.
  const seen = target.length + size > 16 ? new Set(target) : undefined;
  for (const v of values) {
    if (seen ? seen.has(v) : target.includes(v)) continue;
    target.push(v);
    seen?.add(v);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, values: string[]) {
  if (values.length === 0) return;
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  for (const v of values) set.add(v);
}

/** A field selector leaving out the excluded namespaces. */
function exclusionSelector(
  spec: KubernetesKindSpec,
  exclude: readonly string[],
): string | undefined {
  if (exclude.length === 0) return undefined;
  if (!spec.namespaced && spec.kind !== 'Namespace') return undefined;
  const field = spec.namespaced ? 'metadata.namespace' : 'metadata.name';
  return exclude.map(ns => `${field}!=${ns}`).join(',');
}

/** Runs `fn` over `items` with at most `limit` in flight; the first failure wins. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (!failed && next < items.length) {
        const item = items[next++];
        try {
          await fn(item);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    },
  );
  await Promise.all(workers);
}

/**
 * Lists every configured kind of one cluster once (paged, restarted on 410) and
 * resolves who owns what:
 *
 * 1. objects whose labels match an entity's selector (the
 *    `backstage.io/kubernetes-id` label or the entity's
 *    `backstage.io/kubernetes-label-selector`, within its
 *    `backstage.io/kubernetes-namespace` and `backstage.io/kubernetes-cluster`);
 *    for workloads the pod template's labels count too;
 * 2. children created by a listed controller are folded into it, and their owners
 *    added to it;
 * 3. namespace-level objects: the Namespace (with its Pod Security labels) and the
 *    NetworkPolicies of every namespace an entity has objects in; the
 *    ServiceAccounts its workloads run as; the RoleBindings and
 *    ClusterRoleBindings granting those service accounts (by name, or through the
 *    `system:serviceaccounts[:<namespace>]` groups) and the Roles and
 *    ClusterRoles they reference.
 */
export async function buildClusterSnapshot(options: {
  client: KubernetesApiClient;
  config: Pick<KubernetesProviderConfig, 'kinds' | 'excludeNamespaces'>;
  entities: EntityIndex;
  signal: AbortSignal;
  /** Kinds listed at once. */
  concurrency?: number;
}): Promise<ClusterSnapshot> {
  const { client, config, entities, signal } = options;
  const cluster = client.cluster.name;
  const started = Date.now();
  const connection = await client.connection();
  const excluded = new Set(config.excludeNamespaces);
  const listed = new Map<string, JsonObject[]>();
  const kindsNotServed: string[] = [];
  let requests = 0;
  let restarts = 0;
  await pool(config.kinds, options.concurrency ?? 3, async spec => {
    const result = await client.listAll(spec, {
      signal,
      connection,
      fieldSelector: exclusionSelector(spec, config.excludeNamespaces),
    });
    if (!result) {
      kindsNotServed.push(spec.kind);
      return;
    }
    requests += result.requests;
    restarts += result.restarts;
    listed.set(spec.kind, result.items);
  });

  // Every listed object, folded children included (they are not normalised: only
  // their labels and controller matter).
  const warnings: string[] = [...entities.problems];
  const nodes = new Map<string, Node>();
  const toNormalise = new Map<string, Array<[JsonObject, Node | undefined]>>();
  const candidates: Array<[Node, string]> = [];
  for (const spec of config.kinds) {
    const items = listed.get(spec.kind);
    if (!items) continue;
    const kept: Array<[JsonObject, Node | undefined]> = [];
    toNormalise.set(spec.kind, kept);
    for (const o of items) {
      const metadata = o.metadata as JsonObject | undefined;
      const name = metadata?.name;
      if (typeof name !== 'string' || name === '') {
        kept.push([o, undefined]); // the normaliser reports it
        continue;
      }
      const ns =
        spec.namespaced && typeof metadata?.namespace === 'string'
          ? metadata.namespace || undefined
          : undefined;
      if (
        excluded.has(spec.namespaced ? ns ?? '' : name) &&
        (spec.namespaced || spec.kind === 'Namespace')
      ) {
        continue;
      }
      const node: Node = {
        kind: spec.kind,
        name,
        namespace: ns,
        labels: stringMap(metadata?.labels),
        owners: [],
      };
      nodes.set(objectKey(node), node);
      kept.push([o, node]);
      const controller =
        spec.type === 'k8s.workload' ? controllerOf(metadata) : undefined;
      if (controller) {
        candidates.push([node, objectKey({ ...controller, namespace: ns })]);
      }
    }
  }
  listed.clear();
  for (const [node, parentKey] of candidates) {
    if (nodes.has(parentKey)) node.parentKey = parentKey;
  }

  // Normalise the rest, in the configured kind order (deterministic results).
  const source = {
    format: 'kubernetes-live' as const,
    provider: 'kubernetes',
    location: cluster,
  };
  const all: Resource[] = [];
  for (const spec of config.kinds) {
    const items = toNormalise.get(spec.kind);
    if (!items) continue;
    const objects: JsonObject[] = [];
    for (const [o, node] of items) {
      if (node?.parentKey === undefined) objects.push(o);
    }
    const { resources, errors } = normalizeKubernetesObjects(objects, source);
    for (const e of errors.slice(0, 20)) {
      warnings.push(`cluster ${cluster}: ${e.message}`);
    }
    for (const r of resources) {
      const node = nodes.get(objectKey(r));
      if (node) node.resource = r;
    }
    all.push(...resources);
  }
  toNormalise.clear();

  // 1. Owners by labels (for workloads, the pod template's labels count too).
  for (const node of nodes.values()) {
    node.owners = entities.ownersOf(cluster, node);
    const r = node.resource;
    if (r?.type === 'k8s.workload') {
      const template = (r.attributes as KubernetesWorkloadAttributes)
        .podMetadata?.labels;
      if (template && Object.keys(template).length > 0) {
        addAll(
          node.owners,
          entities.ownersOf(cluster, { ...node, labels: template }),
        );
      }
    }
  }

  // 2. Fold children into their top-level controller, owners both ways.
  const top = (node: Node): Node => {
    let current = node;
    for (let depth = 0; depth < 5 && current.parentKey; depth++) {
      const parent = nodes.get(current.parentKey);
      if (!parent) break;
      current = parent;
    }
    return current;
  };
  const children: Node[] = [];
  for (const node of nodes.values()) {
    if (node.parentKey === undefined) continue;
    children.push(node);
    addAll(top(node).owners, node.owners);
  }
  for (const child of children) child.owners = top(child).owners;

  // 3. Namespace-level objects.
  const ownersOfResource = (r: Resource) =>
    nodes.get(objectKey(r))?.owners ?? [];
  const byNamespace = new Map<string, Set<string>>();
  const withWorkloadsIn = new Map<string, Set<string>>();
  const byServiceAccount = new Map<string, Set<string>>();
  const withWorkloads = new Set<string>();
  for (const r of all) {
    if (r.namespace === undefined) continue;
    const own = ownersOfResource(r);
    if (own.length === 0) continue;
    addTo(byNamespace, r.namespace, own);
    if (r.type === 'k8s.workload') {
      const sa = (r.attributes as KubernetesWorkloadAttributes)
        .serviceAccountName;
      addTo(byServiceAccount, `${r.namespace}/${sa}`, own);
      addTo(withWorkloadsIn, r.namespace, own);
      for (const o of own) withWorkloads.add(o);
    }
  }
  const roleOwners = new Map<string, Set<string>>();
  for (const r of all) {
    const own = ownersOfResource(r);
    if (r.kind === 'Namespace') {
      addAll(own, byNamespace.get(r.name));
    } else if (r.kind === 'NetworkPolicy' && r.namespace !== undefined) {
      addAll(own, byNamespace.get(r.namespace));
    } else if (r.kind === 'ServiceAccount' && r.namespace !== undefined) {
      addAll(own, byServiceAccount.get(`${r.namespace}/${r.name}`));
    } else if (r.type === 'k8s.rolebinding') {
      const a = r.attributes as KubernetesRoleBindingAttributes;
      const granted: string[] = [];
      for (const subject of a.subjects) {
        if (subject.kind === 'ServiceAccount') {
          const ns = subject.namespace ?? r.namespace;
          addAll(granted, byServiceAccount.get(`${ns}/${subject.name}`));
        } else if (subject.kind === 'Group' && !a.builtIn) {
          if (subject.name === 'system:serviceaccounts') {
            addAll(granted, withWorkloads);
          } else if (subject.name.startsWith('system:serviceaccounts:')) {
            addAll(
              granted,
              withWorkloadsIn.get(
                subject.name.slice('system:serviceaccounts:'.length),
              ),
            );
          }
        }
      }
      if (granted.length === 0) continue;
      addAll(own, granted);
      const roleKey =
        a.roleRef.kind === 'ClusterRole'
          ? objectKey({ kind: 'ClusterRole', name: a.roleRef.name })
          : objectKey({
              kind: 'Role',
              name: a.roleRef.name,
              namespace: r.namespace,
            });
      const set = roleOwners.get(roleKey);
      if (set) for (const g of granted) set.add(g);
      else roleOwners.set(roleKey, new Set(granted));
    }
  }
  for (const [key, granted] of roleOwners) {
    const role = nodes.get(key);
    if (role?.resource) addAll(role.owners, granted);
  }

  const resources: OwnedResource[] = all.map(r => ({
    resource: r,
    owners: ownersOfResource(r),
    reportIfUnowned: reportIfUnowned(r),
  }));

  return {
    cluster,
    resources,
    ownersOf(ref) {
      return nodes.get(objectKey(ref))?.owners;
    },
    topLevelOf(ref) {
      const node = nodes.get(objectKey(ref));
      if (!node) return ref;
      const t = top(node);
      const raw = t.resource?.raw as JsonObject | undefined;
      return {
        kind: t.kind,
        name: t.name,
        namespace: t.namespace,
        apiVersion:
          typeof raw?.apiVersion === 'string' ? raw.apiVersion : undefined,
      };
    },
    kindsNotServed,
    warnings,
    stats: {
      objects: nodes.size,
      requests,
      restarts,
      durationMs: Date.now() - started,
    },
  };
}

/** One listed object. */
interface Node extends ObjectRef {
  labels?: Record<string, string>;
  owners: string[];
  /** Key of the listed controller it was folded into. */
  parentKey?: string;
  /** Its resource, unless it was folded. */
  resource?: Resource;
}

/** The labels as they are when every value is a string (the norm), else the string ones. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const o = value as JsonObject;
  let clean = true;
  for (const k in o) {
    if (typeof o[k] !== 'string') {
      clean = false;
      break;
    }
  }
  if (clean) return o as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The controller owner reference of a workload, when it is a workload kind. */
function controllerOf(
  metadata: JsonObject | undefined,
): { kind: string; name: string } | undefined {
  const refs = metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs) {
    const r = ref as JsonObject | undefined;
    if (
      r?.controller === true &&
      typeof r.kind === 'string' &&
      typeof r.name === 'string' &&
      WORKLOAD_KINDS.has(r.kind)
    ) {
      return { kind: r.kind, name: r.name };
    }
  }
  return undefined;
}

/**
 * Objects the cluster creates by itself or that only support others are left out
 * of the unowned report: built-in RBAC, every namespace's `default` service account
 * and `kube-root-ca.crt` ConfigMap.
 */
function reportIfUnowned(r: Resource): boolean {
  if (r.type === 'k8s.role' || r.type === 'k8s.rolebinding') {
    return !(r.attributes as { builtIn?: boolean }).builtIn;
  }
  if (r.kind === 'ServiceAccount' && r.name === 'default') return false;
  if (r.kind === 'ConfigMap' && r.name === 'kube-root-ca.crt') return false;
  return true;
}
