import type { EvaluationContext } from '../../model/check';
import type { Resource } from '../../model/resource';
import { validateCatalog } from '../../checks/validate';
import { createResourceIndex } from '../../scorecard/resourceIndex';
import { evaluateChecks } from '../../scorecard/evaluate';
import { loadCustomChecks } from './index';

const HEADER = `apiVersion: security-posture.backstage.io/v1alpha1
kind: CustomCheck`;

/** A complete, valid check document; `spec` lines are appended to the defaults. */
function doc(name: string, specExtra: string, base = true): string {
  return `${HEADER}
metadata:
  name: ${name}
spec:
${
  base
    ? `  title: Test check
  description: A check used in tests.
  severity: high
  control: resource_limits_enforced
  remediation:
    text: Fix it.
    url: https://example.com/runbook
`
    : ''
}${specExtra}`;
}

function load(text: string) {
  return loadCustomChecks(text, 'checks/team.yaml');
}

function loadOne(text: string) {
  const result = load(text);
  expect(result.errors).toEqual([]);
  expect(result.checks).toHaveLength(1);
  return result.checks[0];
}

function errorsOf(text: string): string[] {
  const result = load(text);
  expect(result.checks).toEqual([]);
  for (const e of result.errors) expect(e.file).toBe('checks/team.yaml');
  return result.errors.map(e => e.message);
}

function deployment(
  containers: Record<string, any>[],
  extra: Partial<Resource> = {},
  kind = 'Deployment',
): Resource {
  return {
    uid: `k8s:c/apps/v1/${kind}/shop/web`,
    type: 'k8s.workload',
    kind,
    name: 'web',
    namespace: 'shop',
    labels: { team: 'payments' },
    source: { format: 'kubernetes-yaml', file: 'web.yaml' },
    attributes: {},
    raw: {
      apiVersion: 'apps/v1',
      kind,
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { team: 'payments' },
      },
      spec: { replicas: 3, template: { spec: { containers } } },
    },
    ...extra,
  };
}

const ctx: EvaluationContext = {
  resources: createResourceIndex([]),
  now: new Date(),
};

const LIMITS = `  match:
    kinds: [Deployment, StatefulSet]
  variables:
    - name: containers
      expression: object.spec.template.spec.containers
    - name: missing
      expression: "variables.containers.filter(c, !has(c.resources) || !has(c.resources.limits)).map(c, c.name)"
  validations:
    - expression: "size(variables.missing) == 0"
      message: every container needs resource limits
      messageExpression: "'containers without limits: ' + variables.missing.join(', ')"
      fieldPath: spec.template.spec.containers
`;

