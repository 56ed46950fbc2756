/**
 * The checks of the Pod Security Standards, with the semantics of the official Pod
 * Security Admission controller (k8s.io/pod-security-admission, `policy/check_*.go`):
 * which fields each check restricts, which values it allows, and from which version.
 *
 * Each check returns `undefined` when the pod is allowed (no allocation), or the
 * reason, a human-readable detail and one field error per offending field.
 */
import {
  asList,
  asObj,
  containerPath,
  ContainerEntry,
  Obj,
  PodView,
  str,
} from './pod';

/** One offending field. */
export interface FieldError {
  /** Path relative to the pod, e.g. `spec.containers[0].securityContext.privileged`. */
  path: string;
  /** The value found there (undefined when a required field is missing). */
  value: unknown;
  /** The offending values as strings, as Kyverno's exclusion `values` match them. */
  badValues: readonly string[];
  /** The container the field belongs to; undefined for pod-level fields and annotations. */
  container?: ContainerEntry;
}

/** Why a check denies a pod. */
export interface CheckFailure {
  reason: string;
  detail: string;
  errors: FieldError[];
}

/** A check at one version. */
export type CheckFn = (pod: PodView) => CheckFailure | undefined;

const NO_VALUES: readonly string[] = Object.freeze([]);

// ---------------------------------------------------------------- wording helpers

function plural(count: number, singular: string, pluralForm: string): string {
  return count === 1 ? singular : pluralForm;
}

function quoted(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

function sortedUnique(items: Iterable<string>): string[] {
  return Array.from(new Set(items)).sort();
}

/** `container "a"` / `containers "a", "b"` */
function containersPhrase(names: readonly string[]): string {
  return `${plural(names.length, 'container', 'containers')} ${quoted(names)}`;
}

/** Names of the distinct containers the errors belong to, in visiting order. */
function containerNames(errors: readonly FieldError[]): string[] {
  const seen = new Set<ContainerEntry>();
  const names: string[] = [];
  for (const error of errors) {
    if (error.container && !seen.has(error.container)) {
      seen.add(error.container);
      names.push(error.container.name);
    }
  }
  return names;
}

function containerError(
  entry: ContainerEntry,
  field: string,
  value: unknown,
  badValues: readonly string[],
): FieldError {
  return {
    path: `${containerPath(entry)}.${field}`,
    value,
    badValues,
    container: entry,
  };
}

function annotationPath(key: string): string {
  return `metadata.annotations[${JSON.stringify(key)}]`;
}

/** Setter phrase: `pod and containers "a", "b"`. */
function settersPhrase(
  pod: boolean,
  containers: readonly string[],
  extra?: string,
): string {
  const setters: string[] = [];
  if (pod) setters.push('pod');
  if (containers.length > 0) setters.push(containersPhrase(containers));
  if (extra) setters.push(extra);
  return setters.join(' and ');
}

// ---------------------------------------------------------------- baseline

/** privileged: containers must not set `securityContext.privileged: true` (1.0+). */
export const privileged: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  for (const c of pod.containers) {
    if (c.sc?.privileged === true) {
      (errors ??= []).push(
        containerError(c, 'securityContext.privileged', true, ['true']),
      );
    }
  }
  if (!errors) return undefined;
  return {
    reason: 'privileged',
    detail: `${containersPhrase(
      containerNames(errors),
    )} must not set securityContext.privileged=true`,
    errors,
  };
};

const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'];

/** hostNamespaces: `hostNetwork`, `hostPID`, `hostIPC` must not be true (1.0+). */
export const hostNamespaces: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  for (const field of HOST_NAMESPACES) {
    if (pod.spec[field] === true) {
      (errors ??= []).push({
        path: `spec.${field}`,
        value: true,
        badValues: ['true'],
      });
    }
  }
  if (!errors) return undefined;
  return {
    reason: 'host namespaces',
    detail: errors.map(e => `${e.path.slice(5)}=true`).join(', '),
    errors,
  };
};

