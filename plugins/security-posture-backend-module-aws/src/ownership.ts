import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  splitAnnotationList,
  type OwnershipHints,
} from '@internal/backstage-plugin-security-posture-node';
import type { Resource } from '@internal/security-posture-engine';
import type { OwnershipTag } from './config';

/** The ARNs (or `*` globs) an entity claims in the given annotations. */
export function arnsOf(
  entity: Entity,
  annotations: readonly string[],
): string[] {
  const values = entity.metadata.annotations ?? {};
  const out: string[] = [];
  for (const key of annotations) {
    for (const arn of splitAnnotationList(values[key])) {
      if (arn.startsWith('arn:')) out.push(arn);
    }
  }
  return out;
}

function tagValue(
  tags: Record<string, string>,
  key: string,
): string | undefined {
  if (tags[key] !== undefined) return tags[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(tags)) {
    if (k.toLowerCase() === lower) return v;
  }
  return undefined;
}

/** Parses a tag value (`name`, `kind:name`, `kind:namespace/name`) into a full ref. */
function refOf(value: string, kind: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind: kind,
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The ownership hints of a resource: its ARN (the backend matches it against the
 * entities' ARN annotations, `*` globs included), the entities named by its
 * ownership tags, and the group named by its owner tag.
 */
export function ownershipHints(
  resource: Resource,
  ownershipTags: readonly OwnershipTag[],
  ownerTags: readonly string[],
  options: { withArn: boolean } = { withArn: true },
): OwnershipHints {
  const hints: OwnershipHints = {};
  const arn = (resource.attributes as { arn?: string })?.arn ?? resource.uid;
  if (options.withArn && arn.startsWith('arn:')) hints.arns = [arn];
  const refs = new Set<string>();
  const tags = resource.tags ?? {};
  for (const tag of ownershipTags) {
    const value = tagValue(tags, tag.key);
    for (const item of splitAnnotationList(value)) {
      const ref = refOf(item, tag.kind);
      if (ref) refs.add(ref);
    }
  }
  if (refs.size > 0) hints.entityRefs = [...refs];
  for (const key of ownerTags) {
    const value = tagValue(tags, key);
    const ref = value ? refOf(value, 'group') : undefined;
    if (ref) {
      hints.ownerRef = ref;
      break;
    }
  }
  return hints;
}
