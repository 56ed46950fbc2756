import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  KubernetesClustersService,
  readKubernetesProviderConfig,
} from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
import {
  euClusterObjects,
  FakeApiServer,
  prodClusterObjects,
  testEntities,
} from '@internal/backstage-plugin-security-posture-backend-module-kubernetes/testUtils';
import {
  ProviderEntityIndex,
  ProviderUnavailableError,
  type ListedResource,
  type ResourceProviderContext,
} from '@internal/backstage-plugin-security-posture-node';
import {
  createPostureEngine,
  resolveControls,
} from '@internal/security-posture-engine';
import { setupServer } from 'msw/node';
import { euReports, prodReports } from '../__testUtils__/reports';
import {
  createImportedChecks,
  type ImportedResultAttributes,
} from '../imported';
import { DEFAULT_MAPPING, ResultMapping } from '../mapping';
import { PolicyReportsProvider } from './PolicyReportsProvider';

const server = setupServer();
registerMswTestHooks(server);

const PROD = 'https://prod.k8s.acme.test:6443';
const EU = 'https://eu.k8s.acme.test';

const mapping = new ResultMapping(DEFAULT_MAPPING, resolveControls(), {
  warnAs: 'skip',
  userRules: 0,
});

function setup() {
  const kubernetes = new KubernetesClustersService({
    config: readKubernetesProviderConfig(
      new ConfigReader({
        securityPosture: {
          providers: {
            kubernetes: {
              clusters: [
                { name: 'prod', url: PROD, serviceAccountToken: 'prod-token' },
                { name: 'eu', url: EU, serviceAccountToken: 'eu-token' },
              ],
            },
          },
        },
      }),
    ),
    logger: mockServices.logger.mock(),
    retryDelayMs: 1,
  });
  const logger = mockServices.logger.mock();
  return {
    logger,
    prod: new PolicyReportsProvider('prod', { kubernetes, mapping, logger }),
    eu: new PolicyReportsProvider('eu', { kubernetes, mapping, logger }),
  };
}

function context(): ResourceProviderContext {
  return {
    signal: new AbortController().signal,
    logger: mockServices.logger.mock(),
    now: new Date('2026-01-01T00:00:00Z'),
    // The scan's entities, as the backend passes them.
    entities: ProviderEntityIndex.fromEntities(testEntities()),
  };
}

async function collect(
  provider: PolicyReportsProvider,
  ctx: ResourceProviderContext = context(),
): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  for await (const batch of provider.listResources(ctx)) out.push(...batch);
  return out;
}

const of = (listed: ListedResource[], ref: string) =>
  listed.filter(l => l.hints.entityRefs?.includes(ref)).map(l => l.resource);

