import {
  scoreControls,
  type CategoryId,
  type ControlScore,
  type ControlStatus,
  type Evidence,
  type PostureScore,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import type { CheckDefinition, CheckResult } from '../model/check';
import type { Resource, ResourceSource } from '../model/resource';
import type { ResolvedControl } from './config';
import type { Evaluation } from './evaluate';
import {
  isExemptionActive,
  type CompiledExemption,
  type Exemption,
} from './exemptions';

/** The resource a finding is about. */
export interface FindingResource {
  uid: string;
  type: string;
  kind: string;
  name: string;
  namespace?: string;
  address?: string;
  source: ResourceSource;
}

/** A failing (or exempted, or erroring) resource × check result, with everything needed to act on it. */
export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  category: CategoryId;
  control: string;
  status: 'fail' | 'exempted' | 'error';
  resource: FindingResource;
  message: string;
  evidence: Evidence[];
  remediation: { text: string; url: string };
  /** The exemption that covers the failure (status `exempted`). */
  exemption?: Exemption;
}

/** Inputs of {@link scoreEvaluation}. */
export interface ScoreInput {
  controls: readonly ResolvedControl[];
  /** The (enabled, configured) checks that were evaluated. */
  checks: readonly CheckDefinition[];
  evaluation: Evaluation;
  /** Entity ref the resources belong to, for entity-scoped exemptions. */
  entity?: string;
  exemptions?: readonly CompiledExemption[];
  now: Date;
  /**
   * Canonical types that were not scanned (their source failed or is not
   * configured): controls without evidence fed by checks for these types are
   * `unknown`, not `not_applicable`.
   */
  unscannedTypes?: Iterable<string>;
  /** A source failed: every control without evidence is `unknown`. */
  sourceFailed?: boolean;
}

/** Score and findings of one resource set. */
export interface ScoredEvaluation {
  score: PostureScore;
  findings: Finding[];
}

interface ControlTally {
  passed: number;
  failed: number;
  exempted: number;
  errors: number;
  unscanned: boolean;
}

function roundPoints(value: number): number {
  return Math.round(value * 100) / 100;
}

function toFindingResource(resource: Resource): FindingResource {
  return {
    uid: resource.uid,
    type: resource.type,
    kind: resource.kind,
    name: resource.name,
    ...(resource.namespace !== undefined
      ? { namespace: resource.namespace }
      : {}),
    ...(resource.address !== undefined ? { address: resource.address } : {}),
    source: resource.source,
  };
}

/**
 * Maps evaluation results onto the scorecard controls and scores them:
 * - `strict` controls pass only if every applicable result passes (full weight,
 *   else 0); an error with no failure leaves the control `unknown`;
 * - `proportional` controls earn weight × passed / evaluated;
 * - a control with no applicable result is `not_applicable`, or `unknown` when its
 *   source failed or its resource types were not scanned;
 * - failures covered by an active exemption are `exempted`: they count as failures
 *   in the raw score and as passes in the adjusted one.
 * Findings are sorted by severity, then check id and resource.
 */
