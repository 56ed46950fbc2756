import {
  BUILTIN_CHECKS,
  createPostureEngine,
  scanText,
} from '@internal/security-posture-engine';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** What a generated estate holds, by construction. */
export interface Estate {
  dir: string;
  catalogFile: string;
  components: number;
  /** Teams owning them (`team-0` …), component i owned by team i mod teams. */
  teams: number;
  /** Resources each component owns. */
  resourcesPerComponent: number;
  /** Open findings each component has (computed with the engine). */
  openFindingsPerComponent: number;
}

function manifests(name: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-api
  namespace: ${name}
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: ${name}-api }
    spec:
      containers:
        - name: api
          image: registry.example.com/${name}/api:1.4.2
          securityContext: { privileged: true }
          env:
            - { name: LOG_LEVEL, value: info }
        - name: sidecar
          image: registry.example.com/sidecar@sha256:${'a'.repeat(64)}
          resources:
            limits: { cpu: 100m, memory: 64Mi }
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}-api
  namespace: ${name}
spec:
  type: LoadBalancer
  ports: [{ port: 443 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${name}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${name}
`;
}

/**
 * Writes a catalog of `components` services owned by a handful of teams, each
 * with its own manifests (the same shape, its own names), and works out with
 * the engine how many resources and open findings each must end up with.
 */
export async function generateEstate(
  dir: string,
  components: number,
): Promise<Estate> {
  await fs.mkdir(join(dir, 'manifests'), { recursive: true });
  const teams = Math.max(1, Math.ceil(components / 25));
  const docs: string[] = [
    `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: org }
spec: { type: organization, children: [${Array.from(
      { length: teams },
      (_, t) => `team-${t}`,
    ).join(', ')}] }`,
  ];
  for (let t = 0; t < teams; t++) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-${t} }
spec: { type: team, parent: org, children: [] }`);
  }
  for (let i = 0; i < components; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    await fs.mkdir(join(dir, 'manifests', name), { recursive: true });
    await fs.writeFile(
      join(dir, 'manifests', name, 'deploy.yaml'),
      manifests(name),
    );
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    security-posture.backstage.io/manifests: ./manifests/${name}/
spec: { type: service, lifecycle: production, owner: team-${i % teams} }`);
  }
  const catalogFile = join(dir, 'catalog-info.yaml');
  await fs.writeFile(catalogFile, `${docs.join('\n---\n')}\n`);

  const sample = scanText(manifests('svc-0000'), 'deploy.yaml');
  const assessment = createPostureEngine({ checks: BUILTIN_CHECKS }).assess(
    sample.resources,
    { entity: 'component:default/svc-0000' },
  );
  return {
    dir,
    catalogFile,
    components,
    teams,
    resourcesPerComponent: sample.resources.length,
    openFindingsPerComponent: assessment.findings.filter(
      f => f.status === 'fail',
    ).length,
  };
}
