/**
 * Typed attributes of the AWS canonical types, as produced by
 * `normalizeTerraformJson` (plan and state) and `normalizeAwsConfigItems`. The same
 * interfaces serve every source, so one check serves Terraform and live AWS alike.
 *
 * Conventions:
 * - A field that is absent (or of the wrong type) in the source is `undefined`; lists
 *   are empty rather than `undefined` unless "not known by this source" matters
 *   (then the doc comment says so).
 * - A string value Terraform only knows after apply is {@link KNOWN_AFTER_APPLY}, so
 *   "is it set" questions (a KMS key id, a log bucket) are answered, while booleans
 *   and numbers that are unknown stay `undefined` and are listed in `unknown`.
 * - Secret values never appear: passwords are reduced to {@link SecretFacts}, and
 *   secret-looking environment variables carry {@link REDACTED} as their value.
 * - Sub-objects and list items carry an {@link AttributeOrigin} so evidence can name
 *   the Terraform address and path (or AWS Config path) a value came from.
 */

/** Replaces every secret value copied into attributes, evidence and `raw`. */
export const REDACTED = '[REDACTED]';

/** A string value Terraform will only know after apply (plan only). */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/**
 * Where a sub-object or list item was read from: its path in the source document
 * and, when that document is another Terraform resource joined onto this one (e.g.
 * `aws_s3_bucket_public_access_block.logs`), that resource's address. `fields` maps
 * canonical field names to the source's own names when they differ (Terraform's
 * `block_public_acls` for `blockPublicAcls`).
 */
export interface AttributeOrigin {
  address?: string;
  /** Path of the sub-object inside its document; `''` for the document root. */
  path: string;
  fields?: Readonly<Record<string, string>>;
}

/** Attributes every AWS canonical type has. */
export interface AwsCommonAttributes {
  arn?: string;
  accountId?: string;
  region?: string;
  /**
   * Canonical attribute names whose value Terraform only knows after apply (plan
   * only); checks skip rather than guess on them.
   */
  unknown?: readonly string[];
}

// ---------------------------------------------------------------- IAM policy documents

/**
 * A policy statement with every list-or-scalar field normalised to an array.
 * `principal` maps a principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`)
 * to its values; the bare wildcard `"Principal": "*"` becomes `{ '*': ['*'] }`.
 * `condition` maps an operator to condition keys and their values (as strings).
 */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: Record<string, string[]>;
  notPrincipal?: Record<string, string[]>;
  condition?: Record<string, Record<string, string[]>>;
  /** Path of the statement in its document (`Statement[2]`, or `Statement` when it was one object). */
  path: string;
}

/** Facts about a policy document computed once by the normaliser. */
export interface PolicyAnalysis {
  /**
   * Indexes of Allow statements granting every action on every resource: `Action`
   * `*` (or `*:*`) with `Resource` `*`, or `NotAction` with `Resource` `*`, without a
   * condition requiring MFA.
   */
  fullAdmin: readonly number[];
  /** Indexes of Allow statements whose principal is anyone (`*`, `{"AWS": "*"}`) with no condition narrowing it. */
  publicAllow: readonly number[];
  /** A Deny statement for `aws:SecureTransport` = false covers every action of the document's service. */
  deniesInsecureTransport: boolean;
  /** Some statement requires MFA (`aws:MultiFactorAuthPresent`), as an Allow condition or a Deny without it. */
  requiresMfa: boolean;
}

/** A parsed IAM policy document. */
export interface PolicyDocument {
  version?: string;
  statements: PolicyStatement[];
  analysis: PolicyAnalysis;
  /** Where the (JSON) document is; statement paths continue this path. */
  origin: AttributeOrigin;
}

/**
 * A policy document as found on a resource: parsed, still unknown at plan time, or
 * present but not parseable.
 */
export type PolicyDocumentValue =
  | PolicyDocument
  | { unknown: true; origin: AttributeOrigin }
  | { invalid: string; origin: AttributeOrigin };

// ---------------------------------------------------------------- S3

/** Who an ACL grant is for. */
export type S3Grantee =
  | 'AllUsers'
  | 'AuthenticatedUsers'
  | 'LogDelivery'
  | 'CanonicalUser'
  | 'Email'
  | 'Unknown';

/** One ACL grant; permission in S3's API spelling (`READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`, `FULL_CONTROL`). */
export interface S3Grant {
  grantee: S3Grantee;
  /** Canonical user id or URI of the grantee when known. */
  id?: string;
  permission: string;
  origin: AttributeOrigin;
}