export function scoreEvaluation(input: ScoreInput): ScoredEvaluation {
  const { controls, checks, evaluation, now } = input;
  const checkById = new Map<string, CheckDefinition>();
  for (const check of checks) checkById.set(check.id, check);
  const unscanned = new Set(input.unscannedTypes ?? []);

  const tallies = new Map<string, ControlTally>();
  for (const control of controls) {
    tallies.set(control.id, {
      passed: 0,
      failed: 0,
      exempted: 0,
      errors: 0,
      unscanned: false,
    });
  }
  for (const check of checks) {
    const tally = tallies.get(check.control);
    if (!tally) continue;
    tally.passed += evaluation.passed.get(check.id) ?? 0;
    if (!tally.unscanned && unscanned.size > 0) {
      tally.unscanned = check.appliesTo.some(t => unscanned.has(t));
    }
  }

  const active = (input.exemptions ?? []).filter(
    e => isExemptionActive(e, now) && e.matchesEntity(input.entity),
  );
  const findings: Finding[] = [];
  for (let i = 0; i < evaluation.results.length; i++) {
    const result = evaluation.results[i];
    if (result.status !== 'fail' && result.status !== 'error') continue;
    const check = checkById.get(result.checkId);
    if (!check) continue;
    const tally = tallies.get(check.control);
    const resource = evaluation.resultResources[i];
    let status: Finding['status'] = result.status;
    let exemption: Exemption | undefined;
    if (result.status === 'fail') {
      const match = active.find(
        e => e.matchesCheck(check.id) && e.matchesResource(resource),
      );
      if (match) {
        status = 'exempted';
        exemption = match.exemption;
      }
    }
    if (tally) {
      if (status === 'fail') tally.failed++;
      else if (status === 'exempted') tally.exempted++;
      else tally.errors++;
    }
    findings.push(toFinding(check, result, resource, status, exemption));
  }

  const controlScores: ControlScore[] = controls.map(control => {
    const t = tallies.get(control.id)!;
    const evidence = t.passed + t.failed + t.exempted;
    const base = {
      id: control.id,
      title: control.title,
      category: control.category,
      weight: control.weight,
      passed: t.passed,
      failed: t.failed,
      exempted: t.exempted,
      errors: t.errors,
    };
    if (evidence === 0) {
      const status: ControlStatus =
        t.errors > 0 || input.sourceFailed || t.unscanned
          ? 'unknown'
          : 'not_applicable';
      return {
        ...base,
        status,
        adjustedStatus: status,
        earned: 0,
        adjustedEarned: 0,
        possible: 0,
      };
    }
    if (control.mode === 'proportional') {
      const earned = roundPoints((control.weight * t.passed) / evidence);
      const adjustedEarned = roundPoints(
        (control.weight * (t.passed + t.exempted)) / evidence,
      );
      return {
        ...base,
        status: t.failed + t.exempted > 0 ? 'fail' : 'pass',
        adjustedStatus: t.failed > 0 ? 'fail' : 'pass',
        earned,
        adjustedEarned,
        possible: control.weight,
      };
    }
    const rawStatus = strictStatus(t.failed + t.exempted, t.errors);
    const adjustedStatus = strictStatus(t.failed, t.errors);
    // A strict control whose results include errors but no failure cannot be
    // called passing: it is unknown and scores nothing either way.
    const possible =
      rawStatus === 'unknown' && adjustedStatus === 'unknown'
        ? 0
        : control.weight;
    return {
      ...base,
      status: rawStatus,
      adjustedStatus,
      earned: rawStatus === 'pass' ? control.weight : 0,
      adjustedEarned: adjustedStatus === 'pass' ? control.weight : 0,
      possible,
    };
  });

  sortFindings(findings);
  return { score: scoreControls(controlScores), findings };
}

function strictStatus(failures: number, errors: number): ControlStatus {
  if (failures > 0) return 'fail';
  if (errors > 0) return 'unknown';
  return 'pass';
}

function toFinding(
  check: CheckDefinition,
  result: CheckResult,
  resource: Resource,
  status: Finding['status'],
  exemption: Exemption | undefined,
): Finding {
  return {
    checkId: check.id,
    title: check.title,
    severity: check.severity,
    category: check.category,
    control: check.control,
    status,
    resource: toFindingResource(resource),
    message: result.message ?? check.title,
    evidence: result.evidence ?? [],
    remediation: { text: check.remediation.text, url: check.remediation.url },
    ...(exemption ? { exemption } : {}),
  };
}

const STATUS_ORDER: Record<Finding['status'], number> = {
  fail: 0,
  error: 1,
  exempted: 2,
};

const SEVERITY_ORDER: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Orders findings: status (fail, error, exempted), severity, check id, resource. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compareText(a.checkId, b.checkId) ||
    compareText(
      a.resource.address ?? a.resource.uid,
      b.resource.address ?? b.resource.uid,
    )
  );
}

/** Sorts findings in place by {@link compareFindings}, computing each sort key once. */
function sortFindings(findings: Finding[]): void {
  const keyed = findings.map(f => ({
    rank: STATUS_ORDER[f.status] * 4 + SEVERITY_ORDER[f.severity],
    check: f.checkId,
    resource: f.resource.address ?? f.resource.uid,
    f,
  }));
  keyed.sort(
    (a, b) =>
      a.rank - b.rank ||
      compareText(a.check, b.check) ||
      compareText(a.resource, b.resource),
  );
  for (let i = 0; i < keyed.length; i++) findings[i] = keyed[i].f;
}
