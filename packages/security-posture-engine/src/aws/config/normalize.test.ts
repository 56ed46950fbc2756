import fc from 'fast-check';
import type { Resource } from '../../model/resource';
import { detectAwsDocument } from '../detect';
import { isParsedPolicy } from '../policy';
import {
  REDACTED,
  type EcsTaskDefinitionAttributes,
  type IamPolicyAttributes,
  type IamRoleAttributes,
  type IamUserAttributes,
  type ListenerAttributes,
  type RdsAttributes,
  type S3BucketAttributes,
  type SecurityGroupAttributes,
} from '../types';
import {
  CANARY,
  CONFIG_FILES,
  readFixture,
  readFixtureText,
} from '../__testUtils__/fixtures';
import { extractAwsConfigItems, normalizeAwsConfigItems } from './normalize';

type Json = Record<string, any>;

function normalizeFile(file: string) {
  const items = extractAwsConfigItems(readFixture(file));
  if (!items) throw new Error(`no items in ${file}`);
  return normalizeAwsConfigItems(items, { format: 'aws-config', file });
}

function byUid(resources: Resource[], suffix: string): Resource<any> {
  const r = resources.filter(x => x.uid.endsWith(suffix));
  if (r.length !== 1) throw new Error(`${r.length} resources match ${suffix}`);
  return r[0];
}

describe('extractAwsConfigItems and detectAwsDocument', () => {
  it.each([
    ['aws-config/get-resource-config-history.json', 'configurationItems', 20],
    ['aws-config/select-resource-config.json', 'Results', 21],
    ['aws-config/batch-get-resource-config.json', 'baseConfigurationItems', 2],
    ['aws-config/snapshot.json', 'configurationItems', 2],
  ])('finds the items of %s (%s)', (file, _shape, count) => {
    const doc = readFixture(file);
    expect(extractAwsConfigItems(doc)).toHaveLength(count);
    expect(detectAwsDocument(doc)).toBe('aws-config');
  });

  it('tells Terraform documents apart', () => {
    expect(detectAwsDocument(readFixture('terraform/plan.json'))).toBe(
      'terraform-plan',
    );
    expect(detectAwsDocument(readFixture('terraform/state.json'))).toBe(
      'terraform-state',
    );
    expect(
      detectAwsDocument({ apiVersion: 'v1', kind: 'Pod' }),
    ).toBeUndefined();
    expect(detectAwsDocument([1, 2])).toBeUndefined();
  });
});