/** The bucket ACL: canned ACL name and/or explicit grants. */
export interface S3Acl {
  canned?: string;
  grants: S3Grant[];
  origin: AttributeOrigin;
}

/** Bucket-level S3 Block Public Access settings. */
export interface S3PublicAccessBlock {
  blockPublicAcls?: boolean;
  ignorePublicAcls?: boolean;
  blockPublicPolicy?: boolean;
  restrictPublicBuckets?: boolean;
  origin: AttributeOrigin;
}

/** Default server-side encryption. */
export interface S3Encryption {
  /** `AES256`, `aws:kms`, `aws:kms:dsse`; absent when the configuration has no rule. */
  algorithm?: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
  /**
   * `configured` when the source shows an encryption configuration. `default` when
   * it shows none and S3's default applies (SSE-S3 for every bucket since
   * 5 January 2023). `none` when the source positively records that the bucket had
   * no default encryption: a Terraform state read by the provider with an empty
   * `server_side_encryption_configuration`, or an AWS Config item captured before
   * that date without one.
   */
  source: 'configured' | 'default' | 'none';
  origin?: AttributeOrigin;
}

/** Server access logging. */
export interface S3Logging {
  targetBucket?: string;
  targetPrefix?: string;
  origin: AttributeOrigin;
}

/** One lifecycle rule, reduced to what posture needs. */
export interface S3LifecycleRule {
  id?: string;
  enabled: boolean;
  /** Has an expiration, a transition or a noncurrent-version action. */
  hasActions: boolean;
  origin: AttributeOrigin;
}

/** Bucket versioning. */
export interface S3Versioning {
  status: 'Enabled' | 'Suspended' | 'Disabled';
  mfaDelete?: boolean;
  origin: AttributeOrigin;
}

/** Object ownership controls (`BucketOwnerEnforced` disables ACLs). */
export interface S3OwnershipControls {
  objectOwnership?: string;
  origin: AttributeOrigin;
}

/** `aws.s3.bucket` */
export interface S3BucketAttributes extends AwsCommonAttributes {
  name: string;
  acl?: S3Acl;
  /** Absent: no bucket-level public access block is configured. */
  publicAccessBlock?: S3PublicAccessBlock;
  /** Always set; `source: 'default'` when the source shows no configuration. */
  encryption: S3Encryption;
  /** Absent: access logging is off. */
  logging?: S3Logging;
  /** Absent: no lifecycle configuration. */
  lifecycleRules?: S3LifecycleRule[];
  /** Absent: never configured, i.e. disabled. */
  versioning?: S3Versioning;
  policy?: PolicyDocumentValue;
  ownershipControls?: S3OwnershipControls;
  /** Precomputed exposure, taking Block Public Access and ownership controls into account. */
  exposure: {
    /** The ACL grants access to everyone or to any AWS account, and nothing neutralises it. */
    publicAcl: boolean;
    /** The policy allows anyone, and `restrictPublicBuckets` does not neutralise it. */
    publicPolicy: boolean;
  };
}

// ---------------------------------------------------------------- RDS

/** What is known about a master password, never the password itself. */
export interface SecretFacts {
  /** A password is set in the source (plain or sensitive). */
  set: boolean;
  /** Managed by AWS Secrets Manager (`manage_master_user_password`). */
  managed: boolean;
  /** The value is one of the well-known default or trivial passwords. */
  wellKnownDefault: boolean;
  /** The value was known to the normaliser (Terraform plan/state); never for AWS Config. */
  known: boolean;
}

/** A reference to a security group: its id, and the uid of its resource when resolved. */
export interface SecurityGroupRef {
  id?: string;
  /** uid of the `aws.ec2.security_group` resource in the same source, when it could be resolved. */
  uid?: string;
  origin: AttributeOrigin;
}

/** `aws.rds.instance` and `aws.rds.cluster` */
export interface RdsAttributes extends AwsCommonAttributes {
  identifier: string;
  engine?: string;
  engineVersion?: string;
  instanceClass?: string;
  /** Instances only; clusters are reachable through their instances. */
  publiclyAccessible?: boolean;
  /** Undefined for an instance whose storage is managed by its cluster. */
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  backupRetentionPeriod?: number;
  deletionProtection?: boolean;
  masterUsername?: string;
  masterPassword: SecretFacts;
  iamAuth?: boolean;
  /** Port the database listens on (the engine's default when not set). */
  port?: number;
  securityGroups: SecurityGroupRef[];
  /** The cluster an instance belongs to (`aws_rds_cluster_instance`, Aurora members). */
  clusterIdentifier?: string;
  multiAz?: boolean;
}

