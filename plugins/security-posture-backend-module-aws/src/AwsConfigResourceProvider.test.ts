import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import type {
  ListedResource,
  ResourceProviderContext,
} from '@internal/backstage-plugin-security-posture-node';
import { setupServer } from 'msw/node';
import {
  bucketItem,
  dbInstanceItem,
  fakeAwsConfig,
  faults,
  iamGroupItem,
  iamUserItem,
  securityGroupItem,
  type ConfigItem,
  type Fault,
  type RecordedRequest,
} from './__testUtils__/fakeAwsConfig';
import { AwsConfigResourceProvider } from './AwsConfigResourceProvider';
import { readAwsProviderConfig } from './config';

// Slow machines: a test's own bounds decide, not Jest's 5 s default.
jest.setTimeout(60_000);

const ONE = '111111111111';
const TWO = '222222222222';

const server = setupServer();
registerMswTestHooks(server);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'ledger-db',
      annotations: {
        'security-posture.backstage.io/aws-arn': `arn:aws:rds:eu-west-1:${ONE}:db:ledger`,
      },
    },
    spec: { type: 'database', owner: 'group:default/payments' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'exports-buckets',
      namespace: 'data',
      annotations: { 'aws.amazon.com/arn': 'arn:aws:s3:::acme-exports-*' },
    },
    spec: { type: 's3-bucket', owner: 'group:default/data' },
  },
];

function awsConfig(accounts: JsonObject[], extra: JsonObject = {}) {
  return new ConfigReader({
    aws: {
      accounts: [
        {
          accountId: ONE,
          accessKeyId: 'AKIAONE',
          secretAccessKey: 'secret-one',
        },
        {
          accountId: TWO,
          accessKeyId: 'AKIATWO',
          secretAccessKey: 'secret-two',
        },
      ],
    },
    securityPosture: {
      providers: {
        aws: {
          accounts,
          retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
          ...extra,
        },
      },
    },
  });
}

function providersFor(config: ConfigReader) {
  const aws = readAwsProviderConfig(config);
  const logger = mockServices.logger.mock();
  const credentialsManager = DefaultAwsCredentialsManager.fromConfig(config);
  return {
    logger,
    providers: aws.accounts.map(
      account =>
        new AwsConfigResourceProvider({
          account,
          config: aws,
          credentialsManager,
          logger,
        }),
    ),
  };
}

function context(
  signal = new AbortController().signal,
): ResourceProviderContext {
  return {
    signal,
    logger: mockServices.logger.mock(),
    now: new Date('2026-11-28T10:00:00Z'),
  };
}

async function list(
  provider: AwsConfigResourceProvider,
  ctx = context(),
): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  for await (const batch of provider.listResources(ctx)) out.push(...batch);
  return out;
}

function serve(
  items: Record<string, Record<string, ConfigItem[]>>,
  opts: { faults?: Record<string, Fault[]>; pageSize?: number } = {},
) {
  const requests: RecordedRequest[] = [];
  server.use(fakeAwsConfig({ items, requests, ...opts }));
  return requests;
}

