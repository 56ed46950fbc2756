import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import type { FieldError } from './checks';
import { podView } from './pod';
import {
  POD_SECURITY_CHECKS,
  PodSecuritySemantics,
  selectChecks,
} from './registry';
import { parsePodSecurityVersion } from './versions';

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** One check of the standard that denies the pod. */
export interface PodSecurityViolation {
  /** Pod Security Admission check id, e.g. `privileged`, `hostNamespaces`, `capabilities_restricted`. */
  check: string;
  /** The Pod Security Standards control name as Kyverno uses it, e.g. `Privileged Containers`, `Capabilities`. */
  controlName: string;
  /** What is wrong, in the admission controller's words: `privileged (container "app" must not set securityContext.privileged=true)`. */
  message: string;
  /** Offending fields, with paths relative to the pod (`spec.containers[0].securityContext.privileged`). */
  evidence: Evidence[];
}

/**
 * An exemption from one control, as Kyverno's `validate.podSecurity.exclude[]` declares it.
 *
 * - Without `images` it exempts the control's pod-level fields (`spec.*`, annotations).
 * - With `images` (wildcards `*` and `?`) it exempts the control's fields of the containers
 *   whose image matches one of them.
 * - `restrictedField` narrows it to one field, written with `[*]` for list indexes
 *   (`spec.containers[*].securityContext.capabilities.add`); `values` (wildcards allowed)
 *   narrows it further to fields whose offending values all match.
 */
