import type {
  CheckDefinition,
  CheckOutcome,
  CheckResult,
  EvaluationContext,
  ResourceIndex,
} from '../model/check';
import type { Resource } from '../model/resource';
import { createResourceIndex } from './resourceIndex';

/** Checks grouped by the canonical types they apply to, prepared once and reused. */
export interface CompiledChecks {
  readonly checks: readonly CheckDefinition[];
  /** canonical type → the checks that apply to it, and their index in `checks`. */
  readonly byType: ReadonlyMap<
    string,
    { checks: readonly CheckDefinition[]; slots: Int32Array }
  >;
}

/** Groups checks by the canonical types in their `appliesTo`. */
export function compileChecks(
  checks: readonly CheckDefinition[],
): CompiledChecks {
  const grouped = new Map<
    string,
    { checks: CheckDefinition[]; slots: number[] }
  >();
  checks.forEach((check, slot) => {
    for (const type of new Set(check.appliesTo)) {
      let group = grouped.get(type);
      if (!group) {
        group = { checks: [], slots: [] };
        grouped.set(type, group);
      }
      group.checks.push(check);
      group.slots.push(slot);
    }
  });
  const byType = new Map<
    string,
    { checks: readonly CheckDefinition[]; slots: Int32Array }
  >();
  for (const [type, group] of grouped) {
    byType.set(type, {
      checks: group.checks,
      slots: Int32Array.from(group.slots),
    });
  }
  return { checks, byType };
}

/** Options of {@link evaluateChecks}. */
export interface EvaluateOptions {
  /** Evaluation time; now by default. */
  now?: Date;
  /** An index already built over the same resources. */
  index?: ResourceIndex;
  /** Also record `pass` and `skip` results (off by default: only counts are kept). */
  includePasses?: boolean;
}

/** What evaluating a check catalogue over a resource set produced. */
export interface Evaluation {
  /** `fail` and `error` results (plus `pass`/`skip` with `includePasses`). */
  results: CheckResult[];
  /** The resource of each result (`results[i]` is about `resultResources[i]`). */
  resultResources: Resource[];
  /** Number of passing results per check id. */
  passed: ReadonlyMap<string, number>;
  /** Number of skipped (not applicable) results per check id. */
  skipped: ReadonlyMap<string, number>;
  /** resource × check evaluations performed. */
  evaluations: number;
  index: ResourceIndex;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/**
 * Runs every check whose `appliesTo` contains a resource's type on that resource.
 * A check that throws, or returns something that is not an outcome, yields an
 * `error` result carrying the message; evaluation goes on.
 */
export function evaluateChecks(
  resources: readonly Resource[],
  checks: CompiledChecks | readonly CheckDefinition[],
  options: EvaluateOptions = {},
): Evaluation {
  const compiled = Array.isArray(checks)
    ? compileChecks(checks as readonly CheckDefinition[])
    : (checks as CompiledChecks);
  const index = options.index ?? createResourceIndex(resources);
  const ctx: EvaluationContext = {
    resources: index,
    now: options.now ?? new Date(),
  };
  const includePasses = options.includePasses === true;
  const n = compiled.checks.length;
  const passCounts = new Uint32Array(n);
  const skipCounts = new Uint32Array(n);
  const results: CheckResult[] = [];
  const resultResources: Resource[] = [];
  let evaluations = 0;

  for (let r = 0; r < resources.length; r++) {
    const resource = resources[r];
    const group = compiled.byType.get(resource.type);
    if (group === undefined) continue;
    const list = group.checks;
    for (let i = 0; i < list.length; i++) {
      const check = list[i];
      evaluations++;
      let outcome: CheckOutcome;
      try {
        outcome = check.evaluate(resource, ctx);
      } catch (e) {
        results.push({
          checkId: check.id,
          resourceUid: resource.uid,
          status: 'error',
          message: `Check ${check.id} failed to evaluate: ${errorMessage(e)}`,
        });
        resultResources.push(resource);
        continue;
      }
      const status = outcome?.status;
      if (status === 'pass') {
        passCounts[group.slots[i]]++;
        if (includePasses) {
          results.push({
            checkId: check.id,
            resourceUid: resource.uid,
            status: 'pass',
          });
          resultResources.push(resource);
        }
      } else if (status === 'fail') {
        results.push({
          checkId: check.id,
          resourceUid: resource.uid,
          status: 'fail',
          message: outcome.message,
          evidence: outcome.evidence ?? [],
        });
        resultResources.push(resource);
      } else if (status === 'skip') {
        skipCounts[group.slots[i]]++;
        if (includePasses) {
          results.push({
            checkId: check.id,
            resourceUid: resource.uid,
            status: 'skip',
            message: outcome.reason,
          });
          resultResources.push(resource);
        }
      } else {
        results.push({
          checkId: check.id,
          resourceUid: resource.uid,
          status: 'error',
          message: `Check ${check.id} returned an invalid outcome`,
        });
        resultResources.push(resource);
      }
    }
  }

  const passed = new Map<string, number>();
  const skipped = new Map<string, number>();
  for (let s = 0; s < n; s++) {
    const id = compiled.checks[s].id;
    if (passCounts[s] > 0)
      passed.set(id, (passed.get(id) ?? 0) + passCounts[s]);
    if (skipCounts[s] > 0) {
      skipped.set(id, (skipped.get(id) ?? 0) + skipCounts[s]);
    }
  }
  return { results, resultResources, passed, skipped, evaluations, index };
}
