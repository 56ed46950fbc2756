import type { AwsResourceType } from '../../model/resource';
import {
  defaultDatabasePort,
  ecsContainers,
  environmentFromMap,
  granteeOf,
  redirectsToHttps,
  s3Permission,
  securityGroupRule,
} from '../derive';
import {
  isAdministratorAccessArn,
  parsePolicyDocument,
  unknownPolicy,
} from '../policy';
import { isWellKnownPassword } from '../secrets';
import {
  KNOWN_AFTER_APPLY,
  type AttributeOrigin,
  type CloudFrontAttributes,
  type CloudTrailAttributes,
  type EbsVolumeAttributes,
  type EcsTaskDefinitionAttributes,
  type EfsAttributes,
  type IamGroupAttributes,
  type IamPolicyAttributes,
  type IamRoleAttributes,
  type IamUserAttributes,
  type InlinePolicy,
  type KmsKeyAttributes,
  type LambdaAttributes,
  type ListenerAction,
  type ListenerAttributes,
  type LoadBalancerInfo,
  type ManagedPolicyRef,
  type PolicyDocumentValue,
  type RdsAttributes,
  type S3Acl,
  type S3BucketAttributes,
  type S3Encryption,
  type S3LifecycleRule,
  type S3Logging,
  type S3OwnershipControls,
  type S3PublicAccessBlock,
  type S3Versioning,
  type SecretFacts,
  type SecurityGroupAttributes,
  type SecurityGroupRule,
} from '../types';
import { isObject, parseJson, readTags } from '../util';
import type { TerraformDocument, TfInstance } from './document';
import { TfValues } from './values';

/** A canonical resource being assembled from a primary Terraform resource and its joins. */
export interface Draft {
  inst: TfInstance;
  type: AwsResourceType;
  name: string;
  attributes: any;
  /** Own attribute paths, plus joined attribute → address of the joined resource. */
  origins: Record<string, string>;
  tags?: Record<string, string>;
  /** Canonical attributes Terraform only knows after apply. */
  unknown: string[];
}

/** Reader over an instance's values and unknown mask. */
export function valuesOf(inst: TfInstance): TfValues {
  return new TfValues(inst.values, inst.unknown, '');
}

function draft(
  inst: TfInstance,
  type: AwsResourceType,
  name: string | undefined,
  attributes: any,
  origins: Record<string, string>,
): Draft {
  const v = valuesOf(inst);
  const tags = readTags(v.map('tags_all') ?? v.map('tags'));
  const d: Draft = {
    inst,
    type,
    name:
      name && name !== KNOWN_AFTER_APPLY
        ? name
        : `${inst.name}${
            inst.key === undefined ? '' : `[${JSON.stringify(inst.key)}]`
          }`,
    attributes,
    origins: { ...origins },
    unknown: [],
  };
  if (tags) d.tags = tags;
  const arn = v.str('arn');
  if (arn) attributes.arn = arn;
  return d;
}

/** Marks canonical attributes whose Terraform attribute is unknown at plan time. */
function trackUnknown(d: Draft, v: TfValues, map: Record<string, string>) {
  for (const [canonical, tf] of Object.entries(map)) {
    if (!v.isUnknown(tf)) continue;
    const current = d.attributes[canonical];
    if (
      current === undefined ||
      (Array.isArray(current) && current.length === 0)
    ) {
      d.unknown.push(canonical);
    }
  }
}

// ---------------------------------------------------------------- S3

const TF_PAB_FIELDS = {
  blockPublicAcls: 'block_public_acls',
  ignorePublicAcls: 'ignore_public_acls',
  blockPublicPolicy: 'block_public_policy',
  restrictPublicBuckets: 'restrict_public_buckets',
};
const TF_SSE_FIELDS = {
  algorithm: 'apply_server_side_encryption_by_default[0].sse_algorithm',
  kmsKeyId: 'apply_server_side_encryption_by_default[0].kms_master_key_id',
  bucketKeyEnabled: 'bucket_key_enabled',
};
const TF_LOGGING_FIELDS = {
  targetBucket: 'target_bucket',
  targetPrefix: 'target_prefix',
};
const TF_LIFECYCLE_FIELDS = { enabled: 'status', id: 'id' };
const TF_INLINE_LIFECYCLE_FIELDS = { enabled: 'enabled', id: 'id' };
const TF_VERSIONING_FIELDS = { status: 'status', mfaDelete: 'mfa_delete' };
const TF_INLINE_VERSIONING_FIELDS = {
  status: 'enabled',
  mfaDelete: 'mfa_delete',
};
const TF_GRANT_FIELDS = { permission: 'permission' };
const TF_INLINE_GRANT_FIELDS = { permission: 'permissions' };
const TF_OWNERSHIP_FIELDS = { objectOwnership: 'object_ownership' };

