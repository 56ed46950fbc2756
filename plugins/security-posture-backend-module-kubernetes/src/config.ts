import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_KUBERNETES_KINDS,
  KUBERNETES_KINDS,
  type KubernetesKindSpec,
} from './kinds';

/**
 * One cluster the provider reads.
 * @public
 */
export interface KubernetesClusterConfig {
  /** Unique name; the `source.location` of its resources and part of the provider id. */
  name: string;
  /** API server URL. */
  url: string;
  /** Only `serviceAccount` is supported. */
  authProvider: 'serviceAccount';
  /**
   * Bearer token of the service account. When absent, the token mounted into the
   * backend's own pod is used (the backend runs in the cluster).
   */
  serviceAccountToken?: string;
  /** Base64 PEM of the CA that signed the API server certificate. */
  caData?: string;
  /** Path of a PEM file of that CA. */
  caFile?: string;
  /** Turns TLS verification off; never in production. */
  skipTLSVerify: boolean;
  /** Budget for listing the whole cluster in one scan. */
  timeoutMs: number;
  /** Budget for one HTTP request. */
  requestTimeoutMs: number;
  /** Where the cluster was configured. */
  origin:
    | 'securityPosture.providers.kubernetes.clusters'
    | 'kubernetes.clusterLocatorMethods';
}

/**
 * Everything the module reads from `securityPosture.providers.kubernetes`.
 * @public
 */
export interface KubernetesProviderConfig {
  clusters: KubernetesClusterConfig[];
  /** Kinds listed in every cluster, in listing order. */
  kinds: KubernetesKindSpec[];
  /** `limit` of each list request. */
  pageSize: number;
  /** Namespaces never listed. */
  excludeNamespaces: string[];
  /** Retries of a request answered 429 or 5xx, or cut off by the network. */
  retries: number;
  /** Problems found while reading the config that did not stop the module (logged once). */
  warnings: string[];
}

const ROOT = 'securityPosture.providers.kubernetes';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

function durationMs(
  config: Config | undefined,
  key: string,
  fallback: number,
  where: string,
): number {
  if (!config?.has(key)) return fallback;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (e) {
    throw new Error(
      `${where}.${key} must be a duration such as { seconds: 30 } or "30s": ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
  }
  if (!(ms > 0)) throw new Error(`${where}.${key} must be longer than zero`);
  return ms;
}

function readCluster(
  c: Config,
  where: string,
  origin: KubernetesClusterConfig['origin'],
  defaults: { timeoutMs: number; requestTimeoutMs: number },
): KubernetesClusterConfig {
  const name = c.getString('name');
  if (!NAME.test(name)) {
    throw new Error(
      `${where}: cluster name "${name}" must be 1-48 letters, digits, ".", "_" or "-"`,
    );
  }
  const url = c.getString('url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${where}: cluster "${name}" has an invalid url "${url}"`);
  }
  const skipTLSVerify = c.getOptionalBoolean('skipTLSVerify') ?? false;
  if (parsed.protocol === 'http:' && !skipTLSVerify) {
    throw new Error(
      `${where}: cluster "${name}" uses plain http; use https, or set skipTLSVerify: true for a local kubectl proxy`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(
      `${where}: cluster "${name}" url must be http(s), got ${parsed.protocol}`,
    );
  }
  const authMetadata = c.getOptional('authMetadata') as
    | Record<string, unknown>
    | undefined;
  const fromMetadata = authMetadata?.['kubernetes.io/auth-provider'];
  const authProvider =
    c.getOptionalString('authProvider') ??
    (typeof fromMetadata === 'string' ? fromMetadata : undefined) ??
    'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new Error(
      `${where}: cluster "${name}" uses authProvider "${authProvider}"; only "serviceAccount" is supported`,
    );
  }
  return {
    name,
    url: url.replace(/\/+$/, ''),
    authProvider: 'serviceAccount',
    serviceAccountToken:
      c.getOptionalString('serviceAccountToken') || undefined,
    caData: c.getOptionalString('caData') || undefined,
    caFile: c.getOptionalString('caFile') || undefined,
    skipTLSVerify,
    timeoutMs: durationMs(c, 'timeout', defaults.timeoutMs, where),
    requestTimeoutMs: durationMs(
      c,
      'requestTimeout',
      defaults.requestTimeoutMs,
      where,
    ),
    origin,
  };
}

