import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The test runs the plugin with its provider modules, as an app installs them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPosturePlugin from '@internal/backstage-plugin-security-posture-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPostureModuleAws from '@internal/backstage-plugin-security-posture-backend-module-aws';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPostureModuleKubernetes from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
import {
  FakeApiServer,
  statusBody,
  // eslint-disable-next-line @backstage/no-mixed-plugin-imports
} from '@internal/backstage-plugin-security-posture-backend-module-kubernetes/testUtils';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { fakeAwsConfig, type AwsConfigItem } from '../testing/backend';
import { failOnUnhandledRejections } from '../testing/unhandled';

/**
 * Provider faults at the scan level, through the whole plugin with its
 * Kubernetes, AWS and manifests providers: a fault that cannot be retried
 * away makes only the entities fed by that provider `partial`, with their last
 * known score and the reason; the others do not move; faults that can be
 * retried (throttling once, an expired continue token) leave no trace; the
 * next healthy scan brings everyone back to `ok`.
 */

jest.setTimeout(300_000);
failOnUnhandledRejections();

const PROD = 'https://prod.k8s.faults.test';
const EU = 'https://eu.k8s.faults.test';
const FILES = 'https://files.faults.test';
const api = '/api/security-posture';

function deployment(name: string, id: string, privileged: boolean) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'shop',
      uid: `${name}-uid`,
      labels: { 'backstage.io/kubernetes-id': id },
    },
    spec: {
      template: {
        metadata: { labels: { 'backstage.io/kubernetes-id': id } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'example.com/app:1',
              securityContext: privileged ? { privileged: true } : {},
            },
          ],
        },
      },
    },
  };
}