/** `aws_s3_bucket_public_access_block` (or compatible values). */
export function tfPublicAccessBlock(
  v: TfValues,
  address: string,
): S3PublicAccessBlock {
  const pab: S3PublicAccessBlock = {
    origin: { address, path: v.path, fields: TF_PAB_FIELDS },
  };
  const a = v.bool('block_public_acls');
  const b = v.bool('ignore_public_acls');
  const c = v.bool('block_public_policy');
  const d = v.bool('restrict_public_buckets');
  // The provider defaults all four to false when not set.
  pab.blockPublicAcls =
    a ?? (v.isUnknown('block_public_acls') ? undefined : false);
  pab.ignorePublicAcls =
    b ?? (v.isUnknown('ignore_public_acls') ? undefined : false);
  pab.blockPublicPolicy =
    c ?? (v.isUnknown('block_public_policy') ? undefined : false);
  pab.restrictPublicBuckets =
    d ?? (v.isUnknown('restrict_public_buckets') ? undefined : false);
  return pab;
}

/** `rule` blocks of `aws_s3_bucket_server_side_encryption_configuration` or the inline block. */
export function tfEncryption(
  container: TfValues | undefined,
  address: string,
): S3Encryption | undefined {
  const rule = container?.block('rule');
  if (!container || !rule) return undefined;
  const byDefault = rule.block('apply_server_side_encryption_by_default');
  const enc: S3Encryption = {
    source: 'configured',
    origin: { address, path: rule.path, fields: TF_SSE_FIELDS },
  };
  const algorithm = byDefault?.str('sse_algorithm');
  if (algorithm) enc.algorithm = algorithm;
  const key = byDefault?.str('kms_master_key_id');
  if (key) enc.kmsKeyId = key;
  const bucketKey = rule.bool('bucket_key_enabled');
  if (bucketKey !== undefined) enc.bucketKeyEnabled = bucketKey;
  return enc;
}

export function tfLogging(v: TfValues, address: string): S3Logging | undefined {
  const target = v.str('target_bucket');
  if (!target) return undefined;
  const logging: S3Logging = {
    targetBucket: target,
    origin: { address, path: v.path, fields: TF_LOGGING_FIELDS },
  };
  const prefix = v.str('target_prefix');
  if (prefix) logging.targetPrefix = prefix;
  return logging;
}

function hasAny(v: TfValues, keys: string[]): boolean {
  return keys.some(k => {
    const x = v.raw(k);
    return Array.isArray(x) ? x.length > 0 : x !== undefined && x !== null;
  });
}

const LIFECYCLE_ACTIONS = [
  'expiration',
  'transition',
  'noncurrent_version_expiration',
  'noncurrent_version_transition',
  'abort_incomplete_multipart_upload',
];

/** Rules of `aws_s3_bucket_lifecycle_configuration` (`rule`) or the inline `lifecycle_rule`. */
export function tfLifecycleRules(
  v: TfValues,
  key: 'rule' | 'lifecycle_rule',
  address: string,
): S3LifecycleRule[] {
  return v.blocks(key).map(rule => {
    const enabled =
      key === 'rule'
        ? (rule.str('status') ?? 'Enabled') === 'Enabled'
        : rule.bool('enabled') ?? true;
    const r: S3LifecycleRule = {
      enabled,
      hasActions: hasAny(rule, LIFECYCLE_ACTIONS),
      origin: {
        address,
        path: rule.path,
        fields:
          key === 'rule' ? TF_LIFECYCLE_FIELDS : TF_INLINE_LIFECYCLE_FIELDS,
      },
    };
    const id = rule.str('id');
    if (id) r.id = id;
    return r;
  });
}

export function tfVersioning(
  v: TfValues,
  address: string,
): S3Versioning | undefined {
  const conf = v.block('versioning_configuration');
  if (!conf) return undefined;
  const status = conf.str('status');
  const out: S3Versioning = {
    status:
      status === 'Enabled' || status === 'Suspended' ? status : 'Disabled',
    origin: { address, path: conf.path, fields: TF_VERSIONING_FIELDS },
  };
  const mfa = conf.str('mfa_delete');
  if (mfa) out.mfaDelete = mfa === 'Enabled';
  return out;
}

function tfGrantsFromPolicy(
  acp: TfValues | undefined,
  address: string,
): S3Acl['grants'] {
  if (!acp) return [];
  return acp.blocks('grant').map(grant => {
    const grantee = grant.block('grantee');
    const uri = grantee?.str('uri');
    const id = grantee?.str('id');
    const g = {
      grantee: granteeOf(grantee?.str('type'), uri),
      permission: s3Permission(grant.str('permission') ?? ''),
      origin: { address, path: grant.path, fields: TF_GRANT_FIELDS },
    } as S3Acl['grants'][number];
    if (uri ?? id) g.id = uri ?? id;
    return g;
  });
}

