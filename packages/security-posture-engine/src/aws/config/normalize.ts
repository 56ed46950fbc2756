import type {
  AwsResourceType,
  NormalizeError,
  NormalizeResult,
  Resource,
  ResourceSource,
} from '../../model/resource';
import {
  defaultDatabasePort,
  ecsContainers,
  environmentFromMap,
  granteeOf,
  redirectsToHttps,
  s3Exposure,
  s3Permission,
  securityGroupRule,
} from '../derive';
import { isAdministratorAccessArn, parsePolicyDocument } from '../policy';
import { sanitize } from '../secrets';
import type {
  AttributeOrigin,
  CloudFrontAttributes,
  CloudTrailAttributes,
  EbsVolumeAttributes,
  EcsTaskDefinitionAttributes,
  EfsAttributes,
  IamGroupAttributes,
  IamPolicyAttributes,
  IamRoleAttributes,
  IamUserAttributes,
  InlinePolicy,
  KmsKeyAttributes,
  LambdaAttributes,
  ListenerAction,
  ListenerAttributes,
  LoadBalancerInfo,
  ManagedPolicyRef,
  RdsAttributes,
  S3Acl,
  S3BucketAttributes,
  S3Encryption,
  S3LifecycleRule,
  SecurityGroupAttributes,
  SecurityGroupRule,
} from '../types';
import {
  bool,
  ciKey,
  isObject,
  objectOrJson,
  parseJson,
  readTags,
  str,
  type JsonObject,
} from '../util';
import { ConfigNode } from './node';

/** AWS Config resource types and the canonical type each becomes. */
export const AWS_CONFIG_TYPES: Readonly<Record<string, AwsResourceType>> = {
  'AWS::S3::Bucket': 'aws.s3.bucket',
  'AWS::RDS::DBInstance': 'aws.rds.instance',
  'AWS::RDS::DBCluster': 'aws.rds.cluster',
  'AWS::EC2::SecurityGroup': 'aws.ec2.security_group',
  'AWS::IAM::Policy': 'aws.iam.policy',
  'AWS::IAM::Role': 'aws.iam.role',
  'AWS::IAM::User': 'aws.iam.user',
  'AWS::IAM::Group': 'aws.iam.group',
  'AWS::ElasticLoadBalancingV2::Listener': 'aws.elb.listener',
  'AWS::CloudFront::Distribution': 'aws.cloudfront.distribution',
  'AWS::Lambda::Function': 'aws.lambda.function',
  'AWS::ECS::TaskDefinition': 'aws.ecs.task_definition',
  'AWS::EC2::Volume': 'aws.ebs.volume',
  'AWS::EFS::FileSystem': 'aws.efs.file_system',
  'AWS::KMS::Key': 'aws.kms.key',
  'AWS::CloudTrail::Trail': 'aws.cloudtrail.trail',
};

/** Read only to complete other resources (a listener's load balancer). */
const LOOKUP_TYPES = new Set(['AWS::ElasticLoadBalancingV2::LoadBalancer']);

const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

/** One configuration item, its `configuration` and `supplementaryConfiguration` decoded. */
interface Item {
  index: number;
  resourceType: string;
  resourceId?: string;
  resourceName?: string;
  arn?: string;
  region?: string;
  accountId?: string;
  /** `configuration` as a cursor; its path is the item's own key (`configuration`). */
  cfg: ConfigNode;
  supp: ConfigNode;
  tags?: Record<string, string>;
  /** `configurationItemCaptureTime` in epoch milliseconds, when present. */
  capturedAt?: number;
  raw: JsonObject;
}

interface Built {
  type: AwsResourceType;
  name: string;
  attributes: any;
  origins: Record<string, string>;
}

function fieldsOf(
  node: ConfigNode,
  names: readonly string[],
): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of names) {
    const key = ciKey(node.value, name);
    if (key !== undefined && key !== name) (out ??= {})[name] = key;
  }
  return out;
}

function origin(
  node: ConfigNode,
  names: readonly string[] = [],
): AttributeOrigin {
  const o: AttributeOrigin = { path: node.path };
  const fields = fieldsOf(node, names);
  if (fields) o.fields = fields;
  return o;
}

/** Records the paths of canonical attributes read from `node`. */
function paths(
  node: ConfigNode,
  map: Record<string, string[]>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [canonical, names] of Object.entries(map)) {
    out[canonical] = node.pathOf(...names);
  }
  return out;
}

// ---------------------------------------------------------------- S3

function s3Grants(acl: ConfigNode): S3Acl['grants'] {
  const grants: S3Acl['grants'] = [];
  for (const g of acl.list('grantList', 'grants')) {
    const permission = g.str('permission');
    if (!permission) continue;
    const grantee = g.get('grantee');
    let who: S3Acl['grants'][number]['grantee'];
    let id: string | undefined;
    if (typeof grantee === 'string') {
      who = granteeOf(undefined, grantee);
    } else if (isObject(grantee)) {
      const node = new ConfigNode(grantee, '');
      const uri = node.str('uri', 'URI');
      id = uri ?? node.str('id', 'identifier');
      if (uri) who = granteeOf('Group', uri);
      else if (node.str('emailAddress')) who = 'Email';
      else who = id ? 'CanonicalUser' : 'Unknown';
    } else {
      who = 'Unknown';
    }
    const grant: S3Acl['grants'][number] = {
      grantee: who,
      permission: s3Permission(permission),
      origin: origin(g, ['permission']),
    };
    if (id) grant.id = id;
    grants.push(grant);
  }
  return grants;
}

