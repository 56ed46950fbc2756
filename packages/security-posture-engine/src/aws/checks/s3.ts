import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS, fail } from '../../model/check';
import { originEvidence } from '../evidence';
import { aclIsPublic } from '../derive';
import { isParsedPolicy } from '../policy';
import type { S3BucketAttributes } from '../types';
import { defineAwsCheck, isPending, skip } from './define';

const S3_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide';

const POLICY_UNKNOWN = Object.freeze(
  skip('the bucket policy is only known after apply'),
);

const ENCRYPTION_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/** ACL publicly readable or writable. */
export const s3BucketPublicAcl = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-public-acl',
  title: 'S3 bucket ACL does not grant public access',
  description:
    'A bucket ACL that grants access to AllUsers or AuthenticatedUsers (canned ACLs public-read, public-read-write, authenticated-read) exposes objects to anyone on the internet, unless Block Public Access ignores public ACLs or object ownership disables ACLs.',
  severity: 'critical',
  control: 'no_public_databases',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'cis-aws': ['2.1.4'],
    'nist-800-53': ['AC-3', 'AC-21', 'SC-7'],
    soc2: ['CC6.1', 'CC6.6'],
    'pci-dss': ['1.4.1', '7.2.1'],
    'iso-27001': ['A.5.15', 'A.8.3'],
  },
  remediation: {
    text: 'Set the bucket ACL to private (or enforce BucketOwnerEnforced object ownership to disable ACLs) and turn on Block Public Access with ignore_public_acls = true. Serve public content through CloudFront with origin access control instead.',
    url: `${S3_DOCS}/about-object-ownership.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (!a.exposure.publicAcl) return PASS;
    const acl = a.acl!;
    const evidence: Evidence[] = [];
    if (acl.canned !== undefined && aclIsPublic({ ...acl, grants: [] })) {
      evidence.push(originEvidence(acl.origin, 'canned', acl.canned));
    }
    for (const g of acl.grants) {
      if (g.grantee === 'AllUsers' || g.grantee === 'AuthenticatedUsers') {
        evidence.push(
          originEvidence(
            g.origin,
            'permission',
            `${g.permission} to ${g.grantee}`,
          ),
        );
      }
    }
    return fail(
      `Bucket ${a.name} grants public access through its ACL${
        acl.canned ? ` (${acl.canned})` : ''
      }`,
      ...evidence,
    );
  },
});

/** Bucket policy allowing anyone. */
export const s3BucketPublicPolicy = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-public-policy',
  title: 'S3 bucket policy does not allow anonymous access',
  description:
    'A bucket policy statement that allows Principal "*" without a condition pinning it to known accounts, organisations, VPC endpoints or networks makes the bucket public, unless Block Public Access restricts public buckets.',
  severity: 'critical',
  control: 'no_public_databases',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'cis-aws': ['2.1.4'],
    'nist-800-53': ['AC-3', 'AC-21', 'SC-7'],
    soc2: ['CC6.1', 'CC6.6'],
    'pci-dss': ['1.4.1', '7.2.1'],
    'iso-27001': ['A.5.15', 'A.8.3'],
  },
  remediation: {
    text: 'Replace Principal "*" with the account, role or service principals that need access, or add a condition on aws:PrincipalOrgID, aws:SourceVpce or aws:SourceArn; enable restrict_public_buckets in the public access block.',
    url: `${S3_DOCS}/access-control-block-public-access.html#access-control-block-public-access-policy-status`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.policy !== undefined && 'unknown' in a.policy) return POLICY_UNKNOWN;
    if (!a.exposure.publicPolicy || !isParsedPolicy(a.policy)) return PASS;
    const policy = a.policy;
    const evidence = policy.analysis.publicAllow.map(i => {
      const s = policy.statements[i];
      return originEvidence(
        { ...policy.origin, path: `${policy.origin.path}.${s.path}` },
        'Principal',
        { Principal: s.principal, Action: s.action ?? s.notAction },
      );
    });
    return fail(
      `Bucket ${a.name} has a policy that allows anyone (Principal "*") without a restricting condition`,
      ...evidence,
    );
  },
});

const PAB_FIELDS = [
  'blockPublicAcls',
  'ignorePublicAcls',
  'blockPublicPolicy',
  'restrictPublicBuckets',
] as const;

