import type { Rng } from './random';

/** One resource instance of `terraform show -json` (state). */
export interface TfResource {
  address: string;
  mode: 'managed';
  type: string;
  name: string;
  provider_name: string;
  schema_version: number;
  values: Record<string, unknown>;
  sensitive_values: Record<string, unknown>;
  depends_on?: string[];
}

/** What one Terraform stack (a `Resource` entity) holds. */
export interface TerraformStackSpec {
  stack: string;
  team: string;
  hygiene: number;
  /** Canonical resources to produce (split resources are extra Terraform instances). */
  count: number;
  /** Resources are placed in this child module (`module.<name>`), or the root when empty. */
  module?: string;
  region: string;
}

/** `terraform show -json` of a state, as Terraform 1.9 writes it. */
export interface TerraformState {
  format_version: string;
  terraform_version: string;
  values: {
    outputs: Record<string, unknown>;
    root_module: {
      resources: TfResource[];
      child_modules?: Array<{ address: string; resources: TfResource[] }>;
    };
  };
}

const ACCOUNT = '111122223333';
const PROVIDER = 'registry.terraform.io/hashicorp/aws';
const KINDS = [
  'bucket',
  'bucket',
  'bucket',
  'rds',
  'sg',
  'sg',
  'role',
  'role',
  'policy',
  'user',
  'kms',
  'lambda',
  'ebs',
] as const;

/**
 * Builds a Terraform state for one stack: S3 buckets with their split
 * configuration resources, RDS instances, security groups (inline and separate
 * rules), IAM roles, policies and users with access keys, KMS keys, Lambda
 * functions and EBS volumes, with misconfigurations whose probability grows as
 * `hygiene` falls. Returns the state and the number of Terraform instances.
 */
