import type { CheckDefinition } from '../../model/check';
import { DATA_CHECKS } from './data';
import { NETWORK_CHECKS } from './network';
import { RBAC_CHECKS } from './rbac';
import { WORKLOAD_CHECKS } from './workload';

export { unpinnedImageReason } from './workload';

/**
 * The built-in Kubernetes checks: workload hardening, RBAC and service accounts,
 * network segmentation and exposure, ownership and plain-text credentials.
 */
export const KUBERNETES_CHECKS: readonly CheckDefinition[] = Object.freeze([
  ...WORKLOAD_CHECKS,
  ...RBAC_CHECKS,
  ...NETWORK_CHECKS,
  ...DATA_CHECKS,
]);