export interface PodSecurityExclusion {
  controlName: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

/** Options of {@link evaluatePodSecurity}. */
export interface PodSecurityOptions {
  level: PodSecurityLevel;
  /** `latest` (default), `v1.0` … `v1.37`, or `1.25`. Newer versions evaluate as `latest`. */
  version?: string;
  /** Control exemptions (Kyverno's `podSecurity.exclude`). */
  exclude?: PodSecurityExclusion[];
  /**
   * How checks are selected (default `pod-security-admission`, the behaviour of the
   * Kubernetes admission controller). `kyverno` reproduces Kyverno's `podSecurity`
   * subrule: at restricted, baseline checks run too with no overrides, and checks
   * introduced after the requested version still run.
   */
  semantics?: PodSecuritySemantics;
}

/** The verdict on a pod. */
export interface PodSecurityResult {
  allowed: boolean;
  violations: PodSecurityViolation[];
}

/**
 * Evaluates a pod (its `metadata` and `spec`) against a Pod Security Standards level
 * and version, exactly as the Pod Security Admission controller does. Throws an Error
 * for an unknown level or a malformed version.
 */
export function evaluatePodSecurity(
  pod: { metadata?: any; spec?: any },
  options: PodSecurityOptions,
): PodSecurityResult {
  const { level } = options;
  if (level === 'privileged') {
    return { allowed: true, violations: [] };
  }
  if (level !== 'baseline' && level !== 'restricted') {
    throw new Error(
      `Unknown Pod Security level "${level}"; expected privileged, baseline or restricted`,
    );
  }
  const version = parsePodSecurityVersion(options.version);
  if (!version) {
    throw new Error(
      `Invalid Pod Security Standards version "${options.version}"; expected "latest" or "v1.<minor>"`,
    );
  }
  const checks = selectChecks(
    level,
    version.minor,
    options.semantics ?? 'pod-security-admission',
  );
  const exclude = options.exclude?.length ? options.exclude : undefined;
  const view = podView(pod);
  const violations: PodSecurityViolation[] = [];
  for (const { spec, check } of checks) {
    const failure = check(view);
    if (!failure) continue;
    let errors = failure.errors;
    if (exclude) {
      errors = errors.filter(
        error =>
          !exclude.some(x => exclusionCovers(x, spec.controlName, error)),
      );
      if (errors.length === 0) continue;
    }
    violations.push({
      check: spec.id,
      controlName: spec.controlName,
      message: `${failure.reason} (${failure.detail})`,
      evidence: errors.map(toEvidence),
    });
  }
  return { allowed: violations.length === 0, violations };
}

function toEvidence(error: FieldError): Evidence {
  return { path: error.path, value: error.value };
}

// ---------------------------------------------------------------- exclusions

/** Control names, with the checks each covers. */
const CONTROL_CHECKS = new Map<string, Set<string>>();
for (const spec of POD_SECURITY_CHECKS) {
  let ids = CONTROL_CHECKS.get(spec.controlName);
  if (!ids) {
    ids = new Set();
    CONTROL_CHECKS.set(spec.controlName, ids);
  }
  ids.add(spec.id);
}

/** The control names an exclusion can name (Kyverno's list plus `Host Probes / Lifecycle Hooks`). */
export const POD_SECURITY_CONTROL_NAMES: readonly string[] = Array.from(
  CONTROL_CHECKS.keys(),
);

/** Controls whose fields are all container fields: Kyverno requires `images` for them. */
const CONTAINER_LEVEL_CONTROLS = new Set([
  'Capabilities',
  'Privileged Containers',
  'Host Ports',
  '/proc Mount Type',
  'Privilege Escalation',
  'Host Probes / Lifecycle Hooks',
]);
/** Controls whose fields are all pod-level: Kyverno forbids `images` for them. */
const POD_LEVEL_CONTROLS = new Set([
  'Host Namespaces',
  'HostPath Volumes',
  'Sysctls',
  'Volume Types',
]);

/**
 * Problems with an exclusion, as Kyverno's policy validation reports them (an empty
 * list when it is valid): unknown control, `images` required for container-level
 * controls and forbidden for pod-level ones, `restrictedField` and `values` only together.
 */
export function validatePodSecurityExclusion(
  exclusion: PodSecurityExclusion,
): string[] {
  const problems: string[] = [];
  const images = exclusion.images ?? [];
  if (!CONTROL_CHECKS.has(exclusion.controlName)) {
    problems.push(
      `unknown controlName "${
        exclusion.controlName
      }"; expected one of ${POD_SECURITY_CONTROL_NAMES.join(', ')}`,
    );
  } else if (
    CONTAINER_LEVEL_CONTROLS.has(exclusion.controlName) &&
    images.length === 0
  ) {
    problems.push(
      `exclude.images must be specified for the container level control "${exclusion.controlName}"`,
    );
  } else if (
    POD_LEVEL_CONTROLS.has(exclusion.controlName) &&
    images.length > 0
  ) {
    problems.push(
      `exclude.images must not be specified for the pod level control "${exclusion.controlName}"`,
    );
  }
  const hasValues = (exclusion.values?.length ?? 0) > 0;
  if (exclusion.restrictedField && !hasValues) {
    problems.push('exclude.values is required with restrictedField');
  }
  if (!exclusion.restrictedField && hasValues) {
    problems.push('exclude.restrictedField is required with values');
  }
  return problems;
}

function exclusionCovers(
  exclusion: PodSecurityExclusion,
  controlName: string,
  error: FieldError,
): boolean {
  if (exclusion.controlName !== controlName) {
    return false;
  }
  const images = exclusion.images;
  if (images && images.length > 0) {
    if (!error.container || !matchesAny(images, error.container.image)) {
      return false;
    }
  } else if (error.container) {
    return false;
  }
  if (
    exclusion.restrictedField &&
    !fieldMatches(exclusion.restrictedField, error.path)
  ) {
    return false;
  }
  const values = exclusion.values;
  if (values && values.length > 0) {
    // As in Kyverno, a missing field (no offending value) is not narrowed by values.
    for (const value of error.badValues) {
      if (!matchesAny(values, value)) return false;
    }
  }
  return true;
}

/** `metadata.annotations["k"]` → `metadata.annotations[k]` */
function unquoteKeys(path: string): string {
  return path.replace(/\["((?:[^"\\]|\\.)*)"\]/g, (_, key: string) => {
    try {
      return `[${JSON.parse(`"${key}"`)}]`;
    } catch {
      return `[${key}]`;
    }
  });
}

function fieldMatches(restrictedField: string, path: string): boolean {
  const field = unquoteKeys(restrictedField.trim());
  const actual = unquoteKeys(path);
  if (field === actual.replace(/\[\d+\]/g, '[*]')) return true;
  // Kyverno compares fields with every digit run replaced by `*`; accept that spelling too.
  return field === actual.replace(/\d+/g, '*');
}

const patternCache = new Map<string, RegExp>();

/** Kyverno's wildcard match: `*` any sequence, `?` any one character. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?'))
    return pattern === value;
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern
      .split('')
      .map(ch => {
        if (ch === '*') return '[\\s\\S]*';
        if (ch === '?') return '[\\s\\S]';
        return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    regex = new RegExp(`^${source}$`);
    if (patternCache.size < 1000) patternCache.set(pattern, regex);
  }
  return regex.test(value);
}

function matchesAny(patterns: readonly string[], value: string): boolean {
  for (const pattern of patterns) {
    if (wildcardMatch(pattern, value)) return true;
  }
  return false;
}
