/**
 * Kyverno-compatible policies: load `ClusterPolicy`/`Policy` YAML, evaluate their
 * validate rules on Kubernetes objects, turn them into scorecard checks, and run
 * Kyverno CLI test suites (`kyverno-test.yaml`).
 */
export type {
  KyvernoCondition,
  KyvernoConditions,
  KyvernoContextEntry,
  KyvernoEvaluationOptions,
  KyvernoForEachValidation,
  KyvernoLabelSelector,
  KyvernoMatchResources,
  KyvernoPodSecurity,
  KyvernoPolicy,
  KyvernoResourceDescription,
  KyvernoResourceFilter,
  KyvernoRule,
  KyvernoRuleResult,
  KyvernoRuleStatus,
  KyvernoValidation,
} from './types';
export {
  loadKyvernoPolicies,
  loadKyvernoPoliciesFromPaths,
  isKyvernoPolicy,
} from './load';
export type { KyvernoLoadProblem, KyvernoLoadResult } from './load';
export {
  evaluateKyvernoPolicy,
  evaluateKyvernoRule,
  evaluatePrepared as evaluatePreparedKyvernoPolicy,
  prepareResource as prepareKyvernoResource,
  unsupportedReason as kyvernoUnsupportedReason,
} from './engine';
export type { PreparedResource as PreparedKyvernoResource } from './engine';
export {
  computeRules as computeKyvernoRules,
  autogenControllers as kyvernoAutogenControllers,
  AUTOGEN_CONTROLLERS_ANNOTATION,
  POD_CONTROLLERS,
} from './autogen';
export { kyvernoPolicyChecks, DEFAULT_KYVERNO_MAPPING } from './checks';
export type {
  KyvernoCheckMapping,
  KyvernoCheckOptions,
  KyvernoCheckTarget,
  KyvernoMappingRule,
} from './checks';
export {
  runKyvernoTests,
  formatKyvernoTestReport,
  kyvernoTestsFailed,
} from './testRunner';
export type {
  KyvernoTestError,
  KyvernoTestOutcome,
  KyvernoTestReport,
  KyvernoTestRow,
} from './testRunner';
export { matchPattern as matchKyvernoPattern } from './matchPattern';
export type { PatternResult as KyvernoPatternResult } from './matchPattern';
export {
  evaluateOperator as evaluateKyvernoOperator,
  CONDITION_OPERATORS as KYVERNO_CONDITION_OPERATORS,
} from './conditions';
export {
  KyvernoJmespath,
  JmespathError,
  JmespathNotFoundError,
  jmespathFunctionNames,
} from './jmespath';