/** hostPathVolumes: no `hostPath` volumes (1.0+). */
export const hostPathVolumes: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  let names: string[] | undefined;
  const volumes = asList(pod.spec.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const volume = asObj(volumes[i]);
    const hostPath = volume?.hostPath;
    if (hostPath !== undefined && hostPath !== null) {
      const path = str(asObj(hostPath)?.path);
      (errors ??= []).push({
        path: `spec.volumes[${i}].hostPath`,
        value: hostPath,
        badValues: path ? [path] : NO_VALUES,
      });
      (names ??= []).push(str(volume!.name));
    }
  }
  if (!errors) return undefined;
  return {
    reason: 'hostPath volumes',
    detail: `${plural(names!.length, 'volume', 'volumes')} ${quoted(names!)}`,
    errors,
  };
};

/** hostPorts: containers must not set `ports[*].hostPort` to a non-zero value (1.0+). */
export const hostPorts: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  for (const c of pod.containers) {
    const ports = asList(c.container.ports);
    for (let i = 0; i < ports.length; i++) {
      const hostPort = asObj(ports[i])?.hostPort;
      if (
        hostPort !== undefined &&
        hostPort !== null &&
        Number(hostPort) !== 0
      ) {
        (errors ??= []).push(
          containerError(c, `ports[${i}].hostPort`, hostPort, [str(hostPort)]),
        );
      }
    }
  }
  if (!errors) return undefined;
  const names = containerNames(errors);
  const portList = sortedUnique(errors.map(e => str(e.value)));
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(names)} ${plural(
      names.length,
      'uses',
      'use',
    )} ${plural(portList.length, 'hostPort', 'hostPorts')} ${portList.join(
      ', ',
    )}`,
    errors,
  };
};

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'];
const HANDLER_ACTIONS = ['httpGet', 'tcpSocket'];

/** Adds an error per `httpGet.host` / `tcpSocket.host` a probe or lifecycle handler sets. */
function handlerHosts(
  c: ContainerEntry,
  handler: unknown,
  prefix: string,
  errors: FieldError[] | undefined,
): FieldError[] | undefined {
  const h = asObj(handler);
  if (!h) return errors;
  let found = errors;
  for (const action of HANDLER_ACTIONS) {
    const host = asObj(h[action])?.host;
    if (host !== undefined && host !== null && host !== '') {
      (found ??= []).push(
        containerError(c, `${prefix}.${action}.host`, host, [str(host)]),
      );
    }
  }
  return found;
}

/** hostProbesAndHostLifecycle: probes and lifecycle handlers must not set `host` (1.34+). */
export const hostProbesAndHostLifecycle: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  for (const c of pod.containers) {
    for (const probe of PROBES) {
      errors = handlerHosts(c, c.container[probe], probe, errors);
    }
    const lifecycle = asObj(c.container.lifecycle);
    if (lifecycle) {
      for (const handler of LIFECYCLE_HANDLERS) {
        errors = handlerHosts(
          c,
          lifecycle[handler],
          `lifecycle.${handler}`,
          errors,
        );
      }
    }
  }
  if (!errors) return undefined;
  const found: FieldError[] = errors;
  const names = sortedUnique(containerNames(found));
  const hosts = sortedUnique(found.map(e => str(e.value)));
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(names)} ${plural(
      names.length,
      'uses',
      'use',
    )} ${plural(
      hosts.length,
      'probe or lifecycle host',
      'probe or lifecycle hosts',
    )} ${quoted(hosts)}`,
    errors: found,
  };
};

