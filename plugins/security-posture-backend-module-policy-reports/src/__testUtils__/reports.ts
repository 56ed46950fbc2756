type Json = Record<string, any>;

const ts = (seconds: number) => ({ nanos: 0, seconds });

/**
 * A Kyverno (1.11+) per-resource PolicyReport: the subject in `scope`, results
 * without `resources`, as the Kyverno reports controller writes them.
 */
export function kyvernoReport(
  scope: { apiVersion: string; kind: string; name: string; namespace: string },
  results: Json[],
): Json {
  const uid = `a1b2c3d4-${scope.kind.toLowerCase()}-${scope.name}`;
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 } as Record<
    string,
    number
  >;
  for (const r of results) summary[r.result]++;
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: {
      name: uid,
      namespace: scope.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
      ownerReferences: [
        {
          apiVersion: scope.apiVersion,
          kind: scope.kind,
          name: scope.name,
          uid,
        },
      ],
      resourceVersion: '720507',
      uid: `report-${uid}`,
      creationTimestamp: '2025-12-06T13:19:03Z',
      generation: 2,
    },
    scope: { ...scope, uid },
    results,
    summary,
  };
}

/** A Kyverno result entry. */
export function kyvernoResult(r: {
  policy: string;
  rule: string;
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  category?: string;
  severity?: string;
  message?: string;
}): Json {
  return {
    category: r.category ?? 'Pod Security Standards (Baseline)',
    message:
      r.message ??
      (r.result === 'pass'
        ? `validation rule '${r.rule}' passed.`
        : `validation error: rule ${r.rule} failed`),
    policy: r.policy,
    result: r.result,
    rule: r.rule,
    scored: true,
    severity: r.severity ?? 'medium',
    source: 'kyverno',
    // Seconds as a float, as kubectl prints some of them.
    timestamp: ts(1.701868762e9),
  };
}

