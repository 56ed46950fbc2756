import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { KubernetesClusterConfig } from '../config';
import {
  apiVersionOf,
  listPathOf,
  resourceNameOf,
  type KubernetesKindSpec,
} from '../kinds';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const IN_CLUSTER_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';
/** One page larger than this is refused (a misbehaving server must not exhaust memory). */
const MAX_PAGE_BYTES = 128 * 1024 * 1024;
/** How often a list is restarted after its continue token expired (410 Gone). */
const MAX_RESTARTS = 3;

/**
 * An answer of the API server that is not a success, or no answer at all
 * (`status` 0: timeout or network failure).
 * @public
 */
export class KubernetesApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubernetesApiError';
  }
}

/** What a list returned. */
export interface ListResult {
  /** Items, with `apiVersion` and `kind` filled in (list items carry neither). */
  items: JsonObject[];
  /** Requests made (pages, retries and restarts included). */
  requests: number;
  /** Times the list was restarted because its continue token expired. */
  restarts: number;
}

/** Options of {@link KubernetesApiClient}. */
export interface KubernetesApiClientOptions {
  pageSize: number;
  retries: number;
  /** Base of the exponential backoff between retries (tests use a small value). */
  retryDelayMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const state: { timer?: ReturnType<typeof setTimeout> } = {};
    const onAbort = () => {
      clearTimeout(state.timer);
      reject(signal.reason);
    };
    state.timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function statusMessage(body: unknown): { message?: string; reason?: string } {
  if (body && typeof body === 'object') {
    const b = body as JsonObject;
    return {
      message: typeof b.message === 'string' ? b.message : undefined,
      reason: typeof b.reason === 'string' ? b.reason : undefined,
    };
  }
  return {};
}

/**
 * Reads one cluster's API server: cluster-wide lists paged with `limit` and
 * `continue`, restarted from the beginning when the continue token expired
 * (410 Gone), 429 and 5xx answers retried with backoff (honouring `Retry-After`),
 * every request bounded by the cluster's request timeout.
 *
 * TLS and the bearer token come from `@kubernetes/client-node`'s `KubeConfig`
 * (CA data or file, `skipTLSVerify`, the mounted service-account token when the
 * backend runs in the cluster), so verification is on unless configured off.
 */
export class KubernetesApiClient {
  private readonly kubeConfig: KubeConfig;

  constructor(
    readonly cluster: KubernetesClusterConfig,
    private readonly options: KubernetesApiClientOptions,
  ) {
    const inCluster = !cluster.serviceAccountToken;
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      {
        name: cluster.name,
        server: cluster.url,
        skipTLSVerify: cluster.skipTLSVerify,
        caData: cluster.caData,
        caFile:
          cluster.caFile ??
          (inCluster && !cluster.caData && existsSync(IN_CLUSTER_CA)
            ? IN_CLUSTER_CA
            : undefined),
      },
      inCluster
        ? {
            name: 'security-posture',
            authProvider: {
              name: 'tokenFile',
              config: { tokenFile: IN_CLUSTER_TOKEN },
            },
          }
        : { name: 'security-posture', token: cluster.serviceAccountToken },
    );
    this.kubeConfig = kc;
  }

  /**
   * Connection options for a series of requests: a fresh agent and the current
   * token (a mounted token is re-read, so rotation is picked up).
   */
  async connection(): Promise<https.RequestOptions> {
    if (!this.cluster.serviceAccountToken && !existsSync(IN_CLUSTER_TOKEN)) {
      throw new KubernetesApiError(
        `cluster ${this.cluster.name}: no serviceAccountToken is configured and the backend does not run in a cluster (${IN_CLUSTER_TOKEN} is missing)`,
        401,
      );
    }
    const options: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    return options;
  }

  /**
   * Every object of a kind in the cluster, or `undefined` when the server does not
   * serve the kind (404: API group or version not installed).
   */
  async listAll(
    spec: KubernetesKindSpec,
    opts: {
      signal: AbortSignal;
      connection?: https.RequestOptions;
      fieldSelector?: string;
    },
  ): Promise<ListResult | undefined> {
    const connection = opts.connection ?? (await this.connection());
    const path = listPathOf(spec);
    const apiVersion = apiVersionOf(spec);
    let requests = 0;
    let restarts = 0;
    for (;;) {
      const items: JsonObject[] = [];
      let token: string | undefined;
      let expired = false;
      do {
        const query = new URLSearchParams({
          limit: String(this.options.pageSize),
        });
        if (token) query.set('continue', token);
        if (opts.fieldSelector) query.set('fieldSelector', opts.fieldSelector);
        const { status, body, attempts } = await this.get(
          `${path}?${query}`,
          connection,
          opts.signal,
        );
        requests += attempts;
        if (status === 404 && !token) return undefined;
        if (status === 410 && token) {
          expired = true;
          break;
        }
        if (status < 200 || status >= 300) {
          throw this.failure(spec, status, body);
        }
        const list = body as JsonObject | undefined;
        const page = Array.isArray(list?.items) ? list!.items : undefined;
        if (!page) {
          throw new KubernetesApiError(
            `cluster ${this.cluster.name}: the answer to GET ${path} is not a list`,
            status,
          );
        }
        for (const item of page) {
          if (item && typeof item === 'object' && !Array.isArray(item)) {
            const o = item as JsonObject;
            o.apiVersion ??= apiVersion;
            o.kind ??= spec.kind;
            items.push(o);
          }
        }
        const metadata = list!.metadata as JsonObject | undefined;
        const next = metadata?.continue;
        token = typeof next === 'string' && next !== '' ? next : undefined;
      } while (token);
      if (!expired) return { items, requests, restarts };
      restarts++;
      if (restarts > MAX_RESTARTS) {
        throw new KubernetesApiError(
          `cluster ${this.cluster.name}: listing ${resourceNameOf(
            spec,
          )} was restarted ${MAX_RESTARTS} times because its continue token kept expiring (410 Gone); the cluster changes faster than it can be listed with pageSize ${
            this.options.pageSize
          }`,
          410,
          'Expired',
        );
      }
    }
  }

