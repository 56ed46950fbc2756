/**
 * Pod Security Standards: a versioned engine with the semantics of the Kubernetes Pod
 * Security Admission controller, Kyverno-style control exclusions, and built-in checks
 * (a namespace's enforced level, workloads meeting it).
 */
export {
  evaluatePodSecurity,
  validatePodSecurityExclusion,
  POD_SECURITY_CONTROL_NAMES,
} from './evaluate';
export type {
  PodSecurityLevel,
  PodSecurityViolation,
  PodSecurityExclusion,
  PodSecurityOptions,
  PodSecurityResult,
} from './evaluate';
export {
  POD_SECURITY_VERSIONS,
  POD_SECURITY_MAX_MINOR,
  parsePodSecurityVersion,
} from './versions';
export type { ParsedPodSecurityVersion } from './versions';
export { listPodSecurityChecks } from './list';
export type { PodSecurityCheckInfo } from './list';
export type { PodSecuritySemantics } from './registry';
export {
  createPssChecks,
  podTemplateOf,
  PSS_CHECKS,
  PSS_ENFORCE_LABEL,
  PSS_ENFORCE_VERSION_LABEL,
} from './builtinChecks';
export type { PssCheckOptions } from './builtinChecks';
