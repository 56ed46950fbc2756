import { delay, http, HttpResponse, type HttpHandler } from 'msw';

type Json = Record<string, any>;

/** A `Status` object as the API server sends with every error. */
export function statusBody(code: number, reason: string, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

const GROUPS: Record<string, { path: string; plural: string }> = {
  Deployment: { path: '/apis/apps/v1', plural: 'deployments' },
  StatefulSet: { path: '/apis/apps/v1', plural: 'statefulsets' },
  DaemonSet: { path: '/apis/apps/v1', plural: 'daemonsets' },
  ReplicaSet: { path: '/apis/apps/v1', plural: 'replicasets' },
  ReplicationController: { path: '/api/v1', plural: 'replicationcontrollers' },
  CronJob: { path: '/apis/batch/v1', plural: 'cronjobs' },
  Job: { path: '/apis/batch/v1', plural: 'jobs' },
  Pod: { path: '/api/v1', plural: 'pods' },
  Service: { path: '/api/v1', plural: 'services' },
  Ingress: { path: '/apis/networking.k8s.io/v1', plural: 'ingresses' },
  ConfigMap: { path: '/api/v1', plural: 'configmaps' },
  Secret: { path: '/api/v1', plural: 'secrets' },
  Namespace: { path: '/api/v1', plural: 'namespaces' },
  NetworkPolicy: {
    path: '/apis/networking.k8s.io/v1',
    plural: 'networkpolicies',
  },
  ServiceAccount: { path: '/api/v1', plural: 'serviceaccounts' },
  RoleBinding: {
    path: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'rolebindings',
  },
  ClusterRoleBinding: {
    path: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterrolebindings',
  },
  Role: { path: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles' },
  ClusterRole: {
    path: '/apis/rbac.authorization.k8s.io/v1',
    plural: 'clusterroles',
  },
  PolicyReport: {
    path: '/apis/wgpolicyk8s.io/v1alpha2',
    plural: 'policyreports',
  },
  ClusterPolicyReport: {
    path: '/apis/wgpolicyk8s.io/v1alpha2',
    plural: 'clusterpolicyreports',
  },
};

/** The list path the API server serves a kind at. */
export function listPath(kind: string): string {
  const g = GROUPS[kind];
  if (!g) throw new Error(`FakeApiServer: unknown kind ${kind}`);
  return `${g.path}/${g.plural}`;
}

/**
 * A fake Kubernetes API server for msw: serves cluster-wide lists of the objects
 * it holds, paged with `limit` and opaque `continue` tokens, honouring
 * `fieldSelector=metadata.namespace!=x` (and `metadata.name!=x`), checking the
 * bearer token, and answering like the real one when asked to misbehave: 410 Gone
 * for a continue token taken before a compaction, 401, 403, 429, 500, hanging.
 * Kinds it holds no objects of are not served (404 with a text body, as for
 * API groups that are not installed).
 */
export class FakeApiServer {
  /** Every request received: `METHOD path?query`. */
  readonly requests: string[] = [];
  private readonly objects = new Map<string, Json[]>();
  private readonly list = new Map<
    string,
    { kind: string; apiVersion: string }
  >();
  /** Continue tokens issued before this generation are expired. */
  private generation = 0;
  /** Paths whose next continue request triggers a compaction (410), count of times. */
  private readonly compactions = new Map<string, number>();
  private failure?: {
    status: number;
    reason: string;
    message: string;
    paths?: string[];
  };
  private hangMs?: number;
  private throttleOnce = new Set<string>();

  constructor(readonly url: string, readonly token: string) {}

  /** Adds objects (full objects with apiVersion, kind and metadata). */
  add(...objects: Json[]): this {
    for (const o of objects) {
      const path = listPath(o.kind);
      const items = this.objects.get(path) ?? [];
      items.push(o);
      this.objects.set(path, items);
      this.list.set(path, { kind: `${o.kind}List`, apiVersion: o.apiVersion });
    }
    return this;
  }

  /** The next `times` continue requests on the kind get 410 Gone (the store was compacted). */
  expireContinueTokens(kind: string, times = 1): this {
    this.compactions.set(listPath(kind), times);
    return this;
  }

  /** Every request (or those to the kinds given) gets this error. */
  fail(
    status: number,
    reason: string,
    message: string,
    kinds?: string[],
  ): this {
    this.failure = { status, reason, message, paths: kinds?.map(listPath) };
    return this;
  }

  /** Every request waits this long before answering. */
  hang(ms: number): this {
    this.hangMs = ms;
    return this;
  }

  /** The first request to the kind gets 429 with `Retry-After: 0`. */
  throttleOnceOn(kind: string): this {
    this.throttleOnce.add(listPath(kind));
    return this;
  }

  handlers(): HttpHandler[] {
    return [
      http.get(`${this.url}/*`, async ({ request }) => {
        const url = new URL(request.url);
        const path = url.pathname;
        this.requests.push(`GET ${path}${url.search}`);
        if (this.hangMs) await delay(this.hangMs);
        if (request.headers.get('authorization') !== `Bearer ${this.token}`) {
          return HttpResponse.json(
            statusBody(401, 'Unauthorized', 'Unauthorized'),
            {
              status: 401,
            },
          );
        }
        if (
          this.failure &&
          (!this.failure.paths || this.failure.paths.includes(path))
        ) {
          const { status, reason, message } = this.failure;
          return HttpResponse.json(statusBody(status, reason, message), {
            status,
          });
        }
        if (this.throttleOnce.delete(path)) {
          return HttpResponse.json(
            statusBody(
              429,
              'TooManyRequests',
              'Too many requests, please try again later.',
            ),
            { status: 429, headers: { 'Retry-After': '0' } },
          );
        }
        const all = this.objects.get(path);
        if (!all) {
          return new HttpResponse('404 page not found\n', {
            status: 404,
            headers: { 'Content-Type': 'text/plain; charset=utf-8' },
          });
        }
        const limit = Number(url.searchParams.get('limit') ?? '0');
        const token = url.searchParams.get('continue');
        let offset = 0;
        if (token) {
          const parsed = JSON.parse(Buffer.from(token, 'base64').toString());
          const pending = this.compactions.get(path) ?? 0;
          if (pending > 0) {
            this.compactions.set(path, pending - 1);
            this.generation++;
          }
          if (parsed.generation < this.generation) {
            return HttpResponse.json(
              {
                ...statusBody(
                  410,
                  'Expired',
                  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
                ),
                metadata: { continue: 'inconsistent-token' },
              },
              { status: 410 },
            );
          }
          offset = parsed.offset;
        }
        const excluded = (url.searchParams.get('fieldSelector') ?? '')
          .split(',')
          .filter(Boolean)
          .map(s => /^(metadata\.(?:namespace|name))!=(.*)$/.exec(s))
          .filter((m): m is RegExpExecArray => !!m);
        const matching = all.filter(
          o =>
            !excluded.some(([, field, value]) =>
              field === 'metadata.namespace'
                ? o.metadata.namespace === value
                : o.metadata.name === value,
            ),
        );
        const end = limit > 0 ? offset + limit : matching.length;
        const page = matching.slice(offset, end);
        const more = end < matching.length;
        const { kind, apiVersion } = this.list.get(path)!;
        return HttpResponse.json({
          kind,
          apiVersion,
          metadata: {
            resourceVersion: String(1000 + this.generation),
            ...(more
              ? {
                  continue: Buffer.from(
                    JSON.stringify({
                      offset: end,
                      generation: this.generation,
                    }),
                  ).toString('base64'),
                  remainingItemCount: matching.length - end,
                }
              : {}),
          },
          // List items carry no apiVersion and kind.
          items: page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
        });
      }),
    ];
  }
}