  /** The error for an unsuccessful list answer, with what to do about it. */
  private failure(
    spec: KubernetesKindSpec,
    status: number,
    body: unknown,
  ): KubernetesApiError {
    const { message, reason } = statusMessage(body);
    const name = this.cluster.name;
    const what = resourceNameOf(spec);
    const detail = message ? `: ${message}` : '';
    if (status === 401) {
      return new KubernetesApiError(
        `cluster ${name} rejected the service account token (401 Unauthorized)${detail}`,
        status,
        reason,
      );
    }
    if (status === 403) {
      return new KubernetesApiError(
        `cluster ${name} forbids listing ${what} in all namespaces (403 Forbidden)${detail}; grant the service account get and list on ${what}, or remove ${spec.kind} from securityPosture.providers.kubernetes.kinds`,
        status,
        reason,
      );
    }
    return new KubernetesApiError(
      `cluster ${name} answered ${status} to listing ${what}${detail}`,
      status,
      reason,
    );
  }

  /** One GET with retries on 429, 5xx and connection failures. */
  private async get(
    pathAndQuery: string,
    connection: https.RequestOptions,
    signal: AbortSignal,
  ): Promise<{ status: number; body: unknown; attempts: number }> {
    const base = this.options.retryDelayMs ?? 500;
    let attempt = 0;
    for (;;) {
      attempt++;
      let retryAfterMs: number | undefined;
      try {
        const answer = await this.request(pathAndQuery, connection, signal);
        const retryable = answer.status === 429 || answer.status >= 500;
        if (!retryable || attempt > this.options.retries) {
          return { ...answer, attempts: attempt };
        }
        retryAfterMs = answer.retryAfterMs;
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        const timedOut =
          e instanceof KubernetesApiError && e.reason === 'Timeout';
        if (timedOut || attempt > this.options.retries) throw e;
      }
      const backoff = Math.min(base * 2 ** (attempt - 1), 10_000);
      await sleep(Math.min(retryAfterMs ?? backoff, 30_000), signal);
    }
  }

  /** One HTTP GET returning the status and the parsed JSON body. */
  private request(
    pathAndQuery: string,
    connection: https.RequestOptions,
    outer: AbortSignal,
  ): Promise<{ status: number; body: unknown; retryAfterMs?: number }> {
    const url = new URL(`${this.cluster.url}${pathAndQuery}`);
    const timeoutMs = this.cluster.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([outer, timeout]);
    const transport = url.protocol === 'http:' ? http : https;
    const where = `cluster ${this.cluster.name}: GET ${url.pathname}`;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          ...connection,
          method: 'GET',
          headers: { ...connection.headers, Accept: 'application/json' },
          signal,
        },
        res => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_PAGE_BYTES) {
              req.destroy(
                new KubernetesApiError(
                  `${where}: the answer is larger than ${MAX_PAGE_BYTES} bytes; lower pageSize`,
                  0,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              if (status >= 200 && status < 300) {
                reject(
                  new KubernetesApiError(
                    `${where}: the answer is not JSON`,
                    status,
                  ),
                );
                return;
              }
              body = undefined;
            }
            const retryAfter = Number(res.headers['retry-after']);
            resolve({
              status,
              body,
              retryAfterMs:
                Number.isFinite(retryAfter) && retryAfter >= 0
                  ? retryAfter * 1000
                  : undefined,
            });
          });
        },
      );
      req.on('error', (e: Error) => {
        if (outer.aborted) {
          reject(outer.reason);
        } else if (timeout.aborted) {
          reject(
            new KubernetesApiError(
              `${where} did not answer within ${timeoutMs} ms`,
              0,
              'Timeout',
            ),
          );
        } else if (e instanceof KubernetesApiError) {
          reject(e);
        } else {
          reject(new KubernetesApiError(`${where} failed: ${e.message}`, 0));
        }
      });
      req.end();
    });
  }
}
