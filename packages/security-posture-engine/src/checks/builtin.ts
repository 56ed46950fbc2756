import type { CheckDefinition } from '../model/check';
import { AWS_CHECKS } from '../aws';
import { KUBERNETES_CHECKS } from '../kubernetes';
import { PSS_CHECKS } from '../policy/pss';

/**
 * The built-in check catalogue: Kubernetes checks, AWS checks (Terraform and AWS
 * Config resources alike) and the Pod Security Standards checks.
 */
export const BUILTIN_CHECKS: readonly CheckDefinition[] = Object.freeze([
  ...KUBERNETES_CHECKS,
  ...AWS_CHECKS,
  ...PSS_CHECKS,
]);
