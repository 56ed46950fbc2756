import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { DEFAULT_RESOURCE_TYPES, readAwsProviderConfig } from './config';

const read = (aws: JsonObject) =>
  readAwsProviderConfig(
    new ConfigReader({ securityPosture: { providers: { aws } } }),
  );

describe('readAwsProviderConfig', () => {
  it('has no accounts without configuration', () => {
    expect(readAwsProviderConfig(new ConfigReader({})).accounts).toEqual([]);
  });

  it('reads accounts with defaults for everything else', () => {
    const config = read({
      accounts: [
        {
          accountId: '111122223333',
          regions: ['eu-west-1'],
          roleArn: 'arn:aws:iam::111122223333:role/backstage-security-posture',
          externalId: 'ext-123',
        },
      ],
    });
    expect(config.accounts).toEqual([
      {
        accountId: '111122223333',
        name: '111122223333',
        regions: ['eu-west-1'],
        roleArn: 'arn:aws:iam::111122223333:role/backstage-security-posture',
        externalId: 'ext-123',
      },
    ]);
    expect(config.resourceTypes).toEqual(DEFAULT_RESOURCE_TYPES);
    expect(config.arnAnnotations).toContain(
      'security-posture.backstage.io/aws-arn',
    );
    expect(config.arnAnnotations).toContain('aws.amazon.com/arn');
    expect(config.ownershipTags.map(t => t.key)).toEqual([
      'backstage.io/component',
      'backstage.io/resource',
    ]);
    expect(config.ownerTags).toEqual(['owner']);
    expect(config.pageSize).toBe(100);
  });

  it('puts the lookup types first whatever the configured order', () => {
    const config = read({
      accounts: [],
      resourceTypes: [
        'AWS::ElasticLoadBalancingV2::Listener',
        'AWS::IAM::User',
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
        'AWS::IAM::Group',
      ],
    });
    expect(config.resourceTypes).toEqual([
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::IAM::Group',
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::IAM::User',
    ]);
  });

  it.each([
    [
      { accounts: [{ accountId: '1234', regions: ['eu-west-1'] }] },
      /must be 12 digits/,
    ],
    [{ accounts: [{ accountId: '111122223333' }] }, /at least one region/],
    [
      { accounts: [{ accountId: '111122223333', regions: ['moon-1'] }] },
      /invalid region/,
    ],
    [
      {
        accounts: [
          {
            accountId: '111122223333',
            regions: ['eu-west-1'],
            roleArn: 'admin',
          },
        ],
      },
      /not an IAM role ARN/,
    ],
    [
      {
        accounts: [
          { accountId: '111122223333', regions: ['eu-west-1'] },
          { accountId: '111122223333', regions: ['us-east-1'] },
        ],
      },
      /two accounts are named/,
    ],
    [{ resourceTypes: ['AWS::EC2::Instance'] }, /not a type the engine checks/],
    [{ pageSize: 500 }, /pageSize must be a whole number from 1 to 100/],
  ])('rejects %j', (aws, message) => {
    expect(() => read(aws)).toThrow(message);
  });
});
