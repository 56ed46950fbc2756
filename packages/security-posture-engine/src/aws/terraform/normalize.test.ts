import fc from 'fast-check';
import type { Resource } from '../../model/resource';
import { createResourceIndex } from '../../scorecard/resourceIndex';
import { iamWildcardAdmin } from '../checks/iam';
import { rdsSecurityGroupOpen } from '../checks/network';
import {
  KNOWN_AFTER_APPLY,
  REDACTED,
  type EcsTaskDefinitionAttributes,
  type IamRoleAttributes,
  type IamUserAttributes,
  type LambdaAttributes,
  type ListenerAttributes,
  type RdsAttributes,
  type S3BucketAttributes,
  type SecurityGroupAttributes,
} from '../types';
import {
  CANARY,
  NOW,
  readFixture,
  readFixtureText,
} from '../__testUtils__/fixtures';
import { normalizeTerraformJson } from './normalize';

type Json = Record<string, any>;

const plan = () => readFixture('terraform/plan.json') as Json;
const state = () => readFixture('terraform/state.json') as Json;

function byAddress(resources: Resource[], address: string): Resource<any> {
  const r = resources.find(x => x.address === address);
  if (!r) throw new Error(`no resource ${address}`);
  return r;
}

function planned(doc: Json, address: string): Json {
  const stack = [doc.planned_values.root_module];
  while (stack.length) {
    const m = stack.pop();
    for (const r of m.resources ?? []) if (r.address === address) return r;
    stack.push(...(m.child_modules ?? []));
  }
  throw new Error(`not planned: ${address}`);
}

