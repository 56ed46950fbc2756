import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { type CheckDefinition, PASS, SKIP } from '../../model/check';
import type { Resource } from '../../model/resource';
import type {
  KubernetesIngressAttributes,
  KubernetesNamespaceAttributes,
  KubernetesNetworkPolicyAttributes,
  KubernetesServiceAttributes,
} from '../types';
import { failure, GUIDE, listNames } from './util';

/**
 * Network checks: NetworkPolicy coverage of namespaces (any policy, default-deny
 * ingress, restricted egress), Services exposed outside the cluster, Ingress TLS.
 */

type PolicyResource = Resource<KubernetesNetworkPolicyAttributes>;

const SEGMENTATION = (cis: string[]) => ({
  'cis-kubernetes': cis,
  'nist-800-53': ['AC-4', 'SC-7'],
  soc2: ['CC6.6'],
  'pci-dss': ['1.2.1', '1.3.1'],
  'iso-27001': ['A.8.20', 'A.8.22'],
});

function policiesOf(
  namespace: Resource<KubernetesNamespaceAttributes>,
  ctx: Parameters<CheckDefinition['evaluate']>[1],
): readonly PolicyResource[] {
  return ctx.resources.inNamespace<KubernetesNetworkPolicyAttributes>(
    'k8s.networkpolicy',
    namespace.name,
  );
}

/** Evidence when a namespace has no NetworkPolicy at all. */
function noPolicies(namespace: string): Evidence[] {
  return [{ path: 'metadata.name', value: namespace }];
}

/** Evidence naming the policies that exist but do not do the job. */
function policyEvidence(
  policies: readonly PolicyResource[],
  field: (p: PolicyResource) => Evidence,
): Evidence[] {
  return policies.slice(0, 5).map(p => ({ ...field(p), address: p.uid }));
}

export const namespaceNetworkPolicyCheck: CheckDefinition<KubernetesNamespaceAttributes> =
  {
    id: 'k8s-namespace-network-policy',
    title: 'Namespaces have NetworkPolicies',
    description:
      'A namespace without any NetworkPolicy accepts traffic from, and sends traffic to, every pod in the cluster: one compromised pod anywhere reaches all of its services.',
    severity: 'medium',
    category: 'network',
    control: 'deny_default_network_policies',
    weight: 8,
    appliesTo: ['k8s.namespace'],
    frameworks: SEGMENTATION(['5.3.2']),
    remediation: {
      text: 'Add NetworkPolicies to the namespace, starting with a default-deny policy (podSelector: {}, policyTypes: [Ingress, Egress]) and explicit allow rules.',
      url: GUIDE.networkPolicies,
    },
    origin: 'builtin',
    evaluate(resource, ctx) {
      if (policiesOf(resource, ctx).length > 0) return PASS;
      return failure(
        `Namespace ${resource.name} has no NetworkPolicy`,
        noPolicies(resource.name),
      );
    },
  };

/** A policy isolates every pod of its namespace for a direction, allowing only its rules. */
function isolatesAll(p: PolicyResource, direction: 'Ingress' | 'Egress') {
  const a = p.attributes;
  if (!a.selectsAllPods || !a.policyTypes.includes(direction)) return false;
  const rules = direction === 'Ingress' ? a.ingress : a.egress;
  for (let i = 0; i < rules.length; i++) if (rules[i].allowsAll) return false;
  return true;
}

