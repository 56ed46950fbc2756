import type { CheckDefinition } from '../model/check';
import type { ScoringConfig } from '../scorecard/config';

/**
 * Applies the `checks` section of a scoring configuration: drops disabled checks
 * and overrides severity, control, weight and remediation. Checks the
 * configuration does not name are returned unchanged (same objects). Controls
 * disabled in `config.controls` also disable the checks that feed them.
 */
export function applyCheckOverrides(
  checks: readonly CheckDefinition[],
  config: ScoringConfig = {},
): CheckDefinition[] {
  const overrides = config.checks ?? {};
  const disabledControls = new Set(
    Object.entries(config.controls ?? {})
      .filter(([, c]) => c.enabled === false)
      .map(([id]) => id),
  );
  const result: CheckDefinition[] = [];
  for (const check of checks) {
    const o = overrides[check.id];
    if (o?.enabled === false) continue;
    const control = o?.control ?? check.control;
    if (disabledControls.has(control)) continue;
    if (!o) {
      result.push(check);
      continue;
    }
    result.push({
      ...check,
      severity: o.severity ?? check.severity,
      control,
      weight: o.weight ?? check.weight,
      remediation: {
        text: o.remediationText ?? check.remediation.text,
        url: o.remediationUrl ?? check.remediation.url,
      },
    });
  }
  return result;
}

/** Ids named in `config.checks` that are not in the catalogue (likely typos). */
export function unknownCheckOverrides(
  checks: readonly CheckDefinition[],
  config: ScoringConfig = {},
): string[] {
  const ids = new Set(checks.map(c => c.id));
  return Object.keys(config.checks ?? {}).filter(id => !ids.has(id));
}