describe('normalizeTerraformJson: plan', () => {
  const doc = plan();
  const result = normalizeTerraformJson(doc, {
    format: 'terraform-plan',
    file: 'infra/payments/plan.json',
  });
  const get = (address: string) => byAddress(result.resources, address);

  it('maps every supported resource, skips the rest with one summary, ignores data sources', () => {
    const types = new Set(result.resources.map(r => r.kind));
    expect(types).toEqual(
      new Set([
        'aws_s3_bucket',
        'aws_kms_key',
        'aws_db_instance',
        'aws_security_group',
        'aws_rds_cluster',
        'aws_rds_cluster_instance',
        'aws_iam_policy',
        'aws_iam_role',
        'aws_iam_group',
        'aws_iam_user',
        'aws_lb_listener',
        'aws_cloudfront_distribution',
        'aws_lambda_function',
        'aws_ecs_task_definition',
        'aws_ebs_volume',
        'aws_efs_file_system',
        'aws_cloudtrail',
      ]),
    );
    // split resources are joined, not emitted
    expect(
      result.resources.filter(r => r.kind.startsWith('aws_s3_bucket_')),
    ).toEqual([]);
    expect(result.resources.some(r => r.address?.startsWith('data.'))).toBe(
      false,
    );
    expect(result.errors).toEqual([
      {
        message:
          'skipped 2 resources of unsupported types: aws_sqs_queue (1), random_password (1)',
      },
    ]);
  });

  it('gives every resource its full address, a tf: uid and the source', () => {
    const bucket = get('module.storage.aws_s3_bucket.this');
    expect(bucket.uid).toBe('tf:module.storage.aws_s3_bucket.this');
    expect(bucket.type).toBe('aws.s3.bucket');
    expect(bucket.name).toBe('payments-ledger-exports');
    expect(bucket.source).toEqual({
      format: 'terraform-plan',
      file: 'infra/payments/plan.json',
    });
    expect(get('module.storage.module.kms.aws_kms_key.this').type).toBe(
      'aws.kms.key',
    );
    expect(get('aws_s3_bucket.data["raw"]').uid).toBe(
      'tf:aws_s3_bucket.data["raw"]',
    );
  });

  it('joins split resources whose bucket id is unknown at plan time through configuration references', () => {
    // The plan does not know the bucket id the public access block points at …
    const pab = planned(doc, 'aws_s3_bucket_public_access_block.logs');
    expect(pab.values.bucket).toBeUndefined();
    // … yet it lands on the right bucket, with the address it came from.
    const logs = get('aws_s3_bucket.logs') as Resource<S3BucketAttributes>;
    expect(logs.attributes.publicAccessBlock).toMatchObject({
      blockPublicAcls: true,
      restrictPublicBuckets: true,
      origin: { address: 'aws_s3_bucket_public_access_block.logs' },
    });
    expect(logs.origins).toMatchObject({
      publicAccessBlock: 'aws_s3_bucket_public_access_block.logs',
      encryption: 'aws_s3_bucket_server_side_encryption_configuration.logs',
      versioning: 'aws_s3_bucket_versioning.logs',
      lifecycleRules: 'aws_s3_bucket_lifecycle_configuration.logs',
      logging: 'aws_s3_bucket_logging.logs',
      policy: 'aws_s3_bucket_policy.logs',
      ownershipControls: 'aws_s3_bucket_ownership_controls.logs',
    });
    expect(logs.attributes.encryption).toMatchObject({
      source: 'configured',
      algorithm: 'aws:kms',
      kmsKeyId: KNOWN_AFTER_APPLY,
      bucketKeyEnabled: true,
    });
    expect(logs.attributes.versioning?.status).toBe('Enabled');
    expect(logs.attributes.lifecycleRules).toEqual([
      expect.objectContaining({
        id: 'expire-access-logs',
        enabled: true,
        hasActions: true,
      }),
    ]);
    expect(logs.attributes.ownershipControls?.objectOwnership).toBe(
      'BucketOwnerEnforced',
    );
    // Nothing of the other buckets leaks in.
    const assets = get('aws_s3_bucket.assets') as Resource<S3BucketAttributes>;
    expect(assets.attributes.publicAccessBlock?.origin.address).toBe(
      'aws_s3_bucket_public_access_block.assets',
    );
    expect(assets.attributes.acl?.canned).toBe('public-read');
    expect(assets.attributes.exposure).toEqual({
      publicAcl: true,
      publicPolicy: true,
    });
  });

  it('pairs count instances by index', () => {
    const r0 = get('aws_s3_bucket.replica[0]') as Resource<S3BucketAttributes>;
    const r1 = get('aws_s3_bucket.replica[1]') as Resource<S3BucketAttributes>;
    expect(r0.attributes.publicAccessBlock).toMatchObject({
      restrictPublicBuckets: true,
      origin: { address: 'aws_s3_bucket_public_access_block.replica[0]' },
    });
    expect(r1.attributes.publicAccessBlock).toMatchObject({
      restrictPublicBuckets: false,
      origin: { address: 'aws_s3_bucket_public_access_block.replica[1]' },
    });
  });

  it('pairs for_each instances through each.value, and follows explicit keys', () => {
    const raw = get(
      'aws_s3_bucket.data["raw"]',
    ) as Resource<S3BucketAttributes>;
    const curated = get(
      'aws_s3_bucket.data["curated"]',
    ) as Resource<S3BucketAttributes>;
    expect(raw.attributes.versioning).toMatchObject({
      status: 'Enabled',
      origin: { address: 'aws_s3_bucket_versioning.data["raw"]' },
    });
    expect(curated.attributes.versioning).toMatchObject({
      status: 'Suspended',
      origin: { address: 'aws_s3_bucket_versioning.data["curated"]' },
    });
    // `bucket = aws_s3_bucket.data["raw"].id` only configures "raw"
    expect(raw.attributes.encryption.origin?.address).toBe(
      'aws_s3_bucket_server_side_encryption_configuration.data_raw',
    );
    expect(curated.attributes.encryption.source).toBe('default');
  });

  it('follows module inputs (var.x) and outputs (module.m.out) across modules', () => {
    const uploads = get(
      'aws_s3_bucket.uploads',
    ) as Resource<S3BucketAttributes>;
    expect(uploads.attributes.publicAccessBlock?.origin.address).toBe(
      'module.uploads_guard.aws_s3_bucket_public_access_block.this',
    );
    const exports = get(
      'module.storage.aws_s3_bucket.this',
    ) as Resource<S3BucketAttributes>;
    // configured at the root, on the bucket a child module outputs
    expect(exports.attributes.logging).toMatchObject({
      targetBucket: KNOWN_AFTER_APPLY,
      targetPrefix: 'ledger-exports/',
      origin: { address: 'aws_s3_bucket_logging.storage' },
    });
    expect(exports.attributes.publicAccessBlock?.origin.address).toBe(
      'module.storage.aws_s3_bucket_public_access_block.this',
    );
  });

  it('joins split security group rules and resolves database security groups', () => {
    const web = get(
      'aws_security_group.web',
    ) as Resource<SecurityGroupAttributes>;
    expect(web.attributes.ingress.map(r => r.origin.address)).toEqual([
      undefined,
      'aws_vpc_security_group_ingress_rule.web_ssh',
    ]);
    expect(web.attributes.egress).toEqual([
      expect.objectContaining({
        protocol: '-1',
        fromPort: 0,
        toPort: 65535,
        internet: true,
        origin: expect.objectContaining({
          address: 'aws_security_group_rule.web_egress',
        }),
      }),
    ]);
    const db = get('module.db.aws_db_instance.this') as Resource<RdsAttributes>;
    expect(db.attributes.securityGroups).toEqual([
      expect.objectContaining({
        id: KNOWN_AFTER_APPLY,
        uid: 'tf:module.db.aws_security_group.db',
      }),
    ]);
    expect(db.attributes.port).toBe(5432);
    // a cluster member sits behind its cluster's groups
    const member = get(
      'aws_rds_cluster_instance.ledger[0]',
    ) as Resource<RdsAttributes>;
    expect(member.attributes.securityGroups[0].uid).toBe(
      'tf:aws_security_group.internal',
    );
  });

  it('joins IAM attachments, inline policies, memberships, login profiles and keys', () => {
    const deployer = get(
      'aws_iam_role.deployer',
    ) as Resource<IamRoleAttributes>;
    expect(deployer.attributes.managedPolicies).toEqual([
      expect.objectContaining({
        arn: KNOWN_AFTER_APPLY,
        uid: 'tf:aws_iam_policy.admin',
        origin: expect.objectContaining({
          address: 'aws_iam_role_policy_attachment.deployer_admin',
        }),
      }),
    ]);
    const partner = get('aws_iam_role.partner') as Resource<IamRoleAttributes>;
    expect(partner.attributes.inlinePolicies).toHaveLength(1);
    expect(partner.attributes.inlinePolicies[0].name).toBe(
      'everything-but-iam',
    );
    const alice = get('aws_iam_user.alice') as Resource<IamUserAttributes>;
    expect(alice.attributes).toMatchObject({
      groups: ['payments-admins'],
      groupUids: ['tf:aws_iam_group.admins'],
      loginProfile: true,
    });
    expect(alice.attributes.mfaDevices).toBeUndefined();
    const ci = get('aws_iam_user.ci') as Resource<IamUserAttributes>;
    expect(ci.attributes.accessKeys).toEqual([
      expect.objectContaining({ status: 'Active' }),
    ]);
    // a key created by this plan has no creation date yet
    expect(ci.attributes.accessKeys![0].createDate).toBeUndefined();
  });

  it('attaches load balancers to listeners and reports each load balancer once', () => {
    const listeners = result.resources.filter(
      r => r.type === 'aws.elb.listener',
    ) as Resource<ListenerAttributes>[];
    const reporters = listeners
      .filter(l => l.attributes.reportsLoadBalancer)
      .map(l => l.address);
    expect(reporters.sort()).toEqual([
      'aws_lb_listener.http',
      'aws_lb_listener.internal_http',
    ]);
    const https = get('aws_lb_listener.https') as Resource<ListenerAttributes>;
    expect(https.attributes.loadBalancer).toMatchObject({
      name: 'payments-public',
      scheme: 'internet-facing',
      accessLogsEnabled: true,
    });
    expect(https.origins?.loadBalancer).toBe('aws_lb.public');
  });

  it('treats computed attributes a new resource does not configure as absent, not unknown', () => {
    const replica = get(
      'aws_s3_bucket.replica[0]',
    ) as Resource<S3BucketAttributes>;
    // `policy` is computed (unknown) on every new bucket
    expect(
      planned(doc, 'aws_s3_bucket.replica[0]').values.policy,
    ).toBeUndefined();
    expect(replica.attributes.policy).toBeUndefined();
    // while a policy resource whose document depends on the bucket is unknown
    const uploads = get(
      'aws_s3_bucket.uploads',
    ) as Resource<S3BucketAttributes>;
    expect(uploads.attributes.policy).toEqual(
      expect.objectContaining({ unknown: true }),
    );
  });

  it('includes the location in uids and in the references between resources', () => {
    const located = normalizeTerraformJson(plan(), {
      format: 'terraform-plan',
      location: 'prod/eu-west-1',
    });
    const role = byAddress(located.resources, 'aws_iam_role.deployer');
    expect(role.uid).toBe('tf:prod/eu-west-1/aws_iam_role.deployer');
    const index = createResourceIndex(located.resources);
    const outcome = iamWildcardAdmin.evaluate(role, {
      resources: index,
      now: NOW,
    });
    expect(outcome).toMatchObject({
      status: 'fail',
      evidence: [expect.objectContaining({ address: 'aws_iam_policy.admin' })],
    });
  });

  it('falls back to matching known values when the plan has no configuration', () => {
    const stripped = plan();
    delete stripped.configuration;
    const r = normalizeTerraformJson(stripped, { format: 'terraform-plan' });
    // bucket ids are unknown: the S3 split resources cannot be placed …
    const joinError = r.errors.find(e =>
      e.message.includes('could not be joined'),
    );
    expect(joinError?.message).toContain(
      'aws_s3_bucket_public_access_block.logs',
    );
    const logs = byAddress(r.resources, 'aws_s3_bucket.logs');
    expect(logs.attributes.publicAccessBlock).toBeUndefined();
    // … but an attachment naming its role by a known name still is.
    const reader = byAddress(r.resources, 'aws_iam_role.reader');
    expect(reader.attributes.managedPolicies).toEqual([
      expect.objectContaining({
        origin: expect.objectContaining({
          address: 'aws_iam_role_policy_attachment.reader',
        }),
      }),
    ]);
    // and the inline policy whose role is only known after apply is not guessed
    expect(reader.attributes.inlinePolicies).toEqual([]);
  });

  it('reads resource_changes when planned_values is missing', () => {
    const changesOnly = plan();
    delete changesOnly.planned_values;
    const r = normalizeTerraformJson(changesOnly, { format: 'terraform-plan' });
    const logs = byAddress(r.resources, 'aws_s3_bucket.logs');
    expect(logs.attributes.publicAccessBlock?.blockPublicAcls).toBe(true);
    expect(r.resources).toHaveLength(result.resources.length);
  });
});