function lifecycleHasActions(rule: ConfigNode): boolean {
  const positive = (...names: string[]) => {
    const n = rule.num(...names);
    return n !== undefined && n > 0;
  };
  if (positive('expirationInDays', 'noncurrentVersionExpirationInDays'))
    return true;
  if (rule.str('expirationDate')) return true;
  if (rule.bool('expiredObjectDeleteMarker')) return true;
  if (rule.list('transitions').length > 0) return true;
  if (rule.list('noncurrentVersionTransitions').length > 0) return true;
  if (rule.child('expiration', 'noncurrentVersionExpiration')) return true;
  const abort = rule.child('abortIncompleteMultipartUpload');
  return abort?.num('daysAfterInitiation') !== undefined;
}

/** S3 has encrypted every bucket with SSE-S3 by default since this date. */
const S3_DEFAULT_ENCRYPTION_SINCE = Date.parse('2023-01-05T00:00:00Z');

function buildS3(item: Item): Built {
  const { cfg, supp } = item;
  const name =
    cfg.str('name', 'bucketName') ?? item.resourceName ?? item.resourceId ?? '';
  const attrs: Omit<S3BucketAttributes, 'exposure'> & {
    exposure?: S3BucketAttributes['exposure'];
  } = { name, encryption: { source: 'default' } };
  const acl = supp.child('AccessControlList');
  if (acl) {
    attrs.acl = { grants: s3Grants(acl), origin: { path: acl.path } };
  }
  const pab = supp.child('PublicAccessBlockConfiguration');
  if (pab) {
    attrs.publicAccessBlock = {
      blockPublicAcls: pab.bool('blockPublicAcls') ?? false,
      ignorePublicAcls: pab.bool('ignorePublicAcls') ?? false,
      blockPublicPolicy: pab.bool('blockPublicPolicy') ?? false,
      restrictPublicBuckets: pab.bool('restrictPublicBuckets') ?? false,
      origin: origin(pab, [
        'blockPublicAcls',
        'ignorePublicAcls',
        'blockPublicPolicy',
        'restrictPublicBuckets',
      ]),
    };
  }
  const sse = supp.child('ServerSideEncryptionConfiguration');
  if (
    !sse &&
    item.capturedAt !== undefined &&
    item.capturedAt < S3_DEFAULT_ENCRYPTION_SINCE
  ) {
    attrs.encryption = {
      source: 'none',
      origin: { path: supp.pathOf('ServerSideEncryptionConfiguration') },
    };
  }
  if (sse) {
    const rule = sse.list('rules')[0];
    const byDefault = rule?.child('applyServerSideEncryptionByDefault');
    const enc: S3Encryption = {
      source: 'configured',
      origin: byDefault
        ? {
            path: byDefault.path,
            fields: {
              algorithm: byDefault
                .pathOf('sseAlgorithm')
                .slice(byDefault.path.length + 1),
              kmsKeyId: byDefault
                .pathOf('kmsMasterKeyID')
                .slice(byDefault.path.length + 1),
            },
          }
        : { path: sse.path },
    };
    const algorithm = byDefault?.str('sseAlgorithm');
    if (algorithm) enc.algorithm = algorithm;
    const key = byDefault?.str('kmsMasterKeyID', 'kmsMasterKeyId');
    if (key) enc.kmsKeyId = key;
    const bucketKey = rule?.bool('bucketKeyEnabled');
    if (bucketKey !== undefined) enc.bucketKeyEnabled = bucketKey;
    attrs.encryption = enc;
  }
  const logging = supp.child('BucketLoggingConfiguration');
  const target = logging?.str('destinationBucketName', 'targetBucket');
  if (logging && target) {
    attrs.logging = {
      targetBucket: target,
      origin: {
        path: logging.path,
        fields: {
          targetBucket: logging
            .pathOf('destinationBucketName', 'targetBucket')
            .slice(logging.path.length + 1),
        },
      },
    };
    const prefix = logging.str('logFilePrefix', 'targetPrefix');
    if (prefix) attrs.logging.targetPrefix = prefix;
  }
  const lifecycle = supp.child('BucketLifecycleConfiguration');
  if (lifecycle) {
    attrs.lifecycleRules = lifecycle.list('rules').map(rule => {
      const r: S3LifecycleRule = {
        enabled: (rule.str('status') ?? 'Enabled').toLowerCase() === 'enabled',
        hasActions: lifecycleHasActions(rule),
        origin: origin(rule, ['status', 'id']),
      };
      if (r.origin.fields?.status) {
        r.origin.fields = {
          ...r.origin.fields,
          enabled: r.origin.fields.status,
        };
      } else {
        r.origin.fields = { ...r.origin.fields, enabled: 'status' };
      }
      const id = rule.str('id');
      if (id) r.id = id;
      return r;
    });
  }
  const versioning = supp.child('BucketVersioningConfiguration');
  if (versioning) {
    const status = versioning.str('status');
    attrs.versioning = {
      status:
        status === 'Enabled' || status === 'Suspended' ? status : 'Disabled',
      origin: origin(versioning, ['status']),
    };
    const mfa = versioning.bool('isMfaDeleteEnabled', 'mfaDelete');
    if (mfa !== undefined) attrs.versioning.mfaDelete = mfa;
  }
  const policy = supp.child('BucketPolicy');
  const text = policy?.get('policyText');
  if (policy && (typeof text === 'string' || isObject(text))) {
    attrs.policy = parsePolicyDocument(text, {
      path: policy.pathOf('policyText'),
    });
  }
  const ownership = supp.child('BucketOwnershipControls', 'OwnershipControls');
  const ownershipRule = ownership?.list('rules')[0];
  if (ownershipRule) {
    attrs.ownershipControls = {
      objectOwnership: ownershipRule.str('objectOwnership'),
      origin: origin(ownershipRule, ['objectOwnership']),
    };
  }
  (attrs as S3BucketAttributes).exposure = s3Exposure(attrs);
  // Where each joined part lives in the item (the contract's `origins`).
  const origins: Record<string, string> = {};
  const parts: Array<[string, string[]]> = [
    ['acl', ['AccessControlList']],
    ['publicAccessBlock', ['PublicAccessBlockConfiguration']],
    ['encryption', ['ServerSideEncryptionConfiguration']],
    ['logging', ['BucketLoggingConfiguration']],
    ['lifecycleRules', ['BucketLifecycleConfiguration']],
    ['versioning', ['BucketVersioningConfiguration']],
    ['policy', ['BucketPolicy']],
    ['ownershipControls', ['BucketOwnershipControls', 'OwnershipControls']],
  ];
  for (const [attr, keys] of parts) origins[attr] = supp.pathOf(...keys);
  return { type: 'aws.s3.bucket', name, attributes: attrs, origins };
}

