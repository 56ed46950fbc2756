/**
 * Custom checks without code: YAML `CustomCheck` documents with CEL expressions,
 * evaluated like Kubernetes ValidatingAdmissionPolicy.
 */
export {
  loadCustomChecks,
  CUSTOM_CHECK_API_VERSION,
  CUSTOM_CHECK_KIND,
} from './load';
export type {
  CustomCheckLoadError,
  CustomCheckLoadResult,
  CustomCheckLoadOptions,
} from './load';
