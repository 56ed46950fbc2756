import { PASS, fail, type CheckDefinition } from '../../model/check';
import type { AwsResourceType, Resource } from '../../model/resource';
import { defineAwsCheck } from './define';

const TAGGING_DOCS =
  'https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html';

/** Canonical types that carry AWS tags (IAM groups cannot be tagged). */
export const TAGGABLE_AWS_TYPES: readonly AwsResourceType[] = [
  'aws.s3.bucket',
  'aws.rds.instance',
  'aws.rds.cluster',
  'aws.ec2.security_group',
  'aws.iam.policy',
  'aws.iam.role',
  'aws.iam.user',
  'aws.elb.listener',
  'aws.cloudfront.distribution',
  'aws.lambda.function',
  'aws.ecs.task_definition',
  'aws.ebs.volume',
  'aws.efs.file_system',
  'aws.kms.key',
  'aws.cloudtrail.trail',
];

/** Canonical types that store data and need a classification. */
export const DATA_STORE_TYPES: readonly AwsResourceType[] = [
  'aws.s3.bucket',
  'aws.rds.instance',
  'aws.rds.cluster',
  'aws.ebs.volume',
  'aws.efs.file_system',
];

/** Options of the tag checks. */
export interface TagCheckOptions {
  /** Tag keys that name an owner; any one is enough. Compared case-insensitively. */
  ownerKeys?: string[];
  /** Tag keys that carry a data classification; any one is enough. */
  classificationKeys?: string[];
}

/** Default ownership tag keys. */
export const DEFAULT_OWNER_TAG_KEYS = ['owner', 'team', 'backstage.io/owner'];
/** Default data-classification tag keys. */
export const DEFAULT_CLASSIFICATION_TAG_KEYS = [
  'data-classification',
  'data_classification',
  'dataclassification',
  'classification',
];

function hasAnyKey(
  tags: Record<string, string> | undefined,
  keys: ReadonlySet<string>,
): boolean {
  if (!tags) return false;
  for (const key in tags) {
    if (keys.has(key.toLowerCase()) && tags[key].trim() !== '') return true;
  }
  return false;
}

function tagEvidence(resource: Resource) {
  return {
    path: resource.origins?.tags ?? 'tags',
    value: Object.keys(resource.tags ?? {}),
  };
}

/** Builds the ownership-tag check with the given tag keys. */
export function createOwnershipTagCheck(
  options: TagCheckOptions = {},
): CheckDefinition {
  const keys = options.ownerKeys ?? DEFAULT_OWNER_TAG_KEYS;
  const set = new Set(keys.map(k => k.toLowerCase()));
  return defineAwsCheck<unknown>({
    id: 'aws-ownership-tags',
    title: 'Resource has an ownership tag',
    description: `Every taggable AWS resource carries one of the tags ${keys.join(
      ', ',
    )}, so findings, costs and incidents reach the team that owns it (and the resource can be attributed to a catalog entity).`,
    severity: 'medium',
    control: 'sensitive_data_classified',
    appliesTo: [...TAGGABLE_AWS_TYPES],
    frameworks: {
      'nist-800-53': ['CM-8', 'PM-5'],
      soc2: ['CC6.1'],
      'pci-dss': ['12.5.1'],
      'iso-27001': ['A.5.9'],
    },
    remediation: {
      text: `Tag the resource with ${keys[0]} (the team that owns it); set it once for a whole Terraform provider with default_tags, and enforce it with an AWS Organizations tag policy.`,
      url: TAGGING_DOCS,
    },
    evaluate(resource) {
      if (hasAnyKey(resource.tags, set)) return PASS;
      return fail(
        `${resource.name} has no ownership tag (${keys.join(', ')})`,
        tagEvidence(resource),
      );
    },
  });
}

/** Builds the data-classification-tag check with the given tag keys. */
export function createDataClassificationTagCheck(
  options: TagCheckOptions = {},
): CheckDefinition {
  const keys = options.classificationKeys ?? DEFAULT_CLASSIFICATION_TAG_KEYS;
  const set = new Set(keys.map(k => k.toLowerCase()));
  return defineAwsCheck<unknown>({
    id: 'aws-data-classification-tag',
    title: 'Data store has a data-classification tag',
    description: `Buckets, databases, volumes and file systems carry a ${keys[0]} tag (public, internal, confidential, restricted …) so the controls protecting them can match the data they hold.`,
    severity: 'medium',
    control: 'sensitive_data_classified',
    appliesTo: [...DATA_STORE_TYPES],
    frameworks: {
      'cis-aws': ['2.1.3'],
      'nist-800-53': ['RA-2', 'SC-16'],
      soc2: ['C1.1'],
      'pci-dss': ['12.5.2'],
      'iso-27001': ['A.5.12', 'A.5.13'],
    },
    remediation: {
      text: `Tag the data store with ${keys[0]} = public | internal | confidential | restricted, following your data classification policy.`,
      url: TAGGING_DOCS,
    },
    evaluate(resource) {
      if (hasAnyKey(resource.tags, set)) return PASS;
      return fail(
        `${resource.name} has no data-classification tag (${keys.join(', ')})`,
        tagEvidence(resource),
      );
    },
  });
}

/** The tag checks with default keys. */
export const TAG_CHECKS = [
  createOwnershipTagCheck(),
  createDataClassificationTagCheck(),
];
