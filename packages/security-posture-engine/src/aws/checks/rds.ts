import { PASS, fail } from '../../model/check';
import { attributeEvidence } from '../evidence';
import { DEFAULT_DATABASE_USERNAMES } from '../secrets';
import { REDACTED, type RdsAttributes } from '../types';
import { defineAwsCheck, isUnknown, skip } from './define';

const RDS_DOCS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide';

/** Minimum automated backup retention, in days. */
export const MIN_BACKUP_RETENTION_DAYS = 7;

const MANAGED_BY_CLUSTER = Object.freeze(
  skip('storage, backups and deletion protection are managed by the cluster'),
);

/** Storage encryption. */
export const rdsStorageEncrypted = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-storage-encrypted',
  title: 'RDS storage is encrypted',
  description:
    'Database storage, automated backups, read replicas and snapshots are encrypted with KMS only when storage encryption is turned on at creation.',
  severity: 'high',
  control: 'encryption_at_rest',
  appliesTo: ['aws.rds.instance', 'aws.rds.cluster'],
  frameworks: {
    'cis-aws': ['2.3.1'],
    'nist-800-53': ['SC-28', 'SC-13'],
    soc2: ['CC6.1'],
    'pci-dss': ['3.5.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Set storage_encrypted = true (with kms_key_id for a customer managed key). Existing databases are encrypted by restoring an encrypted snapshot copy.',
    url: `${RDS_DOCS}/Overview.Encryption.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.storageEncrypted === true) return PASS;
    if (a.storageEncrypted === undefined) {
      if (a.clusterIdentifier !== undefined) return MANAGED_BY_CLUSTER;
      return isUnknown(a, 'storageEncrypted')
        ? skip('storage_encrypted is only known after apply')
        : skip('the source does not record storage encryption');
    }
    return fail(
      `Database ${a.identifier} does not encrypt its storage`,
      attributeEvidence(resource, 'storageEncrypted', false),
    );
  },
});

/** Automated backups. */
export const rdsBackupRetention = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-backup-retention',
  title: `RDS keeps automated backups for at least ${MIN_BACKUP_RETENTION_DAYS} days`,
  description: `Automated backups enable point-in-time recovery; a retention of 0 disables them, and fewer than ${MIN_BACKUP_RETENTION_DAYS} days leaves little time to notice corruption or deletion.`,
  severity: 'medium',
  control: 'backup_tested',
  appliesTo: ['aws.rds.instance', 'aws.rds.cluster'],
  frameworks: {
    'nist-800-53': ['CP-9', 'CP-10'],
    soc2: ['A1.2'],
    'pci-dss': ['12.10.1'],
    'iso-27001': ['A.8.13'],
  },
  remediation: {
    text: `Set backup_retention_period to ${MIN_BACKUP_RETENTION_DAYS} or more (up to 35) and test restores regularly.`,
    url: `${RDS_DOCS}/USER_WorkingWithAutomatedBackups.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.clusterIdentifier !== undefined) return MANAGED_BY_CLUSTER;
    const days = a.backupRetentionPeriod;
    if (days === undefined) {
      return isUnknown(a, 'backupRetentionPeriod')
        ? skip('backup_retention_period is only known after apply')
        : skip('the source does not record the backup retention');
    }
    if (days >= MIN_BACKUP_RETENTION_DAYS) return PASS;
    return fail(
      days === 0
        ? `Database ${a.identifier} has automated backups disabled`
        : `Database ${a.identifier} keeps backups for only ${days} day${
            days === 1 ? '' : 's'
          }`,
      attributeEvidence(resource, 'backupRetentionPeriod', days),
    );
  },
});