export const namespaceDefaultDenyCheck: CheckDefinition<KubernetesNamespaceAttributes> =
  {
    id: 'k8s-namespace-default-deny',
    title: 'Namespaces deny ingress by default',
    description:
      'Without a policy that selects every pod (podSelector: {}) for Ingress and does not allow all, new pods in the namespace are reachable from anywhere in the cluster until someone remembers to write a policy.',
    severity: 'medium',
    category: 'network',
    control: 'deny_default_network_policies',
    weight: 8,
    appliesTo: ['k8s.namespace'],
    frameworks: SEGMENTATION(['5.3.2']),
    remediation: {
      text: 'Add a default-deny NetworkPolicy: podSelector: {} with policyTypes: [Ingress] and no ingress rules, then allow the traffic each workload needs.',
      url: GUIDE.networkPolicies,
    },
    origin: 'builtin',
    evaluate(resource, ctx) {
      const policies = policiesOf(resource, ctx);
      for (let i = 0; i < policies.length; i++) {
        if (isolatesAll(policies[i], 'Ingress')) return PASS;
      }
      if (policies.length === 0) {
        return failure(
          `Namespace ${resource.name} has no NetworkPolicy, so no default deny`,
          noPolicies(resource.name),
        );
      }
      return failure(
        `None of the ${policies.length} NetworkPolicies of namespace ${resource.name} denies ingress to all pods by default`,
        policyEvidence(policies, p => ({
          path: 'spec.podSelector',
          value: p.attributes.podSelector,
        })),
      );
    },
  };

export const namespaceEgressCheck: CheckDefinition<KubernetesNamespaceAttributes> =
  {
    id: 'k8s-namespace-egress-restricted',
    title: 'Namespaces restrict egress',
    description:
      'Without an Egress policy selecting every pod, or with a rule allowing all destinations on all ports, a compromised pod can exfiltrate data and reach any internal or internet endpoint.',
    severity: 'medium',
    category: 'network',
    control: 'egress_filtered',
    weight: 6,
    appliesTo: ['k8s.namespace'],
    frameworks: {
      'cis-kubernetes': ['5.3.2'],
      'nist-800-53': ['AC-4', 'SC-7(5)'],
      soc2: ['CC6.6'],
      'pci-dss': ['1.3.2'],
      'iso-27001': ['A.8.20', 'A.8.22'],
    },
    remediation: {
      text: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] that allows only DNS and the destinations the workloads need; remove egress rules that allow everything.',
      url: GUIDE.networkPolicies,
    },
    origin: 'builtin',
    evaluate(resource, ctx) {
      const policies = policiesOf(resource, ctx);
      if (policies.length === 0) {
        return failure(
          `Namespace ${resource.name} has no NetworkPolicy, so egress is unrestricted`,
          noPolicies(resource.name),
        );
      }
      // Rules allowing everything undo the restriction for the pods they select.
      let open: Evidence[] | undefined;
      let isolated = false;
      for (const p of policies) {
        const a = p.attributes;
        if (!a.policyTypes.includes('Egress')) continue;
        if (a.selectsAllPods) isolated = true;
        for (let i = 0; i < a.egress.length; i++) {
          if (a.egress[i].allowsAll) {
            (open ??= []).push({
              address: p.uid,
              path: `spec.egress[${i}]`,
              value: a.egress[i].peers.length ? { to: a.egress[i].peers } : {},
            });
          }
        }
      }
      if (open) {
        return failure(
          `NetworkPolicies in ${resource.name} allow egress to every destination`,
          open,
        );
      }
      if (isolated) return PASS;
      return failure(
        `No NetworkPolicy in ${resource.name} restricts egress of all pods`,
        policyEvidence(policies, p => ({
          path: 'spec.policyTypes',
          value: p.attributes.policyTypes,
        })),
      );
    },
  };

// ---------------------------------------------------------------------------
// Services

const INTERNET = new Set(['0.0.0.0/0', '::/0']);

/**
 * Why a Service is reachable from outside the cluster network without a source
 * restriction, as evidence, or undefined when it is not.
 */
export function serviceExposure(
  a: KubernetesServiceAttributes,
): Evidence[] | undefined {
  if (a.serviceType === 'NodePort') {
    return [{ path: 'spec.type', value: 'NodePort' }];
  }
  if (a.serviceType !== 'LoadBalancer' || a.internalLoadBalancer) {
    return undefined;
  }
  const ranges = a.loadBalancerSourceRanges;
  if (!ranges || ranges.length === 0) {
    return [
      { path: 'spec.type', value: 'LoadBalancer' },
      { path: 'spec.loadBalancerSourceRanges', value: ranges },
    ];
  }
  for (let i = 0; i < ranges.length; i++) {
    if (INTERNET.has(ranges[i].trim())) {
      return [
        { path: 'spec.type', value: 'LoadBalancer' },
        { path: `spec.loadBalancerSourceRanges[${i}]`, value: ranges[i] },
      ];
    }
  }
  return undefined;
}

