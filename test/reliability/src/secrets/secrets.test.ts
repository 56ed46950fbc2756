import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The test runs the plugin with its provider modules, as an app installs them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPosturePlugin from '@internal/backstage-plugin-security-posture-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPostureModuleAws from '@internal/backstage-plugin-security-posture-backend-module-aws';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import securityPostureModuleKubernetes from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { FakeApiServer } from '@internal/backstage-plugin-security-posture-backend-module-kubernetes/testUtils';
import { main, type CliIo } from '@internal/security-posture-cli';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  CapturedLogs,
  dumpDatabase,
  fakeAwsConfig,
  type AwsConfigItem,
} from '../testing/backend';
import { recordRootRoutes } from '../testing/routes';
import { failOnUnhandledRejections } from '../testing/unhandled';

/**
 * Canary secrets in scanned resources (environment values, Secrets' data,
 * ConfigMaps, last-applied annotations, Terraform attributes and sensitive
 * values, AWS Config items) and in the providers' credentials (Kubernetes token,
 * AWS keys, GitHub token) never appear in any API response, any stored row
 * (every column of every table), the logs (every call, debug included), the
 * CLI's output in every format, or its SARIF.
 */

jest.setTimeout(180_000);
failOnUnhandledRejections();

const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();
/** Every canary starts with this marker, so partial leaks are found too. */
const MARK = 'SPCANARY';
const canary = (label: string) => `${MARK}${label}${hex(8)}`;

const C = {
  envPassword: canary('ENVPW'),
  envToken: canary('ENVTOKEN'),
  argPassword: canary('ARGPW'),
  secretData: canary('SECRETDATA'),
  secretStringData: canary('STRINGDATA'),
  configMapPassword: canary('CMPW'),
  lastApplied: canary('LASTAPPLIED'),
  tfDbPassword: canary('TFDBPW'),
  tfAccessKeySecret: canary('TFKEY'),
  tfLambdaSecret: canary('TFLAMBDA'),
  tfVariable: canary('TFVAR'),
  awsConfigLambda: canary('CFGLAMBDA'),
  k8sLiveEnv: canary('LIVEENV'),
  k8sLiveSecret: canary('LIVESECRET'),
  k8sToken: canary('K8STOKEN'),
  awsSecretAccessKey: canary('AWSSECRET') + hex(6),
  githubToken: canary('GITHUB'),
};
// Credential-shaped canaries (detected by format, not by name).
const GH_FORMAT = `ghp_${MARK}${hex(14)}`;
const AWS_KEY_ID = `AKIA${MARK}${hex(4)}`;
const ALL = [...Object.values(C), GH_FORMAT, AWS_KEY_ID];
const b64 = (s: string) => Buffer.from(s).toString('base64');

function deploymentYaml() {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: canary-api
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '${JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: C.lastApplied },
    })}'
spec:
  template:
    spec:
      containers:
        - name: api
          image: example.com/api:1.0
          args: ["--db-password=${C.argPassword}"]
          env:
            - name: DB_PASSWORD
              value: ${C.envPassword}
            - name: API_TOKEN
              value: ${C.envToken}
            - name: GH
              value: ${GH_FORMAT}
            - name: GREETING
              value: hello
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
data:
  password: ${b64(C.secretData)}
stringData:
  token: ${C.secretStringData}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  DB_PASSWORD: ${C.configMapPassword}
  AWS_ACCESS_KEY_ID: ${AWS_KEY_ID}
