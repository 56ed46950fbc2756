import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS } from '../../model/check';
import type {
  KubernetesContainerInfo,
  KubernetesWorkloadAttributes,
} from '../types';
import {
  capabilityName,
  containerLabel,
  failure,
  GUIDE,
  listNames,
  rootEvidence,
  SKIP_WINDOWS,
  workloadCheck,
} from './util';

/**
 * Checks on the pod spec of workloads (Pods and every pod controller): host
 * isolation, container hardening, resources, images and plain-text credentials.
 */

/** Evidence collected for one container; reused, so passing containers allocate nothing. */
const SCRATCH: Evidence[] = [];

/** A per-container test; a module-level function, so no closure is allocated per call. */
type ContainerTest = (
  a: KubernetesWorkloadAttributes,
  c: KubernetesContainerInfo,
  out: Evidence[],
) => void;

/** Runs `test` on every container; collects the evidence and names of failing ones. */
function eachContainer(
  a: KubernetesWorkloadAttributes,
  test: ContainerTest,
  skipEphemeral = false,
): { evidence: Evidence[]; names: string[] } | undefined {
  let evidence: Evidence[] | undefined;
  let names: string[] | undefined;
  const containers = a.containers;
  for (let i = 0; i < containers.length; i++) {
    const c = containers[i];
    if (skipEphemeral && c.group === 'ephemeralContainers') continue;
    SCRATCH.length = 0;
    test(a, c, SCRATCH);
    if (SCRATCH.length > 0) {
      if (!evidence) evidence = SCRATCH.slice();
      else {
        // Pod-level evidence shared by several containers is listed once.
        for (const e of SCRATCH) {
          if (!evidence.some(x => x.path === e.path)) evidence.push(e);
        }
      }
      (names ??= []).push(containerLabel(c));
    }
  }
  SCRATCH.length = 0;
  return evidence && names ? { evidence, names } : undefined;
}

// ---------------------------------------------------------------------------
// no_privileged_containers

const HOST_NAMESPACE_FRAMEWORKS = (cis: string) => ({
  'cis-kubernetes': [cis],
  'nist-800-53': ['AC-6', 'SC-39', 'CM-7'],
  soc2: ['CC6.1', 'CC6.8'],
  'pci-dss': ['2.2.6'],
  'iso-27001': ['A.8.2', 'A.8.9'],
});

const privilegedTest: ContainerTest = (a, c, out) => {
  const sc = c.container.securityContext;
  if (sc.privileged === true) {
    out.push({ path: `${c.path}.securityContext.privileged`, value: true });
  }
  const own = sc.windowsOptions?.hostProcess;
  if (own === true) {
    out.push({
      path: `${c.path}.securityContext.windowsOptions.hostProcess`,
      value: true,
    });
  } else if (
    own === undefined &&
    a.podSpec.securityContext.windowsOptions?.hostProcess === true
  ) {
    out.push({
      path: `${a.podSpecPath}.securityContext.windowsOptions.hostProcess`,
      value: true,
    });
  }
};

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
    'cis-kubernetes': ['5.2.2', '5.2.11'],
    'nist-800-53': ['AC-6', 'CM-7', 'SC-39'],
    soc2: ['CC6.1', 'CC6.8'],
    'pci-dss': ['2.2.6', '7.2.5'],
    'iso-27001': ['A.8.2', 'A.8.9'],
  },
  remediation: {
    text: 'Remove securityContext.privileged (or set it to false) and grant only the specific capabilities the container needs; move node-level tooling to a dedicated, isolated DaemonSet.',
    url: GUIDE.podSecurityStandards,
  },
  evaluate(a) {
    const found = eachContainer(a, privilegedTest);
    if (!found) return PASS;
    return failure(`Privileged: ${listNames(found.names)}`, found.evidence);
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
  evaluate(a) {
    if (!a.podSpec.hostNetwork) return PASS;
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    let rootEvidenceList: Evidence[] | undefined;
    const names: string[] = [];
    for (const c of a.containers) {
      const e = rootEvidence(a, c);
      if (!e) continue;
      rootEvidenceList ??= [];
      if (!rootEvidenceList.some(x => x.path === e.path))
        rootEvidenceList.push(e);
      names.push(containerLabel(c));
    }
    if (!rootEvidenceList) return PASS;
    return failure(
      `Host network with root: ${listNames(
        names,
      )} may run as root in the node's network namespace`,
      [
        { path: `${a.podSpecPath}.hostNetwork`, value: true },
        ...rootEvidenceList,
      ],
    );
  },
});