// ---------------------------------------------------------------- RDS

function buildRds(item: Item, cluster: boolean): Built {
  const { cfg } = item;
  const idNames = cluster
    ? ['dBClusterIdentifier', 'dbClusterIdentifier']
    : ['dBInstanceIdentifier', 'dbInstanceIdentifier'];
  const identifier =
    cfg.str(...idNames) ?? item.resourceName ?? item.resourceId ?? '';
  const engine = cfg.str('engine');
  const sgNodes = cfg.list('vpcSecurityGroups');
  const securityGroups = sgNodes.length
    ? sgNodes.map(n => ({
        id: n.str('vpcSecurityGroupId'),
        origin: { path: n.pathOf('vpcSecurityGroupId') },
      }))
    : cfg.strings('vpcSecurityGroupIds').map((id, i) => ({
        id,
        origin: { path: `${cfg.pathOf('vpcSecurityGroupIds')}[${i}]` },
      }));
  const attrs: RdsAttributes = {
    identifier,
    masterPassword: {
      set: false,
      managed:
        cfg.get('masterUserSecret', 'manageMasterUserPassword') !== undefined,
      wellKnownDefault: false,
      known: false,
    },
    securityGroups,
  };
  if (engine) attrs.engine = engine;
  const engineVersion = cfg.str('engineVersion');
  if (engineVersion) attrs.engineVersion = engineVersion;
  const cls = cfg.str('dBInstanceClass', 'dbInstanceClass');
  if (cls) attrs.instanceClass = cls;
  if (!cluster) {
    const pa = cfg.bool('publiclyAccessible');
    if (pa !== undefined) attrs.publiclyAccessible = pa;
    const parent = cfg.str('dBClusterIdentifier', 'dbClusterIdentifier');
    if (parent) attrs.clusterIdentifier = parent;
  }
  const enc = cfg.bool('storageEncrypted');
  if (enc !== undefined) attrs.storageEncrypted = enc;
  const kms = cfg.str('kmsKeyId');
  if (kms) attrs.kmsKeyId = kms;
  const backup = cfg.num('backupRetentionPeriod');
  if (backup !== undefined) attrs.backupRetentionPeriod = backup;
  const dp = cfg.bool('deletionProtection');
  if (dp !== undefined) attrs.deletionProtection = dp;
  const user = cfg.str('masterUsername');
  if (user) attrs.masterUsername = user;
  const iam = cfg.bool(
    'iAMDatabaseAuthenticationEnabled',
    'iamDatabaseAuthenticationEnabled',
    'enableIAMDatabaseAuthentication',
  );
  if (iam !== undefined) attrs.iamAuth = iam;
  const endpoint = cfg.child('endpoint');
  const port =
    (cluster
      ? cfg.num('port')
      : endpoint?.num('port') ?? cfg.num('dbInstancePort', 'port')) ||
    undefined;
  attrs.port = port ?? defaultDatabasePort(engine);
  const multiAz = cfg.bool('multiAZ', 'multiAz');
  if (multiAz !== undefined) attrs.multiAz = multiAz;
  return {
    type: cluster ? 'aws.rds.cluster' : 'aws.rds.instance',
    name: identifier,
    attributes: attrs,
    origins: paths(cfg, {
      identifier: idNames,
      engine: ['engine'],
      publiclyAccessible: ['publiclyAccessible'],
      storageEncrypted: ['storageEncrypted'],
      kmsKeyId: ['kmsKeyId'],
      backupRetentionPeriod: ['backupRetentionPeriod'],
      deletionProtection: ['deletionProtection'],
      masterUsername: ['masterUsername'],
      iamAuth: [
        'iAMDatabaseAuthenticationEnabled',
        'iamDatabaseAuthenticationEnabled',
        'enableIAMDatabaseAuthentication',
      ],
      securityGroups: ['vpcSecurityGroups', 'vpcSecurityGroupIds'],
      port: cluster ? ['port'] : ['endpoint', 'dbInstancePort'],
    }),
  };
}

// ---------------------------------------------------------------- EC2 security group

function sgRules(
  node: ConfigNode,
  direction: 'ingress' | 'egress',
): SecurityGroupRule[] {
  const key = direction === 'ingress' ? 'ipPermissions' : 'ipPermissionsEgress';
  return node
    .list(key)
    .map(p => {
      const v4 = p
        .list('ipv4Ranges')
        .map(r => r.str('cidrIp'))
        .filter((x): x is string => !!x);
      for (const r of p.strings('ipRanges')) if (!v4.includes(r)) v4.push(r);
      const v6 = p
        .list('ipv6Ranges')
        .map(r => r.str('cidrIpv6'))
        .filter((x): x is string => !!x);
      const prefixLists = p
        .list('prefixListIds')
        .map(r => r.str('prefixListId'))
        .filter((x): x is string => !!x);
      const groups = p
        .list('userIdGroupPairs')
        .map(r => r.str('groupId'))
        .filter((x): x is string => !!x);
      return securityGroupRule({
        direction,
        protocol: p.get('ipProtocol'),
        fromPort: p.num('fromPort'),
        toPort: p.num('toPort'),
        cidrIpv4: v4,
        cidrIpv6: v6,
        prefixListIds: prefixLists,
        securityGroups: groups,
        origin: origin(p, ['ipProtocol', 'fromPort', 'toPort']),
      });
    })
    .map(rule => {
      rule.origin.fields = {
        ...rule.origin.fields,
        protocol: rule.origin.fields?.ipProtocol ?? 'ipProtocol',
        cidrIpv4: 'ipv4Ranges',
        cidrIpv6: 'ipv6Ranges',
      };
      return rule;
    });
}