/** `aws_s3_bucket_acl`. */
export function tfAcl(v: TfValues, address: string): S3Acl {
  const acl: S3Acl = {
    grants: tfGrantsFromPolicy(v.block('access_control_policy'), address),
    origin: { address, path: '', fields: { canned: 'acl' } },
  };
  const canned = v.str('acl');
  if (canned && canned !== KNOWN_AFTER_APPLY) acl.canned = canned;
  return acl;
}

export function tfOwnership(
  v: TfValues,
  address: string,
): S3OwnershipControls | undefined {
  const rule = v.block('rule');
  if (!rule) return undefined;
  const out: S3OwnershipControls = {
    origin: { address, path: rule.path, fields: TF_OWNERSHIP_FIELDS },
  };
  const o = rule.str('object_ownership');
  if (o) out.objectOwnership = o;
  return out;
}

/** A policy attribute: parsed, unknown at plan time, or absent (empty string in state). */
export function tfPolicy(
  v: TfValues,
  key: string,
  address: string | undefined,
): PolicyDocumentValue | undefined {
  const origin: AttributeOrigin = { path: v.join(key) };
  if (address !== undefined) origin.address = address;
  const raw = v.raw(key);
  if (typeof raw === 'string' && raw.trim() !== '') {
    return parsePolicyDocument(raw, origin);
  }
  if (isObject(raw)) return parsePolicyDocument(raw, origin);
  if (v.isUnknown(key)) return unknownPolicy(origin);
  return undefined;
}

function buildS3Bucket(inst: TfInstance, doc: TerraformDocument): Draft {
  const v = valuesOf(inst);
  const name = v.str('bucket') ?? v.str('id');
  const attrs: Omit<S3BucketAttributes, 'exposure'> & {
    exposure?: S3BucketAttributes['exposure'];
  } = {
    name: name ?? inst.name,
    encryption: { source: 'default' },
  };
  const d = draft(inst, 'aws.s3.bucket', name, attrs, {});
  const self = inst.address;
  // Inline (provider v3 style, or computed in v4+ state) configuration; split
  // resources joined later take precedence.
  const canned = v.str('acl');
  const grants = v.blocks('grant').flatMap(g => {
    const uri = g.str('uri');
    const id = g.str('id');
    return g.strings('permissions').map(p => {
      const grant = {
        grantee: granteeOf(g.str('type'), uri),
        permission: s3Permission(p),
        origin: { path: g.path, fields: TF_INLINE_GRANT_FIELDS },
      } as S3Acl['grants'][number];
      if (uri ?? id) grant.id = uri ?? id;
      return grant;
    });
  });
  if ((canned && canned !== KNOWN_AFTER_APPLY) || grants.length > 0) {
    attrs.acl = { grants, origin: { path: '', fields: { canned: 'acl' } } };
    if (canned && canned !== KNOWN_AFTER_APPLY) attrs.acl.canned = canned;
  }
  const inlineSse = tfEncryption(
    v.block('server_side_encryption_configuration'),
    self,
  );
  if (inlineSse) {
    delete inlineSse.origin!.address;
    attrs.encryption = inlineSse;
  } else {
    const sse = v.raw('server_side_encryption_configuration');
    if (Array.isArray(sse) && sse.length === 0) {
      // The provider read the bucket and found no default encryption.
      attrs.encryption = {
        source: 'none',
        origin: { path: 'server_side_encryption_configuration' },
      };
    }
  }
  const logging = v.block('logging');
  if (logging) {
    const l = tfLogging(logging, self);
    if (l) {
      delete l.origin.address;
      attrs.logging = l;
    }
  }
  const lifecycle = tfLifecycleRules(v, 'lifecycle_rule', self);
  if (lifecycle.length > 0) {
    for (const r of lifecycle) delete r.origin.address;
    attrs.lifecycleRules = lifecycle;
  }
  const versioning = v.block('versioning');
  const enabled = versioning?.bool('enabled');
  if (versioning && enabled !== undefined) {
    attrs.versioning = {
      status: enabled ? 'Enabled' : 'Disabled',
      origin: { path: versioning.path, fields: TF_INLINE_VERSIONING_FIELDS },
    };
    const mfa = versioning.bool('mfa_delete');
    if (mfa !== undefined) attrs.versioning.mfaDelete = mfa;
  }
  // Since provider v4 `policy` is computed: unknown on a new bucket that does not
  // set it means "no inline policy", not "a policy we cannot see yet".
  const policy =
    v.isUnknown('policy') && doc.configured(inst, 'policy') === false
      ? undefined
      : tfPolicy(v, 'policy', undefined);
  if (policy) attrs.policy = policy;
  return d;
}