function hostNamespaceCheck(
  field: 'hostNetwork' | 'hostPID' | 'hostIPC',
  namespace: string,
  id: string,
  title: string,
  description: string,
  cis: string,
) {
  return workloadCheck({
    id,
    title,
    description,
    severity: 'high',
    category: 'compute',
    control: 'no_privileged_containers',
    weight: field === 'hostNetwork' ? 6 : 8,
    frameworks: HOST_NAMESPACE_FRAMEWORKS(cis),
    remediation: {
      text: `Remove ${field}: true from the pod spec (the default is false).`,
      url: GUIDE.podSecurityStandards,
    },
    evaluate(a) {
      if (!a.podSpec[field]) return PASS;
      return failure(`The pod shares the node's ${namespace}`, [
        { path: `${a.podSpecPath}.${field}`, value: true },
      ]);
    },
  });
}

export const hostNetworkCheck = hostNamespaceCheck(
  'hostNetwork',
  'network namespace',
  'k8s-host-network',
  'Pods do not share the host network',
  'hostNetwork: true puts the pod in the node network namespace: it sees all node traffic, can bind node ports and bypasses NetworkPolicies.',
  '5.2.5',
);

export const hostPidCheck = hostNamespaceCheck(
  'hostPID',
  'process (PID) namespace',
  'k8s-host-pid',
  'Pods do not share the host PID namespace',
  'hostPID: true lets containers see and signal every process on the node and read their environment, secrets included.',
  '5.2.3',
);

export const hostIpcCheck = hostNamespaceCheck(
  'hostIPC',
  'IPC namespace',
  'k8s-host-ipc',
  'Pods do not share the host IPC namespace',
  'hostIPC: true lets containers read and write the shared memory of every process on the node.',
  '5.2.4',
);