/** The PolicyReports and ClusterPolicyReports of the `prod` cluster of the tests. */
export function prodReports(): Json[] {
  const podScope = {
    apiVersion: 'v1',
    kind: 'Pod',
    name: 'payments-api-7d9f8c6b5-x2kqp',
    namespace: 'payments',
  };
  const deploymentScope = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'payments-api',
    namespace: 'payments',
  };
  const rsRef = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: 'payments-api-7d9f8c6b5',
    namespace: 'payments',
    uid: '710f2142-7613-4cf5-aef7-dc65306626e2',
  };
  return [
    // Kyverno, on the Pod (folded into the Deployment) …
    kyvernoReport(podScope, [
      kyvernoResult({
        policy: 'disallow-host-namespaces',
        rule: 'host-namespaces',
        result: 'fail',
        message:
          'validation error: Sharing the host namespaces is disallowed. The fields spec.hostNetwork, spec.hostIPC, and spec.hostPID must be unset or set to `false`. rule host-namespaces failed at path /spec/hostNetwork/',
      }),
      kyvernoResult({
        policy: 'disallow-capabilities',
        rule: 'adding-capabilities',
        result: 'pass',
      }),
    ]),
    // … and on the Deployment itself through Kyverno's autogen rules.
    kyvernoReport(deploymentScope, [
      kyvernoResult({
        policy: 'disallow-host-namespaces',
        rule: 'autogen-host-namespaces',
        result: 'pass',
      }),
      kyvernoResult({
        policy: 'disallow-latest-tag',
        rule: 'autogen-validate-image-tag',
        result: 'fail',
        category: 'Best Practices',
        message:
          "validation error: Using a mutable image tag e.g. 'latest' is not allowed. rule autogen-validate-image-tag failed at path /spec/template/spec/containers/0/image/",
      }),
      kyvernoResult({
        policy: 'require-requests-limits',
        rule: 'autogen-validate-resources',
        result: 'pass',
        category: 'Best Practices, EKS Best Practices',
      }),
      // `policies.kyverno.io/scored: "false"` turns a failure into warn.
      kyvernoResult({
        policy: 'require-pod-probes',
        rule: 'autogen-validate-probes',
        result: 'warn',
        category: 'Best Practices',
      }),
      kyvernoResult({
        policy: 'restrict-image-registries',
        rule: 'autogen-validate-registries',
        result: 'error',
        category: 'Best Practices',
        message:
          'failed to substitute variables in pattern: variable substitution failed for rule autogen-validate-registries: failed to resolve allowedRegistries',
      }),
      // No mapping rule knows this one.
      kyvernoResult({
        policy: 'require-team-label',
        rule: 'autogen-check-team',
        result: 'fail',
        category: 'Multi-Tenancy',
      }),
    ]),
    // Trivy operator vulnerabilities, through trivy-operator-polr-adapter.
    {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: {
        labels: {
          'app.kubernetes.io/created-by': 'trivy-operator-polr-adapter',
          'trivy-operator.source': 'VulnerabilityReport',
        },
        name: 'trivy-vuln-polr-payments-api-7d9f8c6b5',
        namespace: 'payments',
        ownerReferences: [
          { ...rsRef, controller: true, blockOwnerDeletion: false },
        ],
        resourceVersion: '122118',
        uid: '2ea883ef-c060-4e80-ae34-3f9b527c02bc',
      },
      results: [
        {
          category: 'Vulnerability Scan',
          message:
            'openssl: Loading a malicious certificate can crash the process',
          policy: 'CVE-2023-0286',
          properties: {
            'artifact.repository': 'acme/payments-api',
            'artifact.tag': '1.4.2',
            fixedVersion: '3.0.8-r0',
            installedVersion: '3.0.7-r0',
            primaryLink: 'https://avd.aquasec.com/nvd/cve-2023-0286',
            'registry.server': 'registry.acme.test',
            resource: 'libssl3',
            score: '7.4',
          },
          resources: [rsRef],
          result: 'fail',
          severity: 'high',
          source: 'Trivy Vulnerability',
          timestamp: ts(1653395950),
        },
        {
          category: 'Vulnerability Scan',
          message: 'curl: HSTS bypass via IDN',
          policy: 'CVE-2022-43551',
          properties: {
            resource: 'curl',
            score: '7.5',
            installedVersion: '7.86.0-r1',
          },
          resources: [rsRef],
          result: 'fail',
          severity: 'critical',
          source: 'Trivy Vulnerability',
          timestamp: ts(1653395950),
        },
        {
          category: 'Vulnerability Scan',
          message:
            'apt: integer overflows and underflows while parsing .deb packages',
          policy: 'CVE-2020-27350',
          properties: { resource: 'apt', score: '5.7' },
          resources: [rsRef],
          result: 'warn',
          severity: 'medium',
          source: 'Trivy Vulnerability',
          timestamp: ts(1653395950),
        },
      ],
      summary: { error: 0, fail: 2, pass: 0, skip: 0, warn: 1 },
    },
    // Trivy operator config audit of the same ReplicaSet.
    {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: {
        labels: {
          'app.kubernetes.io/created-by': 'trivy-operator-polr-adapter',
          'trivy-operator.source': 'ConfigAuditReport',
        },
        name: 'trivy-audit-polr-payments-api-7d9f8c6b5',
        namespace: 'payments',
      },
      results: [
        {
          category: 'Kubernetes Security Check',
          message:
            "Container 'app' of ReplicaSet 'payments-api-7d9f8c6b5' should set 'securityContext.privileged' to false",
          policy: 'Privileged',
          resources: [rsRef],
          result: 'pass',
          rule: 'KSV017',
          severity: 'high',
          source: 'Trivy ConfigAudit',
          timestamp: ts(1653395950),
        },
        {
          category: 'Kubernetes Security Check',
          message:
            "Container 'app' of ReplicaSet 'payments-api-7d9f8c6b5' should set 'resources.limits.cpu'",
          policy: 'CPU not limited',
          resources: [rsRef],
          result: 'fail',
          rule: 'KSV011',
          severity: 'low',
          source: 'Trivy ConfigAudit',
          timestamp: ts(1653395950),
        },
      ],
    },
    // A cluster-scoped report on the ClusterRoleBinding the service account has.
    {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'ClusterPolicyReport',
      metadata: {
        name: 'c0ffee00-crb-payments-api-admin',
        labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
      },
      scope: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        name: 'payments-api-admin',
      },
      results: [
        kyvernoResult({
          policy: 'restrict-binding-clusteradmin',
          rule: 'clusteradmin-bindings',
          result: 'fail',
          category: 'Security',
          message:
            'validation error: Binding to cluster-admin is not allowed. rule clusteradmin-bindings failed at path /roleRef/name/',
        }),
      ],
    },
    // On an object no entity owns.
    kyvernoReport(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'orphan',
        namespace: 'shared',
      },
      [
        kyvernoResult({
          policy: 'disallow-privileged-containers',
          rule: 'autogen-privileged-containers',
          result: 'fail',
        }),
      ],
    ),
    // In a namespace never listed.
    kyvernoReport(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'coredns',
        namespace: 'kube-system',
      },
      [
        kyvernoResult({
          policy: 'disallow-privileged-containers',
          rule: 'autogen-privileged-containers',
          result: 'fail',
        }),
      ],
    ),
  ];
}

