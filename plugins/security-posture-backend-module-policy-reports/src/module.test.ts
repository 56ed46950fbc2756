import {
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
// The integration test runs the modules inside the real plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPosturePlugin from '@internal/backstage-plugin-security-posture-backend';
import securityPostureModuleKubernetes from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
import {
  euClusterObjects,
  FakeApiServer,
  prodClusterObjects,
  testEntities,
} from '@internal/backstage-plugin-security-posture-backend-module-kubernetes/testUtils';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  euReports,
  KUBESCAPE_CONTROLS,
  kubescapeReports,
  prodReports,
} from './__testUtils__/reports';
import { securityPostureModulePolicyReports } from './module';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const PROD = 'https://prod.k8s.acme.test:6443';
const EU = 'https://eu.k8s.acme.test';
const api = '/api/security-posture';

const local = http.all(/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, () =>
  passthrough(),
);

function config(clusters: JsonObject[], policyReports: JsonObject = {}) {
  return mockServices.rootConfig.factory({
    data: {
      securityPosture: {
        providers: {
          manifests: { enabled: false },
          kubernetes: { clusters },
          policyReports,
        },
        scan: {
          schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
        },
      },
    },
  });
}

const CLUSTERS = [
  { name: 'prod', url: PROD, serviceAccountToken: 'prod-token' },
  { name: 'eu', url: EU, serviceAccountToken: 'eu-token' },
];

