import { parseLocationRef, type Entity } from '@backstage/catalog-model';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ANNOTATION_MANAGED_BY_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
} from '@internal/backstage-plugin-security-posture-node';
import { dirname, resolve as resolvePath } from 'node:path';

/**
 * Comma-separated SARIF files or directories, relative to the entity's catalog
 * file (as `security-posture.backstage.io/manifests`), or absolute http(s) URLs.
 */
export const ANNOTATION_SARIF = 'security-posture.backstage.io/sarif';

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
      try {
        targets.push(
          urlTarget(
            integrations.resolveUrl({ url: item, base: base.target }),
            item,
          ),
        );
      } catch (e) {
        errors.push(
          `${item}: cannot resolve against ${base.target}: ${String(e)}`,
        );
      }
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

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[::1?\]|\[f[cd][0-9a-f]*:.*\]|\[fe80:.*\])$/i;

/**
 * Refuses URLs pointing at loopback, link-local (cloud metadata) or private
 * addresses written as literals, whatever `backend.reading.allow` says.
 */
export function refusedUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url}: not a valid URL`;
  }
  if (PRIVATE_HOST.test(parsed.hostname)) {
    return `${url}: loopback, link-local and private addresses are not read`;
  }
  return undefined;
}