function buildSecurityGroup(item: Item): Built {
  const { cfg } = item;
  const attrs: SecurityGroupAttributes = {
    ingress: sgRules(cfg, 'ingress'),
    egress: sgRules(cfg, 'egress'),
  };
  const id = cfg.str('groupId') ?? item.resourceId;
  if (id) attrs.groupId = id;
  const name = cfg.str('groupName') ?? item.resourceName;
  if (name) attrs.name = name;
  const description = cfg.str('description');
  if (description) attrs.description = description;
  const vpc = cfg.str('vpcId');
  if (vpc) attrs.vpcId = vpc;
  return {
    type: 'aws.ec2.security_group',
    name: name ?? id ?? '',
    attributes: attrs,
    origins: paths(cfg, {
      groupId: ['groupId'],
      ingress: ['ipPermissions'],
      egress: ['ipPermissionsEgress'],
    }),
  };
}

// ---------------------------------------------------------------- IAM

function managedPolicies(cfg: ConfigNode): ManagedPolicyRef[] {
  return cfg.list('attachedManagedPolicies').flatMap(p => {
    const arn = p.str('policyArn');
    if (!arn) return [];
    return [
      {
        arn,
        uid: arn,
        administratorAccess: isAdministratorAccessArn(arn),
        origin: { path: p.pathOf('policyArn') },
      },
    ];
  });
}

function inlinePolicies(cfg: ConfigNode, key: string): InlinePolicy[] {
  return cfg.list(key).map(p => {
    const docKey = p.pathOf('policyDocument');
    const policy: InlinePolicy = {
      document: parsePolicyDocument(p.get('policyDocument'), { path: docKey }),
    };
    const name = p.str('policyName');
    if (name) policy.name = name;
    return policy;
  });
}

/** Name field and inline policy list of each IAM principal type. */
const IAM_KEYS: Record<string, [string, string]> = {
  'aws.iam.role': ['roleName', 'rolePolicyList'],
  'aws.iam.user': ['userName', 'userPolicyList'],
  'aws.iam.group': ['groupName', 'groupPolicyList'],
};

function buildIam(item: Item, type: AwsResourceType): Built {
  const { cfg } = item;
  if (type === 'aws.iam.policy') {
    const name = cfg.str('policyName') ?? item.resourceName ?? '';
    const versions = cfg.list('policyVersionList');
    const defaultId = cfg.str('defaultVersionId');
    const current =
      versions.find(v => v.bool('isDefaultVersion') === true) ??
      versions.find(v => v.str('versionId') === defaultId) ??
      versions[0];
    const attrs: IamPolicyAttributes = {
      name,
      document: current
        ? parsePolicyDocument(current.get('document'), {
            path: current.pathOf('document'),
          })
        : {
            invalid: 'no policy version recorded',
            origin: { path: cfg.pathOf('policyVersionList') },
          },
    };
    const path = cfg.str('path');
    if (path) attrs.path = path;
    const count = cfg.num('attachmentCount');
    if (count !== undefined) attrs.attachmentCount = count;
    return { type, name, attributes: attrs, origins: {} };
  }
  const [nameKey, listKey] = IAM_KEYS[type] ?? IAM_KEYS['aws.iam.group'];
  const name = cfg.str(nameKey) ?? item.resourceName ?? '';
  const base = {
    name,
    inlinePolicies: inlinePolicies(cfg, listKey),
    managedPolicies: managedPolicies(cfg),
  } as IamRoleAttributes & IamUserAttributes & IamGroupAttributes;
  const path = cfg.str('path');
  if (path) base.path = path;
  if (type === 'aws.iam.role') {
    const trust = cfg.get('assumeRolePolicyDocument');
    if (trust !== undefined) {
      base.assumeRolePolicy = parsePolicyDocument(trust, {
        path: cfg.pathOf('assumeRolePolicyDocument'),
      });
    }
  }
  if (type === 'aws.iam.user') {
    base.groups = cfg.strings('groupList');
    base.groupUids = [];
  }
  return { type, name, attributes: base, origins: {} };
}

// ---------------------------------------------------------------- Load balancing

function listenerActions(cfg: ConfigNode): ListenerAction[] {
  return cfg.list('defaultActions').map(a => {
    const action: ListenerAction = {
      type: a.str('type') ?? 'unknown',
      origin: origin(a, ['type']),
    };
    const redirect = a.child('redirectConfig');
    if (redirect)
      action.redirectProtocol = redirect.str('protocol') ?? '#{protocol}';
    return action;
  });
}