const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** capabilities_baseline: only capabilities of the container runtime's default set may be added (1.0+). */
export const capabilitiesBaseline: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  for (const c of pod.containers) {
    const capabilities = asObj(c.sc?.capabilities);
    if (!capabilities) continue;
    let forbidden: string[] | undefined;
    for (const cap of asList(capabilities.add)) {
      const name = str(cap);
      if (!DEFAULT_CAPABILITIES.has(name)) (forbidden ??= []).push(name);
    }
    if (forbidden) {
      const values = sortedUnique(forbidden);
      (errors ??= []).push(
        containerError(c, 'securityContext.capabilities.add', values, values),
      );
    }
  }
  if (!errors) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(
      containerNames(errors),
    )} must not include ${quoted(
      sortedUnique(errors.flatMap(e => e.badValues)),
    )} in securityContext.capabilities.add`,
    errors,
  };
};

const APPARMOR_ANNOTATION_PREFIX =
  'container.apparmor.security.beta.kubernetes.io/';

function allowedAppArmorType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/**
 * appArmorProfile: AppArmor must not be disabled or overridden with an unknown profile,
 * neither through `appArmorProfile.type` (pod or containers) nor the beta annotations (1.0+).
 */
export const appArmorProfile: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  let podBad = false;
  const podProfile = asObj(pod.podSc?.appArmorProfile);
  if (podProfile && !allowedAppArmorType(podProfile.type)) {
    podBad = true;
    const type = str(podProfile.type);
    (errors ??= []).push({
      path: 'spec.securityContext.appArmorProfile.type',
      value: podProfile.type,
      badValues: type ? [type] : NO_VALUES,
    });
  }
  for (const c of pod.containers) {
    const profile = asObj(c.sc?.appArmorProfile);
    if (profile && !allowedAppArmorType(profile.type)) {
      const type = str(profile.type);
      (errors ??= []).push(
        containerError(
          c,
          'securityContext.appArmorProfile.type',
          profile.type,
          type ? [type] : NO_VALUES,
        ),
      );
    }
  }
  let annotations: string[] | undefined;
  for (const key of pod.hasAnnotations
    ? Object.keys(pod.annotations)
    : NO_VALUES) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const value = str(pod.annotations[key]);
    if (
      value === '' ||
      value === 'runtime/default' ||
      value.startsWith('localhost/')
    ) {
      continue;
    }
    (annotations ??= []).push(`${key}=${JSON.stringify(value)}`);
    (errors ??= []).push({
      path: annotationPath(key),
      value,
      badValues: [value],
    });
  }
  if (!errors) return undefined;
  const found: FieldError[] = errors;
  const types = sortedUnique(
    found.filter(e => !e.path.startsWith('metadata.')).map(e => str(e.value)),
  );
  const badValues = annotations ? [...types, ...annotations.sort()] : types;
  return {
    reason: plural(
      badValues.length,
      'forbidden AppArmor profile',
      'forbidden AppArmor profiles',
    ),
    detail: `${settersPhrase(
      podBad,
      containerNames(found),
      annotations
        ? plural(annotations.length, 'annotation', 'annotations')
        : undefined,
    )} must not set AppArmor profile type to ${quoted(badValues)}`,
    errors: found,
  };
};

const SELINUX_TYPES_1_0 = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
]);
const SELINUX_TYPES_1_31 = new Set([
  ...SELINUX_TYPES_1_0,
  'container_engine_t',
]);

function hasSeLinuxOptions(pod: PodView): boolean {
  if (asObj(pod.podSc?.seLinuxOptions)) return true;
  for (const c of pod.containers) {
    if (asObj(c.sc?.seLinuxOptions)) return true;
  }
  return false;
}

function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): CheckFn {
  return pod => {
    if (!hasSeLinuxOptions(pod)) return undefined;
    let errors: FieldError[] | undefined;
    let podBad = false;
    const badContainers: string[] = [];
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const inspect = (
      options: Obj,
      prefix: string,
      entry: ContainerEntry | undefined,
    ): boolean => {
      let ok = true;
      const type = str(options.type);
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.add(type);
        (errors ??= []).push({
          path: `${prefix}.type`,
          value: options.type,
          badValues: [type],
          container: entry,
        });
      }
      for (const field of ['user', 'role'] as const) {
        const value = str(options[field]);
        if (value !== '') {
          ok = false;
          if (field === 'user') setUser = true;
          else setRole = true;
          (errors ??= []).push({
            path: `${prefix}.${field}`,
            value: options[field],
            badValues: [value],
            container: entry,
          });
        }
      }
      return ok;
    };
    const podOptions = asObj(pod.podSc?.seLinuxOptions);
    if (
      podOptions &&
      !inspect(podOptions, 'spec.securityContext.seLinuxOptions', undefined)
    ) {
      podBad = true;
    }
    for (const c of pod.containers) {
      const options = asObj(c.sc?.seLinuxOptions);
      if (
        options &&
        !inspect(
          options,
          `${containerPath(c)}.securityContext.seLinuxOptions`,
          c,
        )
      ) {
        badContainers.push(c.name);
      }
    }
    if (!errors) return undefined;
    const data: string[] = [];
    if (badTypes.size > 0) {
      const types = sortedUnique(badTypes);
      data.push(`${plural(types.length, 'type', 'types')} ${quoted(types)}`);
    }
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return {
      reason: 'seLinuxOptions',
      detail: `${settersPhrase(
        podBad,
        badContainers,
      )} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
      errors,
    };
  };
}

