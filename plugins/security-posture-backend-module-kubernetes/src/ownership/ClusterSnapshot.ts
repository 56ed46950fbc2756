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
  for (const v of values) if (!target.includes(v)) target.push(v);
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

  // Normalise in the configured kind order, so results are deterministic.
  const warnings: string[] = [...entities.problems];
  const all: Resource[] = [];
  const source = {
    format: 'kubernetes-live' as const,
    provider: 'kubernetes',
    location: cluster,
  };
  for (const spec of config.kinds) {
    const items = listed.get(spec.kind);
    if (!items) continue;
    const kept = items.filter(o => {
      const metadata = o.metadata as JsonObject | undefined;
      const ns = spec.namespaced ? metadata?.namespace : metadata?.name;
      return !(
        typeof ns === 'string' &&
        (spec.namespaced || spec.kind === 'Namespace') &&
        excluded.has(ns)
      );
    });
    const { resources, errors } = normalizeKubernetesObjects(kept, source);
    for (const e of errors.slice(0, 20)) {
      warnings.push(`cluster ${cluster}: ${e.message}`);
    }
    all.push(...resources);
  }
  listed.clear();

  const byKey = new Map<string, Resource>();
  for (const r of all) byKey.set(objectKey(r), r);

  // 1. Owners by labels.
  const owners = new Map<Resource, string[]>();
  for (const r of all) {
    const own = entities.ownersOf(cluster, r);
    if (r.type === 'k8s.workload') {
      const template = (r.attributes as KubernetesWorkloadAttributes)
        .podMetadata?.labels;
      if (template && Object.keys(template).length > 0) {
        addAll(
          own,
          entities.ownersOf(cluster, {
            kind: r.kind,
            name: r.name,
            namespace: r.namespace,
            labels: template,
          }),
        );
      }
    }
    owners.set(r, own);
  }

  // 2. Fold children into their listed controllers.
  const parent = new Map<Resource, Resource>();
  for (const r of all) {
    if (r.type !== 'k8s.workload') continue;
    const c = (r.attributes as KubernetesWorkloadAttributes).controller;
    if (!c || !WORKLOAD_KINDS.has(c.kind)) continue;
    const p = byKey.get(
      objectKey({ kind: c.kind, name: c.name, namespace: r.namespace }),
    );
    if (p && p !== r) parent.set(r, p);
  }
  const top = (r: Resource): Resource => {
    let current = r;
    for (let depth = 0; depth < 5; depth++) {
      const p = parent.get(current);
      if (!p) break;
      current = p;
    }
    return current;
  };
  for (const [child] of parent) {
    addAll(owners.get(top(child))!, owners.get(child));
  }
  for (const [child] of parent) {
    addAll(owners.get(child)!, owners.get(top(child)));
  }

  // 3. Namespace-level objects.
  const byNamespace = new Map<string, Set<string>>();
  const withWorkloadsIn = new Map<string, Set<string>>();
  const byServiceAccount = new Map<string, Set<string>>();
  const withWorkloads = new Set<string>();
  for (const r of all) {
    if (parent.has(r) || r.namespace === undefined) continue;
    const own = owners.get(r)!;
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
  const roleOwners = new Map<string, string[]>();
  for (const r of all) {
    const own = owners.get(r)!;
    if (r.kind === 'Namespace') {
      addAll(own, byNamespace.get(r.name));
    } else if (r.kind === 'NetworkPolicy' && r.namespace !== undefined) {
      addAll(own, byNamespace.get(r.namespace));
    } else if (r.kind === 'ServiceAccount' && r.namespace !== undefined) {
      addAll(own, byServiceAccount.get(`${r.namespace}/${r.name}`));
    } else if (r.type === 'k8s.rolebinding') {
      const a = r.attributes as KubernetesRoleBindingAttributes;
      const granted: string[] = [];
      for (const s of a.subjects) {
        if (s.kind === 'ServiceAccount') {
          const ns = s.namespace ?? r.namespace;
          addAll(granted, byServiceAccount.get(`${ns}/${s.name}`));
        } else if (s.kind === 'Group' && !a.builtIn) {
          if (s.name === 'system:serviceaccounts') {
            addAll(granted, withWorkloads);
          } else if (s.name.startsWith('system:serviceaccounts:')) {
            addAll(
              granted,
              withWorkloadsIn.get(
                s.name.slice('system:serviceaccounts:'.length),
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
      const list = roleOwners.get(roleKey);
      if (list) addAll(list, granted);
      else roleOwners.set(roleKey, [...granted]);
    }
  }
  for (const [key, granted] of roleOwners) {
    const role = byKey.get(key);
    if (role) addAll(owners.get(role)!, granted);
  }

  const resources: OwnedResource[] = [];
  for (const r of all) {
    if (parent.has(r)) continue;
    resources.push({
      resource: r,
      owners: owners.get(r)!,
      reportIfUnowned: reportIfUnowned(r),
    });
  }

  return {
    cluster,
    resources,
    ownersOf(ref) {
      const r = byKey.get(objectKey(ref));
      return r ? owners.get(r) : undefined;
    },
    topLevelOf(ref) {
      const r = byKey.get(objectKey(ref));
      if (!r) return ref;
      const t = top(r);
      const raw = t.raw as JsonObject | undefined;
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
      objects: all.length,
      requests,
      restarts,
      durationMs: Date.now() - started,
    },
  };
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
