import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ExemptionDebtItem,
  ExemptionState,
} from '@internal/backstage-plugin-security-posture-common';
import { ANNOTATION_EXEMPTIONS } from '@internal/backstage-plugin-security-posture-node';
import {
  compileExemption,
  type CompiledExemption,
} from '@internal/security-posture-engine';
import { normalizeRef } from '../catalog/refs';
import { sha256 } from '../database/util';
import {
  entityExemptions,
  loadExemptionFiles,
  toApiExemption,
  type SourcedExemption,
} from '../exemptions/exemptions';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Most entity refs listed per exemption. */
const MAX_REFS = 100;

/** A declared exemption, compiled, with where it was declared. */
export interface DeclaredExemption extends SourcedExemption {
  compiled: CompiledExemption;
  /** The entity whose annotation declared it; undefined for central files. */
  declaredBy?: string;
  /** Identifies the exemption (check, entity, resource, expiry, source). */
  key: string;
}

/** An exemption in a scope, with its state and the entities it covers there. */
export interface ScopedExemption {
  declared: DeclaredExemption;
  item: ExemptionDebtItem;
  /** Every entity of the scope it applies to (not capped). */
  entityRefs: string[];
}

/** State of an exemption at `now`, with whole days left (negative once expired). */
export function exemptionState(
  expiresAt: Date,
  now: Date,
  leadTimeMs: number,
): { state: ExemptionState; daysLeft: number } {
  const left = expiresAt.getTime() - now.getTime();
  const daysLeft = Math.floor(left / DAY_MS);
  if (left < 0) return { state: 'expired', daysLeft };
  if (left <= leadTimeMs) return { state: 'expiring', daysLeft };
  return { state: 'active', daysLeft };
}

const STATE_ORDER: Record<ExemptionState, number> = {
  expired: 0,
  expiring: 1,
  active: 2,
};

/**
 * Exemption debt: every declared exemption — in entities' catalog data
 * (`security-posture.backstage.io/exemptions`) and in the central files — with
 * its state (active, expiring within the lead time, expired), reason and
 * approver, and the entities it covers.
 */
export class ExemptionDebtService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      logger: LoggerService;
      exemptionFiles: readonly string[];
      leadTimeMs: number;
    },
  ) {}

  get leadTimeMs(): number {
    return this.options.leadTimeMs;
  }

  /**
   * Reads the declared exemptions: entities carrying the annotation (with the
   * caller's credentials, so the catalog's permissions apply) and the central
   * files. Malformed declarations are left out (scans report them).
   */
  async collect(
    credentials: BackstageCredentials,
  ): Promise<DeclaredExemption[]> {
    const { catalog, logger, exemptionFiles } = this.options;
    const out: DeclaredExemption[] = [];
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_EXEMPTIONS}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    for (const entity of items) {
      const ref = normalizeRef({
        kind: entity.kind,
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
      });
      for (const e of entityExemptions(entity, ref).exemptions) {
        const declared = compile(e, ref);
        if (declared) out.push(declared);
      }
    }
    for (const e of await loadExemptionFiles(exemptionFiles, logger)) {
      const declared = compile(e);
      if (declared) out.push(declared);
    }
    return out;
  }

  /**
   * The exemptions that apply to entities of a scope, expired first, then the
   * soonest to expire.
   */
  inScope(
    declared: readonly DeclaredExemption[],
    scope: readonly string[],
    now: Date,
  ): ScopedExemption[] {
    const out: ScopedExemption[] = [];
    const scoped = new Set(scope);
    for (const d of declared) {
      let entityRefs: string[];
      if (d.declaredBy) {
        entityRefs = scoped.has(d.declaredBy) ? [d.declaredBy] : [];
      } else {
        entityRefs = scope.filter(ref => d.compiled.matchesEntity(ref));
      }
      if (entityRefs.length === 0) continue;
      const { state, daysLeft } = exemptionState(
        d.compiled.expiresAt,
        now,
        this.options.leadTimeMs,
      );
      const api = toApiExemption(
        d.exemption,
        d.declaredBy ?? d.exemption.entity ?? '*',
        d.source,
      );
      out.push({
        declared: d,
        entityRefs,
        item: {
          ...api,
          state,
          daysLeft,
          entityRefs: entityRefs.slice(0, MAX_REFS),
          entityCount: entityRefs.length,
        },
      });
    }
    return out.sort(
      (a, b) =>
        STATE_ORDER[a.item.state] - STATE_ORDER[b.item.state] ||
        a.declared.compiled.expiresAt.getTime() -
          b.declared.compiled.expiresAt.getTime() ||
        a.item.checkId.localeCompare(b.item.checkId),
    );
  }
}

/** Counts of exemptions per state. */
export function countStates(
  items: ReadonlyArray<{ state: ExemptionState }>,
): Record<ExemptionState, number> {
  const counts = { active: 0, expiring: 0, expired: 0 };
  for (const i of items) counts[i.state]++;
  return counts;
}

function compile(
  e: SourcedExemption,
  declaredBy?: string,
): DeclaredExemption | undefined {
  try {
    const compiled = compileExemption(e.exemption);
    return {
      ...e,
      compiled,
      declaredBy,
      key: sha256(
        JSON.stringify([
          e.exemption.check,
          declaredBy ?? e.exemption.entity ?? '*',
          e.exemption.resource ?? '',
          e.exemption.expires,
          e.source,
        ]),
      ),
    };
  } catch {
    return undefined;
  }
}