/** Bucket-level Block Public Access missing or off. */
export const s3BucketPublicAccessBlock = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-public-access-block',
  title: 'S3 bucket blocks public access',
  description:
    'All four bucket-level Block Public Access settings (block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets) must be on, so no ACL or policy change can make the bucket public. A missing aws_s3_bucket_public_access_block (PublicAccessBlockConfiguration) counts as off.',
  severity: 'critical',
  control: 'no_public_databases',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'cis-aws': ['2.1.4'],
    'nist-800-53': ['AC-3', 'AC-21', 'SC-7'],
    soc2: ['CC6.1', 'CC6.6'],
    'pci-dss': ['1.4.1'],
    'iso-27001': ['A.8.3', 'A.8.20'],
  },
  remediation: {
    text: 'Add an aws_s3_bucket_public_access_block for the bucket with all four settings set to true (or enable Block Public Access in the S3 console under Permissions).',
    url: `${S3_DOCS}/access-control-block-public-access.html`,
  },
  evaluate(resource) {
    const pab = resource.attributes.publicAccessBlock;
    if (
      pab !== undefined &&
      pab.blockPublicAcls === true &&
      pab.ignorePublicAcls === true &&
      pab.blockPublicPolicy === true &&
      pab.restrictPublicBuckets === true
    ) {
      return PASS;
    }
    const name = resource.attributes.name;
    if (pab === undefined) {
      return fail(`Bucket ${name} has no public access block`, {
        path: 'publicAccessBlock',
        value: null,
      });
    }
    const unknown = PAB_FIELDS.filter(f => pab[f] === undefined);
    const off = PAB_FIELDS.filter(f => pab[f] === false);
    if (off.length === 0 && unknown.length > 0) {
      return skip('public access block settings are only known after apply');
    }
    return fail(
      `Bucket ${name} does not block public access: ${off.join(', ')} ${
        off.length === 1 ? 'is' : 'are'
      } off`,
      ...off.map(f => originEvidence(pab.origin, f, false)),
    );
  },
});

/** Default encryption. */
export const s3BucketEncryption = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-encryption',
  title: 'S3 bucket encrypts objects at rest',
  description:
    'The bucket must have default server-side encryption (SSE-S3 AES256, SSE-KMS or DSSE-KMS). Since 5 January 2023 S3 applies SSE-S3 to every bucket, so a source that is silent about encryption (a planned bucket without aws_s3_bucket_server_side_encryption_configuration, a current AWS Config item without ServerSideEncryptionConfiguration) counts as SSE-S3. It fails when the source records that there was no default encryption (state read by the provider with an empty server_side_encryption_configuration, an AWS Config item captured before that date) or an encryption configuration without a valid algorithm.',
  severity: 'high',
  control: 'encryption_at_rest',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'nist-800-53': ['SC-28', 'SC-13'],
    soc2: ['CC6.1', 'CC6.7'],
    'pci-dss': ['3.5.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Configure default encryption with aws_s3_bucket_server_side_encryption_configuration (sse_algorithm = "aws:kms" with a customer managed key for sensitive data, or "AES256").',
    url: `${S3_DOCS}/default-bucket-encryption.html`,
  },
  evaluate(resource) {
    const enc = resource.attributes.encryption;
    if (enc.source === 'default') return PASS;
    if (enc.source === 'none') {
      return fail(
        `Bucket ${resource.attributes.name} has no default encryption`,
        enc.origin
          ? originEvidence(enc.origin, undefined, [])
          : { path: 'encryption', value: null },
      );
    }
    if (
      enc.algorithm !== undefined &&
      ENCRYPTION_ALGORITHMS.has(enc.algorithm)
    ) {
      return PASS;
    }
    if (isPending(enc.algorithm)) return PASS;
    return fail(
      `Bucket ${resource.attributes.name} has an encryption configuration without a valid algorithm`,
      enc.origin
        ? originEvidence(enc.origin, 'algorithm', enc.algorithm ?? null)
        : { path: 'encryption', value: enc.algorithm ?? null },
    );
  },
});

/** Server access logging. */
export const s3BucketAccessLogging = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-access-logging',
  title: 'S3 bucket has server access logging',
  description:
    'Server access logs record every request made to the bucket, which is what incident responders and auditors need to know who read or changed data.',
  severity: 'medium',
  control: 'service_accounts_audited',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'nist-800-53': ['AU-2', 'AU-12'],
    soc2: ['CC7.2'],
    'pci-dss': ['10.2.1'],
    'iso-27001': ['A.8.15'],
  },
  remediation: {
    text: 'Add an aws_s3_bucket_logging resource that sends access logs to a dedicated log bucket (or enable server access logging under the bucket properties).',
    url: `${S3_DOCS}/enable-server-access-logging.html`,
  },
  evaluate(resource) {
    if (resource.attributes.logging?.targetBucket) return PASS;
    return fail(
      `Bucket ${resource.attributes.name} has no server access logging`,
      { path: 'logging', value: null },
    );
  },
});