// ---------------------------------------------------------------- RDS

const TF_RDS_INSTANCE_ORIGINS = {
  identifier: 'identifier',
  engine: 'engine',
  publiclyAccessible: 'publicly_accessible',
  storageEncrypted: 'storage_encrypted',
  kmsKeyId: 'kms_key_id',
  backupRetentionPeriod: 'backup_retention_period',
  deletionProtection: 'deletion_protection',
  masterUsername: 'username',
  masterPassword: 'password',
  iamAuth: 'iam_database_authentication_enabled',
  port: 'port',
  securityGroups: 'vpc_security_group_ids',
  multiAz: 'multi_az',
};

const TF_RDS_CLUSTER_ORIGINS = {
  identifier: 'cluster_identifier',
  engine: 'engine',
  storageEncrypted: 'storage_encrypted',
  kmsKeyId: 'kms_key_id',
  backupRetentionPeriod: 'backup_retention_period',
  deletionProtection: 'deletion_protection',
  masterUsername: 'master_username',
  masterPassword: 'master_password',
  iamAuth: 'iam_database_authentication_enabled',
  port: 'port',
  securityGroups: 'vpc_security_group_ids',
};

function secretFacts(
  v: TfValues,
  key: string,
  username: string | undefined,
  managed: boolean,
): SecretFacts {
  const raw = v.raw(key);
  const known = typeof raw === 'string' && raw !== '';
  return {
    set: known || v.isUnknown(key),
    managed,
    wellKnownDefault: known ? isWellKnownPassword(raw, username) : false,
    known,
  };
}

/** AWS's default automated backup retention when none is set (CreateDBInstance/CreateDBCluster). */
const DEFAULT_BACKUP_RETENTION_DAYS = 1;

function buildRds(inst: TfInstance, doc: TerraformDocument): Draft {
  const v = valuesOf(inst);
  const isCluster = inst.type === 'aws_rds_cluster';
  const isMember = inst.type === 'aws_rds_cluster_instance';
  const origins = isCluster ? TF_RDS_CLUSTER_ORIGINS : TF_RDS_INSTANCE_ORIGINS;
  const identifier = v.str(origins.identifier);
  const engine = v.str('engine');
  const username = v.str(origins.masterUsername);
  const attrs: RdsAttributes = {
    identifier: identifier ?? inst.name,
    masterPassword: secretFacts(
      v,
      origins.masterPassword,
      username,
      v.bool('manage_master_user_password') === true,
    ),
    securityGroups: v.strings('vpc_security_group_ids').map((id, i) => ({
      id,
      origin: { path: `vpc_security_group_ids[${i}]` },
    })),
  };
  if (engine) attrs.engine = engine;
  const engineVersion = v.str('engine_version');
  if (engineVersion) attrs.engineVersion = engineVersion;
  const instanceClass = v.str('instance_class');
  if (instanceClass) attrs.instanceClass = instanceClass;
  if (!isCluster) {
    const pa = v.bool('publicly_accessible');
    attrs.publiclyAccessible =
      pa ?? (v.isUnknown('publicly_accessible') ? undefined : false);
  }
  if (!isMember) {
    const enc = v.bool('storage_encrypted');
    const encConfigured = doc.configured(inst, 'storage_encrypted');
    if (enc !== undefined) attrs.storageEncrypted = enc;
    else if (!v.isUnknown('storage_encrypted') || encConfigured === false) {
      // Not set: unencrypted, except Aurora Serverless v1 which always encrypts.
      attrs.storageEncrypted = v.str('engine_mode') === 'serverless';
    }
    const bp = v.num('backup_retention_period');
    if (bp !== undefined) attrs.backupRetentionPeriod = bp;
    else if (doc.configured(inst, 'backup_retention_period') === false) {
      attrs.backupRetentionPeriod = DEFAULT_BACKUP_RETENTION_DAYS;
    }
    const dp = v.bool('deletion_protection');
    attrs.deletionProtection =
      dp ?? (v.isUnknown('deletion_protection') ? undefined : false);
    const kms = v.str('kms_key_id');
    if (kms) attrs.kmsKeyId = kms;
    if (username && username !== KNOWN_AFTER_APPLY)
      attrs.masterUsername = username;
    const iam = v.bool('iam_database_authentication_enabled');
    if (iam !== undefined) attrs.iamAuth = iam;
  } else {
    const cluster = v.str('cluster_identifier');
    if (cluster) attrs.clusterIdentifier = cluster;
  }
  const port = v.num('port') || undefined;
  attrs.port = port ?? defaultDatabasePort(engine);
  const multiAz = v.bool('multi_az');
  if (multiAz !== undefined) attrs.multiAz = multiAz;
  const d = draft(
    inst,
    isCluster ? 'aws.rds.cluster' : 'aws.rds.instance',
    identifier,
    attrs,
    origins,
  );
  trackUnknown(d, v, {
    publiclyAccessible: 'publicly_accessible',
    storageEncrypted: 'storage_encrypted',
    backupRetentionPeriod: 'backup_retention_period',
    deletionProtection: 'deletion_protection',
    securityGroups: 'vpc_security_group_ids',
    masterUsername: origins.masterUsername,
  });
  return d;
}

