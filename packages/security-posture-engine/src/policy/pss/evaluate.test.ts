import {
  evaluatePodSecurity,
  listPodSecurityChecks,
  parsePodSecurityVersion,
  POD_SECURITY_VERSIONS,
  PodSecurityOptions,
} from './index';

type Spec = Record<string, any>;

/** A pod with one container named `app` (extra container fields merged in). */
function pod(
  spec: Spec = {},
  container: Spec = {},
  metadata: Spec = {},
): { metadata: Spec; spec: Spec } {
  return {
    metadata: { name: 'p', ...metadata },
    spec: {
      containers: [
        { name: 'app', image: 'registry.example/app:1', ...container },
      ],
      ...spec,
    },
  };
}

/** Everything the restricted level asks for, on the pod and its container. */
const RESTRICTED_SC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};
const RESTRICTED_POD_SC = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function restrictedPod(
  spec: Spec = {},
  sc: Spec = {},
  podSc: Spec = {},
  metadata: Spec = {},
) {
  return pod(
    { securityContext: { ...RESTRICTED_POD_SC, ...podSc }, ...spec },
    { securityContext: { ...RESTRICTED_SC, ...sc } },
    metadata,
  );
}

function failing(
  p: { metadata?: any; spec?: any },
  level: 'baseline' | 'restricted',
  version = 'latest',
  extra: Partial<PodSecurityOptions> = {},
): string[] {
  return evaluatePodSecurity(p, { level, version, ...extra }).violations.map(
    v => v.check,
  );
}

describe('evaluatePodSecurity', () => {
  it('allows a pod that sets every restricted field, at every level and version', () => {
    for (const version of POD_SECURITY_VERSIONS) {
      for (const level of ['baseline', 'restricted'] as const) {
        expect({
          version,
          level,
          failing: failing(restrictedPod(), level, version),
        }).toEqual({
          version,
          level,
          failing: [],
        });
      }
    }
  });

  it('allows anything at the privileged level', () => {
    const result = evaluatePodSecurity(
      pod({ hostNetwork: true }, { securityContext: { privileged: true } }),
      { level: 'privileged' },
    );
    expect(result).toEqual({ allowed: true, violations: [] });
  });

  it('rejects unknown levels and malformed versions with a clear error', () => {
    expect(() =>
      evaluatePodSecurity(pod(), { level: 'strict' as any }),
    ).toThrow(/Unknown Pod Security level "strict"/);
    expect(() =>
      evaluatePodSecurity(pod(), { level: 'baseline', version: '2.0' }),
    ).toThrow(/Invalid Pod Security Standards version "2.0"/);
    expect(() =>
      evaluatePodSecurity(pod(), { level: 'baseline', version: 'v1.x' }),
    ).toThrow(/Invalid/);
  });

  it('accepts v1.N, 1.N and latest; versions past the newest behave as latest', () => {
    expect(parsePodSecurityVersion('1.25')).toEqual({
      minor: 25,
      label: 'v1.25',
    });
    expect(parsePodSecurityVersion('v1.0')).toEqual({
      minor: 0,
      label: 'v1.0',
    });
    expect(parsePodSecurityVersion(undefined)?.label).toBe('latest');
    expect(parsePodSecurityVersion('v1.99')?.minor).toBe(
      parsePodSecurityVersion('latest')?.minor,
    );
    expect(POD_SECURITY_VERSIONS[0]).toBe('v1.0');
    expect(POD_SECURITY_VERSIONS).toContain('v1.37');
    expect(POD_SECURITY_VERSIONS[POD_SECURITY_VERSIONS.length - 1]).toBe(
      'latest',
    );
    // a check added at 1.34 applies to "1.34" written without the v
    const probe = pod(
      {},
      { livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } },
    );
    expect(failing(probe, 'baseline', '1.34')).toEqual([
      'hostProbesAndHostLifecycle',
    ]);
    expect(failing(probe, 'baseline', '1.33')).toEqual([]);
  });

  it('tolerates malformed pods (missing spec, non-object containers)', () => {
    expect(evaluatePodSecurity({}, { level: 'baseline' }).allowed).toBe(true);
    expect(
      evaluatePodSecurity(
        { spec: { containers: [null, 'x'], volumes: 'nope' } },
        { level: 'baseline' },
      ).allowed,
    ).toBe(true);
    // a null container is an empty container: it does not set allowPrivilegeEscalation
    expect(
      failing({ spec: { containers: [null] } }, 'restricted', 'v1.8'),
    ).toContain('allowPrivilegeEscalation');
  });
});

