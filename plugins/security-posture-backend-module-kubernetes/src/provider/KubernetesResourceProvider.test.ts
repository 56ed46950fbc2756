import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ProviderEntityIndex,
  ProviderUnavailableError,
  type ListedResource,
  type ResourceProviderContext,
} from '@internal/backstage-plugin-security-posture-node';
import { setupServer } from 'msw/node';
import { FakeApiServer } from '../testUtils/FakeApiServer';
import {
  euClusterObjects,
  prodClusterObjects,
  testEntities,
} from '../testUtils/estate';
import { readKubernetesProviderConfig } from '../config';
import { KubernetesClustersService } from '../service/KubernetesClustersService';
import { KubernetesResourceProvider } from './KubernetesResourceProvider';

const server = setupServer();
registerMswTestHooks(server);

const PROD = 'https://prod.k8s.acme.test:6443';
const EU = 'https://eu.k8s.acme.test';

function setup(extra: Record<string, unknown> = {}) {
  const config = readKubernetesProviderConfig(
    new ConfigReader({
      securityPosture: {
        providers: {
          kubernetes: {
            pageSize: 3,
            clusters: [
              { name: 'prod', url: PROD, serviceAccountToken: 'prod-token' },
              { name: 'eu', url: EU, serviceAccountToken: 'eu-token' },
            ],
            ...extra,
          },
        },
      },
    }),
  );
  const logger = mockServices.logger.mock();
  const service = new KubernetesClustersService({
    config,
    logger,
    retryDelayMs: 1,
  });
  const types = ['k8s.workload', 'k8s.namespace'];
  return {
    service,
    logger,
    prod: new KubernetesResourceProvider('prod', service, types),
    eu: new KubernetesResourceProvider('eu', service, types),
  };
}

function context(entities = testEntities()): ResourceProviderContext {
  return {
    signal: new AbortController().signal,
    logger: mockServices.logger.mock(),
    now: new Date('2026-01-01T00:00:00Z'),
    // The scan's entities, as the backend passes them.
    entities: ProviderEntityIndex.fromEntities(entities),
  };
}

async function collect(
  provider: KubernetesResourceProvider,
  ctx: ResourceProviderContext,
): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  for await (const batch of provider.listResources(ctx)) out.push(...batch);
  return out;
}

/** `Kind namespace/name` of the resources an entity owns. */
function ownedBy(listed: ListedResource[], ref: string): string[] {
  return listed
    .filter(l => l.hints.entityRefs?.includes(ref))
    .map(
      l =>
        `${l.resource.kind} ${
          l.resource.namespace ? `${l.resource.namespace}/` : ''
        }${l.resource.name}`,
    )
    .sort();
}

function unowned(listed: ListedResource[]): string[] {
  return listed
    .filter(l => !l.hints.entityRefs?.length)
    .map(
      l =>
        `${l.resource.kind} ${
          l.resource.namespace ? `${l.resource.namespace}/` : ''
        }${l.resource.name}`,
    )
    .sort();
}

