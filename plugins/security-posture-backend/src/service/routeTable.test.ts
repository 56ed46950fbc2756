import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import request from 'supertest';
import {
  FakeProvider,
  initialAnswers,
  TEST_CHECKS,
  testCatalog,
} from '../__testUtils__/fixtures';
import { recordRootRoutes, type Route } from '../__testUtils__/routeTable';
import { securityPosturePlugin } from '../plugin';
import { steeredPermissions } from '../__testUtils__/permissions';

/**
 * The route table, read from the router the plugin really serves (the express
 * stack mounted at /api/security-posture, Backstage's own middleware included),
 * not from a hand-kept list: every route needs credentials except /health;
 * with a denying policy single reads answer 403 and lists leave out what the
 * caller may not read; scan triggers need security-posture.scan.create and are
 * rate-limited.
 */

jest.setTimeout(120_000);

const { policy, permissions } = steeredPermissions({
  claims: ['group:default/leaf1'],
});

const fake = new FakeProvider();
const testModule = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'route-table-sources',
  register(env) {
    env.registerInit({
      deps: {
        providers: securityPostureResourceProvidersExtensionPoint,
        checks: securityPostureChecksExtensionPoint,
      },
      async init({ providers, checks }) {
        providers.addResourceProvider(fake);
        checks.addChecks(TEST_CHECKS);
      },
    });
  },
});

const SAMPLE: Record<string, string> = {
  kind: 'component',
  namespace: 'default',
  name: 'b',
  id: '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
};

/** A concrete URL for a route pattern. */
function concrete(path: string, values: Record<string, string> = {}): string {
  return path.replace(/:(\w+)\??/g, (_m, p: string) => {
    // Backstage's own routes (actions, scheduler, auth cookie) take any value.
    const value =
      values[p] ??
      SAMPLE[p] ??
      (path.startsWith('/.backstage/') ? 'x' : undefined);
    if (value === undefined) {
      throw new Error(`No sample value for route parameter :${p} in ${path}`);
    }
    return value;
  });
}

