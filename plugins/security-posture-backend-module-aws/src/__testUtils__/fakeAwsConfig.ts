import { http, HttpResponse } from 'msw';

/** A configuration item as AWS Config advanced queries return it (before JSON.stringify). */
export type ConfigItem = Record<string, unknown>;

/** One request the fake service received. */
export interface RecordedRequest {
  target: string;
  contentType: string;
  accessKeyId: string;
  region: string;
  body: {
    Expression: string;
    Limit?: number;
    NextToken?: string;
    ConfigurationAggregatorName?: string;
  };
}

/**
 * What the fake answers before the normal response: a list consumed one entry per
 * request (an error to answer, or `undefined` to answer normally).
 */
export type Fault =
  | { status: number; type: string; message: string }
  | undefined;

/** AWS JSON 1.1 error responses, as AWS Config sends them. */
export const faults = {
  throttling: {
    status: 400,
    type: 'ThrottlingException',
    message: 'Rate exceeded',
  },
  accessDenied: {
    status: 400,
    type: 'AccessDeniedException',
    message:
      'User: arn:aws:sts::222222222222:assumed-role/backstage/session is not authorized to perform: config:SelectResourceConfig on resource: arn:aws:config:eu-west-1:222222222222:* because no identity-based policy allows the config:SelectResourceConfig action',
  },
  internal: {
    status: 500,
    type: 'InternalFailure',
    message: 'The request processing has failed because of an unknown error.',
  },
  unavailable: {
    status: 503,
    type: 'ServiceUnavailableException',
    message: 'Service is unavailable',
  },
} satisfies Record<string, Fault>;

const FIELDS = [
  'accountId',
  'arn',
  'awsRegion',
  'resourceId',
  'resourceName',
  'resourceType',
  'configuration',
  'supplementaryConfiguration',
  'tags',
];

/**
 * An msw handler speaking the AWS JSON 1.1 protocol of AWS Config
 * (`StarlingDoveService.SelectResourceConfig` / `SelectAggregateResourceConfig`):
 * items per access key id (account) and region, paged with `NextToken`
 * (`pageSize` items per page, at most the request's `Limit`), and faults
 * answered per access key id before the normal answers.
 */
export function fakeAwsConfig(options: {
  /** accessKeyId → region → items. */
  items: Record<string, Record<string, ConfigItem[]>>;
  faults?: Record<string, Fault[]>;
  pageSize?: number;
  requests?: RecordedRequest[];
}) {
  const pending = new Map(
    Object.entries(options.faults ?? {}).map(([k, v]) => [k, [...v]]),
  );
  return http.post(
    /^https:\/\/config\.[a-z0-9-]+\.amazonaws\.com\/?$/,
    async ({ request }) => {
      const region = new URL(request.url).hostname.split('.')[1];
      const auth = request.headers.get('authorization') ?? '';
      const accessKeyId = /Credential=([^/]+)\//.exec(auth)?.[1] ?? '';
      const body = (await request.json()) as RecordedRequest['body'];
      const target = request.headers.get('x-amz-target') ?? '';
      options.requests?.push({
        target,
        contentType: request.headers.get('content-type') ?? '',
        accessKeyId,
        region,
        body,
      });
      const fault = pending.get(accessKeyId)?.shift();
      if (fault) {
        return HttpResponse.json(
          { __type: fault.type, message: fault.message },
          {
            status: fault.status,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000001',
            },
          },
        );
      }
      if (
        target !== 'StarlingDoveService.SelectResourceConfig' &&
        target !== 'StarlingDoveService.SelectAggregateResourceConfig'
      ) {
        return HttpResponse.json(
          {
            __type: 'UnknownOperationException',
            message: `Unknown operation ${target}`,
          },
          { status: 400 },
        );
      }
      const type = /resourceType = '([^']+)'/.exec(body.Expression)?.[1];
      const all = (options.items[accessKeyId]?.[region] ?? []).filter(
        i => i.resourceType === type,
      );
      const size = Math.min(body.Limit ?? 100, options.pageSize ?? 100);
      const start = body.NextToken ? Number(body.NextToken.split('-')[1]) : 0;
      const page = all.slice(start, start + size);
      const next = start + size < all.length ? start + size : undefined;
      return HttpResponse.json(
        {
          Results: page.map(i => JSON.stringify(i)),
          QueryInfo: { SelectFields: FIELDS.map(Name => ({ Name })) },
          ...(next !== undefined
            ? { NextToken: `${type?.replace(/::/g, '')}-${next}-token` }
            : {}),
        },
        {
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000002',
          },
        },
      );
    },
  );
}

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