/** seLinuxOptions: SELinux type limited to the container types, user and role unset (1.0+). */
export const seLinuxOptions_1_0 = seLinuxOptionsCheck(SELINUX_TYPES_1_0);
/** seLinuxOptions from 1.31: `container_engine_t` is allowed too. */
export const seLinuxOptions_1_31 = seLinuxOptionsCheck(SELINUX_TYPES_1_31);

/** procMount: containers must keep the default /proc mask (1.0+). */
export const procMount_1_0: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  for (const c of pod.containers) {
    const value = c.sc?.procMount;
    if (value !== undefined && value !== null && value !== 'Default') {
      (errors ??= []).push(
        containerError(c, 'securityContext.procMount', value, [str(value)]),
      );
    }
  }
  if (!errors) return undefined;
  return {
    reason: 'procMount',
    detail: `${containersPhrase(
      containerNames(errors),
    )} must not set securityContext.procMount to ${quoted(
      sortedUnique(errors.map(e => str(e.value))),
    )}`,
    errors,
  };
};

/** procMount from 1.35: any value is allowed for pods in a user namespace (`hostUsers: false`). */
export const procMount_1_35: CheckFn = pod =>
  pod.userNamespace ? undefined : procMount_1_0(pod);

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX =
  'container.seccomp.security.alpha.kubernetes.io/';

function allowedSeccompAnnotation(value: string): boolean {
  return (
    value === 'runtime/default' ||
    value === 'docker/default' ||
    value.startsWith('localhost/')
  );
}

