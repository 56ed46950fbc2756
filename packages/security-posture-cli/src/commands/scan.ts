import { promises as fs } from 'node:fs';
import {
  SEVERITIES,
  severityRank,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import {
  BUILTIN_CHECKS,
  createPostureEngine,
  loadPolicyDirectory,
  parseExemptions,
  parseScoringConfig,
  scanPaths,
  uniqueResourceIds,
  unknownCheckOverrides,
  type Assessment,
  type CheckDefinition,
  type Exemption,
  type Resource,
  type ScoringConfig,
} from '@internal/security-posture-engine';
import { buildJsonReport } from '../report/json';
import { buildSarif } from '../report/sarif';
import { COLOR, PLAIN, renderTable } from '../report/table';
import type { GateResult, ReportError, ScanReportInput } from '../report/types';
import { UsageError, type CliIo } from '../io';

/** Options of `security-posture scan`. */
export interface ScanCommandOptions {
  format: 'table' | 'json' | 'sarif';
  failUnder?: number;
  failOn?: Severity;
  exemptions: string[];
  policy: string[];
  config?: string;
  entity?: string;
  output?: string;
  color?: boolean;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} ${path}: ${
        code === 'ENOENT' ? 'no such file' : (e as Error).message
      }`,
    );
  }
}

async function loadConfig(path: string | undefined): Promise<ScoringConfig> {
  if (!path) return {};
  const { config, errors } = parseScoringConfig(
    await readText(path, 'config file'),
    path,
  );
  if (errors.length > 0 || !config) {
    throw new UsageError(
      `invalid config file ${path}:\n${errors
        .map(e => `  ${e.message}`)
        .join('\n')}`,
    );
  }
  return config;
}

async function loadExemptions(paths: string[]): Promise<Exemption[]> {
  const all: Exemption[] = [];
  for (const path of paths) {
    const { exemptions, errors } = parseExemptions(
      await readText(path, 'exemption file'),
      path,
    );
    if (errors.length > 0) {
      throw new UsageError(
        `invalid exemption file ${path}:\n${errors
          .map(e => `  ${e.message}`)
          .join('\n')}`,
      );
    }
    all.push(...exemptions);
  }
  return all;
}

async function loadPolicies(
  dirs: string[],
  errors: ReportError[],
  warnings: ReportError[],
): Promise<CheckDefinition[]> {
  const checks: CheckDefinition[] = [];
  for (const dir of dirs) {
    try {
      await fs.stat(dir);
    } catch {
      throw new UsageError(`policy path does not exist: ${dir}`);
    }
    const loaded = await loadPolicyDirectory(dir);
    if (loaded.files === 0 && loaded.errors.length === 0) {
      throw new UsageError(`no policy files (.yaml, .yml, .json) under ${dir}`);
    }
    checks.push(...loaded.checks);
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
  }
  return checks;
}

/** Judges an assessment by `--fail-under` (exemption-adjusted score) and `--fail-on`. */
export function evaluateGate(
  assessment: Assessment,
  failUnder: number | undefined,
  failOn: Severity | undefined,
): GateResult {
  const reasons: string[] = [];
  if (failUnder !== undefined) {
    const percent = assessment.score.adjustedScore.percent;
    if (percent === null) {
      if (failUnder > 0) {
        reasons.push(
          `no score: nothing the scorecard applies to was found (--fail-under ${failUnder})`,
        );
      }
    } else if (percent < failUnder) {
      reasons.push(`score ${percent}% is below --fail-under ${failUnder}%`);
    }
  }
  if (failOn !== undefined) {
    const limit = severityRank(failOn);
    const count = assessment.findings.filter(
      f => f.status === 'fail' && severityRank(f.severity) <= limit,
    ).length;
    if (count > 0) {
      reasons.push(
        `${count} failing finding(s) at or above severity ${failOn} (--fail-on ${failOn})`,
      );
    }
  }
  return {
    ...(failUnder !== undefined ? { failUnder } : {}),
    ...(failOn !== undefined ? { failOn } : {}),
    passed: reasons.length === 0,
    reasons,
  };
}

/** Runs `security-posture scan`; returns the exit code. */
export async function runScan(
  paths: string[],
  options: ScanCommandOptions,
  io: CliIo,
): Promise<number> {
  for (const path of paths) {
    try {
      await fs.stat(path);
    } catch {
      throw new UsageError(`path does not exist: ${path}`);
    }
  }
  if (options.failOn !== undefined && !SEVERITIES.includes(options.failOn)) {
    throw new UsageError(
      `--fail-on must be one of ${SEVERITIES.join(', ')}, got ${
        options.failOn
      }`,
    );
  }
  const errors: ReportError[] = [];
  const warnings: ReportError[] = [];
  const config = await loadConfig(options.config);
  const exemptions = await loadExemptions(options.exemptions);
  const policyChecks = await loadPolicies(options.policy, errors, warnings);

  const allChecks = [...BUILTIN_CHECKS, ...policyChecks];
  for (const id of unknownCheckOverrides(allChecks, config)) {
    warnings.push({
      source: options.config!,
      message: `checks.${id}: no such check (ignored)`,
    });
  }
  let engine;
  try {
    engine = createPostureEngine({
      checks: allChecks,
      config,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const resources: Resource[] = [];
  const unique = uniqueResourceIds();
  const documentLines = new Map<string, number[]>();
  let files = 0;
  let ignored = 0;
  let readable = 0;
  let sourceFailed = false;
  for await (const file of scanPaths(paths)) {
    files++;
    ignored += file.ignored;
    if (!file.errors.some(e => e.unreadable) || file.resources.length > 0) {
      readable++;
    }
    for (const r of file.resources) resources.push(unique(r));
    for (const e of file.errors) {
      errors.push({ source: e.source, message: e.message });
      if (e.unreadable) sourceFailed = true;
    }
    documentLines.set(file.file, file.documentLines);
  }
  if (files === 0) {
    throw new UsageError(
      `no YAML or JSON files found under ${paths.join(', ')}`,
    );
  }

  const assessment = engine.assess(resources, {
    entity: options.entity,
    exemptions,
    sourceFailed,
  });
  const gate = evaluateGate(assessment, options.failUnder, options.failOn);
  const input: ScanReportInput = {
    assessment,
    checks: engine.checks,
    errors,
    warnings,
    files,
    ignored,
    resources: resources.length,
    documentLines,
    cwd: io.cwd,
    gate,
  };

  let text: string;
  if (options.format === 'json') {
    text = `${JSON.stringify(buildJsonReport(input), null, 2)}\n`;
  } else if (options.format === 'sarif') {
    text = `${JSON.stringify(buildSarif(input, io.version), null, 2)}\n`;
  } else {
    const color = options.color !== false && io.color;
    text = renderTable(input, color && !options.output ? COLOR : PLAIN);
  }
  if (options.output) {
    await fs.writeFile(options.output, text);
  } else {
    io.stdout(text);
  }
  if (warnings.length > 0 && options.format === 'table') {
    io.stderr(
      `\n${warnings.length} warning(s):\n${warnings
        .map(w => `  ${w.source}: ${w.message}`)
        .join('\n')}\n`,
    );
  }
  if (errors.length > 0) {
    if (options.format === 'table') {
      io.stderr(
        `\n${errors.length} problem(s) reading the input:\n${errors
          .map(e => `  ${e.source}: ${e.message}`)
          .join('\n')}\n`,
      );
    } else {
      io.stderr(
        `security-posture: ${errors.length} problem(s) reading the input; see "errors" in the report\n`,
      );
    }
  }

  if (readable === 0) {
    io.stderr('security-posture: no input file could be read\n');
    return 2;
  }
  return gate.passed ? 0 : 1;
}
