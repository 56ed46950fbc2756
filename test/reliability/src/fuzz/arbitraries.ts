import fc from 'fast-check';

/**
 * Adversarial inputs for parsers and normalisers: what a hostile or careless
 * author can put in a manifest, a policy, an annotation or a query string.
 */

/** Deep nesting in the shapes that stress YAML and JSON parsers differently. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      ['[', ']'],
      ['{a: ', '}'],
      ['[{', '}]'],
      ['{[', ']}'],
      ['? [', ']'],
      ['{"a":', '}'],
      ['[{"a":', '}]'],
      ['- ', ''],
    ),
    fc.integer({ min: 50, max: 3000 }),
    fc.boolean(),
  )
  .map(([[open, close], depth, closed]) => {
    if (open === '- ') {
      // Block sequences nest by indentation.
      return Array.from(
        { length: Math.min(depth, 400) },
        (_, i) => `${' '.repeat(i * 2)}- `,
      ).join('\n');
    }
    return open.repeat(depth) + (closed ? `1${close.repeat(depth)}` : '');
  });

/** Billion-laughs style alias bombs of a few levels and widths. */
export const aliasBomb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 3, max: 12 }))
  .map(([levels, width]) => {
    const lines = ['a0: &a0 ["lol"]'];
    for (let l = 1; l <= levels; l++) {
      lines.push(
        `a${l}: &a${l} [${Array.from(
          { length: width },
          () => `*a${l - 1}`,
        ).join(', ')}]`,
      );
    }
    lines.push(`kind: ConfigMap\napiVersion: v1\nmetadata: {name: bomb}`);
    lines.push(`data: {x: *a${levels}}`);
    return lines.join('\n');
  });

/** Self-referencing anchors (cycles) and merge keys. */
export const recursiveAlias: fc.Arbitrary<string> = fc.constantFrom(
  'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  labels: *m\n',
  'a: &a [*a]\n',
  'a: &a {b: *a}\n',
  'base: &b {x: 1}\nmerged:\n  <<: *b\n  <<: [*b, *b]\n',
  '&a [*a, *a, *a]',
  '*undefined_alias',
);

/** A string of a few MiB (documents near and over the size limits). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 1, max: 6 }),
    fc.constantFrom('a', '\u00e9', '\ud83d\ude00', ' ', '\n', '"', '\\'),
  )
  .map(([mib, ch]) => ch.repeat(Math.floor((mib * 1024 * 1024) / ch.length)));

/** YAML features that are legal but rarely expected. */
export const yamlOddities: fc.Arbitrary<string> = fc.constantFrom(
  '%YAML 1.1\n---\nkind: Deployment\n',
  '%TAG ! tag:example.com,2000:\n---\n!foo {a: 1}\n',
  '!!binary aGVsbG8=\n',
  'a: !!timestamp 2001-12-14t21:59:43.10-05:00\n',
  '? [a, b]\n: c\n',
  '? {a: 1}\n: {b: 2}\n',
  'a: !!set {x, y}\n',
  'a: !!omap [{x: 1}]\n',
  '--- |\n  literal\n--- >\n  folded\n',
  '---\n...\n---\n...\n',
  '\ufeffapiVersion: v1\nkind: Pod\n',
  'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\n',
  'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tab\n',
  'a: 1e400\nb: .nan\nc: -.inf\nd: 0x1F\ne: 0o17\nf: 1_000\n',
  'a: "\\ud800"\nb: "\\x00"\n',
  '\u0000\u0001\u0002',
  'a: [1, 2\n',
  '{"a": 1, "a": 2}',
  'a: 1\na: 2\n',
  '"unterminated',
  "'",
  '[',
  '{',
  '}',
  '- - - - - -',
  '---'.repeat(1000),
  '---\n'.repeat(5000),
);

/** Keys that pollute prototypes when code copies objects carelessly. */
export const protoKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
);

/** Unicode that trips naive handling: surrogates, RTL marks, combining marks, NUL. */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '\ud800',
    '\udfff\ud800',
    '\u202e',
    'e\u0301\u0301\u0301',
    '\u0000',
    '%00',
    '../../etc/passwd',
    '${jndi:ldap://x}',
    '{{ request.object }}',
    "'; drop table findings; --",
    '.*'.repeat(20),
    '(a+)+$',
    'a'.repeat(10_000),
  ),
);

/** JSON-like values with wrong types anywhere, prototype keys and odd strings. */
export const wrongTypes: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'wrong' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      Number.NaN,
      Infinity,
      -Infinity,
      -0,
      Number.MAX_SAFE_INTEGER + 2,
    ),
    nastyText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), protoKeys), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** Nested object of a given depth built without recursion (for normalisers). */
