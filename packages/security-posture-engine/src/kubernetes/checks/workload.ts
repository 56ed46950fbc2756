import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS } from '../../model/check';
import type { KubernetesWorkloadAttributes } from '../types';
import {
  capabilityName,
  containerLabel,
  Findings,
  GUIDE,
  isControlled,
  listNames,
  rootEvidence,
  SKIP_CONTROLLED,
  SKIP_WINDOWS,
  workloadCheck,
} from './util';

/**
 * Checks on the pod spec of workloads (Pods and every pod controller): host
 * isolation, container hardening, resources, images and plain-text credentials.
 *
 * Hot path: every check is a plain loop over precomputed attributes that returns
 * the shared PASS object without allocating; evidence paths are built on failure.
 */

// ---------------------------------------------------------------------------
// no_privileged_containers

const HOST_ISOLATION_FRAMEWORKS = (cis: string[]) => ({
  'cis-kubernetes': cis,
  'nist-800-53': ['AC-6', 'CM-7', 'SC-39'],
  soc2: ['CC6.1', 'CC6.8'],
  'pci-dss': ['2.2.6'],
  'iso-27001': ['A.8.2', 'A.8.9'],
});

export const privilegedContainerCheck = workloadCheck({
  id: 'k8s-privileged-container',
  title: 'Containers do not run privileged',
  description:
    'A privileged container (securityContext.privileged: true, or a Windows HostProcess container) has every capability and access to all host devices: escaping to the node is trivial.',
  severity: 'high',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 10,
  frameworks: {
    ...HOST_ISOLATION_FRAMEWORKS(['5.2.2', '5.2.11']),
    'pci-dss': ['2.2.6', '7.2.5'],
  },
  remediation: {
    text: 'Remove securityContext.privileged (or set it to false) and grant only the specific capabilities the container needs; move node-level tooling to a dedicated, isolated DaemonSet.',
    url: GUIDE.podSecurityStandards,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    const podHostProcess =
      a.podSpec.securityContext.windowsOptions?.hostProcess === true;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const sc = c.container.securityContext;
      if (sc.privileged === true) {
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.securityContext.privileged`,
          value: true,
        });
      }
      const own = sc.windowsOptions?.hostProcess;
      if (own === true) {
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.securityContext.windowsOptions.hostProcess`,
          value: true,
        });
      } else if (own === undefined && podHostProcess) {
        f = (f ?? new Findings()).container(c, {
          path: `${a.podSpecPath}.securityContext.windowsOptions.hostProcess`,
          value: true,
        });
      }
    }
    return f ? f.fail(`Privileged: ${listNames(f.names)}`) : PASS;
  },
});

export const rootWithHostNetworkCheck = workloadCheck({
  id: 'k8s-root-host-network',
  title: 'No root containers on the host network',
  description:
    'A container that may run as root (no runAsNonRoot: true and no non-zero runAsUser, on the container or the pod) in a pod using the host network namespace can bind to node ports, sniff node traffic and reach node-local services such as the kubelet.',
  severity: 'critical',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 10,
  frameworks: {
    'cis-kubernetes': ['5.2.5', '5.2.7'],
    'nist-800-53': ['AC-6', 'SC-7', 'SC-39'],
    soc2: ['CC6.1', 'CC6.6', 'CC6.8'],
    'pci-dss': ['1.3.1', '2.2.6'],
    'iso-27001': ['A.8.2', 'A.8.20'],
  },
  remediation: {
    text: 'Remove hostNetwork: true from the pod spec; if the host network is truly needed, run the containers as a non-root user (runAsNonRoot: true, runAsUser > 0) and drop all capabilities.',
    url: GUIDE.podSecurityStandards,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (!a.podSpec.hostNetwork) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const e = rootEvidence(a, c);
      if (!e) continue;
      f ??= new Findings().add({
        path: `${a.podSpecPath}.hostNetwork`,
        value: true,
      });
      f.container(c, e);
    }
    return f
      ? f.fail(
          `Host network with root: ${listNames(
            f.names,
          )} may run as root in the node's network namespace`,
        )
      : PASS;
  },
});

