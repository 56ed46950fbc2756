import fc from 'fast-check';
import { computeRules } from './autogen';
import { evaluateKyvernoPolicy } from './engine';
import { loadKyvernoPolicies } from './load';
import type { KyvernoPolicy, KyvernoRuleResult } from './types';

function policy(yaml: string): KyvernoPolicy {
  const r = loadKyvernoPolicies(yaml);
  expect(r.errors).toEqual([]);
  expect(r.policies).toHaveLength(1);
  return r.policies[0];
}

/** A ClusterPolicy with one rule matching Pods, body indented under `rules: - name: r`. */
function rule(body: string, extra = ''): KyvernoPolicy {
  return policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
${extra}
spec:
  validationFailureAction: Audit
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
${body}`);
}

const pod = (
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', ...metadata },
  spec,
});

const statuses = (results: KyvernoRuleResult[]) =>
  Object.fromEntries(results.map(r => [r.rule, r.status]));

describe('validate.pattern and messages', () => {
  const p = rule(`
    validate:
      message: "Image {{ request.object.spec.containers[0].image }} in pod {{ request.object.metadata.name }} uses latest"
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`);
  it('passes and fails with the message variables substituted and the failing path', () => {
    expect(
      evaluateKyvernoPolicy(p, pod({ containers: [{ image: 'nginx:1' }] })),
    ).toEqual([
      {
        policy: 'p',
        rule: 'r',
        status: 'pass',
        message: "validation rule 'r' passed.",
      },
    ]);
    const [r] = evaluateKyvernoPolicy(
      p,
      pod({ containers: [{ image: 'nginx:latest' }] }),
    );
    expect(r.status).toBe('fail');
    expect(r.message).toBe(
      'validation error: Image nginx:latest in pod p uses latest. rule r failed at path /spec/containers/0/image/',
    );
    expect(r.paths).toEqual(['spec.containers[0].image']);
  });
  it('gives no result for resources the rule does not match', () => {
    expect(
      evaluateKyvernoPolicy(p, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
      }),
    ).toEqual([]);
  });
  it('Audit and Enforce give the same verdict', () => {
    const enforce = rule(
      `
    validate:
      failureAction: Enforce
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`,
    );
    expect(
      evaluateKyvernoPolicy(
        enforce,
        pod({ containers: [{ image: 'nginx:latest' }] }),
      )[0].status,
    ).toBe('fail');
  });
});

describe('validate.anyPattern', () => {
  const p = rule(`
    validate:
      message: "runAsNonRoot must be true"
      anyPattern:
      - spec:
          securityContext:
            runAsNonRoot: true
      - spec:
          containers:
          - securityContext:
              runAsNonRoot: true
`);
  it('passes when any pattern matches, fails listing every failed pattern', () => {
    expect(
      evaluateKyvernoPolicy(
        p,
        pod({ securityContext: { runAsNonRoot: true }, containers: [{}] }),
      )[0].status,
    ).toBe('pass');
    expect(
      evaluateKyvernoPolicy(
        p,
        pod({ containers: [{ securityContext: { runAsNonRoot: true } }] }),
      )[0].status,
    ).toBe('pass');
    const [r] = evaluateKyvernoPolicy(p, pod({ containers: [{}] }));
    expect(r.status).toBe('fail');
    expect(r.message).toBe(
      'validation error: runAsNonRoot must be true. rule r[0] failed at path /spec/securityContext/ rule r[1] failed at path /spec/containers/0/securityContext/',
    );
  });
});

describe('validate.deny', () => {
  const p = rule(`
    validate:
      message: "replicas {{ request.object.spec.replicas }} > 3"
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.replicas }}"
            operator: GreaterThan
            value: 3
            message: too many
