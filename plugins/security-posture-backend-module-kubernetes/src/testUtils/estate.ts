import type { Entity } from '@backstage/catalog-model';

type Json = Record<string, any>;

let uidCounter = 0;
function uid(): string {
  uidCounter++;
  return `00000000-0000-4000-8000-${String(uidCounter).padStart(12, '0')}`;
}

function meta(name: string, ns: string | undefined, extra: Json = {}): Json {
  return {
    name,
    ...(ns ? { namespace: ns } : {}),
    uid: uid(),
    resourceVersion: '4711',
    creationTimestamp: '2025-01-15T10:00:00Z',
    ...extra,
  };
}

function podSpec(serviceAccountName?: string, privileged = false): Json {
  return {
    ...(serviceAccountName ? { serviceAccountName } : {}),
    containers: [
      {
        name: 'app',
        image: 'registry.acme.test/app:1.4.2',
        resources: {
          limits: { cpu: '500m', memory: '256Mi' },
          requests: { cpu: '100m', memory: '128Mi' },
        },
        securityContext: privileged
          ? { privileged: true }
          : { runAsNonRoot: true, allowPrivilegeEscalation: false },
      },
    ],
  };
}

/** A Deployment with its ReplicaSet and one Pod, as a cluster holds them. */
export function deploymentWithChildren(opts: {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  templateLabels?: Record<string, string>;
  serviceAccountName?: string;
  privileged?: boolean;
}): Json[] {
  const labels = opts.labels ?? {};
  const templateLabels = opts.templateLabels ?? labels;
  const spec = podSpec(opts.serviceAccountName, opts.privileged);
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(opts.name, opts.namespace, {
      labels,
      generation: 3,
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
    }),
    spec: {
      replicas: 2,
      selector: { matchLabels: templateLabels },
      template: { metadata: { labels: templateLabels }, spec },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
  const hash = '7d9f8c6b5';
  const rsName = `${opts.name}-${hash}`;
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(rsName, opts.namespace, {
      labels: { ...templateLabels, 'pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: opts.name,
          uid: deployment.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }),
    spec: {
      replicas: 2,
      selector: { matchLabels: templateLabels },
      template: { metadata: { labels: templateLabels }, spec },
    },
  };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(`${rsName}-x2kqp`, opts.namespace, {
      labels: { ...templateLabels, 'pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rsName,
          uid: replicaSet.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }),
    spec: { ...spec, nodeName: 'node-1' },
    status: { phase: 'Running' },
  };
  return [deployment, replicaSet, pod];
}

export function namespace(
  name: string,
  labels: Record<string, string> = {},
): Json {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(name, undefined, {
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function service(
  name: string,
  ns: string,
  labels: Record<string, string>,
): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, ns, { labels }),
    spec: {
      type: 'ClusterIP',
      selector: labels,
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

export function serviceAccount(name: string, ns: string): Json {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, ns) };
}

export function configMap(
  name: string,
  ns: string,
  labels?: Record<string, string>,
): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(name, ns, labels ? { labels } : {}),
    data: { LOG_LEVEL: 'info' },
  };
}

export function networkPolicy(name: string, ns: string): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(name, ns),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function role(name: string, ns: string): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta(name, ns),
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
    ],
  };
}

export function clusterRole(name: string, builtIn = false): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta(
      name,
      undefined,
      builtIn
        ? { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }
        : {},
    ),
    rules:
      name === 'cluster-admin'
        ? [
            { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
            { nonResourceURLs: ['*'], verbs: ['*'] },
          ]
        : [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  };
}

export function roleBinding(
  name: string,
  ns: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Json[],
): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(name, ns),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}

export function clusterRoleBinding(
  name: string,
  roleName: string,
  subjects: Json[],
  builtIn = false,
): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta(
      name,
      undefined,
      builtIn
        ? { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }
        : {},
    ),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: roleName,
    },
    subjects,
  };
}

