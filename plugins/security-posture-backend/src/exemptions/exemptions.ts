import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Exemption as ApiExemption } from '@internal/backstage-plugin-security-posture-common';
import { ANNOTATION_EXEMPTIONS } from '@internal/backstage-plugin-security-posture-node';
import {
  compileExemption,
  isExemptionActive,
  normalizeEntityRef,
  parseExemptions,
  type Exemption,
} from '@internal/security-posture-engine';
import { promises as fs } from 'node:fs';

/** An exemption with where it was declared. */
export interface SourcedExemption {
  exemption: Exemption;
  source: string;
}

/**
 * Exemptions declared in an entity's own catalog data (the exemptions
 * annotation). They apply to that entity only: one naming another entity is
 * refused.
 */
export function entityExemptions(
  entity: Entity,
  entityRef: string,
): { exemptions: SourcedExemption[]; errors: string[] } {
  const text = entity.metadata.annotations?.[ANNOTATION_EXEMPTIONS];
  if (!text || !text.trim()) return { exemptions: [], errors: [] };
  const source = `${entityRef} (${ANNOTATION_EXEMPTIONS})`;
  const parsed = parseExemptions(text, source);
  const errors = parsed.errors.map(e => `${e.source}: ${e.message}`);
  const exemptions: SourcedExemption[] = [];
  for (const e of parsed.exemptions) {
    if (e.entity !== undefined) {
      const named = normalizeEntityRef(e.entity);
      const own = normalizeEntityRef(entityRef);
      if (named !== own && named !== own.slice(own.indexOf(':') + 1)) {
        errors.push(
          `${source}: an exemption for ${e.entity} cannot be declared on ${entityRef}; entities exempt only themselves`,
        );
        continue;
      }
    }
    exemptions.push({ exemption: { ...e, entity: entityRef }, source });
  }
  return { exemptions, errors };
}

/**
 * Central exemption files named in config (`securityPosture.exemptions.files`),
 * read before every scan. A file that cannot be read is logged and skipped.
 */
export async function loadExemptionFiles(
  files: readonly string[],
  logger: LoggerService,
): Promise<SourcedExemption[]> {
  const out: SourcedExemption[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      logger.warn(`Exemption file ${file} could not be read: ${String(e)}`);
      continue;
    }
    const parsed = parseExemptions(text, file);
    for (const error of parsed.errors) {
      logger.warn(`Exemption file ${error.source}: ${error.message}`);
    }
    for (const exemption of parsed.exemptions) {
      out.push({ exemption, source: file });
    }
  }
  return out;
}

/** The exemptions in force for an entity at `now`, in the API's shape. */
export function activeExemptionsFor(
  exemptions: readonly SourcedExemption[],
  entityRef: string,
  now: Date,
): ApiExemption[] {
  const out: ApiExemption[] = [];
  for (const { exemption, source } of exemptions) {
    let compiled;
    try {
      compiled = compileExemption(exemption);
    } catch {
      continue;
    }
    if (
      !compiled.matchesEntity(entityRef) ||
      !isExemptionActive(compiled, now)
    ) {
      continue;
    }
    out.push(toApiExemption(exemption, entityRef, source));
  }
  return out;
}

/** Maps an engine exemption onto the API's shape. */
export function toApiExemption(
  exemption: Exemption,
  entityRef: string,
  source?: string,
): ApiExemption {
  return {
    checkId: exemption.check,
    entityRef: exemption.entity ?? entityRef,
    ...(exemption.resource ? { resource: exemption.resource } : {}),
    reason: exemption.reason,
    approver: exemption.approver,
    ...(exemption.ticket ? { ticket: exemption.ticket } : {}),
    expires: exemption.expires,
    ...(source ? { source } : {}),
  };
}
