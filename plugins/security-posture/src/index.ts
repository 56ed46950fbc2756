/**
 * Security Posture for Backstage: scores, findings and history of every entity's
 * security posture.
 *
 * Exports for apps on the legacy frontend system; the new frontend system plugin is
 * the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  securityPosturePlugin,
  EntitySecurityPostureContent,
  EntitySecurityPostureCard,
  GroupSecurityPostureContent,
  SecurityPosturePage,
} from './plugin';
export {
  securityPostureApiRef,
  SecurityPostureClient,
  type EntityName,
  type FindingsQuery,
  type SecurityPostureApi,
} from './api';
export {
  isSecurityPostureAvailable,
  hasSecurityPostureAnnotations,
  SECURITY_POSTURE_MANIFESTS_ANNOTATION,
  SECURITY_POSTURE_TERRAFORM_ADDRESSES_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from './annotations';
