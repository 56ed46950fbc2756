import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKyvernoPolicies, loadKyvernoPoliciesFromPaths } from './load';

const valid = (
  name: string,
  apiVersion = 'kyverno.io/v1',
  kind = 'ClusterPolicy',
) => `
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
spec:
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        spec: {}
`;

describe('loadKyvernoPolicies', () => {
  it('loads every policy of a multi-document text, v1 and v2beta1, ClusterPolicy and Policy', () => {
    const r = loadKyvernoPolicies(
      [
        valid('a'),
        valid('b', 'kyverno.io/v2beta1'),
        valid('c', 'kyverno.io/v1', 'Policy'),
      ].join('---'),
      { file: 'p.yaml' },
    );
    expect(r.errors).toEqual([]);
    expect(r.policies.map(p => [p.metadata.name, p.kind, p.source])).toEqual([
      ['a', 'ClusterPolicy', { file: 'p.yaml', document: 0 }],
      ['b', 'ClusterPolicy', { file: 'p.yaml', document: 1 }],
      ['c', 'Policy', { file: 'p.yaml', document: 2 }],
    ]);
  });

  it('lists other kinds as ignored, not errors', () => {
    const r = loadKyvernoPolicies(
      `${valid('a')}---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\n`,
    );
    expect(r.policies).toHaveLength(1);
    expect(r.ignored).toEqual([
      {
        file: undefined,
        document: 1,
        policy: 'x',
        kind: 'Pod',
        message: 'v1/Pod is not a Kyverno ClusterPolicy or Policy',
      },
    ]);
  });

  it('reports invalid YAML and malformed policies with their document, never throws', () => {
    const r = loadKyvernoPolicies(`${valid('ok')}---\nkey: [unclosed\n`);
    expect(r.policies.map(p => p.metadata.name)).toEqual(['ok']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].document).toBe(1);
    expect(r.errors[0].message).toMatch(/^invalid YAML/);

    const broken = loadKyvernoPolicies(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: broken
spec:
  rules:
  - name: no-match
    validate:
      pattern: {}
  - name: bad-op
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      deny:
        conditions:
          any:
          - key: a
            operator: Matches
            value: b
  - name: nothing
    match:
      any:
      - resources: {kinds: [Pod]}
`);
    expect(broken.policies).toEqual([]);
    expect(broken.errors.map(e => e.message)).toEqual([
      'rule no-match: match is required',
      'rule bad-op.validate.deny.conditions: unknown operator "Matches" (expected one of Equal, Equals, NotEqual, NotEquals, In, AnyIn, AllIn, NotIn, AnyNotIn, AllNotIn, GreaterThanOrEquals, GreaterThan, LessThanOrEquals, LessThan, DurationGreaterThanOrEquals, DurationGreaterThan, DurationLessThanOrEquals, DurationLessThan)',
      'rule nothing: one of validate, mutate, generate or verifyImages is required',
    ]);
    expect(loadKyvernoPolicies('{{{{').errors).toHaveLength(1);
    expect(loadKyvernoPolicies('').policies).toEqual([]);
  });

  it('refuses lists, selectors and texts of the wrong type, as the schema would', () => {
    const r = loadKyvernoPolicies(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: shapes
  annotations:
    pod-policies.kyverno.io/autogen-controllers: {toString: x}
spec:
  rules:
  - name: wrong
    match:
      any:
      - resources:
          kinds: Pod
          names: [{toString: x}]
          selector: {matchLabels: {app: [a]}}
      all: {resources: {kinds: [Pod]}}
    exclude:
      resources:
        namespaceSelector: {matchExpressions: [{key: team}]}
        annotations: {owner: {name: x}}
    validate:
      message: [a, b]
      podSecurity: {level: {toString: x}, exclude: [{images: [nginx]}]}
  - name: fine
    match:
      any:
      - resources:
          kinds: [Pod]
          selector: {matchLabels: {tier: 1, canary: true}}
    validate:
      pattern: {spec: {}}
`);
    expect(r.policies).toEqual([]);
    expect(r.errors.map(e => e.message)).toEqual([
      'metadata.annotations must map names to strings',
      'rule wrong: match.any[0].resources.kinds must be a list of strings',
      'rule wrong: match.any[0].resources.names must be a list of strings',
      'rule wrong: match.any[0].resources.selector.matchLabels must map names to strings',
      'rule wrong: match.all must be a list',
      'rule wrong: exclude.resources.annotations must map names to strings',
      'rule wrong: exclude.resources.namespaceSelector.matchExpressions[0] needs a key and an operator',
      'rule wrong: validate.message must be a string',
      'rule wrong: podSecurity.level must be privileged, baseline or restricted',
      'rule wrong: podSecurity.exclude[0] needs a controlName',
    ]);
  });

  it('warns about deprecated operators, unsupported rule types and cluster context', () => {
    const r = loadKyvernoPolicies(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: w}
spec:
  rules:
  - name: m
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge: {}
  - name: v
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - name: cm
      configMap: {name: x, namespace: y}
    validate:
      deny:
        conditions:
        - key: a
          operator: In
          value: [a]
`);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(w => w.message)).toEqual([
      'rule m: mutate rules are not evaluated (reported as skipped)',
      'rule v.validate.deny.conditions: operator In is deprecated; use AllIn or AnyIn',
      'rule v: context entry "cm" (configMap) needs cluster access; the rule errors unless a value is provided',
    ]);
  });
});

describe('loadKyvernoPoliciesFromPaths', () => {
  it('reads folders recursively and skips tests, kustomizations and Artifact Hub files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-load-'));
    fs.mkdirSync(path.join(dir, 'a', '.kyverno-test'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a', 'a.yaml'), valid('a'));
    fs.writeFileSync(path.join(dir, 'b.yml'), valid('b'));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [a]\n');
    fs.writeFileSync(path.join(dir, 'a', 'artifacthub-pkg.yml'), 'name: x\n');
    fs.writeFileSync(
      path.join(dir, 'a', '.kyverno-test', 'kyverno-test.yaml'),
      'kind: Test\n',
    );
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not yaml');
    const r = await loadKyvernoPoliciesFromPaths([
      dir,
      path.join(dir, 'missing'),
    ]);
    expect(r.policies.map(p => p.metadata.name).sort()).toEqual(['a', 'b']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/cannot read/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