function allowedSeccompType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** seccompProfile_baseline before 1.19: the seccomp alpha annotations must not select `unconfined` or other profiles. */
export const seccompProfileBaseline_1_0: CheckFn = pod => {
  if (!pod.hasAnnotations) return undefined;
  let errors: FieldError[] | undefined;
  let forbidden: string[] | undefined;
  const inspect = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(pod.annotations, key)) return;
    const value = str(pod.annotations[key]);
    if (allowedSeccompAnnotation(value)) return;
    const text = `${key}=${JSON.stringify(value)}`;
    if (forbidden?.includes(text)) return;
    (forbidden ??= []).push(text);
    (errors ??= []).push({
      path: annotationPath(key),
      value,
      badValues: value ? [value] : NO_VALUES,
    });
  };
  inspect(SECCOMP_POD_ANNOTATION);
  for (const c of pod.containers) {
    inspect(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name);
  }
  if (!errors) return undefined;
  const list = forbidden!.sort();
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${plural(
      list.length,
      'annotation',
      'annotations',
    )} ${list.join(', ')}`,
    errors,
  };
};

function seccompTypeError(
  profile: Obj,
  entry: ContainerEntry | undefined,
): FieldError {
  const type = str(profile.type);
  const field = 'securityContext.seccompProfile.type';
  return entry
    ? containerError(entry, field, profile.type, type ? [type] : NO_VALUES)
    : {
        path: `spec.${field}`,
        value: profile.type,
        badValues: type ? [type] : NO_VALUES,
      };
}

/** seccompProfile_baseline from 1.19: `seccompProfile.type` may only be RuntimeDefault or Localhost when set. */
export const seccompProfileBaseline_1_19: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  let podBad = false;
  const podProfile = asObj(pod.podSc?.seccompProfile);
  if (podProfile && !allowedSeccompType(podProfile.type)) {
    podBad = true;
    (errors ??= []).push(seccompTypeError(podProfile, undefined));
  }
  for (const c of pod.containers) {
    const profile = asObj(c.sc?.seccompProfile);
    if (profile && !allowedSeccompType(profile.type)) {
      (errors ??= []).push(seccompTypeError(profile, c));
    }
  }
  if (!errors) return undefined;
  const found: FieldError[] = errors;
  return {
    reason: 'seccompProfile',
    detail: `${settersPhrase(
      podBad,
      containerNames(found),
    )} must not set securityContext.seccompProfile.type to ${quoted(
      sortedUnique(found.map(e => str(e.value))),
    )}`,
    errors: found,
  };
};

const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_1_32 = [
  ...SYSCTLS_1_29,
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
];
const SYSCTLS_1_37 = [
  ...SYSCTLS_1_32,
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];

function sysctlsCheck(allowedNames: readonly string[]): CheckFn {
  const allowed = new Set(allowedNames);
  return pod => {
    let errors: FieldError[] | undefined;
    const sysctls = asList(pod.podSc?.sysctls);
    for (let i = 0; i < sysctls.length; i++) {
      const name = str(asObj(sysctls[i])?.name);
      if (!allowed.has(name)) {
        (errors ??= []).push({
          path: `spec.securityContext.sysctls[${i}].name`,
          value: name,
          badValues: [name],
        });
      }
    }
    if (!errors) return undefined;
    return {
      reason: 'forbidden sysctls',
      detail: errors.map(e => e.value).join(', '),
      errors,
    };
  };
}

/** sysctls: only the safe, namespaced sysctls (1.0+). */
export const sysctls_1_0 = sysctlsCheck(SYSCTLS_1_0);
/** sysctls from 1.27: adds `net.ipv4.ip_local_reserved_ports`. */
export const sysctls_1_27 = sysctlsCheck(SYSCTLS_1_27);
/** sysctls from 1.29: adds the TCP keepalive and FIN timeout sysctls. */
export const sysctls_1_29 = sysctlsCheck(SYSCTLS_1_29);
/** sysctls from 1.32: adds `net.ipv4.tcp_rmem` and `net.ipv4.tcp_wmem`. */
export const sysctls_1_32 = sysctlsCheck(SYSCTLS_1_32);
/** sysctls from 1.37: adds `net.ipv4.tcp_slow_start_after_idle` and `net.ipv4.tcp_notsent_lowat`. */
export const sysctls_1_37 = sysctlsCheck(SYSCTLS_1_37);

/** windowsHostProcess: neither pod nor containers may set `windowsOptions.hostProcess: true` (1.0+). */
export const windowsHostProcess: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  let podBad = false;
  if (asObj(pod.podSc?.windowsOptions)?.hostProcess === true) {
    podBad = true;
    (errors ??= []).push({
      path: 'spec.securityContext.windowsOptions.hostProcess',
      value: true,
      badValues: ['true'],
    });
  }
  for (const c of pod.containers) {
    if (asObj(c.sc?.windowsOptions)?.hostProcess === true) {
      (errors ??= []).push(
        containerError(c, 'securityContext.windowsOptions.hostProcess', true, [
          'true',
        ]),
      );
    }
  }
  if (!errors) return undefined;
  const found: FieldError[] = errors;
  return {
    reason: 'hostProcess',
    detail: `${settersPhrase(
      podBad,
      containerNames(found),
    )} must not set securityContext.windowsOptions.hostProcess=true`,
    errors: found,
  };
};

// ---------------------------------------------------------------- restricted

/** allowPrivilegeEscalation: every container must set `allowPrivilegeEscalation: false` (1.8+). */
export const allowPrivilegeEscalation_1_8: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  const field = 'securityContext.allowPrivilegeEscalation';
  for (const c of pod.containers) {
    const value = c.sc?.allowPrivilegeEscalation;
    if (value === false) continue;
    let badValues: readonly string[];
    if (!c.sc) badValues = NO_VALUES;
    else if (value === undefined || value === null) badValues = ['nil'];
    else badValues = [str(value)];
    (errors ??= []).push(containerError(c, field, value, badValues));
  }
  if (!errors) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(
      containerNames(errors),
    )} must set securityContext.allowPrivilegeEscalation=false`,
    errors,
  };
};

/** allowPrivilegeEscalation from 1.25: Windows pods are exempt. */
export const allowPrivilegeEscalation_1_25: CheckFn = pod =>
  pod.windows ? undefined : allowPrivilegeEscalation_1_8(pod);