/** Clusters of the Kubernetes plugin's `config` cluster locators that use a service account. */
function kubernetesPluginClusters(
  root: Config,
  defaults: { timeoutMs: number; requestTimeoutMs: number },
  warnings: string[],
): KubernetesClusterConfig[] {
  const out: KubernetesClusterConfig[] = [];
  const methods =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  methods.forEach((method, i) => {
    if (method.getOptionalString('type') !== 'config') return;
    (method.getOptionalConfigArray('clusters') ?? []).forEach((c, j) => {
      const where = `kubernetes.clusterLocatorMethods[${i}].clusters[${j}]`;
      try {
        out.push(
          readCluster(c, where, 'kubernetes.clusterLocatorMethods', defaults),
        );
      } catch (e) {
        warnings.push(
          `${where} is not reused: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    });
  });
  return out;
}

/**
 * Reads `securityPosture.providers.kubernetes` (and, with
 * `useKubernetesPluginClusters: true`, the Kubernetes plugin's `config` cluster
 * locators). Throws on invalid configuration, naming the key.
 * @public
 */
export function readKubernetesProviderConfig(
  root: Config,
): KubernetesProviderConfig {
  const c = root.getOptionalConfig(ROOT);
  const warnings: string[] = [];
  const defaults = {
    timeoutMs: durationMs(c, 'timeout', DEFAULT_TIMEOUT_MS, ROOT),
    requestTimeoutMs: durationMs(
      c,
      'requestTimeout',
      DEFAULT_REQUEST_TIMEOUT_MS,
      ROOT,
    ),
  };
  const enabled = c?.getOptionalBoolean('enabled') ?? true;
  const clusters: KubernetesClusterConfig[] = [];
  const names = new Set<string>();
  if (enabled) {
    (c?.getOptionalConfigArray('clusters') ?? []).forEach((cluster, i) => {
      const parsed = readCluster(
        cluster,
        `${ROOT}.clusters[${i}]`,
        'securityPosture.providers.kubernetes.clusters',
        defaults,
      );
      if (names.has(parsed.name)) {
        throw new Error(
          `${ROOT}.clusters[${i}]: duplicate cluster name "${parsed.name}"`,
        );
      }
      names.add(parsed.name);
      clusters.push(parsed);
    });
    if (c?.getOptionalBoolean('useKubernetesPluginClusters')) {
      for (const cluster of kubernetesPluginClusters(
        root,
        defaults,
        warnings,
      )) {
        if (names.has(cluster.name)) continue;
        names.add(cluster.name);
        clusters.push(cluster);
      }
    }
  }

  const kindNames = c?.getOptionalStringArray('kinds') ?? [
    ...DEFAULT_KUBERNETES_KINDS,
  ];
  const known = new Map(KUBERNETES_KINDS.map(k => [k.kind.toLowerCase(), k]));
  const wanted = new Set<string>();
  for (const name of kindNames) {
    const spec = known.get(name.toLowerCase());
    if (!spec) {
      throw new Error(
        `${ROOT}.kinds: unknown kind "${name}"; known kinds are ${KUBERNETES_KINDS.map(
          k => k.kind,
        ).join(', ')}`,
      );
    }
    wanted.add(spec.kind);
  }
  const pageSize = c?.getOptionalNumber('pageSize') ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    throw new Error(`${ROOT}.pageSize must be a whole number from 1 to 5000`);
  }
  const retries = c?.getOptionalNumber('retries') ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new Error(`${ROOT}.retries must be a whole number from 0 to 10`);
  }
  return {
    clusters,
    kinds: KUBERNETES_KINDS.filter(k => wanted.has(k.kind)),
    pageSize,
    excludeNamespaces: c?.getOptionalStringArray('excludeNamespaces') ?? [
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ],
    retries,
    warnings,
  };
}