const dbItem = (name: string, public_: boolean): AwsConfigItem => ({
  accountId: '111111111111',
  arn: `arn:aws:rds:eu-west-1:111111111111:db:${name}`,
  awsRegion: 'eu-west-1',
  resourceId: name,
  resourceName: name,
  resourceType: 'AWS::RDS::DBInstance',
  configuration: {
    dBInstanceIdentifier: name,
    engine: 'postgres',
    publiclyAccessible: public_,
    storageEncrypted: false,
  },
  supplementaryConfiguration: {},
  tags: {},
});

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: from-url, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: example.com/app:1}]
`;

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'group:default/team', lifecycle: 'x' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team' }],
});

const ENTITIES = {
  prod: 'component:default/on-prod',
  eu: 'component:default/on-eu',
  aws: 'resource:default/ledger-db',
  url: 'component:default/from-url',
};

const msw = setupServer();

describe('provider faults during a scan', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let prod: FakeApiServer;
  const awsState = { requests: 0 } as {
    requests: number;
    fault?: { status: number; type: string; message: string };
  };

  beforeAll(async () => {
    msw.listen({ onUnhandledRequest: 'error' });
    prod = new FakeApiServer(PROD, 'prod-token');
    // Enough objects for several pages (pageSize 2).
    prod.add(
      deployment('prod-a', 'on-prod', true),
      deployment('prod-b', 'on-prod', false),
      deployment('prod-c', 'on-prod', false),
      deployment('prod-d', 'on-prod', false),
      deployment('prod-e', 'on-prod', false),
    );
    const eu = new FakeApiServer(EU, 'eu-token').add(
      deployment('eu-a', 'on-eu', true),
    );
    msw.resetHandlers(
      ...prod.handlers(),
      ...eu.handlers(),
      fakeAwsConfig({ 'eu-west-1': [dbItem('ledger', true)] }, awsState),
      http.get(`${FILES}/app.yaml`, () => HttpResponse.text(MANIFEST)),
      http.all(/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, () =>
        passthrough(),
      ),
    );
    const started = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        securityPostureModuleAws,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: 'team', namespace: 'default' },
              spec: { type: 'team', children: [] },
            },
            entity('Component', 'on-prod', {
              'backstage.io/kubernetes-id': 'on-prod',
              'backstage.io/kubernetes-cluster': 'prod',
            }),
            entity('Component', 'on-eu', {
              'backstage.io/kubernetes-id': 'on-eu',
              'backstage.io/kubernetes-cluster': 'eu',
            }),
            entity('Resource', 'ledger-db', {
              'security-posture.backstage.io/aws-arn':
                'arn:aws:rds:eu-west-1:111111111111:db:ledger',
            }),
            entity('Component', 'from-url', {
              'security-posture.backstage.io/manifests': `${FILES}/app.yaml`,
            }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { reading: { allow: [{ host: 'files.faults.test' }] } },
            aws: {
              accounts: [
                {
                  accountId: '111111111111',
                  accessKeyId: 'AKIAFAULTS',
                  secretAccessKey: 'secret',
                },
              ],
            },
            securityPosture: {
              providers: {
                manifests: { readTimeout: { seconds: 2 } },
                kubernetes: {
                  clusters: [
                    {
                      name: 'prod',
                      url: PROD,
                      serviceAccountToken: 'prod-token',
                    },
                    { name: 'eu', url: EU, serviceAccountToken: 'eu-token' },
                  ],
                  pageSize: 2,
                  retries: 2,
                  timeout: { seconds: 10 },
                  requestTimeout: { seconds: 2 },
                },
                aws: {
                  accounts: [
                    { accountId: '111111111111', regions: ['eu-west-1'] },
                  ],
                  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
                },
              },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
                requestLimits: {
                  perEntity: { max: 100, window: { minutes: 1 } },
                  global: { max: 100, window: { minutes: 1 } },
                },
              },
            },
          },
        }),
      ],
    });
    server = started.server;
    await scan();
  });

  afterAll(() => msw.close());

  async function scan() {
    const started = Date.now();
    const res = await request(server).post(`${api}/scans`).send({});
    expect(res.status).toBe(202);
    // A scan held up by a provider fails the test instead of hanging it.
    while (Date.now() - started < 90_000) {
      const run = await request(server).get(`${api}/scans/${res.body.scanId}`);
      if (!['queued', 'running'].includes(run.body.status)) {
        return { ...run.body, ms: Date.now() - started };
      }
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('The scan did not finish within 90 seconds');
  }

  async function postures() {
    const out: Record<
      string,
      {
        status: string;
        percent: number | null;
        resources: number;
        reasons: string;
      }
    > = {};
    for (const [key, ref] of Object.entries(ENTITIES)) {
      const [kind, rest] = ref.split(':');
      const body = (
        await request(server).get(`${api}/entities/${kind}/${rest}`)
      ).body;
      out[key] = {
        status: body.status,
        percent: body.score.percent,
        resources: body.resourceCount,
        reasons: body.statusReasons.join(' | '),
      };
    }
    return out;
  }

  const STATUS = (code: number, reason: string) =>
    HttpResponse.json(statusBody(code, reason, `${reason} (injected)`), {
      status: code,
    });

  it.each([
    [
      'a Kubernetes API server that times out',
      'prod',
      () => [http.get(`${PROD}/*`, async () => delay('infinite'))],
      /prod|timed out|timeout|abort/i,
    ],
    [
      'a Kubernetes API server answering 500',
      'prod',
      () => [http.get(`${PROD}/*`, () => STATUS(500, 'InternalError'))],
      /500|InternalError/,
    ],
    [
      'a Kubernetes API server answering 403',
      'prod',
      () => [http.get(`${PROD}/*`, () => STATUS(403, 'Forbidden'))],
      /403|Forbidden/,
    ],
    [
      'AWS Config answering 500',
      'aws',
      () => {
        awsState.fault = {
          status: 500,
          type: 'InternalFailure',
          message: 'The request processing has failed',
        };
        return [];
      },
      /InternalFailure|500|failed/,
    ],
    [
      'AWS Config denying access',
      'aws',
      () => {
        awsState.fault = {
          status: 400,
          type: 'AccessDeniedException',
          message: 'not authorized to perform: config:SelectResourceConfig',
        };
        return [];
      },
      /AccessDenied|not authorized/,
    ],
    [
      'AWS Config throttling beyond the retries',
      'aws',
      () => {
        awsState.fault = {
          status: 400,
          type: 'ThrottlingException',
          message: 'Rate exceeded',
        };
        return [];
      },
      /Throttl|Rate exceeded/,
    ],
    [
      'a manifest URL answering 500',
      'url',
      () => [
        http.get(`${FILES}/app.yaml`, () =>
          HttpResponse.text('oops', { status: 500 }),
        ),
      ],
      /500/,
    ],
    [
      'a manifest URL answering 403',
      'url',
      () => [
        http.get(`${FILES}/app.yaml`, () =>
          HttpResponse.text('no', { status: 403 }),
        ),
      ],
      /403/,
    ],
    [
      'a manifest URL that never answers',
      'url',
      () => [http.get(`${FILES}/app.yaml`, async () => delay('infinite'))],
      /timed out|timeout|abort/i,
    ],
  ] as const)(
    '%s: only %s becomes partial, with its last score and the reason; the next scan recovers',
    async (_what, affected, inject, reason) => {
      const before = await postures();
      for (const p of Object.values(before)) expect(p.status).toBe('ok');
      msw.use(...inject());
      const faulty = await scan();
      const during = await postures();
      msw.resetHandlers();
      awsState.fault = undefined;

      // The scan itself ends cleanly, in bounded time.
      expect(faulty.status).toBe('succeeded');
      expect(faulty.ms).toBeLessThan(60_000);
      // The affected entity keeps its last score, partial, with the reason;
      // the others do not move.
      const reasonMatcher = expect.stringMatching(reason);
      const expected = Object.fromEntries(
        Object.entries(before).map(([key, value]) => [
          key,
          key === affected
            ? {
                ...value,
                status: 'partial',
                reasons: reasonMatcher,
              }
            : value,
        ]),
      );
      expect(during).toEqual(expected);
      await scan();
      expect(await postures()).toEqual(before);
    },
  );

  it.each([
    [
      'throttled once (429 with Retry-After)',
      () => prod.throttleOnceOn('Deployment'),
    ],
    [
      'a continue token that expires mid-list (410 Gone)',
      () => prod.expireContinueTokens('Deployment'),
    ],
  ])(
    'a Kubernetes API server %s is retried within the scan: nothing changes',
    async (_what, inject) => {
      const before = await postures();
      const requests = prod.requests.length;
      inject();
      const result = await scan();
      expect(result.status).toBe('succeeded');
      expect(await postures()).toEqual(before);
      // The fault was met (and got past) in this scan.
      expect(
        prod.requests.slice(requests).filter(r => r.includes('/deployments'))
          .length,
      ).toBeGreaterThan(3);
    },
  );
});
