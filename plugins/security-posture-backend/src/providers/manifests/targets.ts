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
export type ManifestTarget =
  | {
      kind: 'local';
      /** Absolute path on the backend host. */
      path: string;
      /** The item as written in the annotation (for messages and resource sources). */
      display: string;
    }
  | {
      kind: 'url';
      url: string;
      /** A directory (read with readTree) rather than one file. */
      tree: boolean;
      display: string;
    };

const FILE_EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * Resolves the items of the manifests annotation: absolute http(s) URLs as they
 * are, relative paths against the entity's catalog file (`managed-by-location`,
 * else `source-location`) — a local path for `file:` locations, a URL resolved
 * through the SCM integrations for `url:` locations, inside the repository of the
 * catalog file. Other URL schemes (`file:`, `ftp:` …) are refused.
 */
export function resolveManifestTargets(
  entity: Entity,
  items: readonly string[],
  integrations: ScmIntegrationRegistry,
): { targets: ManifestTarget[]; errors: string[] } {
  const targets: ManifestTarget[] = [];
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
        continue;
      }
      targets.push(urlTarget(item, item));
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

function urlTarget(url: string, display: string): ManifestTarget {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // Reported when read.
  }
  return {
    kind: 'url',
    url,
    tree: !FILE_EXTENSIONS.test(pathname),
    display,
  };
}

/**
 * Whether a Terraform address is under a prefix: the same address, a child
 * (`module.app` covers `module.app.aws_s3_bucket.logs`) or an instance
 * (`aws_s3_bucket.logs` covers `aws_s3_bucket.logs[0]`).
 */
export function addressMatchesPrefix(address: string, prefix: string): boolean {
  if (address === prefix) return true;
  if (!address.startsWith(prefix)) return false;
  const next = address.charAt(prefix.length);
  return next === '.' || next === '[';
}

/**
 * Refuses URLs that point at the local machine, cloud metadata services,
 * loopback, link-local, private or reserved addresses (literals in any
 * notation), carry credentials or use another scheme than http(s), whatever
 * `backend.reading.allow` says (see `refusedUrlReason`).
 */
export function checkUrlHost(url: string): string | undefined {
  return refusedUrlReason(url);
}