// ---------------------------------------------------------------- Security groups

/** Inline `ingress`/`egress` blocks of `aws_security_group`. */
function inlineRules(
  v: TfValues,
  direction: 'ingress' | 'egress',
): SecurityGroupRule[] {
  return v.blocks(direction).map(r =>
    securityGroupRule({
      direction,
      protocol: r.raw('protocol'),
      fromPort: r.num('from_port'),
      toPort: r.num('to_port'),
      cidrIpv4: r.strings('cidr_blocks'),
      cidrIpv6: r.strings('ipv6_cidr_blocks'),
      prefixListIds: r.strings('prefix_list_ids'),
      securityGroups: r.strings('security_groups'),
      self: r.bool('self'),
      description: r.str('description'),
      origin: {
        path: r.path,
        fields: {
          fromPort: 'from_port',
          toPort: 'to_port',
          cidrIpv4: 'cidr_blocks',
          cidrIpv6: 'ipv6_cidr_blocks',
        },
      },
    }),
  );
}

/** `aws_security_group_rule`. */
export function tfSecurityGroupRule(
  v: TfValues,
  address: string,
): SecurityGroupRule | undefined {
  const type = v.str('type');
  if (type !== 'ingress' && type !== 'egress') return undefined;
  const source = v.str('source_security_group_id');
  return securityGroupRule({
    direction: type,
    protocol: v.raw('protocol'),
    fromPort: v.num('from_port'),
    toPort: v.num('to_port'),
    cidrIpv4: v.strings('cidr_blocks'),
    cidrIpv6: v.strings('ipv6_cidr_blocks'),
    prefixListIds: v.strings('prefix_list_ids'),
    securityGroups: source ? [source] : [],
    self: v.bool('self'),
    description: v.str('description'),
    origin: {
      address,
      path: '',
      fields: {
        fromPort: 'from_port',
        toPort: 'to_port',
        cidrIpv4: 'cidr_blocks',
        cidrIpv6: 'ipv6_cidr_blocks',
      },
    },
  });
}

/** `aws_vpc_security_group_ingress_rule` / `_egress_rule`. */
export function tfVpcSecurityGroupRule(
  v: TfValues,
  direction: 'ingress' | 'egress',
  address: string,
): SecurityGroupRule {
  const cidr4 = v.str('cidr_ipv4');
  const cidr6 = v.str('cidr_ipv6');
  const prefixList = v.str('prefix_list_id');
  const ref = v.str('referenced_security_group_id');
  return securityGroupRule({
    direction,
    protocol: v.raw('ip_protocol'),
    fromPort: v.num('from_port'),
    toPort: v.num('to_port'),
    cidrIpv4: cidr4 ? [cidr4] : [],
    cidrIpv6: cidr6 ? [cidr6] : [],
    prefixListIds: prefixList ? [prefixList] : [],
    securityGroups: ref ? [ref] : [],
    description: v.str('description'),
    origin: {
      address,
      path: '',
      fields: {
        protocol: 'ip_protocol',
        fromPort: 'from_port',
        toPort: 'to_port',
        cidrIpv4: 'cidr_ipv4',
        cidrIpv6: 'cidr_ipv6',
      },
    },
  });
}

function buildSecurityGroup(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const attrs: SecurityGroupAttributes = {
    ingress: inlineRules(v, 'ingress'),
    egress: inlineRules(v, 'egress'),
  };
  const id = v.str('id');
  if (id) attrs.groupId = id;
  const name = v.str('name');
  if (name) attrs.name = name;
  const description = v.str('description');
  if (description) attrs.description = description;
  const vpc = v.str('vpc_id');
  if (vpc) attrs.vpcId = vpc;
  return draft(inst, 'aws.ec2.security_group', name, attrs, {
    groupId: 'id',
    ingress: 'ingress',
    egress: 'egress',
  });
}

// ---------------------------------------------------------------- IAM

/** A managed policy reference from a known ARN or an unknown one. */
export function managedPolicyRef(
  arn: string | undefined,
  origin: AttributeOrigin,
): ManagedPolicyRef {
  const a = arn ?? KNOWN_AFTER_APPLY;
  return { arn: a, administratorAccess: isAdministratorAccessArn(a), origin };
}

