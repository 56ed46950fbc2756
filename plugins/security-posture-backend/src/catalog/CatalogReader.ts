import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { CatalogEntityInfo } from '../database/types';
import { kindOfRef, normalizeRef, tryNormalizeRef } from './refs';

/** Kinds the plugin rolls up (never scanned for resources of their own). */
export const ROLLUP_KINDS = ['system', 'domain', 'group'] as const;

/**
 * Fields read from the catalog: what providers need (annotations, labels) and the
 * hierarchy (relations). Nothing else is transferred.
 */
export const CATALOG_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'metadata.labels',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'spec.system',
  'spec.domain',
  'spec.parent',
  'spec.subdomainOf',
  'relations',
];

/** An entity read from the catalog, with what the plugin derives from it. */
export interface CatalogItem {
  entity: Entity;
  info: CatalogEntityInfo;
}

/**
 * Reads the catalog page by page (`queryEntities` with a cursor, only the fields
 * needed) with the plugin's own service credentials.
 */
export class CatalogReader {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Kinds whose resources are assessed (lower case). */
      scanKinds: readonly string[];
      pageSize?: number;
    },
  ) {}

  /** Every kind the plugin reads. */
  get kinds(): string[] {
    return [...new Set([...this.options.scanKinds, ...ROLLUP_KINDS])];
  }

  /** Pages of entities of the kinds the plugin reads. */
  async *pages(signal?: AbortSignal): AsyncGenerator<CatalogItem[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const limit = this.options.pageSize ?? 500;
    let cursor: string | undefined;
    do {
      if (signal?.aborted) throw abortError();
      const response = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, limit, fields: CATALOG_FIELDS }
          : {
              filter: { kind: this.kinds },
              fields: CATALOG_FIELDS,
              limit,
              orderFields: { field: 'metadata.name', order: 'asc' },
            },
        { credentials },
      );
      yield response.items.map(entity => ({
        entity,
        info: this.toInfo(entity),
      }));
      cursor = response.pageInfo.nextCursor;
    } while (cursor);
  }

  /** One entity by ref, with the plugin's credentials. */
  async getEntity(ref: string): Promise<CatalogItem | undefined> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    return entity ? { entity, info: this.toInfo(entity) } : undefined;
  }

  /** What the plugin keeps of an entity: identity, title and hierarchy. */
  toInfo(entity: Entity): CatalogEntityInfo {
    const ref = normalizeRef({
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
    });
    const kind = entity.kind.toLowerCase();
    const relations = entity.relations ?? [];
    const target = (type: string, targetKind?: string) => {
      for (const r of relations) {
        if (r.type !== type) continue;
        const t = tryNormalizeRef(r.targetRef);
        if (t && (!targetKind || kindOfRef(t) === targetKind)) return t;
      }
      return undefined;
    };
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    // Relations are authoritative; spec fields cover entities read before
    // processing added relations (and test catalogs without relations).
    const ownerRef =
      target(RELATION_OWNED_BY) ??
      (str(spec.owner)
        ? tryNormalizeRef(str(spec.owner)!, { defaultKind: 'group' })
        : undefined);
    const systemRef =
      target(RELATION_PART_OF, 'system') ??
      (kind !== 'system' && kind !== 'domain' && str(spec.system)
        ? tryNormalizeRef(str(spec.system)!, { defaultKind: 'system' })
        : undefined);
    let domainRef: string | undefined;
    let parentRef: string | undefined;
    if (kind === 'system') {
      domainRef =
        target(RELATION_PART_OF, 'domain') ??
        (str(spec.domain)
          ? tryNormalizeRef(str(spec.domain)!, { defaultKind: 'domain' })
          : undefined);
    } else if (kind === 'domain') {
      parentRef =
        target(RELATION_PART_OF, 'domain') ??
        (str(spec.subdomainOf)
          ? tryNormalizeRef(str(spec.subdomainOf)!, { defaultKind: 'domain' })
          : undefined);
    } else if (kind === 'group') {
      parentRef =
        target(RELATION_CHILD_OF, 'group') ??
        (str(spec.parent)
          ? tryNormalizeRef(str(spec.parent)!, { defaultKind: 'group' })
          : undefined);
    }
    return {
      ref,
      kind,
      namespace: (entity.metadata.namespace ?? 'default').toLowerCase(),
      name: entity.metadata.name.toLowerCase(),
      title: entity.metadata.title,
      type: str(spec.type),
      lifecycle: str(spec.lifecycle),
      ownerRef,
      systemRef: kind === 'system' || kind === 'domain' ? undefined : systemRef,
      domainRef,
      parentRef,
      scanned: this.options.scanKinds.includes(kind),
    };
  }
}

function abortError(): Error {
  const error = new Error('The scan was aborted');
  error.name = 'AbortError';
  return error;
}
