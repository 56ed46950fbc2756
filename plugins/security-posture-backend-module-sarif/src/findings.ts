import type {
  CategoryId,
  Evidence,
  Severity,
} from '@internal/backstage-plugin-security-posture-common';
import {
  fail,
  PASS,
  SKIP,
  type CheckDefinition,
  type CheckOutcome,
  type Resource,
} from '@internal/security-posture-engine';
import type { SarifMapping } from './mapping';
import type { ParsedSarif, ResultLocation } from './sarif';

/**
 * Canonical type of an imported SARIF finding: one rule of one tool on one file
 * (`tfsec` / `aws-s3-enable-bucket-encryption` / `terraform/s3.tf`), or, for
 * aggregating mapping rules, every result of one tool and control on one file.
 * Named like the PolicyReports module's `import.policy-report`.
 */
export const SARIF_RESULT_TYPE = 'import.sarif';

/** Attributes of a {@link SARIF_RESULT_TYPE} resource. */
export interface SarifFindingAttributes {
  tool: string;
  toolVersion?: string;
  /** The rule, or `*` for an aggregated group. */
  ruleId: string;
  /** Rules of an aggregated group, with their severity, worst first (at most 20). */
  rules?: Array<{ ruleId: string; severity: Severity }>;
  title: string;
  helpUri?: string;
  /** The generated check that judges this resource. */
  checkId: string;
  control: string;
  category: CategoryId;
  severity: Severity;
  /** `pass` only when every result of the group is of kind `pass`. */
  outcome: 'fail' | 'pass';
  /** The file the results are about. */
  uri: string;
  /** SARIF file(s) the results were read from. */
  reports: string[];
  resultCount: number;
  locations: ResultLocation[];
  messages: string[];
  /** Built once when read, so evaluation allocates nothing. */
  failMessage: string;
  evidence: Evidence[];
}

/** Id of the generated check for one control and severity. */
export function sarifCheckId(control: string, severity: Severity): string {
  return `sarif-${control}-${severity}`;
}

/** Default check weights, the same as for imported PolicyReport results. */
const WEIGHT_BY_SEVERITY: Record<Severity, number> = {
  critical: 10,
  high: 8,
  medium: 5,
  low: 3,
};

/** Options of {@link createSarifChecks}. */
export interface SarifChecksOptions {
  /** Control id → title, for check titles. */
  controlTitles: ReadonlyMap<string, string>;
  /** Guidance URL of the generated checks (each finding also carries its rule's link). */
  remediationUrl: string;
}

/**
 * The checks that judge imported SARIF findings: one per control and severity the
 * mapping can produce (`sarif-encryption_at_rest-high` …). Each applies only to the
 * findings mapped to it, fails while the scanner reports them, and passes for
 * results the scanner reported as passing.
 */
export function createSarifChecks(
  mapping: SarifMapping,
  options: SarifChecksOptions,
): CheckDefinition[] {
  return mapping.targets().map(({ control, category, severity, weight }) => {
    const id = sarifCheckId(control, severity);
    const controlTitle = options.controlTitles.get(control) ?? control;
    return {
      id,
      title: `${controlTitle}: imported SARIF results (${severity})`,
      description: `Results of scanners in CI (tfsec, Trivy, Checkov or another SARIF producer) read from SARIF files and mapped onto the "${controlTitle}" control with ${severity} severity by securityPosture.providers.sarif.mapping. One finding covers one rule of one tool on one file, and stays open while the tool still reports it there. A failing result fails the control like a built-in check.`,
      severity,
      category,
      control,
      weight: weight ?? WEIGHT_BY_SEVERITY[severity],
      appliesTo: [SARIF_RESULT_TYPE],
      frameworks: {},
      remediation: {
        text: "Follow the scanner rule's guidance, which is linked in the finding's evidence. Then fix the file at the reported lines and let the pipeline publish a new SARIF report. You can also suppress the result in the scanner and give a justification, or declare an exemption.",
        url: options.remediationUrl,
      },
      origin: 'import',
      evaluate(resource: Resource<SarifFindingAttributes>): CheckOutcome {
        const a = resource.attributes;
        if (a.checkId !== id) return SKIP;
        if (a.outcome === 'pass') return PASS;
        return fail(a.failMessage, ...a.evidence);
      },
    };
  });
}

/** What mapping the results of a set of SARIF documents produced. */
export interface MappedFindings {
  resources: Resource<SarifFindingAttributes>[];
  /** Results no mapping rule matched, by tool and rule (for a warning). */
  unmapped: Map<string, number>;
  ignored: number;
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];
const MAX_LOCATIONS = 20;
const MAX_MESSAGES = 5;
const MAX_RULES = 20;
const MAX_TEXT = 400;