function buildIamPolicy(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const name = v.str('name');
  const attrs: IamPolicyAttributes = {
    name: name ?? inst.name,
    document: tfPolicy(v, 'policy', undefined) ?? {
      invalid: 'no policy document',
      origin: { path: 'policy' },
    },
  };
  const path = v.str('path');
  if (path) attrs.path = path;
  const count = v.num('attachment_count');
  if (count !== undefined) attrs.attachmentCount = count;
  return draft(inst, 'aws.iam.policy', name, attrs, { document: 'policy' });
}

function buildIamPrincipal(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const name = v.str('name');
  const base = {
    name: name ?? inst.name,
    inlinePolicies: [] as InlinePolicy[],
    managedPolicies: [] as ManagedPolicyRef[],
  };
  const path = v.str('path');
  if (path) (base as { path?: string }).path = path;
  if (inst.type === 'aws_iam_role') {
    const attrs = base as IamRoleAttributes;
    const trust = tfPolicy(v, 'assume_role_policy', undefined);
    if (trust) attrs.assumeRolePolicy = trust;
    for (const block of v.blocks('inline_policy')) {
      const doc = tfPolicy(block, 'policy', undefined);
      if (!doc) continue;
      const p: InlinePolicy = { document: doc };
      const n = block.str('name');
      if (n) p.name = n;
      attrs.inlinePolicies.push(p);
    }
    v.strings('managed_policy_arns').forEach((arn, i) =>
      attrs.managedPolicies.push(
        managedPolicyRef(arn, { path: `managed_policy_arns[${i}]` }),
      ),
    );
    return draft(inst, 'aws.iam.role', name, attrs, {
      assumeRolePolicy: 'assume_role_policy',
    });
  }
  if (inst.type === 'aws_iam_user') {
    const attrs = base as IamUserAttributes;
    attrs.groups = [];
    attrs.groupUids = [];
    return draft(inst, 'aws.iam.user', name, attrs, {});
  }
  const attrs = base as IamGroupAttributes;
  return draft(inst, 'aws.iam.group', name, attrs, {});
}

// ---------------------------------------------------------------- Load balancing

function buildListener(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const actions: ListenerAction[] = v.blocks('default_action').map(a => {
    const action: ListenerAction = {
      type: a.str('type') ?? 'unknown',
      origin: { path: a.path },
    };
    const redirect = a.block('redirect');
    if (redirect) {
      action.redirectProtocol = redirect.str('protocol') ?? '#{protocol}';
    }
    return action;
  });
  const attrs: ListenerAttributes = {
    defaultActions: actions,
    redirectsToHttps: redirectsToHttps(actions),
    reportsLoadBalancer: true,
  };
  const protocol = v.str('protocol');
  if (protocol && protocol !== KNOWN_AFTER_APPLY)
    attrs.protocol = protocol.toUpperCase();
  const port = v.num('port');
  if (port !== undefined) attrs.port = port;
  const ssl = v.str('ssl_policy');
  if (ssl && ssl !== KNOWN_AFTER_APPLY) attrs.sslPolicy = ssl;
  const lbArn = v.str('load_balancer_arn');
  const d = draft(inst, 'aws.elb.listener', undefined, attrs, {
    protocol: 'protocol',
    port: 'port',
    sslPolicy: 'ssl_policy',
    defaultActions: 'default_action',
  });
  if (lbArn && lbArn !== KNOWN_AFTER_APPLY) {
    (d.attributes as ListenerAttributes).loadBalancer = {
      arn: lbArn,
      origin: { path: 'load_balancer_arn' },
    };
  }
  trackUnknown(d, v, { sslPolicy: 'ssl_policy', protocol: 'protocol' });
  return d;
}

/** `aws_lb` / `aws_alb`, joined onto its listeners. */
export function tfLoadBalancer(inst: TfInstance): LoadBalancerInfo {
  const v = valuesOf(inst);
  const info: LoadBalancerInfo = {
    origin: {
      address: inst.address,
      path: '',
      fields: {
        accessLogsEnabled: 'access_logs[0].enabled',
        accessLogsBucket: 'access_logs[0].bucket',
        scheme: 'internal',
      },
    },
  };
  const arn = v.str('arn');
  if (arn) info.arn = arn;
  const name = v.str('name');
  if (name) info.name = name;
  info.type = v.str('load_balancer_type') ?? 'application';
  const internal = v.bool('internal');
  if (internal !== undefined)
    info.scheme = internal ? 'internal' : 'internet-facing';
  const logs = v.block('access_logs');
  info.accessLogsEnabled = logs ? logs.bool('enabled') ?? true : false;
  if (logs && !logs.str('bucket')) info.accessLogsEnabled = false;
  const bucket = logs?.str('bucket');
  if (bucket) info.accessLogsBucket = bucket;
  return info;
}