/** The reports of the `eu` cluster of the tests. */
export function euReports(): Json[] {
  return [
    kyvernoReport(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'payments-eu',
        namespace: 'payments-eu',
      },
      [
        kyvernoResult({
          policy: 'disallow-privileged-containers',
          rule: 'autogen-privileged-containers',
          result: 'fail',
          message:
            'validation error: Privileged mode is disallowed. The fields spec.containers[*].securityContext.privileged and spec.initContainers[*].securityContext.privileged must be unset or set to `false`. rule autogen-privileged-containers failed at path /spec/template/spec/containers/0/securityContext/privileged/',
        }),
      ],
    ),
  ];
}

/** A Kubescape control as its results name it: id, name, severity, description. */
interface KubescapeControl {
  id: string;
  name: string;
  /** Kubescape's score-factor severity, lower-cased; `info` when unknown. */
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  description: string;
}

/** The controls the Kubescape reports of the tests name (ids and severities as in Kubescape's library). */
export const KUBESCAPE_CONTROLS = {
  privilegeEscalation: {
    id: 'C-0016',
    name: 'Allow privilege escalation',
    severity: 'medium',
    description:
      'Attackers may gain access to a container and uplift its privilege to enable excessive capabilities.',
  },
  immutableFilesystem: {
    id: 'C-0017',
    name: 'Immutable container filesystem',
    severity: 'low',
    description:
      'Mutable container filesystem can be abused to inject malicious code or data into containers. Use immutable (read-only) filesystem to limit potential attacks.',
  },
  readinessProbe: {
    id: 'C-0018',
    name: 'Configured readiness probe',
    severity: 'low',
    description:
      'Readiness probe is intended to ensure that workload is ready to process network traffic. It is highly recommended to define readiness probe for every worker container. This control finds all the pods where the readiness probe is not configured.',
  },
  privileged: {
    id: 'C-0057',
    name: 'Privileged container',
    severity: 'high',
    description:
      'Potential attackers may gain access to privileged containers and inherit access to the host resources. Therefore, it is not recommended to deploy privileged containers unless it is absolutely necessary.',
  },
  cpuLimits: {
    id: 'C-0270',
    name: 'Ensure CPU limits are set',
    severity: 'high',
    description:
      'This control identifies all Pods for which the CPU limits are not set.',
  },
  hostPort: {
    id: 'C-0044',
    name: 'Container hostPort',
    severity: 'medium',
    description:
      'Configuring hostPort requires a particular port number. If two objects specify the same HostPort, they could not be deployed to the same node. It may prevent the second object from starting, even if Kubernetes will try reschedule it on another node, provided there are available nodes with sufficient amount of resources. Also, if the number of replicas of such workload is higher than the number of nodes, the deployment will consistently fail.',
  },
  administrativeRoles: {
    id: 'C-0035',
    name: 'Administrative Roles',
    severity: 'high',
    description:
      'Attackers who have cluster admin permissions (can perform any action on any resource), can take advantage of their privileges for malicious activities. This control determines which subjects have cluster admin permissions.',
  },
} satisfies Record<string, KubescapeControl>;