function hostNamespaceMetadata(
  field: 'hostNetwork' | 'hostPID' | 'hostIPC',
  id: string,
  title: string,
  description: string,
  cis: string,
) {
  return {
    id,
    title,
    description,
    severity: 'high' as const,
    category: 'compute' as const,
    control: 'no_privileged_containers',
    weight: field === 'hostNetwork' ? 6 : 8,
    frameworks: HOST_ISOLATION_FRAMEWORKS([cis]),
    remediation: {
      text: `Remove ${field}: true from the pod spec (the default is false).`,
      url: GUIDE.podSecurityStandards,
    },
  };
}

export const hostNetworkCheck = workloadCheck({
  ...hostNamespaceMetadata(
    'hostNetwork',
    'k8s-host-network',
    'Pods do not share the host network',
    'hostNetwork: true puts the pod in the node network namespace: it sees all node traffic, can bind node ports and bypasses NetworkPolicies.',
    '5.2.5',
  ),
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (!a.podSpec.hostNetwork) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    return new Findings()
      .add({ path: `${a.podSpecPath}.hostNetwork`, value: true })
      .fail("The pod shares the node's network namespace");
  },
});

export const hostPidCheck = workloadCheck({
  ...hostNamespaceMetadata(
    'hostPID',
    'k8s-host-pid',
    'Pods do not share the host PID namespace',
    'hostPID: true lets containers see and signal every process on the node and read their environment, secrets included.',
    '5.2.3',
  ),
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (!a.podSpec.hostPID) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    return new Findings()
      .add({ path: `${a.podSpecPath}.hostPID`, value: true })
      .fail("The pod shares the node's process (PID) namespace");
  },
});

export const hostIpcCheck = workloadCheck({
  ...hostNamespaceMetadata(
    'hostIPC',
    'k8s-host-ipc',
    'Pods do not share the host IPC namespace',
    'hostIPC: true lets containers read and write the shared memory of every process on the node.',
    '5.2.4',
  ),
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (!a.podSpec.hostIPC) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    return new Findings()
      .add({ path: `${a.podSpecPath}.hostIPC`, value: true })
      .fail("The pod shares the node's IPC namespace");
  },
});

export const hostPathVolumeCheck = workloadCheck({
  id: 'k8s-host-path-volume',
  title: 'No hostPath volumes',
  description:
    'hostPath volumes mount node directories into the pod; a writable mount of /, /etc, /var/run/docker.sock or the kubelet directory is a direct path to node takeover.',
  severity: 'high',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 8,
  frameworks: HOST_ISOLATION_FRAMEWORKS(['5.2.12']),
  remediation: {
    text: 'Replace hostPath volumes with emptyDir, ConfigMap/Secret or PersistentVolumeClaim volumes; node agents that need host files should mount only the exact paths, read-only.',
    url: GUIDE.hostPath,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    const volumes = a.podSpec.volumes;
    let f: Findings | undefined;
    for (let i = 0; i < volumes.length; i++) {
      const hostPath = volumes[i].hostPath;
      if (!hostPath) continue;
      f = (f ?? new Findings()).add(
        {
          path: `${a.podSpecPath}.volumes[${i}].hostPath.path`,
          value: hostPath.path,
        },
        `${volumes[i].name} (${hostPath.path ?? 'no path'})`,
      );
    }
    if (!f) return PASS;
    return isControlled(a, ctx)
      ? SKIP_CONTROLLED
      : f.fail(`hostPath volumes: ${listNames(f.names)}`);
  },
});

/**
 * Capabilities the Pod Security Standards baseline lets containers add: the
 * container runtime's defaults. Anything else (SYS_ADMIN, NET_ADMIN, NET_RAW …)
 * widens what root in the container can do to the node.
 */
