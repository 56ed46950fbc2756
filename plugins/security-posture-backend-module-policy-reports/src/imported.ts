import type { Severity } from '@internal/backstage-plugin-security-posture-common';
import {
  fail,
  PASS,
  SKIP,
  type CheckDefinition,
  type Resource,
} from '@internal/security-posture-engine';
import type {
  ImportedCheckTarget,
  ImportedOutcome,
  ReportResult,
  ResultMapping,
} from './mapping';
import type { SubjectRef } from './reports';

/**
 * Canonical type of an imported scanner result: one resource per result (or per
 * aggregated group of results) and subject, owned by whoever owns the subject.
 * @public
 */
export const IMPORTED_RESULT_TYPE = 'import.policy-report';

/** One of the results an aggregated resource stands for. */
export interface AggregatedResult {
  policy: string;
  rule?: string;
  result: ReportResult;
  /** What the result counts as after the mapping (`warnAs`). */
  outcome: ImportedOutcome;
  severity?: string;
  message?: string;
}

/**
 * Attributes of an `import.policy-report` resource.
 * @public
 */
export interface ImportedResultAttributes {
  /** The generated check that evaluates this result. */
  checkId: string;
  control: string;
  severity: Severity;
  outcome: ImportedOutcome;
  source: string;
  policy: string;
  rule?: string;
  category?: string;
  /** Verdict as the scanner reported it. */
  result: ReportResult;
  /** Finding message (scanner, policy, rule, subject and the scanner's message). */
  summary: string;
  /** The object the result is attributed to. */
  subject: SubjectRef;
  /** The object the scanner reported on, when it was folded into its controller. */
  reportedOn?: SubjectRef;
  /** Results this resource stands for (1 unless aggregated). */
  count: number;
  /** Failing results among them. */
  failing: number;
}

const MAX_MESSAGE = 400;
const MAX_LISTED = 20;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `Deployment payments/api` */
export function describeSubject(s: SubjectRef): string {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

/**
 * The checks imported results feed: one per control and severity the mapping can
 * produce (`policy-report-<control>-<severity>`). Each evaluates only the
 * imported resources mapped onto it; a failing result fails with the scanner's
 * message, a scanner error is recorded as an error result, a skipped one is not
 * applicable.
 * @public
 */
export function createImportedChecks(
  mapping: ResultMapping,
): CheckDefinition[] {
  return mapping.checkTargets().map(t => importedCheck(t));
}

function importedCheck(target: ImportedCheckTarget): CheckDefinition {
  const { id, control, severity, weight } = target;
  return {
    id,
    title: `${control.title}: imported scanner results (${severity})`,
    description: `Results of other scanners (Kyverno, Kubescape, Trivy operator …) read from Kubernetes PolicyReports and mapped onto the "${control.title}" control with ${severity} severity by securityPosture.providers.policyReports.mapping. A failing result fails the control like a built-in check.`,
    severity,
    category: control.category,
    control: control.id,
    weight,
    appliesTo: [IMPORTED_RESULT_TYPE],
    frameworks: {},
    remediation: {
      text: 'Fix what the scanner reports (the finding names the scanner, its policy and rule, and carries its message); the result clears when the scanner re-evaluates the object. To change which control or severity imported results count for, edit securityPosture.providers.policyReports.mapping.',
      url: 'https://github.com/kubernetes-sigs/wg-policy-prototypes/tree/master/policy-report',
    },
    origin: 'import',
    evaluate(resource: Resource<ImportedResultAttributes>) {
      const a = resource.attributes;
      if (a.checkId !== id) return SKIP;
      switch (a.outcome) {
        case 'pass':
          return PASS;
        case 'fail':
          return fail(a.summary, ...evidenceOf(resource));
        case 'error':
          throw new Error(a.summary);
        default:
          return SKIP;
      }
    },
  };
}

function evidenceOf(resource: Resource<ImportedResultAttributes>) {
  const raw = resource.raw as {
    results?: AggregatedResult[];
    properties?: unknown;
  };
  if (raw?.results) {
    const out = [];
    for (let i = 0; i < raw.results.length && out.length < 10; i++) {
      const r = raw.results[i];
      if (r.outcome === 'fail') {
        out.push({ path: `results[${i}].policy`, value: r.policy });
      }
    }
    return out;
  }
  const evidence: Array<{ path: string; value: unknown }> = [
    { path: 'result', value: resource.attributes.result },
  ];
  if (raw?.properties !== undefined) {
    evidence.push({ path: 'properties', value: raw.properties });
  }
  return evidence;
}

/** Builds the text of a finding for one result. */
export function summaryOf(entry: {
  source: string;
  policy: string;
  rule?: string;
  message?: string;
  subject: SubjectRef;
  reportedOn?: SubjectRef;
}): string {
  const what = `${entry.source}: ${entry.policy}${
    entry.rule && entry.rule !== entry.policy ? ` / ${entry.rule}` : ''
  }`;
  const on = entry.reportedOn
    ? `${describeSubject(entry.reportedOn)} (of ${describeSubject(
        entry.subject,
      )})`
    : describeSubject(entry.subject);
  const message = entry.message
    ? ` — ${clip(entry.message.trim(), MAX_MESSAGE)}`
    : '';
  return `${what} on ${on}${message}`;
}

/** Builds the text of a finding for an aggregated group of results. */
export function aggregateSummaryOf(entry: {
  source: string;
  subject: SubjectRef;
  results: AggregatedResult[];
}): string {
  const failing = entry.results.filter(r => r.outcome === 'fail');
  const names = failing
    .slice(0, 5)
    .map(r => `${r.policy}${r.severity ? ` (${r.severity})` : ''}`)
    .join(', ');
  const more = failing.length > 5 ? ` and ${failing.length - 5} more` : '';
  return `${entry.source}: ${failing.length} of ${
    entry.results.length
  } results failing on ${describeSubject(entry.subject)}${
    failing.length ? `: ${names}${more}` : ''
  }`;
}

/** The results of an aggregated resource kept in `raw` (failing ones first, at most 20). */
export function keptResults(results: AggregatedResult[]): AggregatedResult[] {
  const order: ImportedOutcome[] = ['fail', 'error', 'pass', 'skip'];
  const rank = (r: AggregatedResult) => order.indexOf(r.outcome);
  return [...results].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_LISTED);
}
