import {
  evaluatePodSecurity,
  POD_SECURITY_CONTROL_NAMES,
  PodSecurityExclusion,
  validatePodSecurityExclusion,
} from './index';
import { wildcardMatch } from './evaluate';

const RESTRICTED_SC = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
  capabilities: { drop: ['ALL'] },
};

function container(name: string, image: string, sc: Record<string, any> = {}) {
  return { name, image, securityContext: { ...RESTRICTED_SC, ...sc } };
}

function evaluate(
  spec: Record<string, any>,
  exclude: PodSecurityExclusion[],
  level: 'baseline' | 'restricted' = 'restricted',
  metadata: Record<string, any> = {},
) {
  return evaluatePodSecurity(
    { metadata: { name: 'p', ...metadata }, spec },
    { level, version: 'latest', exclude },
  );
}

describe('podSecurity exclusions (Kyverno semantics)', () => {
  // The two pods of Kyverno's restricted-exclude-capabilities sample policy.
  const withCapability = (image: string) => ({
    containers: [
      container('container01', image, {
        capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] },
      }),
    ],
  });
  const capabilitiesExclusion: PodSecurityExclusion = {
    controlName: 'Capabilities',
    images: ['ghcr.io/kyverno/test-nginx*', 'redis*'],
  };

  it('exempts a container-level control for containers whose image matches', () => {
    expect(
      evaluate(withCapability('ghcr.io/kyverno/test-nginx:latest'), [
        capabilitiesExclusion,
      ]).allowed,
    ).toBe(true);
    const other = evaluate(withCapability('busybox:1.28'), [
      capabilitiesExclusion,
    ]);
    expect(other.allowed).toBe(false);
    expect(other.violations.map(v => v.check)).toEqual([
      'capabilities_restricted',
    ]);
  });

  it('keeps the fields of non-matching containers and narrows the evidence to them', () => {
    const result = evaluate(
      {
        containers: [
          container('nginx', 'redis:7', {
            capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] },
          }),
          container('app', 'busybox', {
            capabilities: { drop: ['ALL'], add: ['NET_RAW'] },
          }),
        ],
      },
      [capabilitiesExclusion],
    );
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].evidence).toEqual([
      {
        path: 'spec.containers[1].securityContext.capabilities.add',
        value: ['NET_RAW'],
      },
    ]);
  });

  it('without images exempts only pod-level fields (Kyverno restricted-exclude-seccomp)', () => {
    const spec = (sc: Record<string, any>) => ({
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [
        container('container01', 'busybox:1.28', {
          seccompProfile: undefined,
          ...sc,
        }),
      ],
    });
    const podLevel: PodSecurityExclusion = { controlName: 'Seccomp' };
    const everyImage: PodSecurityExclusion = {
      controlName: 'Seccomp',
      images: ['*'],
    };
    expect(evaluate(spec({}), []).allowed).toBe(false);
    expect(evaluate(spec({}), [podLevel, everyImage]).allowed).toBe(true);
    // runAsNonRoot missing is another control: still denied
    expect(
      evaluate(spec({ runAsNonRoot: undefined }), [
        podLevel,
        everyImage,
      ]).violations.map(v => v.check),
    ).toEqual(['runAsNonRoot']);
    // a container that sets Unconfined itself needs the image exclusion
    const explicit = spec({ seccompProfile: { type: 'Unconfined' } });
    expect(evaluate(explicit, [podLevel]).violations[0].evidence).toEqual([
      {
        path: 'spec.containers[0].securityContext.seccompProfile.type',
        value: 'Unconfined',
      },
    ]);
    expect(evaluate(explicit, [podLevel, everyImage]).allowed).toBe(true);
  });

  it('an image exclusion does not exempt pod-level fields of the same control', () => {
    const result = evaluate(
      {
        securityContext: { seccompProfile: { type: 'Unconfined' } },
        containers: [container('c', 'busybox', { seccompProfile: undefined })],
      },
      [{ controlName: 'Seccomp', images: ['*'] }],
    );
    expect(result.violations.map(v => v.evidence[0].path)).toEqual([
      'spec.securityContext.seccompProfile.type',
    ]);
  });

  it('restrictedField + values exempt only matching fields whose offending values all match', () => {
    const spec = {
      securityContext: {
        sysctls: [
          { name: 'kernel.msgmax', value: '1' },
          { name: 'net.core.somaxconn', value: '1024' },
        ],
      },
      containers: [container('c', 'busybox')],
    };
    const exclusion: PodSecurityExclusion = {
      controlName: 'Sysctls',
      restrictedField: 'spec.securityContext.sysctls[*].name',
      values: ['kernel.msg*'],
    };
    const result = evaluate(spec, [exclusion], 'baseline');
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].evidence).toEqual([
      {
        path: 'spec.securityContext.sysctls[1].name',
        value: 'net.core.somaxconn',
      },
    ]);
    expect(
      evaluate(
        spec,
        [{ ...exclusion, values: ['kernel.msg*', 'net.core.*'] }],
        'baseline',
      ).allowed,
    ).toBe(true);
    // another field of the same control is not covered
    expect(
      evaluate(
        spec,
        [
          {
            ...exclusion,
            restrictedField: 'spec.securityContext.sysctls[*].value',
            values: ['*'],
          },
        ],
        'baseline',
      ).allowed,
    ).toBe(false);
  });

  it('values must match every offending value of a field (capabilities list)', () => {
    const spec = {
      containers: [
        container('c', 'busybox', {
          capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_TIME'] },
        }),
      ],
    };
    const exclusion = (values: string[]): PodSecurityExclusion => ({
      controlName: 'Capabilities',
      images: ['*'],
      restrictedField: 'spec.containers[*].securityContext.capabilities.add',
      values,
    });
    expect(evaluate(spec, [exclusion(['NET_ADMIN'])]).allowed).toBe(false);
    expect(evaluate(spec, [exclusion(['NET_ADMIN', 'SYS_TIME'])]).allowed).toBe(
      true,
    );
  });

  it("matches annotation fields by key, also in Kyverno's digit-starred spelling", () => {
    const metadata = {
      annotations: {
        'container.apparmor.security.beta.kubernetes.io/app1': 'unconfined',
      },
    };
    const spec = { containers: [container('app1', 'busybox')] };
    const exclude = (restrictedField: string): PodSecurityExclusion[] => [
      { controlName: 'AppArmor', restrictedField, values: ['unconfined'] },
    ];
    expect(evaluate(spec, [], 'baseline', metadata).allowed).toBe(false);
    expect(
      evaluate(
        spec,
        exclude(
          'metadata.annotations[container.apparmor.security.beta.kubernetes.io/app1]',
        ),
        'baseline',
        metadata,
      ).allowed,
    ).toBe(true);
    expect(
      evaluate(
        spec,
        exclude(
          'metadata.annotations[container.apparmor.security.beta.kubernetes.io/app*]',
        ),
        'baseline',
        metadata,
      ).allowed,
    ).toBe(true);
    expect(
      evaluate(
        spec,
        exclude(
          'metadata.annotations[container.apparmor.security.beta.kubernetes.io/other]',
        ),
        'baseline',
        metadata,
      ).allowed,
    ).toBe(false);
  });

  it('a control exclusion does not exempt other controls', () => {
    const result = evaluate(
      {
        hostNetwork: true,
        containers: [container('c', 'busybox', { privileged: true })],
      },
      [{ controlName: 'Host Namespaces' }],
      'baseline',
    );
    expect(result.violations.map(v => v.controlName)).toEqual([
      'Privileged Containers',
    ]);
  });

  it('validates exclusions as Kyverno does', () => {
    expect(
      validatePodSecurityExclusion({
        controlName: 'Capabilities',
        images: ['x'],
      }),
    ).toEqual([]);
    expect(validatePodSecurityExclusion({ controlName: 'Seccomp' })).toEqual(
      [],
    );
    expect(
      validatePodSecurityExclusion({ controlName: 'Capabilities' }),
    ).toEqual([
      'exclude.images must be specified for the container level control "Capabilities"',
    ]);
    expect(
      validatePodSecurityExclusion({ controlName: 'Sysctls', images: ['*'] }),
    ).toEqual([
      'exclude.images must not be specified for the pod level control "Sysctls"',
    ]);
    expect(
      validatePodSecurityExclusion({ controlName: 'Privileged' })[0],
    ).toMatch(
      /^unknown controlName "Privileged"; expected one of .*Privileged Containers/,
    );
    expect(
      validatePodSecurityExclusion({
        controlName: 'Sysctls',
        restrictedField: 'spec.x',
      }),
    ).toEqual(['exclude.values is required with restrictedField']);
    expect(
      validatePodSecurityExclusion({ controlName: 'Sysctls', values: ['x'] }),
    ).toEqual(['exclude.restrictedField is required with values']);
  });

  it('knows every Pod Security Standards control name Kyverno accepts', () => {
    expect(POD_SECURITY_CONTROL_NAMES).toEqual(
      expect.arrayContaining([
        'HostProcess',
        'Host Namespaces',
        'Privileged Containers',
        'Capabilities',
        'HostPath Volumes',
        'Host Ports',
        'AppArmor',
        'SELinux',
        '/proc Mount Type',
        'Seccomp',
        'Sysctls',
        'Volume Types',
        'Privilege Escalation',
        'Running as Non-root',
        'Running as Non-root user',
      ]),
    );
  });

  it('matches wildcards like Kyverno: * any run, ? one character, everything else literal', () => {
    expect(wildcardMatch('redis*', 'redis:7')).toBe(true);
    expect(wildcardMatch('*/nginx:1.?', 'docker.io/library/nginx:1.2')).toBe(
      true,
    );
    expect(wildcardMatch('nginx', 'nginx:1')).toBe(false);
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
    expect(wildcardMatch('(x)+', '(x)+')).toBe(true);
  });
});