describe('securityPostureModulePolicyReports', () => {
  it('puts other scanners’ findings into the entity’s score, and isolates a failing cluster', async () => {
    const prodApi = new FakeApiServer(PROD, 'prod-token').add(
      ...prodClusterObjects(),
      ...prodReports(),
    );
    const euApi = new FakeApiServer(EU, 'eu-token').add(
      ...euClusterObjects(),
      ...euReports(),
    );
    server.use(local, ...prodApi.handlers(), ...euApi.handlers());

    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        securityPostureModulePolicyReports,
        catalogServiceMock.factory({ entities: testEntities() }),
        config(CLUSTERS, {
          mapping: [
            // Ours first: Kyverno's host-namespace results count as critical.
            {
              match: { source: 'kyverno', policy: 'disallow-host-namespaces' },
              control: 'no_privileged_containers',
              severity: 'critical',
            },
          ],
        }),
      ],
    });

    await request(backend).post(`${api}/scans`).send({});

    // The generated checks are in the catalogue, marked as imported.
    const checks = await request(backend).get(`${api}/checks`);
    const imported = checks.body.checks.filter(
      (c: any) => c.origin === 'import',
    );
    expect(imported.map((c: any) => c.id)).toContain(
      'policy-report-images-scanned-critical',
    );

    const findings = await request(backend).get(
      `${api}/entities/component/default/payments-api/findings?limit=100`,
    );
    expect(findings.status).toBe(200);
    const byCheck = new Map(
      findings.body.items.map((f: any) => [f.checkId, f]),
    );
    expect(byCheck.get('policy-report-images-scanned-critical')).toMatchObject({
      severity: 'critical',
      category: 'compute',
      control: 'images_scanned',
      message: expect.stringContaining('CVE-2022-43551 (critical)'),
      resource: {
        kind: 'Deployment',
        name: 'payments-api',
        namespace: 'payments',
      },
    });
    expect(
      byCheck.get('policy-report-no-privileged-containers-critical'),
    ).toMatchObject({ severity: 'critical', status: 'open' });
    // Built-in checks on the live objects and imported results side by side.
    expect(byCheck.has('k8s-rbac-cluster-admin-binding')).toBe(true);
    expect(byCheck.has('policy-report-no-overprivileged-roles-medium')).toBe(
      true,
    );

    const eu = await request(backend).get(
      `${api}/entities/component/default/payments-eu`,
    );
    expect(eu.body.status).toBe('ok');
    const euFindings = await request(backend).get(
      `${api}/entities/component/default/payments-eu/findings?limit=100`,
    );
    expect(euFindings.body.items.map((f: any) => f.checkId)).toContain(
      'policy-report-no-privileged-containers-medium',
    );

    // The eu cluster stops serving reports: only eu entities become partial.
    euApi.fail(500, 'InternalError', 'etcdserver: leader changed', [
      'PolicyReport',
      'ClusterPolicyReport',
    ]);
    await request(backend).post(`${api}/scans`).send({});

    const euAfter = await request(backend).get(
      `${api}/entities/component/default/payments-eu`,
    );
    expect(euAfter.body.status).toBe('partial');
    expect(euAfter.body.statusReasons.join(' ')).toContain(
      'Provider policy-reports:eu failed',
    );
    expect(euAfter.body.score).toEqual(eu.body.score);

    const paymentsAfter = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(paymentsAfter.body.status).toBe('ok');
  });

  it('imports Kubescape’s PolicyReports: control ids through the default mapping, your rules first', async () => {
    server.use(
      local,
      ...new FakeApiServer(PROD, 'prod-token')
        .add(...prodClusterObjects(), ...kubescapeReports())
        .handlers(),
    );
    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        securityPostureModulePolicyReports,
        catalogServiceMock.factory({ entities: testEntities() }),
        config([CLUSTERS[0]], {
          mapping: [
            // Kubescape sets no category of its own: ours by control id.
            {
              match: { source: 'kubescape', policy: 'C-0018' },
              category: 'compute',
              severity: 'high',
            },
          ],
        }),
      ],
    });
    await request(backend).post(`${api}/scans`).send({});

    const findings = await request(backend).get(
      `${api}/entities/component/default/payments-api/findings?limit=200`,
    );
    expect(findings.status).toBe(200);
    const kubescape = findings.body.items.filter(
      (f: any) =>
        f.checkId.startsWith('policy-report-') &&
        String(f.message).includes('kubescape'),
    );
    const about = (control: { id: string }) =>
      kubescape.filter((f: any) => f.message.includes(control.id));
    const C = KUBESCAPE_CONTROLS;
    const deployment = {
      kind: 'Deployment',
      name: 'payments-api',
      namespace: 'payments',
    };

    // Default mapping, severity as Kubescape reports it.
    expect(about(C.privilegeEscalation)).toEqual([
      expect.objectContaining({
        checkId: 'policy-report-pod-security-standards-medium',
        control: 'pod_security_standards',
        category: 'compute',
        severity: 'medium',
        status: 'open',
        resource: expect.objectContaining(deployment),
      }),
    ]);
    expect(about(C.immutableFilesystem)).toEqual([
      expect.objectContaining({
        checkId: 'policy-report-pod-security-standards-low',
        control: 'pod_security_standards',
        severity: 'low',
        resource: expect.objectContaining(deployment),
      }),
    ]);
    expect(about(C.cpuLimits)).toEqual([
      expect.objectContaining({
        checkId: 'policy-report-resource-limits-enforced-high',
        control: 'resource_limits_enforced',
        category: 'compute',
        severity: 'high',
        resource: expect.objectContaining(deployment),
      }),
    ]);
    // The ClusterRoleBinding of the entity's service account, from the
    // ClusterPolicyReport whose scope is the cluster itself.
    expect(about(C.administrativeRoles)).toEqual([
      expect.objectContaining({
        checkId: 'policy-report-no-overprivileged-roles-high',
        control: 'no_overprivileged_roles',
        category: 'identity_and_access',
        severity: 'high',
        resource: expect.objectContaining({
          kind: 'ClusterRoleBinding',
          name: 'payments-api-admin',
        }),
      }),
    ]);
    // Our rule: the category's default control, at our severity.
    expect(about(C.readinessProbe)).toEqual([
      expect.objectContaining({
        checkId: 'policy-report-pod-security-standards-high',
        control: 'pod_security_standards',
        severity: 'high',
      }),
    ]);
    // A passing control is no finding; a control no rule knows is not imported.
    expect(about(C.privileged)).toEqual([]);
    expect(about(C.hostPort)).toEqual([]);
    expect(kubescape).toHaveLength(5);
    expect(about(C.privilegeEscalation)[0].message).toContain(
      C.privilegeEscalation.name,
    );

    const checks = await request(backend).get(`${api}/checks`);
    expect(
      checks.body.checks
        .filter((c: any) => c.origin === 'import')
        .map((c: any) => c.id),
    ).toEqual(
      expect.arrayContaining([
        'policy-report-pod-security-standards-medium',
        'policy-report-resource-limits-enforced-high',
        'policy-report-no-overprivileged-roles-high',
      ]),
    );
  });

  it('applies results that shrink because findings were fixed, and holds back reports that vanish', async () => {
    const objects = prodClusterObjects();
    const withReports = (reports: ReturnType<typeof prodReports>) =>
      server.use(
        ...new FakeApiServer(PROD, 'prod-token')
          .add(...objects, ...reports)
          .handlers(),
      );
    server.use(local);
    withReports(prodReports());
    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        securityPostureModulePolicyReports,
        catalogServiceMock.factory({ entities: testEntities() }),
        config([CLUSTERS[0]]),
      ],
    });
    const imported = async () =>
      (
        await request(backend).get(
          `${api}/entities/component/default/payments-api/findings?limit=200&status=open,resolved`,
        )
      ).body.items.filter((f: any) => f.checkId.startsWith('policy-report-'));

    await request(backend).post(`${api}/scans`).send({});
    const before = await imported();
    const open = before.filter((f: any) => f.status === 'open');
    expect(open.length).toBeGreaterThan(2);

    // Only Trivy's configuration audit is still reported: the team fixed what
    // Kyverno and Trivy's vulnerability scan found, far more than half.
    withReports(
      prodReports().filter(
        r => r.metadata.name === 'trivy-audit-polr-payments-api-7d9f8c6b5',
      ),
    );
    await request(backend).post(`${api}/scans`).send({});
    const posture = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(posture.body).toMatchObject({ status: 'ok', statusReasons: [] });
    const after = await imported();
    const stillOpen = after.filter((f: any) => f.status === 'open');
    expect(stillOpen.length).toBeLessThan(open.length / 2);
    // Every finding no longer reported is resolved, with the time it was.
    const key = (f: any) => `${f.checkId} ${f.resource.uid}`;
    const now = new Map(after.map((f: any) => [key(f), f]));
    const gone = open.filter(
      (f: any) => !stillOpen.some((o: any) => key(o) === key(f)),
    );
    expect(gone.length).toBeGreaterThan(0);
    for (const f of gone) {
      expect(now.get(key(f))).toMatchObject({
        status: 'resolved',
        resolvedAt: expect.any(String),
      });
    }

    // Every report disappears at once (the CRDs went away, or the scanner
    // restarted): that is held back, not read as everything being fixed.
    withReports([]);
    await request(backend).post(`${api}/scans`).send({});
    const held = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(held.body.status).toBe('partial');
    expect(held.body.statusReasons.join(' ')).toMatch(
      /policy-reports:prod.*quarantined/,
    );
    expect(
      (await imported()).filter((f: any) => f.status === 'open'),
    ).toHaveLength(stillOpen.length);
  });

  it('stays idle with one log line when no cluster is configured', async () => {
    const logger = mockServices.logger.mock();
    server.use(local);
    await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModulePolicyReports,
        catalogServiceMock.factory({ entities: testEntities() }),
        config([]),
        logger.factory,
      ],
    });
    const idle = logger.info.mock.calls.filter(([m]) =>
      String(m).includes('policy-reports provider is idle'),
    );
    expect(idle).toHaveLength(1);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('refuses a mapping rule that feeds an unknown control', async () => {
    server.use(local);
    await expect(
      startTestBackend({
        features: [
          securityPosturePlugin,
          securityPostureModulePolicyReports,
          catalogServiceMock.factory({ entities: testEntities() }),
          config(CLUSTERS, {
            mapping: [{ match: { source: 'kyverno' }, control: 'firewalls' }],
          }),
        ],
      }),
    ).rejects.toThrow(
      'securityPosture.providers.policyReports.mapping[0] feeds unknown control "firewalls"',
    );
  });
});
