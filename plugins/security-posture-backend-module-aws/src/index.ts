/**
 * AWS resource provider for the Security Posture backend: live resources of the
 * configured accounts through AWS Config, owned through ARN annotations and tags.
 *
 * @packageDocumentation
 */

export { securityPostureModuleAws as default } from './module';
export {
  AwsConfigResourceProvider,
  type AwsConfigResourceProviderOptions,
} from './AwsConfigResourceProvider';
// Moved to -node (shared with the backend, which resolves ARN hints); re-exported.
export {
  ANNOTATION_AWS_ARN,
  DEFAULT_ARN_ANNOTATIONS,
} from '@internal/backstage-plugin-security-posture-node';
export {
  DEFAULT_OWNER_TAGS,
  DEFAULT_OWNERSHIP_TAGS,
  DEFAULT_RESOURCE_TYPES,
  readAwsProviderConfig,
  type AwsAccountConfig,
  type AwsProviderConfig,
  type OwnershipTag,
} from './config';
export { arnsOf, ownershipHints } from './ownership';