`);
  it('fails when the conditions hold, with rule and condition messages', () => {
    expect(evaluateKyvernoPolicy(p, pod({ replicas: 5 }))[0]).toMatchObject({
      status: 'fail',
      message: 'replicas 5 > 3; too many',
    });
    expect(evaluateKyvernoPolicy(p, pod({ replicas: 2 }))[0].status).toBe(
      'pass',
    );
  });
  it('is an error when a variable selects a missing key', () => {
    const [r] = evaluateKyvernoPolicy(p, pod({}));
    expect(r.status).toBe('error');
    expect(r.message).toMatch(
      /failed to check deny conditions.*Unknown key "replicas"/,
    );
  });
  it('the legacy list form of conditions', () => {
    const legacy = rule(`
    validate:
      deny:
        conditions:
        - key: "{{ request.object.metadata.name }}"
          operator: Equals
          value: "forbidden-*"
`);
    expect(
      evaluateKyvernoPolicy(legacy, pod({}, { name: 'forbidden-1' }))[0].status,
    ).toBe('fail');
    expect(
      evaluateKyvernoPolicy(legacy, pod({}, { name: 'ok' }))[0].status,
    ).toBe('pass');
  });
});

describe('preconditions and request.operation', () => {
  it('skips when preconditions are not met; the operation is CREATE as in kyverno test', () => {
    const p = rule(`
    preconditions:
      all:
      - key: "{{ request.operation }}"
        operator: Equals
        value: UPDATE
    validate:
      deny: {}
`);
    expect(evaluateKyvernoPolicy(p, pod({}))[0]).toMatchObject({
      status: 'skip',
      message: 'preconditions not met',
    });
    expect(
      evaluateKyvernoPolicy(p, pod({}), { operation: 'UPDATE' })[0].status,
    ).not.toBe('skip');
  });
  it('errors when preconditions cannot be evaluated', () => {
    const p = rule(`
    preconditions:
      all:
      - key: "{{ request.object.metadata.annotations.team }}"
        operator: Equals
        value: a
    validate:
      pattern:
        spec: {}
`);
    expect(evaluateKyvernoPolicy(p, pod({}))[0].status).toBe('error');
  });
});

describe('validate.foreach', () => {
  it('iterates a list with element and elementIndex, deny per element', () => {
    const p = rule(`
    validate:
      message: "container {{ elementIndex }} ({{ element.name }}) must drop ALL"
      foreach:
      - list: request.object.spec.containers
        deny:
          conditions:
            all:
            - key: ALL
              operator: AnyNotIn
              value: "{{ element.securityContext.capabilities.drop[] || \`[]\` }}"
`);
    const good = {
      name: 'a',
      securityContext: { capabilities: { drop: ['ALL'] } },
    };
    expect(
      evaluateKyvernoPolicy(p, pod({ containers: [good] }))[0].status,
    ).toBe('pass');
    const [r] = evaluateKyvernoPolicy(
      p,
      pod({ containers: [good, { name: 'b' }] }),
    );
    expect(r).toMatchObject({
      status: 'fail',
      message: 'validation failure: container 1 (b) must drop ALL',
    });
  });

  it('validates each element with a pattern (element scope)', () => {
    const p = rule(`
    validate:
      foreach:
      - list: request.object.spec.containers
        pattern:
          image: "!*:latest"
`);
    expect(
      evaluateKyvernoPolicy(
        p,
        pod({ containers: [{ image: 'a:1' }, { image: 'b:latest' }] }),
      )[0],
    ).toMatchObject({ status: 'fail', paths: ['spec.containers[1].image'] });
  });

  it('foreach preconditions filter elements; nested foreach sees both elements', () => {
    const p = rule(`
    validate:
      message: "{{ element0.name }}/{{ element1 }} is not allowed"
      foreach:
      - list: request.object.spec.containers
        preconditions:
          all:
          - key: "{{ element.name }}"
            operator: NotEquals
            value: skip-me
        foreach:
        - list: element.args
          deny:
            conditions:
              any:
              - key: "{{ element }}"
                operator: Equals
                value: --privileged
