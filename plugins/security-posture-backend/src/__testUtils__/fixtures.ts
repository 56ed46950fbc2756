import type { Entity } from '@backstage/catalog-model';
import type {
  EntityResourcesResult,
  QuarantinePolicy,
  SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import {
  fail,
  PASS,
  type CheckDefinition,
  type Resource,
} from '@internal/security-posture-engine';

/**
 * Canonical types only the test checks apply to, so the built-in catalogue (also
 * loaded by the plugin) leaves the hand-computed scores alone.
 */
export const TEST_WORKLOAD = 'test.workload';
export const TEST_BUCKET = 'test.bucket';

const remediation = (text: string) => ({
  text,
  url: 'https://example.com/runbooks/security-posture',
});

/**
 * Three checks with hand-known weights (through their default controls):
 * no_privileged_containers (compute, 9), encryption_at_rest (data, 9),
 * no_public_databases (network, 10).
 */
export const TEST_CHECKS: CheckDefinition[] = [
  {
    id: 'test-no-privileged',
    title: 'Containers are not privileged',
    description: 'Workloads must not run privileged containers.',
    severity: 'critical',
    category: 'compute',
    control: 'no_privileged_containers',
    weight: 1,
    appliesTo: [TEST_WORKLOAD],
    frameworks: { 'cis-kubernetes': ['5.2.1'] },
    remediation: remediation('Set privileged: false.'),
    origin: 'builtin',
    evaluate: r =>
      (r.attributes as { privileged?: boolean }).privileged
        ? fail('privileged container', {
            path: 'spec.template.spec.containers[0].securityContext.privileged',
            value: true,
          })
        : PASS,
  },
  {
    id: 'test-encrypted',
    title: 'Buckets are encrypted',
    description: 'Buckets must be encrypted at rest.',
    severity: 'high',
    category: 'data',
    control: 'encryption_at_rest',
    weight: 1,
    appliesTo: [TEST_BUCKET],
    frameworks: { 'nist-800-53': ['SC-28'] },
    remediation: remediation('Enable default encryption.'),
    origin: 'builtin',
    evaluate: r =>
      (r.attributes as { encrypted?: boolean }).encrypted
        ? PASS
        : fail('bucket is not encrypted', {
            path: 'server_side_encryption_configuration',
            value: null,
          }),
  },
  {
    id: 'test-not-public',
    title: 'Buckets are not public',
    description: 'Buckets must not be publicly readable.',
    severity: 'critical',
    category: 'network',
    control: 'no_public_databases',
    weight: 1,
    appliesTo: [TEST_BUCKET],
    frameworks: { 'cis-aws': ['2.1.5'] },
    remediation: remediation('Block public access.'),
    origin: 'builtin',
    evaluate: r =>
      (r.attributes as { public?: boolean }).public
        ? fail('bucket is public', { path: 'acl', value: 'public-read' })
        : PASS,
  },
];

/** A workload resource for the test checks. */
export function workload(name: string, privileged: boolean): Resource {
  return {
    uid: `k8s:test/apps/v1/Deployment/default/${name}`,
    type: TEST_WORKLOAD,
    kind: 'Deployment',
    name,
    namespace: 'default',
    source: { format: 'kubernetes-yaml', file: `${name}.yaml` },
    attributes: { privileged },
    raw: { kind: 'Deployment', metadata: { name }, privileged },
  };
}

/** A bucket resource for the test checks. */
export function bucket(
  name: string,
  flags: { encrypted: boolean; public: boolean },
): Resource {
  return {
    uid: `tf:aws_s3_bucket.${name}`,
    type: TEST_BUCKET,
    kind: 'aws_s3_bucket',
    name,
    address: `aws_s3_bucket.${name}`,
    source: { format: 'terraform-plan', file: 'plan.json' },
    attributes: flags,
    raw: { name, ...flags },
  };
}

/** What the fake provider answers for an entity. */
export type FakeAnswer = Resource[] | Error | EntityResourcesResult;

/** A provider whose answers the test sets per entity ref. */
export class FakeProvider implements SecurityPostureResourceProvider {
  readonly resourceTypes: string[] = [TEST_WORKLOAD, TEST_BUCKET];
  answers = new Map<string, FakeAnswer>();
  calls: string[] = [];
  /** How the backend quarantines its shrinking results (tests switch it). */
  quarantine?: QuarantinePolicy;

  constructor(readonly id = 'fake') {}

  appliesTo(target: Entity) {
    return Boolean(target.metadata.annotations?.['test/resources']);
  }

  async getEntityResources(
    target: Entity,
  ): Promise<EntityResourcesResult | undefined> {
    const ref = `${target.kind}:${target.metadata.namespace ?? 'default'}/${
      target.metadata.name
    }`.toLowerCase();
    this.calls.push(ref);
    const answer = this.answers.get(ref);
    if (answer === undefined) return { resources: [] };
    if (answer instanceof Error) throw answer;
    if (Array.isArray(answer)) return { resources: answer };
    return answer;
  }
}

function entity(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  relations: Array<{ type: string; targetRef: string }>,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      uid: `uid-${kind.toLowerCase()}-${name}`,
      namespace: 'default',
      title: name.toUpperCase(),
      annotations: { ...annotations },
    },
    spec: spec as Entity['spec'],
    relations,
  };
}

