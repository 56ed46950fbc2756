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