// ---------------------------------------------------------------- CloudFront

function buildCloudFront(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const policies: CloudFrontAttributes['viewerProtocolPolicies'] = [];
  const def = v.block('default_cache_behavior');
  if (def) {
    const p = def.str('viewer_protocol_policy');
    if (p) {
      policies.push({
        pathPattern: '*',
        policy: p,
        origin: {
          path: def.path,
          fields: { policy: 'viewer_protocol_policy' },
        },
      });
    }
  }
  for (const b of v.blocks('ordered_cache_behavior')) {
    const p = b.str('viewer_protocol_policy');
    if (p) {
      policies.push({
        pathPattern: b.str('path_pattern') ?? '',
        policy: p,
        origin: { path: b.path, fields: { policy: 'viewer_protocol_policy' } },
      });
    }
  }
  const cert = v.block('viewer_certificate');
  const attrs: CloudFrontAttributes = {
    aliases: v.strings('aliases'),
    viewerProtocolPolicies: policies,
    defaultCertificate:
      cert?.bool('cloudfront_default_certificate') === true ||
      (!cert?.str('acm_certificate_arn') && !cert?.str('iam_certificate_id')),
  };
  const id = v.str('id');
  if (id) attrs.id = id;
  const min = cert?.str('minimum_protocol_version');
  if (min && min !== KNOWN_AFTER_APPLY) attrs.minimumProtocolVersion = min;
  const logging = v.block('logging_config');
  if (logging && logging.str('bucket')) {
    attrs.logging = {
      bucket: logging.str('bucket'),
      origin: { path: logging.path, fields: { bucket: 'bucket' } },
    };
  }
  const waf = v.str('web_acl_id');
  if (waf) attrs.webAclId = waf;
  return draft(inst, 'aws.cloudfront.distribution', id, attrs, {
    minimumProtocolVersion: 'viewer_certificate[0].minimum_protocol_version',
    defaultCertificate: 'viewer_certificate[0].cloudfront_default_certificate',
    logging: 'logging_config',
    webAclId: 'web_acl_id',
  });
}

// ---------------------------------------------------------------- Lambda

function buildLambda(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const name = v.str('function_name');
  const attrs: LambdaAttributes = { name: name ?? inst.name };
  const runtime = v.str('runtime');
  if (runtime && runtime !== KNOWN_AFTER_APPLY) attrs.runtime = runtime;
  const packageType = v.str('package_type');
  if (packageType) attrs.packageType = packageType;
  const role = v.str('role');
  if (role) attrs.role = role;
  const kms = v.str('kms_key_arn');
  if (kms) attrs.kmsKeyArn = kms;
  const env = v.block('environment');
  const vars = env?.map('variables');
  attrs.environment = vars
    ? environmentFromMap(vars, { path: env!.join('variables') })
    : [];
  const vpc = v.block('vpc_config');
  if (vpc) {
    const subnetIds = vpc.strings('subnet_ids');
    const securityGroupIds = vpc.strings('security_group_ids');
    if (subnetIds.length > 0 || securityGroupIds.length > 0) {
      attrs.vpc = { subnetIds, securityGroupIds };
    }
  }
  return draft(inst, 'aws.lambda.function', name, attrs, {
    runtime: 'runtime',
    kmsKeyArn: 'kms_key_arn',
    environment: 'environment[0].variables',
    vpc: 'vpc_config',
  });
}

// ---------------------------------------------------------------- ECS

function buildEcsTaskDefinition(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const family = v.str('family');
  const raw = v.raw('container_definitions');
  const parsed = typeof raw === 'string' ? parseJson(raw) : raw;
  const attrs: EcsTaskDefinitionAttributes = {
    family: family ?? inst.name,
    containers: Array.isArray(parsed)
      ? ecsContainers(parsed, { path: 'container_definitions' })
      : [],
  };
  if (!Array.isArray(parsed)) attrs.containersUnknown = true;
  const revision = v.num('revision');
  if (revision !== undefined) attrs.revision = revision;
  const networkMode = v.str('network_mode');
  if (networkMode && networkMode !== KNOWN_AFTER_APPLY)
    attrs.networkMode = networkMode;
  const pid = v.str('pid_mode');
  if (pid) attrs.pidMode = pid;
  const taskRole = v.str('task_role_arn');
  if (taskRole) attrs.taskRoleArn = taskRole;
  const execRole = v.str('execution_role_arn');
  if (execRole) attrs.executionRoleArn = execRole;
  return draft(inst, 'aws.ecs.task_definition', family, attrs, {
    networkMode: 'network_mode',
    pidMode: 'pid_mode',
    containers: 'container_definitions',
  });
}

// ---------------------------------------------------------------- EBS, EFS, KMS, CloudTrail

