import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '../model/resource';
import { createResourceIndex } from '../scorecard/resourceIndex';
import { loadPolicyDirectory, loadPolicyText } from './policies';
import { validateCatalog } from './validate';

const KYVERNO_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest-tag
  annotations:
    policies.kyverno.io/title: Disallow Latest Tag
    policies.kyverno.io/severity: medium
    policies.kyverno.io/category: Best Practices
spec:
  rules:
    - name: require-image-tag
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "An image tag is required."
        pattern:
          spec:
            containers:
              - image: "*:*"
    - name: validate-image-tag
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "Using a mutable image tag e.g. 'latest' is not allowed."
        pattern:
          spec:
            containers:
              - image: "!*:latest"
`;

const CUSTOM_CHECK = `apiVersion: security-posture.backstage.io/v1alpha1
kind: CustomCheck
metadata:
  name: team-replicas
spec:
  title: At least two replicas
  description: Deployments run at least two replicas.
  severity: low
  control: resource_limits_enforced
  remediation:
    text: Set spec.replicas to 2 or more.
    url: https://example.com/runbooks/replicas
  match:
    kinds: [Deployment]
  validations:
    - expression: "has(object.spec.replicas) && object.spec.replicas >= 2"
      message: fewer than two replicas
`;

const KYVERNO_TEST = `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: disallow-latest-tag
policies: [policy.yaml]
resources: [resource.yaml]
results: []
`;

function deployment(image: string, replicas: number): Resource {
  const raw = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas,
      template: { spec: { containers: [{ name: 'web', image }] } },
    },
  };
  return {
    uid: 'k8s:/apps/v1/Deployment/shop/web',
    type: 'k8s.workload',
    kind: 'Deployment',
    name: 'web',
    namespace: 'shop',
    source: { format: 'kubernetes-yaml', file: 'web.yaml' },
    attributes: {},
    raw,
  };
}

const ctx = { resources: createResourceIndex([]), now: new Date() };

describe('loadPolicyText', () => {
  it('dispatches Kyverno policies and CEL custom checks, ignoring other documents', () => {
    const text = [KYVERNO_TEST, KYVERNO_POLICY, CUSTOM_CHECK].join('---\n');
    const result = loadPolicyText(text, 'policies/team.yaml');
    expect(result.errors).toEqual([]);
    expect(result.ignored).toBe(1);
    const origins = result.checks.map(c => c.origin).sort();
    expect(origins).toContain('kyverno');
    expect(origins).toContain('cel');
    expect(validateCatalog(result.checks)).toEqual([]);

    // Both kinds of check evaluate the raw Kubernetes object.
    const latest = deployment('nginx:latest', 1);
    const pinned = deployment('nginx:1.25.3', 3);
    const statuses = (r: Resource) =>
      result.checks.map(c => [c.origin, c.evaluate(r, ctx).status]);
    expect(statuses(latest)).toEqual(
      expect.arrayContaining([
        ['kyverno', 'fail'],
        ['cel', 'fail'],
      ]),
    );
    const fixed = statuses(pinned);
    expect(fixed.filter(([, status]) => status === 'fail')).toEqual([]);
    expect(fixed).toEqual(
      expect.arrayContaining([
        ['kyverno', 'pass'],
        ['cel', 'pass'],
      ]),
    );
  });

  it('keeps line numbers of the file in custom check errors', () => {
    const broken = CUSTOM_CHECK.replace(
      '    - expression: "has(object.spec.replicas) && object.spec.replicas >= 2"',
      '    - expression: "object.spec.replicas >="',
    );
    const text = `${KYVERNO_POLICY}---\n${broken}`;
    const result = loadPolicyText(text, 'p.yaml');
    expect(result.checks.map(c => c.origin)).not.toContain('cel');
    expect(result.errors).toHaveLength(1);
    // the broken expression is on line 49 of the file
    expect(result.errors[0]).toEqual({
      source: 'p.yaml',
      message: expect.stringContaining('line 49'),
    });
  });

  it('reports broken documents without throwing', () => {
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    const result = loadPolicyText(
      `${deep}\n---\napiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: [x\n`,
      'bad.yaml',
    );
    expect(result.checks).toEqual([]);
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(
        /^document 1 \(line 1\): document nests deeper than 100 levels/,
      ),
      expect.stringMatching(/^document 2 \(line 3\): invalid YAML/),
    ]);
  });
});

describe('loadPolicyDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-policies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every policy file under a folder and rejects duplicate ids', async () => {
    mkdirSync(join(dir, 'kyverno'));
    writeFileSync(join(dir, 'kyverno', 'latest.yaml'), KYVERNO_POLICY);
    writeFileSync(join(dir, 'kyverno', 'kyverno-test.yaml'), KYVERNO_TEST);
    writeFileSync(join(dir, 'replicas.yaml'), CUSTOM_CHECK);
    writeFileSync(join(dir, 'replicas-copy.yml'), CUSTOM_CHECK);
    writeFileSync(join(dir, 'logo.json'), Buffer.from([0x89, 0x50, 0, 0]));
    const result = await loadPolicyDirectory(dir);
    expect(result.files).toBe(4);
    expect(result.ignored).toBe(1);
    expect(new Set(result.checks.map(c => c.id)).size).toBe(
      result.checks.length,
    );
    expect(result.checks.filter(c => c.origin === 'cel')).toHaveLength(1);
    expect(result.errors).toEqual([
      {
        source: join(dir, 'logo.json'),
        message: 'binary file (contains NUL bytes), skipped',
      },
      {
        source: join(dir, 'replicas.yaml'),
        message: `duplicate check id team-replicas (already loaded from ${join(
          dir,
          'replicas-copy.yml',
        )}), skipped`,
      },
    ]);
  });
});