export const serviceExposureCheck: CheckDefinition<KubernetesServiceAttributes> =
  {
    id: 'k8s-service-public-exposure',
    title: 'Services are not exposed without source restrictions',
    description:
      'A LoadBalancer Service without loadBalancerSourceRanges (or allowing 0.0.0.0/0), unless made internal by a cloud annotation, is reachable from the internet; a NodePort Service opens its port on every node.',
    severity: 'medium',
    category: 'network',
    control: 'deny_default_network_policies',
    weight: 6,
    appliesTo: ['k8s.service'],
    frameworks: {
      'nist-800-53': ['AC-4', 'SC-7'],
      soc2: ['CC6.6'],
      'pci-dss': ['1.3.1', '1.4.2'],
      'iso-27001': ['A.8.20', 'A.8.21'],
    },
    remediation: {
      text: "Set loadBalancerSourceRanges to the client networks, make the load balancer internal with your cloud's annotation, or publish HTTP services through an Ingress instead of a NodePort/LoadBalancer.",
      url: GUIDE.loadBalancerSourceRanges,
    },
    origin: 'builtin',
    evaluate(resource) {
      const a = resource.attributes;
      if (a.serviceType === 'ExternalName') return SKIP;
      const exposure = serviceExposure(a);
      if (!exposure) return PASS;
      return failure(
        a.serviceType === 'NodePort'
          ? `Service ${resource.name} opens node ports on every node`
          : `Service ${resource.name} is an internet-facing load balancer open to any source`,
        exposure,
      );
    },
  };

/** Well-known database and data-store ports and port names. */
const DATABASE_PORTS = new Map<number, string>([
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [2379, 'etcd'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [5984, 'CouchDB'],
  [6379, 'Redis'],
  [7000, 'Cassandra'],
  [7687, 'Neo4j'],
  [8086, 'InfluxDB'],
  [8123, 'ClickHouse'],
  [9042, 'Cassandra'],
  [9200, 'Elasticsearch'],
  [9300, 'Elasticsearch'],
  [11211, 'Memcached'],
  [26257, 'CockroachDB'],
  [27017, 'MongoDB'],
  [28015, 'RethinkDB'],
  [50000, 'Db2'],
]);
const DATABASE_PORT_NAMES =
  /^(mysql|postgres|postgresql|pg|redis|mongo|mongodb|mssql|sqlserver|oracle|cassandra|cql|elasticsearch|es-http|memcached|couchdb|etcd|neo4j|bolt|clickhouse|cockroach|influxdb|db|database)$/i;

function databasePort(
  port: KubernetesServiceAttributes['ports'][number],
): string | undefined {
  const byNumber =
    (port.port !== undefined && DATABASE_PORTS.get(port.port)) ||
    (typeof port.targetPort === 'number' &&
      DATABASE_PORTS.get(port.targetPort));
  if (byNumber) return byNumber;
  if (port.name && DATABASE_PORT_NAMES.test(port.name)) return port.name;
  if (
    typeof port.targetPort === 'string' &&
    DATABASE_PORT_NAMES.test(port.targetPort)
  ) {
    return port.targetPort;
  }
  return undefined;
}

export const databaseExposureCheck: CheckDefinition<KubernetesServiceAttributes> =
  {
    id: 'k8s-service-database-exposed',
    title: 'Databases are not exposed outside the cluster',
    description:
      'A Service on a database port (PostgreSQL, MySQL, Redis, MongoDB, Elasticsearch …) of type NodePort or an internet-facing LoadBalancer without source restrictions puts the data store on the network for anyone to try.',
    severity: 'critical',
    category: 'network',
    control: 'no_public_databases',
    weight: 10,
    appliesTo: ['k8s.service'],
    frameworks: {
      'nist-800-53': ['AC-3', 'SC-7'],
      soc2: ['CC6.1', 'CC6.6'],
      'pci-dss': ['1.3.1', '1.4.4'],
      'iso-27001': ['A.8.20', 'A.8.22'],
    },
    remediation: {
      text: 'Make the Service a ClusterIP reachable only inside the cluster (and restrict it with a NetworkPolicy); for access from outside, use an internal load balancer with loadBalancerSourceRanges or a bastion/VPN.',
      url: GUIDE.loadBalancerSourceRanges,
    },
    origin: 'builtin',
    evaluate(resource) {
      const a = resource.attributes;
      if (a.serviceType === 'ExternalName') return SKIP;
      const exposure = serviceExposure(a);
      if (!exposure) return PASS;
      let evidence: Evidence[] | undefined;
      let engines: string[] | undefined;
      for (let i = 0; i < a.ports.length; i++) {
        const engine = databasePort(a.ports[i]);
        if (!engine) continue;
        (evidence ??= [...exposure]).push({
          path: `spec.ports[${i}].port`,
          value: a.ports[i].port,
        });
        (engines ??= []).push(engine);
      }
      if (!evidence || !engines) return PASS;
      return failure(
        `Database port${engines.length > 1 ? 's' : ''} (${listNames([
          ...new Set(engines),
        ])}) exposed outside the cluster`,
        evidence,
      );
    },
  };

// ---------------------------------------------------------------------------
// Ingress

/** Whether a TLS host entry covers a rule host (`*.example.com` covers one label). */
function coveredBy(host: string, tlsHost: string): boolean {
  if (tlsHost === host) return true;
  if (tlsHost.startsWith('*.')) {
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot) === tlsHost.slice(1);
  }
  return false;
}