describe('loadCustomChecks', () => {
  it('loads a check with its metadata; the category comes from the control', () => {
    const check = loadOne(
      doc(
        'require-limits',
        `  weight: 5
  frameworks:
    cis-kubernetes: ['5.7.4']
    nist-800-53: [SC-6]
${LIMITS}`,
      ),
    );
    expect(check).toMatchObject({
      id: 'require-limits',
      title: 'Test check',
      description: 'A check used in tests.',
      severity: 'high',
      category: 'compute',
      control: 'resource_limits_enforced',
      weight: 5,
      appliesTo: ['k8s.workload'],
      frameworks: { 'cis-kubernetes': ['5.7.4'], 'nist-800-53': ['SC-6'] },
      remediation: { text: 'Fix it.', url: 'https://example.com/runbook' },
      origin: 'cel',
    });
    expect(validateCatalog([check])).toEqual([]);
  });

  it('fails with the messageExpression and evidence at fieldPath; passes when fixed', () => {
    const check = loadOne(doc('require-limits', LIMITS));
    const bad = deployment([
      { name: 'app', resources: { limits: { cpu: '1' } } },
      { name: 'sidecar' },
      { name: 'init', resources: { requests: { cpu: '1' } } },
    ]);
    expect(check.evaluate(bad, ctx)).toEqual({
      status: 'fail',
      message: 'containers without limits: sidecar, init',
      evidence: [
        {
          path: 'spec.template.spec.containers',
          value: (bad.raw as any).spec.template.spec.containers,
        },
      ],
    });
    const good = deployment([
      { name: 'app', resources: { limits: { cpu: '1' } } },
    ]);
    expect(check.evaluate(good, ctx)).toEqual({ status: 'pass' });
  });

  it('matches on original kinds: other kinds of the same canonical type are skipped', () => {
    const check = loadOne(doc('require-limits', LIMITS));
    const pod = deployment([{ name: 'x' }], {}, 'Pod');
    expect(check.evaluate(pod, ctx)).toEqual({
      status: 'skip',
      reason: 'kind not in match.kinds (Deployment, StatefulSet)',
    });
  });

  it('matches on canonical types and namespaces', () => {
    const check = loadOne(
      doc(
        'team-label',
        `  match:
    types: [k8s.workload, k8s.service]
    namespaces: [shop]
  validations:
    - expression: "'team' in resource.labels && resource.labels['team'] != ''"
`,
      ),
    );
    expect(check.appliesTo).toEqual(['k8s.workload', 'k8s.service']);
    expect(check.evaluate(deployment([]), ctx).status).toBe('pass');
    const unlabelled = deployment([], { labels: undefined });
    expect(check.evaluate(unlabelled, ctx)).toEqual({
      status: 'fail',
      message:
        "failed expression: 'team' in resource.labels && resource.labels['team'] != ''",
      evidence: [],
    });
    expect(
      check.evaluate(deployment([], { namespace: 'other' }), ctx).status,
    ).toBe('skip');
  });

  it('sees JSON integers as CEL ints, like Kubernetes', () => {
    const check = loadOne(
      doc(
        'replicas',
        `  match: { kinds: [Deployment] }
  validations:
    - expression: object.spec.replicas + 1 >= 3 && object.spec.replicas == 3
      message: too few replicas
      fieldPath: spec.replicas
`,
      ),
    );
    expect(check.evaluate(deployment([]), ctx).status).toBe('pass');
    const one = deployment([]);
    (one.raw as any).spec.replicas = 1;
    expect(check.evaluate(one, ctx)).toEqual({
      status: 'fail',
      message: 'too few replicas',
      evidence: [{ path: 'spec.replicas', value: 1 }],
    });
  });

  it('reports every failing validation, and falls back to message when messageExpression fails', () => {
    const check = loadOne(
      doc(
        'two-rules',
        `  match: { kinds: [Deployment] }
  validations:
    - expression: "false"
      message: first
      messageExpression: object.nope
    - expression: "true"
      message: never
    - expression: "1 > 2"
      messageExpression: "'second for ' + resource.name"
`,
      ),
    );
    expect(check.evaluate(deployment([]), ctx)).toEqual({
      status: 'fail',
      message: 'first; second for web',
      evidence: [],
    });
  });

  it('evaluates AWS and Terraform resources against their canonical attributes', () => {
    const check = loadOne(
      doc(
        'bucket-versioning',
        `  match: { types: [aws.s3.bucket] }
  category: data
  control: backup_tested
  validations:
    - expression: has(object.versioning) && object.versioning.enabled && resource.tags['owner'] != ''
      fieldPath: versioning.enabled
`,
        true,
      ).replace('  control: resource_limits_enforced\n', ''),
    );
    const bucket: Resource = {
      uid: 'tf:aws_s3_bucket.logs',
      type: 'aws.s3.bucket',
      kind: 'aws_s3_bucket',
      name: 'logs',
      address: 'aws_s3_bucket.logs',
      tags: { owner: 'team-a' },
      source: { format: 'terraform-plan', file: 'plan.json' },
      attributes: { versioning: { enabled: false } },
      origins: { versioning: 'aws_s3_bucket_versioning.logs' },
      raw: { values: {} },
    };
    expect(check.evaluate(bucket, ctx)).toMatchObject({
      status: 'fail',
      evidence: [
        { path: 'aws_s3_bucket_versioning.logs.enabled', value: false },
      ],
    });
    const fixed = { ...bucket, attributes: { versioning: { enabled: true } } };
    expect(check.evaluate(fixed, ctx).status).toBe('pass');
  });

  it('skips resources a matchCondition rules out', () => {
    const check = loadOne(
      doc(
        'prod-only',
        `  match: { kinds: [Deployment] }
  matchConditions:
    - name: production
      expression: "has(object.metadata.labels) && object.metadata.labels.?env.orValue('') == 'prod'"
  validations:
    - expression: object.spec.replicas >= 2
`,
      ),
    );
    expect(check.evaluate(deployment([]), ctx)).toEqual({
      status: 'skip',
      reason: 'match condition "production" is false',
    });
    const prod = deployment([]);
    (prod.raw as any).metadata.labels.env = 'prod';
    (prod.raw as any).spec.replicas = 1;
    expect(check.evaluate(prod, ctx).status).toBe('fail');
  });

  it('throws a clear error when an expression fails at run time; the runner records it as error', () => {
    const check = loadOne(
      doc(
        'runtime',
        `  match: { kinds: [Deployment] }
  validations:
    - expression: object.spec.template.spec.nodeSelector.disk == 'ssd'
`,
      ),
    );
    expect(() => check.evaluate(deployment([]), ctx)).toThrow(
      /^Custom check "runtime" \(checks\/team\.yaml\): validations\[0\]\.expression failed on Deployment "web": .*nodeSelector/,
    );
    const evaluation = evaluateChecks([deployment([])], [check]);
    expect(evaluation.results).toEqual([
      expect.objectContaining({ checkId: 'runtime', status: 'error' }),
    ]);
  });

  it('throws when a validation or matchCondition does not give a bool', () => {
    const check = loadOne(
      doc(
        'not-bool',
        `  match: { kinds: [Deployment] }
  validations:
    - expression: object.spec.replicas
`,
      ),
    );
    expect(() => check.evaluate(deployment([]), ctx)).toThrow(
      'validations[0].expression must evaluate to a bool, got number 3',
    );
    const cond = loadOne(
      doc(
        'cond-not-bool',
        `  match: { kinds: [Deployment] }
  matchConditions: [{ name: c, expression: "resource.name" }]
  validations: [{ expression: "true" }]
`,
      ),
    );
    expect(() => cond.evaluate(deployment([]), ctx)).toThrow(
      /matchConditions\[0\] "c" must evaluate to a bool, got string "web"/,
    );
  });

  it('loads every valid document of a multi-document file and reports the invalid ones', () => {
    const text = [
      doc(
        'first',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "true" }]\n`,
      ),
      doc(
        'second',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "1 +" }]\n`,
      ),
      doc(
        'third',
        `  match: { kinds: [Namespace] }\n  validations: [{ expression: "true" }]\n`,
      ),
      '',
    ].join('\n---\n');
    const result = load(text);
    expect(result.checks.map(c => c.id)).toEqual(['first', 'third']);
    expect(result.checks[1].appliesTo).toEqual(['k8s.namespace']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].message).toMatch(
      /^line 30: check "second": spec\.validations\[0\]\.expression: invalid CEL: /,
    );
  });

  it('loads nothing and reports nothing for an empty file', () => {
    expect(load('')).toEqual({ checks: [], errors: [] });
    expect(load('# only a comment\n')).toEqual({ checks: [], errors: [] });
  });
});