function buildListener(item: Item): Built {
  const { cfg } = item;
  const actions = listenerActions(cfg);
  const attrs: ListenerAttributes = {
    defaultActions: actions,
    redirectsToHttps: redirectsToHttps(actions),
    reportsLoadBalancer: true,
  };
  const protocol = cfg.str('protocol');
  if (protocol) attrs.protocol = protocol.toUpperCase();
  const port = cfg.num('port');
  if (port !== undefined) attrs.port = port;
  const ssl = cfg.str('sslPolicy');
  if (ssl) attrs.sslPolicy = ssl;
  const lbArn = cfg.str('loadBalancerArn');
  if (lbArn) {
    attrs.loadBalancer = {
      arn: lbArn,
      origin: { path: cfg.pathOf('loadBalancerArn') },
    };
  }
  const name =
    item.resourceName ??
    (port !== undefined ? `${protocol ?? ''}:${port}` : item.resourceId ?? '');
  return {
    type: 'aws.elb.listener',
    name,
    attributes: attrs,
    origins: paths(cfg, {
      protocol: ['protocol'],
      port: ['port'],
      sslPolicy: ['sslPolicy'],
      defaultActions: ['defaultActions'],
    }),
  };
}

function loadBalancerInfo(item: Item): LoadBalancerInfo {
  const { cfg, supp } = item;
  const info: LoadBalancerInfo = { origin: { path: supp.path } };
  const arn = cfg.str('loadBalancerArn') ?? item.arn;
  if (arn) info.arn = arn;
  const name = cfg.str('loadBalancerName') ?? item.resourceName;
  if (name) info.name = name;
  const type = cfg.str('type');
  if (type) info.type = type;
  const scheme = cfg.str('scheme');
  if (scheme) info.scheme = scheme;
  const attrsKey = ciKey(supp.value, 'LoadBalancerAttributes');
  const rawAttrs = attrsKey === undefined ? undefined : supp.value[attrsKey];
  const list = typeof rawAttrs === 'string' ? parseJson(rawAttrs) : rawAttrs;
  if (Array.isArray(list)) {
    list.forEach((entry, i) => {
      if (!isObject(entry)) return;
      const node = new ConfigNode(entry, '');
      const key = node.str('key');
      const value = node.get('value');
      const at = `${supp.path}.${attrsKey}[${i}]`;
      if (key === 'access_logs.s3.enabled') {
        info.accessLogsEnabled = bool(value) ?? false;
        info.origin = { path: at, fields: { accessLogsEnabled: 'value' } };
      } else if (key === 'access_logs.s3.bucket' && str(value)) {
        info.accessLogsBucket = str(value);
      }
    });
  }
  return info;
}

// ---------------------------------------------------------------- CloudFront

function buildCloudFront(item: Item): Built {
  const { cfg } = item;
  const dc = cfg.child('distributionConfig') ?? cfg;
  const policies: CloudFrontAttributes['viewerProtocolPolicies'] = [];
  const def = dc.child('defaultCacheBehavior');
  const defPolicy = def?.str('viewerProtocolPolicy');
  if (def && defPolicy) {
    policies.push({
      pathPattern: '*',
      policy: defPolicy,
      origin: {
        path: def.path,
        fields: {
          policy: def.pathOf('viewerProtocolPolicy').slice(def.path.length + 1),
        },
      },
    });
  }
  for (const b of dc.list('cacheBehaviors')) {
    const p = b.str('viewerProtocolPolicy');
    if (!p) continue;
    policies.push({
      pathPattern: b.str('pathPattern') ?? '',
      policy: p,
      origin: {
        path: b.path,
        fields: {
          policy: b.pathOf('viewerProtocolPolicy').slice(b.path.length + 1),
        },
      },
    });
  }
  const cert = dc.child('viewerCertificate');
  const attrs: CloudFrontAttributes = {
    aliases: (() => {
      const a = dc.get('aliases');
      if (Array.isArray(a))
        return a.filter((x): x is string => typeof x === 'string');
      return dc.child('aliases')?.strings('items') ?? [];
    })(),
    viewerProtocolPolicies: policies,
    defaultCertificate:
      cert?.bool('cloudFrontDefaultCertificate') === true ||
      (!cert?.str('acmCertificateArn', 'aCMCertificateArn') &&
        !cert?.str('iamCertificateId', 'iAMCertificateId')),
  };
  const id = cfg.str('id') ?? item.resourceId;
  if (id) attrs.id = id;
  const min = cert?.str('minimumProtocolVersion');
  if (min) attrs.minimumProtocolVersion = min;
  const logging = dc.child('logging');
  const bucket = logging?.str('bucket');
  if (logging && bucket && logging.bool('enabled') !== false) {
    attrs.logging = { bucket, origin: origin(logging, ['bucket']) };
  }
  const waf = dc.str('webACLId', 'webAclId');
  if (waf) attrs.webAclId = waf;
  const origins: Record<string, string> = {
    logging: dc.pathOf('logging'),
    webAclId: dc.pathOf('webACLId', 'webAclId'),
  };
  if (cert) {
    origins.minimumProtocolVersion = cert.pathOf('minimumProtocolVersion');
    origins.defaultCertificate = cert.pathOf('cloudFrontDefaultCertificate');
  } else {
    origins.minimumProtocolVersion = dc.pathOf('viewerCertificate');
    origins.defaultCertificate = dc.pathOf('viewerCertificate');
  }
  return {
    type: 'aws.cloudfront.distribution',
    name: cfg.str('domainName') ?? id ?? '',
    attributes: attrs,
    origins,
  };
}

// ---------------------------------------------------------------- Lambda, ECS