describe('normalizeAwsConfigItems', () => {
  const history = normalizeFile('aws-config/get-resource-config-history.json');
  const select = normalizeFile('aws-config/select-resource-config.json');
  const batch = normalizeFile('aws-config/batch-get-resource-config.json');
  const snapshot = normalizeFile('aws-config/snapshot.json');

  it('maps every supported item type, drops deleted items, summarises the unsupported', () => {
    expect(history.resources.map(r => r.kind).sort()).toEqual(
      [
        'AWS::CloudFront::Distribution',
        'AWS::CloudTrail::Trail',
        'AWS::EC2::SecurityGroup',
        'AWS::EC2::Volume',
        'AWS::ECS::TaskDefinition',
        'AWS::EFS::FileSystem',
        'AWS::ElasticLoadBalancingV2::Listener',
        'AWS::ElasticLoadBalancingV2::Listener',
        'AWS::IAM::Group',
        'AWS::IAM::Policy',
        'AWS::IAM::Role',
        'AWS::IAM::User',
        'AWS::KMS::Key',
        'AWS::Lambda::Function',
        'AWS::RDS::DBInstance',
        'AWS::S3::Bucket',
        'AWS::S3::Bucket',
      ].sort(),
    );
    expect(history.resources.some(r => r.name === 'billing-old-exports')).toBe(
      false,
    );
    expect(history.errors).toEqual([
      {
        message:
          'skipped 1 configuration item of unsupported resource types: AWS::SNS::Topic (1)',
      },
    ]);
    for (const r of [
      ...select.resources,
      ...batch.resources,
      ...snapshot.resources,
    ]) {
      expect(r.source.format).toBe('aws-config');
    }
    expect(select.errors).toEqual([]);
  });

  it('uses the ARN as uid and reads account, region and tags', () => {
    const bucket = byUid(select.resources, ':::ledger-statements');
    expect(bucket.uid).toBe('arn:aws:s3:::ledger-statements');
    expect(bucket.attributes).toMatchObject({
      arn: 'arn:aws:s3:::ledger-statements',
      accountId: '444455556666',
      region: 'eu-west-1',
    });
    // SelectResourceConfig returns tags as a list, history as a map
    expect(bucket.tags).toEqual({
      owner: 'team-ledger',
      team: 'ledger',
      'data-classification': 'restricted',
    });
    expect(byUid(history.resources, ':db:billing-db').tags).toEqual({
      owner: 'team-billing',
    });
  });

  it('reads configuration and supplementary values given as JSON strings', () => {
    const reports = byUid(
      history.resources,
      ':::billing-reports',
    ) as Resource<S3BucketAttributes>;
    const raw = extractAwsConfigItems(
      readFixture('aws-config/get-resource-config-history.json'),
    )![0] as Json;
    expect(typeof raw.configuration).toBe('string');
    expect(typeof raw.supplementaryConfiguration.AccessControlList).toBe(
      'string',
    );
    expect(
      reports.attributes.acl?.grants.map(g => [g.grantee, g.permission]),
    ).toEqual([
      ['CanonicalUser', 'FULL_CONTROL'],
      ['AllUsers', 'READ'],
    ]);
    expect(reports.attributes.versioning?.status).toBe('Disabled');
    expect(reports.attributes.logging).toBeUndefined();
    expect(reports.attributes.exposure).toEqual({
      publicAcl: true,
      publicPolicy: true,
    });
    // and `raw` holds them decoded, so evidence paths lead somewhere
    expect(
      (reports.raw as Json).supplementaryConfiguration.BucketPolicy.policyText,
    ).toEqual(expect.any(String));
    expect((reports.raw as Json).configuration.name).toBe('billing-reports');
  });

  it('gives the same attributes whether an item is a string, an object or a JSON-string result', () => {
    const selectDoc = readFixture(
      'aws-config/select-resource-config.json',
    ) as Json;
    const itemText = selectDoc.Results[0] as string;
    const asObject = JSON.parse(itemText);
    const asStrings = {
      ...asObject,
      configuration: JSON.stringify(asObject.configuration),
      supplementaryConfiguration: Object.fromEntries(
        Object.entries(asObject.supplementaryConfiguration).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v),
        ]),
      ),
    };
    const [a, b, c] = [itemText, asObject, asStrings].map(
      item =>
        normalizeAwsConfigItems([item], { format: 'aws-config' }).resources[0],
    );
    expect(b.attributes).toEqual(a.attributes);
    expect(c.attributes).toEqual(a.attributes);
  });

  it('decodes URL-encoded IAM policy documents and picks the default policy version', () => {
    const policy = byUid(
      history.resources,
      ':policy/billing-full-access',
    ) as Resource<IamPolicyAttributes>;
    expect(isParsedPolicy(policy.attributes.document)).toBe(true);
    expect(policy.attributes.document).toMatchObject({
      statements: [{ effect: 'Allow', action: ['*'], resource: ['*'] }],
      origin: { path: 'configuration.policyVersionList[1].document' },
    });
    const role = byUid(
      history.resources,
      ':role/billing-admin-role',
    ) as Resource<IamRoleAttributes>;
    expect(role.attributes.assumeRolePolicy).toMatchObject({
      statements: [{ principal: { AWS: ['*'] } }],
    });
    expect(role.attributes.managedPolicies[0]).toMatchObject({
      arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      administratorAccess: true,
    });
  });

  it('links users to the groups of the same batch', () => {
    const user = byUid(
      history.resources,
      ':user/billing-operator',
    ) as Resource<IamUserAttributes>;
    expect(user.attributes.groups).toEqual(['billing-admins']);
    expect(user.attributes.groupUids).toEqual([
      'arn:aws:iam::111122223333:group/billing-admins',
    ]);
    // AWS Config does not record MFA devices or access keys
    expect(user.attributes.mfaDevices).toBeUndefined();
    expect(user.attributes.accessKeys).toBeUndefined();
  });

  it('reads security group rules from ipRanges and ipv4Ranges alike, without duplicates', () => {
    const sg = byUid(
      history.resources,
      'security-group/sg-0c0ffee000000001',
    ) as Resource<SecurityGroupAttributes>;
    expect(
      sg.attributes.ingress.map(r => [
        r.protocol,
        r.fromPort,
        r.toPort,
        r.cidrIpv4,
        r.cidrIpv6,
      ]),
    ).toEqual([
      ['tcp', 3306, 3306, ['0.0.0.0/0'], []],
      ['tcp', 22, 22, [], ['::/0']],
    ]);
    expect(sg.attributes.egress[0]).toMatchObject({
      protocol: '-1',
      fromPort: 0,
      toPort: 65535,
      internet: true,
    });
  });

  it('reads the database port from the endpoint and the cluster of a member', () => {
    const db = byUid(
      history.resources,
      ':db:billing-db',
    ) as Resource<RdsAttributes>;
    expect(db.attributes).toMatchObject({
      port: 3306,
      masterUsername: 'admin',
      securityGroups: [{ id: 'sg-0c0ffee000000001' }],
      masterPassword: { known: false, managed: false },
    });
    const member = byUid(select.resources, ':db:ledger-aurora-1');
    expect(member.attributes.clusterIdentifier).toBe('ledger-aurora');
    const cluster = byUid(select.resources, ':cluster:ledger-aurora');
    expect(cluster.attributes.masterPassword.managed).toBe(true);
  });

  it('completes listeners with their load balancer and reports it once', () => {
    const listeners = history.resources.filter(
      r => r.type === 'aws.elb.listener',
    ) as Resource<ListenerAttributes>[];
    expect(
      listeners.map(l => l.attributes.loadBalancer?.accessLogsEnabled),
    ).toEqual([false, false]);
    expect(
      listeners.filter(l => l.attributes.reportsLoadBalancer),
    ).toHaveLength(1);
    expect(history.resources.some(r => r.kind.endsWith('::LoadBalancer'))).toBe(
      false,
    );
  });

  it('reads CloudFormation-shaped items (PascalCase) case-insensitively', () => {
    const task = byUid(
      history.resources,
      ':task-definition/billing-jobs:3',
    ) as Resource<EcsTaskDefinitionAttributes>;
    expect(task.attributes).toMatchObject({
      family: 'billing-jobs',
      networkMode: 'host',
    });
    expect(
      task.attributes.containers.map(c => [c.name, c.privileged, c.user]),
    ).toEqual([
      ['jobs', true, undefined],
      ['metrics', undefined, '0'],
    ]);
    expect(
      byUid(history.resources, 'file-system/fs-0badc0de00000001').attributes
        .encrypted,
    ).toBe(false);
    expect(
      byUid(snapshot.resources, ':key/2222bbbb-3333-4ccc-8ddd-4444eeee5555')
        .attributes.rotationEnabled,
    ).toBe(false);
  });

  it('treats a bucket without encryption configuration as SSE-S3 only after S3 made it the default', () => {
    const legacy = byUid(history.resources, ':::billing-legacy');
    expect(legacy.attributes.encryption.source).toBe('none');
    const current = byUid(batch.resources, ':::ledger-access-logs');
    expect(current.attributes.encryption.source).toBe('default');
  });

  it('never copies a secret into the results', () => {
    for (const file of CONFIG_FILES.slice(0, 1)) {
      expect(readFixtureText(file)).toContain(CANARY);
    }
    const all = [history, select, batch, snapshot];
    expect(JSON.stringify(all)).not.toContain(CANARY);
    const fn = byUid(history.resources, ':function:billing-export');
    expect(
      (fn.raw as Json).configuration.environment.variables.DB_PASSWORD,
    ).toBe(REDACTED);
    const task = byUid(history.resources, ':task-definition/billing-jobs:3');
    expect(
      (task.raw as Json).configuration.ContainerDefinitions[0].Environment[0],
    ).toEqual({ Name: 'STRIPE_API_KEY', Value: REDACTED });
  });
});