describe('normalizeTerraformJson: module instances', () => {
  // module "tenant" { for_each = toset(["acme", "globex"]) } holding a bucket and
  // its public access block; the root versions every tenant bucket with
  // `for_each = module.tenant` and `bucket = each.value.bucket_id`.
  const unknownBucket = { bucket: true, id: true };
  const resource = (
    address: string,
    type: string,
    name: string,
    index: string,
    values: Json,
  ) => ({
    address,
    mode: 'managed',
    type,
    name,
    ...(index ? { index } : {}),
    provider_name: 'registry.terraform.io/hashicorp/aws',
    schema_version: 0,
    values,
    sensitive_values: {},
  });
  const tenants = ['acme', 'globex'];
  const moduleOf = (t: string) => `module.tenant["${t}"]`;
  const plannedValues = {
    root_module: {
      resources: tenants.map(t =>
        resource(
          `aws_s3_bucket_versioning.tenant["${t}"]`,
          'aws_s3_bucket_versioning',
          'tenant',
          t,
          {
            versioning_configuration: [
              { status: t === 'acme' ? 'Enabled' : 'Suspended' },
            ],
          },
        ),
      ),
      child_modules: tenants.map(t => ({
        address: moduleOf(t),
        resources: [
          resource(
            `${moduleOf(t)}.aws_s3_bucket.this`,
            'aws_s3_bucket',
            'this',
            '',
            { bucket: `tenant-${t}`, tags: { owner: t } },
          ),
          resource(
            `${moduleOf(t)}.aws_s3_bucket_public_access_block.this`,
            'aws_s3_bucket_public_access_block',
            'this',
            '',
            {
              block_public_acls: true,
              block_public_policy: true,
              ignore_public_acls: t === 'acme',
              restrict_public_buckets: true,
            },
          ),
        ],
      })),
    },
  };
  const changes = [
    ...plannedValues.root_module.resources,
    ...plannedValues.root_module.child_modules.flatMap(m => m.resources),
  ].map(r => ({
    address: r.address,
    type: r.type,
    name: r.name,
    change: {
      actions: ['create'],
      before: null,
      after: r.values,
      after_unknown:
        r.type === 'aws_s3_bucket' ? { arn: true, id: true } : unknownBucket,
    },
  }));
  const doc = {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: plannedValues,
    resource_changes: changes,
    configuration: {
      root_module: {
        resources: [
          {
            address: 'aws_s3_bucket_versioning.tenant',
            mode: 'managed',
            type: 'aws_s3_bucket_versioning',
            name: 'tenant',
            expressions: {
              bucket: { references: ['each.value.bucket_id', 'each.value'] },
            },
            for_each_expression: { references: ['module.tenant'] },
          },
        ],
        module_calls: {
          tenant: {
            source: './modules/tenant',
            for_each_expression: { constant_value: tenants },
            module: {
              outputs: {
                bucket_id: {
                  expression: {
                    references: ['aws_s3_bucket.this.id', 'aws_s3_bucket.this'],
                  },
                },
              },
              resources: [
                {
                  address: 'aws_s3_bucket.this',
                  mode: 'managed',
                  type: 'aws_s3_bucket',
                  name: 'this',
                  expressions: { bucket: { references: ['each.key'] } },
                },
                {
                  address: 'aws_s3_bucket_public_access_block.this',
                  mode: 'managed',
                  type: 'aws_s3_bucket_public_access_block',
                  name: 'this',
                  expressions: {
                    bucket: {
                      references: [
                        'aws_s3_bucket.this.id',
                        'aws_s3_bucket.this',
                      ],
                    },
                  },
                },
              ],
            },
          },
        },
      },
    },
  };

  it('joins inside each module instance, and by key across a for_each over the module', () => {
    const r = normalizeTerraformJson(doc, { format: 'terraform-plan' });
    expect(r.errors).toEqual([]);
    const bucket = (t: string) =>
      byAddress(
        r.resources,
        `${moduleOf(t)}.aws_s3_bucket.this`,
      ) as Resource<S3BucketAttributes>;
    expect(bucket('acme').attributes.publicAccessBlock).toMatchObject({
      ignorePublicAcls: true,
      origin: {
        address: 'module.tenant["acme"].aws_s3_bucket_public_access_block.this',
      },
    });
    expect(bucket('globex').attributes.publicAccessBlock).toMatchObject({
      ignorePublicAcls: false,
      origin: {
        address:
          'module.tenant["globex"].aws_s3_bucket_public_access_block.this',
      },
    });
    expect(bucket('acme').attributes.versioning).toMatchObject({
      status: 'Enabled',
      origin: { address: 'aws_s3_bucket_versioning.tenant["acme"]' },
    });
    expect(bucket('globex').attributes.versioning).toMatchObject({
      status: 'Suspended',
      origin: { address: 'aws_s3_bucket_versioning.tenant["globex"]' },
    });
  });
});