`);
    expect(
      evaluateKyvernoPolicy(
        p,
        pod({
          containers: [
            { name: 'skip-me', args: ['--privileged'] },
            { name: 'a', args: ['--x'] },
          ],
        }),
      )[0].status,
    ).toBe('pass');
    expect(
      evaluateKyvernoPolicy(
        p,
        pod({ containers: [{ name: 'a', args: ['--x', '--privileged'] }] }),
      )[0],
    ).toMatchObject({
      status: 'fail',
      message:
        'validation failure: validation failure: a/--privileged is not allowed',
      paths: ['spec.containers[0].args[1]'],
    });
  });

  it('a list selecting a missing key gives no result (nothing to validate)', () => {
    const p = rule(`
    validate:
      foreach:
      - list: request.object.spec.initContainers
        pattern:
          image: "?*"
`);
    expect(evaluateKyvernoPolicy(p, pod({ containers: [] }))).toEqual([]);
  });
});

describe('context entries', () => {
  it('variable entries with jmesPath, value and default', () => {
    const p = rule(`
    context:
    - name: names
      variable:
        jmesPath: request.object.spec.containers[].name
    - name: limit
      variable:
        value: 2
    - name: team
      variable:
        jmesPath: request.object.metadata.labels.team
        default: none
    - name: upper
      variable:
        value: "{{ team }}"
        jmesPath: to_upper(@)
    validate:
      message: "{{ length(names) }} containers > {{ limit }} for team {{ upper }}"
      deny:
        conditions:
          all:
          - key: "{{ length(names) }}"
            operator: GreaterThan
            value: "{{ limit }}"
`);
    const [r] = evaluateKyvernoPolicy(
      p,
      pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    );
    expect(r).toMatchObject({
      status: 'fail',
      message: '3 containers > 2 for team NONE',
    });
  });

  it('apiCall / configMap entries are not loaded; using them errors with the reason, unless a value is given', () => {
    const p = rule(`
    context:
    - name: cm
      configMap:
        name: settings
        namespace: default
    validate:
      deny:
        conditions:
          all:
          - key: "{{ cm.data.enabled }}"
            operator: Equals
            value: "false"
`);
    const [r] = evaluateKyvernoPolicy(p, pod({}));
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/Unknown key "cm"/);
    expect(r.message).toMatch(
      /context entry "cm" of type configMap was not loaded: this engine has no cluster or registry access/,
    );
    // checks ask for a skip instead, so nothing passes on data that was not loaded
    expect(
      evaluateKyvernoPolicy(p, pod({}), { unavailableContext: 'skip' })[0],
    ).toMatchObject({
      status: 'skip',
      unsupported: true,
    });
    // values given by a kyverno-test values file (per rule, or dotted global keys)
    const [byRule] = evaluateKyvernoPolicy(p, pod({}), {
      ruleVariables: { r: { cm: { data: { enabled: 'false' } } } },
    });
    expect(byRule.status).toBe('fail');
    const [byKey] = evaluateKyvernoPolicy(p, pod({}), {
      variables: { 'cm.data.enabled': 'true' },
      unavailableContext: 'skip',
    });
    expect(byKey.status).toBe('pass');
  });

  it('variables are loaded when used: an entry that cannot be computed only fails the rules using it', () => {
    const p = rule(`
    context:
    - name: broken
      variable:
        jmesPath: request.object.metadata.annotations.missing
    preconditions:
      all:
      - key: "{{ request.operation }}"
        operator: Equals
        value: DELETE
    validate:
      deny:
        conditions:
          all:
          - key: "{{ broken }}"
            operator: Equals
            value: x