describe('normalizeAwsConfigItems: bad input', () => {
  it('reports a list that is not a list', () => {
    const r = normalizeAwsConfigItems('nope' as unknown as unknown[], {
      format: 'aws-config',
    });
    expect(r.errors).toEqual([{ message: 'AWS Config items must be a list' }]);
  });

  it('reports each malformed item and keeps the others', () => {
    const good = JSON.parse(
      (readFixture('aws-config/select-resource-config.json') as Json)
        .Results[0],
    );
    const r = normalizeAwsConfigItems(
      [
        null,
        7,
        '{not json',
        { configuration: {} },
        { resourceType: 'AWS::S3::Bucket', configuration: 'not json' },
        { resourceType: 'AWS::S3::Bucket', configuration: 12 },
        { resourceType: 'AWS::EC2::Volume' },
        {
          resourceType: 'AWS::EC2::SecurityGroup',
          configuration: {
            ipPermissions: 'x',
            ipPermissionsEgress: [null, 5, { ipProtocol: {} }],
          },
          supplementaryConfiguration: '}{',
          tags: 'x',
        },
        good,
      ],
      { format: 'aws-config' },
    );
    expect(r.errors.map(e => e.path)).toEqual([
      '[0]',
      '[1]',
      '[2]',
      '[3]',
      '[4]',
      '[5]',
      '[6]',
    ]);
    expect(r.resources.map(x => x.type)).toEqual([
      'aws.ec2.security_group',
      'aws.s3.bucket',
    ]);
  });

  it('survives 1,000-deep configuration', () => {
    let deep: Json = { leaf: 1 };
    for (let i = 0; i < 1000; i++) deep = { nested: deep };
    const r = normalizeAwsConfigItems(
      [
        {
          resourceType: 'AWS::Lambda::Function',
          resourceId: 'deep',
          configuration: JSON.stringify({
            functionName: 'deep',
            environment: { variables: deep },
            extra: deep,
          }),
        },
      ],
      { format: 'aws-config' },
    );
    expect(r.resources).toHaveLength(1);
    expect(JSON.stringify(r.resources[0].raw)).toContain('[TRUNCATED]');
  });

  it('never throws on arbitrary items', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.anything(),
            fc.record({
              resourceType: fc.constantFrom(
                'AWS::S3::Bucket',
                'AWS::RDS::DBInstance',
                'AWS::IAM::Role',
                'AWS::ElasticLoadBalancingV2::Listener',
                'AWS::ElasticLoadBalancingV2::LoadBalancer',
                'AWS::CloudFront::Distribution',
                'AWS::ECS::TaskDefinition',
              ),
              configuration: fc.oneof(fc.jsonValue(), fc.json()),
              supplementaryConfiguration: fc.dictionary(
                fc.string(),
                fc.oneof(fc.jsonValue(), fc.json()),
              ),
            }),
          ),
        ),
        items => {
          const r = normalizeAwsConfigItems(items, { format: 'aws-config' });
          JSON.stringify(r);
          expect(r.errors.map(e => e.message)).not.toContainEqual(
            expect.stringMatching(/^could not read/),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
