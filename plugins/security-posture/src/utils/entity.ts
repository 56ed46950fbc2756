import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
  DEFAULT_NAMESPACE,
} from '@backstage/catalog-model';
import type { EntityName } from '../api';

/** Kind, namespace and name of an entity (or entity ref). */
export function entityNameOf(entity: Entity | string): EntityName {
  if (typeof entity === 'string') {
    const ref = parseEntityRef(entity);
    return { kind: ref.kind, namespace: ref.namespace, name: ref.name };
  }
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  };
}

/** The entity's ref, `component:default/payments-api`. */
export function refOf(entity: Entity): string {
  return stringifyEntityRef(entity);
}

/** Catalog page path of an entity ref, `/catalog/default/component/payments-api`. */
export function catalogPathOf(entityRef: string): string {
  const ref = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
    ref.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(ref.name)}`;
}

/** A short display name for an entity ref: the name, or namespace/name outside `default`. */
export function shortRef(entityRef: string, title?: string): string {
  if (title) return title;
  try {
    const ref = parseEntityRef(entityRef);
    return ref.namespace === DEFAULT_NAMESPACE
      ? ref.name
      : `${ref.namespace}/${ref.name}`;
  } catch {
    return entityRef;
  }
}
