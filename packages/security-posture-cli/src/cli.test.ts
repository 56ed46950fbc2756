import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '@microsoft/jest-sarif';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const PACKAGE_DIR = resolve(__dirname, '..');
const BIN = join(PACKAGE_DIR, 'bin', 'security-posture');
const GOOD = 'src/__fixtures__/k8s-good';
const BAD = 'src/__fixtures__/k8s-bad';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `security-posture` bin in a child process. */
function run(args: string[], cwd = PACKAGE_DIR): Promise<Run> {
  return new Promise(done => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd,
        env: { ...process.env, NO_COLOR: '1' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code =
          error && typeof (error as any).code === 'number'
            ? (error as any).code
            : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

async function json(args: string[], cwd?: string) {
  const r = await run([...args, '--format', 'json'], cwd);
  return { ...r, report: JSON.parse(r.stdout) };
}

jest.setTimeout(60_000);

describe('security-posture scan', () => {
  it('prints a readable table with score, categories and grouped findings', async () => {
    const r = await run(['scan', BAD]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.includes('\u001b[')).toBe(false); // no colour codes when piped
    expect(r.stdout).toMatch(
      /^Security posture {2}\d+\.\d% {2}grade [A-F] {2}\d+\/\d+ points {2}coverage \d+%/,
    );
    for (const title of ['Identity and access', 'Network', 'Data', 'Compute']) {
      expect(r.stdout).toMatch(
        new RegExp(`  ${title} +[█░]{20} +\\d+/\\d+ +\\d+\\.\\d%`),
      );
    }
    // Critical before high before medium, each with resource, evidence and a link.
    const critical = r.stdout.indexOf('CRITICAL (');
    const high = r.stdout.indexOf('HIGH (');
    const medium = r.stdout.indexOf('MEDIUM (');
    expect(critical).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(critical);
    expect(medium).toBeGreaterThan(high);
    const privileged = r.stdout.slice(
      r.stdout.indexOf('[k8s-privileged-container]'),
    );
    expect(privileged).toMatch(
      /^\[k8s-privileged-container\]\n {4}Deployment shop\/web {2}src\/__fixtures__\/k8s-bad\/shop\.yaml\n/,
    );
    expect(privileged).toContain(
      'spec.template.spec.containers[0].securityContext.privileged = true',
    );
    expect(privileged).toMatch(/\n {4}fix: .+\n {4}https:\/\/\S+/);
    expect(r.stdout).toContain('[k8s-rbac-cluster-admin-binding]');
    expect(r.stdout).toContain('Points to gain');
  });

  it('says so when nothing fails', async () => {
    const r = await run(['scan', GOOD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Security posture {2}100\.0% {2}grade A/);
    expect(r.stdout).toContain('No failing findings.');
  });

  it('prints the documented JSON contract', async () => {
    const { code, report } = await json(['scan', BAD, GOOD]);
    expect(code).toBe(0);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'score',
        'categories',
        'coverage',
        'findings',
        'errors',
        'adjustedScore',
        'controls',
        'modelVersion',
      ]),
    );
    const { score, categories } = report;
    expect(Object.keys(score).sort()).toEqual([
      'earned',
      'percent',
      'possible',
    ]);
    expect(categories.map((c: any) => c.id)).toEqual([
      'identity_and_access',
      'network',
      'data',
      'compute',
    ]);
    // overall = Σ categories, percent with one decimal
    const sum = (k: string) =>
      categories.reduce((a: number, c: any) => a + c[k], 0);
    expect(score.earned).toBe(sum('earned'));
    expect(score.possible).toBe(sum('possible'));
    expect(score.percent).toBe(
      Math.round((score.earned / score.possible) * 1000) / 10,
    );
    expect(report.coverage).toBeGreaterThan(0);
    expect(report.coverage).toBeLessThanOrEqual(1);
    expect(report.errors).toEqual([]);

    const binding = report.findings.find(
      (f: any) => f.checkId === 'k8s-rbac-cluster-admin-binding',
    );
    expect(binding).toEqual({
      checkId: 'k8s-rbac-cluster-admin-binding',
      title: expect.any(String),
      severity: 'high',
      category: 'identity_and_access',
      control: 'no_overprivileged_roles',
      status: 'fail',
      resource: {
        kind: 'ClusterRoleBinding',
        name: 'ci-admin',
        source: `${BAD}/rbac.json`,
        type: 'k8s.rolebinding',
        uid: expect.any(String),
      },
      message: expect.any(String),
      evidence: expect.arrayContaining([
        expect.objectContaining({ path: expect.any(String) }),
      ]),
      remediation: {
        text: expect.any(String),
        url: expect.stringMatching(/^https:\/\//),
      },
    });
    // Every failing result of a strict control makes it fail.
    const failingByControl = report.controls.map((control: any) => [
      control.id,
      report.findings.filter(
        (f: any) => f.control === control.id && f.status === 'fail',
      ).length,
    ]);
    expect(report.controls.map((c: any) => [c.id, c.failed])).toEqual(
      failingByControl,
    );
    expect(
      report.controls
        .filter((c: any) => c.failed > 0)
        .every((c: any) => c.status === 'fail'),
    ).toBe(true);
  });

  it('gates on --fail-under and --fail-on', async () => {
    const [over, zero, hundred, under, critical, low] = await Promise.all([
      run(['scan', GOOD, '--fail-under', '101']),
      run(['scan', GOOD, '--fail-under', '0']),
      run(['scan', GOOD, '--fail-under', '100']),
      run(['scan', BAD, '--fail-under', '50']),
      run(['scan', BAD, '--fail-on', 'critical']),
      run(['scan', GOOD, '--fail-on', 'low']),
    ]);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain(
      'Gate failed: score 100% is below --fail-under 101%',
    );
    expect(zero.code).toBe(0);
    expect(zero.stdout).toContain('Gate passed.');
    expect(hundred.code).toBe(0);
    expect(under.code).toBe(1);
    expect(under.stdout).toMatch(
      /Gate failed: score \d+(\.\d)?% is below --fail-under 50%/,
    );
    expect(critical.code).toBe(1);
    expect(critical.stdout).toMatch(
      /\d+ failing finding\(s\) at or above severity critical/,
    );
    expect(low.code).toBe(0);
  });

  it('writes valid SARIF 2.1.0 with rules, locations and fingerprints', async () => {
    const r = await run(['scan', BAD, '--format', 'sarif']);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(log).toBeValidSarifLog();
    const [sarifRun] = log.runs;
    const rule = sarifRun.tool.driver.rules.find(
      (x: any) => x.id === 'k8s-privileged-container',
    );
    expect(rule).toMatchObject({
      helpUri: expect.stringMatching(/^https:\/\//),
      help: { text: expect.any(String) },
      properties: { 'security-severity': '8.0' },
    });
    const result = sarifRun.results.find(
      (x: any) => x.ruleId === 'k8s-privileged-container',
    );
    expect(sarifRun.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: `${BAD}/shop.yaml`, uriBaseId: '%SRCROOT%' },
      region: { startLine: 7 }, // the Deployment document starts on line 7
    });
    expect(result.locations[0].logicalLocations[0]).toMatchObject({
      name: 'web',
      fullyQualifiedName: 'Deployment/shop/web',
    });
    expect(Object.values(result.fingerprints)[0]).toMatch(/^[0-9a-f]{64}$/);
    // one result per failing finding
    const findings = (await json(['scan', BAD])).report.findings;
    expect(sarifRun.results).toHaveLength(
      findings.filter((f: any) => f.status === 'fail').length,
    );
  });

  it('never prints secret values', async () => {
    const runs = await Promise.all(
      ['table', 'json', 'sarif'].map(format =>
        run(['scan', BAD, '--format', format]),
      ),
    );
    for (const r of runs) {
      expect(r.stdout).toContain('DB_PASSWORD');
      expect(r.stdout).not.toContain('S3cr3t-Passw0rd!');
    }
  });

  describe('exemptions', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sp-cli-ex-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('marks exempted findings, adjusts the score and the gate', async () => {
      const file = join(dir, 'exemptions.yaml');
      writeFileSync(
        file,
        `exemptions:
  - check: k8s-secret-in-env
    resource: web
    reason: Legacy image reads the password from the environment; fix in Q3
    approver: security@example.com
    ticket: SEC-101
    expires: 2999-12-31
  - check: k8s-service-database-exposed
    reason: expired long ago
    approver: security@example.com
    expires: 2000-01-01
`,
      );
      const without = await json(['scan', BAD]);
      const { code, report } = await json(['scan', BAD, '--exemptions', file]);
      expect(code).toBe(0);
      const secret = report.findings.find(
        (f: any) => f.checkId === 'k8s-secret-in-env',
      );
      expect(secret.status).toBe('exempted');
      expect(secret.exemption).toMatchObject({
        ticket: 'SEC-101',
        approver: 'security@example.com',
      });
      const db = report.findings.find(
        (f: any) => f.checkId === 'k8s-service-database-exposed',
      );
      expect(db.status).toBe('fail');
      expect(report.score).toEqual(without.report.score);
      const gate = await run([
        'scan',
        BAD,
        '--exemptions',
        file,
        '--fail-on',
        'critical',
      ]);
      // the exposed database (critical, expired exemption) still fails the gate
      expect(gate.code).toBe(1);
      expect(gate.stdout).toMatch(
        /Exempted \(1\)\n {2}~ .*\[k8s-secret-in-env\]/,
      );
    });

    it('rejects an invalid exemption file with exit code 2 and a clear message', async () => {
      const file = join(dir, 'bad-exemptions.yaml');
      writeFileSync(
        file,
        'exemptions:\n  - check: x\n    reason: r\n    expires: soon\n',
      );
      const r = await run(['scan', BAD, '--exemptions', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('exemptions[0].approver: is required');
      expect(r.stderr).toContain('exemptions[0].expires: must be a date');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });

  describe('--config', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sp-cli-cfg-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('applies overrides: disabled checks, severities, runbook URLs, weights', async () => {
      const file = join(dir, 'config.yaml');
      writeFileSync(
        file,
        `securityPosture:
  scoring:
    controls:
      no_overprivileged_roles: { weight: 20 }
    checks:
      k8s-image-mutable-tag: { enabled: false }
      k8s-no-such-check: { enabled: false }
      k8s-privileged-container:
        severity: critical
        remediationUrl: https://runbooks.example.com/privileged
`,
      );
      const base = await json(['scan', BAD, GOOD]);
      const { report } = await json(['scan', BAD, GOOD, '--config', file]);
      const ids = report.findings.map((f: any) => f.checkId);
      expect(ids).not.toContain('k8s-image-mutable-tag');
      const priv = report.findings.find(
        (f: any) => f.checkId === 'k8s-privileged-container',
      );
      expect(priv.severity).toBe('critical');
      expect(priv.remediation.url).toBe(
        'https://runbooks.example.com/privileged',
      );
      const iam = (r: any) =>
        r.categories.find((c: any) => c.id === 'identity_and_access');
      expect(iam(report).possible).toBe(iam(base.report).possible + 12);
      expect(report.modelVersion).not.toBe(base.report.modelVersion);
      expect(report.warnings).toEqual([
        {
          source: file,
          message: 'checks.k8s-no-such-check: no such check (ignored)',
        },
      ]);
    });

    it('rejects an invalid configuration with exit code 2', async () => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, 'controls:\n  egress_filtered: { weight: heavy }\n');
      const r = await run(['scan', GOOD, '--config', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'controls.egress_filtered.weight: must be a number',
      );
    });
  });

  describe('usage errors exit with 2', () => {
    it.each([
      [['scan', 'does/not/exist'], 'path does not exist: does/not/exist'],
      [['scan', GOOD, '--format', 'xml'], "argument 'xml' is invalid"],
      [['scan', GOOD, '--fail-under', 'lots'], 'expected a percentage'],
      [['scan', GOOD, '--fail-on', 'urgent'], "argument 'urgent' is invalid"],
      [['scan', GOOD, '--bogus'], "unknown option '--bogus'"],
      [['scan'], "missing required argument 'paths'"],
      [['frobnicate'], "unknown command 'frobnicate'"],
    ])('%j', async (args, message) => {
      const r = await run(args as string[]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it('prints help with exit code 0', async () => {
      const r = await run(['scan', '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--fail-under <percent>');
    });
  });

  describe('bad input', () => {
    let dir: string;
    const files: Record<string, string | Buffer> = {};
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sp-cli-bad-'));
      const deployment = (name: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1.0.0\n`;
      let block = '';
      for (let i = 0; i < 1000; i++) block += `${' '.repeat(i)}k:\n`;
      Object.assign(files, {
        'a-good.yaml': deployment('survivor'),
        'malformed.yaml': `${deployment(
          'ok-before',
        )}---\nmetadata: {name: [unclosed\n`,
        'malformed.json': '{"apiVersion": "v1", "kind": "ConfigMap",',
        'binary.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]),
        'unknown-kind.yaml':
          'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
        'unknown-type.json': JSON.stringify({
          format_version: '1.0',
          values: {
            root_module: {
              resources: [
                {
                  address: 'google_storage_bucket.b',
                  mode: 'managed',
                  type: 'google_storage_bucket',
                  name: 'b',
                  values: {},
                },
              ],
            },
          },
        }),
        'alias-bomb.yaml': [
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata: {name: lol}',
          'data:',
          '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
          '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
          '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
          '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
          '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
          '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
          '  g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
        ].join('\n'),
        'huge.yaml': `${deployment('huge')}  x: "${'a'.repeat(
          5 * 1024 * 1024,
        )}"\n`,
        'deep.json': `${'['.repeat(1000)}${']'.repeat(1000)}`,
        'deep.yaml': block,
        'deep-flow.yaml': `a: ${'['.repeat(20000)}${']'.repeat(20000)}`,
      });
      for (const [name, content] of Object.entries(files)) {
        writeFileSync(join(dir, name), content);
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports every bad file in errors and still scans the others', async () => {
      const r = await run(['scan', dir, '--format', 'json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/problem\(s\) reading the input/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const report = JSON.parse(r.stdout);
      const byFile = new Map<string, string[]>();
      for (const e of report.errors) {
        const name = e.source.slice(dir.length + 1);
        byFile.set(name, [...(byFile.get(name) ?? []), e.message]);
      }
      const expectations: Record<string, RegExp> = {
        'malformed.yaml': /document 2 \(line 13\): invalid YAML/,
        'malformed.json': /^invalid JSON: /,
        'binary.yaml': /^binary file/,
        'unknown-kind.yaml': /unsupported kind example\.com\/v1\/Widget/,
        'unknown-type.json': /google_storage_bucket/,
        'alias-bomb.yaml': /possible alias bomb/,
        'huge.yaml': /document is 5\.0 MiB, larger than the 3\.0 MiB limit/,
        'deep.json': /nests deeper than 100 levels/,
        'deep.yaml': /nests deeper than 100 levels/,
        'deep-flow.yaml': /nests deeper than 100 levels/,
      };
      for (const [name, pattern] of Object.entries(expectations)) {
        expect([name, byFile.get(name)]).toEqual([
          name,
          [expect.stringMatching(pattern)],
        ]);
      }
      expect(byFile.has('a-good.yaml')).toBe(false);
      const names = report.findings.map((f: any) => f.resource.name);
      expect(names).toContain('survivor');
      expect(names).toContain('ok-before');
    });

    it('exits with 2 when no input could be read at all', async () => {
      for (const name of ['malformed.json', 'binary.yaml', 'deep.json']) {
        const r = await run(['scan', join(dir, name)]);
        expect([name, r.code]).toEqual([name, 2]);
        expect(r.stderr).toContain(name);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    });
  });

  describe('--policy', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sp-cli-policy-'));
      writeFileSync(
        join(dir, 'replicas.yaml'),
        `apiVersion: security-posture.backstage.io/v1alpha1
kind: CustomCheck
metadata:
  name: team-min-replicas
spec:
  title: At least two replicas
  description: Deployments run at least two replicas.
  severity: low
  control: resource_limits_enforced
  remediation:
    text: Set spec.replicas to 2 or more.
    url: https://runbooks.example.com/replicas
  match:
    kinds: [Deployment]
  validations:
    - expression: "has(object.spec.replicas) && object.spec.replicas >= 2"
      message: fewer than two replicas
`,
      );
      writeFileSync(
        join(dir, 'require-team-label.yaml'),
        `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
  annotations:
    policies.kyverno.io/title: Require a team label
    policies.kyverno.io/severity: medium
spec:
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Service]
      validate:
        message: "The label team is required."
        pattern:
          metadata:
            labels:
              team: "?*"
`,
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('adds CEL custom checks and Kyverno policies to the scan', async () => {
      const without = await json(['scan', BAD]);
      const { code, report } = await json(['scan', BAD, '--policy', dir]);
      expect(code).toBe(0);
      expect(report.errors).toEqual([]);
      const ids = (r: any) => r.findings.map((f: any) => f.checkId);
      expect(ids(without.report)).not.toContain('team-min-replicas');
      const replicas = report.findings.find(
        (f: any) => f.checkId === 'team-min-replicas',
      );
      expect(replicas).toMatchObject({
        status: 'fail',
        severity: 'low',
        control: 'resource_limits_enforced',
        resource: { kind: 'Deployment', name: 'web' },
        remediation: { url: 'https://runbooks.example.com/replicas' },
      });
      const kyverno = report.findings.filter((f: any) =>
        /require-team-label/.test(f.checkId),
      );
      expect(kyverno.map((f: any) => f.resource.name)).toEqual(['orders-db']);
      expect(report.modelVersion).not.toBe(without.report.modelVersion);
    });

    it('rejects a policy path that does not exist', async () => {
      const r = await run(['scan', BAD, '--policy', join(dir, 'nope')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('policy path does not exist');
    });
  });

  it('resolves paths against the directory it is run from', async () => {
    const r = await json(
      ['scan', 'k8s-bad'],
      join(PACKAGE_DIR, 'src', '__fixtures__'),
    );
    expect(r.code).toBe(0);
    expect(r.report.findings[0].resource.source).toMatch(/^k8s-bad\//);
  });
});

describe('security-posture test', () => {
  const REPO = resolve(PACKAGE_DIR, '../..');
  // The conformance fixtures, found as test/conformance finds them.
  const POD_SECURITY = resolve(
    process.env.SECURITY_POSTURE_CONFORMANCE_DIR ??
      resolve(REPO, '../shared/conformance'),
    'kyverno-policies/pod-security/baseline/disallow-privileged-containers',
  );

  it('runs Kyverno test suites and ends with the summary line', async () => {
    const r = await run(['test', POD_SECURITY]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toMatch(
      /^[1-9]\d* passed, 0 failed$/,
    );
  });

  it('exits with 1 and explains rows that disagree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-cli-test-'));
    try {
      writeFileSync(
        join(dir, 'policy.yaml'),
        `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  rules:
    - name: team-label
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: team label required
        pattern:
          metadata:
            labels:
              team: "?*"
`,
      );
      writeFileSync(
        join(dir, 'resource.yaml'),
        `apiVersion: v1
kind: Pod
metadata:
  name: labelled
  labels: {team: a}
spec:
  containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata:
  name: unlabelled
spec:
  containers: [{name: c, image: busybox:1.36}]
`,
      );
      writeFileSync(
        join(dir, 'kyverno-test.yaml'),
        `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: require-team
policies: [policy.yaml]
resources: [resource.yaml]
results:
  - policy: require-team
    rule: team-label
    kind: Pod
    resources: [labelled]
    result: pass
  - policy: require-team
    rule: team-label
    kind: Pod
    resources: [unlabelled]
    result: pass
`,
      );
      const r = await run(['test', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /FAIL .*require-team\/team-label on Pod\/unlabelled: expected pass, got fail/,
      );
      expect(r.stdout.trim().split('\n').pop()).toBe('1 passed, 1 failed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with 2 when there is nothing to test', async () => {
    expect((await run(['test', 'does/not/exist'])).code).toBe(2);
    const empty = await run(['test', GOOD]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no kyverno-test.yaml found');
  });
});

describe('security-posture scan examples/ (the demo estate)', () => {
  // `yarn security-posture scan examples/` from the repository root.
  const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');
  const scanExamples = (...extra: string[]) =>
    run(['scan', 'examples/', ...extra], REPO_ROOT);

  it('prints a readable report naming the estate’s resources and their misconfigurations', async () => {
    const r = await scanExamples();
    // No gate asked for: exit 0 whatever the score.
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Security posture {2}\d+\.\d% {2}grade [A-F] {2}\d+\/\d+ points {2}coverage \d+%\n\d+ file\(s\), \d+ resource\(s\), \d+ check evaluation\(s\)/,
    );
    for (const title of ['Identity and access', 'Network', 'Data', 'Compute']) {
      expect(r.stdout).toMatch(new RegExp(`  ${title} +[█░]{20} +\\d+/\\d+`));
    }
    // Each finding, under its check, names the resource and the file it is in.
    const finding = (checkId: string, resource: string, file: string) =>
      expect(r.stdout).toMatch(
        new RegExp(
          `\\[${checkId}\\]\\n {4}${resource} {2}examples/${file.replace(
            /\./g,
            '\\.',
          )}\\n`,
        ),
      );
    // merchant-portal: root container with hostNetwork: true, and a
    // LoadBalancer Service without loadBalancerSourceRanges.
    finding(
      'k8s-root-host-network',
      'Deployment web/merchant-portal',
      'resources/web/merchant-portal/merchant-portal.yaml',
    );
    expect(r.stdout).toContain('spec.template.spec.hostNetwork = true');
    finding(
      'k8s-service-public-exposure',
      'Service web/merchant-portal',
      'resources/web/merchant-portal/merchant-portal.yaml',
    );
    // fraud-scorer: DB_PASSWORD as a plain env value (the value never printed).
    finding(
      'k8s-secret-in-env',
      'Deployment risk/fraud-scorer',
      'resources/risk/fraud-scorer/fraud-scorer.yaml',
    );
    expect(r.stdout).toContain('DB_PASSWORD');
    expect(r.stdout).not.toContain('demo-only-not-a-real-password');
    // events-pipeline: its service account bound to cluster-admin.
    finding(
      'k8s-rbac-cluster-admin-binding',
      'ClusterRoleBinding events-pipeline-admin',
      'resources/data/events-pipeline/events-pipeline.yaml',
    );
    // analytics-db in the Terraform state: publicly accessible.
    finding(
      'aws-rds-publicly-accessible',
      'aws_db_instance aws_db_instance.analytics',
      'resources/data/terraform/analytics/state.json',
    );
    expect(r.stdout).toContain('publicly_accessible = true');
    // Critical first (the estate has critical misconfigurations).
    expect(r.stdout.indexOf('CRITICAL (')).toBeGreaterThan(0);
    expect(r.stdout.indexOf('HIGH (')).toBeGreaterThan(
      r.stdout.indexOf('CRITICAL ('),
    );
    // auth-service is the reference configuration: nothing of it fails …
    expect(r.stdout).not.toContain('auth-service');
    // … and on its own it scores full marks.
    const reference = await run(
      ['scan', 'examples/resources/platform/auth-service'],
      REPO_ROOT,
    );
    expect(reference.code).toBe(0);
    expect(reference.stdout).toMatch(/^Security posture {2}100\.0% {2}grade A/);
    expect(reference.stdout).toContain('No failing findings.');
  });

  it('reports the same estate in JSON, and gates by its score and severities', async () => {
    const [table, { code, report }] = await Promise.all([
      scanExamples(),
      json(['scan', 'examples/'], REPO_ROOT),
    ]);
    expect(code).toBe(0);
    const counted =
      /(\d+) file\(s\), (\d+) resource\(s\), (\d+) check evaluation\(s\)/.exec(
        table.stdout,
      );
    expect(counted).not.toBeNull();
    expect(report.summary.files).toBe(Number(counted![1]));
    expect(report.summary.resources).toBe(Number(counted![2]));
    expect(report.summary.evaluations).toBe(Number(counted![3]));
    expect(report.summary.resources).toBeGreaterThan(0);
    const failing = Object.values(report.summary.failing as object).reduce(
      (a: number, n: number) => a + n,
      0,
    );
    expect(report.findings).toHaveLength(failing);
    expect(table.stdout).toContain(`Failing findings (${failing})`);
    expect(report.summary.failing.critical).toBeGreaterThan(0);
    // The same findings as the table, with the files they come from.
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          checkId: 'k8s-secret-in-env',
          severity: 'critical',
          resource: expect.objectContaining({
            kind: 'Deployment',
            name: 'fraud-scorer',
            namespace: 'risk',
            source: 'examples/resources/risk/fraud-scorer/fraud-scorer.yaml',
          }),
        }),
        expect.objectContaining({
          checkId: 'k8s-rbac-cluster-admin-binding',
          resource: expect.objectContaining({
            kind: 'ClusterRoleBinding',
            name: 'events-pipeline-admin',
          }),
        }),
      ]),
    );
    // Only the resource types the README says have no check are reported.
    for (const e of report.errors) {
      expect(e.message).toMatch(/unsupported types/);
    }

    // The gate: at the estate's own score it passes, a point above it fails,
    // and its critical findings fail --fail-on critical.
    const percent: number = report.adjustedScore.percent;
    expect(percent).toBeLessThan(100);
    const [at, above, critical] = await Promise.all([
      scanExamples('--fail-under', String(percent)),
      scanExamples('--fail-under', String(Math.min(100, percent + 1))),
      scanExamples('--fail-on', 'critical'),
    ]);
    expect(at.code).toBe(0);
    expect(at.stdout).toContain('Gate passed.');
    expect(above.code).toBe(1);
    expect(above.stdout).toMatch(
      /Gate failed: score \d+(\.\d)?% is below --fail-under \d+(\.\d)?%/,
    );
    expect(critical.code).toBe(1);
    expect(critical.stdout).toContain(
      `${report.summary.failing.critical} failing finding(s) at or above severity critical`,
    );
  });
});