/**
 * One result of a Kubescape PolicyReport: `policy` is the control id, `rule` the
 * control's name, `message` its description, `properties.controlURL` its page;
 * every result names its one resource (no uid). Kubescape sets no `category`.
 */
export function kubescapeResult(
  control: KubescapeControl,
  result: 'pass' | 'fail' | 'skip',
  resource: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  },
): Json {
  return {
    source: 'kubescape',
    policy: control.id,
    rule: control.name,
    severity: control.severity,
    result,
    message: control.description,
    // metav1.Time, as Kubescape marshals it (RFC 3339), not the `{ seconds,
    // nanos }` of the CRD schema.
    timestamp: '2026-08-14T09:12:44Z',
    resources: [resource],
    properties: {
      controlURL: `https://hub.armosec.io/docs/${control.id.toLowerCase()}`,
    },
  };
}

function kubescapeSummary(results: Json[]) {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 } as Record<
    string,
    number
  >;
  for (const r of results) summary[r.result]++;
  return summary;
}

/**
 * The shape of Kubescape's PolicyReport output (`kubescape scan --format
 * policyreport`, kubescape/kubescape core/pkg/resultshandling/printer/v2/
 * policyreportprinter.go): one `PolicyReport` per namespace named
 * `kubescape-<cluster>-<namespace>`, and one `ClusterPolicyReport` for
 * cluster-scoped objects whose `scope` is the scanned cluster
 * (`{ apiVersion: v1, kind: Cluster }`), labelled
 * `app.kubernetes.io/managed-by: kubescape` and `kubescape.io/cluster`. The
 * subject of each result is in its `resources[]`, not in `scope`. Kubescape's
 * in-cluster operator writes its own CRDs (WorkloadConfigurationScan) instead,
 * so these are the reports of a scan of the `prod` cluster applied to it.
 */
export function kubescapeReports(cluster = 'prod'): Json[] {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'payments-api',
    namespace: 'payments',
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    name: 'payments-api-admin',
  };
  const labels = {
    'app.kubernetes.io/managed-by': 'kubescape',
    'kubescape.io/cluster': cluster,
  };
  const C = KUBESCAPE_CONTROLS;
  const namespaced = [
    kubescapeResult(C.privilegeEscalation, 'fail', deployment),
    kubescapeResult(C.immutableFilesystem, 'fail', deployment),
    kubescapeResult(C.readinessProbe, 'fail', deployment),
    kubescapeResult(C.privileged, 'pass', deployment),
    kubescapeResult(C.cpuLimits, 'fail', deployment),
    // No default rule knows this control.
    kubescapeResult(C.hostPort, 'fail', deployment),
  ];
  const clusterScoped = [
    kubescapeResult(C.administrativeRoles, 'fail', binding),
  ];
  return [
    {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: {
        name: `kubescape-${cluster}-payments`,
        namespace: 'payments',
        labels,
        resourceVersion: '918220',
        uid: '5b0d3c1e-8f7a-4f43-9d8e-kubescape-payments',
        creationTimestamp: '2026-08-14T09:13:02Z',
      },
      results: namespaced,
      summary: kubescapeSummary(namespaced),
    },
    {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'ClusterPolicyReport',
      metadata: {
        name: `kubescape-${cluster}`,
        labels,
        resourceVersion: '918221',
        uid: '7c2e4d5f-9a8b-4c54-8e9f-kubescape-cluster',
        creationTimestamp: '2026-08-14T09:13:02Z',
      },
      scope: { apiVersion: 'v1', kind: 'Cluster', name: cluster },
      results: clusterScoped,
      summary: kubescapeSummary(clusterScoped),
    },
  ];
}