describe('baseline checks', () => {
  it('privileged: any container kind with privileged: true, evidence at the field', () => {
    const p = pod(
      {
        initContainers: [
          { name: 'init', securityContext: { privileged: true } },
        ],
        ephemeralContainers: [
          { name: 'debug', securityContext: { privileged: true } },
        ],
      },
      { securityContext: { privileged: false } },
    );
    const [violation] = evaluatePodSecurity(p, {
      level: 'baseline',
    }).violations;
    expect(violation.check).toBe('privileged');
    expect(violation.controlName).toBe('Privileged Containers');
    expect(violation.message).toBe(
      'privileged (containers "init", "debug" must not set securityContext.privileged=true)',
    );
    expect(violation.evidence).toEqual([
      {
        path: 'spec.initContainers[0].securityContext.privileged',
        value: true,
      },
      {
        path: 'spec.ephemeralContainers[0].securityContext.privileged',
        value: true,
      },
    ]);
    expect(
      failing(pod({}, { securityContext: { privileged: false } }), 'baseline'),
    ).toEqual([]);
  });

  it('hostNamespaces: hostNetwork, hostPID and hostIPC', () => {
    const [v] = evaluatePodSecurity(
      pod({ hostNetwork: true, hostPID: true, hostIPC: false }),
      { level: 'baseline', version: 'v1.0' },
    ).violations;
    expect(v.check).toBe('hostNamespaces');
    expect(v.controlName).toBe('Host Namespaces');
    expect(v.message).toBe('host namespaces (hostNetwork=true, hostPID=true)');
    expect(v.evidence.map(e => e.path)).toEqual([
      'spec.hostNetwork',
      'spec.hostPID',
    ]);
    expect(failing(pod({ hostIPC: true }), 'baseline')).toEqual([
      'hostNamespaces',
    ]);
    expect(failing(pod({ hostNetwork: false }), 'baseline')).toEqual([]);
  });

  it('hostPathVolumes at baseline; replaced by restrictedVolumes at restricted', () => {
    const p = restrictedPod({
      volumes: [
        { name: 'ok', emptyDir: {} },
        { name: 'logs', hostPath: { path: '/var/log' } },
      ],
    });
    const [v] = evaluatePodSecurity(p, { level: 'baseline' }).violations;
    expect(v.check).toBe('hostPathVolumes');
    expect(v.message).toBe('hostPath volumes (volume "logs")');
    expect(v.evidence).toEqual([
      { path: 'spec.volumes[1].hostPath', value: { path: '/var/log' } },
    ]);
    expect(failing(p, 'restricted')).toEqual(['restrictedVolumes']);
  });

  it('hostPorts: non-zero hostPort in any port of any container', () => {
    const p = pod(
      {},
      {
        ports: [{ containerPort: 80 }, { containerPort: 443, hostPort: 8443 }],
      },
    );
    const [v] = evaluatePodSecurity(p, { level: 'baseline' }).violations;
    expect(v.check).toBe('hostPorts');
    expect(v.message).toBe('hostPort (container "app" uses hostPort 8443)');
    expect(v.evidence).toEqual([
      { path: 'spec.containers[0].ports[1].hostPort', value: 8443 },
    ]);
    expect(
      failing(
        pod({}, { ports: [{ containerPort: 80, hostPort: 0 }] }),
        'baseline',
      ),
    ).toEqual([]);
  });

  it('hostProbesAndHostLifecycle: from v1.34, probes and lifecycle handlers must not set host', () => {
    const p = pod(
      {},
      {
        readinessProbe: { tcpSocket: { host: 'db.internal', port: 5432 } },
        lifecycle: {
          preStop: { httpGet: { host: '169.254.169.254', path: '/' } },
        },
        livenessProbe: { httpGet: { host: '', port: 80 } },
      },
    );
    expect(failing(p, 'baseline', 'v1.33')).toEqual([]);
    const [v] = evaluatePodSecurity(p, {
      level: 'baseline',
      version: 'v1.34',
    }).violations;
    expect(v.check).toBe('hostProbesAndHostLifecycle');
    expect(v.evidence.map(e => e.path)).toEqual([
      'spec.containers[0].readinessProbe.tcpSocket.host',
      'spec.containers[0].lifecycle.preStop.httpGet.host',
    ]);
    expect(v.message).toContain('"169.254.169.254", "db.internal"');
  });

  it('capabilities_baseline: only the runtime default capabilities may be added', () => {
    const p = pod(
      {},
      {
        securityContext: {
          capabilities: { add: ['CHOWN', 'NET_RAW', 'SYS_ADMIN'] },
        },
      },
    );
    const [v] = evaluatePodSecurity(p, { level: 'baseline' }).violations;
    expect(v.check).toBe('capabilities_baseline');
    expect(v.controlName).toBe('Capabilities');
    expect(v.message).toBe(
      'non-default capabilities (container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    );
    expect(
      failing(
        pod(
          {},
          {
            securityContext: {
              capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE'] },
            },
          },
        ),
        'baseline',
      ),
    ).toEqual([]);
  });

  it('appArmorProfile: annotations and appArmorProfile.type on pod and containers', () => {
    const annotated = pod(
      {},
      {},
      {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
        },
      },
    );
    const [v] = evaluatePodSecurity(annotated, {
      level: 'baseline',
    }).violations;
    expect(v.check).toBe('appArmorProfile');
    expect(v.evidence).toEqual([
      {
        path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
        value: 'unconfined',
      },
    ]);
    for (const ok of ['runtime/default', 'localhost/my-profile', '']) {
      expect(
        failing(
          pod(
            {},
            {},
            {
              annotations: {
                'container.apparmor.security.beta.kubernetes.io/app': ok,
              },
            },
          ),
          'baseline',
        ),
      ).toEqual([]);
    }
    expect(
      failing(
        pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }),
        'baseline',
      ),
    ).toEqual(['appArmorProfile']);
    expect(
      failing(
        pod(
          {},
          { securityContext: { appArmorProfile: { type: 'Unconfined' } } },
        ),
        'baseline',
      ),
    ).toEqual(['appArmorProfile']);
    expect(
      failing(
        pod(
          {},
          {
            securityContext: {
              appArmorProfile: { type: 'Localhost', localhostProfile: 'x' },
            },
          },
        ),
        'baseline',
      ),
    ).toEqual([]);
  });

  it('seLinuxOptions: type limited, container_engine_t allowed from v1.31, user and role forbidden', () => {
    const engine = pod(
      {},
      { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } },
    );
    expect(failing(engine, 'baseline', 'v1.30')).toEqual(['seLinuxOptions']);
    expect(failing(engine, 'baseline', 'v1.31')).toEqual([]);
    expect(
      failing(
        pod({
          securityContext: {
            seLinuxOptions: { type: 'container_t', level: 's0:c1' },
          },
        }),
        'baseline',
      ),
    ).toEqual([]);
    const [v] = evaluatePodSecurity(
      pod({
        securityContext: { seLinuxOptions: { type: 'spc_t', user: 'root' } },
      }),
      { level: 'baseline' },
    ).violations;
    expect(v.message).toBe(
      'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
    );
    expect(v.evidence.map(e => e.path)).toEqual([
      'spec.securityContext.seLinuxOptions.type',
      'spec.securityContext.seLinuxOptions.user',
    ]);
  });

  it('procMount: Unmasked is forbidden; from v1.35 baseline allows it in a user namespace, restricted does not', () => {
    const unmasked = pod({}, { securityContext: { procMount: 'Unmasked' } });
    expect(failing(unmasked, 'baseline', 'v1.0')).toEqual(['procMount']);
    expect(
      failing(
        pod({}, { securityContext: { procMount: 'Default' } }),
        'baseline',
      ),
    ).toEqual([]);
    const userNs = restrictedPod(
      { hostUsers: false },
      { procMount: 'Unmasked' },
    );
    expect(failing(userNs, 'baseline', 'v1.34')).toEqual(['procMount']);
    expect(failing(userNs, 'baseline', 'v1.35')).toEqual([]);
    expect(failing(userNs, 'restricted', 'v1.34')).toEqual(['procMount']);
    expect(failing(userNs, 'restricted', 'v1.35')).toEqual([
      'procMount_restricted',
    ]);
  });

  it('seccompProfile_baseline: alpha annotations before v1.19, the seccompProfile field from v1.19', () => {
    const annotated = pod(
      {},
      {},
      {
        annotations: {
          'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        },
      },
    );
    expect(failing(annotated, 'baseline', 'v1.18')).toEqual([
      'seccompProfile_baseline',
    ]);
    expect(failing(annotated, 'baseline', 'v1.19')).toEqual([]);
    const containerAnnotation = pod(
      {},
      {},
      {
        annotations: {
          'container.seccomp.security.alpha.kubernetes.io/app':
            'docker/default',
        },
      },
    );
    expect(failing(containerAnnotation, 'baseline', 'v1.0')).toEqual([]);
    const field = pod(
      {},
      { securityContext: { seccompProfile: { type: 'Unconfined' } } },
    );
    expect(failing(field, 'baseline', 'v1.18')).toEqual([]);
    const [v] = evaluatePodSecurity(field, {
      level: 'baseline',
      version: 'v1.19',
    }).violations;
    expect(v.check).toBe('seccompProfile_baseline');
    expect(v.evidence).toEqual([
      {
        path: 'spec.containers[0].securityContext.seccompProfile.type',
        value: 'Unconfined',
      },
    ]);
  });

  it.each([
    ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
    ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
    ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
  ])(
    'sysctls: %s is forbidden at %s and allowed from %s',
    (name, before, from) => {
      const p = pod({ securityContext: { sysctls: [{ name, value: '1' }] } });
      expect(failing(p, 'baseline', before)).toEqual(['sysctls']);
      expect(failing(p, 'baseline', from)).toEqual([]);
      expect(failing(p, 'baseline', 'latest')).toEqual([]);
    },
  );

  it('sysctls: unsafe sysctls are forbidden at every version, with evidence per sysctl', () => {
    const p = pod({
      securityContext: {
        sysctls: [
          { name: 'kernel.shm_rmid_forced', value: '0' },
          { name: 'kernel.msgmax', value: '1' },
        ],
      },
    });
    const [v] = evaluatePodSecurity(p, { level: 'baseline' }).violations;
    expect(v.message).toBe('forbidden sysctls (kernel.msgmax)');
    expect(v.evidence).toEqual([
      { path: 'spec.securityContext.sysctls[1].name', value: 'kernel.msgmax' },
    ]);
  });

  it('windowsHostProcess: pod or container hostProcess: true', () => {
    expect(
      failing(
        pod({ securityContext: { windowsOptions: { hostProcess: true } } }),
        'baseline',
      ),
    ).toEqual(['windowsHostProcess']);
    expect(
      failing(
        pod({}, { securityContext: { windowsOptions: { hostProcess: true } } }),
        'baseline',
      ),
    ).toEqual(['windowsHostProcess']);
    expect(
      failing(
        pod(
          {},
          { securityContext: { windowsOptions: { hostProcess: false } } },
        ),
        'baseline',
      ),
    ).toEqual([]);
  });
});

