import type { CheckDefinition } from '../model/check';
import type { Resource } from '../model/resource';
import { applyCheckOverrides } from '../checks/overrides';
import { validateCatalog } from '../checks/validate';
import {
  resolveControls,
  type ResolvedControl,
  type ScoringConfig,
} from './config';
import { DEFAULT_CONTROLS, type ScorecardControl } from './defaultScorecard';
import { compileChecks, evaluateChecks, type CompiledChecks } from './evaluate';
import {
  compileExemption,
  type CompiledExemption,
  type Exemption,
} from './exemptions';
import { computeModelVersion } from './modelVersion';
import { scoreEvaluation, type ScoredEvaluation } from './score';

/** Options of {@link createPostureEngine}. */
export interface PostureEngineOptions {
  /** The check catalogue (built-in checks plus loaded policies). */
  checks: readonly CheckDefinition[];
  /** Scoring configuration: weights, modes, enabled checks, overrides. */
  config?: ScoringConfig;
  /** Base scorecard; the default sixteen controls when absent. */
  controls?: readonly ScorecardControl[];
}

/** Options of one assessment. */
export interface AssessOptions {
  /** Entity ref the resources belong to (entity-scoped exemptions). */
  entity?: string;
  exemptions?: readonly Exemption[];
  /** Evaluation time (exemption expiry, credential age); now by default. */
  now?: Date;
  /** Canonical types that were not scanned: their controls without evidence are `unknown`. */
  unscannedTypes?: Iterable<string>;
  /** A source failed: every control without evidence is `unknown`. */
  sourceFailed?: boolean;
}

/** The posture of one resource set (one entity). */
export interface Assessment extends ScoredEvaluation {
  modelVersion: string;
  /** resource × check evaluations performed. */
  evaluations: number;
  /** Resources assessed. */
  resources: number;
  /**
   * Passing resource × check results per check id (checks that passed nowhere
   * are absent). With the findings, it tells which checks were evaluated and
   * passed, e.g. for compliance per framework control.
   */
  passedByCheck?: ReadonlyMap<string, number>;
}

/** A configured scoring model, ready to assess resource sets. */
export interface PostureEngine {
  /** Scoring-model version (hash of controls, weights and enabled checks). */
  readonly modelVersion: string;
  readonly controls: readonly ResolvedControl[];
  /** Enabled checks with configuration overrides applied. */
  readonly checks: readonly CheckDefinition[];
  /** Evaluates and scores a resource set. */
  assess(resources: readonly Resource[], options?: AssessOptions): Assessment;
}

/**
 * Builds a scoring model from a check catalogue and a configuration. Throws when
 * the configuration is invalid or a check feeds a missing control or one of
 * another category.
 */
export function createPostureEngine(
  options: PostureEngineOptions,
): PostureEngine {
  const controls = resolveControls(
    options.config,
    options.controls ?? DEFAULT_CONTROLS,
  );
  const checks = applyCheckOverrides(options.checks, options.config);
  const problems = validateCatalog(checks, controls);
  if (problems.length > 0) {
    throw new Error(
      `Invalid check catalogue: ${problems
        .slice(0, 10)
        .map(p => `${p.checkId} ${p.message}`)
        .join('; ')}${
        problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''
      }`,
    );
  }
  const compiled: CompiledChecks = compileChecks(checks);
  const modelVersion = computeModelVersion(controls, checks);
  const exemptionCache = new WeakMap<Exemption, CompiledExemption>();

  return {
    modelVersion,
    controls,
    checks,
    assess(resources, assessOptions = {}) {
      const now = assessOptions.now ?? new Date();
      const evaluation = evaluateChecks(resources, compiled, { now });
      const exemptions = (assessOptions.exemptions ?? []).map(e => {
        let c = exemptionCache.get(e);
        if (!c) {
          c = compileExemption(e);
          exemptionCache.set(e, c);
        }
        return c;
      });
      const scored = scoreEvaluation({
        controls,
        checks,
        evaluation,
        entity: assessOptions.entity,
        exemptions,
        now,
        unscannedTypes: assessOptions.unscannedTypes,
        sourceFailed: assessOptions.sourceFailed,
      });
      return {
        ...scored,
        modelVersion,
        evaluations: evaluation.evaluations,
        resources: resources.length,
        passedByCheck: evaluation.passed,
      };
    },
  };
}