/** An S3 bucket item; `publicRead` gives it a public-read ACL and no public access block. */
export function bucketItem(
  accountId: string,
  region: string,
  name: string,
  opts: { tags?: Record<string, string>; publicRead?: boolean } = {},
): ConfigItem {
  const owner = { displayName: null, id: `owner-${accountId}` };
  const grants: unknown[] = [
    { grantee: { id: owner.id, displayName: null }, permission: 'FullControl' },
  ];
  if (opts.publicRead) {
    grants.push({ grantee: 'AllUsers', permission: 'Read' });
  }
  return {
    accountId,
    arn: `arn:aws:s3:::${name}`,
    awsRegion: region,
    resourceId: name,
    resourceName: name,
    resourceType: 'AWS::S3::Bucket',
    configuration: { name, owner, creationDate: '2024-03-01T08:00:00.000Z' },
    supplementaryConfiguration: {
      AccessControlList: JSON.stringify({
        grantSet: null,
        grantList: grants,
        owner,
        isRequesterCharged: false,
      }),
      BucketLoggingConfiguration: {
        destinationBucketName: null,
        logFilePrefix: null,
      },
      BucketVersioningConfiguration: {
        status: 'Off',
        isMfaDeleteEnabled: null,
      },
      ...(opts.publicRead
        ? {}
        : {
            PublicAccessBlockConfiguration: {
              blockPublicAcls: true,
              ignorePublicAcls: true,
              blockPublicPolicy: true,
              restrictPublicBuckets: true,
            },
          }),
      ServerSideEncryptionConfiguration: {
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: 'AES256',
              kmsMasterKeyID: null,
            },
            bucketKeyEnabled: false,
          },
        ],
      },
    },
    tags: tagList(opts.tags ?? {}),
  };
}

/** An RDS instance item. */
export function dbInstanceItem(
  accountId: string,
  region: string,
  name: string,
  opts: { tags?: Record<string, string>; publiclyAccessible?: boolean } = {},
): ConfigItem {
  return {
    accountId,
    arn: `arn:aws:rds:${region}:${accountId}:db:${name}`,
    awsRegion: region,
    resourceId: `db-${name.toUpperCase().replace(/-/g, '')}EXAMPLE`,
    resourceName: name,
    resourceType: 'AWS::RDS::DBInstance',
    configuration: {
      dBInstanceIdentifier: name,
      dBInstanceClass: 'db.m6g.large',
      engine: 'postgres',
      engineVersion: '16.3',
      masterUsername: 'app_owner',
      endpoint: {
        address: `${name}.cexample.${region}.rds.amazonaws.com`,
        port: 5432,
      },
      backupRetentionPeriod: 7,
      vpcSecurityGroups: [
        { vpcSecurityGroupId: 'sg-0aaa0000000000001', status: 'active' },
      ],
      publiclyAccessible: opts.publiclyAccessible ?? false,
      storageEncrypted: true,
      kmsKeyId: `arn:aws:kms:${region}:${accountId}:key/0b0b0b0b-1111-4222-8333-444444444444`,
      deletionProtection: true,
      multiAZ: true,
    },
    supplementaryConfiguration: {},
    tags: tagList(opts.tags ?? {}),
  };
}

/** A security group item with one ingress rule open to the internet. */
export function securityGroupItem(
  accountId: string,
  region: string,
  id: string,
  port: number,
  opts: { tags?: Record<string, string> } = {},
): ConfigItem {
  return {
    accountId,
    arn: `arn:aws:ec2:${region}:${accountId}:security-group/${id}`,
    awsRegion: region,
    resourceId: id,
    resourceName: `sg-${port}`,
    resourceType: 'AWS::EC2::SecurityGroup',
    configuration: {
      ownerId: accountId,
      groupName: `open-${port}`,
      groupId: id,
      description: `port ${port}`,
      vpcId: 'vpc-0c0c0c0c0c0c0c0c0',
      ipPermissions: [
        {
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          userIdGroupPairs: [],
          ipRanges: ['0.0.0.0/0'],
          ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }],
          ipv6Ranges: [],
          prefixListIds: [],
        },
      ],
      ipPermissionsEgress: [],
    },
    supplementaryConfiguration: {},
    tags: tagList(opts.tags ?? {}),
  };
}

/** An IAM group item. */
export function iamGroupItem(accountId: string, name: string): ConfigItem {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:group/${name}`,
    awsRegion: 'global',
    resourceId: `AGPA${name.toUpperCase().replace(/-/g, '')}`,
    resourceName: name,
    resourceType: 'AWS::IAM::Group',
    configuration: {
      path: '/',
      groupName: name,
      groupId: `AGPA${name.toUpperCase().replace(/-/g, '')}`,
      arn: `arn:aws:iam::${accountId}:group/${name}`,
      groupPolicyList: [],
      attachedManagedPolicies: [],
    },
    supplementaryConfiguration: {},
    tags: [],
  };
}

/** An IAM user item in the given groups. */
export function iamUserItem(
  accountId: string,
  name: string,
  groups: string[],
  opts: { tags?: Record<string, string> } = {},
): ConfigItem {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    awsRegion: 'global',
    resourceId: `AIDA${name.toUpperCase().replace(/-/g, '')}`,
    resourceName: name,
    resourceType: 'AWS::IAM::User',
    configuration: {
      path: '/',
      userName: name,
      userId: `AIDA${name.toUpperCase().replace(/-/g, '')}`,
      arn: `arn:aws:iam::${accountId}:user/${name}`,
      groupList: groups,
      userPolicyList: [],
      attachedManagedPolicies: [],
    },
    supplementaryConfiguration: {},
    tags: tagList(opts.tags ?? {}),
  };
}
