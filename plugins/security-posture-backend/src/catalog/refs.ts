import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';

/** Entity refs are compared case-insensitively; the plugin keeps them in lower case. */
export function normalizeRef(ref: string | CompoundEntityRef): string {
  const parsed =
    typeof ref === 'string'
      ? parseEntityRef(ref, { defaultNamespace: 'default' })
      : ref;
  return stringifyEntityRef(parsed).toLowerCase();
}

/** Like {@link normalizeRef}, returning undefined for refs that cannot be parsed. */
export function tryNormalizeRef(
  ref: string,
  defaults?: { defaultKind?: string },
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultNamespace: 'default',
        defaultKind: defaults?.defaultKind,
      }),
    ).toLowerCase();
  } catch {
    return undefined;
  }
}

/** The kind part of a normalised ref. */
export function kindOfRef(ref: string): string {
  return ref.slice(0, ref.indexOf(':'));
}

/**
 * A stable shard number for an entity ref (FNV-1a), so every replica assigns the
 * same entities to the same shard.
 */
export function shardOf(ref: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < ref.length; i++) {
    hash ^= ref.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