describe('KubernetesResourceProvider', () => {
  let prodApi: FakeApiServer;
  let euApi: FakeApiServer;

  beforeEach(() => {
    prodApi = new FakeApiServer(PROD, 'prod-token').add(
      ...prodClusterObjects(),
    );
    euApi = new FakeApiServer(EU, 'eu-token').add(...euClusterObjects());
    server.use(...prodApi.handlers(), ...euApi.handlers());
  });

  it('attributes live objects and namespace-level objects to the entities the Kubernetes plugin annotations select', async () => {
    const { prod } = setup();
    const listed = await collect(prod, context());

    expect(ownedBy(listed, 'component:default/payments-api')).toEqual([
      // RBAC granted to the workload's service account, and the roles it references
      'ClusterRole cluster-admin',
      'ClusterRoleBinding payments-api-admin',
      // labelled objects
      'ConfigMap payments/payments-config',
      'Deployment payments/payments-api',
      // the namespace it runs in (Pod Security labels) and its network policies
      'Namespace payments',
      'NetworkPolicy payments/default-deny',
      'Role payments/config-reader',
      'RoleBinding payments/payments-api-config',
      'Service payments/payments-api',
      'ServiceAccount payments/payments-api',
    ]);
    // ReplicaSets and Pods of the Deployment are folded into it.
    expect(listed.some(l => l.resource.kind === 'ReplicaSet')).toBe(false);
    expect(listed.some(l => l.resource.kind === 'Pod')).toBe(false);

    // Label selector annotation, matched against the pod template labels too;
    // `tier in (backend)` leaves ledger-frontend out.
    expect(ownedBy(listed, 'component:default/ledger')).toEqual([
      'Deployment shared/ledger-worker',
      'Namespace shared',
    ]);

    // Namespace pin: the CronJob of the same id in `payments` is not reports'.
    expect(ownedBy(listed, 'component:default/reports')).toEqual([
      'CronJob shared/nightly-report',
      'Namespace shared',
    ]);

    // Pinned to the eu cluster: nothing in prod.
    expect(ownedBy(listed, 'component:default/payments-eu')).toEqual([]);
  });

  it('lists what no entity claims for the unowned report, without the cluster plumbing', async () => {
    const { prod } = setup();
    const listed = await collect(prod, context());
    const names = unowned(listed);
    expect(names).toEqual(
      expect.arrayContaining([
        'CronJob payments/nightly-report',
        'Deployment shared/ledger-frontend',
        'Deployment shared/orphan',
      ]),
    );
    // kube-system is never listed; built-in RBAC, default service accounts and
    // kube-root-ca.crt are not reported.
    expect(names.some(n => n.includes('kube-system'))).toBe(false);
    expect(names).not.toContain('ClusterRole system:basic-user');
    expect(names).not.toContain('ServiceAccount payments/default');
    expect(names).not.toContain('ConfigMap payments/kube-root-ca.crt');
    expect(
      prodApi.requests.filter(r => r.includes('/namespaces?'))[0],
    ).toContain('fieldSelector=metadata.name%21%3Dkube-system');
  });

  it('produces canonical resources located in their cluster', async () => {
    const { prod } = setup();
    const listed = await collect(prod, context());
    const deployment = listed.find(
      l =>
        l.resource.kind === 'Deployment' && l.resource.name === 'payments-api',
    )!.resource;
    expect(deployment).toMatchObject({
      uid: 'k8s:prod/apps/v1/Deployment/payments/payments-api',
      type: 'k8s.workload',
      namespace: 'payments',
      source: {
        format: 'kubernetes-live',
        provider: 'kubernetes',
        location: 'prod',
      },
    });
    // managedFields never reach the raw document kept for evidence.
    expect((deployment.raw as any).metadata.managedFields).toBeUndefined();
  });

  it('lists each kind once per cluster per scan however many providers ask', async () => {
    const { service, prod } = setup();
    const ctx = context();
    await collect(prod, ctx);
    const first = prodApi.requests.length;
    await service.getSnapshot('prod', ctx);
    await collect(prod, ctx);
    expect(prodApi.requests.length).toBe(first);
    // A new scan lists again.
    await collect(prod, context());
    expect(prodApi.requests.length).toBe(first * 2);
  });

  it("resolves owners from the scan's entities, not from a catalog query of its own", async () => {
    const { prod } = setup();
    // Without payments-api among the scan's entities, its objects are unowned.
    const listed = await collect(
      prod,
      context(testEntities().filter(e => e.metadata.name !== 'payments-api')),
    );
    expect(ownedBy(listed, 'component:default/payments-api')).toEqual([]);
    expect(unowned(listed)).toContain('Deployment payments/payments-api');

    // A backend that does not pass them makes the cluster unavailable, loudly.
    const { prod: other } = setup();
    const error = await collect(other, {
      ...context(),
      entities: undefined,
    }).catch(e => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain('context.entities');
  });

  it('restarts a list whose continue token expired and still attributes every object', async () => {
    prodApi.expireContinueTokens('Deployment', 1);
    const { prod, logger } = setup();
    const listed = await collect(prod, context());
    expect(ownedBy(listed, 'component:default/payments-api')).toContain(
      'Deployment payments/payments-api',
    );
    expect(listed.filter(l => l.resource.kind === 'Deployment')).toHaveLength(
      4,
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('(1 lists restarted after 410 Gone)'),
    );
  });

  it('fails only the cluster that cannot be read', async () => {
    euApi.fail(
      403,
      'Forbidden',
      'pods is forbidden: User "system:serviceaccount:backstage:posture" cannot list resource "pods" in API group "" at the cluster scope',
      ['Pod'],
    );
    const { prod, eu } = setup();
    const ctx = context();

    const error = await collect(eu, ctx).catch(e => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain('cluster eu forbids listing pods');

    const listed = await collect(prod, ctx);
    expect(ownedBy(listed, 'component:default/payments-api')).toContain(
      'Deployment payments/payments-api',
    );
  });

  it('gives up on a cluster that does not answer within its timeout', async () => {
    euApi.hang(5_000);
    const { eu, prod } = setup({ requestTimeout: { milliseconds: 100 } });
    const ctx = context();
    const started = Date.now();
    const error = await collect(eu, ctx).catch(e => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toMatch(
      /cluster eu: GET \/apis\/apps\/v1\/.* did not answer within 100 ms/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(collect(prod, ctx)).resolves.not.toHaveLength(0);
  });

  it('bounds the whole listing of a cluster by its timeout', async () => {
    euApi.hang(300);
    const { eu } = setup({
      clusters: [
        { name: 'prod', url: PROD, serviceAccountToken: 'prod-token' },
        {
          name: 'eu',
          url: EU,
          serviceAccountToken: 'eu-token',
          timeout: { milliseconds: 500 },
        },
      ],
    });
    const error = await collect(eu, context()).catch(e => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toBe(
      'cluster eu could not be listed within 500 ms (securityPosture.providers.kubernetes timeout)',
    );
  });

  it('reports a rejected token as the cluster being unavailable', async () => {
    const { eu } = setup({
      clusters: [
        { name: 'prod', url: PROD, serviceAccountToken: 'prod-token' },
        { name: 'eu', url: EU, serviceAccountToken: 'expired-token' },
      ],
    });
    const error = await collect(eu, context()).catch(e => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain(
      'cluster eu rejected the service account token (401 Unauthorized)',
    );
  });

  it('applies to the entities pinned to its cluster only', () => {
    const { prod, eu } = setup();
    const [payments, , , paymentsEu] = testEntities();
    expect(eu.appliesTo(paymentsEu)).toBe(true);
    expect(prod.appliesTo(paymentsEu)).toBe(false);
    expect(prod.appliesTo(payments)).toBe(false);
  });

  it('warns about entities with an invalid label selector', async () => {
    const { prod, logger } = setup();
    await collect(prod, context());
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'component:default/broken-selector: unbalanced "("',
      ),
    );
  });
});
