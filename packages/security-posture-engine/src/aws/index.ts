/**
 * AWS: canonical attribute types, the Terraform (`terraform show -json`) and AWS
 * Config normalisers, and the built-in AWS checks.
 */
export * from './types';
export { normalizeTerraformJson } from './terraform/normalize';
export {
  normalizeAwsConfigItems,
  extractAwsConfigItems,
  AWS_CONFIG_TYPES,
} from './config/normalize';
export { parsePolicyDocument, isParsedPolicy } from './policy';
export {
  classifyEnvironmentVariable,
  isSecretName,
  isSecretValue,
  DEFAULT_DATABASE_USERNAMES,
} from './secrets';
export * from './checks';
export { detectAwsDocument } from './detect';
