import fs from 'fs';
import path from 'path';
import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { validateCatalog } from '../../checks/validate';
import {
  PASS,
  type CheckDefinition,
  type CheckOutcome,
} from '../../model/check';
import { DEFAULT_CONTROLS } from '../../scorecard/defaultScorecard';
import { REDACTED } from '../types';
import { evaluateOn, type FixtureSet } from '../__testUtils__/fixtures';
import { AWS_CHECKS } from './index';

type Expected = 'pass' | 'fail' | 'skip';

/** [check id, fixture set, resource (address, uid or uid suffix), expected, evidence the failure must carry] */
type Case = [string, FixtureSet, string, Expected, Partial<Evidence>?];

// prettier-ignore
const CASES: Case[] = [
  // ---------------------------------------------------------------- S3
  ['aws-s3-bucket-public-acl', 'plan', 'aws_s3_bucket.assets', 'fail', { address: 'aws_s3_bucket_acl.assets', path: 'acl', value: 'public-read' }],
  ['aws-s3-bucket-public-acl', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-s3-bucket-public-acl', 'state', 'aws_s3_bucket.website', 'fail', { address: 'aws_s3_bucket_acl.website', path: 'access_control_policy[0].grant[0].permission', value: 'READ to AllUsers' }],
  ['aws-s3-bucket-public-acl', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-public-acl', 'config', 'arn:aws:s3:::billing-reports', 'fail', { path: 'supplementaryConfiguration.AccessControlList.grantList[1].permission', value: 'READ to AllUsers' }],
  ['aws-s3-bucket-public-acl', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],
  // AuthenticatedUsers READ is neutralised by BucketOwnerEnforced (ACLs disabled).
  ['aws-s3-bucket-public-acl', 'config', 'arn:aws:s3:::ledger-access-logs', 'pass'],

  ['aws-s3-bucket-public-policy', 'plan', 'aws_s3_bucket.assets', 'fail', { address: 'aws_s3_bucket_policy.assets', path: 'policy.Statement[0].Principal' }],
  ['aws-s3-bucket-public-policy', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-s3-bucket-public-policy', 'plan', 'aws_s3_bucket.uploads', 'skip'],
  // Principal "*" narrowed by aws:PrincipalOrgID is not public.
  ['aws-s3-bucket-public-policy', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-public-policy', 'config', 'arn:aws:s3:::billing-reports', 'fail', { path: 'supplementaryConfiguration.BucketPolicy.policyText.Statement[0].Principal' }],
  ['aws-s3-bucket-public-policy', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],

  ['aws-s3-bucket-public-access-block', 'plan', 'aws_s3_bucket.assets', 'fail', { address: 'aws_s3_bucket_public_access_block.assets', path: 'block_public_acls', value: false }],
  ['aws-s3-bucket-public-access-block', 'plan', 'aws_s3_bucket.replica[1]', 'fail', { address: 'aws_s3_bucket_public_access_block.replica[1]', path: 'restrict_public_buckets', value: false }],
  ['aws-s3-bucket-public-access-block', 'plan', 'aws_s3_bucket.data["raw"]', 'fail', { path: 'publicAccessBlock', value: null }],
  ['aws-s3-bucket-public-access-block', 'plan', 'aws_s3_bucket.replica[0]', 'pass'],
  ['aws-s3-bucket-public-access-block', 'plan', 'aws_s3_bucket.uploads', 'pass'],
  ['aws-s3-bucket-public-access-block', 'plan', 'module.storage.aws_s3_bucket.this', 'pass'],
  ['aws-s3-bucket-public-access-block', 'state', 'aws_s3_bucket.website', 'fail'],
  ['aws-s3-bucket-public-access-block', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-public-access-block', 'config', 'arn:aws:s3:::billing-reports', 'fail'],
  ['aws-s3-bucket-public-access-block', 'config', 'arn:aws:s3:::ledger-access-logs', 'fail', { path: 'supplementaryConfiguration.PublicAccessBlockConfiguration.restrictPublicBuckets', value: false }],
  ['aws-s3-bucket-public-access-block', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],
  ['aws-s3-bucket-public-access-block', 'config', 'arn:aws:s3:::billing-invoices', 'pass'],

  ['aws-s3-bucket-encryption', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-s3-bucket-encryption', 'plan', 'aws_s3_bucket.replica[0]', 'pass'],
  ['aws-s3-bucket-encryption', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-encryption', 'state', 'aws_s3_bucket.legacy_exports', 'fail', { path: 'server_side_encryption_configuration', value: [] }],
  ['aws-s3-bucket-encryption', 'config', 'arn:aws:s3:::billing-reports', 'pass'],
  ['aws-s3-bucket-encryption', 'config', 'arn:aws:s3:::billing-invoices', 'pass'],
  ['aws-s3-bucket-encryption', 'config', 'arn:aws:s3:::ledger-access-logs', 'pass'],
  ['aws-s3-bucket-encryption', 'config', 'arn:aws:s3:::billing-legacy', 'fail', { path: 'supplementaryConfiguration.ServerSideEncryptionConfiguration' }],

  ['aws-s3-bucket-access-logging', 'plan', 'aws_s3_bucket.assets', 'fail'],
  ['aws-s3-bucket-access-logging', 'plan', 'aws_s3_bucket.logs', 'pass'],
  // Logging configured at the root for a bucket of a module, through the module output.
  ['aws-s3-bucket-access-logging', 'plan', 'module.storage.aws_s3_bucket.this', 'pass'],
  ['aws-s3-bucket-access-logging', 'state', 'aws_s3_bucket.website', 'fail'],
  ['aws-s3-bucket-access-logging', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-access-logging', 'config', 'arn:aws:s3:::billing-reports', 'fail'],
  ['aws-s3-bucket-access-logging', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],

  ['aws-s3-bucket-versioning', 'plan', 'aws_s3_bucket.assets', 'fail'],
  ['aws-s3-bucket-versioning', 'plan', 'aws_s3_bucket.data["curated"]', 'fail', { address: 'aws_s3_bucket_versioning.data["curated"]', path: 'versioning_configuration[0].status', value: 'Suspended' }],
  ['aws-s3-bucket-versioning', 'plan', 'aws_s3_bucket.data["raw"]', 'pass'],
  ['aws-s3-bucket-versioning', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-s3-bucket-versioning', 'state', 'aws_s3_bucket.website', 'fail', { path: 'versioning[0].enabled', value: 'Disabled' }],
  ['aws-s3-bucket-versioning', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-versioning', 'config', 'arn:aws:s3:::billing-reports', 'fail', { path: 'supplementaryConfiguration.BucketVersioningConfiguration.status' }],
  ['aws-s3-bucket-versioning', 'config', 'arn:aws:s3:::ledger-access-logs', 'fail'],
  ['aws-s3-bucket-versioning', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],

  ['aws-s3-bucket-lifecycle', 'plan', 'aws_s3_bucket.assets', 'fail'],
  ['aws-s3-bucket-lifecycle', 'plan', 'aws_s3_bucket.data["curated"]', 'fail', { address: 'aws_s3_bucket_lifecycle_configuration.data["curated"]', path: 'rule[0].status', value: false }],
  ['aws-s3-bucket-lifecycle', 'plan', 'aws_s3_bucket.data["raw"]', 'pass'],
  ['aws-s3-bucket-lifecycle', 'state', 'aws_s3_bucket.website', 'fail'],
  ['aws-s3-bucket-lifecycle', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-lifecycle', 'config', 'arn:aws:s3:::billing-reports', 'fail'],
  ['aws-s3-bucket-lifecycle', 'config', 'arn:aws:s3:::ledger-access-logs', 'fail'],
  ['aws-s3-bucket-lifecycle', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],

  ['aws-s3-bucket-secure-transport', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-s3-bucket-secure-transport', 'plan', 'aws_s3_bucket.assets', 'fail', { address: 'aws_s3_bucket_policy.assets', path: 'policy' }],
  ['aws-s3-bucket-secure-transport', 'plan', 'aws_s3_bucket.uploads', 'skip'],
  ['aws-s3-bucket-secure-transport', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-s3-bucket-secure-transport', 'state', 'aws_s3_bucket.website', 'fail'],
  ['aws-s3-bucket-secure-transport', 'config', 'arn:aws:s3:::billing-reports', 'fail'],
  ['aws-s3-bucket-secure-transport', 'config', 'arn:aws:s3:::billing-invoices', 'fail'],
  ['aws-s3-bucket-secure-transport', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],

  // ---------------------------------------------------------------- network
  ['aws-ec2-sg-open-ingress', 'plan', 'aws_security_group.web', 'fail', { address: 'aws_vpc_security_group_ingress_rule.web_ssh', path: 'cidr_ipv4', value: '0.0.0.0/0 → tcp/22' }],
  ['aws-ec2-sg-open-ingress', 'plan', 'module.db.aws_security_group.db', 'fail', { path: 'ingress[0].cidr_blocks', value: '0.0.0.0/0 → tcp/5432' }],
  ['aws-ec2-sg-open-ingress', 'plan', 'aws_security_group.internal', 'pass'],
  ['aws-ec2-sg-open-ingress', 'state', 'aws_security_group.app', 'fail', { address: 'aws_security_group_rule.app_rdp', path: 'cidr_blocks', value: '0.0.0.0/0 → tcp/3389' }],
  ['aws-ec2-sg-open-ingress', 'state', 'aws_security_group.db', 'pass'],
  ['aws-ec2-sg-open-ingress', 'config', 'security-group/sg-0c0ffee000000001', 'fail', { path: 'configuration.ipPermissions[1].ipv6Ranges', value: '::/0 → tcp/22' }],
  ['aws-ec2-sg-open-ingress', 'config', 'security-group/sg-0feed0000000002', 'pass'],

  ['aws-ec2-sg-unrestricted-egress', 'plan', 'aws_security_group.web', 'fail', { address: 'aws_security_group_rule.web_egress', path: 'cidr_blocks', value: '0.0.0.0/0 → all traffic' }],
  ['aws-ec2-sg-unrestricted-egress', 'plan', 'module.db.aws_security_group.db', 'fail'],
  ['aws-ec2-sg-unrestricted-egress', 'plan', 'aws_security_group.internal', 'pass'],
  ['aws-ec2-sg-unrestricted-egress', 'state', 'aws_security_group.app', 'fail'],
  ['aws-ec2-sg-unrestricted-egress', 'state', 'aws_security_group.db', 'pass'],
  ['aws-ec2-sg-unrestricted-egress', 'state', 'aws_security_group.legacy_db', 'pass'],
  ['aws-ec2-sg-unrestricted-egress', 'config', 'security-group/sg-0c0ffee000000001', 'fail', { path: 'configuration.ipPermissionsEgress[0].ipv4Ranges' }],
  ['aws-ec2-sg-unrestricted-egress', 'config', 'security-group/sg-0feed0000000002', 'pass'],

  ['aws-rds-publicly-accessible', 'plan', 'module.db.aws_db_instance.this', 'fail', { path: 'publicly_accessible', value: true }],
  ['aws-rds-publicly-accessible', 'plan', 'aws_db_instance.reporting', 'pass'],
  ['aws-rds-publicly-accessible', 'plan', 'aws_rds_cluster_instance.ledger[0]', 'pass'],
  ['aws-rds-publicly-accessible', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-publicly-accessible', 'config', ':db:billing-db', 'fail', { path: 'configuration.publiclyAccessible', value: true }],
  ['aws-rds-publicly-accessible', 'config', ':db:ledger-aurora-1', 'pass'],

  ['aws-rds-security-group-open', 'plan', 'module.db.aws_db_instance.this', 'fail', { address: 'module.db.aws_security_group.db', path: 'ingress[0].cidr_blocks' }],
  ['aws-rds-security-group-open', 'plan', 'aws_db_instance.reporting', 'pass'],
  ['aws-rds-security-group-open', 'plan', 'aws_rds_cluster.ledger', 'pass'],
  ['aws-rds-security-group-open', 'state', 'aws_db_instance.legacy', 'fail', { address: 'aws_security_group.legacy_db', path: 'ingress[0].ipv6_cidr_blocks', value: '::/0 → tcp/3306' }],
  ['aws-rds-security-group-open', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-security-group-open', 'config', ':db:billing-db', 'fail', { address: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0c0ffee000000001', path: 'configuration.ipPermissions[0].ipv4Ranges' }],
  ['aws-rds-security-group-open', 'config', ':cluster:ledger-aurora', 'pass'],

  // ---------------------------------------------------------------- RDS data
  ['aws-rds-storage-encrypted', 'plan', 'module.db.aws_db_instance.this', 'fail', { path: 'storage_encrypted', value: false }],
  ['aws-rds-storage-encrypted', 'plan', 'aws_db_instance.reporting', 'pass'],
  ['aws-rds-storage-encrypted', 'plan', 'aws_rds_cluster.ledger', 'pass'],
  ['aws-rds-storage-encrypted', 'plan', 'aws_rds_cluster_instance.ledger[0]', 'skip'],
  ['aws-rds-storage-encrypted', 'state', 'aws_db_instance.legacy', 'fail'],
  ['aws-rds-storage-encrypted', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-storage-encrypted', 'config', ':db:billing-db', 'fail', { path: 'configuration.storageEncrypted', value: false }],
  ['aws-rds-storage-encrypted', 'config', ':cluster:ledger-aurora', 'pass'],

  ['aws-rds-backup-retention', 'plan', 'module.db.aws_db_instance.this', 'fail', { path: 'backup_retention_period', value: 0 }],
  ['aws-rds-backup-retention', 'plan', 'aws_db_instance.reporting', 'pass'],
  ['aws-rds-backup-retention', 'plan', 'aws_rds_cluster.ledger', 'pass'],
  ['aws-rds-backup-retention', 'plan', 'aws_rds_cluster_instance.ledger[0]', 'skip'],
  ['aws-rds-backup-retention', 'state', 'aws_db_instance.legacy', 'fail', { value: 3 }],
  ['aws-rds-backup-retention', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-backup-retention', 'config', ':db:billing-db', 'fail', { path: 'configuration.backupRetentionPeriod', value: 1 }],
  ['aws-rds-backup-retention', 'config', ':cluster:ledger-aurora', 'pass'],
  ['aws-rds-backup-retention', 'config', ':db:ledger-aurora-1', 'skip'],

  ['aws-rds-deletion-protection', 'plan', 'module.db.aws_db_instance.this', 'fail', { path: 'deletion_protection', value: false }],
  ['aws-rds-deletion-protection', 'plan', 'aws_db_instance.reporting', 'pass'],
  ['aws-rds-deletion-protection', 'state', 'aws_db_instance.legacy', 'fail'],
  ['aws-rds-deletion-protection', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-deletion-protection', 'config', ':db:billing-db', 'fail', { path: 'configuration.deletionProtection', value: false }],
  ['aws-rds-deletion-protection', 'config', ':cluster:ledger-aurora', 'pass'],
  ['aws-rds-deletion-protection', 'config', ':db:ledger-aurora-1', 'skip'],

  ['aws-rds-default-master-username', 'plan', 'module.db.aws_db_instance.this', 'fail', { path: 'username', value: 'postgres' }],
  ['aws-rds-default-master-username', 'plan', 'aws_db_instance.reporting', 'pass'],
  ['aws-rds-default-master-username', 'plan', 'aws_rds_cluster.ledger', 'pass'],
  ['aws-rds-default-master-username', 'plan', 'aws_rds_cluster_instance.ledger[0]', 'skip'],
  ['aws-rds-default-master-username', 'state', 'aws_db_instance.legacy', 'fail', { path: 'username', value: 'admin' }],
  ['aws-rds-default-master-username', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-default-master-username', 'config', ':db:billing-db', 'fail', { path: 'configuration.masterUsername', value: 'admin' }],
  ['aws-rds-default-master-username', 'config', ':cluster:ledger-aurora', 'pass'],

  ['aws-rds-default-credentials', 'plan', 'module.db.aws_db_instance.this', 'fail', { path: 'password', value: REDACTED }],
  ['aws-rds-default-credentials', 'plan', 'aws_rds_cluster.ledger', 'pass'],
  // A generated password (random_password) is unknown at plan time.
  ['aws-rds-default-credentials', 'plan', 'aws_db_instance.reporting', 'skip'],
  ['aws-rds-default-credentials', 'state', 'aws_db_instance.legacy', 'fail'],
  ['aws-rds-default-credentials', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-rds-default-credentials', 'config', ':db:billing-db', 'skip'],
  ['aws-rds-default-credentials', 'config', ':cluster:ledger-aurora', 'pass'],

  // ---------------------------------------------------------------- IAM
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_policy.admin', 'fail', { path: 'policy.Statement[0]', value: { Effect: 'Allow', Action: ['*'], Resource: ['*'] } }],
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_policy.read_only', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_role.deployer', 'fail', { address: 'aws_iam_policy.admin', path: 'policy.Statement[0]' }],
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_role.reader', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_role.partner', 'fail', { address: 'aws_iam_role_policy.partner', path: 'policy.Statement[0]', value: { Effect: 'Allow', NotAction: ['iam:*'], Resource: ['*'] } }],
  // Human administrators (AdministratorAccess on users and groups) are held to MFA by
  // aws-iam-admin-user-without-mfa, not flagged as over-privileged.
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_group.admins', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_user.bob', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'plan', 'aws_iam_user.alice', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'state', 'module.queue_worker.aws_iam_role.this', 'fail', { address: 'module.queue_worker.aws_iam_role_policy_attachment.this' }],
  ['aws-iam-wildcard-admin-policy', 'state', 'aws_iam_group.ops', 'fail', { address: 'aws_iam_group_policy.ops', value: { Effect: 'Allow', Action: ['*:*'], Resource: ['*'] } }],
  ['aws-iam-wildcard-admin-policy', 'state', 'aws_iam_policy.deploy', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'state', 'aws_iam_user.deploy', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'config', ':role/billing-admin-role', 'fail', { path: 'configuration.attachedManagedPolicies[0].policyArn' }],
  ['aws-iam-wildcard-admin-policy', 'config', ':policy/billing-full-access', 'fail', { path: 'configuration.policyVersionList[1].document.Statement[0]' }],
  ['aws-iam-wildcard-admin-policy', 'config', ':group/billing-admins', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'config', ':user/ledger-ci', 'fail', { path: 'configuration.userPolicyList[0].policyDocument.Statement[0]' }],
  ['aws-iam-wildcard-admin-policy', 'config', ':role/ledger-app', 'pass'],
  ['aws-iam-wildcard-admin-policy', 'config', ':policy/ledger-read-statements', 'pass'],

  ['aws-iam-admin-user-without-mfa', 'plan', 'aws_iam_user.alice', 'fail', { address: 'aws_iam_group_policy_attachment.admins', path: 'policy_arn' }],
  ['aws-iam-admin-user-without-mfa', 'plan', 'aws_iam_user.bob', 'pass'],
  ['aws-iam-admin-user-without-mfa', 'plan', 'aws_iam_user.ci', 'skip'],
  ['aws-iam-admin-user-without-mfa', 'state', 'aws_iam_user.admin', 'pass'],
  ['aws-iam-admin-user-without-mfa', 'state', 'aws_iam_user.legacy_admin', 'fail', { address: 'aws_iam_group_policy.ops' }],
  ['aws-iam-admin-user-without-mfa', 'state', 'aws_iam_user.deploy', 'skip'],
  ['aws-iam-admin-user-without-mfa', 'config', ':user/billing-operator', 'fail', { address: 'arn:aws:iam::111122223333:group/billing-admins', path: 'configuration.attachedManagedPolicies[0].policyArn' }],
  ['aws-iam-admin-user-without-mfa', 'config', ':user/ledger-breakglass', 'pass'],
  ['aws-iam-admin-user-without-mfa', 'config', ':user/ledger-analyst', 'skip'],

  ['aws-iam-role-trust-anyone', 'plan', 'aws_iam_role.partner', 'fail', { path: 'assume_role_policy.Statement[0].Principal', value: { AWS: ['*'] } }],
  ['aws-iam-role-trust-anyone', 'plan', 'aws_iam_role.deployer', 'pass'],
  ['aws-iam-role-trust-anyone', 'plan', 'aws_iam_role.reader', 'pass'],
  ['aws-iam-role-trust-anyone', 'state', 'module.queue_worker.aws_iam_role.this', 'pass'],
  ['aws-iam-role-trust-anyone', 'config', ':role/billing-admin-role', 'fail', { path: 'configuration.assumeRolePolicyDocument.Statement[0].Principal' }],
  ['aws-iam-role-trust-anyone', 'config', ':role/ledger-app', 'pass'],

  ['aws-iam-access-key-rotation', 'state', 'aws_iam_user.deploy', 'fail', { address: 'aws_iam_access_key.deploy', path: 'create_date', value: '2023-01-10T08:00:00Z' }],
  ['aws-iam-access-key-rotation', 'state', 'aws_iam_user.ops', 'pass'],
  ['aws-iam-access-key-rotation', 'plan', 'aws_iam_user.ci', 'pass'],
  ['aws-iam-access-key-rotation', 'plan', 'aws_iam_user.alice', 'skip'],
  ['aws-iam-access-key-rotation', 'config', ':user/billing-operator', 'skip'],

  ['aws-lambda-function-url-public', 'plan', 'aws_lambda_function.api', 'fail', { address: 'aws_lambda_function_url.api', path: 'authorization_type', value: 'NONE' }],
  ['aws-lambda-function-url-public', 'plan', 'aws_lambda_function.worker', 'pass'],
  ['aws-lambda-function-url-public', 'state', 'aws_lambda_function.notifier', 'skip'],
  ['aws-lambda-function-url-public', 'config', ':function:ledger-reconcile', 'skip'],

  // ---------------------------------------------------------------- load balancers, CloudFront
  ['aws-elb-listener-tls-policy', 'plan', 'aws_lb_listener.https', 'fail', { path: 'ssl_policy', value: 'ELBSecurityPolicy-2016-08' }],
  ['aws-elb-listener-tls-policy', 'plan', 'aws_lb_listener.internal_tls', 'pass'],
  ['aws-elb-listener-tls-policy', 'plan', 'aws_lb_listener.http', 'skip'],
  ['aws-elb-listener-tls-policy', 'state', 'aws_lb_listener.orders_https', 'pass'],
  ['aws-elb-listener-tls-policy', 'config', '/0b1c2d3e4f5a6b7c', 'fail', { path: 'configuration.SslPolicy', value: 'ELBSecurityPolicy-TLS-1-1-2017-01' }],
  ['aws-elb-listener-tls-policy', 'config', '/aa11bb22cc33dd44', 'pass'],

  ['aws-elb-listener-http-redirect', 'plan', 'aws_lb_listener.http', 'pass'],
  ['aws-elb-listener-http-redirect', 'plan', 'aws_lb_listener.internal_http', 'fail', { path: 'default_action[0].type', value: 'forward' }],
  ['aws-elb-listener-http-redirect', 'plan', 'aws_lb_listener.https', 'skip'],
  ['aws-elb-listener-http-redirect', 'state', 'aws_lb_listener.orders_http', 'fail'],
  ['aws-elb-listener-http-redirect', 'config', '/1c2d3e4f5a6b7c8d', 'fail', { path: 'configuration.DefaultActions[0].Type', value: 'forward' }],
  ['aws-elb-listener-http-redirect', 'config', '/bb22cc33dd44ee55', 'pass'],

  ['aws-elb-access-logging', 'plan', 'aws_lb_listener.http', 'pass'],
  ['aws-elb-access-logging', 'plan', 'aws_lb_listener.https', 'skip'],
  ['aws-elb-access-logging', 'plan', 'aws_lb_listener.internal_http', 'fail', { address: 'aws_lb.internal', path: 'access_logs[0].enabled', value: false }],
  ['aws-elb-access-logging', 'state', 'aws_lb_listener.orders_http', 'fail', { address: 'aws_lb.orders' }],
  ['aws-elb-access-logging', 'state', 'aws_lb_listener.orders_https', 'skip'],
  ['aws-elb-access-logging', 'config', '/0b1c2d3e4f5a6b7c', 'fail', { path: 'supplementaryConfiguration.LoadBalancerAttributes[0].value', value: false }],
  ['aws-elb-access-logging', 'config', '/1c2d3e4f5a6b7c8d', 'skip'],
  ['aws-elb-access-logging', 'config', '/aa11bb22cc33dd44', 'pass'],

  ['aws-cloudfront-https-only', 'plan', 'aws_cloudfront_distribution.cdn', 'fail', { path: 'default_cache_behavior[0].viewer_protocol_policy', value: 'allow-all' }],
  ['aws-cloudfront-https-only', 'plan', 'aws_cloudfront_distribution.portal', 'pass'],
  ['aws-cloudfront-https-only', 'config', ':distribution/E2QWRUHEXAMPLE', 'fail', { path: 'configuration.distributionConfig.cacheBehaviors.items[0].viewerProtocolPolicy', value: 'allow-all' }],
  ['aws-cloudfront-https-only', 'config', ':distribution/E3LEDGEREXAMPLE', 'pass'],

  ['aws-cloudfront-tls-minimum', 'plan', 'aws_cloudfront_distribution.cdn', 'fail', { path: 'viewer_certificate[0].cloudfront_default_certificate', value: true }],
  ['aws-cloudfront-tls-minimum', 'plan', 'aws_cloudfront_distribution.portal', 'pass'],
  ['aws-cloudfront-tls-minimum', 'config', ':distribution/E2QWRUHEXAMPLE', 'fail', { path: 'configuration.distributionConfig.viewerCertificate.cloudFrontDefaultCertificate' }],
  ['aws-cloudfront-tls-minimum', 'config', ':distribution/E3LEDGEREXAMPLE', 'pass'],

  ['aws-cloudfront-access-logging', 'plan', 'aws_cloudfront_distribution.cdn', 'fail', { path: 'logging_config' }],
  ['aws-cloudfront-access-logging', 'plan', 'aws_cloudfront_distribution.portal', 'pass'],
  ['aws-cloudfront-access-logging', 'config', ':distribution/E2QWRUHEXAMPLE', 'fail', { path: 'configuration.distributionConfig.logging' }],
  ['aws-cloudfront-access-logging', 'config', ':distribution/E3LEDGEREXAMPLE', 'pass'],

  // ---------------------------------------------------------------- Lambda, ECS
  ['aws-lambda-plaintext-secrets', 'plan', 'aws_lambda_function.api', 'fail', { path: 'environment[0].variables.DB_PASSWORD', value: REDACTED }],
  ['aws-lambda-plaintext-secrets', 'plan', 'aws_lambda_function.worker', 'pass'],
  ['aws-lambda-plaintext-secrets', 'state', 'aws_lambda_function.notifier', 'fail', { path: 'environment[0].variables.SENTRY_DSN', value: REDACTED }],
  ['aws-lambda-plaintext-secrets', 'config', ':function:billing-export', 'fail', { path: 'configuration.environment.variables.DB_PASSWORD', value: REDACTED }],
  ['aws-lambda-plaintext-secrets', 'config', ':function:ledger-reconcile', 'pass'],

  ['aws-lambda-deprecated-runtime', 'plan', 'aws_lambda_function.api', 'fail', { path: 'runtime', value: 'python3.8' }],
  ['aws-lambda-deprecated-runtime', 'plan', 'aws_lambda_function.worker', 'pass'],
  ['aws-lambda-deprecated-runtime', 'state', 'aws_lambda_function.notifier', 'pass'],
  ['aws-lambda-deprecated-runtime', 'config', ':function:billing-export', 'fail', { path: 'configuration.runtime', value: 'python3.7' }],
  ['aws-lambda-deprecated-runtime', 'config', ':function:ledger-reconcile', 'pass'],

  ['aws-lambda-environment-kms', 'plan', 'aws_lambda_function.api', 'fail', { path: 'kms_key_arn', value: null }],
  ['aws-lambda-environment-kms', 'plan', 'aws_lambda_function.worker', 'pass'],
  ['aws-lambda-environment-kms', 'state', 'aws_lambda_function.notifier', 'fail'],
  ['aws-lambda-environment-kms', 'config', ':function:billing-export', 'fail', { path: 'configuration.kmsKeyArn' }],
  ['aws-lambda-environment-kms', 'config', ':function:ledger-reconcile', 'pass'],

  ['aws-ecs-privileged-container', 'plan', 'aws_ecs_task_definition.worker', 'fail', { path: 'container_definitions[0].privileged', value: true }],
  ['aws-ecs-privileged-container', 'plan', 'aws_ecs_task_definition.batch', 'pass'],
  ['aws-ecs-privileged-container', 'state', 'aws_ecs_task_definition.orders', 'pass'],
  ['aws-ecs-privileged-container', 'config', ':task-definition/billing-jobs:3', 'fail', { path: 'configuration.ContainerDefinitions[0].Privileged', value: true }],
  ['aws-ecs-privileged-container', 'config', ':task-definition/ledger-api:12', 'pass'],

  ['aws-ecs-host-namespaces', 'plan', 'aws_ecs_task_definition.batch', 'fail', { path: 'network_mode', value: 'host' }],
  ['aws-ecs-host-namespaces', 'plan', 'aws_ecs_task_definition.worker', 'pass'],
  ['aws-ecs-host-namespaces', 'state', 'aws_ecs_task_definition.orders', 'pass'],
  ['aws-ecs-host-namespaces', 'config', ':task-definition/billing-jobs:3', 'fail', { path: 'configuration.NetworkMode', value: 'host' }],
  ['aws-ecs-host-namespaces', 'config', ':task-definition/ledger-api:12', 'pass'],

  ['aws-ecs-plaintext-secrets', 'plan', 'aws_ecs_task_definition.worker', 'fail', { path: 'container_definitions[0].environment[0].value', value: REDACTED }],
  ['aws-ecs-plaintext-secrets', 'plan', 'aws_ecs_task_definition.batch', 'pass'],
  ['aws-ecs-plaintext-secrets', 'state', 'aws_ecs_task_definition.orders', 'pass'],
  ['aws-ecs-plaintext-secrets', 'config', ':task-definition/billing-jobs:3', 'fail', { path: 'configuration.ContainerDefinitions[0].Environment[0].Value', value: REDACTED }],
  ['aws-ecs-plaintext-secrets', 'config', ':task-definition/ledger-api:12', 'pass'],

  ['aws-ecs-root-user', 'plan', 'aws_ecs_task_definition.worker', 'fail', { path: 'container_definitions[0].user', value: null }],
  ['aws-ecs-root-user', 'plan', 'aws_ecs_task_definition.batch', 'pass'],
  ['aws-ecs-root-user', 'state', 'aws_ecs_task_definition.orders', 'pass'],
  ['aws-ecs-root-user', 'config', ':task-definition/billing-jobs:3', 'fail', { path: 'configuration.ContainerDefinitions[1].User', value: '0' }],
  ['aws-ecs-root-user', 'config', ':task-definition/ledger-api:12', 'pass'],

  ['aws-ecs-readonly-root-filesystem', 'plan', 'aws_ecs_task_definition.worker', 'fail', { path: 'container_definitions[0].readonlyRootFilesystem', value: false }],
  ['aws-ecs-readonly-root-filesystem', 'plan', 'aws_ecs_task_definition.batch', 'pass'],
  ['aws-ecs-readonly-root-filesystem', 'state', 'aws_ecs_task_definition.orders', 'pass'],
  ['aws-ecs-readonly-root-filesystem', 'config', ':task-definition/billing-jobs:3', 'fail'],
  ['aws-ecs-readonly-root-filesystem', 'config', ':task-definition/ledger-api:12', 'pass'],

  ['aws-ecs-image-mutable-tag', 'plan', 'aws_ecs_task_definition.worker', 'fail', { path: 'container_definitions[0].image', value: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments-worker:latest' }],
  ['aws-ecs-image-mutable-tag', 'plan', 'aws_ecs_task_definition.batch', 'pass'],
  ['aws-ecs-image-mutable-tag', 'state', 'aws_ecs_task_definition.orders', 'pass'],
  ['aws-ecs-image-mutable-tag', 'config', ':task-definition/billing-jobs:3', 'fail', { path: 'configuration.ContainerDefinitions[1].Image', value: 'public.ecr.aws/cloudwatch-agent/cloudwatch-agent' }],
  ['aws-ecs-image-mutable-tag', 'config', ':task-definition/ledger-api:12', 'pass'],

  // ---------------------------------------------------------------- EBS, EFS, KMS, CloudTrail
  ['aws-ebs-volume-encrypted', 'plan', 'aws_ebs_volume.data', 'fail', { path: 'encrypted', value: false }],
  ['aws-ebs-volume-encrypted', 'plan', 'aws_ebs_volume.scratch', 'pass'],
  ['aws-ebs-volume-encrypted', 'state', 'aws_ebs_volume.orders', 'pass'],
  ['aws-ebs-volume-encrypted', 'config', 'volume/vol-0deadbeef0000001', 'fail', { path: 'configuration.encrypted', value: false }],
  ['aws-ebs-volume-encrypted', 'config', 'volume/vol-0feed00000000001', 'pass'],

  ['aws-efs-encrypted', 'plan', 'aws_efs_file_system.legacy', 'fail', { path: 'encrypted', value: false }],
  ['aws-efs-encrypted', 'plan', 'aws_efs_file_system.shared', 'pass'],
  ['aws-efs-encrypted', 'config', 'file-system/fs-0badc0de00000001', 'fail', { path: 'configuration.Encrypted', value: false }],
  ['aws-efs-encrypted', 'config', 'file-system/fs-0feed00000000001', 'pass'],

  ['aws-kms-key-rotation', 'plan', 'aws_kms_key.logs', 'pass'],
  ['aws-kms-key-rotation', 'plan', 'module.storage.module.kms.aws_kms_key.this', 'fail', { path: 'enable_key_rotation', value: false }],
  ['aws-kms-key-rotation', 'state', 'aws_kms_key.orders', 'pass'],
  ['aws-kms-key-rotation', 'state', 'aws_kms_key.signing', 'skip'],
  ['aws-kms-key-rotation', 'config', ':key/2222bbbb-3333-4ccc-8ddd-4444eeee5555', 'fail', { path: 'configuration.EnableKeyRotation', value: false }],
  ['aws-kms-key-rotation', 'config', ':key/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', 'pass'],
  ['aws-kms-key-rotation', 'config', ':key/1111aaaa-2222-4bbb-8ccc-3333dddd4444', 'skip'],
  ['aws-kms-key-rotation', 'config', ':key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b', 'skip'],

  ['aws-cloudtrail-all-regions', 'plan', 'aws_cloudtrail.main', 'pass'],
  ['aws-cloudtrail-all-regions', 'plan', 'aws_cloudtrail.regional', 'fail', { path: 'is_multi_region_trail', value: false }],
  ['aws-cloudtrail-all-regions', 'config', ':trail/billing-trail', 'fail', { path: 'configuration.isMultiRegionTrail', value: false }],
  ['aws-cloudtrail-all-regions', 'config', ':trail/ledger-org-trail', 'pass'],

  ['aws-cloudtrail-log-validation', 'plan', 'aws_cloudtrail.main', 'pass'],
  ['aws-cloudtrail-log-validation', 'plan', 'aws_cloudtrail.regional', 'fail', { path: 'enable_log_file_validation', value: false }],
  ['aws-cloudtrail-log-validation', 'config', ':trail/billing-trail', 'fail', { path: 'configuration.logFileValidationEnabled', value: false }],
  ['aws-cloudtrail-log-validation', 'config', ':trail/ledger-org-trail', 'pass'],

  ['aws-cloudtrail-kms', 'plan', 'aws_cloudtrail.main', 'pass'],
  ['aws-cloudtrail-kms', 'plan', 'aws_cloudtrail.regional', 'fail', { path: 'kms_key_id', value: null }],
  ['aws-cloudtrail-kms', 'config', ':trail/billing-trail', 'fail'],
  ['aws-cloudtrail-kms', 'config', ':trail/ledger-org-trail', 'pass'],

  // ---------------------------------------------------------------- tags
  ['aws-ownership-tags', 'plan', 'aws_s3_bucket.assets', 'fail', { path: 'tags', value: ['managed-by', 'environment'] }],
  ['aws-ownership-tags', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-ownership-tags', 'state', 'aws_iam_user.legacy_admin', 'fail'],
  ['aws-ownership-tags', 'state', 'aws_db_instance.orders', 'pass'],
  ['aws-ownership-tags', 'config', 'arn:aws:s3:::billing-reports', 'fail'],
  ['aws-ownership-tags', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],

  ['aws-data-classification-tag', 'plan', 'module.db.aws_db_instance.this', 'fail'],
  ['aws-data-classification-tag', 'plan', 'aws_s3_bucket.logs', 'pass'],
  ['aws-data-classification-tag', 'state', 'aws_s3_bucket.website', 'fail'],
  ['aws-data-classification-tag', 'state', 'aws_s3_bucket.archive', 'pass'],
  ['aws-data-classification-tag', 'config', ':db:billing-db', 'fail'],
  ['aws-data-classification-tag', 'config', 'arn:aws:s3:::ledger-statements', 'pass'],
];

/**
 * Outcomes AWS Config cannot express for a check: it does not record access keys,
 * Lambda function URLs or passwords.
 */
const CONFIG_CANNOT: Record<string, Expected[]> = {
  'aws-iam-access-key-rotation': ['fail', 'pass'],
  'aws-lambda-function-url-public': ['fail', 'pass'],
  'aws-rds-default-credentials': ['fail'],
};

const byId = new Map<string, CheckDefinition>(AWS_CHECKS.map(c => [c.id, c]));

describe('built-in AWS checks on the fixtures', () => {
  // Rows always have five cells: Jest reads a missing fifth argument as a `done` callback.
  const rows = (wanted: (e: Expected) => boolean) =>
    CASES.filter(c => wanted(c[3])).map(
      ([id, set, selector, expected, evidence]) =>
        [id, set, selector, expected, evidence ?? {}] as const,
    );

  // Passing returns the shared PASS object and skipping a shared frozen outcome:
  // evaluations that find nothing allocate nothing.
  it.each(rows(e => e === 'pass'))('%s on %s %s → %s', (id, set, selector) => {
    const { outcome } = evaluateOn(byId.get(id)!, set, selector);
    expect(outcome).toBe(PASS);
  });

  it.each(rows(e => e === 'skip'))('%s on %s %s → %s', (id, set, selector) => {
    const { outcome } = evaluateOn(byId.get(id)!, set, selector);
    expect(outcome.status).toBe('skip');
    expect(Object.isFrozen(outcome)).toBe(true);
  });

  it.each(rows(e => e === 'fail'))(
    '%s on %s %s → %s',
    (id, set, selector, expected, evidence) => {
      const { outcome } = evaluateOn(byId.get(id)!, set, selector);
      expect(outcome.status).toBe(expected);
      const failure = outcome as Extract<CheckOutcome, { status: 'fail' }>;
      expect(failure.message).toEqual(expect.any(String));
      expect(failure.evidence.length).toBeGreaterThan(0);
      expect(failure.evidence.every(e => typeof e.path === 'string')).toBe(
        true,
      );
      expect(failure.evidence).toContainEqual(
        expect.objectContaining(evidence),
      );
    },
  );

  it.each(AWS_CHECKS.map(c => [c.id]))(
    '%s has a failing and a passing fixture from Terraform and AWS Config',
    id => {
      const cases = CASES.filter(c => c[0] === id);
      const has = (sets: FixtureSet[], expected: Expected) =>
        cases.some(c => sets.includes(c[1]) && c[3] === expected);
      expect(has(['plan', 'state'], 'fail')).toBe(true);
      expect(has(['plan', 'state'], 'pass')).toBe(true);
      for (const expected of ['fail', 'pass'] as const) {
        if (CONFIG_CANNOT[id]?.includes(expected)) continue;
        expect(has(['config'], expected)).toBe(true);
      }
    },
  );
});

describe('AWS check catalogue', () => {
  it('has at least 22 checks with complete, valid metadata', () => {
    expect(AWS_CHECKS.length).toBeGreaterThanOrEqual(22);
    expect(validateCatalog(AWS_CHECKS, DEFAULT_CONTROLS)).toEqual([]);
  });

  it.each(AWS_CHECKS.map(c => [c.id, c]))('%s is documented', (_id, check) => {
    expect(check.id).toMatch(/^aws-[a-z0-9-]+$/);
    expect(check.origin).toBe('builtin');
    expect(check.remediation.url).toMatch(
      /^https:\/\/docs\.aws\.amazon\.com\//,
    );
    expect(check.appliesTo.every(t => t.startsWith('aws.'))).toBe(true);
    expect(Object.keys(check.frameworks)).toEqual(
      expect.arrayContaining(['nist-800-53', 'soc2', 'iso-27001']),
    );
    const control = DEFAULT_CONTROLS.find(c => c.id === check.control);
    expect(control?.category).toBe(check.category);
  });

  it('covers the AWS misconfigurations of the design with their severities', () => {
    const severity = (id: string) => byId.get(id)?.severity;
    // critical: public buckets, databases reachable from the internet, IAM *, secrets in env
    for (const id of [
      'aws-s3-bucket-public-acl',
      'aws-s3-bucket-public-policy',
      'aws-s3-bucket-public-access-block',
      'aws-rds-publicly-accessible',
      'aws-rds-security-group-open',
      'aws-iam-wildcard-admin-policy',
      'aws-lambda-plaintext-secrets',
      'aws-ecs-plaintext-secrets',
    ]) {
      expect([id, severity(id)]).toEqual([id, 'critical']);
    }
    // high: open security groups, admins without MFA, default credentials, no encryption at rest
    for (const id of [
      'aws-ec2-sg-open-ingress',
      'aws-iam-admin-user-without-mfa',
      'aws-rds-default-credentials',
      'aws-s3-bucket-encryption',
      'aws-rds-storage-encrypted',
      'aws-ebs-volume-encrypted',
      'aws-efs-encrypted',
    ]) {
      expect([id, severity(id)]).toEqual([id, 'high']);
    }
    // medium: access logging, TLS < 1.2, ownership tags, lifecycle
    for (const id of [
      'aws-s3-bucket-access-logging',
      'aws-cloudfront-access-logging',
      'aws-elb-access-logging',
      'aws-elb-listener-tls-policy',
      'aws-cloudfront-tls-minimum',
      'aws-ownership-tags',
      'aws-s3-bucket-lifecycle',
    ]) {
      expect([id, severity(id)]).toEqual([id, 'medium']);
    }
  });

  it('is documented in the README table with its severity and control', () => {
    const readme = fs.readFileSync(
      path.resolve(__dirname, '../README.md'),
      'utf8',
    );
    const rows = [
      ...readme.matchAll(
        /^\|\s*(aws-[a-z0-9-]+)\s*\|\s*(\w+)\s*\|\s*(\w+)\s*\|$/gm,
      ),
    ].map(m => [m[1], m[2], m[3]]);
    expect(rows.sort()).toEqual(
      AWS_CHECKS.map(c => [c.id, c.severity, c.control]).sort(),
    );
  });

  it('does not apply the data-classification check to non-data resources', () => {
    const check = byId.get('aws-data-classification-tag')!;
    expect(check.appliesTo).not.toContain('aws.iam.role');
    expect(check.appliesTo).not.toContain('aws.ec2.security_group');
  });
});
