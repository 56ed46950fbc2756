import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@internal/backstage-plugin-security-posture-node';
import {
  indexKeyOf,
  matchesLabelSelector,
  parseLabelSelector,
  type LabelSelector,
} from '../labelSelector';

/**
 * The Kubernetes plugin's annotation pinning an entity to one cluster (its
 * single-tenant service locator honours it); the provider does the same.
 * @public
 */
export const ANNOTATION_KUBERNETES_CLUSTER = 'backstage.io/kubernetes-cluster';

/** What an entity's annotations say about its Kubernetes objects. */
export interface EntityTarget {
  ref: string;
  selector: LabelSelector;
  /** Only objects in this namespace (`backstage.io/kubernetes-namespace`). */
  namespace?: string;
  /** Only objects in this cluster (`backstage.io/kubernetes-cluster`). */
  cluster?: string;
}

/**
 * What the index needs of an entity: its ref and annotations (a
 * `ProviderEntity` of the scan's `context.entities`).
 */
export interface AnnotatedEntity {
  readonly ref: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * How an entity selects its objects, exactly as the Kubernetes plugin does: the
 * `backstage.io/kubernetes-label-selector` annotation when present, otherwise the
 * label `backstage.io/kubernetes-id=<annotation value>`. `undefined` when the
 * entity has neither annotation; throws when the selector is invalid.
 */
export function entityTargetOf(
  entity: AnnotatedEntity,
): EntityTarget | undefined {
  const annotations = entity.annotations;
  const selectorText =
    annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR]?.trim();
  const id = annotations[ANNOTATION_KUBERNETES_ID]?.trim();
  let selector: LabelSelector;
  if (selectorText) {
    selector = parseLabelSelector(selectorText);
    if (selector.requirements.length === 0) {
      throw new Error(
        `${ANNOTATION_KUBERNETES_LABEL_SELECTOR} is empty, which would select every object`,
      );
    }
  } else if (id) {
    selector = parseLabelSelector(`${ANNOTATION_KUBERNETES_ID}=${id}`);
  } else {
    return undefined;
  }
  const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE]?.trim();
  const cluster = annotations[ANNOTATION_KUBERNETES_CLUSTER]?.trim();
  return {
    ref: entity.ref,
    selector,
    ...(namespace ? { namespace } : {}),
    ...(cluster ? { cluster } : {}),
  };
}

/**
 * The catalog entities that select Kubernetes objects, indexed so that finding the
 * owners of one object costs a few map lookups, not a pass over every entity.
 * Built from the scan's entities (`context.entities`); entities without the
 * Kubernetes plugin's annotations are left out.
 */
export class EntityIndex {
  private readonly byLabel = new Map<string, EntityTarget[]>();
  private readonly unindexed: EntityTarget[] = [];
  /** Entities whose annotations could not be read, with why. */
  readonly problems: string[] = [];
  size = 0;

  constructor(entities: Iterable<AnnotatedEntity>) {
    for (const entity of entities) {
      let target: EntityTarget | undefined;
      try {
        target = entityTargetOf(entity);
      } catch (e) {
        this.problems.push(
          `${entity.ref}: ${e instanceof Error ? e.message : String(e)}`,
        );
        continue;
      }
      if (!target) continue;
      this.add(target);
    }
  }

  private add(target: EntityTarget) {
    this.size++;
    const key = indexKeyOf(target.selector);
    if (key === undefined) {
      this.unindexed.push(target);
      return;
    }
    const list = this.byLabel.get(key);
    if (list) list.push(target);
    else this.byLabel.set(key, [target]);
  }

  /**
   * Entity refs whose selector (and namespace and cluster pins) match an object.
   * Cluster-scoped objects match no entity pinned to a namespace, except that
   * namespace's Namespace object.
   */
  ownersOf(
    cluster: string,
    object: {
      kind: string;
      name: string;
      namespace?: string;
      labels?: Readonly<Record<string, string>>;
    },
  ): string[] {
    const labels = object.labels;
    let owners: string[] | undefined;
    const consider = (t: EntityTarget) => {
      if (t.cluster !== undefined && t.cluster !== cluster) return;
      if (t.namespace !== undefined) {
        const ns = object.kind === 'Namespace' ? object.name : object.namespace;
        if (ns !== t.namespace) return;
      }
      if (!matchesLabelSelector(t.selector, labels)) return;
      if (!owners) owners = [t.ref];
      else if (!owners.includes(t.ref)) owners.push(t.ref);
    };
    if (labels) {
      for (const key in labels) {
        if (!Object.prototype.hasOwnProperty.call(labels, key)) continue;
        const list = this.byLabel.get(`${key}=${labels[key]}`);
        if (list) for (const t of list) consider(t);
      }
    }
    for (const t of this.unindexed) consider(t);
    return owners ?? [];
  }
}
