import type { Entity } from '@backstage/catalog-model';

/** Comma-separated manifest files or folders, relative to the entity's catalog file. @public */
export const SECURITY_POSTURE_MANIFESTS_ANNOTATION =
  'security-posture.backstage.io/manifests';
/** Comma-separated Terraform addresses that belong to the entity. @public */
export const SECURITY_POSTURE_TERRAFORM_ADDRESSES_ANNOTATION =
  'security-posture.backstage.io/terraform-addresses';
/** The Kubernetes plugin's id annotation, also used for live clusters. @public */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** The Kubernetes plugin's namespace annotation. @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** The Kubernetes plugin's label selector annotation. @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

const SUPPORTED_KINDS = ['component', 'resource', 'system', 'group'];

/**
 * Whether the Security Posture tab applies to an entity: Components, Resources,
 * Systems (rolled up from their parts) and Groups (the team view).
 *
 * The tab is shown on supported entities even before they are annotated, so their
 * owners see exactly which annotations to add. Use
 * {@link hasSecurityPostureAnnotations} to show it only on annotated entities.
 * @public
 */
export function isSecurityPostureAvailable(entity: Entity): boolean {
  return SUPPORTED_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'));
}

/**
 * Whether an entity carries an annotation that tells the scanner where its
 * resources are (manifests, Terraform addresses or the Kubernetes plugin's ones).
 * @public
 */
export function hasSecurityPostureAnnotations(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return [
    SECURITY_POSTURE_MANIFESTS_ANNOTATION,
    SECURITY_POSTURE_TERRAFORM_ADDRESSES_ANNOTATION,
    KUBERNETES_ID_ANNOTATION,
    KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  ].some(key => Boolean(annotations[key]));
}