describe('PolicyReportsProvider', () => {
  let prodApi: FakeApiServer;
  let euApi: FakeApiServer;

  beforeEach(() => {
    prodApi = new FakeApiServer(PROD, 'prod-token').add(
      ...prodClusterObjects(),
      ...prodReports(),
    );
    euApi = new FakeApiServer(EU, 'eu-token').add(
      ...euClusterObjects(),
      ...euReports(),
    );
    server.use(...prodApi.handlers(), ...euApi.handlers());
  });

  it('imports Kyverno and Trivy operator results onto the entity owning the reported object', async () => {
    const { prod } = setup();
    const listed = await collect(prod);
    const mine = of(listed, 'component:default/payments-api');
    const summary = mine
      .map(r => {
        const a = r.attributes as ImportedResultAttributes;
        return `${a.checkId} ${a.outcome} ${r.kind}/${r.name} ${a.source}:${a.policy}`;
      })
      .sort();
    expect(summary).toEqual([
      // Kyverno: the Pod's result and the Deployment's autogen result are one
      // result on the Deployment; the worse verdict stands.
      'policy-report-images-scanned-critical fail Deployment/payments-api Trivy Vulnerability:2 results',
      'policy-report-images-scanned-medium error Deployment/payments-api kyverno:restrict-image-registries',
      'policy-report-images-scanned-medium fail Deployment/payments-api kyverno:disallow-latest-tag',
      'policy-report-no-overprivileged-roles-medium fail ClusterRoleBinding/payments-api-admin kyverno:restrict-binding-clusteradmin',
      'policy-report-no-privileged-containers-high pass Deployment/payments-api Trivy ConfigAudit:Privileged',
      'policy-report-no-privileged-containers-medium fail Deployment/payments-api kyverno:disallow-host-namespaces',
      'policy-report-no-privileged-containers-medium pass Deployment/payments-api kyverno:disallow-capabilities',
      'policy-report-resource-limits-enforced-low fail Deployment/payments-api Trivy ConfigAudit:CPU not limited',
      'policy-report-resource-limits-enforced-medium pass Deployment/payments-api kyverno:require-requests-limits',
    ]);
    const hostNamespaces = mine.find(
      r =>
        (r.attributes as ImportedResultAttributes).policy ===
        'disallow-host-namespaces',
    )!;
    expect(hostNamespaces).toMatchObject({
      uid: 'policy-report:prod/kyverno/disallow-host-namespaces/host-namespaces/Deployment/payments/payments-api',
      type: 'import.policy-report',
      namespace: 'payments',
      source: {
        format: 'policy-report',
        provider: 'policy-reports',
        location: 'prod',
      },
      attributes: {
        count: 2,
        failing: 1,
        reportedOn: { kind: 'Pod', name: 'payments-api-7d9f8c6b5-x2kqp' },
      },
    });
  });

  it('leaves out results nobody owns, on excluded namespaces, unmapped or not scored', async () => {
    const { prod, logger } = setup();
    const listed = await collect(prod);
    expect(listed.every(l => l.hints.entityRefs?.length)).toBe(true);
    expect(
      listed.some(l => ['orphan', 'coredns'].includes(l.resource.name)),
    ).toBe(false);
    expect(
      prodApi.requests.find(r =>
        r.startsWith('GET /apis/wgpolicyk8s.io/v1alpha2/policyreports'),
      ),
    ).toContain('fieldSelector=metadata.namespace%21%3Dkube-system');
    expect(logger.info).toHaveBeenCalledWith(
      'Security posture: cluster prod: 15 results in 6 policy reports, 9 imported; 2 not mapped, 1 skipped or not scored, 1 on objects no entity owns',
    );
  });

  it('turns imported results into findings and control verdicts through the generated checks', async () => {
    const { prod } = setup();
    const listed = await collect(prod);
    const engine = createPostureEngine({
      checks: createImportedChecks(mapping),
    });
    const assessment = engine.assess(
      of(listed, 'component:default/payments-api'),
      { entity: 'component:default/payments-api' },
    );
    const control = (id: string) =>
      assessment.score.controls.find(c => c.id === id)!;
    expect(control('no_privileged_containers').status).toBe('fail');
    expect(control('images_scanned').status).toBe('fail');
    expect(control('no_overprivileged_roles').status).toBe('fail');
    // Controls no imported result speaks about stay not applicable.
    expect(control('mfa_enabled_all_admins').status).toBe('not_applicable');

    const vulnerabilities = assessment.findings.find(
      f => f.checkId === 'policy-report-images-scanned-critical',
    )!;
    expect(vulnerabilities).toMatchObject({
      severity: 'critical',
      category: 'compute',
      status: 'fail',
      message:
        'Trivy Vulnerability: 2 of 2 results failing on Deployment payments/payments-api: CVE-2023-0286 (high), CVE-2022-43551 (critical)',
    });
    const hostNs = assessment.findings.find(
      f => f.checkId === 'policy-report-no-privileged-containers-medium',
    )!;
    expect(hostNs.message).toContain(
      'kyverno: disallow-host-namespaces / host-namespaces on Pod payments/payments-api-7d9f8c6b5-x2kqp (of Deployment payments/payments-api) — validation error: Sharing the host namespaces is disallowed.',
    );
    expect(hostNs.evidence).toEqual([{ path: 'result', value: 'fail' }]);
    // Kyverno could not evaluate restrict-image-registries: an error, not a pass.
    expect(assessment.findings.find(f => f.status === 'error')?.checkId).toBe(
      'policy-report-images-scanned-medium',
    );
  });

  it('imports nothing, and says so once, from a cluster without the PolicyReport CRDs', async () => {
    server.resetHandlers();
    const bare = new FakeApiServer(PROD, 'prod-token').add(
      ...prodClusterObjects(),
    );
    server.use(...bare.handlers());
    const { prod, logger } = setup();
    await expect(collect(prod)).resolves.toEqual([]);
    await expect(collect(prod)).resolves.toEqual([]);
    const lines = logger.info.mock.calls.filter(([m]) =>
      String(m).includes('serves no PolicyReports'),
    );
    expect(lines).toHaveLength(1);
  });

  it('fails only its cluster when the reports cannot be read', async () => {
    euApi.fail(
      403,
      'Forbidden',
      'policyreports.wgpolicyk8s.io is forbidden: User "system:serviceaccount:backstage:posture" cannot list resource "policyreports" in API group "wgpolicyk8s.io" at the cluster scope',
      ['PolicyReport'],
    );
    const { prod, eu } = setup();
    const ctx = context();
    const error = await collect(eu, ctx).catch(e => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain(
      'grant the service account get and list on policyreports.wgpolicyk8s.io',
    );
    expect(
      of(await collect(prod, ctx), 'component:default/payments-api'),
    ).not.toHaveLength(0);
  });

  it('attributes results in the other cluster to the entity pinned there', async () => {
    const { eu } = setup();
    const listed = await collect(eu);
    expect(of(listed, 'component:default/payments-eu').map(r => r.uid)).toEqual(
      [
        'policy-report:eu/kyverno/disallow-privileged-containers/privileged-containers/Deployment/payments-eu/payments-eu',
      ],
    );
  });
});