describe('normalizeTerraformJson: state', () => {
  const result = normalizeTerraformJson(state(), {
    format: 'terraform-state',
    file: 'state.json',
  });
  const get = (address: string) => byAddress(result.resources, address);

  it('joins split resources by value and reports the ones that match nothing', () => {
    const archive = get(
      'aws_s3_bucket.archive',
    ) as Resource<S3BucketAttributes>;
    expect(archive.attributes.publicAccessBlock?.origin.address).toBe(
      'aws_s3_bucket_public_access_block.archive',
    );
    expect(archive.attributes.logging?.targetBucket).toBe('orders-logs');
    expect(result.errors).toEqual([
      {
        message:
          '1 resource could not be joined to the resource they configure: aws_s3_bucket_versioning.orphan',
      },
    ]);
  });

  it('reads child modules of the state', () => {
    const role = get(
      'module.queue_worker.aws_iam_role.this',
    ) as Resource<IamRoleAttributes>;
    // listed in managed_policy_arns and attached: reported once, by the attachment
    expect(role.attributes.managedPolicies).toEqual([
      expect.objectContaining({
        administratorAccess: true,
        origin: expect.objectContaining({
          address: 'module.queue_worker.aws_iam_role_policy_attachment.this',
        }),
      }),
    ]);
  });

  it('resolves security groups by id for the database check', () => {
    const legacy = get('aws_db_instance.legacy');
    expect(legacy.attributes.securityGroups[0]).toMatchObject({
      id: 'sg-0ccc3333dddd4444e',
      uid: 'tf:aws_security_group.legacy_db',
    });
    const outcome = rdsSecurityGroupOpen.evaluate(legacy, {
      resources: createResourceIndex([legacy]),
      now: NOW,
    });
    // without its security group in the resource set the check cannot judge
    expect(outcome.status).toBe('skip');
  });

  it('knows MFA devices and access key dates from the state', () => {
    const admin = get('aws_iam_user.admin') as Resource<IamUserAttributes>;
    expect(admin.attributes.mfaDevices).toEqual([
      'arn:aws:iam::111122223333:mfa/orders-admin',
    ]);
    const ops = get('aws_iam_user.ops') as Resource<IamUserAttributes>;
    expect(
      ops.attributes.accessKeys?.map(k => [k.status, k.createDate]),
    ).toEqual([
      ['Inactive', '2022-06-01T10:00:00Z'],
      ['Active', '2025-02-20T10:00:00Z'],
    ]);
  });
});

