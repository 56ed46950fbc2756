/**
 * Pod Security Standards versions. The standard is versioned with Kubernetes minor
 * releases (`v1.0` … `v1.37`); `latest` is the newest one this engine knows.
 */

/** The newest Kubernetes minor version whose Pod Security Standards this engine implements. */
export const POD_SECURITY_MAX_MINOR = 37;

/** A parsed Pod Security Standards version: the Kubernetes 1.x minor number. */
export interface ParsedPodSecurityVersion {
  /** Minor version the checks are selected for (`latest` → {@link POD_SECURITY_MAX_MINOR}). */
  minor: number;
  /** Canonical label: `v1.25` or `latest`. */
  label: string;
}

/** Every supported version, oldest first, followed by `latest`. */
export const POD_SECURITY_VERSIONS: string[] = [
  ...Array.from({ length: POD_SECURITY_MAX_MINOR + 1 }, (_, i) => `v1.${i}`),
  'latest',
];

const VERSION_PATTERN = /^v?1\.(0|[1-9][0-9]*)$/;

/**
 * Parses a version as `pod-security.kubernetes.io/enforce-version` and Kyverno's
 * `podSecurity.version` write it: `latest` (also when empty), `v1.25` or `1.25`.
 * Versions newer than the newest known one evaluate as `latest`, as the admission
 * controller does. Returns undefined for anything else.
 */
export function parsePodSecurityVersion(
  version: string | undefined,
): ParsedPodSecurityVersion | undefined {
  if (version === undefined || version === '' || version === 'latest') {
    return { minor: POD_SECURITY_MAX_MINOR, label: 'latest' };
  }
  const match = VERSION_PATTERN.exec(version.trim());
  if (!match) {
    return undefined;
  }
  const minor = Number(match[1]);
  if (minor >= POD_SECURITY_MAX_MINOR) {
    return { minor: POD_SECURITY_MAX_MINOR, label: `v1.${minor}` };
  }
  return { minor, label: `v1.${minor}` };
}
