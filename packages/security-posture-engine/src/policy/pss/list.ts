import { PodSecuritySemantics, selectChecks } from './registry';
import { parsePodSecurityVersion } from './versions';

/** A check that applies at a level and version. */
export interface PodSecurityCheckInfo {
  /** Pod Security Admission check id. */
  id: string;
  /** The level that introduced it. */
  level: 'baseline' | 'restricted';
  controlName: string;
}

/**
 * The checks that apply at a level and version (empty for `privileged`), in the order
 * they are evaluated. Throws for a malformed version.
 */
export function listPodSecurityChecks(
  level: 'privileged' | 'baseline' | 'restricted',
  version?: string,
  semantics: PodSecuritySemantics = 'pod-security-admission',
): PodSecurityCheckInfo[] {
  if (level === 'privileged') return [];
  const parsed = parsePodSecurityVersion(version);
  if (!parsed) {
    throw new Error(`Invalid Pod Security Standards version "${version}"`);
  }
  return selectChecks(level, parsed.minor, semantics).map(({ spec }) => ({
    id: spec.id,
    level: spec.level,
    controlName: spec.controlName,
  }));
}
