import {
  FRAMEWORK_TITLES,
  type CheckCatalogue,
  type Finding,
  type FrameworkId,
} from '@internal/backstage-plugin-security-posture-common';

/** Compliance of one team with one framework. */
export interface FrameworkCompliance {
  id: FrameworkId;
  title: string;
  /** Framework controls evidenced by at least one enabled check. */
  total: number;
  /** Controls with no open failing finding. */
  passing: number;
  /** Ids of the controls with an open failing finding. */
  failing: string[];
}

/**
 * Share of passing framework controls for a team: a framework control is failing
 * when a check mapped onto it has an open finding among the given findings;
 * every other control evidenced by the catalogue counts as passing.
 */
export function deriveFrameworkCompliance(
  catalogue: CheckCatalogue,
  openFindings: Finding[],
): FrameworkCompliance[] {
  const checks = new Map(catalogue.checks.map(c => [c.id, c]));
  const frameworks =
    catalogue.frameworks.length > 0
      ? catalogue.frameworks
      : (Object.keys(FRAMEWORK_TITLES) as FrameworkId[]);
  return frameworks.map(id => {
    const controls = new Set<string>();
    for (const check of catalogue.checks) {
      for (const control of check.frameworks[id] ?? []) controls.add(control);
    }
    const failing = new Set<string>();
    for (const finding of openFindings) {
      if (finding.status !== 'open') continue;
      for (const control of checks.get(finding.checkId)?.frameworks[id] ?? []) {
        failing.add(control);
      }
    }
    return {
      id,
      title: FRAMEWORK_TITLES[id] ?? id,
      total: controls.size,
      passing: controls.size - failing.size,
      failing: [...failing].sort(),
    };
  });
}
