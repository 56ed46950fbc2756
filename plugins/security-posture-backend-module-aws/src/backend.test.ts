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
import request from 'supertest';
import {
  bucketItem,
  dbInstanceItem,
  fakeAwsConfig,
  faults,
  type ConfigItem,
  type Fault,
} from './__testUtils__/fakeAwsConfig';
import { securityPostureModuleAws } from './module';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const ONE = '111111111111';
const TWO = '222222222222';
const api = '/api/security-posture';

/** Requests to the test backend itself go through. */
const local = http.all(/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, () =>
  passthrough(),
);

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, annotations },
  spec: {
    type: kind === 'Component' ? 'service' : 'database',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments' },
    spec: { type: 'team', children: [] },
  },
  entity('Resource', 'ledger-db', {
    'security-posture.backstage.io/aws-arn': `arn:aws:rds:eu-west-1:${ONE}:db:ledger`,
  }),
  entity('Resource', 'exports-db', {
    'aws.amazon.com/arn': `arn:aws:rds:eu-west-1:${TWO}:db:exports`,
  }),
  entity('Component', 'marketing-site'),
  // A glob claims every matching bucket.
  entity('Resource', 'export-buckets', {
    'aws.amazon.com/arn': 'arn:aws:s3:::acme-export-*',
  }),
];

const items: Record<string, Record<string, ConfigItem[]>> = {
  AKIAONE: {
    'eu-west-1': [
      dbInstanceItem(ONE, 'eu-west-1', 'ledger'),
      bucketItem(ONE, 'eu-west-1', 'acme-marketing-assets', {
        publicRead: true,
        tags: { 'backstage.io/component': 'marketing-site' },
      }),
      bucketItem(ONE, 'eu-west-1', 'tmp-export-2023', {
        tags: { owner: 'payments' },
      }),
      bucketItem(ONE, 'eu-west-1', 'acme-export-raw'),
      bucketItem(ONE, 'eu-west-1', 'acme-export-clean'),
    ],
  },
  AKIATWO: {
    'eu-west-1': [
      dbInstanceItem(TWO, 'eu-west-1', 'exports', { publiclyAccessible: true }),
    ],
  },
};

async function startBackend() {
  return startTestBackend({
    features: [
      securityPosturePlugin,
      securityPostureModuleAws,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          aws: {
            accounts: [
              { accountId: ONE, accessKeyId: 'AKIAONE', secretAccessKey: 's1' },
              { accountId: TWO, accessKeyId: 'AKIATWO', secretAccessKey: 's2' },
            ],
          },
          securityPosture: {
            providers: {
              manifests: { enabled: false },
              aws: {
                accounts: [
                  { accountId: ONE, regions: ['eu-west-1'] },
                  { accountId: TWO, name: 'exports', regions: ['eu-west-1'] },
                ],
                retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
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
}

describe('AWS module with the Security Posture backend', () => {
  it('scores AWS resources per owner; a failing account marks only its own entities partial', async () => {
    let faultsByKey: Record<string, Fault[]> = {};
    server.use(local, fakeAwsConfig({ items, faults: faultsByKey }));
    const { server: backend } = await startBackend();

    const first = await request(backend).post(`${api}/scans`).send({});
    expect(first.status).toBe(202);

    const ledger = await request(backend).get(
      `${api}/entities/resource/default/ledger-db`,
    );
    expect(ledger.body).toMatchObject({ status: 'ok', resourceCount: 1 });

    const exports = await request(backend).get(
      `${api}/entities/resource/default/exports-db`,
    );
    expect(exports.body).toMatchObject({ status: 'ok', resourceCount: 1 });
    // ARNs matched by the backend against the entities' ARN annotations (ours,
    // aws.amazon.com/arn, globs): the module reads nothing from the catalog.
    const buckets = await request(backend).get(
      `${api}/entities/resource/default/export-buckets`,
    );
    expect(buckets.body).toMatchObject({ status: 'ok', resourceCount: 2 });
    const exportsFindings = await request(backend).get(
      `${api}/entities/resource/default/exports-db/findings?limit=100`,
    );
    expect(exportsFindings.body.items.map((f: any) => f.checkId)).toContain(
      'aws-rds-publicly-accessible',
    );

    // Owned through its tag: the public bucket is the site's finding.
    const site = await request(backend).get(
      `${api}/entities/component/default/marketing-site/findings?limit=100`,
    );
    const siteChecks = site.body.items.map((f: any) => f.checkId);
    expect(siteChecks).toContain('aws-s3-bucket-public-acl');
    expect(site.body.items[0].resource).toMatchObject({
      uid: 'arn:aws:s3:::acme-marketing-assets',
      type: 'aws.s3.bucket',
    });

    // Claimed by nobody: in the ownership report, against the tagged team.
    const ownership = await request(backend).get(`${api}/ownership?limit=100`);
    const unowned = ownership.body.unowned.items.map(
      (r: any) => `${r.provider} ${r.name}`,
    );
    expect(unowned).toContain(`aws:${ONE} tmp-export-2023`);
    expect(unowned).not.toContain(`aws:${ONE} acme-marketing-assets`);

    // Account two now refuses access; account one still answers.
    faultsByKey = { AKIATWO: Array(20).fill(faults.accessDenied) };
    server.use(fakeAwsConfig({ items, faults: faultsByKey }));
    const second = await request(backend).post(`${api}/scans`).send({});
    const run = await request(backend).get(
      `${api}/scans/${second.body.scanId}`,
    );
    expect(run.body.status).toBe('succeeded');

    const exportsAfter = await request(backend).get(
      `${api}/entities/resource/default/exports-db`,
    );
    expect(exportsAfter.body.status).toBe('partial');
    expect(exportsAfter.body.statusReasons.join(' ')).toContain(
      'AccessDeniedException',
    );
    expect(exportsAfter.body.staleSince).not.toBeNull();
    // The last known results stand: missing data does not lower the score.
    expect(exportsAfter.body.score).toEqual(exports.body.score);

    const ledgerAfter = await request(backend).get(
      `${api}/entities/resource/default/ledger-db`,
    );
    expect(ledgerAfter.body).toMatchObject({
      status: 'ok',
      statusReasons: [],
      score: ledger.body.score,
    });
  });
});
