/**
 * Reading SARIF 2.1.0 logs (tfsec, Trivy, Checkov and any other SARIF producer)
 * into plain result records. Nothing here knows the scorecard: mapping results onto
 * controls happens in `mapping.ts`.
 */

/** SARIF result levels. */
export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** One location of a result. */
export interface ResultLocation {
  /** `artifactLocation.uri` as written (percent-decoded), relative to the scanned root. */
  uri: string;
  startLine?: number;
  endLine?: number;
}

/** One result of one run, with what its rule says about it. */
export interface SarifResultRecord {
  /** `tool.driver.name` (`tfsec`, `Trivy`, `Checkov` …). */
  tool: string;
  toolVersion?: string;
  ruleId: string;
  /** `rule.name` (Trivy: `Misconfiguration`, `Secret` …; Checkov: the check title). */
  ruleName?: string;
  /** Short description of the rule, or its name, or its id. */
  title: string;
  /** Rule text the default mapping matches keywords in. */
  ruleText: string;
  helpUri?: string;
  /** `properties.tags` of the rule and of the result. */
  tags: string[];
  /** `properties["security-severity"]` of the rule or result, when numeric. */
  securitySeverity?: number;
  /** The result's level, else its rule's default level, else `warning`. */
  level: SarifLevel;
  /** `pass` for results of kind `pass`; everything else imported is a failure. */
  outcome: 'fail' | 'pass';
  message: string;
  /** The first location's artifact (`(no location)` when the result has none). */
  uri: string;
  locations: ResultLocation[];
}