const scanned = { 'test/resources': 'yes' };

/**
 * A catalog with a three-level group hierarchy:
 *
 *   group:org ── group:dept ─┬─ group:leaf1  (owns component:a)
 *                            └─ group:leaf2  (owns component:b)
 *   group:dept owns resource:c and system:shop (a, b); system:data (c);
 *   both systems are in domain:commerce.
 */
export function testCatalog(): Entity[] {
  return [
    entity('Group', 'org', { type: 'organization', children: ['dept'] }, [
      { type: 'parentOf', targetRef: 'group:default/dept' },
    ]),
    entity(
      'Group',
      'dept',
      { type: 'department', parent: 'org', children: ['leaf1', 'leaf2'] },
      [
        { type: 'childOf', targetRef: 'group:default/org' },
        { type: 'parentOf', targetRef: 'group:default/leaf1' },
        { type: 'parentOf', targetRef: 'group:default/leaf2' },
      ],
    ),
    entity('Group', 'leaf1', { type: 'team', parent: 'dept', children: [] }, [
      { type: 'childOf', targetRef: 'group:default/dept' },
    ]),
    entity('Group', 'leaf2', { type: 'team', parent: 'dept', children: [] }, [
      { type: 'childOf', targetRef: 'group:default/dept' },
    ]),
    entity('Domain', 'commerce', { owner: 'dept' }, [
      { type: 'ownedBy', targetRef: 'group:default/dept' },
    ]),
    entity('System', 'shop', { owner: 'dept', domain: 'commerce' }, [
      { type: 'ownedBy', targetRef: 'group:default/dept' },
      { type: 'partOf', targetRef: 'domain:default/commerce' },
    ]),
    entity('System', 'data', { owner: 'dept', domain: 'commerce' }, [
      { type: 'ownedBy', targetRef: 'group:default/dept' },
      { type: 'partOf', targetRef: 'domain:default/commerce' },
    ]),
    entity(
      'Component',
      'a',
      {
        type: 'service',
        lifecycle: 'production',
        owner: 'leaf1',
        system: 'shop',
      },
      [
        { type: 'ownedBy', targetRef: 'group:default/leaf1' },
        { type: 'partOf', targetRef: 'system:default/shop' },
      ],
      scanned,
    ),
    entity(
      'Component',
      'b',
      {
        type: 'service',
        lifecycle: 'production',
        owner: 'leaf2',
        system: 'shop',
      },
      [
        { type: 'ownedBy', targetRef: 'group:default/leaf2' },
        { type: 'partOf', targetRef: 'system:default/shop' },
      ],
      scanned,
    ),
    entity(
      'Resource',
      'c',
      { type: 's3-bucket', owner: 'dept', system: 'data' },
      [
        { type: 'ownedBy', targetRef: 'group:default/dept' },
        { type: 'partOf', targetRef: 'system:default/data' },
      ],
      scanned,
    ),
    entity(
      'Component',
      'unannotated',
      { type: 'website', lifecycle: 'experimental', owner: 'leaf1' },
      [{ type: 'ownedBy', targetRef: 'group:default/leaf1' }],
    ),
  ];
}

/**
 * The resources behind the hand-computed scores:
 * - a: workload not privileged, bucket encrypted and private → 28/28 = 100%;
 * - b: workload privileged, bucket unencrypted and private → 10/28 = 35.7%;
 * - c: bucket public and encrypted → 9/19 = 47.4% (compute not applicable).
 */
export function initialAnswers(provider: FakeProvider) {
  provider.answers.set('component:default/a', [
    workload('a', false),
    bucket('a-data', { encrypted: true, public: false }),
  ]);
  provider.answers.set('component:default/b', [
    workload('b', true),
    bucket('b-data', { encrypted: false, public: false }),
  ]);
  provider.answers.set('resource:default/c', [
    bucket('c-lake', { encrypted: true, public: true }),
  ]);
}