export const hostPathVolumeCheck = workloadCheck({
  id: 'k8s-host-path-volume',
  title: 'No hostPath volumes',
  description:
    'hostPath volumes mount node directories into the pod; a writable mount of /, /etc, /var/run/docker.sock or the kubelet directory is a direct path to node takeover.',
  severity: 'high',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 8,
  frameworks: {
    'cis-kubernetes': ['5.2.12'],
    'nist-800-53': ['AC-6', 'CM-7', 'SC-39'],
    soc2: ['CC6.1', 'CC6.8'],
    'pci-dss': ['2.2.6'],
    'iso-27001': ['A.8.2', 'A.8.9'],
  },
  remediation: {
    text: 'Replace hostPath volumes with emptyDir, ConfigMap/Secret or PersistentVolumeClaim volumes; node agents that need host files should mount only the exact paths, read-only.',
    url: GUIDE.hostPath,
  },
  evaluate(a) {
    let evidence: Evidence[] | undefined;
    const names: string[] = [];
    const volumes = a.podSpec.volumes;
    for (let i = 0; i < volumes.length; i++) {
      const hostPath = volumes[i].hostPath;
      if (!hostPath) continue;
      (evidence ??= []).push({
        path: `${a.podSpecPath}.volumes[${i}].hostPath.path`,
        value: hostPath.path,
      });
      names.push(`${volumes[i].name} (${hostPath.path ?? 'no path'})`);
    }
    if (!evidence) return PASS;
    return failure(`hostPath volumes: ${listNames(names)}`, evidence);
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

const addedCapabilitiesTest: ContainerTest = (_a, c, evidence) => {
  const add = c.container.securityContext.capabilities.add;
  for (let i = 0; i < add.length; i++) {
    if (!BASELINE_CAPABILITIES.has(capabilityName(add[i]))) {
      evidence.push({
        path: `${c.path}.securityContext.capabilities.add[${i}]`,
        value: add[i],
      });
    }
  }
};

export const addedCapabilitiesCheck = workloadCheck({
  id: 'k8s-dangerous-capabilities',
  title: 'No dangerous capabilities added',
  description:
    'Containers add no Linux capability beyond the runtime defaults allowed by the Pod Security Standards baseline: no ALL, SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_MODULE and the like.',
  severity: 'high',
  category: 'compute',
  control: 'no_privileged_containers',
  weight: 8,
  frameworks: {
    'cis-kubernetes': ['5.2.8', '5.2.9'],
    'nist-800-53': ['AC-6', 'CM-7'],
    soc2: ['CC6.1', 'CC6.8'],
    'pci-dss': ['2.2.6'],
    'iso-27001': ['A.8.2', 'A.8.9'],
  },
  remediation: {
    text: 'Remove the capability from securityContext.capabilities.add; if one is really needed (for example NET_BIND_SERVICE), add only that one and drop ALL.',
    url: GUIDE.kernelConstraints,
  },
  evaluate(a) {
    const found = eachContainer(a, addedCapabilitiesTest);
    if (!found) return PASS;
    const caps = found.evidence.map(e => capabilityName(String(e.value)));
    return failure(
      `${listNames([...new Set(caps)])} added to ${listNames(found.names)}`,
      found.evidence,
    );
  },
});

const hostPortTest: ContainerTest = (_a, c, evidence) => {
  const ports = c.container.ports;
  for (let i = 0; i < ports.length; i++) {
    const hostPort = ports[i].hostPort;
    if (hostPort !== undefined && hostPort !== 0) {
      evidence.push({
        path: `${c.path}.ports[${i}].hostPort`,
        value: hostPort,
      });
    }
  }
};

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
  evaluate(a) {
    const found = eachContainer(a, hostPortTest);
    if (!found) return PASS;
    return failure(
      `Host ports used by ${listNames(found.names)}`,
      found.evidence,
    );
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

const privilegeEscalationTest: ContainerTest = (_a, c, evidence) => {
  const value = c.container.securityContext.allowPrivilegeEscalation;
  if (value !== false) {
    evidence.push({
      path: `${c.path}.securityContext.allowPrivilegeEscalation`,
      value,
    });
  }
};

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
  evaluate(a) {
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    const found = eachContainer(a, privilegeEscalationTest);
    if (!found) return PASS;
    return failure(
      `Privilege escalation allowed in ${listNames(found.names)}`,
      found.evidence,
    );
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
  evaluate(a) {
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    let evidence: Evidence[] | undefined;
    let names: string[] | undefined;
    for (const c of a.containers) {
      const e = rootEvidence(a, c);
      if (!e) continue;
      evidence ??= [];
      // A missing pod-level setting is reported once, not once per container.
      if (!evidence.some(x => x.path === e.path)) evidence.push(e);
      (names ??= []).push(containerLabel(c));
    }
    if (!evidence || !names) return PASS;
    return failure(`May run as root: ${listNames(names)}`, evidence);
  },
});

const readOnlyRootTest: ContainerTest = (_a, c, evidence) => {
  const value = c.container.securityContext.readOnlyRootFilesystem;
  if (value !== true) {
    evidence.push({
      path: `${c.path}.securityContext.readOnlyRootFilesystem`,
      value,
    });
  }
};

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
  evaluate(a) {
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    const found = eachContainer(a, readOnlyRootTest);
    if (!found) return PASS;
    return failure(
      `Writable root file system: ${listNames(found.names)}`,
      found.evidence,
    );
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
  evaluate(a) {
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    const podType = a.podSpec.securityContext.seccompProfile?.type;
    const annotations = a.podMetadata.annotations;
    const podAnnotation = annotations[SECCOMP_POD_ANNOTATION];
    let evidence: Evidence[] | undefined;
    let names: string[] | undefined;
    for (const c of a.containers) {
      const own = c.container.securityContext.seccompProfile?.type;
      let e: Evidence | undefined;
      if (own !== undefined) {
        if (!confining(own)) {
          e = {
            path: `${c.path}.securityContext.seccompProfile.type`,
            value: own,
          };
        }
      } else if (podType !== undefined) {
        if (!confining(podType)) {
          e = {
            path: `${a.podSpecPath}.securityContext.seccompProfile.type`,
            value: podType,
          };
        }
      } else {
        const legacy =
          annotations[SECCOMP_CONTAINER_ANNOTATION + c.name] ?? podAnnotation;
        if (legacy === undefined || !confining(legacy)) {
          e = {
            path: `${a.podSpecPath}.securityContext.seccompProfile.type`,
            value: undefined,
          };
        }
      }
      if (!e) continue;
      evidence ??= [];
      if (!evidence.some(x => x.path === e.path)) evidence.push(e);
      (names ??= []).push(containerLabel(c));
    }
    if (!evidence || !names) return PASS;
    return failure(`No seccomp confinement: ${listNames(names)}`, evidence);
  },
});

const dropAllTest: ContainerTest = (_a, c, evidence) => {
  const drop = c.container.securityContext.capabilities.drop;
  for (let i = 0; i < drop.length; i++) {
    if (capabilityName(drop[i]) === 'ALL') return;
  }
  evidence.push({
    path: `${c.path}.securityContext.capabilities.drop`,
    value: drop.length ? drop : undefined,
  });
};

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
  evaluate(a) {
    if (a.podSpec.os === 'windows') return SKIP_WINDOWS;
    const found = eachContainer(a, dropAllTest);
    if (!found) return PASS;
    return failure(
      `Capabilities not dropped: ${listNames(found.names)}`,
      found.evidence,
    );
  },
});

