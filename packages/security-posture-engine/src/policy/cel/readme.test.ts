import fs from 'node:fs';
import type { Resource } from '../../model/resource';
import { createResourceIndex } from '../../scorecard/resourceIndex';
import { loadCustomChecks } from './index';

/** The example of the README's "Custom checks (CEL)" section, so the docs stay true. */
function readmeExample(): string {
  const readme = fs.readFileSync(
    require.resolve('@internal/security-posture-engine/README.md'),
    'utf8',
  );
  const section = readme.slice(readme.indexOf('## Custom checks (CEL)'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('no yaml example in the README section');
  return match[1];
}

function statefulSet(
  containers: Record<string, any>[],
  labels: Record<string, string> = {},
): Resource {
  return {
    uid: 'k8s:c/apps/v1/StatefulSet/shop/db',
    type: 'k8s.workload',
    kind: 'StatefulSet',
    name: 'db',
    namespace: 'shop',
    labels,
    source: { format: 'kubernetes-yaml', file: 'db.yaml' },
    attributes: {},
    raw: {
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', labels },
      spec: { template: { spec: { containers } } },
    },
  };
}

describe('README example', () => {
  it('loads and behaves as documented', () => {
    const { checks, errors } = loadCustomChecks(readmeExample(), 'README.md');
    expect(errors).toEqual([]);
    const [check] = checks;
    expect(check).toMatchObject({
      id: 'require-resource-limits',
      category: 'compute',
      weight: 5,
      appliesTo: ['k8s.workload'],
    });
    const ctx = { resources: createResourceIndex([]), now: new Date() };
    const limited = {
      name: 'db',
      resources: { limits: { cpu: '1', memory: '1Gi' } },
    };
    expect(check.evaluate(statefulSet([limited]), ctx)).toEqual({
      status: 'pass',
    });
    expect(
      check.evaluate(statefulSet([limited, { name: 'exporter' }]), ctx),
    ).toMatchObject({
      status: 'fail',
      message: 'containers without limits: exporter',
      evidence: [{ path: 'spec.template.spec.containers' }],
    });
    expect(
      check.evaluate(
        statefulSet([{ name: 'exporter' }], { tier: 'test' }),
        ctx,
      ),
    ).toEqual({
      status: 'skip',
      reason: 'match condition "not-a-test" is false',
    });
  });
});
