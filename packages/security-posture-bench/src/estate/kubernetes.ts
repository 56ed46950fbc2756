import type { Rng } from './random';

/** A Kubernetes object as written in a manifest or returned by the API. */
export type KubeObject = Record<string, any>;

/** What one component's Kubernetes estate looks like. */
export interface KubernetesComponentSpec {
  component: string;
  namespace: string;
  team: string;
  system: string;
  /** 0 (careless) … 1 (hardened): scales the probability of every misconfiguration. */
  hygiene: number;
  /** Number of objects to produce (at least 6). */
  count: number;
  /**
   * `manifest`: what a repository holds (no status, no managedFields);
   * `export`: `kubectl get -o yaml|json` output, with `managedFields`, status,
   * server-set metadata and the last-applied annotation.
   */
  style: 'manifest' | 'export';
  /** Base timestamp of the estate (creation times, managedFields). */
  epoch: number;
}

const REGISTRIES = [
  'registry.example.com/platform',
  '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
  'ghcr.io/acme',
  'docker.io/library',
];
const SIDECARS = [
  { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.3', port: 15090 },
  {
    name: 'log-shipper',
    image: 'registry.example.com/platform/fluent-bit:3.1.4',
    port: 2020,
  },
  {
    name: 'otel-agent',
    image: 'ghcr.io/acme/otel-collector:0.104.0',
    port: 4317,
  },
];
const ENV_NAMES = [
  'LOG_LEVEL',
  'HTTP_PORT',
  'GRPC_PORT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'FEATURE_FLAGS_URL',
  'CACHE_TTL_SECONDS',
  'MAX_CONNECTIONS',
  'REGION',
  'ENVIRONMENT',
  'KAFKA_BROKERS',
  'JAVA_TOOL_OPTIONS',
  'GOMAXPROCS',
  'DB_HOST',
  'DB_NAME',
  'DB_USER',
  'REDIS_URL',
  'TRACING_SAMPLE_RATE',
  'UPSTREAM_TIMEOUT_MS',
  'METRICS_PATH',
];
const SECRET_ENV = [
  'DB_PASSWORD',
  'API_TOKEN',
  'STRIPE_SECRET_KEY',
  'JWT_SIGNING_SECRET',
];
const LOREM =
  'This workload is part of the service and handles requests from upstream callers; it is deployed by the platform pipeline from the main branch after review, scaled horizontally on CPU, and its runbook, dashboards and on-call rota are linked from the service page in the developer portal. ';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `managedFields.fieldsV1` shape for an object: every key as `f:<key>`, list items by key. */
function fieldsOf(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return {};
  if (Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    value.forEach((item, i) => {
      const key =
        item && typeof item === 'object' && 'name' in item
          ? `k:{"name":${JSON.stringify((item as { name: string }).name)}}`
          : `i:${i}`;
      out[key] = { '.': {}, ...(fieldsOf(item, depth + 1) as object) };
    });
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[`f:${k}`] = fieldsOf(v, depth + 1);
  }
  return out;
}

/**
 * Builds the Kubernetes objects of one component: its Namespace, ServiceAccount,
 * RBAC, NetworkPolicies, workloads (Deployments, StatefulSets, CronJobs) with their
 * Services and ConfigMaps, sometimes an Ingress and a Secret. Misconfigurations
 * appear with probabilities that grow as `hygiene` falls.
 */
export function buildKubernetesComponent(
  spec: KubernetesComponentSpec,
  rng: Rng,
): KubeObject[] {
  const { component, namespace, team, hygiene } = spec;
  const bad = (p: number) => rng.chance(p * (1.6 - hygiene));
  const commonLabels = (role: string): Record<string, string> => ({
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/component': role,
    'app.kubernetes.io/part-of': spec.system,
    'app.kubernetes.io/managed-by': 'argocd',
    'backstage.io/kubernetes-id': component,
    ...(bad(0.08) ? {} : { team, owner: team }),
  });
  const meta = (name: string, role: string, extra: object = {}) => ({
    name,
    namespace,
    labels: commonLabels(role),
    annotations: {
      'acme.example.com/owner-contact': `${team}@example.com`,
      'acme.example.com/runbook': `https://runbooks.example.com/${team}/${component}/${name}`,
      'acme.example.com/description': LOREM.repeat(rng.int(1, 3)).trim(),
    },
    ...extra,
  });

  const objects: KubeObject[] = [];
  const enforce = bad(0.25)
    ? undefined
    : rng.pick(['baseline', 'restricted', 'restricted', 'privileged']);
  objects.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: {
        ...commonLabels('namespace'),
        'kubernetes.io/metadata.name': namespace,
        ...(enforce
          ? {
              'pod-security.kubernetes.io/enforce': enforce,
              'pod-security.kubernetes.io/enforce-version': 'latest',
              'pod-security.kubernetes.io/warn': 'restricted',
            }
          : {}),
      },
      annotations: {
        'acme.example.com/cost-center': `cc-${rng.int(1000, 9999)}`,
        'acme.example.com/description': LOREM.trim(),
      },
    },
  });
  const sa = `${component}-sa`;
  objects.push({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(sa, 'identity', {
      annotations: {
        'eks.amazonaws.com/role-arn': `arn:aws:iam::111122223333:role/${component}`,
      },
    }),
    automountServiceAccountToken: bad(0.3) ? undefined : false,
  });
  const wildcard = bad(0.05);
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta(`${component}-app`, 'rbac'),
    rules: wildcard
      ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]
      : [
          {
            apiGroups: [''],
            resources: bad(0.15) ? ['configmaps', 'secrets'] : ['configmaps'],
            verbs: ['get', 'list', 'watch'],
          },
          {
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            verbs: ['get', 'create', 'update'],
          },
        ],
  });
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(`${component}-app`, 'rbac'),
    roleRef: bad(0.03)
      ? {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        }
      : {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: `${component}-app`,
        },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  });
  if (!bad(0.3) && objects.length < spec.count - 2) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny', 'network'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
  if (!bad(0.3) && objects.length < spec.count - 2) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${component}-allow`, 'network'),
      spec: {
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': component },
        },
        policyTypes: bad(0.4) ? ['Ingress'] : ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'ingress' },
                },
              },
            ],
            ports: [{ protocol: 'TCP', port: 8080 }],
          },
        ],
        egress: [
          {
            to: [{ ipBlock: { cidr: bad(0.3) ? '0.0.0.0/0' : '10.0.0.0/8' } }],
            ports: [
              { protocol: 'TCP', port: 443 },
              { protocol: 'TCP', port: 5432 },
            ],
          },
        ],
      },
    });
  }
  if (rng.chance(0.3) && objects.length < spec.count - 2) {
    const tls = !bad(0.2);
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(component, 'ingress', {
        annotations: {
          'kubernetes.io/ingress.class': 'nginx',
          'nginx.ingress.kubernetes.io/ssl-redirect': String(tls),
        },
      }),
      spec: {
        ...(tls
          ? {
              tls: [
                {
                  hosts: [`${component}.example.com`],
                  secretName: `${component}-tls`,
                },
              ],
            }
          : {}),
        rules: [
          {
            host: `${component}.example.com`,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: { name: component, port: { number: 80 } },
                  },
                },
              ],
            },
          },
        ],
      },
    });
  }
  if (rng.chance(0.25) && objects.length < spec.count - 2) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(`${component}-credentials`, 'config'),
      type: 'Opaque',
      data: {
        username: 'ZmFrZS1kZW1vLXZhbHVl',
        password: 'ZmFrZS1kZW1vLXZhbHVl',
      },
    });
  }

  let w = 0;
  while (objects.length < spec.count) {
    const roll = rng.next();
    let kind: 'Deployment' | 'StatefulSet' | 'CronJob' = 'CronJob';
    if (w === 0 || roll < 0.6) kind = 'Deployment';
    else if (roll < 0.8) kind = 'StatefulSet';
    const name = w === 0 ? component : `${component}-${workerName(rng, w)}`;
    w++;
    objects.push(workload(kind, name, sa, rng, bad, meta, spec));
    if (objects.length < spec.count && kind !== 'CronJob') {
      const lb = bad(0.08);
      const dbPort = kind === 'StatefulSet' && bad(0.2);
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(name, 'service'),
        spec: {
          type: lb ? 'LoadBalancer' : 'ClusterIP',
          selector: { 'app.kubernetes.io/name': component, app: name },
          ports: [
            dbPort
              ? { name: 'postgres', port: 5432, targetPort: 5432 }
              : { name: 'http', port: 80, targetPort: 8080 },
            { name: 'metrics', port: 9090, targetPort: 9090 },
          ],
        },
      });
    }
    if (objects.length < spec.count) {
      const data: Record<string, string> = {
        'application.yaml': `server:\n  port: 8080\nlogging:\n  level: INFO\nupstreams:\n${Array.from(
          { length: rng.int(2, 8) },
          (_, i) =>
            `  - name: upstream-${i}\n    url: https://svc-${i}.${namespace}.svc.cluster.local\n    timeoutMs: ${rng.int(
              100,
              5000,
            )}\n`,
        ).join('')}`,
        FEATURE_FLAGS: 'checkout-v2,fast-refunds,new-ledger',
      };
      if (bad(0.04)) data.DB_PASSWORD = 'demo-only-not-a-real-password';
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta(`${name}-config`, 'config'),
        data,
      });
    }
  }
  if (spec.style === 'export') {
    return objects.map((o, i) => asExported(o, rng, spec.epoch + i * 60_000));
  }
  return objects;
}

function workerName(rng: Rng, i: number): string {
  return `${rng.pick([
    'worker',
    'consumer',
    'scheduler',
    'cache',
    'db',
    'sync',
    'migrate',
    'reporter',
  ])}-${i}`;
}

function workload(
  kind: 'Deployment' | 'StatefulSet' | 'CronJob',
  name: string,
  serviceAccount: string,
  rng: Rng,
  bad: (p: number) => boolean,
  meta: (name: string, role: string, extra?: object) => object,
  spec: KubernetesComponentSpec,
): KubeObject {
  const registry = rng.pick(REGISTRIES);
  const tag = bad(0.1)
    ? 'latest'
    : `${rng.int(1, 9)}.${rng.int(0, 40)}.${rng.int(0, 20)}`;
  const digest = bad(0.7) ? '' : `@sha256:${rng.hex(64)}`;
  const hardened = !bad(0.45);
  const env: object[] = [];
  for (let i = 0, n = rng.int(8, 18); i < n; i++) {
    env.push({
      name: ENV_NAMES[(i * 7 + n) % ENV_NAMES.length] + (i >= 20 ? i : ''),
      value: `value-${rng.hex(rng.int(4, 24))}`,
    });
  }
  env.push({
    name: 'DB_PASSWORD_REF',
    valueFrom: {
      secretKeyRef: { name: `${spec.component}-credentials`, key: 'password' },
    },
  });
  if (bad(0.03)) {
    env.push({
      name: rng.pick(SECRET_ENV),
      value: 'demo-only-not-a-real-password',
    });
  }
  const limits = bad(0.2)
    ? {}
    : {
        limits: {
          cpu: `${rng.int(1, 4) * 250}m`,
          memory: `${rng.int(1, 8) * 256}Mi`,
        },
      };
  const app = {
    name: 'app',
    image: `${registry}/${spec.component}:${tag}${digest}`,
    imagePullPolicy: 'IfNotPresent',
    args: ['--config=/etc/app/application.yaml', '--port=8080'],
    ports: [
      {
        name: 'http',
        containerPort: 8080,
        protocol: 'TCP',
        ...(bad(0.02) ? { hostPort: 8080 } : {}),
      },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ],
    env,
    resources: {
      requests: bad(0.1)
        ? undefined
        : { cpu: `${rng.int(1, 4) * 100}m`, memory: '256Mi' },
      ...limits,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 8080 },
      initialDelaySeconds: 10,
      periodSeconds: 10,
    },
    readinessProbe: {
      httpGet: { path: '/ready', port: 8080 },
      periodSeconds: 5,
    },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    securityContext: {
      ...(bad(0.02) ? { privileged: true } : {}),
      allowPrivilegeEscalation: hardened ? false : undefined,
      readOnlyRootFilesystem: hardened && !bad(0.3) ? true : undefined,
      runAsNonRoot: hardened ? true : undefined,
      ...(hardened ? { runAsUser: 10001 } : {}),
      capabilities: capabilitiesOf(hardened, bad),
    },
  };
  const containers: object[] = [app];
  for (let i = 0, n = rng.int(0, 2); i < n; i++) {
    const s = SIDECARS[i];
    containers.push({
      name: s.name,
      image: s.image,
      ports: [{ name: 'sidecar', containerPort: s.port }],
      resources: {
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { cpu: '200m', memory: '128Mi' },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        runAsUser: 1337,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    });
  }
  const podSpec: Record<string, unknown> = {
    serviceAccountName: bad(0.1) ? undefined : serviceAccount,
    automountServiceAccountToken: bad(0.4) ? undefined : false,
    ...(bad(0.01) ? { hostNetwork: true } : {}),
    ...(bad(0.005) ? { hostPID: true } : {}),
    securityContext: {
      ...(hardened ? { runAsNonRoot: true, fsGroup: 10001 } : {}),
      ...(bad(0.35) ? {} : { seccompProfile: { type: 'RuntimeDefault' } }),
    },
    initContainers: rng.chance(0.3)
      ? [
          {
            name: 'migrate',
            image: `${registry}/${spec.component}-migrations:${tag}`,
            command: ['/bin/migrate', 'up'],
            securityContext: {
              allowPrivilegeEscalation: false,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
            },
            resources: { limits: { cpu: '200m', memory: '128Mi' } },
          },
        ]
      : undefined,
    containers,
    volumes: [
      { name: 'config', configMap: { name: `${name}-config` } },
      { name: 'tmp', emptyDir: {} },
      ...(bad(0.03)
        ? [
            {
              name: 'docker-sock',
              hostPath: { path: '/var/run/docker.sock', type: 'Socket' },
            },
          ]
        : []),
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { app: name } },
            },
          },
        ],
      },
    },
    tolerations: [
      {
        key: 'workload',
        operator: 'Equal',
        value: 'general',
        effect: 'NoSchedule',
      },
    ],
    terminationGracePeriodSeconds: 30,
  };
  const template = {
    metadata: {
      labels: { 'app.kubernetes.io/name': spec.component, app: name },
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
        'checksum/config': rng.hex(64),
      },
    },
    spec: podSpec,
  };
  const m = meta(name, kind === 'CronJob' ? 'job' : 'server');
  if (kind === 'CronJob') {
    return {
      apiVersion: 'batch/v1',
      kind,
      metadata: m,
      spec: {
        schedule: `${rng.int(0, 59)} ${rng.int(0, 23)} * * *`,
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              ...template,
              spec: { ...podSpec, restartPolicy: 'OnFailure' },
            },
          },
        },
      },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: m,
    spec: {
      replicas: rng.int(2, 6),
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: {
        matchLabels: { 'app.kubernetes.io/name': spec.component, app: name },
      },
      ...(kind === 'Deployment'
        ? {
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
            },
          }
        : {}),
      template,
    },
  };
}

function capabilitiesOf(hardened: boolean, bad: (p: number) => boolean) {
  if (hardened) return { drop: ['ALL'] };
  return bad(0.2) ? { add: ['NET_ADMIN', 'SYS_ADMIN'] } : undefined;
}

/** Adds what the API server returns: uid, resourceVersion, managedFields, status. */
function asExported(o: KubeObject, rng: Rng, at: number): KubeObject {
  const lastApplied = JSON.stringify(o);
  const metadata = {
    ...o.metadata,
    annotations: {
      ...(o.metadata.annotations ?? {}),
      'kubectl.kubernetes.io/last-applied-configuration': `${lastApplied}\n`,
      ...(o.kind === 'Deployment'
        ? { 'deployment.kubernetes.io/revision': String(rng.int(1, 300)) }
        : {}),
    },
    uid: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(
      12,
    )}`,
    resourceVersion: String(rng.int(1_000_000, 99_999_999)),
    generation: rng.int(1, 300),
    creationTimestamp: iso(at),
    managedFields: [
      {
        manager: 'argocd-controller',
        operation: 'Apply',
        apiVersion: o.apiVersion,
        time: iso(at + 3_600_000),
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsOf({ metadata: o.metadata, spec: o.spec ?? {} }),
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: o.apiVersion,
        time: iso(at + 7_200_000),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': {
            'f:annotations': { 'f:deployment.kubernetes.io/revision': {} },
          },
          'f:status': {
            'f:availableReplicas': {},
            'f:conditions': {},
            'f:observedGeneration': {},
            'f:readyReplicas': {},
            'f:replicas': {},
            'f:updatedReplicas': {},
          },
        },
        subresource: 'status',
      },
    ],
  };
  const out: KubeObject = { ...o, metadata };
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
    const replicas = o.spec.replicas;
    out.status = {
      observedGeneration: metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: iso(at + 7_200_000),
          lastTransitionTime: iso(at + 7_200_000),
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: iso(at + 7_200_000),
          lastTransitionTime: iso(at),
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${o.metadata.name}-${rng.hex(
            10,
          )}" has successfully progressed.`,
        },
      ],
    };
  } else if (o.kind === 'Service') {
    out.spec = {
      ...o.spec,
      clusterIP: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      clusterIPs: undefined,
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
    };
    out.status = { loadBalancer: {} };
  } else if (o.kind === 'Namespace') {
    out.spec = { finalizers: ['kubernetes'] };
    out.status = { phase: 'Active' };
  }
  return out;
}

/** Changes what a deploy changes: the image tag and config checksum of workloads, labels of the rest. */
export function mutateKubernetesObject(o: KubeObject, rng: Rng): void {
  const labels = (o.metadata.labels ??= {});
  labels['acme.example.com/release'] = `r${rng.int(1000, 9999)}`;
  const podSpec =
    o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
  if (podSpec?.containers?.[0]?.image) {
    const image = String(podSpec.containers[0].image).split('@')[0];
    const at = image.lastIndexOf(':');
    podSpec.containers[0].image = `${image.slice(0, at)}:${rng.int(
      10,
      99,
    )}.${rng.int(0, 99)}.0`;
  }
}