describe('normalizeTerraformJson: secrets', () => {
  const all = [
    normalizeTerraformJson(plan(), { format: 'terraform-plan' }),
    normalizeTerraformJson(state(), { format: 'terraform-state' }),
  ];

  it('the fixtures really contain the canary', () => {
    expect(readFixtureText('terraform/plan.json')).toContain(CANARY);
    expect(readFixtureText('terraform/state.json')).toContain(CANARY);
  });

  it('never copies a secret into resources, evidence paths or errors', () => {
    expect(JSON.stringify(all)).not.toContain(CANARY);
  });

  it('keeps facts about passwords without the password', () => {
    const db = byAddress(all[0].resources, 'module.db.aws_db_instance.this');
    expect(db.attributes.masterPassword).toEqual({
      set: true,
      managed: false,
      wellKnownDefault: true,
      known: true,
    });
    expect((db.raw as Json).password).toBe(REDACTED);
    const reporting = byAddress(all[0].resources, 'aws_db_instance.reporting');
    expect(reporting.attributes.masterPassword).toMatchObject({
      set: true,
      known: false,
    });
  });

  it('redacts secret-looking environment values and keeps the others', () => {
    const api = byAddress(
      all[0].resources,
      'aws_lambda_function.api',
    ) as Resource<LambdaAttributes>;
    expect(
      Object.fromEntries(
        api.attributes.environment!.map(v => [v.name, v.value]),
      ),
    ).toEqual({
      DB_HOST: 'payments-db.internal',
      DB_PASSWORD: REDACTED,
      LOG_LEVEL: 'info',
      STRIPE_KEY_SECRET_ARN:
        'arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/stripe-AbCdEf',
    });
    expect((api.raw as Json).environment[0].variables.DB_PASSWORD).toBe(
      REDACTED,
    );
    const worker = byAddress(
      all[0].resources,
      'aws_ecs_task_definition.worker',
    ) as Resource<EcsTaskDefinitionAttributes>;
    const defs = JSON.parse((worker.raw as Json).container_definitions);
    expect(defs[0].environment).toEqual([
      { name: 'API_TOKEN', value: REDACTED },
      { name: 'REGION', value: 'eu-west-1' },
    ]);
    expect(defs[0].image).toContain('payments-worker');
  });
});