/** capabilities_restricted: containers must drop ALL and may only add NET_BIND_SERVICE (1.22+). */
export const capabilitiesRestricted_1_22: CheckFn = pod => {
  let missingDrop: FieldError[] | undefined;
  let forbiddenAdd: FieldError[] | undefined;
  for (const c of pod.containers) {
    const capabilities = asObj(c.sc?.capabilities);
    if (!capabilities) {
      (missingDrop ??= []).push(
        containerError(
          c,
          'securityContext.capabilities.drop',
          undefined,
          NO_VALUES,
        ),
      );
      continue;
    }
    const drop = asList(capabilities.drop);
    if (!drop.includes('ALL')) {
      const values = sortedUnique(drop.map(str));
      (missingDrop ??= []).push(
        containerError(
          c,
          'securityContext.capabilities.drop',
          capabilities.drop,
          values,
        ),
      );
    }
    let forbidden: string[] | undefined;
    for (const cap of asList(capabilities.add)) {
      if (cap !== 'NET_BIND_SERVICE') (forbidden ??= []).push(str(cap));
    }
    if (forbidden) {
      const values = sortedUnique(forbidden);
      (forbiddenAdd ??= []).push(
        containerError(c, 'securityContext.capabilities.add', values, values),
      );
    }
  }
  if (!missingDrop && !forbiddenAdd) return undefined;
  const details: string[] = [];
  if (missingDrop) {
    details.push(
      `${containersPhrase(
        containerNames(missingDrop),
      )} must set securityContext.capabilities.drop=["ALL"]`,
    );
  }
  if (forbiddenAdd) {
    details.push(
      `${containersPhrase(
        containerNames(forbiddenAdd),
      )} must not include ${quoted(
        sortedUnique(forbiddenAdd.flatMap(e => e.badValues)),
      )} in securityContext.capabilities.add`,
    );
  }
  return {
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    errors: [...(missingDrop ?? []), ...(forbiddenAdd ?? [])],
  };
};

/** capabilities_restricted from 1.25: Windows pods are exempt. */
export const capabilitiesRestricted_1_25: CheckFn = pod =>
  pod.windows ? undefined : capabilitiesRestricted_1_22(pod);

const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** restrictedVolumes: only configMap, csi, downwardAPI, emptyDir, ephemeral, image, PVC, projected and secret volumes (1.0+). */
export const restrictedVolumes: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  let names: string[] | undefined;
  const volumes = asList(pod.spec.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const volume = asObj(volumes[i]) ?? {};
    if (ALLOWED_VOLUME_SOURCES.some(source => present(volume[source])))
      continue;
    const source = RESTRICTED_VOLUME_SOURCES.find(s => present(volume[s]));
    // A volume without a source is defaulted to an emptyDir by the API server
    // before admission sees it, so it is allowed.
    if (!source) continue;
    (errors ??= []).push({
      path: `spec.volumes[${i}].${source}`,
      value: volume[source],
      badValues: NO_VALUES,
    });
    (names ??= []).push(str(volume.name));
  }
  if (!errors) return undefined;
  const types = sortedUnique(
    errors.map(e => e.path.slice(e.path.lastIndexOf('.') + 1)),
  );
  return {
    reason: 'restricted volume types',
    detail: `${plural(names!.length, 'volume', 'volumes')} ${quoted(
      names!,
    )} ${plural(names!.length, 'uses', 'use')} ${plural(
      types.length,
      'restricted volume type',
      'restricted volume types',
    )} ${quoted(types)}`,
    errors,
  };
};

