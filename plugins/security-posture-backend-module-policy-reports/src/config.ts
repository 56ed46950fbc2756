import type { Config } from '@backstage/config';
import {
  CATEGORY_IDS,
  SEVERITIES,
  type CategoryId,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import type { MappingMatch, MappingRule } from './mapping';

/**
 * Everything the module reads from `securityPosture.providers.policyReports`.
 * The clusters themselves (URL, credentials, TLS, timeouts) are those of
 * `securityPosture.providers.kubernetes.clusters`: one place for credentials.
 * @public
 */
export interface PolicyReportsConfig {
  enabled: boolean;
  /** Names of the Kubernetes clusters to import from; all when absent. */
  clusters?: string[];
  /** What a `warn` result counts as. */
  warnAs: 'fail' | 'skip';
  /** Your rules, tried before the defaults. */
  mapping: MappingRule[];
  useDefaultMapping: boolean;
}

const ROOT = 'securityPosture.providers.policyReports';
const MATCH_FIELDS: ReadonlyArray<keyof MappingMatch> = [
  'source',
  'policy',
  'rule',
  'category',
  'severity',
  'id',
];

function readMatch(value: unknown, where: string): MappingMatch {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}.match must be an object`);
  }
  const match: MappingMatch = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(MATCH_FIELDS as readonly string[]).includes(key)) {
      throw new Error(
        `${where}.match.${key} is not a match field; use ${MATCH_FIELDS.join(
          ', ',
        )}`,
      );
    }
    const ok =
      typeof v === 'string' ||
      (Array.isArray(v) && v.every(item => typeof item === 'string'));
    if (!ok) {
      throw new Error(
        `${where}.match.${key} must be a string or a list of strings`,
      );
    }
    match[key as keyof MappingMatch] = v as string | string[];
  }
  return match;
}

function readRule(c: Config, where: string): MappingRule {
  const rule: MappingRule = {
    match: readMatch(c.getOptional('match') ?? {}, where),
  };
  const control = c.getOptionalString('control');
  if (control) rule.control = control;
  const category = c.getOptionalString('category');
  if (category !== undefined) {
    if (!(CATEGORY_IDS as readonly string[]).includes(category)) {
      throw new Error(
        `${where}.category must be one of ${CATEGORY_IDS.join(', ')}`,
      );
    }
    rule.category = category as CategoryId;
  }
  const severity = c.getOptionalString('severity');
  if (severity !== undefined) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(
        `${where}.severity must be one of ${SEVERITIES.join(', ')}`,
      );
    }
    rule.severity = severity as Severity;
  }
  const weight = c.getOptionalNumber('weight');
  if (weight !== undefined) rule.weight = weight;
  const aggregate = c.getOptionalBoolean('aggregate');
  if (aggregate !== undefined) rule.aggregate = aggregate;
  const warnAs = c.getOptionalString('warnAs');
  if (warnAs !== undefined) {
    if (warnAs !== 'fail' && warnAs !== 'skip') {
      throw new Error(`${where}.warnAs must be fail or skip`);
    }
    rule.warnAs = warnAs;
  }
  const ignore = c.getOptionalBoolean('ignore');
  if (ignore !== undefined) rule.ignore = ignore;
  return rule;
}

/**
 * Reads `securityPosture.providers.policyReports`; throws on invalid
 * configuration, naming the key.
 * @public
 */
export function readPolicyReportsConfig(root: Config): PolicyReportsConfig {
  const c = root.getOptionalConfig(ROOT);
  const warnAs = c?.getOptionalString('warnAs') ?? 'skip';
  if (warnAs !== 'fail' && warnAs !== 'skip') {
    throw new Error(`${ROOT}.warnAs must be fail or skip`);
  }
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    clusters: c?.getOptionalStringArray('clusters'),
    warnAs,
    mapping: (c?.getOptionalConfigArray('mapping') ?? []).map((r, i) =>
      readRule(r, `${ROOT}.mapping[${i}]`),
    ),
    useDefaultMapping: c?.getOptionalBoolean('useDefaultMapping') ?? true,
  };
}
