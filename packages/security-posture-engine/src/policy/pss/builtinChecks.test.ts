import type { EvaluationContext } from '../../model/check';
import type { Resource } from '../../model/resource';
import { validateCatalog } from '../../checks/validate';
import { createResourceIndex } from '../../scorecard/resourceIndex';
import { createPssChecks, PSS_CHECKS } from './index';

const [namespaceCheck, workloadCheck] = PSS_CHECKS;

function namespace(
  name: string,
  labels?: Record<string, string>,
  location = 'cluster-a',
): Resource {
  return {
    uid: `k8s:${location}/v1/Namespace//${name}`,
    type: 'k8s.namespace',
    kind: 'Namespace',
    name,
    labels,
    source: { format: 'kubernetes-live', location },
    attributes: {},
    raw: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
  };
}

const badPodSpec = {
  hostNetwork: true,
  containers: [
    { name: 'app', image: 'app:1', securityContext: { privileged: true } },
  ],
};
const baselinePodSpec = {
  containers: [{ name: 'app', image: 'app:1' }],
};
const restrictedPodSpec = {
  securityContext: {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  containers: [
    {
      name: 'app',
      image: 'app:1',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
    },
  ],
};

function workload(
  kind: string,
  podSpec: Record<string, any>,
  ns: string | undefined = 'shop',
  location = 'cluster-a',
): Resource {
  let spec: Record<string, any>;
  if (kind === 'Pod') spec = podSpec;
  else if (kind === 'CronJob') {
    spec = {
      schedule: '* * * * *',
      jobTemplate: { spec: { template: { spec: podSpec } } },
    };
  } else spec = { template: { metadata: { labels: {} }, spec: podSpec } };
  return {
    uid: `k8s:${location}/apps/v1/${kind}/${ns}/w`,
    type: 'k8s.workload',
    kind,
    name: 'w',
    namespace: ns,
    source: { format: 'kubernetes-yaml', file: 'w.yaml', location },
    attributes: {},
    raw: {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: 'w', namespace: ns },
      spec,
    },
  };
}

function ctx(resources: Resource[]): EvaluationContext {
  return { resources: createResourceIndex(resources), now: new Date() };
}

function run(w: Resource, resources: Resource[] = []) {
  return workloadCheck.evaluate(w, ctx([w, ...resources]));
}