/** Versioning. */
export const s3BucketVersioning = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-versioning',
  title: 'S3 bucket has versioning enabled',
  description:
    'Versioning keeps every version of every object, so data overwritten or deleted by mistake or by ransomware can be recovered.',
  severity: 'medium',
  control: 'backup_tested',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'nist-800-53': ['CP-9', 'CP-10'],
    soc2: ['A1.2'],
    'iso-27001': ['A.8.13'],
  },
  remediation: {
    text: 'Add an aws_s3_bucket_versioning resource with versioning_configuration { status = "Enabled" }.',
    url: `${S3_DOCS}/Versioning.html`,
  },
  evaluate(resource) {
    const v = resource.attributes.versioning;
    if (v?.status === 'Enabled') return PASS;
    if (!v) {
      return fail(`Bucket ${resource.attributes.name} is not versioned`, {
        path: 'versioning',
        value: null,
      });
    }
    return fail(
      `Bucket ${
        resource.attributes.name
      } has versioning ${v.status.toLowerCase()}`,
      originEvidence(v.origin, 'status', v.status),
    );
  },
});

/** Lifecycle rules. */
export const s3BucketLifecycle = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-lifecycle',
  title: 'S3 bucket has a lifecycle policy',
  description:
    'An enabled lifecycle rule that expires or transitions objects (or old versions) keeps retention deliberate: data is not kept forever by accident and storage costs stay bounded.',
  severity: 'medium',
  control: 'backup_tested',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'nist-800-53': ['SI-12', 'CP-9'],
    soc2: ['C1.2'],
    'pci-dss': ['3.2.1'],
    'iso-27001': ['A.8.10'],
  },
  remediation: {
    text: 'Add an aws_s3_bucket_lifecycle_configuration with at least one enabled rule that expires or transitions objects and noncurrent versions.',
    url: `${S3_DOCS}/object-lifecycle-mgmt.html`,
  },
  evaluate(resource) {
    const rules = resource.attributes.lifecycleRules;
    if (rules !== undefined) {
      for (const r of rules) if (r.enabled && r.hasActions) return PASS;
    }
    if (!rules || rules.length === 0) {
      return fail(`Bucket ${resource.attributes.name} has no lifecycle rules`, {
        path: 'lifecycleRules',
        value: null,
      });
    }
    return fail(
      `Bucket ${resource.attributes.name} has no enabled lifecycle rule with an expiration or transition`,
      ...rules.map(r => originEvidence(r.origin, 'enabled', r.enabled)),
    );
  },
});

/** Policy denies plain HTTP. */
export const s3BucketSecureTransport = defineAwsCheck<S3BucketAttributes>({
  id: 'aws-s3-bucket-secure-transport',
  title: 'S3 bucket policy denies requests without TLS',
  description:
    'Without a Deny statement on aws:SecureTransport = false, clients may read and write the bucket over plain HTTP.',
  severity: 'medium',
  control: 'encryption_in_transit',
  appliesTo: ['aws.s3.bucket'],
  frameworks: {
    'cis-aws': ['2.1.1'],
    'nist-800-53': ['SC-8', 'SC-13'],
    soc2: ['CC6.7'],
    'pci-dss': ['4.2.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Add a bucket policy statement with Effect Deny, Principal "*", Action "s3:*", the bucket and its objects as Resource and Condition {"Bool": {"aws:SecureTransport": "false"}}.',
    url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5',
  },
  evaluate(resource) {
    const p = resource.attributes.policy;
    if (p !== undefined && 'unknown' in p) return POLICY_UNKNOWN;
    if (isParsedPolicy(p) && p.analysis.deniesInsecureTransport) return PASS;
    return fail(
      `Bucket ${resource.attributes.name} does not deny requests over plain HTTP`,
      p
        ? originEvidence(
            p.origin,
            undefined,
            'no Deny on aws:SecureTransport = false',
          )
        : { path: 'policy', value: null },
    );
  },
});

/** The S3 checks. */
export const S3_CHECKS = [
  s3BucketPublicAcl,
  s3BucketPublicPolicy,
  s3BucketPublicAccessBlock,
  s3BucketEncryption,
  s3BucketAccessLogging,
  s3BucketVersioning,
  s3BucketLifecycle,
  s3BucketSecureTransport,
];