function buildLambda(item: Item): Built {
  const { cfg } = item;
  const name = cfg.str('functionName') ?? item.resourceName ?? '';
  const attrs: LambdaAttributes = { name };
  const runtime = cfg.str('runtime');
  if (runtime) attrs.runtime = runtime;
  const pkg = cfg.str('packageType');
  if (pkg) attrs.packageType = pkg;
  const role = cfg.str('role');
  if (role) attrs.role = role;
  const kms = cfg.str('kmsKeyArn');
  if (kms) attrs.kmsKeyArn = kms;
  const env = cfg.child('environment');
  const vars = env?.child('variables');
  if (vars)
    attrs.environment = environmentFromMap(vars.value, { path: vars.path });
  else if (env) attrs.environment = [];
  const vpc = cfg.child('vpcConfig');
  if (vpc) {
    const subnetIds = vpc.strings('subnetIds');
    const securityGroupIds = vpc.strings('securityGroupIds');
    if (subnetIds.length > 0 || securityGroupIds.length > 0) {
      attrs.vpc = { subnetIds, securityGroupIds };
    }
  }
  return {
    type: 'aws.lambda.function',
    name,
    attributes: attrs,
    origins: paths(cfg, {
      runtime: ['runtime'],
      kmsKeyArn: ['kmsKeyArn'],
      environment: ['environment'],
      vpc: ['vpcConfig'],
    }),
  };
}

function buildEcs(item: Item): Built {
  const { cfg } = item;
  const family =
    cfg.str('family') ?? item.resourceName ?? item.resourceId ?? '';
  const key = ciKey(cfg.value, 'containerDefinitions');
  const raw = key === undefined ? undefined : cfg.value[key];
  const list = typeof raw === 'string' ? parseJson(raw) : raw;
  const attrs: EcsTaskDefinitionAttributes = {
    family,
    containers: Array.isArray(list)
      ? ecsContainers(list, { path: cfg.pathOf('containerDefinitions') })
      : [],
  };
  if (!Array.isArray(list)) attrs.containersUnknown = true;
  const revision = cfg.num('revision');
  if (revision !== undefined) attrs.revision = revision;
  const networkMode = cfg.str('networkMode');
  if (networkMode) attrs.networkMode = networkMode;
  const pid = cfg.str('pidMode');
  if (pid) attrs.pidMode = pid;
  const taskRole = cfg.str('taskRoleArn');
  if (taskRole) attrs.taskRoleArn = taskRole;
  const execRole = cfg.str('executionRoleArn');
  if (execRole) attrs.executionRoleArn = execRole;
  return {
    type: 'aws.ecs.task_definition',
    name: revision !== undefined ? `${family}:${revision}` : family,
    attributes: attrs,
    origins: paths(cfg, {
      networkMode: ['networkMode'],
      pidMode: ['pidMode'],
      containers: ['containerDefinitions'],
    }),
  };
}

// ---------------------------------------------------------------- EBS, EFS, KMS, CloudTrail

function buildEbs(item: Item): Built {
  const { cfg } = item;
  const attrs: EbsVolumeAttributes = {};
  const id = cfg.str('volumeId') ?? item.resourceId;
  if (id) attrs.volumeId = id;
  const enc = cfg.bool('encrypted');
  if (enc !== undefined) attrs.encrypted = enc;
  const kms = cfg.str('kmsKeyId');
  if (kms) attrs.kmsKeyId = kms;
  const size = cfg.num('size');
  if (size !== undefined) attrs.size = size;
  const vt = cfg.str('volumeType');
  if (vt) attrs.volumeType = vt;
  return {
    type: 'aws.ebs.volume',
    name: item.tags?.Name ?? id ?? '',
    attributes: attrs,
    origins: paths(cfg, { encrypted: ['encrypted'], kmsKeyId: ['kmsKeyId'] }),
  };
}

function buildEfs(item: Item): Built {
  const { cfg } = item;
  const attrs: EfsAttributes = {};
  const id = cfg.str('fileSystemId') ?? item.resourceId;
  if (id) attrs.fileSystemId = id;
  const enc = cfg.bool('encrypted');
  if (enc !== undefined) attrs.encrypted = enc;
  const kms = cfg.str('kmsKeyId');
  if (kms) attrs.kmsKeyId = kms;
  return {
    type: 'aws.efs.file_system',
    name: item.tags?.Name ?? id ?? '',
    attributes: attrs,
    origins: paths(cfg, { encrypted: ['encrypted'], kmsKeyId: ['kmsKeyId'] }),
  };
}

function buildKms(item: Item): Built {
  const { cfg, supp } = item;
  const attrs: KmsKeyAttributes = {};
  const id = cfg.str('keyId') ?? item.resourceId;
  if (id) attrs.keyId = id;
  const description = cfg.str('description');
  if (description) attrs.description = description;
  const manager = cfg.str('keyManager');
  if (manager) attrs.keyManager = manager;
  const spec = cfg.str('keySpec', 'customerMasterKeySpec');
  if (spec) attrs.keySpec = spec;
  const usage = cfg.str('keyUsage');
  if (usage) attrs.keyUsage = usage;
  const enabled = cfg.bool('enabled');
  if (enabled !== undefined) attrs.enabled = enabled;
  else {
    const state = cfg.str('keyState');
    if (state) attrs.enabled = state === 'Enabled';
  }
  const origins = paths(cfg, {
    keyManager: ['keyManager'],
    keySpec: ['keySpec', 'customerMasterKeySpec'],
  });
  let rotation = cfg.bool('keyRotationEnabled', 'enableKeyRotation');
  origins.rotationEnabled = cfg.pathOf(
    'keyRotationEnabled',
    'enableKeyRotation',
  );
  if (rotation === undefined) {
    const status = supp.get('KeyRotationStatus');
    rotation = bool(status) ?? bool(objectOrJson(status)?.keyRotationEnabled);
    if (rotation !== undefined)
      origins.rotationEnabled = supp.pathOf('KeyRotationStatus');
  }
  if (rotation !== undefined) attrs.rotationEnabled = rotation;
  const policyKey = ciKey(cfg.value, 'keyPolicy', 'policy');
  const suppPolicyKey = ciKey(supp.value, 'KeyPolicy', 'Policy');
  if (policyKey !== undefined) {
    attrs.policy = parsePolicyDocument(cfg.value[policyKey], {
      path: cfg.pathOf(policyKey),
    });
  } else if (suppPolicyKey !== undefined) {
    attrs.policy = parsePolicyDocument(supp.value[suppPolicyKey], {
      path: supp.pathOf(suppPolicyKey),
    });
  }
  return {
    type: 'aws.kms.key',
    name: description ?? id ?? '',
    attributes: attrs,
    origins,
  };
}