/** What was read from one SARIF document. */
export interface ParsedSarif {
  results: SarifResultRecord[];
  /** Tools and versions of the runs, for messages. */
  tools: string[];
  /** `tool.driver.name` of every run, even runs without results. */
  toolNames: string[];
  /** Results not imported: suppressed, absent from the baseline, not failures. */
  skipped: { suppressed: number; notFailures: number; absent: number };
  /** The document is not usable at all (not JSON, not SARIF 2.1.0): the entity is partial. */
  error?: string;
  /** Problems that do not make the document unusable (a run that failed, too many results). */
  warnings: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;
const text = (v: unknown): string | undefined =>
  isObject(v) ? str(v.text) ?? str(v.markdown) : undefined;

const LEVELS: readonly string[] = ['error', 'warning', 'note', 'none'];

function level(v: unknown): SarifLevel | undefined {
  return typeof v === 'string' && LEVELS.includes(v)
    ? (v as SarifLevel)
    : undefined;
}

function securitySeverity(...bags: unknown[]): number | undefined {
  for (const bag of bags) {
    if (!isObject(bag)) continue;
    const raw = bag['security-severity'];
    // A number, or its text ("8.8"); anything else is not a score.
    let n = Number.NaN;
    if (typeof raw === 'number') n = raw;
    else if (typeof raw === 'string') n = Number.parseFloat(raw);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function tagsOf(...bags: unknown[]): string[] {
  const out: string[] = [];
  for (const bag of bags) {
    if (!isObject(bag)) continue;
    for (const t of asArray(bag.tags)) {
      if (typeof t === 'string' && t.trim() && !out.includes(t.trim())) {
        out.push(t.trim());
      }
    }
  }
  return out;
}

function decodeUri(uri: string): string {
  let decoded = uri;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    // Keep it as written.
  }
  return decoded.replace(/^file:\/\//, '').replace(/^\.\//, '');
}

/** Whether SARIF says the result is suppressed (every suppression accepted). */
function isSuppressed(result: Json): boolean {
  const suppressions = asArray(result.suppressions);
  return (
    suppressions.length > 0 &&
    suppressions.every(
      s => !isObject(s) || s.status === undefined || s.status === 'accepted',
    )
  );
}

interface RunContext {
  tool: string;
  toolVersion?: string;
  rules: unknown[];
  extensions: unknown[];
  artifacts: unknown[];
}

function ruleFor(result: Json, run: RunContext): Json | undefined {
  const ref = isObject(result.rule) ? result.rule : undefined;
  const component = isObject(ref?.toolComponent)
    ? ref!.toolComponent
    : undefined;
  const rules =
    typeof component?.index === 'number'
      ? asArray((run.extensions[component.index] as Json | undefined)?.rules)
      : run.rules;
  let index: number | undefined;
  if (typeof result.ruleIndex === 'number') index = result.ruleIndex;
  else if (typeof ref?.index === 'number') index = ref.index;
  if (index !== undefined && isObject(rules[index]))
    return rules[index] as Json;
  const id = str(result.ruleId) ?? str(ref?.id);
  return id
    ? (rules.find(r => isObject(r) && r.id === id) as Json | undefined)
    : undefined;
}

function locationsOf(result: Json, run: RunContext): ResultLocation[] {
  const out: ResultLocation[] = [];
  for (const loc of asArray(result.locations)) {
    if (!isObject(loc) || !isObject(loc.physicalLocation)) continue;
    const physical = loc.physicalLocation;
    const artifact = isObject(physical.artifactLocation)
      ? physical.artifactLocation
      : undefined;
    let uri = str(artifact?.uri);
    if (!uri && typeof artifact?.index === 'number') {
      const described = run.artifacts[artifact.index];
      const location = isObject(described) ? described.location : undefined;
      uri = isObject(location) ? str(location.uri) : undefined;
    }
    if (!uri) continue;
    const region = isObject(physical.region) ? physical.region : undefined;
    const l: ResultLocation = { uri: decodeUri(uri) };
    if (typeof region?.startLine === 'number') l.startLine = region.startLine;
    if (typeof region?.endLine === 'number') l.endLine = region.endLine;
    out.push(l);
  }
  return out;
}

/** What a rule contributes to each of its results, derived once per run. */
interface RuleInfo {
  ruleName?: string;
  shortDescription?: string;
  title: string;
  ruleText: string;
  helpUri?: string;
  tags: string[];
  securitySeverity?: number;
  defaultLevel?: SarifLevel;
}

function ruleInfo(
  rule: Json | undefined,
  ruleId: string,
  cache: Map<string, RuleInfo>,
): RuleInfo {
  const key = `${ruleId}\u0000${str(rule?.id) ?? ''}`;
  const known = cache.get(key);
  if (known) return known;
  const ruleName = str(rule?.name);
  const shortDescription = text(rule?.shortDescription);
  const fullDescription = text(rule?.fullDescription);
  const helpUri = str(rule?.helpUri);
  const defaultConfiguration = isObject(rule?.defaultConfiguration)
    ? rule!.defaultConfiguration
    : undefined;
  const info: RuleInfo = {
    title: shortDescription ?? ruleName ?? ruleId,
    ruleText: [ruleId, ruleName, shortDescription, fullDescription]
      .filter(Boolean)
      .join(' \n '),
    tags: tagsOf(rule?.properties),
  };
  if (ruleName) info.ruleName = ruleName;
  if (shortDescription) info.shortDescription = shortDescription;
  if (helpUri && /^https?:\/\//i.test(helpUri)) info.helpUri = helpUri;
  const severity = securitySeverity(rule?.properties);
  if (severity !== undefined) info.securitySeverity = severity;
  const defaultLevel = level(defaultConfiguration?.level);
  if (defaultLevel) info.defaultLevel = defaultLevel;
  cache.set(key, info);
  return info;
}

/** Most results a document may contribute; the rest are reported, not read. */
export const MAX_RESULTS_PER_DOCUMENT = 20_000;

/**
 * Reads a SARIF 2.1.0 log. Imports failing results (kind `fail`, the default)
 * and passing ones (kind `pass`); suppressed results (every suppression accepted),
 * results absent from the baseline and other kinds (`open`, `review`,
 * `informational`, `notApplicable`) are counted and left out.
 */
export function parseSarif(content: string): ParsedSarif {
  const parsed: ParsedSarif = {
    results: [],
    tools: [],
    toolNames: [],
    skipped: { suppressed: 0, notFailures: 0, absent: 0 },
    warnings: [],
  };
  let doc: unknown;
  try {
    doc = JSON.parse(
      content.charCodeAt(0) === 0xfeff ? content.slice(1) : content,
    );
  } catch (e) {
    parsed.error = `not valid JSON: ${(e as Error).message}`;
    return parsed;
  }
  if (!isObject(doc) || !Array.isArray(doc.runs)) {
    parsed.error = 'not a SARIF log (no "runs" list)';
    return parsed;
  }
  if (doc.version !== '2.1.0') {
    parsed.error = `SARIF version ${JSON.stringify(
      doc.version,
    )} is not supported (2.1.0 is)`;
    return parsed;
  }
  let total = 0;
  for (const [r, rawRun] of doc.runs.entries()) {
    if (!isObject(rawRun)) continue;
    const tool = isObject(rawRun.tool) ? rawRun.tool : {};
    const driver = isObject(tool.driver) ? tool.driver : {};
    const run: RunContext = {
      tool: str(driver.name) ?? 'unknown tool',
      toolVersion: str(driver.version) ?? str(driver.semanticVersion),
      rules: asArray(driver.rules),
      extensions: asArray(tool.extensions),
      artifacts: asArray(rawRun.artifacts),
    };
    parsed.tools.push(
      run.toolVersion ? `${run.tool} ${run.toolVersion}` : run.tool,
    );
    if (!parsed.toolNames.includes(run.tool)) parsed.toolNames.push(run.tool);
    const ruleInfos = new Map<string, RuleInfo>();
    for (const invocation of asArray(rawRun.invocations)) {
      if (isObject(invocation) && invocation.executionSuccessful === false) {
        const notice = asArray(invocation.toolExecutionNotifications)
          .map(n => (isObject(n) ? text(n.message) : undefined))
          .find(Boolean);
        parsed.warnings.push(
          `${run.tool} (run ${r + 1}) did not complete${
            notice ? `: ${notice}` : ''
          }`,
        );
      }
    }
    for (const rawResult of asArray(rawRun.results)) {
      if (!isObject(rawResult)) continue;
      const kind = str(rawResult.kind) ?? 'fail';
      if (kind !== 'fail' && kind !== 'pass') {
        parsed.skipped.notFailures++;
        continue;
      }
      if (isSuppressed(rawResult)) {
        parsed.skipped.suppressed++;
        continue;
      }
      if (rawResult.baselineState === 'absent') {
        parsed.skipped.absent++;
        continue;
      }
      if (total >= MAX_RESULTS_PER_DOCUMENT) {
        parsed.warnings.push(
          `more than ${MAX_RESULTS_PER_DOCUMENT} results: the rest were not read`,
        );
        return parsed;
      }
      const rule = ruleFor(rawResult, run);
      const ruleId =
        str(rawResult.ruleId) ??
        (isObject(rawResult.rule) ? str(rawResult.rule.id) : undefined) ??
        str(rule?.id);
      if (!ruleId) {
        parsed.skipped.notFailures++;
        continue;
      }
      const info = ruleInfo(rule, ruleId, ruleInfos);
      const locations = locationsOf(rawResult, run);
      const resultTags = isObject(rawResult.properties)
        ? tagsOf(rawResult.properties)
        : [];
      const record: SarifResultRecord = {
        tool: run.tool,
        ruleId,
        title: info.title,
        ruleText: info.ruleText,
        tags:
          resultTags.length > 0
            ? [...new Set([...info.tags, ...resultTags])]
            : info.tags,
        level: level(rawResult.level) ?? info.defaultLevel ?? 'warning',
        outcome: kind === 'pass' ? 'pass' : 'fail',
        message: text(rawResult.message) ?? info.shortDescription ?? ruleId,
        uri: locations[0]?.uri ?? '(no location)',
        locations,
      };
      if (run.toolVersion) record.toolVersion = run.toolVersion;
      if (info.ruleName) record.ruleName = info.ruleName;
      if (info.helpUri) record.helpUri = info.helpUri;
      const severity =
        securitySeverity(rawResult.properties) ?? info.securitySeverity;
      if (severity !== undefined) record.securitySeverity = severity;
      parsed.results.push(record);
      total++;
    }
  }
  return parsed;
}
