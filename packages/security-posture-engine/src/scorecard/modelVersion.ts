import { createHash } from 'node:crypto';
import type { CheckDefinition } from '../model/check';
import type { ResolvedControl } from './config';

/**
 * Version of a scoring model: a short hash over the controls (id, category,
 * weight, mode) and the enabled checks (id, control, weight). It changes when a
 * check is enabled or disabled, a check moves to another control, or a weight or
 * mode changes, so a trend can tell "posture changed" from "the rules changed".
 * Titles, texts, severities and remediation links do not change it.
 */
export function computeModelVersion(
  controls: readonly ResolvedControl[],
  checks: readonly CheckDefinition[],
): string {
  const model = {
    controls: controls
      .map(c => [c.id, c.category, c.weight, c.mode])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    checks: checks
      .map(c => [c.id, c.control, c.weight])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  };
  const hash = createHash('sha256')
    .update(JSON.stringify(model))
    .digest('hex')
    .slice(0, 12);
  return `sp1-${hash}`;
}
