/**
 * The parts of Kyverno's `ClusterPolicy` / `Policy` (kyverno.io/v1, v2beta1) that
 * the engine reads. Documents are kept as parsed; these types describe them.
 */

/** A condition of `preconditions` or `deny.conditions`. */
export interface KyvernoCondition {
  key?: unknown;
  operator?: string;
  value?: unknown;
  message?: string;
}

/** `any`/`all` blocks, or the legacy list form (all must hold). */
export type KyvernoConditions =
  | { any?: KyvernoCondition[]; all?: KyvernoCondition[] }
  | KyvernoCondition[];

/** A label selector. */
export interface KyvernoLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    values?: string[];
  }>;
}

/** What a match/exclude block selects. */
export interface KyvernoResourceDescription {
  kinds?: string[];
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: KyvernoLabelSelector;
  namespaceSelector?: KyvernoLabelSelector;
  operations?: string[];
}

/** One filter of `match.any` / `match.all`. */
export interface KyvernoResourceFilter {
  resources?: KyvernoResourceDescription;
  subjects?: unknown[];
  roles?: string[];
  clusterRoles?: string[];
}

/** A rule's `match` or `exclude`. */
export interface KyvernoMatchResources extends KyvernoResourceFilter {
  any?: KyvernoResourceFilter[];
  all?: KyvernoResourceFilter[];
}

/** A `context` entry. */
export interface KyvernoContextEntry {
  name: string;
  variable?: { value?: unknown; jmesPath?: string; default?: unknown };
  apiCall?: unknown;
  configMap?: unknown;
  imageRegistry?: unknown;
  globalReference?: unknown;
}

/** A `validate.foreach` entry (possibly nested). */
export interface KyvernoForEachValidation {
  list: string;
  elementScope?: boolean;
  context?: KyvernoContextEntry[];
  preconditions?: KyvernoConditions;
  pattern?: unknown;
  anyPattern?: unknown[];
  deny?: { conditions?: KyvernoConditions };
  foreach?: KyvernoForEachValidation[];
}

/** A `podSecurity` subrule. */
export interface KyvernoPodSecurity {
  level: string;
  version?: string;
  exclude?: Array<{
    controlName: string;
    images?: string[];
    restrictedField?: string;
    values?: string[];
  }>;
}

/** A rule's `validate` block. */
export interface KyvernoValidation {
  message?: string;
  failureAction?: string;
  validationFailureAction?: string;
  allowExistingViolations?: boolean;
  pattern?: unknown;
  anyPattern?: unknown[];
  deny?: { conditions?: KyvernoConditions };
  foreach?: KyvernoForEachValidation[];
  podSecurity?: KyvernoPodSecurity;
  cel?: unknown;
  manifests?: unknown;
  assert?: unknown;
}

/** One rule. */
export interface KyvernoRule {
  name: string;
  match?: KyvernoMatchResources;
  exclude?: KyvernoMatchResources;
  context?: KyvernoContextEntry[];
  preconditions?: KyvernoConditions;
  celPreconditions?: unknown;
  validate?: KyvernoValidation;
  mutate?: unknown;
  generate?: unknown;
  verifyImages?: unknown;
  /** Set on rules generated for pod controllers (`autogen-…`). */
  autogen?: { from: string; controllers: string[] };
}

/** A `ClusterPolicy` or `Policy`. */
export interface KyvernoPolicy {
  apiVersion: string;
  kind: 'ClusterPolicy' | 'Policy';
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: {
    rules: KyvernoRule[];
    validationFailureAction?: string;
    background?: boolean;
    applyRules?: 'One' | 'All';
    [key: string]: unknown;
  };
  /** Where the policy was read from. */
  source?: { file?: string; document?: number };
}

/** Result of one rule on one resource. */
export type KyvernoRuleStatus = 'pass' | 'fail' | 'skip' | 'error';

/** The verdict of one rule on one resource. */
export interface KyvernoRuleResult {
  policy: string;
  rule: string;
  /** The rule this one was generated from, for `autogen-…` rules. */
  autogenFrom?: string;
  status: KyvernoRuleStatus;
  /** Kyverno-style message (the rule message with variables substituted, plus why). */
  message: string;
  /** Set on skip results for rule types this engine does not evaluate. */
  unsupported?: boolean;
  /** Paths (`spec.containers[0].image`) of the offending fields, on failures. */
  paths?: string[];
}

/** Options of policy evaluation. */
export interface KyvernoEvaluationOptions {
  /** Admission operation to simulate (default `CREATE`, as `kyverno test`/`apply`). */
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** Previous version of the resource, for `UPDATE`/`DELETE` (defaults to the resource itself). */
  oldResource?: unknown;
  /** Labels of the resource's namespace, for `namespaceSelector`. */
  namespaceLabels?: Record<string, string>;
  /** Extra variables (dotted keys allowed: `request.operation`), as a values file gives them. */
  variables?: Record<string, unknown>;
  /** Per-rule variables (context entry values), keyed by rule name. */
  ruleVariables?: Record<string, Record<string, unknown>>;
  /** Clock for `time_now()` and friends. */
  now?: () => Date;
  /**
   * Context entries that need a cluster or registry (`apiCall`, `configMap`,
   * `imageRegistry`, `globalReference`) and have no given value: `ignore` does not
   * load them, like `kyverno test` (expressions using them fail, and error messages
   * say why); `skip` reports the rule as an unsupported skip instead.
   */
  unavailableContext?: 'ignore' | 'skip';
}
