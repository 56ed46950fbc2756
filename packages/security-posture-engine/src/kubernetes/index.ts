/**
 * Kubernetes: the normaliser onto the `k8s.*` canonical types, their typed
 * attributes, and the built-in Kubernetes checks.
 */
export * from './types';
export {
  normalizeKubernetesObjects,
  kubernetesUid,
  SUPPORTED_KUBERNETES_KINDS,
  LAST_APPLIED_ANNOTATION,
} from './normalize';
export {
  redactionMarker,
  isSecretLikeName,
  credentialFormat,
  secretReason,
} from './secrets';
export * from './checks';