function buildCloudTrail(item: Item): Built {
  const { cfg, supp } = item;
  const name = cfg.str('name', 'trailName') ?? item.resourceName ?? '';
  const attrs: CloudTrailAttributes = { name };
  const multi = cfg.bool('isMultiRegionTrail');
  if (multi !== undefined) attrs.multiRegion = multi;
  const validation = cfg.bool(
    'logFileValidationEnabled',
    'enableLogFileValidation',
  );
  if (validation !== undefined) attrs.logFileValidation = validation;
  const kms = cfg.str('kmsKeyId', 'kMSKeyId');
  if (kms) attrs.kmsKeyId = kms;
  const bucket = cfg.str('s3BucketName');
  if (bucket) attrs.s3BucketName = bucket;
  const global = cfg.bool('includeGlobalServiceEvents');
  if (global !== undefined) attrs.includeGlobalServiceEvents = global;
  const origins = paths(cfg, {
    multiRegion: ['isMultiRegionTrail'],
    logFileValidation: ['logFileValidationEnabled', 'enableLogFileValidation'],
    kmsKeyId: ['kmsKeyId', 'kMSKeyId'],
    loggingEnabled: ['isLogging'],
  });
  let logging = cfg.bool('isLogging');
  if (logging === undefined) {
    const status = supp.child('TrailStatus', 'Status');
    logging = status?.bool('isLogging');
    if (logging !== undefined)
      origins.loggingEnabled = status!.pathOf('isLogging');
  }
  if (logging !== undefined) attrs.loggingEnabled = logging;
  return { type: 'aws.cloudtrail.trail', name, attributes: attrs, origins };
}

// ---------------------------------------------------------------- items

function readItem(raw: unknown, index: number): Item | string {
  const obj = typeof raw === 'string' ? objectOrJson(raw) : raw;
  if (!isObject(obj)) return 'not a configuration item object';
  const node = new ConfigNode(obj, '');
  const resourceType = node.str('resourceType');
  if (!resourceType) return 'configuration item has no resourceType';
  const cfgKey = ciKey(obj, 'configuration') ?? 'configuration';
  const cfgRaw = obj[cfgKey];
  const cfgObj = objectOrJson(cfgRaw);
  if (cfgRaw !== undefined && cfgRaw !== null && !cfgObj) {
    return `configuration of ${resourceType} is not an object or JSON object string`;
  }
  const suppKey =
    ciKey(obj, 'supplementaryConfiguration') ?? 'supplementaryConfiguration';
  const suppRaw = objectOrJson(obj[suppKey]) ?? {};
  // Decode JSON-string values once, so `raw` and evidence paths see objects.
  const supp: JsonObject = {};
  for (const [k, v] of Object.entries(suppRaw)) {
    supp[k] = typeof v === 'string' ? objectOrJson(v) ?? v : v;
  }
  const cfg = cfgObj ?? {};
  const item: Item = {
    index,
    resourceType,
    cfg: new ConfigNode(cfg, cfgKey),
    supp: new ConfigNode(supp, suppKey),
    raw: { ...obj, [cfgKey]: cfg, [suppKey]: supp },
  };
  const id = node.str('resourceId');
  if (id) item.resourceId = id;
  const name = node.str('resourceName');
  if (name) item.resourceName = name;
  const arn = node.str('arn', 'ARN');
  if (arn) item.arn = arn;
  const region = node.str('awsRegion');
  if (region) item.region = region;
  const account = node.str('awsAccountId', 'accountId');
  if (account) item.accountId = account;
  const tags =
    readTags(node.get('tags')) ??
    readTags(new ConfigNode(cfg, '').get('tags', 'tagList', 'tagSet'));
  if (tags) item.tags = tags;
  const captured = node.get('configurationItemCaptureTime');
  if (typeof captured === 'number' && Number.isFinite(captured)) {
    // Epoch seconds (AWS CLI v1, SDK JSON) or milliseconds.
    item.capturedAt = captured < 1e12 ? captured * 1000 : captured;
  } else if (typeof captured === 'string') {
    const t = Date.parse(captured);
    if (!Number.isNaN(t)) item.capturedAt = t;
  }
  if (DELETED.has(node.str('configurationItemStatus') ?? '')) return 'deleted';
  if (
    cfgObj === undefined &&
    !LOOKUP_TYPES.has(resourceType) &&
    AWS_CONFIG_TYPES[resourceType]
  ) {
    return `${resourceType} item has no configuration`;
  }
  return item;
}

function build(item: Item, type: AwsResourceType): Built {
  switch (type) {
    case 'aws.s3.bucket':
      return buildS3(item);
    case 'aws.rds.instance':
      return buildRds(item, false);
    case 'aws.rds.cluster':
      return buildRds(item, true);
    case 'aws.ec2.security_group':
      return buildSecurityGroup(item);
    case 'aws.iam.policy':
    case 'aws.iam.role':
    case 'aws.iam.user':
    case 'aws.iam.group':
      return buildIam(item, type);
    case 'aws.elb.listener':
      return buildListener(item);
    case 'aws.cloudfront.distribution':
      return buildCloudFront(item);
    case 'aws.lambda.function':
      return buildLambda(item);
    case 'aws.ecs.task_definition':
      return buildEcs(item);
    case 'aws.ebs.volume':
      return buildEbs(item);
    case 'aws.efs.file_system':
      return buildEfs(item);
    case 'aws.kms.key':
      return buildKms(item);
    default:
      return buildCloudTrail(item);
  }
}