/** Entity refs that appear anywhere in a JSON body. */
function refsIn(body: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      if (/^(component|resource|system|domain|group):[^/\s]+\/\S+$/.test(v)) {
        out.push(v);
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(body);
  return out;
}

describe('the route table of the security-posture router', () => {
  const api = '/api/security-posture';
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let routes: Route[];

  beforeAll(async () => {
    initialAnswers(fake);
    const recorder = recordRootRoutes();
    const backend = await startTestBackend({
      features: [
        securityPosturePlugin,
        testModule,
        catalogServiceMock.factory({ entities: testCatalog() }),
        permissions.factory,
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: { manifests: { enabled: false } },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
                requestLimits: {
                  perEntity: { max: 2, window: { minutes: 10 } },
                  global: { max: 4, window: { minutes: 10 } },
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    routes = recorder.routes(api);
  });

  beforeEach(() => {
    policy.read = 'all';
    policy.scan = true;
  });

  const ours = () => routes.filter(r => !r.path.startsWith('/.backstage/'));
  const isSingleRead = (r: Route) =>
    r.method === 'get' && /:name\b/.test(r.path);

  it('is read from the served router, and holds the documented routes', () => {
    const table = routes.map(r => `${r.method.toUpperCase()} ${r.path}`);
    // The table docs/reliability.md quotes.
    process.stdout.write(
      `\nroute table (${table.length}):\n${table.join('\n')}\n`,
    );
    expect(table).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /entities/:kind/:namespace/:name',
        'GET /entities/:kind/:namespace/:name/findings',
        'GET /entities/:kind/:namespace/:name/history',
        'GET /teams/:namespace/:name',
        'GET /teams/:namespace/:name/history',
        'GET /leaderboard',
        'GET /frameworks',
        'GET /ownership',
        'GET /checks',
        'POST /scans',
        'GET /scans/:id',
      ]),
    );
    // No route is registered twice (the first would shadow the second).
    expect(new Set(table).size).toBe(table.length);
  });

  it('answers 401 on every route without credentials, except /health', async () => {
    const answers: string[] = [];
    for (const route of routes) {
      const res = await (request(server) as any)
        [route.method](`${api}${concrete(route.path)}`)
        .set('Authorization', mockCredentials.none.header());
      answers.push(`${route.method} ${route.path} ${res.status}`);
    }
    expect(answers).toEqual(
      routes.map(r => {
        const key = `${r.method} ${r.path}`;
        if (key === 'get /health') return `${key} 200`;
        // Backstage's own public signing keys (service-to-service tokens) are
        // public by design; the mock auth service has none to list.
        if (key === 'get /.backstage/auth/v1/jwks.json') return `${key} 500`;
        return `${key} 401`;
      }),
    );
    // A forged token is no better than none.
    for (const route of routes.filter(
      r => r.path !== '/health' && !r.path.endsWith('/jwks.json'),
    )) {
      const res = await (request(server) as any)
        [route.method](`${api}${concrete(route.path)}`)
        .set('Authorization', 'Bearer not-a-token');
      expect(`${route.path} ${res.status}`).toBe(`${route.path} 401`);
    }
  });

  it('answers 403 on every single read when the policy denies it, and lists show nothing', async () => {
    policy.read = 'none';
    policy.scan = false;
    const singles = ours().filter(isSingleRead);
    expect(singles.length).toBeGreaterThanOrEqual(5);
    for (const route of singles) {
      const variants: Array<Record<string, string>> = [
        {},
        { kind: 'system', name: 'shop' },
        { kind: 'group', name: 'dept' },
      ];
      for (const values of variants) {
        const path = concrete(
          route.path,
          route.path.startsWith('/teams') ? { name: 'dept' } : values,
        );
        const res = await request(server).get(`${api}${path}`);
        expect(`${path} ${res.status}`).toBe(`${path} 403`);
      }
    }
    for (const route of ours().filter(
      r => r.method === 'get' && !isSingleRead(r) && r.path !== '/health',
    )) {
      const path = concrete(route.path);
      const res = await request(server).get(`${api}${path}`);
      // Scan runs need security-posture.scan.create; lists are answered.
      const expected = path.startsWith('/scans/') ? 403 : 200;
      expect(`${path} ${res.status}`).toBe(`${path} ${expected}`);
      expect(`${path} ${refsIn(res.body).join(', ')}`).toBe(`${path} `);
    }
    for (const route of ours().filter(r => r.method !== 'get')) {
      const res = await (request(server) as any)
        [route.method](`${api}${concrete(route.path)}`)
        .send({});
      expect(`${route.path} ${res.status}`).toBe(`${route.path} 403`);
    }
  });

  it('leaves out of every list what the caller may not read', async () => {
    const readable = new Set([
      'component:default/a',
      'group:default/leaf1',
      'system:default/shop',
    ]);
    policy.read = readable;
    const lists = ours().filter(
      r =>
        r.method === 'get' &&
        r.path !== '/health' &&
        !r.path.startsWith('/scans/'),
    );
    const seen = new Set<string>();
    for (const route of lists) {
      const path = concrete(
        route.path,
        route.path.startsWith('/teams')
          ? { name: 'leaf1' }
          : { kind: 'system', name: 'shop' },
      );
      const res = await request(server).get(`${api}${path}`);
      expect(`${path} ${res.status}`).toBe(`${path} 200`);
      refsIn(res.body).forEach(ref => seen.add(ref));
      const leaked = refsIn(res.body).filter(ref => !readable.has(ref));
      expect(`${path} ${[...new Set(leaked)].join(', ')}`).toBe(`${path} `);
    }
    // What the caller may read is listed.
    expect([...seen].sort()).toEqual([...readable].sort());
    // The readable entity is there; its unreadable neighbour is 403.
    expect(
      (await request(server).get(`${api}/entities/component/default/a`)).status,
    ).toBe(200);
    expect(
      (await request(server).get(`${api}/entities/component/default/b`)).status,
    ).toBe(403);
  });

  it('rate-limits scan requests per entity and in total, with Retry-After', async () => {
    const post = (body: object) =>
      request(server).post(`${api}/scans`).send(body);
    const waitFor = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const run = await request(server).get(`${api}/scans/${id}`);
        if (!['queued', 'running'].includes(run.body.status)) return;
        await new Promise(r => setTimeout(r, 50));
      }
    };
    // Per entity: two requests in the window (perEntity.max 2).
    for (let i = 0; i < 2; i++) {
      const ok = await post({ entityRef: 'component:default/a' });
      expect(ok.status).toBe(202);
      await waitFor(ok.body.scanId);
    }
    const third = await post({ entityRef: 'component:default/a' });
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(500);
    expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(third.body.error.message).toMatch(
      /^Too many scan requests for component:default\/a: at most 2 every 10 minutes; retry in \d+ seconds$/,
    );
    // Another entity still may, until the global budget (4) is spent.
    for (const ref of ['component:default/b', 'resource:default/c']) {
      const ok = await post({ entityRef: ref });
      expect(ok.status).toBe(202);
      await waitFor(ok.body.scanId);
    }
    const global = await post({});
    expect(global.status).toBe(429);
    expect(global.body.error.message).toContain(
      'Too many scan requests in total',
    );
    expect(Number(global.headers['retry-after'])).toBeGreaterThan(0);
    // Without the permission, 403 comes first (no rate-limit probing).
    policy.scan = false;
    expect((await post({})).status).toBe(403);
  });
});