// ---------------------------------------------------------------------------
// resource_limits_enforced

const RESOURCE_FRAMEWORKS = {
  'nist-800-53': ['SC-5', 'SC-6'],
  soc2: ['A1.1'],
  'iso-27001': ['A.8.6'],
};

function resourceCheck(
  id: string,
  title: string,
  description: string,
  severity: 'medium' | 'low',
  weight: number,
  fields: ReadonlyArray<'cpu' | 'memory'>,
  kind: 'limits' | 'requests',
) {
  const test: ContainerTest = (_a, c, evidence) => {
    const { limits, requests } = c.container.resources;
    for (const field of fields) {
      // An unset request defaults to the limit.
      const set =
        kind === 'limits'
          ? limits[field] !== undefined
          : requests[field] !== undefined || limits[field] !== undefined;
      if (!set) {
        evidence.push({
          path: `${c.path}.resources.${kind}.${field}`,
          value: undefined,
        });
      }
    }
  };
  return workloadCheck({
    id,
    title,
    description,
    severity,
    category: 'compute',
    control: 'resource_limits_enforced',
    weight,
    frameworks: RESOURCE_FRAMEWORKS,
    remediation: {
      text: `Set resources.${kind}.${fields.join(
        ' and ',
      )} on every container (init containers included), sized from observed usage.`,
      url: GUIDE.resources,
    },
    evaluate(a) {
      const found = eachContainer(a, test, true);
      if (!found) return PASS;
      return failure(
        `No ${fields.join('/')} ${
          kind === 'limits' ? 'limit' : 'request'
        }: ${listNames(found.names)}`,
        found.evidence,
      );
    },
  });
}

export const memoryLimitCheck = resourceCheck(
  'k8s-memory-limit',
  'Memory limits set',
  'A container without a memory limit can exhaust the node memory and get its neighbours OOM-killed.',
  'medium',
  6,
  ['memory'],
  'limits',
);

export const cpuLimitCheck = resourceCheck(
  'k8s-cpu-limit',
  'CPU limits set',
  'A container without a CPU limit can starve the other workloads of its node.',
  'medium',
  4,
  ['cpu'],
  'limits',
);

export const resourceRequestsCheck = resourceCheck(
  'k8s-resource-requests',
  'CPU and memory requests set',
  'Without requests the scheduler cannot place the pod sensibly and it is the first to be evicted under pressure.',
  'low',
  3,
  ['cpu', 'memory'],
  'requests',
);

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

const imageTagTest: ContainerTest = (_a, c, evidence) => {
  if (c.image && unpinnedImageReason(c.image) !== undefined) {
    evidence.push({ path: `${c.path}.image`, value: c.image });
  }
};

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
  evaluate(a) {
    const found = eachContainer(a, imageTagTest);
    if (!found) return PASS;
    return failure(
      `Unpinned images: ${listNames(found.evidence.map(e => String(e.value)))}`,
      found.evidence,
    );
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
  evaluate(a) {
    let evidence: Evidence[] | undefined;
    let names: string[] | undefined;
    const containers = a.containers;
    for (let i = 0; i < containers.length; i++) {
      const found = containers[i].plainSecretEnv;
      if (found.length === 0) continue;
      for (const env of found) {
        (evidence ??= []).push({ path: env.path, value: env.redacted });
        (names ??= []).push(`${env.name} in ${containerLabel(containers[i])}`);
      }
    }
    if (!evidence || !names) return PASS;
    return failure(`Plain-text credentials: ${listNames(names)}`, evidence);
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
  plainSecretEnvCheck,
];