/**
 * Normalises AWS Config configuration items onto the AWS canonical types: items as
 * `GetResourceConfigHistory` / `BatchGetResourceConfig` return them (`configuration`
 * a JSON string), as `SelectResourceConfig` returns them (JSON strings of objects),
 * and as delivered snapshots hold them (objects). `supplementaryConfiguration`
 * values given as JSON strings are decoded. Load balancer items complete their
 * listeners; deleted items are dropped; unsupported resource types are skipped with
 * one summarising error; malformed items give errors, never a throw.
 */
export function normalizeAwsConfigItems(
  items: unknown[],
  source: ResourceSource,
): NormalizeResult {
  const errors: NormalizeError[] = [];
  const resources: Resource[] = [];
  if (!Array.isArray(items)) {
    return {
      resources,
      errors: [{ message: 'AWS Config items must be a list' }],
    };
  }
  const src: ResourceSource =
    source.format === 'aws-config'
      ? source
      : { ...source, format: 'aws-config' };
  const skipped = new Map<string, number>();
  const loadBalancers = new Map<string, LoadBalancerInfo>();
  const groupArns = new Map<string, string>();
  const seen = new Set<string>();
  const built: Array<{ item: Item; b: Built }> = [];
  items.forEach((raw, index) => {
    try {
      const item = readItem(raw, index);
      if (item === 'deleted') return;
      if (typeof item === 'string') {
        errors.push({ message: item, path: `[${index}]` });
        return;
      }
      if (LOOKUP_TYPES.has(item.resourceType)) {
        const info = loadBalancerInfo(item);
        if (info.arn) loadBalancers.set(info.arn, info);
        return;
      }
      const type = AWS_CONFIG_TYPES[item.resourceType];
      if (!type) {
        skipped.set(
          item.resourceType,
          (skipped.get(item.resourceType) ?? 0) + 1,
        );
        return;
      }
      const b = build(item, type);
      if (type === 'aws.iam.group' && item.arn) groupArns.set(b.name, item.arn);
      built.push({ item, b });
    } catch (e) {
      errors.push({
        message: `could not read configuration item: ${
          e instanceof Error ? e.message : String(e)
        }`,
        path: `[${index}]`,
      });
    }
  });
  const listenersByLb = new Map<string, Resource[]>();
  for (const { item, b } of built) {
    const attrs = b.attributes;
    if (item.arn) attrs.arn = item.arn;
    if (item.accountId) attrs.accountId = item.accountId;
    if (item.region) attrs.region = item.region;
    if (b.type === 'aws.iam.user') {
      const user = attrs as IamUserAttributes;
      for (const g of user.groups) {
        const arn = groupArns.get(g);
        if (arn) user.groupUids.push(arn);
      }
    }
    const uid =
      item.arn ??
      `aws-config:${item.resourceType}/${item.resourceId ?? item.index}`;
    // History responses may hold several items of one resource: keep the first (latest).
    if (seen.has(uid)) continue;
    seen.add(uid);
    const resource: Resource = {
      uid,
      type: b.type,
      kind: item.resourceType,
      name: b.name,
      source: src,
      attributes: attrs,
      origins: b.origins,
      raw: sanitize(item.raw),
    };
    if (item.tags) resource.tags = item.tags;
    if (b.type === 'aws.elb.listener') {
      const listener = attrs as ListenerAttributes;
      const lbArn = listener.loadBalancer?.arn;
      const lb = lbArn ? loadBalancers.get(lbArn) : undefined;
      if (lb) listener.loadBalancer = lb;
      if (lbArn) {
        const list = listenersByLb.get(lbArn) ?? [];
        list.push(resource);
        listenersByLb.set(lbArn, list);
      }
    }
    resources.push(resource);
  }
  for (const listeners of listenersByLb.values()) {
    listeners.sort((a, b) => a.uid.localeCompare(b.uid));
    listeners.forEach((l, i) => {
      (l.attributes as ListenerAttributes).reportsLoadBalancer = i === 0;
    });
  }
  if (skipped.size > 0) {
    const total = [...skipped.values()].reduce((a, b) => a + b, 0);
    const list = [...skipped.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, n]) => `${t} (${n})`)
      .join(', ');
    errors.push({
      message: `skipped ${total} configuration item${
        total === 1 ? '' : 's'
      } of unsupported resource types: ${list}`,
    });
  }
  return { resources, errors };
}

/**
 * The configuration items of a document read from a file: a list of items, a
 * delivered snapshot or history (`configurationItems`), a `BatchGetResourceConfig`
 * response (`baseConfigurationItems`), a `SelectResourceConfig` response (`Results`,
 * JSON strings) or a single item. Undefined when the document is none of these.
 */
export function extractAwsConfigItems(doc: unknown): unknown[] | undefined {
  const looksLikeItem = (x: unknown) =>
    isObject(x) && ciKey(x, 'resourceType') !== undefined;
  if (Array.isArray(doc)) {
    const itemText = (x: unknown) =>
      typeof x === 'string' && x.includes('"resourceType"');
    return doc.length === 0 || doc.some(x => looksLikeItem(x) || itemText(x))
      ? doc
      : undefined;
  }
  if (!isObject(doc)) return undefined;
  for (const key of [
    'configurationItems',
    'baseConfigurationItems',
    'Results',
    'results',
  ]) {
    const k = ciKey(doc, key);
    if (k !== undefined && Array.isArray(doc[k])) return doc[k] as unknown[];
  }
  if (isObject(doc.configurationItem)) return [doc.configurationItem];
  return looksLikeItem(doc) ? [doc] : undefined;
}
