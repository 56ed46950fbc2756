import type { CheckDefinition } from '../../model/check';
import { COMPUTE_CHECKS } from './compute';
import { EDGE_CHECKS } from './edge';
import { IAM_CHECKS } from './iam';
import { NETWORK_CHECKS } from './network';
import { RDS_CHECKS } from './rds';
import { S3_CHECKS } from './s3';
import { STORAGE_CHECKS } from './storage';
import { TAG_CHECKS } from './tags';

/**
 * The built-in AWS checks. Each applies to AWS canonical types, so it serves
 * Terraform plans, Terraform state and AWS Config items alike.
 */
export const AWS_CHECKS: readonly CheckDefinition[] = Object.freeze([
  ...S3_CHECKS,
  ...NETWORK_CHECKS,
  ...RDS_CHECKS,
  ...IAM_CHECKS,
  ...EDGE_CHECKS,
  ...COMPUTE_CHECKS,
  ...STORAGE_CHECKS,
  ...TAG_CHECKS,
] as CheckDefinition[]);

export {
  createDataClassificationTagCheck,
  createOwnershipTagCheck,
  DATA_STORE_TYPES,
  DEFAULT_CLASSIFICATION_TAG_KEYS,
  DEFAULT_OWNER_TAG_KEYS,
  TAGGABLE_AWS_TYPES,
} from './tags';
export type { TagCheckOptions } from './tags';
export { MIN_BACKUP_RETENTION_DAYS } from './rds';
export { MAX_ACCESS_KEY_AGE_DAYS } from './iam';
export { LAMBDA_RUNTIME_DEPRECATION } from './compute';
export { WEB_PORTS } from './network';
