import {
  CATEGORY_IDS,
  SEVERITIES,
} from '@internal/backstage-plugin-security-posture-common';
import type { CheckDefinition } from '../model/check';
import {
  DEFAULT_CONTROLS,
  type ScorecardControl,
} from '../scorecard/defaultScorecard';

/** A problem in a check catalogue. */
export interface CatalogProblem {
  checkId: string;
  message: string;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Validates a check catalogue: unique ids, complete metadata (title, description,
 * severity, category, weight, applicable types, remediation text and an http(s)
 * URL), and a control that exists in `controls` with the check's category.
 */
export function validateCatalog(
  checks: readonly CheckDefinition[],
  controls: readonly ScorecardControl[] = DEFAULT_CONTROLS,
): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const controlById = new Map(controls.map(c => [c.id, c]));
  const seen = new Set<string>();
  for (const check of checks) {
    const id = check.id;
    const problem = (message: string) =>
      problems.push({ checkId: id, message });
    if (typeof id !== 'string' || id.trim() === '') {
      problem('has no id');
      continue;
    }
    if (seen.has(id)) problem('duplicate check id');
    seen.add(id);
    if (!check.title?.trim()) problem('has no title');
    if (!check.description?.trim()) problem('has no description');
    if (!SEVERITIES.includes(check.severity)) {
      problem(`invalid severity ${JSON.stringify(check.severity)}`);
    }
    if (!CATEGORY_IDS.includes(check.category)) {
      problem(`invalid category ${JSON.stringify(check.category)}`);
    }
    if (
      typeof check.weight !== 'number' ||
      !Number.isFinite(check.weight) ||
      check.weight < 0
    ) {
      problem(`invalid weight ${JSON.stringify(check.weight)}`);
    }
    if (!Array.isArray(check.appliesTo) || check.appliesTo.length === 0) {
      problem('applies to no resource type');
    }
    if (typeof check.evaluate !== 'function')
      problem('has no evaluate function');
    if (!check.remediation?.text?.trim()) problem('has no remediation text');
    if (!isHttpUrl(check.remediation?.url)) {
      problem(
        `remediation URL ${JSON.stringify(
          check.remediation?.url,
        )} is not an http(s) URL`,
      );
    }
    const control = controlById.get(check.control);
    if (!control) {
      problem(`feeds unknown control ${JSON.stringify(check.control)}`);
    } else if (control.category !== check.category) {
      problem(
        `has category ${check.category} but its control ${control.id} is in ${control.category}`,
      );
    }
  }
  return problems;
}