function clip(text: string): string {
  const line = text.trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

function place(l: ResultLocation): string {
  if (l.startLine === undefined) return l.uri;
  if (l.endLine !== undefined && l.endLine !== l.startLine) {
    return `${l.uri}:${l.startLine}-${l.endLine}`;
  }
  return `${l.uri}:${l.startLine}`;
}

const worse = (a: Severity, b: Severity) =>
  SEVERITY_ORDER.indexOf(a) < SEVERITY_ORDER.indexOf(b);

/**
 * Maps the results of SARIF documents and groups them into resources: one per
 * tool, rule and file, or one per tool, control and file for results of an
 * aggregating rule. `documents` carries each document with the name it was read
 * under (shown as the resource's source).
 */
export function mapFindings(
  documents: ReadonlyArray<{ file: string; parsed: ParsedSarif }>,
  mapping: SarifMapping,
  provider: string,
): MappedFindings {
  const groups = new Map<string, Resource<SarifFindingAttributes>>();
  const unmapped = new Map<string, number>();
  let ignored = 0;
  for (const { file, parsed } of documents) {
    for (const record of parsed.results) {
      const target = mapping.resolve(record);
      if (target === 'ignored') {
        ignored++;
        continue;
      }
      if (!target) {
        const key = `${record.tool} ${record.ruleId}`;
        unmapped.set(key, (unmapped.get(key) ?? 0) + 1);
        continue;
      }
      const tool = record.tool.toLowerCase();
      const uid = target.aggregate
        ? `sarif:${tool}/${target.control}@${record.uri}`
        : `sarif:${tool}/${record.ruleId}@${record.uri}`;
      let resource = groups.get(uid);
      if (!resource) {
        resource = {
          uid,
          type: SARIF_RESULT_TYPE,
          kind: record.tool,
          name: target.aggregate
            ? `${record.uri} (${target.control})`
            : `${record.ruleId} in ${record.uri}`,
          source: { format: 'sarif', file, provider, location: record.tool },
          attributes: {
            tool: record.tool,
            ...(record.toolVersion ? { toolVersion: record.toolVersion } : {}),
            ruleId: target.aggregate ? '*' : record.ruleId,
            ...(target.aggregate ? { rules: [] } : {}),
            title: target.aggregate ? `${record.tool} results` : record.title,
            ...(record.helpUri && !target.aggregate
              ? { helpUri: record.helpUri }
              : {}),
            checkId: sarifCheckId(target.control, target.severity),
            control: target.control,
            category: target.category,
            severity: target.severity,
            outcome: record.outcome,
            uri: record.uri,
            reports: [file],
            resultCount: 0,
            locations: [],
            messages: [],
            failMessage: '',
            evidence: [],
          },
        };
        groups.set(uid, resource);
      }
      const a = resource.attributes;
      a.resultCount++;
      if (!a.reports.includes(file)) a.reports.push(file);
      if (record.outcome === 'fail') a.outcome = 'fail';
      // The most severe result of the group decides.
      if (worse(target.severity, a.severity)) {
        a.severity = target.severity;
        a.checkId = sarifCheckId(a.control, target.severity);
      }
      if (a.rules && record.outcome === 'fail') {
        const known = a.rules.find(r => r.ruleId === record.ruleId);
        if (known) {
          if (worse(target.severity, known.severity))
            known.severity = target.severity;
        } else if (a.rules.length < MAX_RULES) {
          a.rules.push({ ruleId: record.ruleId, severity: target.severity });
        }
      }
      for (const l of record.locations) {
        if (a.locations.length >= MAX_LOCATIONS) break;
        if (!a.locations.some(x => place(x) === place(l))) a.locations.push(l);
      }
      const message = clip(record.message.split('\n')[0] ?? '');
      if (
        message &&
        a.messages.length < MAX_MESSAGES &&
        !a.messages.includes(message)
      ) {
        a.messages.push(message);
      }
    }
  }
  const resources = [...groups.values()].sort((x, y) =>
    x.uid.localeCompare(y.uid),
  );
  for (const r of resources) describe(r);
  return { resources, unmapped, ignored };
}

/** Fills a finding's message, evidence and raw form (once, when read). */
function describe(r: Resource<SarifFindingAttributes>) {
  const a = r.attributes;
  if (a.rules) {
    a.rules.sort(
      (x, y) =>
        SEVERITY_ORDER.indexOf(x.severity) -
          SEVERITY_ORDER.indexOf(y.severity) ||
        x.ruleId.localeCompare(y.ruleId),
    );
    const names = a.rules
      .slice(0, 5)
      .map(x => `${x.ruleId} (${x.severity})`)
      .join(', ');
    const more = a.rules.length > 5 ? ` and ${a.rules.length - 5} more` : '';
    a.failMessage = `${a.tool}: ${a.rules.length} rule(s) failing on ${a.uri}: ${names}${more}`;
    a.evidence = a.rules.map(x => ({
      path: a.uri,
      value: `${x.ruleId} (${x.severity})`,
    }));
  } else {
    const detail =
      a.messages[0] && a.messages[0] !== a.title ? ` (${a.messages[0]})` : '';
    const count = a.resultCount > 1 ? ` [${a.resultCount} results]` : '';
    a.failMessage = `${a.tool}: ${a.ruleId} on ${a.uri} — ${a.title}${detail}${count}`;
    a.evidence = a.locations.map(l => ({
      path: place(l),
      value: `${a.ruleId}: ${a.messages[0] ?? a.title}`,
    }));
    if (a.evidence.length === 0) {
      a.evidence.push({ path: a.uri, value: `${a.ruleId}: ${a.title}` });
    }
    if (a.helpUri) a.evidence.push({ path: 'rule.helpUri', value: a.helpUri });
  }
  // The raw form kept for evidence and policy engines: what the scanner said.
  r.raw = {
    tool: a.tool,
    toolVersion: a.toolVersion,
    ruleId: a.ruleId,
    rules: a.rules,
    title: a.title,
    helpUri: a.helpUri,
    severity: a.severity,
    outcome: a.outcome,
    uri: a.uri,
    locations: a.locations,
    messages: a.messages,
    reports: a.reports,
  };
}
