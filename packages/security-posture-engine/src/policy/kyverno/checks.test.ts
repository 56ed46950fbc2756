import type { Resource } from '../../model/resource';
import { kyvernoPolicyChecks } from './checks';
import { loadKyvernoPolicies } from './load';

const policies = loadKyvernoPolicies(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-privileged-containers
  annotations:
    policies.kyverno.io/title: Disallow Privileged Containers
    policies.kyverno.io/category: Pod Security Standards (Baseline)
    policies.kyverno.io/severity: high
    policies.kyverno.io/subject: Pod
    policies.kyverno.io/description: Privileged mode disables most security mechanisms.
spec:
  validationFailureAction: Audit
  rules:
  - name: privileged-containers
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: Privileged mode is disallowed.
      pattern:
        spec:
          containers:
          - =(securityContext):
              =(privileged): "false"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
  annotations:
    policies.kyverno.io/title: Require a team label
    policies.kyverno.io/category: Best Practices
spec:
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Namespace]
    validate:
      message: "Namespace {{ request.object.metadata.name }} needs a team label"
      pattern:
        metadata:
          labels:
            team: "?*"
  - name: add-default
    match:
      any:
      - resources:
          kinds: [Namespace]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(team): unknown
  - name: lookup
    match:
      any:
      - resources:
          kinds: [Namespace]
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.object.metadata.annotations.owner }}"
            operator: Equals
            value: nobody
