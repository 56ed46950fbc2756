import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import fc from 'fast-check';
import request from 'supertest';
import {
  FakeProvider,
  initialAnswers,
  TEST_CHECKS,
  testCatalog,
} from '../__testUtils__/fixtures';
import { recordRootRoutes, type Route } from '../__testUtils__/routeTable';
import { securityPosturePlugin } from '../plugin';

/**
 * Random and adversarial entity refs, route parameters, query strings and
 * bodies into every route of the plugin: never a 5xx, always a JSON error with
 * a message a person can read, no unhandled rejection. FUZZ_RUNS_SCALE scales
 * the number of requests.
 */

jest.setTimeout(300_000);

const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? '1');

const unhandled: string[] = [];
const onRejection = (reason: unknown) => {
  unhandled.push(String((reason as Error)?.stack ?? reason));
};

const fake = new FakeProvider();
const testModule = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'fuzz-sources',
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

/** Percent-encodes any string (lone surrogates as their UTF-8 replacement). */
function encodeAny(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return [...Buffer.from(v, 'utf8')]
      .map(b => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
  }
}

/** Strings that break naive parsing, escaping or matching. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '.',
    '..',
    '../../etc/passwd',
    '%00',
    '%',
    '%E0%A4%A',
    '\u0000',
    '\ud800',
    "'; drop table findings; --",
    '" or 1=1 --',
    '(a+)+$',
    '.*',
    '[',
    '\\',
    '${jndi:ldap://x}',
    '__proto__',
    'constructor',
    'component:default/a',
    'Component:Default/A',
    'x'.repeat(5000),
    '1e400',
    '-1',
    '0',
    '99999999999999999999',
    'NaN',
    '2026-13-45',
    '2026-11-28T10:00:00Z',
  ),
);

/** Values for known route parameters, sometimes valid. */
const paramValue = (name: string) =>
  fc.oneof(
    nasty,
    fc.constantFrom(
      ...({
        kind: ['component', 'group', 'system', 'domain', 'resource', 'widget'],
        namespace: ['default', 'Default', 'other'],
        name: ['a', 'b', 'dept', 'leaf1', 'nope', 'A', 'shop'],
        id: ['3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f', 'not-a-uuid'],
      }[name] ?? ['x']),
    ),
  );

const KNOWN_QUERY = [
  'limit',
  'cursor',
  'status',
  'severity',
  'category',
  'from',
  'to',
  'windowDays',
  'regressions',
  'sort',
];

/** A query string: known and unknown keys, repeated keys, qs brackets. */
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...KNOWN_QUERY),
        fc.constantFrom('a[b]', 'limit[]', 'status[0]', '__proto__[x]'),
        nasty,
      ),
      nasty,
    ),
    { maxLength: 5 },
  )
  .map(pairs =>
    pairs
      .map(([k, v]) => `${/[[\]]/.test(k) ? k : encodeAny(k)}=${encodeAny(v)}`)
      .join('&'),
  );

const body = fc.oneof(
  fc.constant({}),
  fc.record(
    { entityRef: fc.oneof(nasty, fc.jsonValue()) },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
  fc.dictionary(nasty, fc.jsonValue(), { maxKeys: 3 }),
);

describe('random input into every route', () => {
  let routes: Route[] = [];
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const counts = { requests: 0, byStatus: new Map<number, number>() };
  const slowest = new Map<string, number>();

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    initialAnswers(fake);
    const recorder = recordRootRoutes();
    const backend = await startTestBackend({
      features: [
        securityPosturePlugin,
        testModule,
        catalogServiceMock.factory({ entities: testCatalog() }),
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: { manifests: { enabled: false } },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    // The plugin's own routes (Backstage's /.backstage routes are not ours).
    routes = recorder
      .routes('/api/security-posture')
      .filter(r => !r.path.startsWith('/.') && r.path !== '/health');
  });

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    process.stdout.write(
      `\nroute fuzz: ${counts.requests} requests, by status ${JSON.stringify(
        Object.fromEntries([...counts.byStatus].sort((a, b) => a[0] - b[0])),
      )}\n`,
    );
    process.stdout.write(
      `slowest answer per route (ms): ${JSON.stringify(
        Object.fromEntries(slowest),
      )}\n`,
    );
  });

  /** What is wrong with an answer, or undefined. */
  function problemWith(
    where: string,
    url: string,
    res: { status: number; body: any; text?: string },
  ): string | undefined {
    if (res.status >= 500) return `${where} -> ${res.status}: ${res.text}`;
    if (res.status < 400) return undefined;
    // Node's HTTP parser answers, with no body, before any router sees the
    // request: 431 to a request line over 16 KiB (several 5,000-character
    // parameters), 400 to raw bytes outside ASCII in the path.
    if (!res.text && res.status === 431 && url.length > 16 * 1024) {
      return undefined;
    }
    // eslint-disable-next-line no-control-regex
    if (!res.text && res.status === 400 && /[^\x00-\x7f]/.test(url)) {
      return undefined;
    }
    const message = res.body?.error?.message;
    return typeof message === 'string' && message.trim().length > 3
      ? undefined
      : `${where} -> ${res.status} without an error message: ${res.text?.slice(
          0,
          200,
        )}`;
  }

  /** The path of a route with the given parameter values. */
  function pathOf(route: Route, values: string[], encode: boolean): string {
    let i = 0;
    return route.path.replace(/:(\w+)/g, () => {
      const v = values[i++];
      // Raw or encoded: express decodes, or refuses a malformed escape. Raw
      // values keep the path's shape: no separators, no dot segments (URL
      // normalisation would turn them into another, unrouted path).
      if (encode) return encodeAny(v);
      const raw = v.replace(/[/?#\s\\]/g, '_');
      return raw === '.' || raw === '..' ? `_${raw}` : raw;
    });
  }

  async function fuzzRoute(route: Route) {
    const params = [...route.path.matchAll(/:(\w+)/g)].map(m => m[1]);
    const arbitrary = fc.record({
      values: fc.tuple(...params.map(paramValue)),
      query: queryString,
      body,
      encode: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        arbitrary,
        async ({ values, query, body: b, encode }) => {
          const path = pathOf(route, values as string[], encode);
          const url = `/api/security-posture${path}${query ? `?${query}` : ''}`;
          const started = Date.now();
          let res;
          try {
            res =
              route.method === 'post'
                ? await request(server)
                    .post(url)
                    .set('Content-Type', 'application/json')
                    .send(JSON.stringify(b) ?? 'null')
                : await request(server).get(url);
          } catch (e) {
            // Node refuses to send some raw characters in a path.
            if (
              (e as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS'
            ) {
              return;
            }
            throw e;
          }
          counts.requests++;
          counts.byStatus.set(
            res.status,
            (counts.byStatus.get(res.status) ?? 0) + 1,
          );
          slowest.set(
            route.path,
            Math.max(slowest.get(route.path) ?? 0, Date.now() - started),
          );
          const problem = problemWith(
            `${route.method.toUpperCase()} ${url.slice(0, 300)}`,
            url,
            res,
          );
          if (problem) throw new Error(problem);
        },
      ),
      { endOnFailure: true, numRuns: Math.max(1, Math.round(250 * SCALE)) },
    );
  }

  it('every route answers bad input with a clear 4xx, never a 5xx', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      await fuzzRoute(route);
    }
  });

  it('left no promise rejection unhandled', async () => {
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(unhandled).toEqual([]);
  });
});
