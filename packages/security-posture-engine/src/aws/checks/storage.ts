import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS, SKIP, fail } from '../../model/check';
import { attributeEvidence } from '../evidence';
import type {
  CloudTrailAttributes,
  EbsVolumeAttributes,
  EfsAttributes,
  KmsKeyAttributes,
} from '../types';
import { defineAwsCheck, isUnknown, skip } from './define';

const ENCRYPTED_UNKNOWN = Object.freeze(
  skip('encryption is only known after apply'),
);
const NOT_RECORDED = Object.freeze(
  skip('the source does not record encryption'),
);

/** EBS encryption. */
export const ebsVolumeEncrypted = defineAwsCheck<EbsVolumeAttributes>({
  id: 'aws-ebs-volume-encrypted',
  title: 'EBS volume is encrypted',
  description:
    'Unencrypted EBS volumes leave data, snapshots and copies readable by anyone who gets hold of them.',
  severity: 'high',
  control: 'encryption_at_rest',
  appliesTo: ['aws.ebs.volume'],
  frameworks: {
    'cis-aws': ['2.2.1'],
    'nist-800-53': ['SC-28', 'SC-13'],
    soc2: ['CC6.1'],
    'pci-dss': ['3.5.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Set encrypted = true (with kms_key_id), and turn on EBS encryption by default for the account and region; existing volumes are encrypted by copying an encrypted snapshot.',
    url: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html',
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.encrypted === true) return PASS;
    if (a.encrypted === undefined) {
      return isUnknown(a, 'encrypted') ? ENCRYPTED_UNKNOWN : NOT_RECORDED;
    }
    return fail(
      `Volume ${resource.name} is not encrypted`,
      attributeEvidence(resource, 'encrypted', false),
    );
  },
});

/** EFS encryption. */
export const efsEncrypted = defineAwsCheck<EfsAttributes>({
  id: 'aws-efs-encrypted',
  title: 'EFS file system is encrypted',
  description:
    'EFS encryption at rest can only be chosen when the file system is created; an unencrypted file system must be replaced to fix it.',
  severity: 'high',
  control: 'encryption_at_rest',
  appliesTo: ['aws.efs.file_system'],
  frameworks: {
    'cis-aws': ['2.4.1'],
    'nist-800-53': ['SC-28', 'SC-13'],
    soc2: ['CC6.1'],
    'pci-dss': ['3.5.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Create the file system with encrypted = true (and kms_key_id) and migrate the data with AWS DataSync.',
    url: 'https://docs.aws.amazon.com/efs/latest/ug/encryption.html',
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.encrypted === true) return PASS;
    if (a.encrypted === undefined) {
      return isUnknown(a, 'encrypted') ? ENCRYPTED_UNKNOWN : NOT_RECORDED;
    }
    return fail(
      `File system ${resource.name} is not encrypted`,
      attributeEvidence(resource, 'encrypted', false),
    );
  },
});

const NOT_ROTATABLE = Object.freeze(
  skip('automatic rotation applies to enabled customer managed symmetric keys'),
);
const ROTATION_UNKNOWN = Object.freeze(
  skip('the source does not record the rotation status'),
);

/** KMS rotation. */
export const kmsKeyRotation = defineAwsCheck<KmsKeyAttributes>({
  id: 'aws-kms-key-rotation',
  title: 'KMS key rotation is enabled',
  description:
    'Automatic rotation creates new key material every year (or on the configured period), limiting how much data one key version protects. Applies to enabled customer managed symmetric encryption keys.',
  severity: 'medium',
  control: 'encryption_at_rest',
  appliesTo: ['aws.kms.key'],
  frameworks: {
    'cis-aws': ['3.6'],
    'nist-800-53': ['SC-12'],
    soc2: ['CC6.1'],
    'pci-dss': ['3.7.4'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Set enable_key_rotation = true on the aws_kms_key.',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (
      a.keyManager === 'AWS' ||
      a.enabled === false ||
      (a.keySpec !== undefined && a.keySpec !== 'SYMMETRIC_DEFAULT') ||
      (a.keyUsage !== undefined && a.keyUsage !== 'ENCRYPT_DECRYPT')
    ) {
      return NOT_ROTATABLE;
    }
    if (a.rotationEnabled === true) return PASS;
    if (a.rotationEnabled === undefined) return ROTATION_UNKNOWN;
    return fail(
      `Key ${resource.name} does not rotate its key material`,
      attributeEvidence(resource, 'rotationEnabled', false),
    );
  },
});

