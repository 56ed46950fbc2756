import { parseAnchor } from './anchors';
import { matchPattern, toEvidencePath } from './matchPattern';

const pod = (
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...metadata },
  spec,
});

describe('anchor parsing', () => {
  it.each([
    ['(name)', '', 'name'],
    ['<(name)', '<', 'name'],
    ['=(hostPID)', '=', 'hostPID'],
    ['X(hostPath)', 'X', 'hostPath'],
    ['^(containers)', '^', 'containers'],
    ['+(labels)', '+', 'labels'],
    [
      '=(container.apparmor.security.beta.kubernetes.io/*)',
      '=',
      'container.apparmor.security.beta.kubernetes.io/*',
    ],
  ])('%s', (key, type, name) => {
    expect(parseAnchor(key)).toEqual({ type, key: name });
  });

  it('plain keys are not anchors', () => {
    expect(parseAnchor('containers')).toBeUndefined();
    expect(parseAnchor('()')).toBeUndefined();
    expect(parseAnchor('Y(x)')).toBeUndefined();
  });
});

describe('plain keys', () => {
  it('a plain key is required and must match', () => {
    const pattern = { spec: { containers: [{ image: '!*:latest' }] } };
    expect(
      matchPattern(pod({ containers: [{ image: 'nginx:1.25' }] }), pattern)
        .status,
    ).toBe('pass');
    const r = matchPattern(
      pod({ containers: [{ image: 'nginx:latest' }] }),
      pattern,
    );
    expect(r).toMatchObject({
      status: 'fail',
      path: '/spec/containers/0/image/',
    });
    expect(matchPattern(pod({}), pattern).status).toBe('fail');
  });

  it('every element of a list must match the (first) map element of the pattern', () => {
    const pattern = {
      spec: { containers: [{ name: 'app*' }, { name: 'ignored' }] },
    };
    expect(
      matchPattern(
        pod({ containers: [{ name: 'app1' }, { name: 'app2' }] }),
        pattern,
      ).status,
    ).toBe('pass');
    expect(
      matchPattern(
        pod({ containers: [{ name: 'app1' }, { name: 'sidecar' }] }),
        pattern,
      ),
    ).toMatchObject({ status: 'fail', path: '/spec/containers/1/name/' });
  });

  it('a scalar pattern element applies to every scalar of a resource list', () => {
    const pattern = { spec: { args: ['!--privileged'] } };
    expect(matchPattern(pod({ args: ['--a', '--b'] }), pattern).status).toBe(
      'pass',
    );
    expect(
      matchPattern(pod({ args: ['--a', '--privileged'] }), pattern).status,
    ).toBe('fail');
    expect(matchPattern(pod({ args: [] }), pattern).status).toBe('pass');
  });

  it('"*" requires the key to be present with any value', () => {
    const pattern = { metadata: { labels: { app: '*' } } };
    expect(
      matchPattern(pod({}, { labels: { app: 'x' } }), pattern).status,
    ).toBe('pass');
    expect(
      matchPattern(pod({}, { labels: { team: 'x' } }), pattern).status,
    ).toBe('fail');
  });

  it('a map pattern against a scalar (or a list against a map) fails', () => {
    expect(
      matchPattern(pod({ containers: 'x' }), {
        spec: { containers: [{ a: 'b' }] },
      }).status,
    ).toBe('fail');
    expect(
      matchPattern(pod({ securityContext: 'x' }), {
        spec: { securityContext: { a: 'b' } },
      }).status,
    ).toBe('fail');
  });
});

describe('=() equality anchor: optional key', () => {
  const pattern = { spec: { '=(hostPID)': 'false' } };
  it('absent: pass', () => {
    expect(matchPattern(pod({}), pattern).status).toBe('pass');
  });
  it('present and matching: pass; present and not matching: fail', () => {
    expect(matchPattern(pod({ hostPID: false }), pattern).status).toBe('pass');
    expect(matchPattern(pod({ hostPID: true }), pattern)).toMatchObject({
      status: 'fail',
      path: '/spec/hostPID/',
    });
  });
  it('nests: optional lists of optional maps', () => {
    const p = {
      spec: {
        '=(initContainers)': [
          { '=(securityContext)': { '=(privileged)': 'false' } },
        ],
      },
    };
    expect(matchPattern(pod({}), p).status).toBe('pass');
    expect(
      matchPattern(pod({ initContainers: [{ name: 'i' }] }), p).status,
    ).toBe('pass');
    expect(
      matchPattern(
        pod({ initContainers: [{ securityContext: { privileged: true } }] }),
        p,
      ).status,
    ).toBe('fail');
  });
});

describe('X() negation anchor: key must be absent', () => {
  const pattern = { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } };
  it('absent: pass', () => {
    expect(
      matchPattern(pod({ volumes: [{ name: 'v', emptyDir: {} }] }), pattern)
        .status,
    ).toBe('pass');
  });
  it('present, whatever the value: fail with the path of the key', () => {
    const r = matchPattern(
      pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }] }),
      pattern,
    );
    expect(r).toMatchObject({
      status: 'fail',
      path: '/spec/volumes/0/hostPath/',
    });
    expect(
      matchPattern(pod({ volumes: [{ hostPath: null }] }), pattern).status,
    ).toBe('fail');
  });
});