`).policies;

function resource(raw: any, type: Resource['type'] = 'k8s.workload'): Resource {
  return {
    uid: `k8s:test/${raw.kind}/${raw.metadata.name}`,
    type,
    kind: raw.kind,
    name: raw.metadata.name,
    source: { format: 'kubernetes-yaml' },
    attributes: {},
    raw,
  };
}

const ctx = {} as any;

describe('kyvernoPolicyChecks', () => {
  const checks = kyvernoPolicyChecks(policies);
  const byId = Object.fromEntries(checks.map(c => [c.id, c]));

  it('creates one check per rule, generated pod-controller rules included', () => {
    expect(checks.map(c => c.id)).toEqual([
      'kyverno:disallow-privileged-containers/privileged-containers',
      'kyverno:disallow-privileged-containers/autogen-privileged-containers',
      'kyverno:disallow-privileged-containers/autogen-cronjob-privileged-containers',
      'kyverno:require-team-label/check-team',
      'kyverno:require-team-label/add-default',
      'kyverno:require-team-label/lookup',
    ]);
  });

  it('takes metadata from the annotations and maps Pod Security Standards to compute', () => {
    const c =
      byId['kyverno:disallow-privileged-containers/privileged-containers'];
    expect(c).toMatchObject({
      title: 'Disallow Privileged Containers',
      severity: 'high',
      category: 'compute',
      control: 'pod_security_standards',
      weight: 1,
      appliesTo: ['k8s.workload'],
      origin: 'kyverno',
      remediation: { text: 'Privileged mode is disallowed.' },
    });
    expect(c.description).toBe(
      'Privileged mode disables most security mechanisms. Applies to: Pod.',
    );
    expect(
      byId[
        'kyverno:disallow-privileged-containers/autogen-privileged-containers'
      ].title,
    ).toBe(
      'Disallow Privileged Containers (DaemonSet, Deployment, Job, ReplicaSet, ReplicationController, StatefulSet)',
    );
    const team = byId['kyverno:require-team-label/check-team'];
    expect(team).toMatchObject({
      title: 'Require a team label: check-team',
      severity: 'medium',
      category: 'data',
      control: 'sensitive_data_classified',
      appliesTo: ['k8s.namespace'],
    });
  });

  it('accepts a mapping by policy name, with weight and severity', () => {
    const [c] = kyvernoPolicyChecks(policies, {
      policies: {
        'disallow-privileged-containers': {
          category: 'compute',
          control: 'no_privileged_containers',
          weight: 5,
          severity: 'critical',
        },
      },
    });
    expect(c).toMatchObject({
      control: 'no_privileged_containers',
      weight: 5,
      severity: 'critical',
    });
  });

  it('evaluates resource.raw: pass, fail with evidence, skip when the rule does not apply', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c' }] },
    };
    const privileged = {
      ...pod,
      spec: {
        containers: [{ name: 'c', securityContext: { privileged: true } }],
      },
    };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: privileged.spec } },
    };
    const podCheck =
      byId['kyverno:disallow-privileged-containers/privileged-containers'];
    const controllerCheck =
      byId[
        'kyverno:disallow-privileged-containers/autogen-privileged-containers'
      ];
    expect(podCheck.evaluate(resource(pod), ctx)).toEqual({ status: 'pass' });
    expect(podCheck.evaluate(resource(privileged), ctx)).toEqual({
      status: 'fail',
      message:
        'validation error: Privileged mode is disallowed. rule privileged-containers failed at path /spec/containers/0/securityContext/privileged/',
      evidence: [
        { path: 'spec.containers[0].securityContext.privileged', value: true },
      ],
    });
    expect(controllerCheck.evaluate(resource(deployment), ctx)).toMatchObject({
      status: 'fail',
      evidence: [
        {
          path: 'spec.template.spec.containers[0].securityContext.privileged',
          value: true,
        },
      ],
    });
    expect(podCheck.evaluate(resource(deployment), ctx).status).toBe('skip');
    expect(controllerCheck.evaluate(resource(pod), ctx).status).toBe('skip');
  });

  it('reports unsupported rules as skips with the reason, and engine errors as thrown errors', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
    };
    expect(
      byId['kyverno:require-team-label/add-default'].evaluate(
        resource(ns, 'k8s.namespace'),
        ctx,
      ),
    ).toEqual({
      status: 'skip',
      reason: 'mutate rules are not evaluated (this engine only validates)',
    });
    expect(
      byId['kyverno:require-team-label/check-team'].evaluate(
        resource(ns, 'k8s.namespace'),
        ctx,
      ),
    ).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('Namespace team-a needs a team label'),
    });
    expect(() =>
      byId['kyverno:require-team-label/lookup'].evaluate(
        resource(ns, 'k8s.namespace'),
        ctx,
      ),
    ).toThrow(/Unknown key "annotations"/);
    expect(
      byId['kyverno:require-team-label/check-team'].evaluate(
        { ...resource(ns), raw: undefined },
        ctx,
      ).status,
    ).toBe('skip');
  });
});

describe('kyvernoPolicyChecks on foreach and time rules', () => {
  const [latest, expiry] = kyvernoPolicyChecks(
    loadKyvernoPolicies(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-latest
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
  - name: containers
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "{{ element.name }} uses latest"
      foreach:
      - list: request.object.spec.containers
        deny:
          conditions:
            any:
            - key: "{{ element.image }}"
              operator: Equals
              value: "*:latest"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: expiry
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
  - name: before-2030
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      deny:
        conditions:
          any:
          - key: "{{ time_after(time_now_utc(), '2030-01-01T00:00:00Z') }}"
            operator: Equals
            value: true
`).policies,
  );
  const pod = resource({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [
        { name: 'a', image: 'nginx:1' },
        { name: 'b', image: 'nginx:latest' },
      ],
    },
  });

  it('points the evidence of a foreach failure at the failing element', () => {
    expect(latest.evaluate(pod, ctx)).toEqual({
      status: 'fail',
      message: 'validation failure: b uses latest',
      evidence: [
        {
          path: 'spec.containers[1]',
          value: { name: 'b', image: 'nginx:latest' },
        },
      ],
    });
  });

  it('uses the evaluation time of the scan for time functions', () => {
    expect(
      expiry.evaluate(pod, { now: new Date('2029-06-01T00:00:00Z') } as any)
        .status,
    ).toBe('pass');
    expect(
      expiry.evaluate(pod, { now: new Date('2031-06-01T00:00:00Z') } as any)
        .status,
    ).toBe('fail');
  });
});