/** runAsNonRoot: pod or every container must set `runAsNonRoot: true`, and none may set it false (1.0+). */
export const runAsNonRoot_1_0: CheckFn = pod => {
  let explicit: FieldError[] | undefined;
  let implicit: FieldError[] | undefined;
  let podBad = false;
  let podNonRoot = false;
  const podValue = pod.podSc?.runAsNonRoot;
  if (podValue !== undefined && podValue !== null) {
    if (podValue === false) {
      podBad = true;
      (explicit ??= []).push({
        path: 'spec.securityContext.runAsNonRoot',
        value: false,
        badValues: ['false'],
      });
    } else {
      podNonRoot = podValue === true;
    }
  }
  for (const c of pod.containers) {
    const value = c.sc?.runAsNonRoot;
    if (value !== undefined && value !== null) {
      if (value === false) {
        (explicit ??= []).push(
          containerError(c, 'securityContext.runAsNonRoot', false, ['false']),
        );
      }
    } else if (!podNonRoot) {
      (implicit ??= []).push(
        containerError(c, 'securityContext.runAsNonRoot', undefined, NO_VALUES),
      );
    }
  }
  if (explicit) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${settersPhrase(
        podBad,
        containerNames(explicit),
      )} must not set securityContext.runAsNonRoot=false`,
      errors: [...explicit, ...(implicit ?? [])],
    };
  }
  if (implicit) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(
        containerNames(implicit),
      )} must set securityContext.runAsNonRoot=true`,
      errors: implicit,
    };
  }
  return undefined;
};

/** runAsNonRoot from 1.35: pods in a user namespace (`hostUsers: false`) are exempt. */
export const runAsNonRoot_1_35: CheckFn = pod =>
  pod.userNamespace ? undefined : runAsNonRoot_1_0(pod);

/** runAsUser: neither pod nor containers may set `runAsUser: 0` (1.23+). */
export const runAsUser_1_23: CheckFn = pod => {
  let errors: FieldError[] | undefined;
  let podBad = false;
  if (pod.podSc?.runAsUser === 0) {
    podBad = true;
    (errors ??= []).push({
      path: 'spec.securityContext.runAsUser',
      value: 0,
      badValues: ['0'],
    });
  }
  for (const c of pod.containers) {
    if (c.sc?.runAsUser === 0) {
      (errors ??= []).push(
        containerError(c, 'securityContext.runAsUser', 0, ['0']),
      );
    }
  }
  if (!errors) return undefined;
  const found: FieldError[] = errors;
  return {
    reason: 'runAsUser=0',
    detail: `${settersPhrase(
      podBad,
      containerNames(found),
    )} must not set runAsUser=0`,
    errors: found,
  };
};

/** runAsUser from 1.35: pods in a user namespace (`hostUsers: false`) are exempt. */
export const runAsUser_1_35: CheckFn = pod =>
  pod.userNamespace ? undefined : runAsUser_1_23(pod);

/**
 * seccompProfile_restricted: the pod or every container must set `seccompProfile.type`
 * to RuntimeDefault or Localhost (1.19+).
 */
export const seccompProfileRestricted_1_19: CheckFn = pod => {
  let explicit: FieldError[] | undefined;
  let implicit: FieldError[] | undefined;
  let podBad = false;
  let podSet = false;
  const podProfile = asObj(pod.podSc?.seccompProfile);
  if (podProfile) {
    if (allowedSeccompType(podProfile.type)) {
      podSet = true;
    } else {
      podBad = true;
      (explicit ??= []).push(seccompTypeError(podProfile, undefined));
    }
  }
  for (const c of pod.containers) {
    const profile = asObj(c.sc?.seccompProfile);
    if (profile) {
      if (!allowedSeccompType(profile.type)) {
        (explicit ??= []).push(seccompTypeError(profile, c));
      }
    } else if (!podSet) {
      (implicit ??= []).push(
        containerError(
          c,
          'securityContext.seccompProfile.type',
          undefined,
          NO_VALUES,
        ),
      );
    }
  }
  if (explicit) {
    const found: FieldError[] = explicit;
    return {
      reason: 'seccompProfile',
      detail: `${settersPhrase(
        podBad,
        containerNames(found),
      )} must not set securityContext.seccompProfile.type to ${quoted(
        sortedUnique(found.map(e => str(e.value))),
      )}`,
      // Like Kyverno, only the explicit settings are the offending fields here: the
      // containers without a profile inherit the pod's, so excluding it covers them.
      errors: found,
    };
  }
  if (implicit) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(
        containerNames(implicit),
      )} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      errors: implicit,
    };
  }
  return undefined;
};

/** seccompProfile_restricted from 1.25: Windows pods are exempt. */
export const seccompProfileRestricted_1_25: CheckFn = pod =>
  pod.windows ? undefined : seccompProfileRestricted_1_19(pod);
