import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { FakeApiServer } from '../testUtils/FakeApiServer';
import type { KubernetesClusterConfig } from '../config';
import { KUBERNETES_KINDS, type KubernetesKindSpec } from '../kinds';
import { KubernetesApiClient, KubernetesApiError } from './KubernetesApiClient';

const server = setupServer();
registerMswTestHooks(server);

const URL = 'https://prod.k8s.acme.test:6443';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.test-token';

const deployments = KUBERNETES_KINDS.find(k => k.kind === 'Deployment')!;
const pods = KUBERNETES_KINDS.find(k => k.kind === 'Pod')!;

function cluster(
  overrides: Partial<KubernetesClusterConfig> = {},
): KubernetesClusterConfig {
  return {
    name: 'prod',
    url: URL,
    authProvider: 'serviceAccount',
    serviceAccountToken: TOKEN,
    skipTLSVerify: false,
    timeoutMs: 60_000,
    requestTimeoutMs: 5_000,
    origin: 'securityPosture.providers.kubernetes.clusters',
    ...overrides,
  };
}

function deployment(i: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `app-${i}`, namespace: 'default' },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
  };
}

function client(
  pageSize = 2,
  overrides: Partial<KubernetesClusterConfig> = {},
  retries = 2,
) {
  return new KubernetesApiClient(cluster(overrides), {
    pageSize,
    retries,
    retryDelayMs: 1,
  });
}

const list = (c: KubernetesApiClient, spec: KubernetesKindSpec = deployments) =>
  c.listAll(spec, { signal: new AbortController().signal });

describe('KubernetesApiClient', () => {
  it('pages through a list with limit and continue, sending the bearer token', async () => {
    const api = new FakeApiServer(URL, TOKEN).add(
      ...[1, 2, 3, 4, 5].map(deployment),
    );
    server.use(...api.handlers());

    const result = await list(client(2));

    expect(result!.items.map(i => (i.metadata as any).name)).toEqual([
      'app-1',
      'app-2',
      'app-3',
      'app-4',
      'app-5',
    ]);
    // List items come without apiVersion/kind; the client restores them.
    expect(result!.items[0]).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
    });
    expect(api.requests).toHaveLength(3);
    expect(api.requests[0]).toBe('GET /apis/apps/v1/deployments?limit=2');
    expect(api.requests[1]).toMatch(/limit=2&continue=/);
    expect(result!.requests).toBe(3);
  });

  it('asks for 500 objects per page by default', async () => {
    const api = new FakeApiServer(URL, TOKEN).add(deployment(1));
    server.use(...api.handlers());
    await list(client(500));
    expect(api.requests).toEqual(['GET /apis/apps/v1/deployments?limit=500']);
  });

  it('restarts the list from the beginning when the continue token expired (410 Gone)', async () => {
    const api = new FakeApiServer(URL, TOKEN)
      .add(...[1, 2, 3, 4, 5].map(deployment))
      .expireContinueTokens('Deployment', 1);
    server.use(...api.handlers());

    const result = await list(client(2));

    // Complete, in order, no duplicates from the abandoned first attempt.
    expect(result!.items.map(i => (i.metadata as any).name)).toEqual([
      'app-1',
      'app-2',
      'app-3',
      'app-4',
      'app-5',
    ]);
    expect(result!.restarts).toBe(1);
    // page 1, expired page 2, then a fresh list of 3 pages without a token.
    expect(api.requests).toHaveLength(5);
    expect(api.requests[2]).toBe('GET /apis/apps/v1/deployments?limit=2');
  });

  it('gives up when the continue token keeps expiring', async () => {
    const api = new FakeApiServer(URL, TOKEN)
      .add(...[1, 2, 3].map(deployment))
      .expireContinueTokens('Deployment', 10);
    server.use(...api.handlers());

    await expect(list(client(2))).rejects.toThrow(
      /restarted 3 times because its continue token kept expiring \(410 Gone\)/,
    );
  });

  it('reports a rejected token (401)', async () => {
    const api = new FakeApiServer(URL, 'another-token').add(deployment(1));
    server.use(...api.handlers());

    const error = await list(client()).catch(e => e);
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'cluster prod rejected the service account token (401 Unauthorized): Unauthorized',
    );
    // Not retried: credentials do not get better by asking again.
    expect(api.requests).toHaveLength(1);
  });

  it('names the missing RBAC grant on 403', async () => {
    const api = new FakeApiServer(URL, TOKEN)
      .add(deployment(1))
      .fail(
        403,
        'Forbidden',
        'deployments.apps is forbidden: User "system:serviceaccount:backstage:security-posture" cannot list resource "deployments" in API group "apps" at the cluster scope',
      );
    server.use(...api.handlers());

    const error = await list(client()).catch(e => e);
    expect(error.status).toBe(403);
    expect(error.message).toContain('forbids listing deployments.apps');
    expect(error.message).toContain(
      'grant the service account get and list on deployments.apps',
    );
    expect(error.message).toContain('cannot list resource "deployments"');
  });

  it('retries a throttled request (429 with Retry-After) and succeeds', async () => {
    const api = new FakeApiServer(URL, TOKEN)
      .add(deployment(1))
      .throttleOnceOn('Deployment');
    server.use(...api.handlers());

    const result = await list(client());
    expect(result!.items).toHaveLength(1);
    expect(api.requests).toHaveLength(2);
  });

  it('fails after its retries when the server keeps answering 500', async () => {
    const api = new FakeApiServer(URL, TOKEN)
      .add(deployment(1))
      .fail(500, 'InternalError', 'etcdserver: request timed out');
    server.use(...api.handlers());

    const error = await list(client(2, {}, 2)).catch(e => e);
    expect(error.message).toBe(
      'cluster prod answered 500 to listing deployments.apps: etcdserver: request timed out',
    );
    expect(api.requests).toHaveLength(3);
  });

  it('times out a request that does not answer, without retrying it', async () => {
    const api = new FakeApiServer(URL, TOKEN).add(deployment(1)).hang(2_000);
    server.use(...api.handlers());

    const started = Date.now();
    const error = await list(client(2, { requestTimeoutMs: 100 })).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error.message).toBe(
      'cluster prod: GET /apis/apps/v1/deployments did not answer within 100 ms',
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(api.requests).toHaveLength(1);
  });

  it('returns undefined for a kind the server does not serve (404)', async () => {
    const api = new FakeApiServer(URL, TOKEN).add(deployment(1));
    server.use(...api.handlers());
    await expect(list(client(), pods)).resolves.toBeUndefined();
  });

  it('stops when the scan is aborted', async () => {
    const api = new FakeApiServer(URL, TOKEN).add(deployment(1)).hang(2_000);
    server.use(...api.handlers());
    const controller = new AbortController();
    const pending = client().listAll(deployments, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('scan cancelled')), 50);
    await expect(pending).rejects.toThrow('scan cancelled');
  });

  it('refuses to send a token over plain http unless TLS verification is off', async () => {
    await expect(
      client(2, { url: 'http://localhost:8001' }).connection(),
    ).rejects.toThrow(/HTTP protocol is not allowed/);
    await expect(
      client(2, {
        url: 'http://localhost:8001',
        skipTLSVerify: true,
      }).connection(),
    ).resolves.toMatchObject({ headers: { Authorization: `Bearer ${TOKEN}` } });
  });
});
