import { parseDocument } from 'yaml';
import {
  CATEGORY_IDS,
  SEVERITIES,
  type CategoryId,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import { DEFAULT_CONTROLS, type ScorecardControl } from './defaultScorecard';
import { yamlShapeProblem } from '../scan/parse';

/**
 * How a control turns its resource×check results into points:
 * - `strict` (default): the control earns its full weight only if every applicable
 *   result passes, otherwise nothing;
 * - `proportional`: weight × passed / evaluated.
 */
export type ControlMode = 'strict' | 'proportional';

/** Overrides for one scorecard control (or the definition of an extra control). */
export interface ControlOverride {
  title?: string;
  /** Required when the id is not one of the default controls. */
  category?: CategoryId;
  weight?: number;
  mode?: ControlMode;
  description?: string;
  /** `false` drops the control (and the checks feeding it) from the scorecard. */
  enabled?: boolean;
}

/** Overrides for one check. */
export interface CheckOverride {
  /** `false` disables the check. */
  enabled?: boolean;
  severity?: Severity;
  /** Control the check feeds (must exist, and have the check's category). */
  control?: string;
  weight?: number;
  /** Internal runbook instead of the built-in guidance URL. */
  remediationUrl?: string;
  remediationText?: string;
}

/**
 * Scoring configuration: the same shape in `app-config.yaml` (under
 * `securityPosture.scoring`) and in a CLI `--config` file.
 */
export interface ScoringConfig {
  /** Default mode of every control; `strict` when absent. */
  mode?: ControlMode;
  controls?: Record<string, ControlOverride>;
  checks?: Record<string, CheckOverride>;
}

/** A scorecard control with the configuration applied. */
export interface ResolvedControl extends ScorecardControl {
  mode: ControlMode;
}

/** A problem found in a scoring configuration. */
export interface ConfigError {
  /** Path inside the configuration, e.g. `checks.k8s-privileged.severity`. */
  path: string;
  message: string;
}

/**
 * The scorecard controls with a configuration applied: weights, titles, modes,
 * disabled controls and extra controls. Throws on an invalid configuration; call
 * {@link validateScoringConfig} first to report errors instead.
 */
export function resolveControls(
  config: ScoringConfig = {},
  base: readonly ScorecardControl[] = DEFAULT_CONTROLS,
): ResolvedControl[] {
  const errors = validateScoringConfig(config, base);
  if (errors.length > 0) {
    throw new Error(
      `Invalid scoring configuration: ${errors
        .map(e => `${e.path}: ${e.message}`)
        .join('; ')}`,
    );
  }
  const defaultMode = config.mode ?? 'strict';
  const overrides = config.controls ?? {};
  const result: ResolvedControl[] = [];
  const known = new Set<string>();
  for (const control of base) {
    known.add(control.id);
    const o = overrides[control.id];
    if (o?.enabled === false) continue;
    result.push({
      ...control,
      title: o?.title ?? control.title,
      description: o?.description ?? control.description,
      weight: o?.weight ?? control.weight,
      mode: o?.mode ?? defaultMode,
    });
  }
  for (const [id, o] of Object.entries(overrides)) {
    if (known.has(id) || o.enabled === false) continue;
    result.push({
      id,
      title: o.title ?? id,
      category: o.category!,
      weight: o.weight!,
      description: o.description ?? '',
      mode: o.mode ?? defaultMode,
    });
  }
  return result;
}

const MODES: readonly string[] = ['strict', 'proportional'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkWeight(value: unknown, path: string, errors: ConfigError[]) {
  if (
    value !== undefined &&
    (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
  ) {
    errors.push({
      path,
      message: `must be a number >= 0, got ${JSON.stringify(value)}`,
    });
  }
}

function checkString(value: unknown, path: string, errors: ConfigError[]) {
  if (value !== undefined && typeof value !== 'string') {
    errors.push({
      path,
      message: `must be a string, got ${JSON.stringify(value)}`,
    });
  }
}

function checkBoolean(value: unknown, path: string, errors: ConfigError[]) {
  if (value !== undefined && typeof value !== 'boolean') {
    errors.push({
      path,
      message: `must be true or false, got ${JSON.stringify(value)}`,
    });
  }
}

function checkEnum(
  value: unknown,
  allowed: readonly string[],
  path: string,
  errors: ConfigError[],
) {
  if (
    value !== undefined &&
    (typeof value !== 'string' || !allowed.includes(value))
  ) {
    errors.push({
      path,
      message: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(
        value,
      )}`,
    });
  }
}

function checkUrl(value: unknown, path: string, errors: ConfigError[]) {
  if (value === undefined) return;
  if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/.test(value)) {
    errors.push({
      path,
      message: `must be an http(s) URL, got ${JSON.stringify(value)}`,
    });
  }
}

/**
 * Validates a scoring configuration (e.g. read from a file) and returns every
 * problem, with its path. Check ids are not checked against a catalogue here (see
 * `applyCheckOverrides`), control ids are checked against `base` plus the extra
 * controls the configuration defines.
 */
export function validateScoringConfig(
  config: unknown,
  base: readonly ScorecardControl[] = DEFAULT_CONTROLS,
): ConfigError[] {
  const errors: ConfigError[] = [];
  if (config === undefined || config === null) return errors;
  if (!isRecord(config)) {
    return [{ path: '', message: 'must be an object' }];
  }
  for (const key of Object.keys(config)) {
    if (!['mode', 'controls', 'checks'].includes(key)) {
      errors.push({
        path: key,
        message: 'unknown key (expected mode, controls, checks)',
      });
    }
  }
  checkEnum(config.mode, MODES, 'mode', errors);
  const controlIds = new Set(base.map(c => c.id));
  if (config.controls !== undefined) {
    if (!isRecord(config.controls)) {
      errors.push({ path: 'controls', message: 'must be an object' });
    } else {
      for (const [id, o] of Object.entries(config.controls)) {
        const p = `controls.${id}`;
        if (!isRecord(o)) {
          errors.push({ path: p, message: 'must be an object' });
          continue;
        }
        checkString(o.title, `${p}.title`, errors);
        checkString(o.description, `${p}.description`, errors);
        checkWeight(o.weight, `${p}.weight`, errors);
        checkEnum(o.mode, MODES, `${p}.mode`, errors);
        checkEnum(o.category, CATEGORY_IDS, `${p}.category`, errors);
        checkBoolean(o.enabled, `${p}.enabled`, errors);
        const baseControl = base.find(c => c.id === id);
        if (baseControl) {
          if (o.category !== undefined && o.category !== baseControl.category) {
            errors.push({
              path: `${p}.category`,
              message: `cannot move control ${id} out of ${baseControl.category}`,
            });
          }
        } else if (o.enabled !== false) {
          if (o.category === undefined || o.weight === undefined) {
            errors.push({
              path: p,
              message: `is not a default control; a new control needs a category and a weight`,
            });
          }
          controlIds.add(id);
        }
      }
    }
  }
  if (config.checks !== undefined) {
    if (!isRecord(config.checks)) {
      errors.push({ path: 'checks', message: 'must be an object' });
    } else {
      for (const [id, o] of Object.entries(config.checks)) {
        const p = `checks.${id}`;
        if (!isRecord(o)) {
          errors.push({ path: p, message: 'must be an object' });
          continue;
        }
        checkBoolean(o.enabled, `${p}.enabled`, errors);
        checkEnum(o.severity, SEVERITIES, `${p}.severity`, errors);
        checkWeight(o.weight, `${p}.weight`, errors);
        checkUrl(o.remediationUrl, `${p}.remediationUrl`, errors);
        checkString(o.remediationText, `${p}.remediationText`, errors);
        checkString(o.control, `${p}.control`, errors);
        if (typeof o.control === 'string' && !controlIds.has(o.control)) {
          errors.push({
            path: `${p}.control`,
            message: `unknown control ${JSON.stringify(o.control)}`,
          });
        }
        for (const key of Object.keys(o)) {
          if (
            ![
              'enabled',
              'severity',
              'control',
              'weight',
              'remediationUrl',
              'remediationText',
            ].includes(key)
          ) {
            errors.push({ path: `${p}.${key}`, message: 'unknown key' });
          }
        }
      }
    }
  }
  return errors;
}

/**
 * Reads a scoring configuration file (YAML or JSON): either the configuration
 * itself, or an app-config style document with it under `securityPosture.scoring`.
 * Returns the configuration and every problem found, with its path.
 */
export function parseScoringConfig(
  text: string,
  source: string,
): {
  config?: ScoringConfig;
  errors: Array<{ source: string; message: string }>;
} {
  const problems = (list: ConfigError[]) =>
    list.map(e => ({
      source,
      message: e.path ? `${e.path}: ${e.message}` : e.message,
    }));
  if (text.length > 4 * 1024 * 1024) {
    return { errors: [{ source, message: 'file is larger than 4 MiB' }] };
  }
  const tooDeep = yamlShapeProblem(text);
  if (tooDeep) {
    return { errors: [{ source, message: `invalid YAML: ${tooDeep}` }] };
  }
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false });
  } catch (e) {
    return { errors: [{ source, message: String(e) }] };
  }
  if (doc.errors.length > 0) {
    return {
      errors: [{ source, message: `invalid YAML: ${doc.errors[0].message}` }],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { errors: [{ source, message: (e as Error).message }] };
  }
  if (value === null || value === undefined) return { config: {}, errors: [] };
  if (isRecord(value) && isRecord(value.securityPosture)) {
    value = value.securityPosture.scoring ?? {};
  }
  const errors = validateScoringConfig(value);
  if (errors.length > 0) return { errors: problems(errors) };
  return { config: value as ScoringConfig, errors: [] };
}