export const ingressTlsCheck: CheckDefinition<KubernetesIngressAttributes> = {
  id: 'k8s-ingress-tls',
  title: 'Ingresses serve TLS',
  description:
    'An Ingress without spec.tls, or whose hosts are not all covered by a TLS entry, serves those hosts over plain HTTP: credentials and data travel unencrypted.',
  severity: 'high',
  category: 'network',
  control: 'tls_1_2_minimum',
  weight: 8,
  appliesTo: ['k8s.ingress'],
  frameworks: {
    'nist-800-53': ['SC-8', 'SC-13'],
    soc2: ['CC6.7'],
    'pci-dss': ['4.2.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Add a spec.tls entry listing every host with a certificate Secret (for example issued by cert-manager), and redirect HTTP to HTTPS in the ingress controller.',
    url: GUIDE.ingressTls,
  },
  origin: 'builtin',
  evaluate(resource) {
    const a = resource.attributes;
    if (a.tls.length === 0) {
      return failure(`Ingress ${resource.name} has no TLS`, [
        { path: 'spec.tls', value: undefined },
      ]);
    }
    // A TLS entry without hosts covers the controller's default host.
    for (let i = 0; i < a.tls.length; i++)
      if (a.tls[i].hosts.length === 0) return PASS;
    let evidence: Evidence[] | undefined;
    for (let i = 0; i < a.ruleHosts.length; i++) {
      const host = a.ruleHosts[i];
      if (host === undefined) continue;
      let covered = false;
      for (let t = 0; t < a.tls.length && !covered; t++) {
        const hosts = a.tls[t].hosts;
        for (let h = 0; h < hosts.length && !covered; h++) {
          covered = coveredBy(host, hosts[h]);
        }
      }
      if (!covered)
        (evidence ??= []).push({ path: `spec.rules[${i}].host`, value: host });
    }
    if (!evidence) return PASS;
    return failure(
      `Hosts served without TLS: ${listNames(
        evidence.map(e => String(e.value)),
      )}`,
      evidence,
    );
  },
};

/** Every network check of this module. */
export const NETWORK_CHECKS = [
  namespaceNetworkPolicyCheck,
  namespaceDefaultDenyCheck,
  namespaceEgressCheck,
  serviceExposureCheck,
  databaseExposureCheck,
  ingressTlsCheck,
];