const BASELINE_CAPABILITIES = new Set([
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

export const addedCapabilitiesCheck = workloadCheck({
  id: 'k8s-dangerous-capabilities',
  title: 'No dangerous capabilities added',
  description:
    'Containers add no Linux capability beyond the runtime defaults allowed by the Pod Security Standards baseline: no ALL, SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_MODULE and the like.',
  severity: 'high',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 8,
  frameworks: HOST_ISOLATION_FRAMEWORKS(['5.2.8', '5.2.9']),
  remediation: {
    text: 'Remove the capability from securityContext.capabilities.add; if one is really needed (for example NET_BIND_SERVICE), add only that one and drop ALL.',
    url: GUIDE.kernelConstraints,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    let added: string[] | undefined;
    for (const c of a.containers) {
      const add = c.container.securityContext.capabilities.add;
      for (let i = 0; i < add.length; i++) {
        const cap = add[i];
        if (BASELINE_CAPABILITIES.has(cap)) continue; // fast path: written canonically
        const name = capabilityName(cap);
        if (BASELINE_CAPABILITIES.has(name)) continue;
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.securityContext.capabilities.add[${i}]`,
          value: cap,
        });
        added ??= [];
        if (!added.includes(name)) added.push(name);
      }
    }
    if (!f || !added) return PASS;
    return isControlled(a, ctx)
      ? SKIP_CONTROLLED
      : f.fail(`${listNames(added)} added to ${listNames(f.names)}`);
  },
});

export const hostPortCheck = workloadCheck({
  id: 'k8s-host-port',
  title: 'Containers do not use host ports',
  description:
    'A hostPort binds the container to a port on the node itself, bypassing Services and NetworkPolicies and exposing it wherever the node is reachable.',
  severity: 'medium',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 4,
  frameworks: {
    'cis-kubernetes': ['5.2.13'],
    'nist-800-53': ['CM-7', 'SC-7'],
    soc2: ['CC6.6'],
    'pci-dss': ['1.3.1', '2.2.4'],
    'iso-27001': ['A.8.20'],
  },
  remediation: {
    text: 'Remove hostPort from the container ports and expose the pod through a Service instead.',
    url: GUIDE.podSecurityStandards,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const ports = c.container.ports;
      for (let i = 0; i < ports.length; i++) {
        const hostPort = ports[i].hostPort;
        if (hostPort === undefined || hostPort === 0) continue;
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.ports[${i}].hostPort`,
          value: hostPort,
        });
      }
    }
    if (!f) return PASS;
    return isControlled(a, ctx)
      ? SKIP_CONTROLLED
      : f.fail(`Host ports used by ${listNames(f.names)}`);
  },
});

// ---------------------------------------------------------------------------
// pod_security_standards (container settings; namespace enforcement is the PSS engine's)

const PSS_FRAMEWORKS = (cis: string[]) => ({
  'cis-kubernetes': cis,
  'nist-800-53': ['AC-6', 'CM-6', 'CM-7'],
  soc2: ['CC6.1', 'CC6.8'],
  'pci-dss': ['2.2.6'],
  'iso-27001': ['A.8.9'],
});

export const privilegeEscalationCheck = workloadCheck({
  id: 'k8s-allow-privilege-escalation',
  title: 'Privilege escalation disabled',
  description:
    'Unless allowPrivilegeEscalation is explicitly false, a process can gain more privileges than its parent (setuid binaries, file capabilities).',
  severity: 'medium',
  category: 'compute',
  control: 'pod_security_standards',
  weight: 8,
  frameworks: PSS_FRAMEWORKS(['5.2.6']),
  remediation: {
    text: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    url: GUIDE.securityContext,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const value = c.container.securityContext.allowPrivilegeEscalation;
      if (value === false) continue;
      f = (f ?? new Findings()).container(c, {
        path: `${c.path}.securityContext.allowPrivilegeEscalation`,
        value,
      });
    }
    if (!f) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    return f.fail(`Privilege escalation allowed in ${listNames(f.names)}`);
  },
});

export const runAsRootCheck = workloadCheck({
  id: 'k8s-run-as-root',
  title: 'Containers run as a non-root user',
  description:
    'Each container must provably run as a non-root user: runAsNonRoot: true or a non-zero runAsUser, on the container or inherited from the pod security context. Otherwise the image decides, and most images run as root.',
  severity: 'medium',
  category: 'compute',
  control: 'pod_security_standards',
  weight: 8,
  frameworks: PSS_FRAMEWORKS(['5.2.7']),
  remediation: {
    text: 'Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod, and build images that run as a non-root USER.',
    url: GUIDE.securityContext,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const e = rootEvidence(a, c);
      // A missing pod-level setting is reported once, not once per container.
      if (e) f = (f ?? new Findings()).container(c, e);
    }
    if (!f) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    return f.fail(`May run as root: ${listNames(f.names)}`);
  },
});