export function deepObject(depth: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Any text a manifest file might hold, hostile or not. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 500 }) },
  { weight: 3, arbitrary: deepNesting },
  { weight: 2, arbitrary: aliasBomb },
  { weight: 2, arbitrary: recursiveAlias },
  { weight: 3, arbitrary: yamlOddities },
  {
    weight: 3,
    arbitrary: wrongTypes.map(v => {
      try {
        return JSON.stringify(v) ?? 'null';
      } catch {
        return 'null';
      }
    }),
  },
);

const K8S_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'Ingress',
  'NetworkPolicy',
  'Namespace',
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'Secret',
  'ConfigMap',
  'List',
  'DeploymentList',
];

const container = fc.record(
  {
    name: fc.oneof(fc.string(), wrongTypes),
    image: fc.oneof(
      fc.constantFrom('nginx', 'nginx@sha256:abc', ''),
      wrongTypes,
    ),
    securityContext: wrongTypes,
    env: fc.oneof(
      fc.array(
        fc.record({
          name: fc.oneof(fc.string(), wrongTypes),
          value: wrongTypes,
        }),
      ),
      wrongTypes,
    ),
    resources: wrongTypes,
    ports: wrongTypes,
  },
  { requiredKeys: [] },
);

const podSpec = fc.oneof(
  wrongTypes,
  fc.record(
    {
      containers: fc.oneof(fc.array(container, { maxLength: 3 }), wrongTypes),
      initContainers: fc.oneof(
        fc.array(container, { maxLength: 2 }),
        wrongTypes,
      ),
      hostNetwork: wrongTypes,
      securityContext: wrongTypes,
      volumes: wrongTypes,
      serviceAccountName: wrongTypes,
    },
    { requiredKeys: [] },
  ),
);

/** Kubernetes-shaped objects with wrong types everywhere. */
export const kubernetesObject: fc.Arbitrary<unknown> = fc.oneof(
  wrongTypes,
  fc.record(
    {
      apiVersion: fc.oneof(
        fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1'),
        wrongTypes,
      ),
      kind: fc.oneof(fc.constantFrom(...K8S_KINDS), wrongTypes),
      metadata: fc.oneof(
        wrongTypes,
        fc.record(
          {
            name: fc.oneof(fc.string(), wrongTypes),
            namespace: fc.oneof(fc.string(), wrongTypes),
            labels: wrongTypes,
            annotations: wrongTypes,
            ownerReferences: wrongTypes,
          },
          { requiredKeys: [] },
        ),
      ),
      spec: fc.oneof(
        podSpec,
        fc.record(
          {
            template: fc.oneof(wrongTypes, fc.record({ spec: podSpec })),
            jobTemplate: wrongTypes,
            selector: wrongTypes,
            rules: wrongTypes,
            ingress: wrongTypes,
            egress: wrongTypes,
            podSelector: wrongTypes,
            policyTypes: wrongTypes,
          },
          { requiredKeys: [] },
        ),
      ),
      data: wrongTypes,
      stringData: wrongTypes,
      rules: wrongTypes,
      subjects: wrongTypes,
      roleRef: wrongTypes,
      items: fc.oneof(fc.array(wrongTypes, { maxLength: 3 }), wrongTypes),
    },
    { requiredKeys: [] },
  ),
);

const TERRAFORM_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_acl',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_iam_role',
  'aws_iam_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_user',
  'aws_iam_access_key',
  'aws_kms_key',
  'aws_lambda_function',
  'aws_lb_listener',
  'aws_cloudtrail',
  'aws_ebs_volume',
  'aws_ecs_task_definition',
  'null_resource',
];

const terraformResource = fc.record(
  {
    address: fc.oneof(fc.string(), wrongTypes),
    mode: fc.oneof(fc.constantFrom('managed', 'data'), wrongTypes),
    type: fc.oneof(fc.constantFrom(...TERRAFORM_TYPES), wrongTypes),
    name: fc.oneof(fc.string(), wrongTypes),
    index: fc.oneof(fc.nat(), fc.string(), wrongTypes),
    values: wrongTypes,
    sensitive_values: wrongTypes,
  },
  { requiredKeys: [] },
);

const terraformModule = fc.record(
  {
    resources: fc.oneof(
      fc.array(terraformResource, { maxLength: 5 }),
      wrongTypes,
    ),
    child_modules: fc.oneof(
      fc.array(
        fc.record({
          address: fc.oneof(fc.string(), wrongTypes),
          resources: fc.array(terraformResource, { maxLength: 3 }),
        }),
        { maxLength: 2 },
      ),
      wrongTypes,
    ),
  },
  { requiredKeys: [] },
);

