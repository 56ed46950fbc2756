import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  formatKyvernoTestReport,
  kyvernoTestsFailed,
  runKyvernoTests,
} from './testRunner';

const POLICY = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest
spec:
  rules:
  - name: no-latest
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: latest is not allowed
      pattern:
        spec:
          containers:
          - image: "!*:latest"
  - name: add-label
    match:
      any:
      - resources:
          kinds: [Pod]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(checked): "true"
`;

const RESOURCES = `
apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers: [{name: c, image: "nginx:1.25"}]
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers: [{name: c, image: "nginx:latest"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad-deploy}
spec:
  template:
    spec:
      containers: [{name: c, image: "nginx:latest"}]
`;

const TEST = `
apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: latest
policies: [../policy.yaml]
resources: [resource.yaml]
results:
- policy: disallow-latest
  rule: no-latest
  kind: Pod
  resources: [good]
  result: pass
- policy: disallow-latest
  rule: no-latest
  kind: Pod
  resources: [bad]
  result: pass
- policy: disallow-latest
  rule: no-latest
  kind: Deployment
  resources: [bad-deploy]
  result: fail
- policy: disallow-latest
  rule: add-label
  kind: Pod
  resources: [good]
  result: pass
- policy: disallow-latest
  rule: no-latest
  kind: Pod
  resources: [ghost]
  result: pass
`;

const OLD_POLICY = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: team-quota
spec:
  rules:
  - name: max-replicas
    match:
      resources:
        kinds: [Deployment]
    context:
    - name: quota
      configMap:
        name: quota
        namespace: default
    validate:
      message: "too many replicas for {{ request.object.metadata.namespace }}"
      deny:
        conditions:
        - key: "{{ request.object.spec.replicas }}"
          operator: GreaterThan
          value: "{{ quota.data.max }}"
`;

const OLD_TEST = `
name: quota
policies: [policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
- policy: team-quota
  rule: max-replicas
  resource: small
  kind: Deployment
  status: pass
- policy: team-quota
  rule: max-replicas
  resource: big
  namespace: team-a
  kind: Deployment
  status: fail
- policy: team-quota
  rule: max-replicas
  resources: [team-b/big]
  kind: Deployment
  result: pass
`;

const OLD_RESOURCES = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: small, namespace: team-a}
spec: {replicas: 2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: big, namespace: team-a}
spec: {replicas: 9}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: big, namespace: team-b}
spec: {replicas: 3}
`;

const VALUES = `
policies:
- name: team-quota
  rules:
  - name: max-replicas
    values:
      quota:
        data:
          max: "5"