describe('AwsConfigResourceProvider', () => {
  it('lists every page of every type over AWS JSON 1.1 and normalises the items', async () => {
    const buckets = Array.from({ length: 5 }, (_, i) =>
      bucketItem(ONE, 'eu-west-1', `acme-exports-${i}`),
    );
    const requests = serve(
      {
        AKIAONE: {
          'eu-west-1': [
            ...buckets,
            dbInstanceItem(ONE, 'eu-west-1', 'ledger'),
            securityGroupItem(ONE, 'eu-west-1', 'sg-0aaa0000000000001', 3389),
            iamGroupItem(ONE, 'admins'),
            iamUserItem(ONE, 'break-glass', ['admins']),
          ],
          'us-east-1': [bucketItem(ONE, 'us-east-1', 'acme-us-logs')],
        },
      },
      { pageSize: 2 },
    );
    const { providers } = providersFor(
      awsConfig([{ accountId: ONE, regions: ['eu-west-1', 'us-east-1'] }]),
    );
    const listed = await list(providers[0]);

    expect(providers[0].id).toBe(`aws:${ONE}`);
    expect(listed.map(l => l.resource.uid).sort()).toEqual(
      [
        ...buckets.map(b => b.arn as string),
        `arn:aws:rds:eu-west-1:${ONE}:db:ledger`,
        `arn:aws:ec2:eu-west-1:${ONE}:security-group/sg-0aaa0000000000001`,
        `arn:aws:iam::${ONE}:group/admins`,
        `arn:aws:iam::${ONE}:user/break-glass`,
        'arn:aws:s3:::acme-us-logs',
      ].sort(),
    );
    const byUid = new Map(listed.map(l => [l.resource.uid, l.resource]));
    expect(byUid.get('arn:aws:s3:::acme-exports-0')).toMatchObject({
      type: 'aws.s3.bucket',
      kind: 'AWS::S3::Bucket',
      name: 'acme-exports-0',
      source: {
        format: 'aws-config',
        provider: `aws:${ONE}`,
        location: `${ONE}/eu-west-1`,
      },
    });
    // The user, read after its group, knows the group's ARN.
    expect(
      byUid.get(`arn:aws:iam::${ONE}:user/break-glass`)?.attributes,
    ).toMatchObject({ groupUids: [`arn:aws:iam::${ONE}:group/admins`] });

    // Five buckets in pages of two: three requests, the later ones with NextToken.
    const bucketCalls = requests.filter(
      r =>
        r.region === 'eu-west-1' &&
        r.body.Expression.includes("'AWS::S3::Bucket'"),
    );
    expect(bucketCalls.map(r => r.body.NextToken)).toEqual([
      undefined,
      'AWSS3Bucket-2-token',
      'AWSS3Bucket-4-token',
    ]);
    for (const r of requests) {
      expect(r.target).toBe('StarlingDoveService.SelectResourceConfig');
      expect(r.contentType).toBe('application/x-amz-json-1.1');
      expect(r.accessKeyId).toBe('AKIAONE');
      expect(r.body.Limit).toBe(100);
      expect(r.body.Expression).toMatch(
        /^SELECT accountId, arn, awsRegion, resourceId, resourceName, resourceType, configuration, supplementaryConfiguration, tags WHERE resourceType = 'AWS::[A-Za-z0-9]+::[A-Za-z0-9]+' AND configurationItemStatus IN \('OK', 'ResourceDiscovered'\)$/,
      );
    }
    // Load balancers and groups are read first: listeners and users need them.
    const types = requests
      .filter(r => r.region === 'eu-west-1' && !r.body.NextToken)
      .map(r => /'(AWS::[^']+)'/.exec(r.body.Expression)![1]);
    expect(types.slice(0, 2)).toEqual([
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::IAM::Group',
    ]);
    expect(types.indexOf('AWS::IAM::User')).toBeGreaterThan(1);
  });

  it('hints owners by ARN, ownership tags and owner tags', async () => {
    serve({
      AKIAONE: {
        'eu-west-1': [
          dbInstanceItem(ONE, 'eu-west-1', 'ledger', {
            tags: { 'backstage.io/component': 'ledger-service' },
          }),
          bucketItem(ONE, 'eu-west-1', 'acme-exports-raw'),
          bucketItem(ONE, 'eu-west-1', 'acme-marketing', {
            tags: {
              'backstage.io/resource': 'web/marketing-assets',
              Owner: 'group:web/frontend',
            },
          }),
          bucketItem(ONE, 'eu-west-1', 'tmp-2023', {
            tags: { owner: 'data' },
          }),
          bucketItem(ONE, 'eu-west-1', 'nobody-knows'),
        ],
      },
    });
    const { providers } = providersFor(
      awsConfig([{ accountId: ONE, regions: ['eu-west-1'] }]),
    );
    const hints = new Map(
      (await list(providers[0])).map(l => [l.resource.name, l.hints]),
    );
    // The ARN goes to the backend, which matches it against the entities' ARN
    // annotations (the ones this provider names); the tags name entities.
    expect(providers[0].arnAnnotations).toContain(
      'security-posture.backstage.io/aws-arn',
    );
    expect(providers[0].arnAnnotations).toContain('aws.amazon.com/arn');
    expect(hints.get('ledger')).toEqual({
      arns: [`arn:aws:rds:eu-west-1:${ONE}:db:ledger`],
      entityRefs: ['component:default/ledger-service'],
    });
    expect(hints.get('acme-exports-raw')).toEqual({
      arns: ['arn:aws:s3:::acme-exports-raw'],
    });
    // Tag keys match case-insensitively; full refs are kept.
    expect(hints.get('acme-marketing')).toEqual({
      arns: ['arn:aws:s3:::acme-marketing'],
      entityRefs: ['resource:web/marketing-assets'],
      ownerRef: 'group:web/frontend',
    });
    // A team for coverage when no entity claims it (with a team when tagged).
    expect(hints.get('tmp-2023')).toEqual({
      arns: ['arn:aws:s3:::tmp-2023'],
      ownerRef: 'group:default/data',
    });
  });

  it('uses configured tag keys instead of the defaults', async () => {
    serve({
      AKIAONE: {
        'eu-west-1': [
          bucketItem(ONE, 'eu-west-1', 'b1', {
            tags: {
              'backstage.io/component': 'ignored',
              service: 'checkout',
              team: 'payments',
            },
          }),
        ],
      },
    });
    const { providers } = providersFor(
      awsConfig([{ accountId: ONE, regions: ['eu-west-1'] }], {
        ownershipTags: [{ key: 'service', kind: 'Component' }],
        ownerTags: ['team'],
        arnAnnotations: [],
      }),
    );
    const [listed] = await list(providers[0]);
    expect(listed.hints).toEqual({
      entityRefs: ['component:default/checkout'],
      ownerRef: 'group:default/payments',
    });
  });

  it('retries a ThrottlingException and a 5xx with backoff, then succeeds', async () => {
    const requests = serve(
      {
        AKIAONE: {
          'eu-west-1': [bucketItem(ONE, 'eu-west-1', 'acme-exports-a')],
        },
      },
      {
        faults: {
          AKIAONE: [faults.throttling, faults.throttling, faults.unavailable],
        },
      },
    );
    const { providers } = providersFor(
      awsConfig([{ accountId: ONE, regions: ['eu-west-1'] }]),
    );
    const listed = await list(providers[0]);
    expect(listed.map(l => l.resource.uid)).toEqual([
      'arn:aws:s3:::acme-exports-a',
    ]);
    // The first type was asked four times (3 faults + 1 success), with the same body.
    const first = requests.filter(r =>
      r.body.Expression.includes('AWS::ElasticLoadBalancingV2::LoadBalancer'),
    );
    expect(first).toHaveLength(4);
    expect(new Set(first.map(r => JSON.stringify(r.body))).size).toBe(1);
  });

  it('gives up after the configured attempts when the service keeps failing', async () => {
    const requests = serve(
      { AKIAONE: { 'eu-west-1': [] } },
      { faults: { AKIAONE: Array(10).fill(faults.internal) } },
    );
    const { providers } = providersFor(
      awsConfig([{ accountId: ONE, regions: ['eu-west-1'] }]),
    );
    await expect(list(providers[0])).rejects.toThrow(
      /account 111111111111 in eu-west-1: listing AWS::ElasticLoadBalancingV2::LoadBalancer failed: InternalFailure: .*\(HTTP 500\)/,
    );
    expect(requests).toHaveLength(4);
  });

  it('fails at once, with the missing permission, when access is denied', async () => {
    const requests = serve(
      { AKIATWO: { 'eu-west-1': [] } },
      { faults: { AKIATWO: [faults.accessDenied] } },
    );
    const { providers } = providersFor(
      awsConfig([
        { accountId: TWO, name: 'payments-prod', regions: ['eu-west-1'] },
      ]),
    );
    expect(providers[0].id).toBe('aws:payments-prod');
    const error = await list(providers[0]).then(
      () => undefined,
      e => e as Error,
    );
    expect(error?.message).toContain(
      'account payments-prod (222222222222) in eu-west-1',
    );
    expect(error?.message).toContain('AccessDeniedException');
    expect(error?.message).toContain('config:SelectResourceConfig');
    // Not retried, and no credentials in the message.
    expect(requests).toHaveLength(1);
    expect(error?.message).not.toContain('secret-two');
  });

  it('keeps accounts apart: one failing account does not stop the other', async () => {
    serve(
      {
        AKIAONE: {
          'eu-west-1': [bucketItem(ONE, 'eu-west-1', 'acme-exports-ok')],
        },
        AKIATWO: { 'eu-west-1': [bucketItem(TWO, 'eu-west-1', 'never-seen')] },
      },
      { faults: { AKIATWO: [faults.accessDenied] } },
    );
    const { providers } = providersFor(
      awsConfig([
        { accountId: ONE, regions: ['eu-west-1'] },
        { accountId: TWO, regions: ['eu-west-1'] },
      ]),
    );
    expect(providers.map(p => p.id)).toEqual([`aws:${ONE}`, `aws:${TWO}`]);
    const [one, two] = await Promise.allSettled(providers.map(p => list(p)));
    expect(one.status).toBe('fulfilled');
    expect(
      (one as PromiseFulfilledResult<ListedResource[]>).value.map(
        l => l.resource.name,
      ),
    ).toEqual(['acme-exports-ok']);
    expect(two.status).toBe('rejected');
  });

  it('stops waiting between retries as soon as the scan is aborted', async () => {
    serve(
      { AKIAONE: { 'eu-west-1': [] } },
      { faults: { AKIAONE: Array(10).fill(faults.throttling) } },
    );
    const { providers } = providersFor(
      awsConfig([{ accountId: ONE, regions: ['eu-west-1'] }], {
        retry: { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      }),
    );
    const controller = new AbortController();
    const started = Date.now();
    const pending = list(providers[0], context(controller.signal));
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    // Well before the first retry delay (60 s) would have ended.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('queries an aggregator with SelectAggregateResourceConfig in its home region only', async () => {
    const requests = serve({
      AKIAONE: {
        'us-east-1': [
          bucketItem(ONE, 'us-east-1', 'acme-exports-one'),
          dbInstanceItem(TWO, 'eu-west-1', 'other-account-db'),
        ],
      },
    });
    const { providers } = providersFor(
      awsConfig([
        {
          accountId: ONE,
          name: 'org',
          aggregator: 'org-aggregator',
          regions: ['us-east-1', 'eu-west-1'],
        },
      ]),
    );
    const listed = await list(providers[0]);
    expect(listed.map(l => l.resource.uid).sort()).toEqual([
      'arn:aws:rds:eu-west-1:222222222222:db:other-account-db',
      'arn:aws:s3:::acme-exports-one',
    ]);
    expect(new Set(requests.map(r => r.region))).toEqual(
      new Set(['us-east-1']),
    );
    for (const r of requests) {
      expect(r.target).toBe(
        'StarlingDoveService.SelectAggregateResourceConfig',
      );
      expect(r.body.ConfigurationAggregatorName).toBe('org-aggregator');
    }
  });

  it('applies to entities claiming an ARN of its account or an account-less ARN', () => {
    const { providers } = providersFor(
      awsConfig([
        { accountId: ONE, regions: ['eu-west-1'] },
        { accountId: TWO, regions: ['eu-west-1'] },
      ]),
    );
    const [one, two] = providers;
    expect(one.appliesTo(entities[0])).toBe(true);
    expect(two.appliesTo(entities[0])).toBe(false);
    // Bucket ARNs carry no account.
    expect(two.appliesTo(entities[1])).toBe(true);
    expect(
      one.appliesTo({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'no-arn' },
      }),
    ).toBe(false);
  });
});