/** Terraform plan and state JSON with wrong types everywhere. */
export const terraformDocument: fc.Arbitrary<unknown> = fc.oneof(
  wrongTypes,
  fc.record(
    {
      format_version: fc.oneof(fc.constantFrom('1.2', '0.1'), wrongTypes),
      terraform_version: wrongTypes,
      planned_values: fc.oneof(
        fc.record({ root_module: terraformModule }),
        wrongTypes,
      ),
      values: fc.oneof(fc.record({ root_module: terraformModule }), wrongTypes),
      prior_state: wrongTypes,
      resource_changes: wrongTypes,
      configuration: wrongTypes,
    },
    { requiredKeys: [] },
  ),
);

const AWS_TYPES = [
  'AWS::S3::Bucket',
  'AWS::EC2::SecurityGroup',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Policy',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::CloudTrail::Trail',
  'AWS::EC2::Volume',
  'AWS::ECS::TaskDefinition',
  'AWS::Unknown::Thing',
];

const awsItem = fc.record(
  {
    resourceType: fc.oneof(fc.constantFrom(...AWS_TYPES), wrongTypes),
    resourceId: fc.oneof(fc.string(), wrongTypes),
    resourceName: wrongTypes,
    arn: fc.oneof(fc.constant('arn:aws:s3:::b'), wrongTypes),
    awsAccountId: wrongTypes,
    awsRegion: wrongTypes,
    configurationItemStatus: fc.oneof(
      fc.constantFrom('OK', 'ResourceDeleted', 'ResourceDiscovered'),
      wrongTypes,
    ),
    configuration: fc.oneof(
      wrongTypes,
      wrongTypes.map(v => {
        try {
          return JSON.stringify(v);
        } catch {
          return '{';
        }
      }),
    ),
    supplementaryConfiguration: wrongTypes,
    tags: wrongTypes,
    relationships: wrongTypes,
  },
  { requiredKeys: [] },
);

/** AWS Config items (and their containers) with wrong types everywhere. */
export const awsConfigItems: fc.Arbitrary<unknown> = fc.oneof(
  wrongTypes,
  fc.array(fc.oneof(awsItem, wrongTypes), { maxLength: 6 }),
);

/** A Kyverno ClusterPolicy whose patterns, conditions and messages are fuzzed. */
export const kyvernoPolicyText: fc.Arbitrary<string> = fc
  .record({
    pattern: wrongTypes,
    deny: wrongTypes,
    key: fc.oneof(
      fc.constantFrom(
        '{{ request.object.spec.containers[].image }}',
        "{{ request.object.metadata.labels.app || '' }}",
        '{{ to_number(request.object.spec.replicas) }}',
        "{{ parse_yaml(request.object.metadata.annotations.cfg || '{}') }}",
        '{{ regex_match(`(a+)+$`, request.object.metadata.name) }}',
        '{{ request.object.spec.template.spec.containers[?securityContext.privileged] | length(@) }}',
      ),
      nastyText,
    ),
    operator: fc.oneof(
      fc.constantFrom(
        'Equals',
        'NotEquals',
        'AnyIn',
        'AllNotIn',
        'GreaterThan',
      ),
      nastyText,
    ),
    value: wrongTypes,
    message: nastyText,
  })
  .map(p =>
    JSON.stringify({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'fuzz' },
      spec: {
        validationFailureAction: 'Audit',
        rules: [
          {
            name: 'pattern',
            match: { any: [{ resources: { kinds: ['Pod', 'Deployment'] } }] },
            validate: { message: p.message, pattern: p.pattern },
          },
          {
            name: 'deny',
            match: { any: [{ resources: { kinds: ['*'] } }] },
            validate: {
              message: p.message,
              deny: {
                conditions: {
                  any: [{ key: p.key, operator: p.operator, value: p.value }],
                },
              },
            },
          },
        ],
      },
    }),
  );

/** CEL expressions, valid and not. */
export const celExpression: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'object.spec.template.spec.containers.all(c, has(c.resources.limits))',
    "object.metadata.name.matches('^(a+)+$')",
    'size(object.spec) > 0',
    "object.?spec.?replicas.orValue(0) < 3 && resource.name != ''",
    'variables.v == null',
    '1 / 0 == 1',
    "int('x') == 1",
    '[1,2,3].map(x, [x, x]).size() > 0',
    'object.spec.template.spec.containers.exists(c, c.image.endsWith(":latest"))',
    "'a' * 2",
    'object',
  ),
  nastyText,
);