describe('normalizeTerraformJson: bad input', () => {
  it.each([[null], [42], ['plan'], [[]], [{}], [{ format_version: '1.2' }]])(
    'rejects %j with an error',
    doc => {
      const r = normalizeTerraformJson(doc, { format: 'terraform-plan' });
      expect(r.resources).toEqual([]);
      expect(r.errors.length).toBeGreaterThan(0);
    },
  );

  it('reports wrong types instead of throwing', () => {
    const docs: unknown[] = [
      { planned_values: 5 },
      { planned_values: { root_module: [] } },
      {
        planned_values: { root_module: { resources: 'x', child_modules: {} } },
      },
      {
        planned_values: {
          root_module: {
            resources: [
              null,
              7,
              { type: 5 },
              { type: 'aws_s3_bucket', name: 'b', values: 'nope' },
              {
                type: 'aws_db_instance',
                name: 'd',
                values: { port: 'x', vpc_security_group_ids: 'sg' },
              },
            ],
          },
        },
        resource_changes: 'x',
        configuration: { root_module: { resources: 'x', module_calls: [] } },
      },
      {
        values: {
          root_module: {
            resources: [
              { address: 'aws_s3_bucket.[', type: 'aws_s3_bucket', name: 'x' },
            ],
          },
        },
      },
    ];
    for (const doc of docs) {
      const r = normalizeTerraformJson(doc, { format: 'terraform-plan' });
      expect(r.errors.length + r.resources.length).toBeGreaterThan(0);
      expect(() => JSON.stringify(r)).not.toThrow();
      expect(r.errors.map(e => e.message)).not.toContainEqual(
        expect.stringMatching(/^could not read/),
      );
    }
  });

  it('survives 1,000-deep module nesting and 1,000-deep values', () => {
    let mod: Json = {
      address: 'module.leaf',
      resources: [
        {
          address: 'module.leaf.aws_ebs_volume.v',
          mode: 'managed',
          type: 'aws_ebs_volume',
          name: 'v',
          values: { encrypted: false },
        },
      ],
    };
    for (let i = 0; i < 1000; i++)
      mod = { address: `module.m${i}`, child_modules: [mod] };
    let deep: Json = { leaf: true };
    for (let i = 0; i < 1000; i++) deep = { nested: deep };
    const doc = {
      format_version: '1.0',
      values: {
        root_module: {
          resources: [
            {
              address: 'aws_ebs_volume.root',
              mode: 'managed',
              type: 'aws_ebs_volume',
              name: 'root',
              values: { encrypted: true, tags: deep },
            },
          ],
          child_modules: [mod],
        },
      },
    };
    const r = normalizeTerraformJson(doc, { format: 'terraform-state' });
    expect(r.resources.map(x => x.address)).toEqual(['aws_ebs_volume.root']);
    expect(r.errors.map(e => e.message)).toContainEqual(
      expect.stringContaining('nested deeper than'),
    );
    expect(JSON.stringify(r.resources[0].raw)).toContain('[TRUNCATED]');
  });

  it('never throws when any part of a real plan has the wrong type', () => {
    const base = plan();
    const paths: Array<Array<string | number>> = [];
    const walk = (v: unknown, p: Array<string | number>) => {
      if (p.length > 0) paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
      }
    };
    walk(base, []);
    const text = JSON.stringify(base);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })), {
          minLength: 1,
          maxLength: 20,
        }),
        edits => {
          const doc = JSON.parse(text);
          for (const [n, value] of edits) {
            const p = paths[n % paths.length];
            let target = doc;
            for (let i = 0; i < p.length - 1 && target; i++)
              target = target[p[i]];
            if (target && typeof target === 'object')
              target[p[p.length - 1]] = value;
          }
          const r = normalizeTerraformJson(doc, { format: 'terraform-plan' });
          JSON.stringify(r);
          // no internal exception was turned into an error either
          const crash = r.errors.find(e =>
            e.message.startsWith('could not read'),
          );
          expect(crash).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});
