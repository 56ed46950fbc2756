import { parseLocationRef, type Entity } from '@backstage/catalog-model';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ANNOTATION_MANAGED_BY_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  refusedUrlReason,
  resolveInRepository,
} from '@internal/backstage-plugin-security-posture-node';
import { dirname, resolve as resolvePath } from 'node:path';

/** Where one annotation item points. */
export type SarifTarget =
  | { kind: 'local'; path: string; display: string }
  | { kind: 'url'; url: string; tree: boolean; display: string };

/** File names read as SARIF inside a directory. */
export const SARIF_FILE = /\.sarif(\.json)?$/i;
const FILE = /\.(sarif|json)$/i;

/**
 * Resolves the items of the SARIF annotation the way the manifests provider
 * resolves its own: http(s) URLs as they are; relative paths against the entity's
 * `managed-by-location` (else `source-location`) — a local path for `file:`
 * locations, a URL through the SCM integrations for `url:` locations. Other
 * schemes are refused.
 */
export function resolveSarifTargets(
  entity: Entity,
  items: readonly string[],
  integrations: ScmIntegrationRegistry,
): { targets: SarifTarget[]; errors: string[] } {
  const targets: SarifTarget[] = [];
  const errors: string[] = [];
  const annotations = entity.metadata.annotations ?? {};
  const baseRef =
    annotations[ANNOTATION_MANAGED_BY_LOCATION] ??
    annotations[ANNOTATION_SOURCE_LOCATION];
  let base: { type: string; target: string } | undefined;
  if (baseRef) {
    try {
      base = parseLocationRef(baseRef);
    } catch (e) {
      errors.push(
        `cannot read the entity's location ${JSON.stringify(baseRef)}: ${String(
          e,
        )}`,
      );
    }
  }
  for (const item of items) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(item)?.[1]?.toLowerCase();
    if (scheme && scheme.length > 1) {
      if (scheme !== 'http' && scheme !== 'https') {
        errors.push(
          `${item}: only http(s) URLs or paths relative to the entity's catalog file are allowed`,
        );
      } else {
        targets.push(urlTarget(item, item));
      }
      continue;
    }
    if (!base) {
      errors.push(
        `${item}: a relative path needs the entity's ${ANNOTATION_MANAGED_BY_LOCATION} annotation`,
      );
      continue;
    }
    if (base.type === 'file') {
      targets.push({
        kind: 'local',
        path: resolvePath(dirname(base.target), item),
        display: item,
      });
    } else if (base.type === 'url') {
      const resolved = resolveInRepository(integrations, item, base.target);
      if ('error' in resolved) errors.push(resolved.error);
      else targets.push(urlTarget(resolved.url, item));
    } else {
      errors.push(
        `${item}: cannot resolve a relative path against a ${base.type} location`,
      );
    }
  }
  return { targets, errors };
}

function urlTarget(url: string, display: string): SarifTarget {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // Reported when read.
  }
  return { kind: 'url', url, tree: !FILE.test(pathname), display };
}

/**
 * Refuses URLs pointing at the local machine, cloud metadata services,
 * loopback, link-local, private or reserved addresses (literals in any
 * notation) or carrying credentials, whatever `backend.reading.allow` says.
 */
export function refusedUrl(url: string): string | undefined {
  return refusedUrlReason(url);
}
