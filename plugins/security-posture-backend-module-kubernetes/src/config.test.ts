import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readKubernetesProviderConfig } from './config';

const read = (data: JsonObject) =>
  readKubernetesProviderConfig(new ConfigReader(data));

const withClusters = (clusters: JsonObject[], extra: JsonObject = {}) =>
  read({
    securityPosture: { providers: { kubernetes: { clusters, ...extra } } },
  });

describe('readKubernetesProviderConfig', () => {
  it('has no cluster and sensible defaults when nothing is configured', () => {
    const config = read({});
    expect(config.clusters).toEqual([]);
    expect(config.pageSize).toBe(500);
    expect(config.excludeNamespaces).toEqual([
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]);
    expect(config.kinds.map(k => k.kind)).not.toContain('Secret');
    expect(config.kinds.map(k => k.kind)).toContain('ClusterRoleBinding');
  });

  it('reads a cluster with TLS verification on and default timeouts', () => {
    const [cluster] = withClusters([
      {
        name: 'prod',
        url: 'https://k8s.example.com:6443/',
        serviceAccountToken: 'token',
        caData: 'LS0t',
      },
    ]).clusters;
    expect(cluster).toEqual({
      name: 'prod',
      url: 'https://k8s.example.com:6443',
      authProvider: 'serviceAccount',
      serviceAccountToken: 'token',
      caData: 'LS0t',
      caFile: undefined,
      skipTLSVerify: false,
      timeoutMs: 300_000,
      requestTimeoutMs: 30_000,
      origin: 'securityPosture.providers.kubernetes.clusters',
    });
  });

  it('reads per-cluster and default timeouts as objects or strings', () => {
    const config = withClusters(
      [
        { name: 'a', url: 'https://a', timeout: { minutes: 1 } },
        { name: 'b', url: 'https://b', requestTimeout: 'PT5S' },
      ],
      { requestTimeout: { seconds: 10 } },
    );
    expect(config.clusters.map(c => [c.timeoutMs, c.requestTimeoutMs])).toEqual(
      [
        [60_000, 10_000],
        [300_000, 5_000],
      ],
    );
  });

  it.each([
    [
      [{ name: 'a', url: 'http://k8s.local' }],
      'cluster "a" uses plain http; use https, or set skipTLSVerify: true',
    ],
    [
      [
        { name: 'a', url: 'https://x' },
        { name: 'a', url: 'https://y' },
      ],
      'duplicate cluster name "a"',
    ],
    [[{ name: 'a b', url: 'https://x' }], 'cluster name "a b" must be'],
    [
      [{ name: 'a', url: 'https://x', authProvider: 'aws' }],
      'uses authProvider "aws"; only "serviceAccount" is supported',
    ],
    [[{ name: 'a', url: 'not a url' }], 'invalid url "not a url"'],
  ])('rejects %j', (clusters, message) => {
    expect(() => withClusters(clusters)).toThrow(message);
  });

  it('rejects unknown kinds, naming the known ones', () => {
    expect(() => withClusters([], { kinds: ['Deployment', 'Widget'] })).toThrow(
      /unknown kind "Widget"; known kinds are Deployment, StatefulSet/,
    );
  });

  it('reuses the Kubernetes plugin’s service-account clusters when asked, and says which it cannot', () => {
    const config = read({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'shared',
                url: 'https://shared.k8s',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
                skipTLSVerify: true,
              },
              { name: 'gke', url: 'https://gke', authProvider: 'google' },
              {
                name: 'prod',
                url: 'https://other',
                authProvider: 'serviceAccount',
              },
            ],
          },
          { type: 'gke', projectId: 'x' },
        ],
      },
      securityPosture: {
        providers: {
          kubernetes: {
            useKubernetesPluginClusters: true,
            clusters: [{ name: 'prod', url: 'https://prod.k8s' }],
          },
        },
      },
    });
    expect(config.clusters.map(c => [c.name, c.url, c.origin])).toEqual([
      [
        'prod',
        'https://prod.k8s',
        'securityPosture.providers.kubernetes.clusters',
      ],
      ['shared', 'https://shared.k8s', 'kubernetes.clusterLocatorMethods'],
    ]);
    expect(config.warnings).toEqual([
      'kubernetes.clusterLocatorMethods[0].clusters[1] is not reused: kubernetes.clusterLocatorMethods[0].clusters[1]: cluster "gke" uses authProvider "google"; only "serviceAccount" is supported',
    ]);
  });

  it('reads no cluster when disabled', () => {
    expect(
      withClusters([{ name: 'a', url: 'https://a' }], { enabled: false })
        .clusters,
    ).toEqual([]);
  });
});
