import type { Config } from '@backstage/config';
import {
  CATEGORY_IDS,
  SEVERITIES,
  type CategoryId,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import {
  DEFAULT_CONTROLS,
  resolveControls,
  type ScoringConfig,
} from '@internal/security-posture-engine';
import { resolve as resolvePath } from 'node:path';
import {
  CATEGORY_DEFAULT_CONTROLS,
  compileRules,
  DEFAULT_MAPPING,
  SarifMapping,
  type MappingMatch,
  type MappingRule,
} from './mapping';
import type { SarifLevel } from './sarif';

/** Everything the SARIF module reads from `securityPosture.providers.sarif`. */
export interface SarifProviderConfig {
  enabled: boolean;
  /** Absolute directories SARIF files of `file:` catalog locations may be read from. */
  localRoots: string[];
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
  /** Configured rules, then (unless switched off) the defaults. */
  mapping: SarifMapping;
  /** Control id → title of the scorecard's controls. */
  controlTitles: Map<string, string>;
  remediationUrl: string;
  /** Problems that do not stop the module (a rule feeding a disabled control). */
  warnings: string[];
}

const MiB = 1024 * 1024;
const LEVELS: readonly SarifLevel[] = ['error', 'warning', 'note', 'none'];

function fail(message: string): never {
  throw new Error(`securityPosture.providers.sarif: ${message}`);
}

function positiveInt(
  config: Config | undefined,
  key: string,
  fallback: number,
) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    fail(`${key} must be a whole number >= 1, got ${value}`);
  }
  return value;
}

function readRule(
  c: Config,
  i: number,
  controls: ReadonlyMap<string, CategoryId>,
  known: ReadonlySet<string>,
  warnings: string[],
): MappingRule {
  const at = `mapping[${i}]`;
  const match: MappingMatch = {};
  const m = c.getOptionalConfig('match');
  for (const key of ['tool', 'ruleId', 'tag', 'level', 'text'] as const) {
    const value = m?.getOptional(key);
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.some(v => typeof v !== 'string' || !v)) {
      fail(`${at}.match.${key} must be a pattern or a list of patterns`);
    }
    match[key] = value as string | string[];
  }
  for (const l of [match.level ?? []].flat()) {
    if (!LEVELS.includes(l as SarifLevel)) {
      fail(`${at}.match.level: "${l}" is not one of ${LEVELS.join(', ')}`);
    }
  }
  if (Object.keys(match).length === 0) {
    fail(
      `${at}.match matches every result; give tool, ruleId, tag, level or text`,
    );
  }
  const rule: MappingRule = { match };
  if (c.getOptionalBoolean('ignore')) {
    rule.ignore = true;
    return rule;
  }
  const category = c.getOptionalString('category');
  if (
    category !== undefined &&
    !CATEGORY_IDS.includes(category as CategoryId)
  ) {
    fail(
      `${at}.category: "${category}" is not one of ${CATEGORY_IDS.join(', ')}`,
    );
  }
  const control =
    c.getOptionalString('control') ??
    (category ? CATEGORY_DEFAULT_CONTROLS[category as CategoryId] : undefined);
  if (!control) fail(`${at} needs a control or a category (or ignore: true)`);
  if (!known.has(control)) {
    fail(`${at}.control: "${control}" is not a scorecard control`);
  }
  const controlCategory = controls.get(control);
  if (!controlCategory) {
    warnings.push(
      `${at} feeds control "${control}", which is disabled in securityPosture.scoring: its results are not imported`,
    );
  } else if (category && category !== controlCategory) {
    fail(
      `${at}: control "${control}" is in category ${controlCategory}, not ${category}`,
    );
  }
  rule.control = control;
  if (category) rule.category = category as CategoryId;
  const severity = c.getOptionalString('severity');
  if (severity !== undefined) {
    if (!SEVERITIES.includes(severity as Severity)) {
      fail(
        `${at}.severity: "${severity}" is not one of ${SEVERITIES.join(', ')}`,
      );
    }
    rule.severity = severity as Severity;
  }
  const weight = c.getOptionalNumber('weight');
  if (weight !== undefined) {
    if (!Number.isFinite(weight) || weight < 0) {
      fail(`${at}.weight must be a number >= 0, got ${weight}`);
    }
    rule.weight = weight;
  }
  if (c.getOptionalBoolean('aggregate')) rule.aggregate = true;
  return rule;
}

/**
 * Reads and validates `securityPosture.providers.sarif`, against the scorecard of
 * `securityPosture.scoring` (mapping rules may feed its extra controls). Local
 * roots default to those of the manifests provider.
 */
export function readSarifProviderConfig(root: Config): SarifProviderConfig {
  const c = root.getOptionalConfig('securityPosture.providers.sarif');
  const scoring = (root.getOptional('securityPosture.scoring') ??
    {}) as ScoringConfig;
  const resolved = resolveControls(scoring);
  const controls = new Map(resolved.map(r => [r.id, r.category]));
  const known = new Set([
    ...DEFAULT_CONTROLS.map(d => d.id),
    ...Object.keys(scoring.controls ?? {}),
  ]);
  const warnings: string[] = [];
  const configured = (c?.getOptionalConfigArray('mapping') ?? []).map((r, i) =>
    readRule(r, i, controls, known, warnings),
  );
  const rules = [
    ...compileRules(configured, 'mapping'),
    ...(c?.getOptionalBoolean('useDefaultMapping') === false
      ? []
      : compileRules(DEFAULT_MAPPING, 'default')),
  ];
  const localRoots =
    c?.getOptionalStringArray('localRoots') ??
    root.getOptionalStringArray(
      'securityPosture.providers.manifests.localRoots',
    ) ??
    [];
  const remediationUrl =
    c?.getOptionalString('remediationUrl') ??
    'https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html';
  if (!/^https?:\/\//.test(remediationUrl)) {
    fail(`remediationUrl must be an http(s) URL, got "${remediationUrl}"`);
  }
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    localRoots: localRoots.map(p => resolvePath(p)),
    maxFileBytes: positiveInt(c, 'maxFileBytes', 20 * MiB),
    maxFiles: positiveInt(c, 'maxFiles', 50),
    maxTotalBytes: positiveInt(c, 'maxTotalBytes', 100 * MiB),
    mapping: new SarifMapping(rules, controls),
    controlTitles: new Map(resolved.map(r => [r.id, r.title])),
    remediationUrl,
    warnings,
  };
}