export const readOnlyRootFilesystemCheck = workloadCheck({
  id: 'k8s-read-only-root-filesystem',
  title: 'Read-only root file system',
  description:
    'Containers whose root file system is writable let an attacker drop tools and modify binaries; readOnlyRootFilesystem: true makes the image immutable at run time.',
  severity: 'low',
  category: 'compute',
  control: 'pod_security_standards',
  weight: 4,
  frameworks: PSS_FRAMEWORKS(['5.7.3']),
  remediation: {
    text: 'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the application needs to write (for example /tmp).',
    url: GUIDE.securityContext,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const value = c.container.securityContext.readOnlyRootFilesystem;
      if (value === true) continue;
      f = (f ?? new Findings()).container(c, {
        path: `${c.path}.securityContext.readOnlyRootFilesystem`,
        value,
      });
    }
    if (!f) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    return f.fail(`Writable root file system: ${listNames(f.names)}`);
  },
});

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION =
  'container.seccomp.security.alpha.kubernetes.io/';

/** Whether a seccomp profile type (or legacy annotation value) confines the container. */
function confining(type: string): boolean {
  return (
    type === 'RuntimeDefault' ||
    type === 'Localhost' ||
    type === 'runtime/default' ||
    type === 'docker/default' ||
    type.startsWith('localhost/')
  );
}

export const seccompProfileCheck = workloadCheck({
  id: 'k8s-seccomp-profile',
  title: 'Seccomp profile set',
  description:
    'Without a seccomp profile (RuntimeDefault or Localhost, on the pod or the container) containers run Unconfined and can call every system call of the node kernel.',
  severity: 'medium',
  category: 'compute',
  control: 'pod_security_standards',
  weight: 6,
  frameworks: PSS_FRAMEWORKS(['5.7.2']),
  remediation: {
    text: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile).',
    url: GUIDE.seccomp,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    const podType = a.podSpec.securityContext.seccompProfile?.type;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const own = c.container.securityContext.seccompProfile?.type;
      if (own !== undefined) {
        if (confining(own)) continue;
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.securityContext.seccompProfile.type`,
          value: own,
        });
      } else if (podType !== undefined) {
        if (confining(podType)) continue;
        f = (f ?? new Findings()).container(c, {
          path: `${a.podSpecPath}.securityContext.seccompProfile.type`,
          value: podType,
        });
      } else {
        // Before seccompProfile fields (Kubernetes < 1.19), annotations said it.
        const annotations = a.podMetadata.annotations;
        const legacy =
          annotations[SECCOMP_CONTAINER_ANNOTATION + c.name] ??
          annotations[SECCOMP_POD_ANNOTATION];
        if (legacy !== undefined && confining(legacy)) continue;
        f = (f ?? new Findings()).container(c, {
          path: `${a.podSpecPath}.securityContext.seccompProfile.type`,
          value: undefined,
        });
      }
    }
    if (!f) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    return f.fail(`No seccomp confinement: ${listNames(f.names)}`);
  },
});

function dropsAll(drop: readonly string[]): boolean {
  for (let i = 0; i < drop.length; i++) {
    if (drop[i] === 'ALL' || capabilityName(drop[i]) === 'ALL') return true;
  }
  return false;
}

export const dropAllCapabilitiesCheck = workloadCheck({
  id: 'k8s-capabilities-drop-all',
  title: 'Capabilities dropped',
  description:
    'Containers should drop ALL Linux capabilities and add back only what they need; the runtime default set includes NET_RAW, which allows packet spoofing inside the cluster network.',
  severity: 'medium',
  category: 'compute',
  control: 'pod_security_standards',
  weight: 5,
  frameworks: PSS_FRAMEWORKS(['5.2.8', '5.2.10']),
  remediation: {
    text: 'Add securityContext.capabilities.drop: ["ALL"] to every container (and add back, for example, NET_BIND_SERVICE only if needed).',
    url: GUIDE.securityContext,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      if (dropsAll(c.container.securityContext.capabilities.drop)) continue;
      const drop = c.container.securityContext.capabilities.drop;
      f = (f ?? new Findings()).container(c, {
        path: `${c.path}.securityContext.capabilities.drop`,
        value: drop.length ? drop : undefined,
      });
    }
    if (!f) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    return f.fail(`Capabilities not dropped: ${listNames(f.names)}`);
  },
});

// ---------------------------------------------------------------------------
// resource_limits_enforced (ephemeral containers cannot have resources)

function resourceMetadata(
  id: string,
  title: string,
  description: string,
  severity: 'medium' | 'low',
  weight: number,
  what: string,
) {
  return {
    id,
    title,
    description,
    severity,
    category: 'compute' as const,
    control: 'resource_limits_enforced',
    weight,
    frameworks: {
      'nist-800-53': ['SC-5', 'SC-6'],
      soc2: ['A1.1'],
      'iso-27001': ['A.8.6'],
    },
    remediation: {
      text: `Set ${what} on every container (init containers included), sized from observed usage.`,
      url: GUIDE.resources,
    },
  };
}

function missingResource(
  a: KubernetesWorkloadAttributes,
  f: Findings,
  message: string,
  ctx: Parameters<typeof isControlled>[1],
) {
  return isControlled(a, ctx)
    ? SKIP_CONTROLLED
    : f.fail(`${message}: ${listNames(f.names)}`);
}

export const memoryLimitCheck = workloadCheck({
  ...resourceMetadata(
    'k8s-memory-limit',
    'Memory limits set',
    'A container without a memory limit can exhaust the node memory and get its neighbours OOM-killed.',
    'medium',
    6,
    'resources.limits.memory',
  ),
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      if (c.group === 'ephemeralContainers') continue;
      if (c.container.resources.limits.memory !== undefined) continue;
      f = (f ?? new Findings()).container(c, {
        path: `${c.path}.resources.limits.memory`,
        value: undefined,
      });
    }
    return f ? missingResource(a, f, 'No memory limit', ctx) : PASS;
  },
});

export const cpuLimitCheck = workloadCheck({
  ...resourceMetadata(
    'k8s-cpu-limit',
    'CPU limits set',
    'A container without a CPU limit can starve the other workloads of its node.',
    'medium',
    4,
    'resources.limits.cpu',
  ),
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      if (c.group === 'ephemeralContainers') continue;
      if (c.container.resources.limits.cpu !== undefined) continue;
      f = (f ?? new Findings()).container(c, {
        path: `${c.path}.resources.limits.cpu`,
        value: undefined,
      });
    }
    return f ? missingResource(a, f, 'No CPU limit', ctx) : PASS;
  },
});

export const resourceRequestsCheck = workloadCheck({
  ...resourceMetadata(
    'k8s-resource-requests',
    'CPU and memory requests set',
    'Without requests the scheduler cannot place the pod sensibly and it is the first to be evicted under pressure. An unset request defaults to the limit.',
    'low',
    3,
    'resources.requests.cpu and resources.requests.memory',
  ),
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      if (c.group === 'ephemeralContainers') continue;
      const { limits, requests } = c.container.resources;
      if (requests.cpu === undefined && limits.cpu === undefined) {
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.resources.requests.cpu`,
          value: undefined,
        });
      }
      if (requests.memory === undefined && limits.memory === undefined) {
        f = (f ?? new Findings()).container(c, {
          path: `${c.path}.resources.requests.memory`,
          value: undefined,
        });
      }
    }
    return f ? missingResource(a, f, 'No CPU/memory request', ctx) : PASS;
  },
});