export function buildTerraformStack(
  spec: TerraformStackSpec,
  rng: Rng,
): { state: TerraformState; instances: number } {
  const bad = (p: number) => rng.chance(p * (1.6 - spec.hygiene));
  const prefix = spec.module ? `module.${spec.module}.` : '';
  const out: TfResource[] = [];
  const tags = (): Record<string, string> =>
    bad(0.1)
      ? { Name: spec.stack }
      : {
          Name: spec.stack,
          owner: spec.team,
          team: spec.team,
          'backstage.io/component': spec.stack,
          ...(bad(0.2)
            ? {}
            : {
                'data-classification': rng.pick([
                  'internal',
                  'confidential',
                  'public',
                ]),
              }),
        };
  const add = (
    type: string,
    name: string,
    values: Record<string, unknown>,
    dependsOn?: string[],
  ) => {
    const t = values.tags as Record<string, string> | undefined;
    if (t) {
      values.tags_all = {
        'managed-by': 'terraform',
        environment: 'production',
        ...t,
      };
    }
    out.push({
      address: `${prefix}${type}.${name}`,
      mode: 'managed',
      type,
      name,
      provider_name: PROVIDER,
      schema_version: 0,
      values,
      sensitive_values: sensitiveOf(values),
      ...(dependsOn ? { depends_on: dependsOn.map(d => `${prefix}${d}`) } : {}),
    });
  };

  for (let i = 0; i < spec.count; i++) {
    const kind = i === 0 ? 'bucket' : rng.pick(KINDS);
    const n = `${kind}_${i}`;
    const id = `${spec.stack}-${kind}-${i}`;
    switch (kind) {
      case 'bucket': {
        const website = bad(0.05);
        add('aws_s3_bucket', n, {
          acceleration_status: '',
          acl: website ? 'public-read' : null,
          arn: `arn:aws:s3:::${id}`,
          bucket: id,
          bucket_domain_name: `${id}.s3.amazonaws.com`,
          bucket_prefix: '',
          bucket_regional_domain_name: `${id}.s3.${spec.region}.amazonaws.com`,
          cors_rule: [],
          force_destroy: false,
          grant: [
            {
              id: rng.hex(64),
              permissions: ['FULL_CONTROL'],
              type: 'CanonicalUser',
              uri: '',
            },
          ],
          hosted_zone_id: 'Z1BKCTXD74EZPE',
          id,
          lifecycle_rule: [],
          logging: [],
          object_lock_configuration: [],
          object_lock_enabled: false,
          policy: '',
          region: spec.region,
          replication_configuration: [],
          request_payer: 'BucketOwner',
          server_side_encryption_configuration: bad(0.15)
            ? []
            : [
                {
                  rule: [
                    {
                      apply_server_side_encryption_by_default: [
                        {
                          kms_master_key_id: '',
                          sse_algorithm: rng.pick(['AES256', 'aws:kms']),
                        },
                      ],
                      bucket_key_enabled: false,
                    },
                  ],
                },
              ],
          tags: tags(),
          timeouts: null,
          versioning: [{ enabled: false, mfa_delete: false }],
          website: [],
          website_domain: null,
          website_endpoint: null,
        });
        if (!bad(0.15)) {
          const open = bad(0.05);
          add(
            'aws_s3_bucket_public_access_block',
            n,
            {
              block_public_acls: !open,
              block_public_policy: !open,
              bucket: id,
              id,
              ignore_public_acls: !open,
              restrict_public_buckets: !open,
            },
            [`aws_s3_bucket.${n}`],
          );
        }
        if (!bad(0.3)) {
          add(
            'aws_s3_bucket_versioning',
            n,
            {
              bucket: id,
              expected_bucket_owner: '',
              id,
              mfa: null,
              versioning_configuration: [{ mfa_delete: '', status: 'Enabled' }],
            },
            [`aws_s3_bucket.${n}`],
          );
        }
        if (!bad(0.4)) {
          add(
            'aws_s3_bucket_logging',
            n,
            {
              bucket: id,
              expected_bucket_owner: '',
              id,
              target_bucket: `${spec.team}-access-logs`,
              target_grant: [],
              target_object_key_format: [],
              target_prefix: `${id}/`,
            },
            [`aws_s3_bucket.${n}`],
          );
        }
        if (!bad(0.5)) {
          add(
            'aws_s3_bucket_lifecycle_configuration',
            n,
            {
              bucket: id,
              expected_bucket_owner: '',
              id,
              timeouts: null,
              transition_default_minimum_object_size:
                'all_storage_classes_128K',
              rule: [
                {
                  abort_incomplete_multipart_upload: [
                    { days_after_initiation: 7 },
                  ],
                  expiration: [],
                  filter: [
                    {
                      and: [],
                      object_size_greater_than: null,
                      object_size_less_than: null,
                      prefix: '',
                      tag: [],
                    },
                  ],
                  id: 'archive',
                  noncurrent_version_expiration: [
                    { newer_noncurrent_versions: null, noncurrent_days: 90 },
                  ],
                  noncurrent_version_transition: [],
                  prefix: '',
                  status: 'Enabled',
                  transition: [
                    { date: null, days: 30, storage_class: 'STANDARD_IA' },
                  ],
                },
              ],
            },
            [`aws_s3_bucket.${n}`],
          );
        }
        if (!bad(0.5)) {
          add(
            'aws_s3_bucket_policy',
            n,
            {
              bucket: id,
              id,
              policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'TLSOnly',
                    Effect: 'Deny',
                    Principal: { AWS: '*' },
                    Action: 's3:*',
                    Resource: [`arn:aws:s3:::${id}`, `arn:aws:s3:::${id}/*`],
                    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                  },
                ],
              }),
            },
            [`aws_s3_bucket.${n}`],
          );
        }
        break;
      }
      case 'rds': {
        const engine = rng.pick(['postgres', 'mysql', 'postgres']);
        add('aws_db_instance', n, {
          address: `${id}.c${rng.hex(10)}.${spec.region}.rds.amazonaws.com`,
          allocated_storage: rng.int(2, 50) * 20,
          arn: `arn:aws:rds:${spec.region}:${ACCOUNT}:db:${id}`,
          backup_retention_period: bad(0.15) ? 0 : rng.int(7, 35),
          deletion_protection: !bad(0.2),
          engine,
          engine_version: engine === 'postgres' ? '16.3' : '8.0.36',
          iam_database_authentication_enabled: !bad(0.5),
          id: `db-${rng.hex(26).toUpperCase()}`,
          identifier: id,
          instance_class: rng.pick(['db.r6g.large', 'db.t4g.medium']),
          kms_key_id: bad(0.1)
            ? ''
            : `arn:aws:kms:${spec.region}:${ACCOUNT}:key/${rng.hex(8)}`,
          manage_master_user_password: bad(0.3) ? null : true,
          master_user_secret: [],
          multi_az: !bad(0.3),
          password: null,
          port: engine === 'postgres' ? 5432 : 3306,
          publicly_accessible: bad(0.04),
          storage_encrypted: !bad(0.1),
          username: bad(0.1)
            ? 'admin'
            : `${spec.stack.replace(/-/g, '_')}_owner`,
          vpc_security_group_ids: [`sg-${rng.hex(17)}`],
          tags: tags(),
        });
        break;
      }
      case 'sg': {
        const sgId = `sg-${rng.hex(17)}`;
        const open = bad(0.08);
        add('aws_security_group', n, {
          arn: `arn:aws:ec2:${spec.region}:${ACCOUNT}:security-group/${sgId}`,
          description: `${spec.stack} ${kind} ${i}`,
          id: sgId,
          name: id,
          name_prefix: '',
          owner_id: ACCOUNT,
          revoke_rules_on_delete: false,
          timeouts: null,
          vpc_id: `vpc-${rng.hex(17)}`,
          ingress: [
            {
              cidr_blocks: ['10.0.0.0/8'],
              description: 'from the VPC',
              from_port: 443,
              ipv6_cidr_blocks: [],
              prefix_list_ids: [],
              protocol: 'tcp',
              security_groups: [],
              self: false,
              to_port: 443,
            },
            ...(open
              ? [
                  {
                    cidr_blocks: ['0.0.0.0/0'],
                    description: 'ssh',
                    from_port: 22,
                    ipv6_cidr_blocks: [],
                    prefix_list_ids: [],
                    protocol: 'tcp',
                    security_groups: [],
                    self: false,
                    to_port: 22,
                  },
                ]
              : []),
          ],
          egress: [
            {
              cidr_blocks: bad(0.5) ? ['0.0.0.0/0'] : ['10.0.0.0/8'],
              description: '',
              from_port: 0,
              ipv6_cidr_blocks: [],
              prefix_list_ids: [],
              protocol: '-1',
              security_groups: [],
              self: false,
              to_port: 0,
            },
          ],
          tags: tags(),
        });
        if (rng.chance(0.3)) {
          const port = bad(0.1) ? 3389 : 8443;
          add(
            'aws_security_group_rule',
            `${n}_extra`,
            {
              cidr_blocks: port === 3389 ? ['0.0.0.0/0'] : ['10.20.0.0/16'],
              description: 'extra',
              from_port: port,
              id: `sgrule-${rng.int(1e9, 4e9)}`,
              ipv6_cidr_blocks: null,
              prefix_list_ids: null,
              protocol: 'tcp',
              security_group_id: sgId,
              security_group_rule_id: `sgr-${rng.hex(17)}`,
              self: false,
              source_security_group_id: null,
              timeouts: null,
              to_port: port,
              type: 'ingress',
            },
            [`aws_security_group.${n}`],
          );
        }
        break;
      }
      case 'role': {
        const admin = bad(0.04);
        add('aws_iam_role', n, {
          arn: `arn:aws:iam::${ACCOUNT}:role/${id}`,
          assume_role_policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: bad(0.02)
                  ? { AWS: '*' }
                  : { Service: 'ecs-tasks.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
          create_date: '2024-04-01T12:00:00Z',
          description: '',
          force_detach_policies: false,
          id,
          inline_policy: [],
          managed_policy_arns: admin
            ? ['arn:aws:iam::aws:policy/AdministratorAccess']
            : [`arn:aws:iam::${ACCOUNT}:policy/${spec.stack}-app`],
          max_session_duration: 3600,
          name: id,
          name_prefix: '',
          path: '/',
          permissions_boundary: '',
          tags: tags(),
          unique_id: `AROA${rng.hex(16).toUpperCase()}`,
        });
        add(
          'aws_iam_role_policy_attachment',
          n,
          {
            id: `${id}-${rng.hex(20)}`,
            policy_arn: admin
              ? 'arn:aws:iam::aws:policy/AdministratorAccess'
              : `arn:aws:iam::${ACCOUNT}:policy/${spec.stack}-app`,
            role: id,
          },
          [`aws_iam_role.${n}`],
        );
        break;
      }
      case 'policy': {
        const star = bad(0.06);
        add('aws_iam_policy', n, {
          arn: `arn:aws:iam::${ACCOUNT}:policy/${id}`,
          attachment_count: 1,
          description: `${spec.stack} access`,
          id: `arn:aws:iam::${ACCOUNT}:policy/${id}`,
          name: id,
          name_prefix: '',
          path: '/',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              star
                ? { Effect: 'Allow', Action: '*', Resource: '*' }
                : {
                    Effect: 'Allow',
                    Action: [
                      's3:GetObject',
                      's3:PutObject',
                      'sqs:SendMessage',
                      'sqs:ReceiveMessage',
                      'kms:Decrypt',
                    ],
                    Resource: [
                      `arn:aws:s3:::${spec.stack}-*`,
                      `arn:aws:sqs:${spec.region}:${ACCOUNT}:${spec.stack}-*`,
                    ],
                  },
            ],
          }),
          policy_id: `ANPA${rng.hex(16).toUpperCase()}`,
          tags: tags(),
        });
        break;
      }
      case 'user': {
        add('aws_iam_user', n, {
          arn: `arn:aws:iam::${ACCOUNT}:user/system/${id}`,
          force_destroy: false,
          id,
          name: id,
          path: '/system/',
          permissions_boundary: '',
          tags: tags(),
          unique_id: `AIDA${rng.hex(16).toUpperCase()}`,
        });
        add(
          'aws_iam_access_key',
          n,
          {
            create_date: bad(0.3)
              ? '2022-01-10T08:00:00Z'
              : '2026-09-01T08:00:00Z',
            encrypted_secret: null,
            encrypted_ses_smtp_password_v4: null,
            id: `AKIA${rng.hex(16).toUpperCase()}`,
            key_fingerprint: null,
            pgp_key: null,
            secret: null,
            ses_smtp_password_v4: null,
            status: 'Active',
            user: id,
          },
          [`aws_iam_user.${n}`],
        );
        break;
      }
      case 'kms': {
        const keyId = `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(
          4,
        )}-${rng.hex(12)}`;
        add('aws_kms_key', n, {
          arn: `arn:aws:kms:${spec.region}:${ACCOUNT}:key/${keyId}`,
          bypass_policy_lockout_safety_check: false,
          custom_key_store_id: '',
          customer_master_key_spec: 'SYMMETRIC_DEFAULT',
          deletion_window_in_days: 30,
          description: `${spec.stack} data`,
          enable_key_rotation: !bad(0.3),
          id: keyId,
          is_enabled: true,
          key_id: keyId,
          key_usage: 'ENCRYPT_DECRYPT',
          multi_region: false,
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Enable IAM User Permissions',
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          }),
          rotation_period_in_days: 365,
          tags: tags(),
        });
        break;
      }
      case 'lambda': {
        add('aws_lambda_function', n, {
          architectures: ['arm64'],
          arn: `arn:aws:lambda:${spec.region}:${ACCOUNT}:function:${id}`,
          function_name: id,
          handler: 'index.handler',
          id,
          kms_key_arn: '',
          memory_size: rng.pick([128, 256, 512]),
          package_type: 'Zip',
          role: `arn:aws:iam::${ACCOUNT}:role/${id}`,
          runtime: bad(0.2) ? 'nodejs16.x' : 'nodejs20.x',
          timeout: 10,
          environment: [
            {
              variables: {
                TOPIC: `${spec.stack}-events`,
                LOG_LEVEL: 'info',
                ...(bad(0.05)
                  ? { API_TOKEN: 'demo-only-not-a-real-password' }
                  : {}),
              },
            },
          ],
          vpc_config: [],
          tags: tags(),
        });
        break;
      }
      default: {
        add('aws_ebs_volume', n, {
          arn: `arn:aws:ec2:${spec.region}:${ACCOUNT}:volume/vol-${rng.hex(
            17,
          )}`,
          availability_zone: `${spec.region}b`,
          encrypted: !bad(0.12),
          final_snapshot: false,
          id: `vol-${rng.hex(17)}`,
          iops: 3000,
          kms_key_id: '',
          multi_attach_enabled: false,
          outpost_arn: '',
          size: rng.int(1, 50) * 20,
          snapshot_id: '',
          tags: tags(),
          throughput: 125,
          timeouts: null,
          type: 'gp3',
        });
      }
    }
  }
  const root = spec.module
    ? {
        resources: [],
        child_modules: [{ address: `module.${spec.module}`, resources: out }],
      }
    : { resources: out };
  return {
    state: {
      format_version: '1.0',
      terraform_version: '1.9.5',
      values: { outputs: {}, root_module: root },
    },
    instances: out.length,
  };
}

/** `sensitive_values`: the shape of the values with nothing sensitive (as Terraform writes it). */
function sensitiveOf(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (Array.isArray(v)) out[k] = v.map(() => ({}));
    else if (v && typeof v === 'object') out[k] = {};
  }
  if ('password' in values) out.password = true;
  if ('secret' in values) out.secret = true;
  return out;
}

/** Changes what an apply changes: a tag on every resource of the stack. */
export function mutateTerraformState(state: TerraformState, rng: Rng): number {
  const mods = [
    state.values.root_module,
    ...(state.values.root_module.child_modules ?? []),
  ];
  let n = 0;
  for (const m of mods) {
    for (const r of m.resources) {
      const t = r.values.tags as Record<string, string> | undefined;
      if (!t) continue;
      t['acme.example.com/release'] = `r${rng.int(1000, 9999)}`;
      r.values.tags_all = { ...(r.values.tags_all as object), ...t };
      n++;
    }
  }
  return n;
}