export function cronJobWithJob(
  name: string,
  ns: string,
  labels: Record<string, string>,
): Json[] {
  const spec = podSpec(undefined);
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(name, ns, { labels }),
    spec: {
      schedule: '0 2 * * *',
      jobTemplate: {
        spec: {
          template: {
            metadata: { labels },
            spec: { ...spec, restartPolicy: 'OnFailure' },
          },
        },
      },
    },
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(`${name}-28911520`, ns, {
      labels,
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name,
          uid: cronJob.metadata.uid,
          controller: true,
        },
      ],
    }),
    spec: {
      template: {
        metadata: { labels },
        spec: { ...spec, restartPolicy: 'OnFailure' },
      },
    },
  };
  return [cronJob, job];
}

const ID = 'backstage.io/kubernetes-id';

/** The objects of the `prod` cluster of the tests. */
export function prodClusterObjects(): Json[] {
  return [
    namespace('payments', {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    }),
    namespace('shared'),
    namespace('kube-system'),
    ...deploymentWithChildren({
      name: 'payments-api',
      namespace: 'payments',
      labels: { [ID]: 'payments-api', app: 'payments-api' },
      serviceAccountName: 'payments-api',
    }),
    service('payments-api', 'payments', { [ID]: 'payments-api' }),
    configMap('payments-config', 'payments', { [ID]: 'payments-api' }),
    configMap('kube-root-ca.crt', 'payments'),
    serviceAccount('payments-api', 'payments'),
    serviceAccount('default', 'payments'),
    networkPolicy('default-deny', 'payments'),
    role('config-reader', 'payments'),
    roleBinding(
      'payments-api-config',
      'payments',
      { kind: 'Role', name: 'config-reader' },
      [{ kind: 'ServiceAccount', name: 'payments-api', namespace: 'payments' }],
    ),
    clusterRole('cluster-admin', true),
    clusterRoleBinding('payments-api-admin', 'cluster-admin', [
      { kind: 'ServiceAccount', name: 'payments-api', namespace: 'payments' },
    ]),
    clusterRole('system:basic-user', true),
    clusterRoleBinding(
      'system:basic-user',
      'system:basic-user',
      [
        {
          kind: 'Group',
          apiGroup: 'rbac.authorization.k8s.io',
          name: 'system:authenticated',
        },
      ],
      true,
    ),
    // Only the pod template is labelled: the entity still owns the Deployment.
    ...deploymentWithChildren({
      name: 'ledger-worker',
      namespace: 'shared',
      labels: {},
      templateLabels: { 'app.kubernetes.io/name': 'ledger', tier: 'backend' },
    }),
    ...deploymentWithChildren({
      name: 'ledger-frontend',
      namespace: 'shared',
      labels: { 'app.kubernetes.io/name': 'ledger', tier: 'frontend' },
    }),
    ...cronJobWithJob('nightly-report', 'shared', { [ID]: 'reports' }),
    // Same id in another namespace: outside the reports entity's namespace pin.
    ...cronJobWithJob('nightly-report', 'payments', { [ID]: 'reports' }),
    ...deploymentWithChildren({
      name: 'orphan',
      namespace: 'shared',
      labels: { app: 'orphan' },
    }),
    ...deploymentWithChildren({
      name: 'coredns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns' },
      privileged: true,
    }),
  ];
}

/** The objects of the `eu` cluster of the tests. */
export function euClusterObjects(): Json[] {
  return [
    namespace('payments-eu'),
    ...deploymentWithChildren({
      name: 'payments-eu',
      namespace: 'payments-eu',
      labels: { [ID]: 'payments-eu' },
      privileged: true,
    }),
    // Not pinned to a cluster: affected by an eu failure only because it had
    // resources there.
    ...deploymentWithChildren({
      name: 'eu-batch',
      namespace: 'payments-eu',
      labels: { [ID]: 'eu-batch' },
    }),
  ];
}

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-payments',
    },
  };
}

/** The catalog of the tests. */
export function testEntities(): Entity[] {
  return [
    component('payments-api', { [ID]: 'payments-api' }),
    component('ledger', {
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=ledger,tier in (backend)',
    }),
    component('reports', {
      [ID]: 'reports',
      'backstage.io/kubernetes-namespace': 'shared',
    }),
    component('payments-eu', {
      [ID]: 'payments-eu',
      'backstage.io/kubernetes-cluster': 'eu',
    }),
    component('eu-batch', { [ID]: 'eu-batch' }),
    component('broken-selector', {
      'backstage.io/kubernetes-label-selector': 'app in (a,b',
    }),
    component('no-kubernetes', {}),
  ];
}
