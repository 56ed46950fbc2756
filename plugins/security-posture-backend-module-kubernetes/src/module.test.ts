import {
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The integration test runs the module inside the real plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPosturePlugin from '@internal/backstage-plugin-security-posture-backend';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import type { JsonObject } from '@backstage/types';
import { FakeApiServer } from './testUtils/FakeApiServer';
import {
  euClusterObjects,
  prodClusterObjects,
  testEntities,
} from './testUtils/estate';
import { securityPostureModuleKubernetes } from './module';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const PROD = 'https://prod.k8s.acme.test:6443';
const EU = 'https://eu.k8s.acme.test';
const api = '/api/security-posture';

/** Requests to the test backend itself go through. */
const local = http.all(/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, () =>
  passthrough(),
);

const config = (clusters: JsonObject[]) =>
  mockServices.rootConfig.factory({
    data: {
      securityPosture: {
        providers: {
          manifests: { enabled: false },
          kubernetes: { clusters },
        },
        scan: {
          schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
        },
      },
    },
  });

describe('securityPostureModuleKubernetes', () => {
  it('scans two clusters; a failing cluster leaves the other cluster’s entities intact and marks only its own partial', async () => {
    const prodApi = new FakeApiServer(PROD, 'prod-token').add(
      ...prodClusterObjects(),
    );
    const euApi = new FakeApiServer(EU, 'eu-token').add(...euClusterObjects());
    server.use(local, ...prodApi.handlers(), ...euApi.handlers());

    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        catalogServiceMock.factory({ entities: testEntities() }),
        config([
          { name: 'prod', url: PROD, serviceAccountToken: 'prod-token' },
          { name: 'eu', url: EU, serviceAccountToken: 'eu-token' },
        ]),
      ],
    });

    // The start-up scan read both clusters.
    const first = await request(backend).post(`${api}/scans`).send({});
    expect(first.status).toBe(202);
    const payments = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(payments.status).toBe(200);
    expect(payments.body).toMatchObject({ status: 'ok', statusReasons: [] });
    expect(payments.body.resourceCount).toBe(10);
    const paymentsFindings = await request(backend).get(
      `${api}/entities/component/default/payments-api/findings?limit=100`,
    );
    // The ClusterRoleBinding to cluster-admin found through the service account.
    expect(paymentsFindings.body.items.map((f: any) => f.checkId)).toContain(
      'k8s-rbac-cluster-admin-binding',
    );

    const eu = await request(backend).get(
      `${api}/entities/component/default/payments-eu`,
    );
    expect(eu.body).toMatchObject({ status: 'ok' });
    const euFindings = await request(backend).get(
      `${api}/entities/component/default/payments-eu/findings?limit=100`,
    );
    expect(euFindings.body.items.map((f: any) => f.checkId)).toContain(
      'k8s-privileged-container',
    );

    // What nobody claims is in the ownership report.
    const ownership = await request(backend).get(`${api}/ownership?limit=100`);
    expect(ownership.status).toBe(200);
    const unowned = ownership.body.unowned.items.map(
      (r: any) => `${r.provider} ${r.kind} ${r.namespace}/${r.name}`,
    );
    expect(unowned).toContain('kubernetes:prod Deployment shared/orphan');

    // The eu cluster goes down; the next scan keeps prod's results.
    euApi.fail(
      503,
      'ServiceUnavailable',
      'the server is currently unable to handle the request',
    );
    const second = await request(backend).post(`${api}/scans`).send({});
    const run = await request(backend).get(
      `${api}/scans/${second.body.scanId}`,
    );
    expect(run.body.status).toBe('succeeded');

    const euAfter = await request(backend).get(
      `${api}/entities/component/default/payments-eu`,
    );
    expect(euAfter.body.status).toBe('partial');
    expect(euAfter.body.statusReasons.join(' ')).toContain(
      'cluster eu answered 503',
    );
    expect(euAfter.body.staleSince).not.toBeNull();
    // Last known results kept, not a lower score for missing data.
    expect(euAfter.body.score).toEqual(eu.body.score);

    const batchAfter = await request(backend).get(
      `${api}/entities/component/default/eu-batch`,
    );
    expect(batchAfter.body.status).toBe('partial');

    const paymentsAfter = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(paymentsAfter.body).toMatchObject({
      status: 'ok',
      statusReasons: [],
      score: payments.body.score,
      resourceCount: 10,
    });
  });

  it('stays idle with one log line when no cluster is configured', async () => {
    const logger = mockServices.logger.mock();
    server.use(local);
    await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        catalogServiceMock.factory({ entities: testEntities() }),
        config([]),
        logger.factory,
      ],
    });
    const idle = logger.info.mock.calls.filter(([message]) =>
      String(message).includes('Kubernetes provider is idle'),
    );
    expect(idle).toHaveLength(1);
    expect(idle[0][0]).toBe(
      'Security posture Kubernetes provider is idle: no cluster is configured under securityPosture.providers.kubernetes.clusters',
    );
    expect(logger.error).not.toHaveBeenCalled();
  });
});
