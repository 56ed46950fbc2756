/**
 * SARIF findings import for the Security Posture backend: results of tfsec, Trivy,
 * Checkov and other SARIF producers, mapped onto the scorecard's controls.
 *
 * @packageDocumentation
 */

export { securityPostureModuleSarif as default } from './module';
export { readSarifProviderConfig, type SarifProviderConfig } from './config';
export {
  createSarifChecks,
  mapFindings,
  SARIF_RESULT_TYPE,
  sarifCheckId,
  type SarifFindingAttributes,
} from './findings';
export {
  CATEGORY_DEFAULT_CONTROLS,
  DEFAULT_MAPPING,
  SarifMapping,
  severityOf,
  type MappingRule,
  type MappingTarget,
} from './mapping';
export { parseSarif, type ParsedSarif, type SarifResultRecord } from './sarif';
export {
  SarifResourceProvider,
  type SarifResourceProviderOptions,
} from './SarifResourceProvider';
// Moved to -node (the annotations the plugin reads live there); re-exported.
export { ANNOTATION_SARIF } from '@internal/backstage-plugin-security-posture-node';