// ---------------------------------------------------------------------------
// images_scanned

/** Tags that move: the image behind them changes without the manifest changing. */
const MUTABLE_TAGS = new Set([
  'latest',
  'stable',
  'edge',
  'main',
  'master',
  'develop',
  'dev',
  'nightly',
  'canary',
  'rolling',
  'current',
]);

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedImageReason(image: string): string | undefined {
  if (image.includes('@')) return undefined; // a digest: immutable
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) return 'no tag (defaults to latest)';
  const tag = image.slice(colon + 1);
  return MUTABLE_TAGS.has(tag.toLowerCase()) ? `mutable tag ${tag}` : undefined;
}

export const imageTagCheck = workloadCheck({
  id: 'k8s-image-mutable-tag',
  title: 'Images pinned to a version or digest',
  description:
    'Images referenced without a tag, with :latest or another moving tag (stable, main …) change under the workload: what runs cannot be tied to what was scanned.',
  severity: 'medium',
  category: 'compute',
  control: 'images_scanned',
  weight: 6,
  frameworks: {
    'cis-kubernetes': ['5.5.1'],
    'nist-800-53': ['CM-2', 'CM-14', 'SI-7'],
    soc2: ['CC7.1', 'CC8.1'],
    'pci-dss': ['6.3.2'],
    'iso-27001': ['A.8.19', 'A.8.32'],
  },
  remediation: {
    text: 'Reference images by an immutable version tag or, better, by digest (image@sha256:…), and let a bot propose updates.',
    url: GUIDE.images,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      // Parsed by the normaliser: a digest pins; a tag pins unless it moves.
      if (c.imageDigest !== undefined || c.image === '') continue;
      const tag = c.imageTag;
      if (tag !== undefined && !MUTABLE_TAGS.has(tag.toLowerCase())) continue;
      f = (f ?? new Findings()).add(
        { path: `${c.path}.image`, value: c.image },
        c.image,
      );
    }
    if (!f) return PASS;
    return isControlled(a, ctx)
      ? SKIP_CONTROLLED
      : f.fail(`Unpinned images: ${listNames(f.names)}`);
  },
});