/** Multi-region and logging. */
export const cloudTrailAllRegions = defineAwsCheck<CloudTrailAttributes>({
  id: 'aws-cloudtrail-all-regions',
  title: 'CloudTrail logs all regions',
  description:
    'A trail must be multi-region and logging, so API activity in any region (including ones nobody uses, where attackers like to hide) is recorded.',
  severity: 'high',
  control: 'service_accounts_audited',
  appliesTo: ['aws.cloudtrail.trail'],
  frameworks: {
    'cis-aws': ['3.1'],
    'nist-800-53': ['AU-2', 'AU-3', 'AU-12'],
    soc2: ['CC7.2', 'CC7.3'],
    'pci-dss': ['10.2.1'],
    'iso-27001': ['A.8.15', 'A.8.16'],
  },
  remediation: {
    text: 'Set is_multi_region_trail = true and enable_logging = true (or use an organization trail).',
    url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html',
  },
  evaluate(resource) {
    const a = resource.attributes;
    const single = a.multiRegion === false;
    const stopped = a.loggingEnabled === false;
    if (!single && !stopped) {
      return a.multiRegion === undefined
        ? skip('the source does not record whether the trail is multi-region')
        : PASS;
    }
    const evidence: Evidence[] = [];
    if (single)
      evidence.push(attributeEvidence(resource, 'multiRegion', false));
    if (stopped)
      evidence.push(attributeEvidence(resource, 'loggingEnabled', false));
    return fail(
      stopped
        ? `Trail ${a.name} is not logging`
        : `Trail ${a.name} only logs its home region`,
      ...evidence,
    );
  },
});

/** Log file validation. */
export const cloudTrailLogValidation = defineAwsCheck<CloudTrailAttributes>({
  id: 'aws-cloudtrail-log-validation',
  title: 'CloudTrail log file validation is enabled',
  description:
    'Log file validation writes signed digest files, so tampering with or deleting delivered logs can be detected.',
  severity: 'medium',
  control: 'service_accounts_audited',
  appliesTo: ['aws.cloudtrail.trail'],
  frameworks: {
    'cis-aws': ['3.2'],
    'nist-800-53': ['AU-9', 'SI-7'],
    soc2: ['CC7.2'],
    'pci-dss': ['10.3.4'],
    'iso-27001': ['A.8.15'],
  },
  remediation: {
    text: 'Set enable_log_file_validation = true on the trail.',
    url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
  },
  evaluate(resource) {
    const v = resource.attributes.logFileValidation;
    if (v === true) return PASS;
    if (v === undefined) return SKIP;
    return fail(
      `Trail ${resource.attributes.name} does not validate its log files`,
      attributeEvidence(resource, 'logFileValidation', false),
    );
  },
});

/** Trail encryption with KMS. */
export const cloudTrailKms = defineAwsCheck<CloudTrailAttributes>({
  id: 'aws-cloudtrail-kms',
  title: 'CloudTrail logs are encrypted with KMS',
  description:
    'SSE-KMS on trail logs adds a key policy between readers of the log bucket and the audit trail itself.',
  severity: 'medium',
  control: 'encryption_at_rest',
  appliesTo: ['aws.cloudtrail.trail'],
  frameworks: {
    'cis-aws': ['3.5'],
    'nist-800-53': ['AU-9', 'SC-28'],
    soc2: ['CC6.1'],
    'pci-dss': ['10.3.2'],
    'iso-27001': ['A.8.15', 'A.8.24'],
  },
  remediation: {
    text: 'Set kms_key_id on the trail to a customer managed KMS key whose policy allows CloudTrail to encrypt.',
    url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html',
  },
  evaluate(resource) {
    if (resource.attributes.kmsKeyId !== undefined) return PASS;
    return fail(
      `Trail ${resource.attributes.name} does not encrypt its logs with KMS`,
      attributeEvidence(resource, 'kmsKeyId', null),
    );
  },
});

/** The storage, key and audit-trail checks. */
export const STORAGE_CHECKS = [
  ebsVolumeEncrypted,
  efsEncrypted,
  kmsKeyRotation,
  cloudTrailAllRegions,
  cloudTrailLogValidation,
  cloudTrailKms,
];
