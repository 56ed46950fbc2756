import type { CheckDefinition } from '../../model/check';
import { PASS, fail } from '../../model/check';
import type { CanonicalType, Resource } from '../../model/resource';
import { DEFAULT_CONTROLS } from '../defaultScorecard';

/** Attributes of the synthetic test resources: control id → compliant or not. */
export type TestAttributes = Record<string, boolean | 'throw'>;

/**
 * A tiny check for tests: fails when `attributes[control] === false`, throws when
 * it is `'throw'`, skips when the attribute is absent.
 */
export function testCheck(
  control: string,
  appliesTo: CanonicalType[] = ['k8s.workload'],
  id = `test.${control}`,
): CheckDefinition<TestAttributes> {
  const def = DEFAULT_CONTROLS.find(c => c.id === control);
  if (!def) throw new Error(`no control ${control}`);
  return {
    id,
    title: `Test check for ${control}`,
    description: `Fails when ${control} is false`,
    severity: 'high',
    category: def.category,
    control,
    weight: 1,
    appliesTo,
    frameworks: {},
    remediation: {
      text: `Make ${control} true`,
      url: `https://example.com/runbooks/${control}`,
    },
    origin: 'builtin',
    evaluate(resource: Resource<TestAttributes>) {
      const value = resource.attributes[control];
      if (value === undefined) return { status: 'skip' };
      if (value === 'throw') throw new Error(`boom in ${control}`);
      return value
        ? PASS
        : fail(`${control} is off`, {
            path: `spec.${control}`,
            value,
          });
    },
  };
}

/** One test check per default control, applying to `k8s.workload`. */
export const TEST_CHECKS = DEFAULT_CONTROLS.map(c => testCheck(c.id));

/** A synthetic workload resource. */
export function testResource(
  name: string,
  attributes: TestAttributes,
  extra: Partial<Resource> = {},
): Resource<TestAttributes> {
  return {
    uid: `k8s:test/apps/v1/Deployment/default/${name}`,
    type: 'k8s.workload',
    kind: 'Deployment',
    name,
    namespace: 'default',
    source: { format: 'kubernetes-yaml', file: `${name}.yaml` },
    attributes,
    ...extra,
  } as Resource<TestAttributes>;
}

/** Attributes where every default control passes. */
export function allPassing(): TestAttributes {
  return Object.fromEntries(DEFAULT_CONTROLS.map(c => [c.id, true]));
}
