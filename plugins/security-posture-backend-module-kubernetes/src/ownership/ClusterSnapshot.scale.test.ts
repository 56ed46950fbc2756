import type { Entity } from '@backstage/catalog-model';
import type { KubernetesApiClient } from '../client/KubernetesApiClient';
import { KUBERNETES_KINDS, type KubernetesKindSpec } from '../kinds';
import { buildClusterSnapshot } from './ClusterSnapshot';
import { ProviderEntityIndex } from '@internal/backstage-plugin-security-posture-node';
import { EntityIndex } from './EntityIndex';

/**
 * At the product's standard scale (5,000 entities, 100,000 objects in a cluster),
 * ownership is resolved in one pass; the figure is printed, not asserted.
 */
describe('buildClusterSnapshot at scale', () => {
  it('attributes 100,000 objects to 5,000 entities', async () => {
    const ENTITIES = 5_000;
    const entities: Entity[] = [];
    for (let i = 0; i < ENTITIES; i++) {
      entities.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: `svc-${i}`,
          annotations:
            i % 10 === 0
              ? {
                  'backstage.io/kubernetes-label-selector': `app=svc-${i},tier in (api,web)`,
                }
              : { 'backstage.io/kubernetes-id': `svc-${i}` },
        },
      });
    }
    const label = (i: number): Record<string, string> =>
      i % 10 === 0
        ? { app: `svc-${i}`, tier: 'api' }
        : { 'backstage.io/kubernetes-id': `svc-${i}` };
    const ns = (i: number) => `team-${i % 250}`;
    const container = [{ name: 'c', image: 'registry.example/app:1.0.0' }];

    const objects: Record<string, Array<Record<string, unknown>>> = {
      Deployment: [],
      Pod: [],
      Service: [],
      ConfigMap: [],
      ServiceAccount: [],
      Namespace: [],
      NetworkPolicy: [],
      RoleBinding: [],
    };
    for (let i = 0; i < ENTITIES; i++) {
      const meta = (name: string) => ({
        name,
        namespace: ns(i),
        labels: label(i),
      });
      objects.Deployment.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(`svc-${i}`),
        spec: {
          template: {
            metadata: { labels: label(i) },
            spec: { serviceAccountName: `svc-${i}`, containers: container },
          },
        },
      });
      for (let p = 0; p < 15; p++) {
        objects.Pod.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            ...meta(`svc-${i}-pod-${p}`),
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: `svc-${i}`,
                controller: true,
              },
            ],
          },
          spec: { serviceAccountName: `svc-${i}`, containers: container },
        });
      }
      objects.Service.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(`svc-${i}`),
        spec: { ports: [{ port: 80 }] },
      });
      objects.ConfigMap.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta(`svc-${i}`),
        data: { a: 'b' },
      });
      objects.ServiceAccount.push({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: `svc-${i}`, namespace: ns(i) },
      });
      objects.RoleBinding.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `svc-${i}`, namespace: ns(i) },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        },
        subjects: [
          { kind: 'ServiceAccount', name: `svc-${i}`, namespace: ns(i) },
        ],
      });
    }
    for (let t = 0; t < 250; t++) {
      objects.Namespace.push({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: `team-${t}` },
      });
      objects.NetworkPolicy.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: `team-${t}` },
        spec: { podSelector: {} },
      });
    }
    const total = Object.values(objects).reduce((n, l) => n + l.length, 0);
    expect(total).toBeGreaterThanOrEqual(100_000);

    const client = {
      cluster: { name: 'big' },
      connection: async () => ({}),
      listAll: async (spec: KubernetesKindSpec) => {
        const items = objects[spec.kind];
        return items
          ? { items, requests: Math.ceil(items.length / 500), restarts: 0 }
          : undefined;
      },
    } as unknown as KubernetesApiClient;

    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const index = new EntityIndex(
      ProviderEntityIndex.fromEntities(entities).all(),
    );
    const snapshot = await buildClusterSnapshot({
      client,
      config: { kinds: [...KUBERNETES_KINDS], excludeNamespaces: [] },
      entities: index,
      signal: new AbortController().signal,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    // eslint-disable-next-line no-console
    console.log(
      `buildClusterSnapshot: ${total} objects, ${ENTITIES} entities, ${
        snapshot.resources.length
      } resources after folding: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(
        0,
      )} ms CPU (${Math.round(total / (cpuMs / 1000))} objects per CPU-second)`,
    );

    // Pods are folded into their Deployments.
    expect(snapshot.resources.some(r => r.resource.kind === 'Pod')).toBe(false);
    const owned = new Map<string, string[]>();
    for (const r of snapshot.resources) {
      for (const o of r.owners) {
        const list = owned.get(o) ?? [];
        list.push(`${r.resource.kind}/${r.resource.name}`);
        owned.set(o, list);
      }
    }
    expect(owned.size).toBe(ENTITIES);
    // Each entity: its Deployment, Service, ConfigMap, ServiceAccount, RoleBinding,
    // plus its namespace and that namespace's NetworkPolicy.
    expect(owned.get('component:default/svc-42')!.sort()).toEqual([
      'ConfigMap/svc-42',
      'Deployment/svc-42',
      'Namespace/team-42',
      'NetworkPolicy/default-deny',
      'RoleBinding/svc-42',
      'Service/svc-42',
      'ServiceAccount/svc-42',
    ]);
    // A label-selector entity resolves the same way.
    expect(owned.get('component:default/svc-40')).toHaveLength(7);
    // A pod's owners are its deployment's (for imported results on pods).
    expect(
      snapshot.ownersOf({ kind: 'Pod', name: 'svc-7-pod-3', namespace: ns(7) }),
    ).toEqual(['component:default/svc-7']);
  });
});
