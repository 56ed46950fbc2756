/**
 * Which checks apply at a level and version, following the Pod Security Admission
 * registry: each check has versioned implementations; a restricted check may override
 * (replace) a baseline check from its version on; versions newer than the newest
 * known one use the newest checks.
 */
import * as c from './checks';
import type { CheckFn } from './checks';
import { POD_SECURITY_MAX_MINOR } from './versions';

/** A Pod Security Standards check of the admission controller. */
export interface PodSecurityCheckSpec {
  /** Check id as the admission controller names it (`privileged`, `capabilities_restricted` …). */
  id: string;
  level: 'baseline' | 'restricted';
  /** The Pod Security Standards control, as Kyverno's `podSecurity.exclude[].controlName` names it. */
  controlName: string;
  /** Implementations by minimum minor version, oldest first. */
  versions: Array<{ minor: number; check: CheckFn; overrides?: string[] }>;
}

/** Every check, in the admission controller's order (baseline ids sorted, then restricted ids sorted). */
export const POD_SECURITY_CHECKS: readonly PodSecurityCheckSpec[] = [
  // baseline
  {
    id: 'appArmorProfile',
    level: 'baseline',
    controlName: 'AppArmor',
    versions: [{ minor: 0, check: c.appArmorProfile }],
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    controlName: 'Capabilities',
    versions: [{ minor: 0, check: c.capabilitiesBaseline }],
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    controlName: 'Host Namespaces',
    versions: [{ minor: 0, check: c.hostNamespaces }],
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    controlName: 'HostPath Volumes',
    versions: [{ minor: 0, check: c.hostPathVolumes }],
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    controlName: 'Host Ports',
    versions: [{ minor: 0, check: c.hostPorts }],
  },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    controlName: 'Host Probes / Lifecycle Hooks',
    versions: [{ minor: 34, check: c.hostProbesAndHostLifecycle }],
  },
  {
    id: 'privileged',
    level: 'baseline',
    controlName: 'Privileged Containers',
    versions: [{ minor: 0, check: c.privileged }],
  },
  {
    id: 'procMount',
    level: 'baseline',
    controlName: '/proc Mount Type',
    versions: [
      { minor: 0, check: c.procMount_1_0 },
      { minor: 35, check: c.procMount_1_35 },
    ],
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    controlName: 'SELinux',
    versions: [
      { minor: 0, check: c.seLinuxOptions_1_0 },
      { minor: 31, check: c.seLinuxOptions_1_31 },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    controlName: 'Seccomp',
    versions: [
      { minor: 0, check: c.seccompProfileBaseline_1_0 },
      { minor: 19, check: c.seccompProfileBaseline_1_19 },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    controlName: 'Sysctls',
    versions: [
      { minor: 0, check: c.sysctls_1_0 },
      { minor: 27, check: c.sysctls_1_27 },
      { minor: 29, check: c.sysctls_1_29 },
      { minor: 32, check: c.sysctls_1_32 },
      { minor: 37, check: c.sysctls_1_37 },
    ],
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    controlName: 'HostProcess',
    versions: [{ minor: 0, check: c.windowsHostProcess }],
  },
  // restricted
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    controlName: 'Privilege Escalation',
    versions: [
      { minor: 8, check: c.allowPrivilegeEscalation_1_8 },
      { minor: 25, check: c.allowPrivilegeEscalation_1_25 },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    controlName: 'Capabilities',
    versions: [
      {
        minor: 22,
        check: c.capabilitiesRestricted_1_22,
        overrides: ['capabilities_baseline'],
      },
      {
        minor: 25,
        check: c.capabilitiesRestricted_1_25,
        overrides: ['capabilities_baseline'],
      },
    ],
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    controlName: '/proc Mount Type',
    versions: [{ minor: 35, check: c.procMount_1_0, overrides: ['procMount'] }],
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    controlName: 'Volume Types',
    versions: [
      { minor: 0, check: c.restrictedVolumes, overrides: ['hostPathVolumes'] },
    ],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    controlName: 'Running as Non-root',
    versions: [
      { minor: 0, check: c.runAsNonRoot_1_0 },
      { minor: 35, check: c.runAsNonRoot_1_35 },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    controlName: 'Running as Non-root user',
    versions: [
      { minor: 23, check: c.runAsUser_1_23 },
      { minor: 35, check: c.runAsUser_1_35 },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    controlName: 'Seccomp',
    versions: [
      {
        minor: 19,
        check: c.seccompProfileRestricted_1_19,
        overrides: ['seccompProfile_baseline'],
      },
      {
        minor: 25,
        check: c.seccompProfileRestricted_1_25,
        overrides: ['seccompProfile_baseline'],
      },
    ],
  },
];

/** How checks are selected for a level and version. */
export type PodSecuritySemantics = 'pod-security-admission' | 'kyverno';

/** A check selected for a level and version. */
export interface SelectedCheck {
  spec: PodSecurityCheckSpec;
  check: CheckFn;
}

const cache = new Map<string, readonly SelectedCheck[]>();

/**
 * The checks to run for a level (`baseline`/`restricted`) at a minor version.
 *
 * - `pod-security-admission`: the admission controller's registry. A check applies from
 *   its first version on, at the newest implementation not newer than the version;
 *   at restricted, the baseline checks apply too unless a restricted check overrides them.
 * - `kyverno`: Kyverno's `podSecurity` subrule. Restricted runs every baseline and
 *   restricted check with no overrides, and a check whose first version is newer than
 *   the requested one still runs with its first implementation.
 */
export function selectChecks(
  level: 'baseline' | 'restricted',
  minor: number,
  semantics: PodSecuritySemantics,
): readonly SelectedCheck[] {
  const version = Math.min(minor, POD_SECURITY_MAX_MINOR);
  const key = `${level}:${version}:${semantics}`;
  let selected = cache.get(key);
  if (!selected) {
    selected =
      semantics === 'kyverno'
        ? selectKyverno(level, version)
        : selectAdmission(level, version);
    cache.set(key, selected);
  }
  return selected;
}

function versionAt(spec: PodSecurityCheckSpec, minor: number) {
  let found: PodSecurityCheckSpec['versions'][number] | undefined;
  for (const v of spec.versions) {
    if (v.minor <= minor) found = v;
  }
  return found;
}

function selectAdmission(
  level: 'baseline' | 'restricted',
  minor: number,
): SelectedCheck[] {
  const overridden = new Set<string>();
  if (level === 'restricted') {
    for (const spec of POD_SECURITY_CHECKS) {
      if (spec.level !== 'restricted') continue;
      for (const id of versionAt(spec, minor)?.overrides ?? []) {
        overridden.add(id);
      }
    }
  }
  const selected: SelectedCheck[] = [];
  for (const spec of POD_SECURITY_CHECKS) {
    if (spec.level === 'restricted' && level === 'baseline') continue;
    if (overridden.has(spec.id)) continue;
    const version = versionAt(spec, minor);
    if (version) selected.push({ spec, check: version.check });
  }
  return selected;
}

function selectKyverno(
  level: 'baseline' | 'restricted',
  minor: number,
): SelectedCheck[] {
  return POD_SECURITY_CHECKS.filter(
    spec => level === 'restricted' || spec.level === 'baseline',
  ).map(spec => ({
    spec,
    check: (versionAt(spec, minor) ?? spec.versions[0]).check,
  }));
}