describe('() conditional anchor', () => {
  const pattern = {
    spec: {
      containers: [{ '(image)': '*:latest', imagePullPolicy: 'Always' }],
    },
  };
  it('when the condition does not hold for any element, the rule does not apply (skip)', () => {
    expect(
      matchPattern(pod({ containers: [{ image: 'nginx:1.0' }] }), pattern)
        .status,
    ).toBe('skip');
  });
  it('when it holds, the rest of the element is checked', () => {
    expect(
      matchPattern(
        pod({
          containers: [{ image: 'nginx:latest', imagePullPolicy: 'Always' }],
        }),
        pattern,
      ).status,
    ).toBe('pass');
    expect(
      matchPattern(
        pod({
          containers: [
            { image: 'nginx:latest', imagePullPolicy: 'IfNotPresent' },
          ],
        }),
        pattern,
      ),
    ).toMatchObject({
      status: 'fail',
      path: '/spec/containers/0/imagePullPolicy/',
    });
  });
  it('elements where the condition fails are skipped, the others checked', () => {
    expect(
      matchPattern(
        pod({
          containers: [
            { image: 'nginx:1.0', imagePullPolicy: 'Never' },
            { image: 'redis:latest', imagePullPolicy: 'Always' },
          ],
        }),
        pattern,
      ).status,
    ).toBe('pass');
  });
  it('a missing conditional key also skips', () => {
    expect(
      matchPattern(pod({ containers: [{ name: 'x' }] }), pattern).status,
    ).toBe('skip');
  });
});

describe('<() global anchor', () => {
  const pattern = {
    spec: {
      containers: [{ name: '*', '<(image)': 'corp.registry/*' }],
      imagePullSecrets: [{ name: 'regcred' }],
    },
  };
  it('when no element satisfies the global condition, the whole rule is skipped', () => {
    expect(
      matchPattern(
        pod({ containers: [{ name: 'a', image: 'nginx' }] }),
        pattern,
      ).status,
    ).toBe('skip');
  });
  it('when it is satisfied, the rest of the pattern applies', () => {
    expect(
      matchPattern(
        pod({
          containers: [{ name: 'a', image: 'corp.registry/app' }],
          imagePullSecrets: [{ name: 'regcred' }],
        }),
        pattern,
      ).status,
    ).toBe('pass');
    expect(
      matchPattern(
        pod({ containers: [{ name: 'a', image: 'corp.registry/app' }] }),
        pattern,
      ).status,
    ).toBe('fail');
  });
});

describe('^() existence anchor: at least one element matches', () => {
  const pattern = { spec: { '^(containers)': [{ image: 'nginx*' }] } };
  it('passes when one element matches and fails when none does', () => {
    expect(
      matchPattern(
        pod({ containers: [{ image: 'redis' }, { image: 'nginx:1' }] }),
        pattern,
      ).status,
    ).toBe('pass');
    expect(
      matchPattern(pod({ containers: [{ image: 'redis' }] }), pattern).status,
    ).toBe('fail');
  });
  it('is only valid on lists', () => {
    expect(
      matchPattern(pod({ containers: { image: 'nginx' } }), pattern).status,
    ).toBe('fail');
  });
});

describe('+() add-if-absent anchor', () => {
  it('is a plain (required) key in validate: Kyverno rejects it there, the engine reports it', () => {
    // the engine reports the rule as unsupported before matching (see engine tests);
    // the matcher itself treats the literal key as required, as Kyverno's does
    expect(
      matchPattern(pod({ dnsPolicy: 'x' }), { spec: { '+(dnsPolicy)': 'x' } })
        .status,
    ).toBe('fail');
  });
});

describe('anyPattern-style and error results', () => {
  it('a failure where an anchored key never occurred is an error (Kyverno: path-less)', () => {
    const pattern = {
      spec: {
        containers: [{ '^(ports)': [{ containerPort: 80 }], name: 'web' }],
      },
    };
    expect(
      matchPattern(pod({ containers: [{ name: 'api' }] }), pattern).status,
    ).toBe('error');
  });
});

describe('wildcards in metadata keys', () => {
  const pattern = {
    '=(metadata)': {
      '=(annotations)': {
        '=(container.apparmor.security.beta.kubernetes.io/*)':
          'runtime/default | localhost/*',
      },
    },
  };
  it('checks the matching annotations', () => {
    const ok = pod(
      {},
      {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default',
        },
      },
    );
    const bad = pod(
      {},
      {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/c': 'unconfined',
        },
      },
    );
    expect(matchPattern(ok, pattern).status).toBe('pass');
    expect(matchPattern(bad, pattern)).toMatchObject({
      status: 'fail',
      path: '/metadata/annotations/container.apparmor.security.beta.kubernetes.io/c/',
      evidencePath:
        'metadata.annotations["container.apparmor.security.beta.kubernetes.io/c"]',
    });
    expect(
      matchPattern(pod({}, { annotations: { other: 'x' } }), pattern).status,
    ).toBe('pass');
  });
  it('checks every matching annotation, not one at random', () => {
    const two = pod(
      {},
      {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/a': 'runtime/default',
          'container.apparmor.security.beta.kubernetes.io/b': 'unconfined',
        },
      },
    );
    expect(matchPattern(two, pattern).status).toBe('fail');
  });
});

describe('evidence paths', () => {
  it('converts Kyverno paths to dotted paths', () => {
    expect(
      toEvidencePath('/spec/containers/0/securityContext/privileged/'),
    ).toBe('spec.containers[0].securityContext.privileged');
    expect(toEvidencePath('/metadata/annotations/a.b~1c/')).toBe(
      'metadata.annotations["a.b/c"]',
    );
  });
});