// ---------------------------------------------------------------- EC2 security groups

/** One security group rule, inline or from a split rule resource. */
export interface SecurityGroupRule {
  direction: 'ingress' | 'egress';
  /** `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number. */
  protocol: string;
  /** Inclusive port range; `0`–`65535` for all protocols. */
  fromPort: number;
  toPort: number;
  cidrIpv4: string[];
  cidrIpv6: string[];
  prefixListIds: string[];
  /** Referenced security group ids (or Terraform addresses when unknown at plan). */
  securityGroups: string[];
  self?: boolean;
  description?: string;
  /** Open to the whole internet: `0.0.0.0/0` or `::/0`. */
  internet: boolean;
  origin: AttributeOrigin;
}

/** `aws.ec2.security_group` */
export interface SecurityGroupAttributes extends AwsCommonAttributes {
  groupId?: string;
  name?: string;
  description?: string;
  vpcId?: string;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

// ---------------------------------------------------------------- IAM

/** A managed policy attached to a role, user or group. */
export interface ManagedPolicyRef {
  /** Policy ARN; {@link KNOWN_AFTER_APPLY} for a policy created in the same plan. */
  arn: string;
  /** uid of the `aws.iam.policy` resource in the same source, when resolved. */
  uid?: string;
  /** `arn:aws:iam::aws:policy/AdministratorAccess` (any partition). */
  administratorAccess: boolean;
  origin: AttributeOrigin;
}

/** An inline policy of a role, user or group. */
export interface InlinePolicy {
  name?: string;
  document: PolicyDocumentValue;
}

/** Attributes shared by roles, users and groups. */
export interface IamPrincipalAttributes extends AwsCommonAttributes {
  name: string;
  path?: string;
  inlinePolicies: InlinePolicy[];
  managedPolicies: ManagedPolicyRef[];
}

/** `aws.iam.policy` (a customer managed policy) */
export interface IamPolicyAttributes extends AwsCommonAttributes {
  name: string;
  path?: string;
  document: PolicyDocumentValue;
  /** Number of principals it is attached to, when the source knows. */
  attachmentCount?: number;
}

/** `aws.iam.role` */
export interface IamRoleAttributes extends IamPrincipalAttributes {
  assumeRolePolicy?: PolicyDocumentValue;
}

/** An access key of a user (never its secret). */
export interface IamAccessKey {
  id?: string;
  status: 'Active' | 'Inactive';
  /** ISO 8601 creation time, when known (state, AWS Config). */
  createDate?: string;
  origin: AttributeOrigin;
}

/** `aws.iam.user` */
export interface IamUserAttributes extends IamPrincipalAttributes {
  /** Names of the groups the user is in. */
  groups: string[];
  /** uids of those groups' resources in the same source, when resolved. */
  groupUids: string[];
  /** Has a console password; undefined when the source does not say. */
  loginProfile?: boolean;
  /** MFA device serials; undefined when the source does not know. */
  mfaDevices?: string[];
  /** Access keys; undefined when the source does not know. */
  accessKeys?: IamAccessKey[];
}

/** `aws.iam.group` */
export interface IamGroupAttributes extends IamPrincipalAttributes {
  /** Member user names, when the source knows them. */
  members?: string[];
}

// ---------------------------------------------------------------- Load balancing

/** The load balancer a listener belongs to, when the source has it. */
export interface LoadBalancerInfo {
  arn?: string;
  name?: string;
  /** `application`, `network`, `gateway`. */
  type?: string;
  /** `internet-facing` or `internal`. */
  scheme?: string;
  accessLogsEnabled?: boolean;
  accessLogsBucket?: string;
  origin: AttributeOrigin;
}

/** A listener action, reduced. */
export interface ListenerAction {
  type: string;
  redirectProtocol?: string;
  origin: AttributeOrigin;
}

/** `aws.elb.listener` */
export interface ListenerAttributes extends AwsCommonAttributes {
  /** `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`. */
  protocol?: string;
  port?: number;
  sslPolicy?: string;
  defaultActions: ListenerAction[];
  /** Every default action redirects to HTTPS. */
  redirectsToHttps: boolean;
  loadBalancer?: LoadBalancerInfo;
  /**
   * This listener carries the load balancer's own findings (access logs): true for
   * exactly one listener of each load balancer, so they are reported once.
   */
  reportsLoadBalancer: boolean;
}

// ---------------------------------------------------------------- CloudFront

/** `aws.cloudfront.distribution` */
export interface CloudFrontAttributes extends AwsCommonAttributes {
  id?: string;
  aliases: string[];
  /** Viewer protocol policy of the default and every ordered cache behaviour. */
  viewerProtocolPolicies: Array<{
    pathPattern: string;
    policy: string;
    origin: AttributeOrigin;
  }>;
  /** Uses the `*.cloudfront.net` certificate (which allows TLS 1.0). */
  defaultCertificate: boolean;
  minimumProtocolVersion?: string;
  logging?: { bucket?: string; origin: AttributeOrigin };
  webAclId?: string;
}

// ---------------------------------------------------------------- Lambda and ECS

/** One environment variable; `value` is {@link REDACTED} when it looks like a secret. */
export interface EnvironmentVariable {
  name: string;
  value: string;
  /** Why it looks like a secret: its name, or its value's shape. */
  secret?: 'name' | 'value';
  origin: AttributeOrigin;
}

/** `aws.lambda.function` */
export interface LambdaAttributes extends AwsCommonAttributes {
  name: string;
  runtime?: string;
  packageType?: string;
  role?: string;
  /** Customer managed key for environment variables. */
  kmsKeyArn?: string;
  /** Undefined when the source does not record environment variables. */
  environment?: EnvironmentVariable[];
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  functionUrl?: { authType?: string; origin: AttributeOrigin };
}

/** One container of a task definition. */
export interface EcsContainer {
  name: string;
  image?: string;
  privileged?: boolean;
  user?: string;
  readonlyRootFilesystem?: boolean;
  environment: EnvironmentVariable[];
  secrets: Array<{ name: string; valueFrom?: string }>;
  origin: AttributeOrigin;
}

/** `aws.ecs.task_definition` */
export interface EcsTaskDefinitionAttributes extends AwsCommonAttributes {
  family: string;
  revision?: number;
  networkMode?: string;
  pidMode?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  containers: EcsContainer[];
  /** The container definitions could not be read (invalid JSON, unknown at plan). */
  containersUnknown?: boolean;
}

// ---------------------------------------------------------------- storage, keys, audit

/** `aws.ebs.volume` */
export interface EbsVolumeAttributes extends AwsCommonAttributes {
  volumeId?: string;
  encrypted?: boolean;
  kmsKeyId?: string;
  size?: number;
  volumeType?: string;
}

/** `aws.efs.file_system` */
export interface EfsAttributes extends AwsCommonAttributes {
  fileSystemId?: string;
  encrypted?: boolean;
  kmsKeyId?: string;
}

/** `aws.kms.key` */
export interface KmsKeyAttributes extends AwsCommonAttributes {
  keyId?: string;
  description?: string;
  /** `CUSTOMER` or `AWS`. */
  keyManager?: string;
  /** `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256` … */
  keySpec?: string;
  /** `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`. */
  keyUsage?: string;
  enabled?: boolean;
  rotationEnabled?: boolean;
  policy?: PolicyDocumentValue;
}

/** `aws.cloudtrail.trail` */
export interface CloudTrailAttributes extends AwsCommonAttributes {
  name: string;
  multiRegion?: boolean;
  logFileValidation?: boolean;
  kmsKeyId?: string;
  loggingEnabled?: boolean;
  s3BucketName?: string;
  includeGlobalServiceEvents?: boolean;
}

/** Attribute type of each AWS canonical type. */
export interface AwsAttributesByType {
  'aws.s3.bucket': S3BucketAttributes;
  'aws.rds.instance': RdsAttributes;
  'aws.rds.cluster': RdsAttributes;
  'aws.ec2.security_group': SecurityGroupAttributes;
  'aws.iam.policy': IamPolicyAttributes;
  'aws.iam.role': IamRoleAttributes;
  'aws.iam.user': IamUserAttributes;
  'aws.iam.group': IamGroupAttributes;
  'aws.elb.listener': ListenerAttributes;
  'aws.cloudfront.distribution': CloudFrontAttributes;
  'aws.lambda.function': LambdaAttributes;
  'aws.ecs.task_definition': EcsTaskDefinitionAttributes;
  'aws.ebs.volume': EbsVolumeAttributes;
  'aws.efs.file_system': EfsAttributes;
  'aws.kms.key': KmsKeyAttributes;
  'aws.cloudtrail.trail': CloudTrailAttributes;
}
