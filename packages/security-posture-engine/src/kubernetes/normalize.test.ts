import fc from 'fast-check';
import type { Resource } from '../model/resource';
import {
  contextOf,
  loadDocuments,
  normalizeFixture,
  pick,
} from './__fixtures__/harness';
import { KUBERNETES_CHECKS } from './checks';
import { normalizeKubernetesObjects } from './normalize';
import type {
  KubernetesConfigMapAttributes,
  KubernetesIngressAttributes,
  KubernetesNetworkPolicyAttributes,
  KubernetesRoleAttributes,
  KubernetesRoleBindingAttributes,
  KubernetesSecretAttributes,
  KubernetesServiceAccountAttributes,
  KubernetesServiceAttributes,
  KubernetesWorkloadAttributes,
} from './types';

const SOURCE = { format: 'kubernetes-yaml' as const, file: 'test.yaml' };

function normalize(objects: unknown[]) {
  return normalizeKubernetesObjects(objects, SOURCE);
}

function deployment(podSpec: unknown, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { metadata: {}, spec: podSpec } },
    ...extra,
  };
}

describe('normalizeKubernetesObjects', () => {
  describe('canonical types', () => {
    const all = [
      ...normalizeFixture('workloads-hardened.yaml').resources,
      ...normalizeFixture('workloads-insecure.yaml').resources,
      ...normalizeFixture('rbac.yaml').resources,
      ...normalizeFixture('network.yaml').resources,
      ...normalizeFixture('config-and-secrets.yaml').resources,
      ...normalizeFixture('kubectl-get-deploy-svc.json').resources,
      ...normalizeFixture('replicaset-list.json').resources,
    ];

    it.each([
      ['Pod', 'k8s.workload'],
      ['Deployment', 'k8s.workload'],
      ['StatefulSet', 'k8s.workload'],
      ['DaemonSet', 'k8s.workload'],
      ['ReplicaSet', 'k8s.workload'],
      ['Job', 'k8s.workload'],
      ['CronJob', 'k8s.workload'],
      ['Namespace', 'k8s.namespace'],
      ['Service', 'k8s.service'],
      ['Ingress', 'k8s.ingress'],
      ['NetworkPolicy', 'k8s.networkpolicy'],
      ['ServiceAccount', 'k8s.serviceaccount'],
      ['Role', 'k8s.role'],
      ['ClusterRole', 'k8s.role'],
      ['RoleBinding', 'k8s.rolebinding'],
      ['ClusterRoleBinding', 'k8s.rolebinding'],
      ['Secret', 'k8s.secret'],
      ['ConfigMap', 'k8s.configmap'],
    ])('maps %s onto %s', (kind, type) => {
      const found = all.filter(r => r.kind === kind);
      expect(found.length).toBeGreaterThan(0);
      expect(new Set(found.map(r => r.type))).toEqual(new Set([type]));
    });

    it('maps ReplicationController onto k8s.workload with its template', () => {
      const { resources, errors } = normalize([
        {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          metadata: { name: 'legacy', namespace: 'old' },
          spec: {
            replicas: 2,
            template: {
              spec: { containers: [{ name: 'app', image: 'app:1' }] },
            },
          },
        },
      ]);
      expect(errors).toEqual([]);
      expect(resources[0]).toMatchObject({
        type: 'k8s.workload',
        origins: { podSpec: 'spec.template.spec' },
        attributes: {
          replicas: 2,
          containers: [{ path: 'spec.template.spec.containers[0]' }],
        },
      });
    });

    it('builds the uid from location, apiVersion, kind, namespace and name', () => {
      const { resources } = normalizeFixture(
        'kubectl-get-deploy-svc.json',
        'prod-eu',
      );
      expect(resources.map(r => r.uid)).toEqual([
        'k8s:prod-eu/apps/v1/Deployment/shop/storefront',
        'k8s:prod-eu/apps/v1/Deployment/shop/checkout',
        'k8s:prod-eu/v1/Service/shop/storefront',
        'k8s:prod-eu/v1/Service/shop/checkout',
      ]);
      const rbac = normalizeFixture('rbac.yaml').resources;
      expect(pick(rbac, 'ClusterRole', 'ops-everything').uid).toBe(
        'k8s:/rbac.authorization.k8s.io/v1/ClusterRole//ops-everything',
      );
    });

    it('keeps namespaces as written and never gives cluster-scoped kinds one', () => {
      const { resources } = normalize([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-ns' } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'reader', namespace: 'ignored' },
        },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      ]);
      expect(resources.map(r => [r.kind, r.namespace])).toEqual([
        ['ConfigMap', undefined],
        ['ClusterRole', undefined],
        ['Namespace', undefined],
      ]);
    });

    it('records the document index of every resource', () => {
      const { resources } = normalizeFixture('network.yaml');
      expect(pick(resources, 'Namespace', 'payments').source).toEqual({
        format: 'kubernetes-yaml',
        file: 'network.yaml',
        location: undefined,
        document: 0,
      });
      expect(
        pick(resources, 'NetworkPolicy', 'allow-dns').source.document,
      ).toBe(2);
      const single = normalizeKubernetesObjects(
        [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }],
        { ...SOURCE, document: 7 },
      );
      expect(single.resources[0].source.document).toBe(7);
    });

    it('copies labels and annotations', () => {
      const { resources } = normalizeFixture('network.yaml');
      expect(pick(resources, 'Namespace', 'payments').labels).toEqual({
        team: 'payments',
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      expect(pick(resources, 'Service', 'internal-api').annotations).toEqual({
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      });
    });
  });

  describe('workloads', () => {
    it('exposes the CronJob pod spec with paths from the object root', () => {
      const { resources } = normalizeFixture('workloads-insecure.yaml');
      const cronJob = pick(
        resources,
        'CronJob',
        'backup',
      ) as Resource<KubernetesWorkloadAttributes>;
      expect(cronJob.origins).toEqual({
        podSpec: 'spec.jobTemplate.spec.template.spec',
      });
      expect(cronJob.attributes.podSpecPath).toBe(
        'spec.jobTemplate.spec.template.spec',
      );
      expect(cronJob.attributes.schedule).toBe('@daily');
      expect(
        cronJob.attributes.containers.map(c => [
          c.group,
          c.index,
          c.name,
          c.path,
        ]),
      ).toEqual([
        [
          'containers',
          0,
          'backup',
          'spec.jobTemplate.spec.template.spec.containers[0]',
        ],
        [
          'initContainers',
          0,
          'prepare',
          'spec.jobTemplate.spec.template.spec.initContainers[0]',
        ],
        [
          'initContainers',
          1,
          'fetch-creds',
          'spec.jobTemplate.spec.template.spec.initContainers[1]',
        ],
      ]);
      expect(cronJob.attributes.podSpec.initContainers).toHaveLength(2);
    });

    it('exposes a Pod spec at spec, with the Pod labels as pod metadata', () => {
      const { resources } = normalizeFixture('workloads-hardened.yaml');
      const pod = pick(
        resources,
        'Pod',
        'debug-shell',
      ) as Resource<KubernetesWorkloadAttributes>;
      expect(pod.attributes.podSpecPath).toBe('spec');
      expect(pod.attributes.containers[0].path).toBe('spec.containers[0]');
      expect(pod.attributes.podMetadata.labels).toEqual({
        'backstage.io/kubernetes-id': 'payments-api',
      });
    });

    it('reads the security-relevant pod spec fields', () => {
      const { resources } = normalizeFixture('workloads-insecure.yaml');
      const ds = pick(
        resources,
        'DaemonSet',
        'node-agent',
      ) as Resource<KubernetesWorkloadAttributes>;
      const spec = ds.attributes.podSpec;
      expect([spec.hostNetwork, spec.hostPID, spec.hostIPC]).toEqual([
        true,
        true,
        true,
      ]);
      expect(spec.volumes.map(v => [v.name, v.sources, v.hostPath])).toEqual([
        ['config', ['configMap'], undefined],
        [
          'docker-sock',
          ['hostPath'],
          { path: '/var/run/docker.sock', type: 'Socket' },
        ],
      ]);
      expect(spec.containers[0].securityContext).toMatchObject({
        privileged: true,
        capabilities: {
          add: ['SYS_ADMIN', 'NET_BIND_SERVICE', 'cap_net_admin'],
          drop: [],
        },
      });
      expect(spec.containers[0].ports).toEqual([
        {
          containerPort: 9100,
          hostPort: 9100,
          name: undefined,
          hostIP: undefined,
          protocol: undefined,
        },
      ]);
      expect(ds.attributes.serviceAccountName).toBe('default');
    });

    it('keeps whether env vars have values, never the values', () => {
      const { resources } = normalizeFixture('workloads-hardened.yaml');
      const d = pick(
        resources,
        'Deployment',
        'payments-api',
      ) as Resource<KubernetesWorkloadAttributes>;
      const env = d.attributes.podSpec.containers[0].env;
      expect(env[0]).toEqual({
        name: 'DB_PASSWORD',
        hasValue: false,
        valueLength: 0,
        valueFrom: {
          secretKeyRef: { name: 'payments-db', key: 'password' },
          configMapKeyRef: undefined,
          fieldRef: undefined,
          resourceFieldRef: undefined,
        },
      });
      expect(env[1]).toEqual({
        name: 'LOG_LEVEL',
        hasValue: true,
        valueLength: 4,
      });
      expect(JSON.stringify(d.attributes)).not.toContain('"info"');
    });

    it('expands typed API lists whose items have no apiVersion/kind, and records the controller', () => {
      const { resources, errors } = normalizeFixture(
        'replicaset-list.json',
        'prod-eu',
      );
      expect(errors).toEqual([]);
      expect(resources).toHaveLength(1);
      expect(resources[0]).toMatchObject({
        kind: 'ReplicaSet',
        uid: 'k8s:prod-eu/apps/v1/ReplicaSet/shop/storefront-6d8f7c9b5d',
        attributes: {
          controller: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'storefront',
            resourceUid: 'k8s:prod-eu/apps/v1/Deployment/shop/storefront',
          },
        },
      });
    });
  });

  describe('kubectl get -o json', () => {
    const docs = loadDocuments('kubectl-get-deploy-svc.json');
    const { resources, errors } = normalizeKubernetesObjects(docs, {
      format: 'kubernetes-json',
      file: 'shop.json',
      provider: 'manifests',
    });

    it('expands the List into its items, all from document 0', () => {
      expect(errors).toEqual([]);
      expect(resources.map(r => `${r.kind}/${r.name}`)).toEqual([
        'Deployment/storefront',
        'Deployment/checkout',
        'Service/storefront',
        'Service/checkout',
      ]);
      expect(resources.every(r => r.source.document === 0)).toBe(true);
    });

    it('drops managedFields and the last-applied annotation, keeps the rest of the object', () => {
      const storefront = pick(resources, 'Deployment', 'storefront');
      const raw = storefront.raw as any;
      expect(raw.metadata.managedFields).toBeUndefined();
      expect(raw.metadata.annotations).toEqual({
        'deployment.kubernetes.io/revision': '7',
      });
      expect(storefront.annotations).toEqual({
        'deployment.kubernetes.io/revision': '7',
      });
      expect(raw.status.readyReplicas).toBe(2);
      expect(raw.spec.strategy.type).toBe('RollingUpdate');
      expect(raw.metadata.uid).toBe('7c1b8f0e-3f0a-4c9e-9a43-5d1c0b2f9e11');
      // The input is not modified.
      expect((docs[0] as any).items[0].metadata.managedFields).toHaveLength(2);
    });

    it('reads Service attributes', () => {
      const svc = pick(
        resources,
        'Service',
        'storefront',
      ) as Resource<KubernetesServiceAttributes>;
      expect(svc.attributes).toEqual({
        serviceType: 'LoadBalancer',
        ports: [
          {
            name: 'https',
            port: 443,
            targetPort: 'http',
            nodePort: 31443,
            protocol: 'TCP',
          },
        ],
        selector: { 'app.kubernetes.io/name': 'storefront' },
        loadBalancerSourceRanges: undefined,
        externalIPs: [],
        externalName: undefined,
        internalLoadBalancer: false,
      });
    });

    it('keeps a plain-text credential out of the result but detectable', () => {
      const text = JSON.stringify({ resources, errors });
      expect(text).not.toContain('s3ss10n-s3cr3t-f0r-st0r3fr0nt');
      const storefront = pick(
        resources,
        'Deployment',
        'storefront',
      ) as Resource<KubernetesWorkloadAttributes>;
      expect(storefront.attributes.containers[0].plainSecretEnv).toEqual([
        {
          index: 0,
          name: 'SESSION_SECRET',
          reason: 'name SESSION_SECRET suggests a credential',
          path: 'spec.template.spec.containers[0].env[0].value',
          redacted: '<redacted: 29 characters>',
        },
      ]);
      expect(
        (storefront.raw as any).spec.template.spec.containers[0].env,
      ).toEqual([
        { name: 'SESSION_SECRET', value: '<redacted: 29 characters>' },
        { name: 'NODE_ENV', value: 'production' },
      ]);
    });
  });

  describe('other kinds', () => {
    const network = normalizeFixture('network.yaml').resources;
    const rbac = normalizeFixture('rbac.yaml').resources;

    it('reads NetworkPolicies with API defaults for policyTypes', () => {
      const frontend = pick(
        network,
        'NetworkPolicy',
        'frontend',
      ) as Resource<KubernetesNetworkPolicyAttributes>;
      expect(frontend.attributes).toEqual({
        podSelector: { matchLabels: { app: 'frontend' }, matchExpressions: [] },
        selectsAllPods: false,
        policyTypes: ['Ingress'],
        ingress: [
          {
            peers: [
              {
                podSelector: {
                  matchLabels: { app: 'gateway' },
                  matchExpressions: [],
                },
              },
            ],
            ports: [],
            allowsAll: false,
          },
        ],
        egress: [],
      });
      const dns = pick(
        network,
        'NetworkPolicy',
        'allow-dns',
      ) as Resource<KubernetesNetworkPolicyAttributes>;
      expect(dns.attributes.selectsAllPods).toBe(true);
      expect(dns.attributes.egress[0]).toEqual({
        peers: [],
        ports: [
          { protocol: 'UDP', port: 53, endPort: undefined },
          { protocol: 'TCP', port: 53, endPort: undefined },
        ],
        allowsAll: false,
      });
      const { resources } = normalize([
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'implicit', namespace: 'a' },
          spec: { podSelector: {}, egress: [{}] },
        },
      ]);
      expect(resources[0].attributes).toMatchObject({
        policyTypes: ['Ingress', 'Egress'],
        egress: [{ peers: [], ports: [], allowsAll: true }],
      });
    });

    it('reads Ingress TLS and rule hosts', () => {
      const shop = pick(
        network,
        'Ingress',
        'shop',
      ) as Resource<KubernetesIngressAttributes>;
      expect(shop.attributes).toEqual({
        ingressClassName: 'nginx',
        tls: [
          {
            hosts: ['shop.example.com', '*.shop.example.com'],
            secretName: 'shop-tls',
          },
        ],
        ruleHosts: ['shop.example.com', 'api.shop.example.com'],
        hasDefaultBackend: false,
      });
    });

    it('reads roles, bindings and service accounts', () => {
      const role = pick(
        rbac,
        'Role',
        'app-reader',
      ) as Resource<KubernetesRoleAttributes>;
      expect(role.attributes.clusterScoped).toBe(false);
      expect(role.attributes.rules[1]).toEqual({
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get'],
        resourceNames: ['payments-api-tls'],
        nonResourceURLs: [],
      });
      expect(
        (
          pick(
            rbac,
            'ClusterRole',
            'cluster-admin',
          ) as Resource<KubernetesRoleAttributes>
        ).attributes.builtIn,
      ).toBe(true);
      const binding = pick(
        rbac,
        'RoleBinding',
        'app-reader',
      ) as Resource<KubernetesRoleBindingAttributes>;
      expect(binding.attributes).toEqual({
        clusterScoped: false,
        roleRef: {
          kind: 'Role',
          name: 'app-reader',
          apiGroup: 'rbac.authorization.k8s.io',
        },
        // The subject's namespace defaults to the RoleBinding's.
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'payments-api',
            namespace: 'payments',
          },
        ],
        builtIn: false,
      });
      const sa = pick(
        rbac,
        'ServiceAccount',
        'default',
        'payments',
      ) as Resource<KubernetesServiceAccountAttributes>;
      expect(sa.attributes.automountServiceAccountToken).toBe(false);
    });
  });

  describe('Secrets and credentials', () => {
    const docs = loadDocuments('config-and-secrets.yaml');
    const result = normalizeFixture('config-and-secrets.yaml');
    const SECRET_STRINGS = [
      'correct-horse-battery-staple',
      'Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==',
      'cGF5bWVudHM=',
      'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJn',
      'Tr0ub4dor&3-legacy',
      's3cr3t-pa55w0rd',
      'ghp_0123456789abcdefghijABCDEFGHIJ456789',
    ];

    it('the fixture really contains the secrets', () => {
      const input = JSON.stringify(docs);
      for (const s of SECRET_STRINGS) expect(input).toContain(s);
    });

    it('never lets a Secret value or a ConfigMap credential into the result', () => {
      const text = JSON.stringify(result);
      for (const s of SECRET_STRINGS) expect(text).not.toContain(s);
    });

    it('never lets them into check results either', () => {
      const outcomes = result.resources.flatMap(r =>
        KUBERNETES_CHECKS.filter(c => c.appliesTo.includes(r.type)).map(c =>
          c.evaluate(r, {
            resources: {
              all: () => result.resources,
              ofType: () => [],
              inNamespace: () => [],
              byUid: () => undefined,
            },
            now: new Date(),
          }),
        ),
      );
      expect(outcomes.some(o => o.status === 'fail')).toBe(true);
      const text = JSON.stringify(outcomes);
      for (const s of SECRET_STRINGS) expect(text).not.toContain(s);
    });

    it('keeps Secret metadata and key names, with markers for values', () => {
      const secret = pick(
        result.resources,
        'Secret',
        'payments-db',
      ) as Resource<KubernetesSecretAttributes>;
      expect(secret.attributes).toEqual({
        secretType: 'Opaque',
        keys: ['dsn', 'password', 'username'],
        immutable: undefined,
      });
      expect(secret.labels).toEqual({ team: 'payments' });
      expect(secret.annotations).toEqual({});
      expect(secret.raw).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'payments-db',
          namespace: 'payments',
          labels: { team: 'payments' },
          annotations: {},
        },
        type: 'Opaque',
        data: {
          username: '<redacted: 12 characters>',
          password: '<redacted: 40 characters>',
        },
        stringData: { dsn: '<redacted: 65 characters>' },
      });
    });

    it('drops unknown fields of a Secret and redacts malformed data', () => {
      const { resources } = normalize([
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'odd', namespace: 'x' },
          data: 'dG9wLXNlY3JldA==',
          stringData: { n: 12345678 },
          spec: { password: 'top-secret' },
        },
      ]);
      expect(JSON.stringify(resources)).not.toMatch(
        /top-secret|dG9wLXNlY3JldA|12345678/,
      );
      expect(resources[0].raw).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'odd', namespace: 'x' },
        data: '<redacted>',
        stringData: { n: '<redacted>' },
      });
    });

    it('marks ConfigMap credentials and redacts them in raw', () => {
      const cm = pick(
        result.resources,
        'ConfigMap',
        'legacy-config',
      ) as Resource<KubernetesConfigMapAttributes>;
      expect(cm.attributes.keys).toEqual([
        'db.password',
        'DATABASE_URL',
        'GITHUB_TOKEN',
        'settings.ini',
      ]);
      expect(
        cm.attributes.plainSecretEntries.map(e => [e.key, e.reason]),
      ).toEqual([
        ['db.password', 'name db.password suggests a credential'],
        ['DATABASE_URL', 'value looks like a URL with password'],
        ['GITHUB_TOKEN', 'value looks like a GitHub token'],
      ]);
      expect((cm.raw as any).data['settings.ini']).toBe(
        '[app]\nname = legacy\n',
      );
      expect((cm.raw as any).metadata.annotations).toEqual({});
    });

    it('is idempotent: normalising raw again keeps the credential findings', () => {
      const again = normalize(result.resources.map(r => r.raw));
      const cm = pick(
        again.resources,
        'ConfigMap',
        'legacy-config',
      ) as Resource<KubernetesConfigMapAttributes>;
      expect(cm.attributes.plainSecretEntries.map(e => e.key)).toEqual([
        'db.password',
        'DATABASE_URL',
        'GITHUB_TOKEN',
      ]);
    });
  });

  describe('bad input', () => {
    it('skips unsupported kinds and objects without apiVersion/kind with an error each', () => {
      const { resources, errors } = normalize([
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'tls' },
        },
        {
          apiVersion: 'example.com/v1',
          kind: 'Deployment',
          metadata: { name: 'crd' },
        },
        { kind: 'Pod', metadata: { name: 'no-version' } },
        { apiVersion: 'v1', metadata: { name: 'no-kind' } },
        { metadata: { name: 'nothing' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fine' } },
      ]);
      expect(resources.map(r => r.name)).toEqual(['fine']);
      expect(errors).toEqual([
        {
          message: 'unsupported kind cert-manager.io/v1/Certificate, skipped',
          document: 0,
        },
        {
          message: 'unsupported kind example.com/v1/Deployment, skipped',
          document: 1,
        },
        { message: 'object has no apiVersion, skipped', document: 2 },
        { message: 'object has no kind, skipped', document: 3 },
        { message: 'object has no apiVersion and kind, skipped', document: 4 },
      ]);
    });

    it('skips empty documents silently and reports non-objects', () => {
      const { resources, errors } = normalize([
        null,
        undefined,
        'text',
        42,
        [1, 2],
        true,
      ]);
      expect(resources).toEqual([]);
      expect(errors.map(e => [e.document, e.message])).toEqual([
        [2, 'expected an object, got string, skipped'],
        [3, 'expected an object, got number, skipped'],
        [4, 'expected an object, got list, skipped'],
        [5, 'expected an object, got boolean, skipped'],
      ]);
      expect(
        normalizeKubernetesObjects('nope' as any, SOURCE).errors,
      ).toHaveLength(1);
    });

    it('reports bad List items by path and keeps the good ones', () => {
      const { resources, errors } = normalize([
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
            null,
            'x',
            { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } },
          ],
        },
        { apiVersion: 'v1', kind: 'List', items: 'not-a-list' },
      ]);
      expect(resources.map(r => r.name)).toEqual(['a']);
      expect(errors).toEqual([
        {
          message: 'list item is empty, skipped',
          document: 0,
          path: 'items[1]',
        },
        {
          message: 'expected an object, got string, skipped',
          document: 0,
          path: 'items[2]',
        },
        {
          message: 'unsupported kind v1/Widget, skipped',
          document: 0,
          path: 'items[3]',
        },
        { message: 'List has no items list, skipped', document: 1 },
      ]);
    });

    it('rejects pod specs whose containers are not a list, ignores bad containers', () => {
      const { resources, errors } = normalize([
        deployment({ containers: { name: 'app' } }),
        deployment({
          containers: ['just-a-string', { name: 'ok', image: 'ok:1' }],
        }),
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'patch' },
          spec: { replicas: 3 },
        },
      ]);
      expect(errors).toEqual([
        {
          message:
            'Deployment shop/web: spec.template.spec.containers is not a list (got object), skipped',
          document: 0,
          path: 'spec.template.spec.containers',
        },
        {
          message:
            'Deployment shop/web: spec.template.spec.containers[0] is not an object (got string), ignored',
          document: 1,
          path: 'spec.template.spec.containers[0]',
        },
        {
          message:
            'Deployment patch: no pod spec at spec.template.spec (a patch or an incomplete object?), skipped',
          document: 2,
        },
      ]);
      expect(resources).toHaveLength(1);
      const a = resources[0].attributes as KubernetesWorkloadAttributes;
      // The good container keeps its index, so evidence paths match the file.
      expect(a.containers.map(c => c.path)).toEqual([
        'spec.template.spec.containers[1]',
      ]);
    });

    it('normalises values of the wrong type instead of failing', () => {
      const { resources, errors } = normalize([
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 12345,
            namespace: 'x',
            labels: { version: 2, ok: true, nested: { a: 1 } },
          },
          spec: {
            hostNetwork: 'true',
            securityContext: 'nonsense',
            volumes: 'none',
            containers: [
              {
                name: 'app',
                image: 7,
                env: { NAME: 'value' },
                ports: [{ hostPort: '8080' }, 'junk'],
                resources: { limits: { memory: 512, cpu: ['1'] } },
                securityContext: {
                  privileged: 'true',
                  runAsUser: '0',
                  capabilities: { add: 'NET_ADMIN', drop: [null, 'ALL'] },
                },
              },
            ],
          },
        },
      ]);
      expect(errors).toEqual([]);
      const pod = resources[0] as Resource<KubernetesWorkloadAttributes>;
      expect(pod.name).toBe('12345');
      expect(pod.labels).toEqual({ version: '2', ok: 'true' });
      const c = pod.attributes.podSpec.containers[0];
      expect(pod.attributes.podSpec.hostNetwork).toBe(true);
      expect(pod.attributes.podSpec.volumes).toEqual([]);
      expect(pod.attributes.podSpec.securityContext).toEqual({
        supplementalGroups: [],
        sysctls: [],
      });
      expect(c.image).toBe('7');
      expect(c.env).toEqual([]);
      expect(c.ports.map(p => p.hostPort)).toEqual([8080, undefined]);
      expect(c.resources.limits).toEqual({ memory: '512' });
      expect(c.securityContext).toMatchObject({
        privileged: true,
        runAsUser: 0,
        capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      });
    });

    it('requires a name (generateName counts) and bounds its length', () => {
      const { resources, errors } = normalize([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { generateName: 'cfg-' },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'n'.repeat(5_000_000) },
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'rb' },
        },
      ]);
      expect(resources.map(r => r.name)).toEqual(['cfg-']);
      expect(errors.map(e => e.message)).toEqual([
        'ConfigMap has no metadata.name, skipped',
        'ConfigMap name is 5000000 characters long (at most 253), skipped',
        'RoleBinding rb: roleRef.name is missing, skipped',
      ]);
    });

    it('survives 1,000-deep nesting', () => {
      let deep: unknown = { leaf: true };
      for (let i = 0; i < 1000; i++) deep = { nested: deep };
      let list: unknown = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'inner' },
      };
      for (let i = 0; i < 1000; i++)
        list = { apiVersion: 'v1', kind: 'List', items: [list] };
      let deepArray: unknown = 'x';
      for (let i = 0; i < 1000; i++) deepArray = [deepArray];

      const result = normalize([
        deep,
        list,
        deployment({
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [{ name: 'X', valueFrom: deep }],
              securityContext: deep,
              args: deepArray,
            },
          ],
          affinity: deep,
        }),
      ]);
      expect(result.errors.map(e => e.message)).toEqual([
        'object has no apiVersion and kind, skipped',
        'List nested more than 3 deep, skipped',
      ]);
      expect(result.resources).toHaveLength(1);
      expect(() => JSON.stringify(result)).not.toThrow();
      for (const check of KUBERNETES_CHECKS.filter(c =>
        c.appliesTo.includes('k8s.workload'),
      )) {
        expect(() =>
          check.evaluate(result.resources[0], {
            resources: {
              all: () => [],
              ofType: () => [],
              inNamespace: () => [],
              byUid: () => undefined,
            },
            now: new Date(),
          }),
        ).not.toThrow();
      }
    });

    it('handles 5 MB strings quickly, redacting a 5 MB credential', () => {
      const huge = 'A'.repeat(5 * 1024 * 1024);
      const start = Date.now();
      const { resources, errors } = normalize([
        deployment({
          containers: [
            {
              name: 'app',
              image: `app:${huge}`,
              env: [
                { name: 'API_TOKEN', value: huge },
                { name: 'NOTES', value: `eyJ${huge}` },
              ],
              command: [huge],
            },
          ],
        }),
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'big' },
          data: { blob: huge },
        },
      ]);
      expect(Date.now() - start).toBeLessThan(15_000);
      expect(errors).toEqual([]);
      const a = resources[0].attributes as KubernetesWorkloadAttributes;
      expect(
        a.containers[0].plainSecretEnv.map(e => [e.name, e.redacted]),
      ).toEqual([['API_TOKEN', '<redacted: 5242880 characters>']]);
      expect(
        (resources[0].raw as any).spec.template.spec.containers[0].env[0].value,
      ).toBe('<redacted: 5242880 characters>');
    });

    it('never throws on arbitrary input shaped like supported kinds', () => {
      const kinds = [
        ['v1', 'Pod'],
        ['apps/v1', 'Deployment'],
        ['batch/v1', 'CronJob'],
        ['v1', 'Service'],
        ['networking.k8s.io/v1', 'Ingress'],
        ['networking.k8s.io/v1', 'NetworkPolicy'],
        ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
        ['rbac.authorization.k8s.io/v1', 'Role'],
        ['v1', 'Secret'],
        ['v1', 'ConfigMap'],
        ['v1', 'List'],
      ];
      fc.assert(
        fc.property(
          fc.constantFrom(...kinds),
          fc.anything(),
          fc.anything(),
          fc.anything(),
          ([apiVersion, kind], spec, template, extra) => {
            const object = {
              apiVersion,
              kind,
              metadata: { name: 'x', namespace: 'y' },
              spec: {
                template: { spec: template },
                jobTemplate: { spec: { template: { spec: template } } },
                ...(typeof spec === 'object' ? spec : { v: spec }),
              },
              items: [
                extra,
                { apiVersion, kind, metadata: { name: 'i' }, spec },
              ],
              data: extra,
              rules: extra,
              subjects: extra,
              roleRef: extra,
            };
            const result = normalize([object, spec, extra]);
            expect(() => JSON.stringify(result)).not.toThrow();
            const ctx = contextOf(result.resources);
            for (const r of result.resources) {
              for (const check of KUBERNETES_CHECKS) {
                if (check.appliesTo.includes(r.type)) check.evaluate(r, ctx);
              }
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
