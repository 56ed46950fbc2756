import {
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested inside the plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPosturePlugin from '@internal/backstage-plugin-security-posture-backend';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { securityPostureModuleSarif } from './module';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);
const local = http.all(/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, () =>
  passthrough(),
);

const api = '/api/security-posture';
const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api
  namespace: payments
  labels:
    backstage.io/kubernetes-id: payments-api
spec:
  selector:
    matchLabels:
      app: payments-api
  template:
    metadata:
      labels:
        app: payments-api
    spec:
      containers:
        - name: api
          image: registry.example.com/payments-api:1.4.2
          securityContext:
            privileged: true
`;

describe('SARIF module with the Security Posture backend', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sarif-backend-'));
    mkdirSync(join(root, 'payments-api', 'reports'), { recursive: true });
    mkdirSync(join(root, 'payments-api', 'k8s'), { recursive: true });
    writeFileSync(
      join(root, 'payments-api', 'k8s', 'deployment.yaml'),
      DEPLOYMENT,
    );
    writeFileSync(
      join(root, 'payments-api', 'reports', 'checkov.sarif'),
      fixture('checkov.sarif'),
    );
    writeFileSync(
      join(root, 'payments-api', 'reports', 'trivy.sarif'),
      fixture('trivy.sarif'),
    );
    mkdirSync(join(root, 'ledger'), { recursive: true });
    writeFileSync(join(root, 'ledger', 'tfsec.sarif'), fixture('tfsec.sarif'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const component = (
    name: string,
    annotations: Record<string, string>,
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/managed-by-location': `file:${join(
          root,
          name,
          'catalog-info.yaml',
        )}`,
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  });

  it('scores imported findings in the same scorecard as the built-in checks', async () => {
    server.use(local);
    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleSarif,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: 'payments' },
              spec: { type: 'team', children: [] },
            },
            component('payments-api', {
              'security-posture.backstage.io/manifests': './k8s/',
              'security-posture.backstage.io/sarif': './reports/',
            }),
            component('ledger', {
              'security-posture.backstage.io/sarif': './tfsec.sarif',
            }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              // The SARIF module reads under the manifests provider's roots by default.
              providers: { manifests: { localRoots: [root] } },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
              },
            },
          },
        }),
      ],
    });

    const catalogue = await request(backend).get(`${api}/checks`);
    const imported = catalogue.body.checks.filter(
      (c: any) => c.origin === 'import',
    );
    expect(imported.map((c: any) => c.id)).toContain(
      'sarif-encryption_at_rest-high',
    );

    const scan = await request(backend).post(`${api}/scans`).send({});
    expect(scan.status).toBe(202);

    const posture = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(posture.body).toMatchObject({ status: 'ok', statusReasons: [] });
    const findings = await request(backend).get(
      `${api}/entities/component/default/payments-api/findings?limit=200`,
    );
    const checkIds: string[] = findings.body.items.map((f: any) => f.checkId);
    // The built-in check on the manifest and the scanners' results, side by side.
    expect(checkIds).toContain('k8s-privileged-container');
    expect(checkIds).toContain('sarif-no_privileged_containers-high');
    expect(checkIds).toContain('sarif-sensitive_data_classified-critical');
    const secret = findings.body.items.find(
      (f: any) =>
        f.resource.uid === 'sarif:trivy/aws-access-key-id@deploy/.env.example',
    );
    expect(secret).toMatchObject({
      severity: 'critical',
      category: 'data',
      control: 'sensitive_data_classified',
      status: 'open',
      resource: {
        kind: 'Trivy',
        type: 'import.sarif',
        source: './reports/trivy.sarif',
      },
    });
    expect(secret.evidence).toContainEqual({
      path: 'deploy/.env.example:3',
      value: 'aws-access-key-id: Artifact: deploy/.env.example',
    });
    // Trivy's vulnerabilities are one finding per file.
    const vulnerabilities = findings.body.items.find(
      (f: any) =>
        f.resource.uid === 'sarif:trivy/images_scanned@package-lock.json',
    );
    expect(vulnerabilities).toMatchObject({
      checkId: 'sarif-images_scanned-high',
      message:
        'Trivy: 1 rule(s) failing on package-lock.json: CVE-2024-4068 (high)',
    });
    const privileged = posture.body.controls.find(
      (c: any) => c.id === 'no_privileged_containers',
    );
    expect(privileged).toMatchObject({ status: 'fail', failed: 3 });

    const ledger = await request(backend).get(
      `${api}/entities/component/default/ledger/findings?limit=50`,
    );
    expect(ledger.body.items.map((f: any) => f.checkId).sort()).toEqual([
      'sarif-deny_default_network_policies-high',
      'sarif-egress_filtered-high',
      'sarif-encryption_at_rest-high',
      'sarif-no_public_databases-high',
      'sarif-service_accounts_audited-medium',
    ]);

    // The ledger's report disappears: only the ledger becomes partial.
    rmSync(join(root, 'ledger', 'tfsec.sarif'));
    const second = await request(backend).post(`${api}/scans`).send({});
    const run = await request(backend).get(
      `${api}/scans/${second.body.scanId}`,
    );
    expect(run.body.status).toBe('succeeded');
    const ledgerAfter = await request(backend).get(
      `${api}/entities/component/default/ledger`,
    );
    expect(ledgerAfter.body.status).toBe('partial');
    expect(ledgerAfter.body.statusReasons.join(' ')).toContain(
      './tfsec.sarif: no such file or directory',
    );
    const paymentsAfter = await request(backend).get(
      `${api}/entities/component/default/payments-api`,
    );
    expect(paymentsAfter.body).toMatchObject({
      status: 'ok',
      score: posture.body.score,
    });
  });

  it('resolves fixed findings at once, however many were fixed', async () => {
    server.use(local);
    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleSarif,
        catalogServiceMock.factory({
          entities: [
            component('ledger', {
              'security-posture.backstage.io/sarif': './tfsec.sarif',
            }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: { manifests: { localRoots: [root] } },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
              },
            },
          },
        }),
      ],
    });
    const findings = async () =>
      (
        await request(backend).get(
          `${api}/entities/component/default/ledger/findings?limit=50&status=open,resolved`,
        )
      ).body.items;

    await request(backend).post(`${api}/scans`).send({});
    const before = await request(backend).get(
      `${api}/entities/component/default/ledger`,
    );
    expect(before.body.status).toBe('ok');
    const open = await findings();
    expect(open).toHaveLength(5);

    // The next tfsec run reports one of the five: four were fixed.
    const doc = JSON.parse(fixture('tfsec.sarif'));
    const kept = doc.runs[0].results[0];
    doc.runs[0].results = [kept];
    writeFileSync(join(root, 'ledger', 'tfsec.sarif'), JSON.stringify(doc));
    const second = await request(backend).post(`${api}/scans`).send({});
    const run = await request(backend).get(
      `${api}/scans/${second.body.scanId}`,
    );

    // Applied at once, not quarantined as a provider that lost its data.
    const after = await request(backend).get(
      `${api}/entities/component/default/ledger`,
    );
    expect(after.body).toMatchObject({ status: 'ok', statusReasons: [] });
    // Only the control of the remaining finding still fails; the fixed ones no
    // longer do (a scanner that stops reporting is no pass either: not
    // applicable, unless another check evidences them).
    const failing = (posture: any) =>
      posture.controls
        .filter((c: any) => c.status === 'fail')
        .map((c: any) => c.id);
    expect(failing(before.body)).toHaveLength(5);
    expect(failing(after.body)).toHaveLength(1);
    expect(after.body.pointsToGain).toHaveLength(1);
    const now = await findings();
    const stillOpen = now.filter((f: any) => f.status === 'open');
    expect(stillOpen).toHaveLength(1);
    expect(stillOpen[0].resource.name).toContain(kept.ruleId);
    const fixed = now.filter((f: any) => f.status === 'resolved');
    expect(fixed).toHaveLength(4);
    for (const f of fixed) {
      expect(Date.parse(f.resolvedAt)).toBeGreaterThanOrEqual(
        Date.parse(run.body.startedAt) - 1000,
      );
    }
  });

  it('registers nothing when switched off, and says so once', async () => {
    const logger = mockServices.logger.mock();
    server.use(local);
    const { server: backend } = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleSarif,
        catalogServiceMock.factory({ entities: [] }),
        logger.factory,
        mockServices.rootConfig.factory({
          data: {
            securityPosture: { providers: { sarif: { enabled: false } } },
          },
        }),
      ],
    });
    const catalogue = await request(backend).get(`${api}/checks`);
    expect(catalogue.body.checks.some((c: any) => c.origin === 'import')).toBe(
      false,
    );
    const lines = logger.info.mock.calls.map(c => String(c[0]));
    expect(
      lines.filter(l => l.includes('SARIF import is disabled')),
    ).toHaveLength(1);
  });
});