/** Deletion protection. */
export const rdsDeletionProtection = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-deletion-protection',
  title: 'RDS has deletion protection',
  description:
    'Deletion protection stops a database from being deleted by an API call, a console click or a Terraform replacement until it is explicitly turned off.',
  severity: 'medium',
  control: 'backup_tested',
  appliesTo: ['aws.rds.instance', 'aws.rds.cluster'],
  frameworks: {
    'nist-800-53': ['CP-9', 'SI-12'],
    soc2: ['A1.2'],
    'iso-27001': ['A.8.13'],
  },
  remediation: {
    text: 'Set deletion_protection = true.',
    url: `${RDS_DOCS}/USER_DeleteInstance.html#USER_DeletionProtection`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.clusterIdentifier !== undefined) return MANAGED_BY_CLUSTER;
    if (a.deletionProtection === true) return PASS;
    if (a.deletionProtection === undefined) {
      return isUnknown(a, 'deletionProtection')
        ? skip('deletion_protection is only known after apply')
        : skip('the source does not record deletion protection');
    }
    return fail(
      `Database ${a.identifier} has no deletion protection`,
      attributeEvidence(resource, 'deletionProtection', false),
    );
  },
});

const NO_USERNAME = Object.freeze(
  skip('no master user name is known for this database'),
);

/** Default administrator user name. */
export const rdsDefaultMasterUsername = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-default-master-username',
  title: 'RDS master user name is not a default',
  description:
    'Default administrator names (admin, postgres, root, sa, master …) are the first ones password-spraying attacks try; a unique name adds a secret an attacker must guess.',
  severity: 'medium',
  control: 'unused_credentials_removed',
  appliesTo: ['aws.rds.instance', 'aws.rds.cluster'],
  frameworks: {
    'nist-800-53': ['IA-5', 'CM-6'],
    soc2: ['CC6.1'],
    'pci-dss': ['2.2.2'],
    'iso-27001': ['A.5.17', 'A.8.5'],
  },
  remediation: {
    text: 'Create the database with a unique master user name, and use IAM database authentication or Secrets Manager managed credentials (manage_master_user_password = true) for applications.',
    url: 'https://docs.aws.amazon.com/config/latest/developerguide/rds-instance-default-admin-check.html',
  },
  evaluate(resource) {
    const user = resource.attributes.masterUsername;
    if (user === undefined) return NO_USERNAME;
    if (!DEFAULT_DATABASE_USERNAMES.has(user.toLowerCase())) return PASS;
    return fail(
      `Database ${resource.attributes.identifier} uses the default master user name "${user}"`,
      attributeEvidence(resource, 'masterUsername', user),
    );
  },
});

const PASSWORD_NOT_KNOWN = Object.freeze(
  skip('the source does not record the master password'),
);

/** Well-known default or trivial master password. */
export const rdsDefaultCredentials = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-default-credentials',
  title: 'RDS master password is not a default or well-known password',
  description:
    'A master password that is a well-known default, a documentation example or the user name itself gives anyone administrator access to the database. The password is compared in the normaliser and never stored.',
  severity: 'high',
  control: 'unused_credentials_removed',
  appliesTo: ['aws.rds.instance', 'aws.rds.cluster'],
  frameworks: {
    'nist-800-53': ['IA-5', 'IA-5(1)'],
    soc2: ['CC6.1'],
    'pci-dss': ['2.2.2', '8.3.6'],
    'iso-27001': ['A.5.17'],
  },
  remediation: {
    text: 'Rotate the master password now, and let RDS manage it in Secrets Manager (manage_master_user_password = true) instead of writing it in Terraform; generated passwords (random_password) never land in code.',
    url: `${RDS_DOCS}/rds-secrets-manager.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    const pw = a.masterPassword;
    if (pw.managed) return PASS;
    if (!pw.known) return PASSWORD_NOT_KNOWN;
    if (!pw.wellKnownDefault) return PASS;
    const defaultUser =
      a.masterUsername !== undefined &&
      DEFAULT_DATABASE_USERNAMES.has(a.masterUsername.toLowerCase());
    return fail(
      `Database ${a.identifier} uses a well-known master password${
        defaultUser ? ` with the default user name "${a.masterUsername}"` : ''
      }`,
      attributeEvidence(resource, 'masterPassword', REDACTED),
    );
  },
});

/** The RDS data checks. */
export const RDS_CHECKS = [
  rdsStorageEncrypted,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsDefaultMasterUsername,
  rdsDefaultCredentials,
];