`);
    expect(evaluateKyvernoPolicy(p, pod({}))[0].status).toBe('skip');
    const [r] = evaluateKyvernoPolicy(p, pod({}), { operation: 'DELETE' });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/failed to load context entry broken/);
  });
});

describe('match and exclude', () => {
  const withMatch = (match: string, exclude = '') =>
    policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
  - name: r
    match:
${match}
${exclude}
    validate:
      pattern:
        metadata:
          name: "*"
`);
  const applies = (p: KyvernoPolicy, r: unknown) =>
    evaluateKyvernoPolicy(p, r).length > 0;
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web-1',
      namespace: 'prod',
      labels: { app: 'web', tier: 'fe' },
      annotations: { owner: 'team-a' },
    },
  };

  it('kinds: plain, version/kind, group/version/kind, wildcards', () => {
    for (const kind of [
      'Deployment',
      'apps/v1/Deployment',
      'apps/*/Deployment',
      'v1/Deployment',
      'Deploy*',
      '*',
    ]) {
      expect(
        applies(
          withMatch(
            `      any:\n      - resources:\n          kinds: ["${kind}"]`,
          ),
          deploy,
        ),
      ).toBe(true);
    }
    for (const kind of ['Pod', 'batch/v1/Deployment', 'v2/Deployment']) {
      expect(
        applies(
          withMatch(
            `      any:\n      - resources:\n          kinds: ["${kind}"]`,
          ),
          deploy,
        ),
      ).toBe(false);
    }
  });

  it('names, namespaces, selectors, annotations and operations', () => {
    const m = (extra: string) =>
      withMatch(
        `      any:\n      - resources:\n          kinds: [Deployment]\n${extra}`,
      );
    expect(applies(m('          names: ["web-*"]'), deploy)).toBe(true);
    expect(applies(m('          name: "api"'), deploy)).toBe(false);
    expect(
      applies(m('          namespaces: ["prod", "staging"]'), deploy),
    ).toBe(true);
    expect(applies(m('          namespaces: ["dev"]'), deploy)).toBe(false);
    expect(
      applies(
        m(
          '          selector:\n            matchLabels:\n              app: web',
        ),
        deploy,
      ),
    ).toBe(true);
    expect(
      applies(
        m(
          '          selector:\n            matchLabels:\n              app: "w*"',
        ),
        deploy,
      ),
    ).toBe(true);
    expect(
      applies(
        m(
          '          selector:\n            matchExpressions:\n            - key: tier\n              operator: NotIn\n              values: [be]',
        ),
        deploy,
      ),
    ).toBe(true);
    expect(
      applies(
        m(
          '          selector:\n            matchExpressions:\n            - key: env\n              operator: Exists',
        ),
        deploy,
      ),
    ).toBe(false);
    expect(
      applies(m('          annotations:\n            owner: "team-*"'), deploy),
    ).toBe(true);
    expect(applies(m('          operations: [CREATE]'), deploy)).toBe(true);
    expect(applies(m('          operations: [DELETE]'), deploy)).toBe(false);
  });

  it('all requires every filter; exclude any/all remove resources', () => {
    const all = withMatch(
      '      all:\n      - resources:\n          kinds: [Deployment]\n      - resources:\n          namespaces: [dev]',
    );
    expect(applies(all, deploy)).toBe(false);
    const excluded = withMatch(
      '      any:\n      - resources:\n          kinds: [Deployment]',
      '    exclude:\n      any:\n      - resources:\n          namespaces: [prod]',
    );
    expect(applies(excluded, deploy)).toBe(false);
    const excludeAll = withMatch(
      '      any:\n      - resources:\n          kinds: [Deployment]',
      '    exclude:\n      all:\n      - resources:\n          namespaces: [prod]\n      - resources:\n          names: [other]',
    );
    expect(applies(excludeAll, deploy)).toBe(true);
  });

  it('namespaceSelector uses the labels of the resource namespace', () => {
    const p = withMatch(
      '      any:\n      - resources:\n          kinds: [Deployment]\n          namespaceSelector:\n            matchLabels:\n              env: prod',
    );
    expect(applies(p, deploy)).toBe(false);
    expect(
      evaluateKyvernoPolicy(p, deploy, { namespaceLabels: { env: 'prod' } }),
    ).toHaveLength(1);
  });
});

