/**
 * Security Posture backend module importing other scanners' findings from
 * Kubernetes PolicyReports (`wgpolicyk8s.io/v1alpha2`: Kyverno, Kubescape, Trivy
 * operator) onto the scorecard, through a configurable mapping.
 *
 * @packageDocumentation
 */

export { securityPostureModulePolicyReports as default } from './module';
export { PolicyReportsProvider } from './provider/PolicyReportsProvider';
export { readPolicyReportsConfig, type PolicyReportsConfig } from './config';
export {
  DEFAULT_MAPPING,
  CATEGORY_DEFAULT_CONTROLS,
  ResultMapping,
  importedCheckId,
  type MappingMatch,
  type MappingRule,
} from './mapping';
export {
  IMPORTED_RESULT_TYPE,
  createImportedChecks,
  type ImportedResultAttributes,
} from './imported';
export {
  POLICY_REPORT_KIND,
  CLUSTER_POLICY_REPORT_KIND,
  readReport,
} from './reports';