describe('PSS built-in checks', () => {
  it('carry complete metadata for the pod_security_standards control', () => {
    expect(validateCatalog(PSS_CHECKS)).toEqual([]);
    for (const check of PSS_CHECKS) {
      expect(check.control).toBe('pod_security_standards');
      expect(check.category).toBe('compute');
      expect(check.frameworks['cis-kubernetes']?.length).toBeGreaterThan(0);
      expect(check.frameworks['nist-800-53']?.length).toBeGreaterThan(0);
      expect(check.remediation.url).toMatch(
        /^https:\/\/kubernetes\.io\/docs\//,
      );
    }
    expect(namespaceCheck.appliesTo).toEqual(['k8s.namespace']);
    expect(workloadCheck.appliesTo).toEqual(['k8s.workload']);
  });

  describe('k8s-namespace-pss-enforced', () => {
    const evaluate = (ns: Resource) => namespaceCheck.evaluate(ns, ctx([ns]));

    it('passes for baseline and restricted', () => {
      for (const level of ['baseline', 'restricted']) {
        expect(
          evaluate(
            namespace('shop', { 'pod-security.kubernetes.io/enforce': level }),
          ),
        ).toEqual({ status: 'pass' });
      }
    });

    it('fails without the label, with the label path as evidence', () => {
      expect(evaluate(namespace('shop'))).toEqual({
        status: 'fail',
        message:
          'Namespace "shop" does not enforce a Pod Security Standard (no pod-security.kubernetes.io/enforce label)',
        evidence: [
          {
            path: 'metadata.labels["pod-security.kubernetes.io/enforce"]',
            value: undefined,
          },
        ],
      });
      // warn/audit labels alone do not enforce anything
      expect(
        evaluate(
          namespace('shop', {
            'pod-security.kubernetes.io/warn': 'restricted',
          }),
        ).status,
      ).toBe('fail');
    });

    it('fails for privileged and for an invalid level', () => {
      const privileged = evaluate(
        namespace('shop', {
          'pod-security.kubernetes.io/enforce': 'privileged',
        }),
      );
      expect(privileged).toMatchObject({
        status: 'fail',
        evidence: [{ value: 'privileged' }],
      });
      const invalid = evaluate(
        namespace('shop', { 'pod-security.kubernetes.io/enforce': 'strict' }),
      );
      expect(invalid.status).toBe('fail');
      expect((invalid as any).message).toMatch(/invalid .* "strict"/);
    });

    it('reads labels from the raw object when the normaliser did not copy them', () => {
      const ns = namespace('shop', {
        'pod-security.kubernetes.io/enforce': 'baseline',
      });
      delete ns.labels;
      expect(evaluate(ns).status).toBe('pass');
    });
  });

  describe('k8s-workload-pss-compliant', () => {
    it('holds a workload to baseline when its namespace is unknown or unlabelled', () => {
      expect(run(workload('Deployment', baselinePodSpec))).toEqual({
        status: 'pass',
      });
      const result = run(workload('Deployment', badPodSpec));
      expect(result.status).toBe('fail');
      expect((result as any).message).toMatch(
        /^Deployment "w" violates PodSecurity "baseline:latest" enforced by default \(namespace "shop" not found\): /,
      );
      expect(
        run(workload('Deployment', badPodSpec), [namespace('shop')]),
      ).toMatchObject({
        status: 'fail',
        message: expect.stringContaining(
          'has no pod-security.kubernetes.io/enforce label',
        ),
      });
    });

    it('uses the level and version the namespace enforces', () => {
      const restricted = namespace('shop', {
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      expect(
        run(workload('Deployment', baselinePodSpec), [restricted]).status,
      ).toBe('fail');
      expect(
        run(workload('Deployment', restrictedPodSpec), [restricted]).status,
      ).toBe('pass');
      // pinned to v1.21: capabilities drop ALL and runAsUser are not required yet
      const pinned = namespace('shop', {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.21',
      });
      const noDrop = JSON.parse(JSON.stringify(restrictedPodSpec));
      delete noDrop.containers[0].securityContext.capabilities;
      expect(run(workload('Deployment', noDrop), [pinned]).status).toBe('pass');
      expect(run(workload('Deployment', noDrop), [restricted]).status).toBe(
        'fail',
      );
    });

    it('an invalid enforce label holds workloads to restricted, as the admission controller does', () => {
      const invalid = namespace('shop', {
        'pod-security.kubernetes.io/enforce': 'strict',
      });
      expect(
        run(workload('Deployment', baselinePodSpec), [invalid]).status,
      ).toBe('fail');
    });

    it('skips workloads in privileged namespaces', () => {
      const privileged = namespace('shop', {
        'pod-security.kubernetes.io/enforce': 'privileged',
      });
      expect(run(workload('Deployment', badPodSpec), [privileged])).toEqual({
        status: 'skip',
        reason: 'namespace "shop" enforces the privileged level',
      });
    });

    it('prefixes evidence paths with the pod template path of each kind', () => {
      const expectations: Record<string, string> = {
        Pod: 'spec.hostNetwork',
        Deployment: 'spec.template.spec.hostNetwork',
        StatefulSet: 'spec.template.spec.hostNetwork',
        DaemonSet: 'spec.template.spec.hostNetwork',
        ReplicaSet: 'spec.template.spec.hostNetwork',
        Job: 'spec.template.spec.hostNetwork',
        CronJob: 'spec.jobTemplate.spec.template.spec.hostNetwork',
      };
      for (const [kind, path] of Object.entries(expectations)) {
        const result = run(workload(kind, badPodSpec));
        expect({ kind, evidence: (result as any).evidence }).toEqual({
          kind,
          evidence: [
            { path, value: true },
            {
              path: path.replace(
                'hostNetwork',
                'containers[0].securityContext.privileged',
              ),
              value: true,
            },
          ],
        });
      }
    });

    it("prefers the namespace of the workload's own cluster", () => {
      const here = namespace(
        'shop',
        { 'pod-security.kubernetes.io/enforce': 'restricted' },
        'cluster-a',
      );
      const there = namespace(
        'shop',
        { 'pod-security.kubernetes.io/enforce': 'privileged' },
        'cluster-b',
      );
      expect(
        run(workload('Deployment', baselinePodSpec, 'shop', 'cluster-a'), [
          there,
          here,
        ]).status,
      ).toBe('fail');
      expect(
        run(workload('Deployment', baselinePodSpec, 'shop', 'cluster-b'), [
          there,
          here,
        ]).status,
      ).toBe('skip');
    });

    it('skips resources without a pod spec', () => {
      const w = workload('Deployment', baselinePodSpec);
      w.raw = { kind: 'Deployment', metadata: { name: 'w' } };
      expect(run(w).status).toBe('skip');
      w.raw = undefined;
      expect(run(w).status).toBe('skip');
    });

    it('can hold unlabelled namespaces to restricted by option', () => {
      const [, strict] = createPssChecks({ defaultLevel: 'restricted' });
      const w = workload('Deployment', baselinePodSpec);
      expect(strict.evaluate(w, ctx([w])).status).toBe('fail');
      expect(() => createPssChecks({ defaultVersion: 'v2' })).toThrow(
        /Invalid/,
      );
    });
  });
});