`;
}

function planJson() {
  const db = {
    address: 'aws_db_instance.ledger',
    mode: 'managed',
    type: 'aws_db_instance',
    name: 'ledger',
    values: {
      identifier: 'ledger',
      engine: 'postgres',
      password: C.tfDbPassword,
      publicly_accessible: true,
      storage_encrypted: false,
    },
    sensitive_values: { password: true },
  };
  const key = {
    address: 'aws_iam_access_key.ci',
    mode: 'managed',
    type: 'aws_iam_access_key',
    name: 'ci',
    values: { user: 'ci', secret: C.tfAccessKeySecret, id: AWS_KEY_ID },
    sensitive_values: { secret: true },
  };
  const lambda = {
    address: 'aws_lambda_function.worker',
    mode: 'managed',
    type: 'aws_lambda_function',
    name: 'worker',
    values: {
      function_name: 'worker',
      environment: [{ variables: { SECRET_KEY: C.tfLambdaSecret } }],
    },
    sensitive_values: {},
  };
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.0',
    variables: { db_password: { value: C.tfVariable } },
    planned_values: { root_module: { resources: [db, key, lambda] } },
    resource_changes: [
      {
        address: db.address,
        type: db.type,
        name: db.name,
        change: {
          actions: ['create'],
          before: null,
          after: db.values,
          after_sensitive: { password: true },
        },
      },
    ],
    configuration: {
      root_module: {
        resources: [
          {
            address: db.address,
            type: db.type,
            name: db.name,
            expressions: { password: { constant_value: C.tfDbPassword } },
          },
        ],
      },
    },
  });
}

const lambdaItem = (name: string, secret: string): AwsConfigItem => ({
  accountId: '111111111111',
  arn: `arn:aws:lambda:eu-west-1:111111111111:function:${name}`,
  awsRegion: 'eu-west-1',
  resourceId: name,
  resourceName: name,
  resourceType: 'AWS::Lambda::Function',
  configuration: {
    functionName: name,
    runtime: 'nodejs18.x',
    environment: { variables: { DB_PASSWORD: secret, MODE: 'live' } },
  },
  supplementaryConfiguration: {},
  tags: {},
});

const K8S = 'https://k8s.canary.test';
const k8s = new FakeApiServer(K8S, C.k8sToken);
const aws = { requests: 0 } as {
  requests: number;
  fault?: { status: number; type: string; message: string };
};
const msw = setupServer(
  ...k8s.handlers(),
  fakeAwsConfig(
    { 'eu-west-1': [lambdaItem('canary-fn', C.awsConfigLambda)] },
    aws,
  ),
  http.all(/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, () => passthrough()),
);

describe('canary secrets', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const logs = new CapturedLogs();
  const api = '/api/security-posture';
  let dir: string;
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let routes: Array<{ method: string; path: string }>;
  const scanIds: string[] = [];

  const component = (
    name: string,
    annotations: Record<string, string>,
    kind = 'Component',
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team', lifecycle: 'x' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team' }],
  });

  async function scan() {
    const res = await request(server).post(`${api}/scans`).send({});
    expect(res.status).toBe(202);
    scanIds.push(res.body.scanId);
    for (let i = 0; i < 600; i++) {
      const run = await request(server).get(`${api}/scans/${res.body.scanId}`);
      if (!['queued', 'running'].includes(run.body.status)) return run.body;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('scan did not finish');
  }

  beforeAll(async () => {
    msw.listen({ onUnhandledRequest: 'error' });
    dir = await fs.mkdtemp(join(tmpdir(), 'sp-canary-'));
    await fs.mkdir(join(dir, 'deploy'));
    await fs.writeFile(join(dir, 'deploy/app.yaml'), deploymentYaml());
    await fs.writeFile(join(dir, 'deploy/plan.json'), planJson());
    await fs.writeFile(
      join(dir, 'deploy/config-items.json'),
      JSON.stringify([lambdaItem('exported-fn', C.awsConfigLambda)]),
    );
    k8s.add(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'live',
          namespace: 'shop',
          uid: 'live-uid',
          labels: { 'backstage.io/kubernetes-id': 'canary-k8s' },
        },
        spec: {
          template: {
            metadata: {
              labels: { 'backstage.io/kubernetes-id': 'canary-k8s' },
            },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'example.com/live:1',
                  env: [{ name: 'DB_PASSWORD', value: C.k8sLiveEnv }],
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'live',
          namespace: 'shop',
          uid: 'live-secret-uid',
          labels: { 'backstage.io/kubernetes-id': 'canary-k8s' },
        },
        data: { token: b64(C.k8sLiveSecret) },
      },
    );
    knex = await databases.init('SQLITE_3');
    const recorder = recordRootRoutes();
    const backend = await startTestBackend({
      features: [
        securityPosturePlugin,
        securityPostureModuleKubernetes,
        securityPostureModuleAws,
        logs.factory(),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: 'team', namespace: 'default' },
              spec: { type: 'team', children: [] },
            },
            component('canary-manifests', {
              'backstage.io/managed-by-location': `file:${dir}/catalog-info.yaml`,
              'security-posture.backstage.io/manifests': 'deploy/',
            }),
            component('canary-k8s', {
              'backstage.io/kubernetes-id': 'canary-k8s',
            }),
            component(
              'canary-aws',
              {
                'security-posture.backstage.io/aws-arn':
                  'arn:aws:lambda:eu-west-1:111111111111:function:canary-fn',
              },
              'Resource',
            ),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [{ host: 'github.com', token: C.githubToken }],
            },
            aws: {
              accounts: [
                {
                  accountId: '111111111111',
                  accessKeyId: AWS_KEY_ID,
                  secretAccessKey: C.awsSecretAccessKey,
                },
              ],
            },
            securityPosture: {
              providers: {
                manifests: { localRoots: [dir] },
                kubernetes: {
                  clusters: [
                    { name: 'prod', url: K8S, serviceAccountToken: C.k8sToken },
                  ],
                },
                aws: {
                  accounts: [
                    { accountId: '111111111111', regions: ['eu-west-1'] },
                  ],
                  retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 2 },
                },
              },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    routes = recorder
      .routes(api)
      .filter(r => r.method === 'get' && !r.path.startsWith('/.'));
    await scan();
    // Faults on the way: the providers' errors must not carry credentials.
    k8s.fail(
      403,
      'Forbidden',
      'secrets is forbidden: User "system:serviceaccount:x" cannot list',
    );
    aws.fault = {
      status: 400,
      type: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::111111111111:assumed-role/backstage/session is not authorized',
    };
    await scan();
  });

  afterAll(async () => {
    msw.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Every canary that occurs in a text, raw or base64. */
  function leaks(text: string): string[] {
    const found = ALL.filter(c => text.includes(c) || text.includes(b64(c)));
    if (text.includes(MARK) && found.length === 0) found.push(MARK);
    return found;
  }

  it('scanned every canary source (the test would pass vacuously otherwise)', async () => {
    for (const name of ['canary-manifests', 'canary-k8s']) {
      const res = await request(server).get(
        `${api}/entities/component/default/${name}`,
      );
      expect(`${name} ${res.body.resourceCount > 0}`).toBe(`${name} true`);
    }
    const awsEntity = await request(server).get(
      `${api}/entities/resource/default/canary-aws`,
    );
    expect(awsEntity.body.resourceCount).toBeGreaterThan(0);
    // The plain-text credentials were found, and shown redacted.
    const findings = await request(server).get(
      `${api}/entities/component/default/canary-manifests/findings?limit=500`,
    );
    expect(JSON.stringify(findings.body)).toContain('<redacted:');
    expect(k8s.requests.length).toBeGreaterThan(0);
    expect(aws.requests).toBeGreaterThan(0);
  });

  it('never answer an API request with a canary', async () => {
    const refs: Array<Record<string, string>> = [
      { kind: 'component', namespace: 'default', name: 'canary-manifests' },
      { kind: 'component', namespace: 'default', name: 'canary-k8s' },
      { kind: 'resource', namespace: 'default', name: 'canary-aws' },
      { kind: 'group', namespace: 'default', name: 'team' },
    ];
    const seen: string[] = [];
    let answered = 0;
    for (const route of routes) {
      let params: Array<Record<string, string>> = [{}];
      if (route.path.includes(':id')) params = scanIds.map(id => ({ id }));
      else if (route.path.includes(':name')) params = refs;
      for (const p of params) {
        const path = route.path.replace(/:(\w+)/g, (_m, k) => p[k] ?? 'x');
        const res = await request(server).get(
          `${api}${path}${path.includes('findings') ? '?limit=500' : ''}`,
        );
        answered++;
        for (const leak of leaks(res.text)) seen.push(`${path}: ${leak}`);
      }
    }
    expect(answered).toBeGreaterThan(30);
    expect(seen).toEqual([]);
  });

  it('never store a canary, in any column of any table', async () => {
    const rows = await dumpDatabase(knex);
    expect(rows.length).toBeGreaterThan(100);
    const seen = rows.flatMap(r =>
      leaks(r.value).map(l => `${r.table}.${r.column}: ${l}`),
    );
    expect(seen).toEqual([]);
  });

  it('never log a canary (every logger call, debug included)', () => {
    expect(logs.lines.length).toBeGreaterThan(5);
    // The faults were logged: the check covers error paths.
    expect(logs.lines.join('\n')).toMatch(/403|Forbidden|AccessDenied/);
    const seen = logs.lines.flatMap(line =>
      leaks(line).map(l => `${l}: ${line.slice(0, 200)}`),
    );
    expect(seen).toEqual([]);
  });

  it.each(['table', 'json', 'sarif'])(
    'never print a canary in the CLI output (%s), nor in its output file',
    async format => {
      let out = '';
      let err = '';
      const io: CliIo = {
        stdout: t => {
          out += t;
        },
        stderr: t => {
          err += t;
        },
        cwd: dir,
        color: false,
        version: 'test',
      };
      const code = await main(
        ['scan', join(dir, 'deploy'), '--format', format],
        io,
      );
      // No gate is set: only unreadable input would make it non-zero.
      expect(code).toBe(0);
      expect(out.length).toBeGreaterThan(100);
      const file = join(dir, `report.${format}`);
      await main(
        ['scan', join(dir, 'deploy'), '--format', format, '-o', file],
        io,
      );
      const written = await fs.readFile(file, 'utf8');
      expect(written.length).toBeGreaterThan(100);
      expect([...leaks(out), ...leaks(err), ...leaks(written)]).toEqual([]);
    },
  );
});