function buildEbs(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const id = v.str('id');
  const attrs: EbsVolumeAttributes = {};
  if (id) attrs.volumeId = id;
  const enc = v.bool('encrypted');
  if (enc !== undefined) attrs.encrypted = enc;
  else if (!v.isUnknown('encrypted')) attrs.encrypted = false;
  const kms = v.str('kms_key_id');
  if (kms) attrs.kmsKeyId = kms;
  const size = v.num('size');
  if (size !== undefined) attrs.size = size;
  const type = v.str('type');
  if (type && type !== KNOWN_AFTER_APPLY) attrs.volumeType = type;
  const d = draft(inst, 'aws.ebs.volume', id, attrs, {
    encrypted: 'encrypted',
    kmsKeyId: 'kms_key_id',
  });
  trackUnknown(d, v, { encrypted: 'encrypted' });
  return d;
}

function buildEfs(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const id = v.str('id');
  const attrs: EfsAttributes = {};
  if (id) attrs.fileSystemId = id;
  const enc = v.bool('encrypted');
  if (enc !== undefined) attrs.encrypted = enc;
  else if (!v.isUnknown('encrypted')) attrs.encrypted = false;
  const kms = v.str('kms_key_id');
  if (kms) attrs.kmsKeyId = kms;
  const d = draft(
    inst,
    'aws.efs.file_system',
    v.str('creation_token') ?? id,
    attrs,
    {
      encrypted: 'encrypted',
      kmsKeyId: 'kms_key_id',
    },
  );
  trackUnknown(d, v, { encrypted: 'encrypted' });
  return d;
}

function buildKms(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const id = v.str('key_id');
  const attrs: KmsKeyAttributes = { keyManager: 'CUSTOMER' };
  if (id) attrs.keyId = id;
  const description = v.str('description');
  if (description) attrs.description = description;
  attrs.keySpec =
    v.str('customer_master_key_spec') ??
    v.str('key_spec') ??
    'SYMMETRIC_DEFAULT';
  attrs.keyUsage = v.str('key_usage') ?? 'ENCRYPT_DECRYPT';
  const enabled = v.bool('is_enabled');
  attrs.enabled = enabled ?? true;
  const rotation = v.bool('enable_key_rotation');
  attrs.rotationEnabled = rotation ?? false;
  const policy = tfPolicy(v, 'policy', undefined);
  if (policy) attrs.policy = policy;
  return draft(inst, 'aws.kms.key', description ?? id, attrs, {
    rotationEnabled: 'enable_key_rotation',
    keySpec: 'customer_master_key_spec',
    keyUsage: 'key_usage',
    enabled: 'is_enabled',
  });
}

function buildCloudTrail(inst: TfInstance): Draft {
  const v = valuesOf(inst);
  const name = v.str('name');
  const attrs: CloudTrailAttributes = {
    name: name ?? inst.name,
    multiRegion: v.bool('is_multi_region_trail') ?? false,
    logFileValidation: v.bool('enable_log_file_validation') ?? false,
    loggingEnabled: v.bool('enable_logging') ?? true,
    includeGlobalServiceEvents: v.bool('include_global_service_events') ?? true,
  };
  const kms = v.str('kms_key_id');
  if (kms) attrs.kmsKeyId = kms;
  const bucket = v.str('s3_bucket_name');
  if (bucket) attrs.s3BucketName = bucket;
  return draft(inst, 'aws.cloudtrail.trail', name, attrs, {
    multiRegion: 'is_multi_region_trail',
    logFileValidation: 'enable_log_file_validation',
    kmsKeyId: 'kms_key_id',
    loggingEnabled: 'enable_logging',
  });
}

/** Builders of the primary Terraform resource types, by Terraform type. */
export const PRIMARY_BUILDERS: Readonly<
  Record<string, (inst: TfInstance, doc: TerraformDocument) => Draft>
> = {
  aws_s3_bucket: buildS3Bucket,
  aws_db_instance: buildRds,
  aws_rds_cluster_instance: buildRds,
  aws_rds_cluster: buildRds,
  aws_security_group: buildSecurityGroup,
  aws_default_security_group: buildSecurityGroup,
  aws_iam_policy: buildIamPolicy,
  aws_iam_role: buildIamPrincipal,
  aws_iam_user: buildIamPrincipal,
  aws_iam_group: buildIamPrincipal,
  aws_lb_listener: buildListener,
  aws_alb_listener: buildListener,
  aws_cloudfront_distribution: buildCloudFront,
  aws_lambda_function: buildLambda,
  aws_ecs_task_definition: buildEcsTaskDefinition,
  aws_ebs_volume: buildEbs,
  aws_efs_file_system: buildEfs,
  aws_kms_key: buildKms,
  aws_cloudtrail: buildCloudTrail,
};