describe('loadCustomChecks errors', () => {
  const valid = `  match: { kinds: [Deployment] }
  validations: [{ expression: "true" }]
`;

  it.each([
    [
      'invalid YAML',
      `${HEADER}\nmetadata: { name: x\nspec: [`,
      /^line \d+: document 1: invalid YAML: /,
    ],
    [
      'a document that is not a map',
      '- a\n- b\n',
      /^line 1: document 1: must be a CustomCheck map$/,
    ],
    [
      'duplicate keys',
      doc('dup', valid).replace(
        '  title: Test check',
        '  title: A\n  title: B',
      ),
      /invalid YAML: Map keys must be unique/,
    ],
    [
      'an unknown top-level field',
      `${doc('x', valid)}status: {}\n`,
      /^line \d+: check "x": status: unknown field; allowed fields are apiVersion, kind, metadata, spec$/,
    ],
    [
      'an unknown spec field',
      doc('x', `  enforce: true\n${valid}`),
      /^line 13: check "x": spec\.enforce: unknown field; allowed fields are title, description/,
    ],
    [
      'an unknown validation field',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "true", reason: Forbidden }]\n`,
      ),
      /spec\.validations\[0\]\.reason: unknown field; allowed fields are expression, message, messageExpression, fieldPath$/,
    ],
    [
      'a wrong apiVersion',
      doc('x', valid).replace('v1alpha1', 'v1'),
      /^line 1: check "x": apiVersion: must be security-posture\.backstage\.io\/v1alpha1, got string "security-posture\.backstage\.io\/v1"$/,
    ],
    [
      'a wrong kind',
      doc('x', valid).replace('kind: CustomCheck', 'kind: ClusterPolicy'),
      /kind: must be CustomCheck, got string "ClusterPolicy"$/,
    ],
    [
      'a missing name',
      doc('x', valid).replace('  name: x\n', '  labels: {}\n'),
      /document 1: metadata\.name: is required$/,
    ],
    [
      'an invalid name',
      doc('Bad_Name', valid),
      /document 1: metadata\.name: "Bad_Name" is not a valid check id/,
    ],
    [
      'a missing title',
      doc('x', valid).replace('  title: Test check\n', ''),
      /check "x": spec\.title: is required$/,
    ],
    [
      'an invalid severity',
      doc('x', valid).replace('severity: high', 'severity: urgent'),
      /spec\.severity: must be one of critical, high, medium, low, got string "urgent"$/,
    ],
    [
      'a category that does not match the control',
      doc('x', `  category: network\n${valid}`),
      /spec\.category: control "resource_limits_enforced" belongs to category compute, not network$/,
    ],
    [
      'an unknown control without a category',
      doc('x', valid).replace('resource_limits_enforced', 'my_control'),
      /spec\.category: is required for control "my_control", which is not a scorecard control/,
    ],
    [
      'an unknown category',
      doc('x', `  category: cloud\n${valid}`),
      /spec\.category: must be one of identity_and_access, network, data, compute, got string "cloud"$/,
    ],
    [
      'a negative weight',
      doc('x', `  weight: -1\n${valid}`),
      /spec\.weight: must be a number >= 0, got number -1$/,
    ],
    [
      'a remediation URL that is not http(s)',
      doc('x', valid).replace(
        'https://example.com/runbook',
        'ftp://example.com/runbook',
      ),
      /spec\.remediation\.url: must be an http\(s\) URL/,
    ],
    [
      'a missing remediation',
      doc(
        'x',
        `  title: T\n  description: D\n  severity: low\n  control: images_scanned\n${valid}`,
        false,
      ),
      /spec\.remediation: is required \(text and url\)$/,
    ],
    [
      'an unknown framework',
      doc('x', `  frameworks: { hipaa: ['1'] }\n${valid}`),
      /spec\.frameworks\.hipaa: unknown field; allowed fields are cis-kubernetes, cis-aws/,
    ],
    [
      'a missing match',
      doc('x', `  validations: [{ expression: "true" }]\n`),
      /spec\.match: is required \(kinds and\/or types\)$/,
    ],
    [
      'a match without kinds or types',
      doc(
        'x',
        `  match: { namespaces: [a] }\n  validations: [{ expression: "true" }]\n`,
      ),
      /spec\.match: needs kinds or types$/,
    ],
    [
      'a kind whose canonical type is unknown',
      doc(
        'x',
        `  match: { kinds: [aws_s3_bucket] }\n  validations: [{ expression: "true" }]\n`,
      ),
      /spec\.match\.kinds: cannot tell the canonical type of kind "aws_s3_bucket"; add match\.types$/,
    ],
    [
      'no validations',
      doc('x', `  match: { kinds: [Deployment] }\n  validations: []\n`),
      /spec\.validations: must not be empty$/,
    ],
    [
      'a CEL syntax error',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "object.spec.replicas >" }]\n`,
      ),
      /spec\.validations\[0\]\.expression: invalid CEL: .*\(at column \d+\)$/,
    ],
    [
      'a CEL type error',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "1 + 'a' == 2" }]\n`,
      ),
      /spec\.validations\[0\]\.expression: invalid CEL: no such overload: int \+ string/,
    ],
    [
      'an undeclared identifier',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "request.object.spec != null" }]\n`,
      ),
      /invalid CEL: Unknown variable: request/,
    ],
    [
      'an unknown variable',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  variables: [{ name: a, expression: "1" }]\n  validations: [{ expression: "variables.b == 1" }]\n`,
      ),
      /spec\.validations\[0\]\.expression: unknown variable "b"; defined before this point: a$/,
    ],
    [
      'a variable used before it is defined',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  variables:\n    - { name: a, expression: "variables.b" }\n    - { name: b, expression: "1" }\n  validations: [{ expression: "true" }]\n`,
      ),
      /spec\.variables\[0\]\.expression: unknown variable "b"$/,
    ],
    [
      'a variable defined twice',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  variables: [{ name: a, expression: "1" }, { name: a, expression: "2" }]\n  validations: [{ expression: "true" }]\n`,
      ),
      /spec\.variables\[1\]\.name: variable "a" is defined twice$/,
    ],
    [
      'a variable name that is not an identifier',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  variables: [{ name: my-var, expression: "1" }]\n  validations: [{ expression: "true" }]\n`,
      ),
      /spec\.variables\[0\]\.name: "my-var" is not a CEL identifier$/,
    ],
    [
      'variables in a matchCondition',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  variables: [{ name: a, expression: "true" }]\n  matchConditions: [{ name: c, expression: "variables.a" }]\n  validations: [{ expression: "true" }]\n`,
      ),
      /spec\.matchConditions\[0\]\.expression: variables are not available here \(variables\.a\)$/,
    ],
    [
      'an invalid fieldPath',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: "true", fieldPath: "spec..x[" }]\n`,
      ),
      /spec\.validations\[0\]\.fieldPath: "spec\.\.x\[" is not a field path/,
    ],
    [
      'an expression that is not a string',
      doc(
        'x',
        `  match: { kinds: [Deployment] }\n  validations: [{ expression: 42 }]\n`,
      ),
      /spec\.validations\[0\]\.expression: must be a non-empty string, got number 42$/,
    ],
  ])('reports %s', (_, text, expected) => {
    const messages = errorsOf(text);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringMatching(expected)]),
    );
  });

  it('reports every problem of a document, each with its line', () => {
    const messages = errorsOf(
      `${HEADER}\nmetadata:\n  name: x\nspec:\n  title: T\n  severity: severe\n  match: {}\n`,
    );
    expect(messages).toEqual([
      'line 6: check "x": spec.description: is required',
      'line 7: check "x": spec.severity: must be one of critical, high, medium, low, got string "severe"',
      'line 6: check "x": spec.control: is required',
      'line 6: check "x": spec.remediation: is required (text and url)',
      'line 8: check "x": spec.match: needs kinds or types',
      'line 6: check "x": spec.validations: is required',
    ]);
  });

  it('reports duplicate ids in one file', () => {
    const one = doc(
      'same',
      `  match: { kinds: [Deployment] }\n  validations: [{ expression: "true" }]\n`,
    );
    const result = load(`${one}---\n${one}`);
    expect(result.checks).toHaveLength(1);
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(
        /check "same": metadata\.name: duplicate check id "same" in this file$/,
      ),
    ]);
  });

  it('never throws on hostile input: alias bombs, huge files, binary garbage', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = i === 0 ? 'a' : `l${i - 1}`;
        return `l${i}: &l${i} [${Array(10).fill(`*${prev}`).join(',')}]`;
      }),
    ].join('\n');
    const bombResult = load(bomb);
    expect(bombResult.checks).toEqual([]);
    expect(bombResult.errors[0].message).toMatch(/invalid YAML|alias/i);

    const huge = load(`# ${'x'.repeat(1024 * 1024 + 10)}`);
    expect(huge.errors[0].message).toMatch(/larger than 1048576 bytes/);

    const garbage = load('\u0000\u0001\u0002{[}]: : :\n\t- ---');
    expect(garbage.checks).toEqual([]);
    expect(garbage.errors.length).toBeGreaterThan(0);

    expect(load(undefined as any).errors[0].message).toBe(
      'file content is not text',
    );
  });
});
