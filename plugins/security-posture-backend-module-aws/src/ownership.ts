import type { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  splitAnnotationList,
  type OwnershipHints,
} from '@internal/backstage-plugin-security-posture-node';
import type { Resource } from '@internal/security-posture-engine';
import type { OwnershipTag } from './config';

/** ARNs claimed by catalog entities through their ARN annotations. */
export class ArnClaims {
  private readonly exact = new Map<string, string[]>();
  private readonly patterns: Array<{ re: RegExp; ref: string }> = [];

  /** Records that `ref` claims `arn` (a `*` in it matches any characters). */
  add(arn: string, ref: string) {
    if (arn.includes('*')) {
      const source = arn
        .split('*')
        .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      this.patterns.push({ re: new RegExp(`^${source}$`), ref });
      return;
    }
    const list = this.exact.get(arn);
    if (!list) this.exact.set(arn, [ref]);
    else if (!list.includes(ref)) list.push(ref);
  }

  /** The refs of the entities that claim `arn`. */
  match(arn: string): string[] {
    const exact = this.exact.get(arn) ?? [];
    if (this.patterns.length === 0) return exact;
    const out = [...exact];
    for (const p of this.patterns) {
      if (p.re.test(arn) && !out.includes(p.ref)) out.push(p.ref);
    }
    return out;
  }

  /** Number of claims recorded. */
  get size(): number {
    let n = this.patterns.length;
    for (const refs of this.exact.values()) n += refs.length;
    return n;
  }

  /** The ARNs an entity claims, from the given annotations. */
  static arnsOf(entity: Entity, annotations: readonly string[]): string[] {
    const values = entity.metadata.annotations ?? {};
    const out: string[] = [];
    for (const key of annotations) {
      for (const arn of splitAnnotationList(values[key])) {
        if (arn.startsWith('arn:')) out.push(arn);
      }
    }
    return out;
  }
}

/**
 * Loads the ARN claims of the catalog once per scan (keyed by the scan's start
 * time), so several account providers share one catalog query.
 */
export class CatalogArnClaims {
  private cached?: { key: number; claims: Promise<ArnClaims> };

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      annotations: readonly string[];
    },
  ) {}

  /** The claims as of the scan that started at `now`. */
  load(now: Date): Promise<ArnClaims> {
    const key = now.getTime();
    if (this.cached?.key !== key) {
      const claims = this.fetch();
      this.cached = { key, claims };
      // A failed load is retried by the next caller rather than cached.
      claims.catch(() => {
        if (this.cached?.claims === claims) this.cached = undefined;
      });
    }
    return this.cached.claims;
  }

  private async fetch(): Promise<ArnClaims> {
    const { catalog, auth, annotations } = this.options;
    const claims = new ArnClaims();
    if (annotations.length === 0) return claims;
    const credentials = await auth.getOwnServiceCredentials();
    const filter = annotations.map(key => ({
      [`metadata.annotations.${key}`]: CATALOG_FILTER_EXISTS,
    }));
    for await (const page of catalog.streamEntities(
      {
        filter,
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials },
    )) {
      for (const entity of page) {
        const ref = stringifyEntityRef(entity);
        for (const arn of ArnClaims.arnsOf(entity, annotations)) {
          claims.add(arn, ref);
        }
      }
    }
    return claims;
  }
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
 * The ownership hints of a resource: entities claiming its ARN, entities named
 * by its ownership tags, and the group named by its owner tag.
 */
export function ownershipHints(
  resource: Resource,
  claims: ArnClaims,
  ownershipTags: readonly OwnershipTag[],
  ownerTags: readonly string[],
): OwnershipHints {
  const refs = new Set<string>();
  const arn = (resource.attributes as { arn?: string })?.arn ?? resource.uid;
  if (arn.startsWith('arn:')) for (const r of claims.match(arn)) refs.add(r);
  const tags = resource.tags ?? {};
  for (const tag of ownershipTags) {
    const value = tagValue(tags, tag.key);
    for (const item of splitAnnotationList(value)) {
      const ref = refOf(item, tag.kind);
      if (ref) refs.add(ref);
    }
  }
  const hints: OwnershipHints = {};
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