describe('restricted checks', () => {
  it('allowPrivilegeEscalation: required false from v1.8; Windows pods exempt from v1.25', () => {
    const p = restrictedPod({}, { allowPrivilegeEscalation: undefined });
    expect(failing(p, 'restricted', 'v1.7')).toEqual([]);
    const [v] = evaluatePodSecurity(p, {
      level: 'restricted',
      version: 'v1.8',
    }).violations;
    expect(v.check).toBe('allowPrivilegeEscalation');
    expect(v.controlName).toBe('Privilege Escalation');
    expect(v.message).toBe(
      'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
    );
    expect(
      failing(
        restrictedPod({}, { allowPrivilegeEscalation: true }),
        'restricted',
      ),
    ).toEqual(['allowPrivilegeEscalation']);

    const windows = restrictedPod(
      { os: { name: 'windows' } },
      { allowPrivilegeEscalation: undefined },
    );
    expect(failing(windows, 'restricted', 'v1.24')).toEqual([
      'allowPrivilegeEscalation',
    ]);
    expect(failing(windows, 'restricted', 'v1.25')).toEqual([]);
    const linux = restrictedPod(
      { os: { name: 'linux' } },
      { allowPrivilegeEscalation: undefined },
    );
    expect(failing(linux, 'restricted', 'v1.25')).toEqual([
      'allowPrivilegeEscalation',
    ]);
  });

  it('capabilities_restricted: drop ALL and add only NET_BIND_SERVICE from v1.22; baseline rule before', () => {
    const noDrop = restrictedPod(
      {},
      { capabilities: { add: ['NET_BIND_SERVICE'] } },
    );
    expect(failing(noDrop, 'restricted', 'v1.21')).toEqual([]);
    const [v] = evaluatePodSecurity(noDrop, {
      level: 'restricted',
      version: 'v1.22',
    }).violations;
    expect(v.check).toBe('capabilities_restricted');
    expect(v.message).toBe(
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
    );
    const chown = restrictedPod(
      {},
      { capabilities: { drop: ['ALL'], add: ['CHOWN'] } },
    );
    expect(failing(chown, 'restricted', 'v1.21')).toEqual([]); // CHOWN is a default capability
    expect(failing(chown, 'restricted', 'v1.22')).toEqual([
      'capabilities_restricted',
    ]);
    const sysAdmin = restrictedPod(
      {},
      { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } },
    );
    expect(failing(sysAdmin, 'restricted', 'v1.21')).toEqual([
      'capabilities_baseline',
    ]);
    expect(failing(sysAdmin, 'restricted', 'v1.22')).toEqual([
      'capabilities_restricted',
    ]);
  });

  it('capabilities_restricted: Windows pods are exempt from v1.25', () => {
    const windows = restrictedPod(
      { os: { name: 'windows' } },
      { capabilities: undefined },
    );
    expect(failing(windows, 'restricted', 'v1.24')).toEqual([
      'capabilities_restricted',
    ]);
    expect(failing(windows, 'restricted', 'v1.25')).toEqual([]);
  });

  it('restrictedVolumes: only the allowed volume types; a volume without a source is an emptyDir', () => {
    const p = restrictedPod({
      volumes: [
        { name: 'a', configMap: { name: 'x' } },
        { name: 'b', nfs: { server: 'nfs', path: '/' } },
        { name: 'c' },
        { name: 'd', csi: { driver: 'x' } },
        { name: 'e', image: { reference: 'x' } },
      ],
    });
    const [v] = evaluatePodSecurity(p, {
      level: 'restricted',
      version: 'v1.0',
    }).violations;
    expect(v.check).toBe('restrictedVolumes');
    expect(v.controlName).toBe('Volume Types');
    expect(v.message).toBe(
      'restricted volume types (volume "b" uses restricted volume type "nfs")',
    );
    expect(v.evidence).toEqual([
      { path: 'spec.volumes[1].nfs', value: { server: 'nfs', path: '/' } },
    ]);
    expect(failing(p, 'baseline')).toEqual([]);
  });

  it('runAsNonRoot: pod-level true covers containers; explicit false fails; user namespaces exempt from v1.35', () => {
    expect(failing(restrictedPod(), 'restricted')).toEqual([]);
    const containerFalse = restrictedPod({}, { runAsNonRoot: false });
    expect(failing(containerFalse, 'restricted')).toEqual(['runAsNonRoot']);
    const unset = restrictedPod({}, {}, { runAsNonRoot: undefined });
    const [v] = evaluatePodSecurity(unset, { level: 'restricted' }).violations;
    expect(v.check).toBe('runAsNonRoot');
    expect(v.message).toBe(
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
    expect(
      failing(
        restrictedPod({}, { runAsNonRoot: true }, { runAsNonRoot: undefined }),
        'restricted',
      ),
    ).toEqual([]);
    const userNs = restrictedPod(
      { hostUsers: false },
      {},
      { runAsNonRoot: undefined },
    );
    expect(failing(userNs, 'restricted', 'v1.34')).toEqual(['runAsNonRoot']);
    expect(failing(userNs, 'restricted', 'v1.35')).toEqual([]);
    expect(failing(userNs, 'restricted', 'latest')).toEqual([]);
  });

  it('runAsUser: 0 is forbidden from v1.23; user namespaces exempt from v1.35', () => {
    const root = restrictedPod({}, { runAsUser: 0 });
    expect(failing(root, 'restricted', 'v1.22')).toEqual([]);
    expect(failing(root, 'restricted', 'v1.23')).toEqual(['runAsUser']);
    expect(
      failing(restrictedPod({}, {}, { runAsUser: 0 }), 'restricted'),
    ).toEqual(['runAsUser']);
    expect(
      failing(restrictedPod({}, { runAsUser: 1000 }), 'restricted'),
    ).toEqual([]);
    const userNs = restrictedPod({ hostUsers: false }, { runAsUser: 0 });
    expect(failing(userNs, 'restricted', 'v1.34')).toEqual(['runAsUser']);
    expect(failing(userNs, 'restricted', 'v1.35')).toEqual([]);
  });

  it('seccompProfile_restricted: required from v1.19 on pod or every container; Windows pods exempt from v1.25', () => {
    const none = restrictedPod({}, {}, { seccompProfile: undefined });
    expect(failing(none, 'restricted', 'v1.18')).toEqual([]);
    expect(failing(none, 'restricted', 'v1.19')).toEqual([
      'seccompProfile_restricted',
    ]);
    expect(
      failing(
        restrictedPod(
          {},
          { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
          { seccompProfile: undefined },
        ),
        'restricted',
      ),
    ).toEqual([]);
    const unconfined = restrictedPod(
      {},
      {},
      { seccompProfile: { type: 'Unconfined' } },
    );
    const [v] = evaluatePodSecurity(unconfined, {
      level: 'restricted',
    }).violations;
    expect(v.message).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    const windows = restrictedPod(
      { os: { name: 'windows' } },
      {},
      { seccompProfile: undefined },
    );
    expect(failing(windows, 'restricted', 'v1.24')).toEqual([
      'seccompProfile_restricted',
    ]);
    expect(failing(windows, 'restricted', 'v1.25')).toEqual([]);
  });

  it('lists which checks apply at each version, with overrides at restricted', () => {
    const ids = (level: 'baseline' | 'restricted', v: string) =>
      listPodSecurityChecks(level, v).map(c => c.id);
    expect(ids('baseline', 'v1.0')).toEqual([
      'appArmorProfile',
      'capabilities_baseline',
      'hostNamespaces',
      'hostPathVolumes',
      'hostPorts',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'seccompProfile_baseline',
      'sysctls',
      'windowsHostProcess',
    ]);
    expect(ids('baseline', 'v1.34')).toContain('hostProbesAndHostLifecycle');
    const restricted137 = ids('restricted', 'latest');
    expect(restricted137).not.toContain('capabilities_baseline');
    expect(restricted137).not.toContain('seccompProfile_baseline');
    expect(restricted137).not.toContain('hostPathVolumes');
    expect(restricted137).not.toContain('procMount');
    expect(restricted137).toContain('procMount_restricted');
    expect(ids('restricted', 'v1.7')).not.toContain('allowPrivilegeEscalation');
    expect(ids('restricted', 'v1.18')).toContain('seccompProfile_baseline');
    expect(listPodSecurityChecks('privileged')).toEqual([]);
  });
});

describe('kyverno semantics', () => {
  it('runs baseline checks at restricted without overrides (a Windows pod with Unconfined seccomp fails)', () => {
    const windows = restrictedPod(
      { os: { name: 'windows' } },
      {},
      { seccompProfile: { type: 'Unconfined' } },
    );
    expect(failing(windows, 'restricted', 'v1.25')).toEqual([]);
    expect(
      failing(windows, 'restricted', 'v1.25', { semantics: 'kyverno' }),
    ).toEqual(['seccompProfile_baseline']);
  });

  it('runs checks introduced after the requested version with their first implementation', () => {
    const noDrop = restrictedPod({}, { capabilities: undefined });
    expect(failing(noDrop, 'restricted', 'v1.19')).toEqual([]);
    expect(
      failing(noDrop, 'restricted', 'v1.19', { semantics: 'kyverno' }),
    ).toEqual(['capabilities_restricted']);
    expect(
      listPodSecurityChecks('restricted', 'v1.19', 'kyverno').map(c => c.id),
    ).toEqual(
      expect.arrayContaining([
        'hostPathVolumes',
        'restrictedVolumes',
        'runAsUser',
      ]),
    );
  });
});