`;

describe('runKyvernoTests', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-tests-'));
    fs.mkdirSync(path.join(dir, 'latest', '.kyverno-test'), {
      recursive: true,
    });
    fs.writeFileSync(path.join(dir, 'latest', 'policy.yaml'), POLICY);
    fs.writeFileSync(
      path.join(dir, 'latest', '.kyverno-test', 'resource.yaml'),
      RESOURCES,
    );
    fs.writeFileSync(
      path.join(dir, 'latest', '.kyverno-test', 'kyverno-test.yaml'),
      TEST,
    );
    fs.mkdirSync(path.join(dir, 'quota'));
    fs.writeFileSync(path.join(dir, 'quota', 'policy.yaml'), OLD_POLICY);
    fs.writeFileSync(path.join(dir, 'quota', 'resources.yaml'), OLD_RESOURCES);
    fs.writeFileSync(path.join(dir, 'quota', 'values.yaml'), VALUES);
    fs.writeFileSync(path.join(dir, 'quota', 'kyverno-test.yaml'), OLD_TEST);
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(
      path.join(dir, 'broken', 'kyverno-test.yaml'),
      'apiVersion: cli.kyverno.io/v2\nkind: Test\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every kyverno-test.yaml and compares each row', async () => {
    const report = await runKyvernoTests([dir]);
    expect(report.tests.map(t => t.name).sort()).toEqual(['latest', 'quota']);
    expect(report.errors).toEqual([
      {
        test: path.join(dir, 'broken', 'kyverno-test.yaml'),
        message: 'unsupported test apiVersion cli.kyverno.io/v2',
      },
    ]);
    const rows = report.rows.map(r => [
      r.resource,
      r.matchedRule ?? r.rule,
      r.expected,
      r.got,
      r.agrees,
    ]);
    expect(rows).toEqual([
      ['good', 'no-latest', 'pass', 'pass', true],
      ['bad', 'no-latest', 'pass', 'fail', false],
      ['bad-deploy', 'autogen-no-latest', 'fail', 'fail', true],
      ['good', 'add-label', 'pass', 'skip', false],
      ['ghost', 'no-latest', 'pass', 'not-found', false],
      ['small', 'max-replicas', 'pass', 'pass', true],
      ['big', 'max-replicas', 'fail', 'fail', true],
      ['team-b/big', 'max-replicas', 'pass', 'pass', true],
    ]);
    expect(report.rows.find(r => r.rule === 'add-label')?.skipped).toBe(true);
    expect([report.passed, report.failed, report.skipped]).toEqual([5, 2, 1]);
    expect(kyvernoTestsFailed(report)).toBe(true);

    const text = formatKyvernoTestReport(report, { cwd: dir });
    const lines = text.split('\n');
    expect(lines).toContain(
      'ERROR broken/kyverno-test.yaml: unsupported test apiVersion cli.kyverno.io/v2',
    );
    expect(lines).toContain(
      'FAIL latest/.kyverno-test/kyverno-test.yaml: disallow-latest/no-latest on Pod/bad: expected pass, got fail — validation error: latest is not allowed. rule no-latest failed at path /spec/containers/0/image/',
    );
    expect(lines).toContain(
      "FAIL latest/.kyverno-test/kyverno-test.yaml: disallow-latest/no-latest on Pod/ghost: expected pass, got not-found — resource ghost not found in the test's resources",
    );
    expect(lines[lines.length - 1]).toBe('5 passed, 2 failed, 1 skipped');
  });

  it('prints only the summary when everything agrees', async () => {
    const report = await runKyvernoTests([path.join(dir, 'quota')]);
    expect(formatKyvernoTestReport(report)).toBe('3 passed, 0 failed');
    expect(kyvernoTestsFailed(report)).toBe(false);
  });

  it('loads resources as kyverno test does: default namespace, values per resource, other policy kinds skipped', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-tests-ns-'));
    fs.writeFileSync(
      path.join(d, 'policy.yaml'),
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: block-updates}
spec:
  validationFailureAction: Enforce
  rules:
  - name: block
    match:
      any:
      - resources:
          kinds: [Service]
          namespaces: [default]
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.operation }}"
            operator: AnyIn
            value: [UPDATE, DELETE]
---
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: cel-policy}
spec: {}
`,
    );
    fs.writeFileSync(
      path.join(d, 'resources.yaml'),
      `apiVersion: v1
kind: Service
metadata: {name: changed}
---
apiVersion: v1
kind: Service
metadata:
  name: created
  annotations:
`,
    );
    fs.writeFileSync(
      path.join(d, 'values.yaml'),
      `apiVersion: cli.kyverno.io/v1alpha1
kind: Values
policies:
- name: block-updates
  resources:
  - name: changed
    values:
      request.operation: UPDATE
`,
    );
    fs.writeFileSync(
      path.join(d, 'kyverno-test.yaml'),
      `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: ns}
policies: [policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
- {policy: block-updates, rule: block, kind: Service, resources: [default/changed], result: fail}
- {policy: block-updates, rule: block, kind: Service, resources: [default/created], result: pass}
- {policy: cel-policy, kind: Service, resources: [created], result: pass}
`,
    );
    const report = await runKyvernoTests([d]);
    fs.rmSync(d, { recursive: true, force: true });
    expect(
      report.rows.map(r => [r.resource, r.got, r.agrees, r.skipped]),
    ).toEqual([
      // UPDATE of an Enforce policy: the old object (evaluated as CREATE) passed, so the violation stands
      ['default/changed', 'fail', true, false],
      ['default/created', 'pass', true, false],
      ['created', 'unsupported', false, true],
    ]);
    expect(report.rows[2].reason).toBe(
      'ValidatingPolicy policies are not supported (only Kyverno ClusterPolicy and Policy)',
    );
  });

  it('reports unreadable paths', async () => {
    const report = await runKyvernoTests([path.join(dir, 'nope')]);
    expect(report.errors).toHaveLength(1);
    expect(formatKyvernoTestReport(report).split('\n').pop()).toBe(
      '0 passed, 0 failed',
    );
  });
});
