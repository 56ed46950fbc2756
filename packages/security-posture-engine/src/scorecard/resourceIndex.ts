import type { ResourceIndex } from '../model/check';
import type { CanonicalType, Resource } from '../model/resource';

const EMPTY: readonly Resource[] = Object.freeze([]);

/**
 * Builds a {@link ResourceIndex} over a resource set (usually one entity's resources):
 * lookups by canonical type, by type and Kubernetes namespace, and by uid. Type and
 * uid maps are built once; namespace buckets are built on first use.
 */
export function createResourceIndex(
  resources: readonly Resource[],
): ResourceIndex {
  const byType = new Map<string, Resource[]>();
  const byUid = new Map<string, Resource>();
  for (const resource of resources) {
    let list = byType.get(resource.type);
    if (!list) {
      list = [];
      byType.set(resource.type, list);
    }
    list.push(resource);
    byUid.set(resource.uid, resource);
  }
  let byNamespace: Map<string, Map<string, Resource[]>> | undefined;

  return {
    all: () => resources,
    ofType: <A>(type: CanonicalType) =>
      (byType.get(type) ?? EMPTY) as readonly Resource<A>[],
    inNamespace: <A>(type: CanonicalType, namespace: string | undefined) => {
      if (!byNamespace) byNamespace = new Map();
      let buckets = byNamespace.get(type);
      if (!buckets) {
        buckets = new Map();
        for (const resource of byType.get(type) ?? EMPTY) {
          const key = resource.namespace ?? '';
          let list = buckets.get(key);
          if (!list) {
            list = [];
            buckets.set(key, list);
          }
          list.push(resource);
        }
        byNamespace.set(type, buckets);
      }
      return (buckets.get(namespace ?? '') ?? EMPTY) as readonly Resource<A>[];
    },
    byUid: (uid: string) => byUid.get(uid),
  };
}