describe('auto-generation for pod controllers', () => {
  const pattern = `
    validate:
      message: "{{ request.object.metadata.name }} must not be privileged"
      pattern:
        spec:
          containers:
          - =(securityContext):
              =(privileged): "false"
`;
  const template = {
    metadata: { labels: { app: 'x' } },
    spec: {
      containers: [{ name: 'c', securityContext: { privileged: true } }],
    },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template },
  };
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } },
  };

  it('generates autogen-<rule> for controllers and autogen-cronjob-<rule> for CronJobs', () => {
    const p = rule(pattern);
    expect(computeRules(p).map(r => r.name)).toEqual([
      'r',
      'autogen-r',
      'autogen-cronjob-r',
    ]);
    const [d] = evaluateKyvernoPolicy(p, deployment);
    expect(d).toMatchObject({
      rule: 'autogen-r',
      autogenFrom: 'r',
      status: 'fail',
    });
    expect(d.paths).toEqual([
      'spec.template.spec.containers[0].securityContext.privileged',
    ]);
    const [c] = evaluateKyvernoPolicy(p, cronJob);
    expect(c).toMatchObject({ rule: 'autogen-cronjob-r', status: 'fail' });
    expect(c.paths).toEqual([
      'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    ]);
    for (const [apiVersion, kind] of [
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['apps/v1', 'ReplicaSet'],
      ['batch/v1', 'Job'],
      ['v1', 'ReplicationController'],
    ]) {
      expect(
        evaluateKyvernoPolicy(p, { ...deployment, apiVersion, kind })[0].rule,
      ).toBe('autogen-r');
    }
    // the generated rules select the controllers by group/version/kind
    expect(
      evaluateKyvernoPolicy(p, { ...deployment, apiVersion: 'batch/v1' }),
    ).toEqual([]);
  });

  it('rewrites request.object paths in deny rules and messages', () => {
    const p = rule(`
    validate:
      message: "{{ request.object.metadata.labels.app }}"
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.hostNetwork || false }}"
            operator: Equals
            value: true
`);
    const host = {
      ...deployment,
      spec: {
        template: {
          metadata: { labels: { app: 'x' } },
          spec: { hostNetwork: true },
        },
      },
    };
    expect(evaluateKyvernoPolicy(p, host)[0]).toMatchObject({
      rule: 'autogen-r',
      status: 'fail',
      message: 'x',
    });
  });

  it('honours the autogen-controllers annotation (none, or a list)', () => {
    const none = rule(
      pattern,
      '  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none',
    );
    expect(computeRules(none).map(r => r.name)).toEqual(['r']);
    expect(evaluateKyvernoPolicy(none, deployment)).toEqual([]);
    const some = rule(
      pattern,
      '  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment,CronJob',
    );
    expect(computeRules(some).map(r => r.name)).toEqual([
      'r',
      'autogen-r',
      'autogen-cronjob-r',
    ]);
    expect(evaluateKyvernoPolicy(some, deployment)).toHaveLength(1);
    expect(
      evaluateKyvernoPolicy(some, { ...deployment, kind: 'StatefulSet' }),
    ).toEqual([]);
    const deployOnly = rule(
      pattern,
      '  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment',
    );
    expect(computeRules(deployOnly).map(r => r.name)).toEqual([
      'r',
      'autogen-r',
    ]);
    expect(evaluateKyvernoPolicy(deployOnly, cronJob)).toEqual([]);
  });

  it('does not generate rules when the match names resources or mixes Pod with other kinds', () => {
    const named = policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
          names: ["web-*"]
${pattern}`);
    expect(computeRules(named).map(r => r.name)).toEqual(['r']);
  });
});

describe('podSecurity subrule', () => {
  const p = rule(`
    validate:
      podSecurity:
        level: baseline
        version: latest
`);
  it('evaluates the pod with the Pod Security Standards engine', () => {
    expect(
      evaluateKyvernoPolicy(
        p,
        pod({ containers: [{ name: 'c', image: 'nginx' }] }),
      )[0].status,
    ).toBe('pass');
    const [r] = evaluateKyvernoPolicy(
      p,
      pod({ hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] }),
    );
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/violates PodSecurity "baseline:latest"/);
    expect(r.message).toMatch(/Host Namespaces/);
  });
  it('honours exclusions', () => {
    const excluded = rule(`
    validate:
      podSecurity:
        level: baseline
        version: latest
        exclude:
        - controlName: Host Namespaces
`);
    expect(
      evaluateKyvernoPolicy(
        excluded,
        pod({ hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] }),
      )[0].status,
    ).toBe('pass');
  });
  it('evaluates pod templates of controllers through autogen', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        template: {
          spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] },
        },
      },
    };
    expect(evaluateKyvernoPolicy(p, d)[0]).toMatchObject({
      rule: 'autogen-r',
      status: 'fail',
    });
  });
});

describe('unsupported rule types are skips, never passes', () => {
  it.each([
    [
      'mutate',
      'mutate:\n      patchStrategicMerge:\n        metadata:\n          labels:\n            a: b',
      /mutate rules are not evaluated/,
    ],
    [
      'generate',
      'generate:\n      kind: NetworkPolicy\n      name: deny\n      data: {}',
      /generate rules are not evaluated/,
    ],
    [
      'verifyImages',
      'verifyImages:\n    - imageReferences: ["*"]',
      /verifyImages rules are not evaluated/,
    ],
    [
      'validate.cel',
      'validate:\n      cel:\n        expressions:\n        - expression: "true"',
      /validate.cel/,
    ],
    [
      '+() anchor',
      'validate:\n      pattern:\n        spec:\n          +(dnsPolicy): Default',
      /add-if-absent anchor only applies to mutate rules/,
    ],
  ])('%s', (_name, body, reason) => {
    const p = rule(`    ${body}`);
    const results = evaluateKyvernoPolicy(p, pod({ containers: [] }));
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.status).toBe('skip');
      expect(r.unsupported).toBe(true);
      expect(r.message).toMatch(reason);
    }
  });
});

describe('UPDATE with Enforce', () => {
  it('allows violations the old object already had', () => {
    const p = rule(`
    validate:
      failureAction: Enforce
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`);
    const bad = pod({ containers: [{ image: 'nginx:latest' }] });
    expect(
      statuses(
        evaluateKyvernoPolicy(p, bad, {
          operation: 'UPDATE',
          oldResource: bad,
        }),
      ),
    ).toEqual({ r: 'skip' });
    const good = pod({ containers: [{ image: 'nginx:1' }] });
    expect(
      statuses(
        evaluateKyvernoPolicy(p, bad, {
          operation: 'UPDATE',
          oldResource: good,
        }),
      ),
    ).toEqual({ r: 'fail' });
  });
});

describe('robustness', () => {
  const policies = [
    rule(`
    validate:
      pattern:
        spec:
          =(securityContext):
            =(runAsUser): ">0"
          containers:
          - =(securityContext):
              =(privileged): "false"
              X(procMount): "null"
`),
    rule(`
    validate:
      foreach:
      - list: request.object.spec.[initContainers, containers][]
        deny:
          conditions:
            any:
            - key: "{{ element.securityContext.capabilities.add[] || \`[]\` }}"
              operator: AnyNotIn
              value: [NET_BIND_SERVICE]
`),
    rule(`
    validate:
      deny:
        conditions:
          all:
          - key: "{{ request.object.spec.[ephemeralContainers, initContainers, containers][].ports[].hostPort }}"
            operator: AnyNotIn
            value: 5000-6000
`),
  ];

  it('never throws on arbitrary objects, whatever their shape', () => {
    const kinds = fc.constantFrom(
      'Pod',
      'Deployment',
      'CronJob',
      'Job',
      'Service',
      42,
      null,
    );
    const resource = fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 7),
      kind: kinds,
      metadata: fc.oneof(fc.record({ name: fc.string() }), fc.jsonValue()),
      spec: fc.oneof(
        fc.jsonValue(),
        fc.record({
          containers: fc.oneof(
            fc.jsonValue(),
            fc.array(
              fc.record({
                securityContext: fc.jsonValue(),
                ports: fc.jsonValue(),
              }),
            ),
          ),
          securityContext: fc.jsonValue(),
          template: fc.jsonValue(),
        }),
      ),
    });
    fc.assert(
      fc.property(resource, (r: unknown) => {
        for (const p of policies) {
          for (const result of evaluateKyvernoPolicy(p, r)) {
            expect(['pass', 'fail', 'skip', 'error']).toContain(result.status);
            expect(typeof result.message).toBe('string');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