export const imageDigestCheck = workloadCheck({
  id: 'k8s-image-digest',
  title: 'Images referenced by digest',
  description:
    'A version tag can be moved to another image by anyone who can push to the registry; only a digest (image@sha256:…) guarantees that what runs is what was built, scanned and approved.',
  severity: 'low',
  category: 'compute',
  control: 'images_scanned',
  weight: 3,
  frameworks: {
    'cis-kubernetes': ['5.5.1'],
    'nist-800-53': ['CM-14', 'SI-7'],
    soc2: ['CC8.1'],
    'pci-dss': ['6.3.2'],
    'iso-27001': ['A.8.19'],
  },
  remediation: {
    text: 'Reference the image by digest (keeping the tag for readability: name:1.2.3@sha256:…); let the build pipeline or a bot write the digest.',
    url: GUIDE.images,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      if (c.imageDigest !== undefined || c.image === '') continue;
      f = (f ?? new Findings()).add(
        { path: `${c.path}.image`, value: c.image },
        c.image,
      );
    }
    if (!f) return PASS;
    return isControlled(a, ctx)
      ? SKIP_CONTROLLED
      : f.fail(`Images without a digest: ${listNames(f.names)}`);
  },
});

// ---------------------------------------------------------------------------
// sensitive_data_classified

export const plainSecretEnvCheck = workloadCheck({
  id: 'k8s-secret-in-env',
  title: 'No secrets in plain environment variables',
  description:
    'A credential written as a plain env value (a variable named like PASSWORD, TOKEN, SECRET, API_KEY, or a value shaped like an AWS key, private key or token) is stored in the manifest, in Git, in the API server and in every `kubectl get -o yaml`.',
  severity: 'critical',
  category: 'data',
  control: 'sensitive_data_classified',
  weight: 10,
  frameworks: {
    'cis-kubernetes': ['5.4.1'],
    'nist-800-53': ['IA-5(7)', 'SC-28'],
    soc2: ['CC6.1'],
    'pci-dss': ['8.6.2'],
    'iso-27001': ['A.5.17', 'A.8.12'],
  },
  remediation: {
    text: 'Rotate the exposed credential, store it in a Secret (ideally synced from an external secret manager) and reference it with valueFrom.secretKeyRef or a mounted volume.',
    url: GUIDE.secrets,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    let f: Findings | undefined;
    for (const c of a.containers) {
      const found = c.plainSecretEnv;
      for (let i = 0; i < found.length; i++) {
        // The normaliser kept only a redaction marker, never the value.
        const evidence: Evidence = {
          path: found[i].path,
          value: found[i].redacted,
        };
        f = (f ?? new Findings()).add(
          evidence,
          `${found[i].name} in ${containerLabel(c)}`,
        );
      }
    }
    if (!f) return PASS;
    return isControlled(a, ctx)
      ? SKIP_CONTROLLED
      : f.fail(`Plain-text credentials: ${listNames(f.names)}`);
  },
});

/** Every workload check of this module. */
export const WORKLOAD_CHECKS = [
  rootWithHostNetworkCheck,
  privilegedContainerCheck,
  hostNetworkCheck,
  hostPidCheck,
  hostIpcCheck,
  hostPathVolumeCheck,
  addedCapabilitiesCheck,
  hostPortCheck,
  privilegeEscalationCheck,
  runAsRootCheck,
  readOnlyRootFilesystemCheck,
  seccompProfileCheck,
  dropAllCapabilitiesCheck,
  memoryLimitCheck,
  cpuLimitCheck,
  resourceRequestsCheck,
  imageTagCheck,
  imageDigestCheck,
  plainSecretEnvCheck,
];
