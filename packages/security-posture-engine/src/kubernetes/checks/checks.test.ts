import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import type { Resource } from '../../model/resource';
import { evaluateOn, normalizeFixture, pick } from '../__fixtures__/harness';
import { KUBERNETES_CHECKS } from './index';

/**
 * Every built-in Kubernetes check on realistic fixtures: a failing case with the
 * exact evidence a user would see, a passing case, and a not-applicable case where
 * one exists. The expected evidence is written out by hand from the fixtures.
 */

const FIXTURES = [
  'workloads-hardened.yaml',
  'workloads-insecure.yaml',
  'rbac.yaml',
  'network.yaml',
  'config-and-secrets.yaml',
] as const;
type Fixture = (typeof FIXTURES)[number];

const loaded = new Map<Fixture, Resource[]>();
function resourcesOf(fixture: Fixture): Resource[] {
  let resources = loaded.get(fixture);
  if (!resources) {
    const result = normalizeFixture(fixture);
    expect(result.errors).toEqual([]);
    resources = result.resources;
    loaded.set(fixture, resources);
  }
  return resources;
}

interface Case {
  check: string;
  fixture: Fixture;
  /** `Kind/name` or `Kind/namespace/name`. */
  object: string;
  status: 'pass' | 'fail' | 'skip';
  evidence?: Evidence[];
}

const H: Fixture = 'workloads-hardened.yaml';
const I: Fixture = 'workloads-insecure.yaml';
const R: Fixture = 'rbac.yaml';
const N: Fixture = 'network.yaml';
const C: Fixture = 'config-and-secrets.yaml';

const DS = 'spec.template.spec';
const CJ = 'spec.jobTemplate.spec.template.spec';
const notSet = undefined;

const CASES: Case[] = [
  // no_privileged_containers
  {
    check: 'k8s-privileged-container',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [
      { path: `${DS}.containers[0].securityContext.privileged`, value: true },
    ],
  },
  {
    check: 'k8s-privileged-container',
    fixture: I,
    object: 'DaemonSet/windows-host-process',
    status: 'fail',
    evidence: [
      { path: `${DS}.securityContext.windowsOptions.hostProcess`, value: true },
    ],
  },
  {
    check: 'k8s-privileged-container',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-root-host-network',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [
      { path: `${DS}.hostNetwork`, value: true },
      { path: `${DS}.securityContext.runAsNonRoot`, value: notSet },
    ],
  },
  {
    check: 'k8s-root-host-network',
    fixture: I,
    object: 'Deployment/host-network-nonroot',
    status: 'pass',
  },
  {
    check: 'k8s-root-host-network',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-root-host-network',
    fixture: I,
    object: 'DaemonSet/windows-host-process',
    status: 'skip',
  },
  {
    check: 'k8s-host-network',
    fixture: I,
    object: 'Deployment/host-network-nonroot',
    status: 'fail',
    evidence: [{ path: `${DS}.hostNetwork`, value: true }],
  },
  {
    check: 'k8s-host-network',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-host-pid',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [{ path: `${DS}.hostPID`, value: true }],
  },
  {
    check: 'k8s-host-pid',
    fixture: I,
    object: 'Deployment/host-network-nonroot',
    status: 'pass',
  },
  {
    check: 'k8s-host-ipc',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [{ path: `${DS}.hostIPC`, value: true }],
  },
  {
    check: 'k8s-host-ipc',
    fixture: I,
    object: 'Deployment/host-network-nonroot',
    status: 'pass',
  },
  {
    check: 'k8s-host-path-volume',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [
      { path: `${DS}.volumes[1].hostPath.path`, value: '/var/run/docker.sock' },
    ],
  },
  {
    check: 'k8s-host-path-volume',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-dangerous-capabilities',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [
      {
        path: `${DS}.containers[0].securityContext.capabilities.add[0]`,
        value: 'SYS_ADMIN',
      },
      {
        path: `${DS}.containers[0].securityContext.capabilities.add[2]`,
        value: 'cap_net_admin',
      },
    ],
  },
  // Adds NET_BIND_SERVICE only, which the baseline allows.
  {
    check: 'k8s-dangerous-capabilities',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-host-port',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [{ path: `${DS}.containers[0].ports[0].hostPort`, value: 9100 }],
  },
  {
    check: 'k8s-host-port',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },

  // pod_security_standards
  {
    check: 'k8s-allow-privilege-escalation',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      {
        path: 'spec.containers[0].securityContext.allowPrivilegeEscalation',
        value: notSet,
      },
    ],
  },
  {
    check: 'k8s-allow-privilege-escalation',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },
  {
    check: 'k8s-allow-privilege-escalation',
    fixture: I,
    object: 'Deployment/windows-app',
    status: 'skip',
  },
  {
    // The pod says non-root, the db container overrides with uid 0; metrics inherits.
    check: 'k8s-run-as-root',
    fixture: I,
    object: 'StatefulSet/root-override',
    status: 'fail',
    evidence: [
      { path: `${DS}.containers[0].securityContext.runAsUser`, value: 0 },
    ],
  },
  {
    check: 'k8s-run-as-root',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [{ path: 'spec.securityContext.runAsUser', value: 0 }],
  },
  {
    // Nothing set anywhere: one pod-level finding for the three containers.
    check: 'k8s-run-as-root',
    fixture: I,
    object: 'CronJob/backup',
    status: 'fail',
    evidence: [{ path: `${CJ}.securityContext.runAsNonRoot`, value: notSet }],
  },
  {
    check: 'k8s-run-as-root',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },
  {
    check: 'k8s-run-as-root',
    fixture: H,
    object: 'Pod/debug-shell',
    status: 'pass',
  },
  {
    check: 'k8s-run-as-root',
    fixture: I,
    object: 'Deployment/windows-app',
    status: 'skip',
  },
  {
    check: 'k8s-read-only-root-filesystem',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      {
        path: 'spec.containers[0].securityContext.readOnlyRootFilesystem',
        value: notSet,
      },
    ],
  },
  {
    check: 'k8s-read-only-root-filesystem',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-read-only-root-filesystem',
    fixture: I,
    object: 'Deployment/windows-app',
    status: 'skip',
  },
  {
    check: 'k8s-seccomp-profile',
    fixture: I,
    object: 'StatefulSet/root-override',
    status: 'fail',
    evidence: [
      {
        path: `${DS}.containers[0].securityContext.seccompProfile.type`,
        value: 'Unconfined',
      },
    ],
  },
  {
    check: 'k8s-seccomp-profile',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      { path: 'spec.securityContext.seccompProfile.type', value: notSet },
    ],
  },
  {
    check: 'k8s-seccomp-profile',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  // Legacy annotation runtime/default.
  {
    check: 'k8s-seccomp-profile',
    fixture: H,
    object: 'Pod/debug-shell',
    status: 'pass',
  },
  {
    check: 'k8s-seccomp-profile',
    fixture: I,
    object: 'Deployment/windows-app',
    status: 'skip',
  },
  {
    check: 'k8s-capabilities-drop-all',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      {
        path: 'spec.containers[0].securityContext.capabilities.drop',
        value: notSet,
      },
    ],
  },
  // drop: ["all"], lower case.
  {
    check: 'k8s-capabilities-drop-all',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },
  {
    check: 'k8s-capabilities-drop-all',
    fixture: I,
    object: 'Deployment/windows-app',
    status: 'skip',
  },

  // resource_limits_enforced
  {
    check: 'k8s-memory-limit',
    fixture: I,
    object: 'CronJob/backup',
    status: 'fail',
    evidence: [
      { path: `${CJ}.containers[0].resources.limits.memory`, value: notSet },
      {
        path: `${CJ}.initContainers[0].resources.limits.memory`,
        value: notSet,
      },
      {
        path: `${CJ}.initContainers[1].resources.limits.memory`,
        value: notSet,
      },
    ],
  },
  {
    check: 'k8s-memory-limit',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-cpu-limit',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      { path: 'spec.containers[0].resources.limits.cpu', value: notSet },
    ],
  },
  {
    check: 'k8s-cpu-limit',
    fixture: H,
    object: 'Pod/debug-shell',
    status: 'pass',
  },
  {
    check: 'k8s-resource-requests',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      { path: 'spec.containers[0].resources.requests.cpu', value: notSet },
      { path: 'spec.containers[0].resources.requests.memory', value: notSet },
    ],
  },
  // Limits only: requests default to the limits.
  {
    check: 'k8s-resource-requests',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },

  // images_scanned
  {
    check: 'k8s-image-mutable-tag',
    fixture: I,
    object: 'DaemonSet/node-agent',
    status: 'fail',
    evidence: [
      { path: `${DS}.containers[0].image`, value: 'example/node-agent' },
    ],
  },
  {
    check: 'k8s-image-mutable-tag',
    fixture: I,
    object: 'Pod/root-pod',
    status: 'fail',
    evidence: [
      { path: 'spec.containers[0].image', value: 'example/app:latest' },
    ],
  },
  {
    check: 'k8s-image-mutable-tag',
    fixture: I,
    object: 'CronJob/backup',
    status: 'fail',
    evidence: [
      { path: `${CJ}.containers[0].image`, value: 'example/backup:stable' },
    ],
  },
  // Digest; registry with a port and a version tag.
  {
    check: 'k8s-image-mutable-tag',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-image-mutable-tag',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },

  {
    check: 'k8s-image-digest',
    fixture: I,
    object: 'StatefulSet/root-override',
    status: 'fail',
    evidence: [
      { path: `${DS}.containers[0].image`, value: 'postgres:16.3' },
      {
        path: `${DS}.containers[1].image`,
        value: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
      },
    ],
  },
  {
    check: 'k8s-image-digest',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },

  // sensitive_data_classified
  {
    check: 'k8s-secret-in-env',
    fixture: I,
    object: 'CronJob/backup',
    status: 'fail',
    evidence: [
      {
        path: `${CJ}.containers[0].env[0].value`,
        value: '<redacted: 14 characters>',
      },
      {
        path: `${CJ}.initContainers[1].env[0].value`,
        value: '<redacted: 20 characters>',
      },
      {
        path: `${CJ}.initContainers[1].env[1].value`,
        value: '<redacted: 40 characters>',
      },
    ],
  },
  // Secret references, a *_FILE path, a $(VAR) reference and a token URL.
  {
    check: 'k8s-secret-in-env',
    fixture: H,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-configmap-secret-data',
    fixture: C,
    object: 'ConfigMap/legacy-config',
    status: 'fail',
    evidence: [
      { path: 'data["db.password"]', value: '<redacted: 18 characters>' },
      { path: 'data.DATABASE_URL', value: '<redacted: 53 characters>' },
      { path: 'data.GITHUB_TOKEN', value: '<redacted: 40 characters>' },
    ],
  },
  {
    check: 'k8s-configmap-secret-data',
    fixture: C,
    object: 'ConfigMap/payments-config',
    status: 'pass',
  },
  {
    check: 'k8s-missing-owner-labels',
    fixture: N,
    object: 'Namespace/legacy',
    status: 'fail',
    evidence: [
      { path: 'metadata.labels.owner', value: notSet },
      { path: 'metadata.labels.team', value: notSet },
    ],
  },
  {
    check: 'k8s-missing-owner-labels',
    fixture: N,
    object: 'Ingress/plain-http',
    status: 'fail',
    evidence: [
      { path: 'metadata.labels.owner', value: notSet },
      { path: 'metadata.labels.team', value: notSet },
    ],
  },
  {
    check: 'k8s-missing-owner-labels',
    fixture: N,
    object: 'Namespace/payments',
    status: 'pass',
  },
  {
    check: 'k8s-missing-owner-labels',
    fixture: N,
    object: 'Ingress/shop',
    status: 'pass',
  },
  // example.com/owner and backstage.io/kubernetes-id.
  {
    check: 'k8s-missing-owner-labels',
    fixture: H,
    object: 'CronJob/nightly-report',
    status: 'pass',
  },
  {
    check: 'k8s-missing-owner-labels',
    fixture: H,
    object: 'Pod/debug-shell',
    status: 'pass',
  },

  // no_overprivileged_roles
  {
    check: 'k8s-rbac-wildcard-role',
    fixture: R,
    object: 'ClusterRole/ops-everything',
    status: 'fail',
    evidence: [{ path: 'rules[1].verbs', value: ['*'] }],
  },
  {
    check: 'k8s-rbac-wildcard-role',
    fixture: R,
    object: 'Role/app-reader',
    status: 'pass',
  },
  {
    check: 'k8s-rbac-wildcard-role',
    fixture: R,
    object: 'ClusterRole/cluster-admin',
    status: 'skip',
  },
  {
    check: 'k8s-rbac-secrets-access',
    fixture: R,
    object: 'ClusterRole/secret-reader',
    status: 'fail',
    evidence: [{ path: 'rules[0].verbs', value: ['get', 'list', 'watch'] }],
  },
  // get on one named Secret.
  {
    check: 'k8s-rbac-secrets-access',
    fixture: R,
    object: 'Role/app-reader',
    status: 'pass',
  },
  {
    check: 'k8s-rbac-escalation-verbs',
    fixture: R,
    object: 'ClusterRole/impersonator',
    status: 'fail',
    evidence: [{ path: 'rules[0].verbs[0]', value: 'impersonate' }],
  },
  {
    check: 'k8s-rbac-escalation-verbs',
    fixture: R,
    object: 'ClusterRole/secret-reader',
    status: 'pass',
  },
  {
    check: 'k8s-rbac-cluster-admin-binding',
    fixture: R,
    object: 'ClusterRoleBinding/ci-deployer-admin',
    status: 'fail',
    evidence: [
      { path: 'roleRef.name', value: 'cluster-admin' },
      {
        path: 'subjects[0]',
        value: { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' },
      },
    ],
  },
  {
    check: 'k8s-rbac-cluster-admin-binding',
    fixture: R,
    object: 'RoleBinding/app-reader',
    status: 'pass',
  },
  // The bootstrap binding of system:masters.
  {
    check: 'k8s-rbac-cluster-admin-binding',
    fixture: R,
    object: 'ClusterRoleBinding/cluster-admin',
    status: 'skip',
  },
  {
    check: 'k8s-rbac-wildcard-role-binding',
    fixture: R,
    object: 'ClusterRoleBinding/ops-everything',
    status: 'fail',
    evidence: [
      { path: 'roleRef.name', value: 'ops-everything' },
      {
        address:
          'k8s:/rbac.authorization.k8s.io/v1/ClusterRole//ops-everything',
        path: 'rules[1].verbs',
        value: ['*'],
      },
      { path: 'subjects[0]', value: { kind: 'Group', name: 'ops' } },
      {
        path: 'subjects[1]',
        value: { kind: 'Group', name: 'system:serviceaccounts:batch' },
      },
    ],
  },
  {
    check: 'k8s-rbac-wildcard-role-binding',
    fixture: R,
    object: 'RoleBinding/app-reader',
    status: 'pass',
  },
  {
    check: 'k8s-rbac-wildcard-role-binding',
    fixture: R,
    object: 'RoleBinding/to-missing-role',
    status: 'skip',
  },
  {
    check: 'k8s-workload-overprivileged-service-account',
    fixture: R,
    object: 'Deployment/deployer',
    status: 'fail',
    evidence: [
      { path: `${DS}.serviceAccountName`, value: 'deployer' },
      {
        address:
          'k8s:/rbac.authorization.k8s.io/v1/ClusterRoleBinding//ci-deployer-admin',
        path: 'roleRef.name',
        value: 'cluster-admin',
      },
    ],
  },
  {
    // The default service account of batch, bound through its group.
    check: 'k8s-workload-overprivileged-service-account',
    fixture: R,
    object: 'Job/migrate',
    status: 'fail',
    evidence: [
      { path: `${DS}.serviceAccountName`, value: notSet },
      {
        address:
          'k8s:/rbac.authorization.k8s.io/v1/ClusterRoleBinding//ops-everything',
        path: 'roleRef.name',
        value: 'ops-everything',
      },
    ],
  },
  {
    check: 'k8s-workload-overprivileged-service-account',
    fixture: R,
    object: 'Deployment/payments-api',
    status: 'pass',
  },

  // service_accounts_audited
  {
    check: 'k8s-default-service-account-automount',
    fixture: R,
    object: 'ServiceAccount/ci/default',
    status: 'fail',
    evidence: [{ path: 'automountServiceAccountToken', value: notSet }],
  },
  {
    check: 'k8s-default-service-account-automount',
    fixture: R,
    object: 'ServiceAccount/payments/default',
    status: 'pass',
  },
  {
    check: 'k8s-default-service-account-automount',
    fixture: R,
    object: 'ServiceAccount/ci/deployer',
    status: 'skip',
  },
  {
    check: 'k8s-workload-token-automount',
    fixture: R,
    object: 'Deployment/ci-dashboard',
    status: 'fail',
    evidence: [{ path: `${DS}.automountServiceAccountToken`, value: notSet }],
  },
  // Inherits automountServiceAccountToken: false from the default service account.
  {
    check: 'k8s-workload-token-automount',
    fixture: R,
    object: 'Deployment/payments-worker',
    status: 'pass',
  },
  // Its service account has a role binding: the token is used.
  {
    check: 'k8s-workload-token-automount',
    fixture: R,
    object: 'Deployment/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-workload-token-automount',
    fixture: H,
    object: 'Pod/debug-shell',
    status: 'pass',
  },
  {
    check: 'k8s-workload-default-service-account',
    fixture: R,
    object: 'Deployment/ci-dashboard',
    status: 'fail',
    evidence: [{ path: `${DS}.serviceAccountName`, value: notSet }],
  },
  {
    check: 'k8s-workload-default-service-account',
    fixture: R,
    object: 'Deployment/deployer',
    status: 'pass',
  },

  // deny_default_network_policies
  {
    check: 'k8s-namespace-network-policy',
    fixture: N,
    object: 'Namespace/legacy',
    status: 'fail',
    evidence: [{ path: 'metadata.name', value: 'legacy' }],
  },
  {
    check: 'k8s-namespace-network-policy',
    fixture: N,
    object: 'Namespace/web',
    status: 'pass',
  },
  {
    check: 'k8s-namespace-default-deny',
    fixture: N,
    object: 'Namespace/web',
    status: 'fail',
    evidence: [
      {
        address: 'k8s:/networking.k8s.io/v1/NetworkPolicy/web/frontend',
        path: 'spec.podSelector',
        value: { matchLabels: { app: 'frontend' }, matchExpressions: [] },
      },
    ],
  },
  {
    // podSelector: {} with an allow-everything rule is not a default deny.
    check: 'k8s-namespace-default-deny',
    fixture: N,
    object: 'Namespace/allow-all',
    status: 'fail',
    evidence: [
      {
        address:
          'k8s:/networking.k8s.io/v1/NetworkPolicy/allow-all/allow-all-ingress',
        path: 'spec.podSelector',
        value: { matchLabels: {}, matchExpressions: [] },
      },
    ],
  },
  {
    check: 'k8s-namespace-default-deny',
    fixture: N,
    object: 'Namespace/legacy',
    status: 'fail',
    evidence: [{ path: 'metadata.name', value: 'legacy' }],
  },
  {
    check: 'k8s-namespace-default-deny',
    fixture: N,
    object: 'Namespace/payments',
    status: 'pass',
  },
  {
    check: 'k8s-namespace-default-deny',
    fixture: N,
    object: 'Namespace/open-egress',
    status: 'pass',
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/public-web',
    status: 'fail',
    evidence: [
      { path: 'spec.type', value: 'LoadBalancer' },
      { path: 'spec.loadBalancerSourceRanges', value: notSet },
    ],
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/everyone-api',
    status: 'fail',
    evidence: [
      { path: 'spec.type', value: 'LoadBalancer' },
      { path: 'spec.loadBalancerSourceRanges[1]', value: '0.0.0.0/0' },
    ],
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/debug-nodeport',
    status: 'fail',
    evidence: [{ path: 'spec.type', value: 'NodePort' }],
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/partner-api',
    status: 'pass',
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/internal-api',
    status: 'pass',
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/payments-api',
    status: 'pass',
  },
  {
    check: 'k8s-service-public-exposure',
    fixture: N,
    object: 'Service/external-db',
    status: 'skip',
  },

  // egress_filtered
  {
    check: 'k8s-namespace-egress-restricted',
    fixture: N,
    object: 'Namespace/open-egress',
    status: 'fail',
    evidence: [
      {
        address:
          'k8s:/networking.k8s.io/v1/NetworkPolicy/open-egress/crawler-anywhere',
        path: 'spec.egress[0]',
        value: { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [] } }] },
      },
    ],
  },
  {
    check: 'k8s-namespace-egress-restricted',
    fixture: N,
    object: 'Namespace/web',
    status: 'fail',
    evidence: [
      {
        address: 'k8s:/networking.k8s.io/v1/NetworkPolicy/web/frontend',
        path: 'spec.policyTypes',
        value: ['Ingress'],
      },
    ],
  },
  {
    check: 'k8s-namespace-egress-restricted',
    fixture: N,
    object: 'Namespace/legacy',
    status: 'fail',
    evidence: [{ path: 'metadata.name', value: 'legacy' }],
  },
  // Default deny plus DNS on port 53 to any destination.
  {
    check: 'k8s-namespace-egress-restricted',
    fixture: N,
    object: 'Namespace/payments',
    status: 'pass',
  },

  // tls_1_2_minimum
  {
    check: 'k8s-ingress-tls',
    fixture: N,
    object: 'Ingress/plain-http',
    status: 'fail',
    evidence: [{ path: 'spec.tls', value: notSet }],
  },
  {
    check: 'k8s-ingress-tls',
    fixture: N,
    object: 'Ingress/partial-tls',
    status: 'fail',
    evidence: [{ path: 'spec.rules[1].host', value: 'deep.api.example.com' }],
  },
  // api.shop.example.com is covered by *.shop.example.com.
  {
    check: 'k8s-ingress-tls',
    fixture: N,
    object: 'Ingress/shop',
    status: 'pass',
  },

  // no_public_databases
  {
    check: 'k8s-service-database-exposed',
    fixture: N,
    object: 'Service/orders-postgres',
    status: 'fail',
    evidence: [
      { path: 'spec.type', value: 'LoadBalancer' },
      { path: 'spec.loadBalancerSourceRanges', value: notSet },
      { path: 'spec.ports[0].port', value: 5432 },
    ],
  },
  {
    // Port 16379, but the target port is named redis.
    check: 'k8s-service-database-exposed',
    fixture: N,
    object: 'Service/cache',
    status: 'fail',
    evidence: [
      { path: 'spec.type', value: 'NodePort' },
      { path: 'spec.ports[0].port', value: 16379 },
    ],
  },
  {
    check: 'k8s-service-database-exposed',
    fixture: N,
    object: 'Service/orders-postgres-internal',
    status: 'pass',
  },
  // Exposed, but not a database.
  {
    check: 'k8s-service-database-exposed',
    fixture: N,
    object: 'Service/public-web',
    status: 'pass',
  },
  {
    check: 'k8s-service-database-exposed',
    fixture: N,
    object: 'Service/external-db',
    status: 'skip',
  },
];

function objectOf(c: Case): Resource {
  const parts = c.object.split('/');
  const [kind, namespaceOrName, name] = parts;
  return name === undefined
    ? pick(resourcesOf(c.fixture), kind, namespaceOrName)
    : pick(resourcesOf(c.fixture), kind, name, namespaceOrName);
}

describe('built-in Kubernetes checks', () => {
  const byId = new Map(KUBERNETES_CHECKS.map(c => [c.id, c]));

  it.each(CASES.map(c => [c.check, c.status, c.object, c] as const))(
    '%s: %s on %s',
    (_id, _status, _object, c) => {
      const check = byId.get(c.check);
      expect(check).toBeDefined();
      const outcome = evaluateOn(check!, objectOf(c), resourcesOf(c.fixture));
      expect(outcome.status).toBe(c.status);
      // Evidence for failures, exactly as listed; nothing for the others.
      expect(outcome.status === 'fail' ? outcome.evidence : undefined).toEqual(
        c.evidence,
      );
      expect(outcome.status === 'fail' ? outcome.message : 'n/a').not.toBe('');
    },
  );

  it('has a failing and a passing case for every check', () => {
    for (const check of KUBERNETES_CHECKS) {
      const statuses = new Set(
        CASES.filter(c => c.check === check.id).map(c => c.status),
      );
      expect({
        id: check.id,
        fail: statuses.has('fail'),
        pass: statuses.has('pass'),
      }).toEqual({
        id: check.id,
        fail: true,
        pass: true,
      });
    }
  });

  it('passes every workload check on the hardened workloads', () => {
    const resources = resourcesOf(H);
    const workloads = resources.filter(r => r.type === 'k8s.workload');
    expect(workloads.map(w => w.kind)).toEqual([
      'Deployment',
      'CronJob',
      'Pod',
    ]);
    for (const check of KUBERNETES_CHECKS) {
      for (const workload of workloads) {
        if (!check.appliesTo.includes('k8s.workload')) continue;
        const outcome = check.evaluate(workload, {
          resources: {
            all: () => resources,
            ofType: () => [],
            inNamespace: () => [],
            byUid: () => undefined,
          },
          now: new Date(),
        });
        expect({ check: check.id, workload: workload.name, outcome }).toEqual({
          check: check.id,
          workload: workload.name,
          outcome: { status: 'pass' },
        });
      }
    }
  });

  it('reports a misconfiguration once, on the controller the owner edits', () => {
    const list = normalizeFixture('kubectl-get-deploy-svc.json', 'prod-eu');
    const replicaSets = normalizeFixture('replicaset-list.json', 'prod-eu');
    const check = byId.get('k8s-secret-in-env')!;
    const replicaSet = pick(
      replicaSets.resources,
      'ReplicaSet',
      'storefront-6d8f7c9b5d',
    );
    const deployment = pick(list.resources, 'Deployment', 'storefront');
    const all = [...list.resources, ...replicaSets.resources];

    expect(evaluateOn(check, deployment, all).status).toBe('fail');
    expect(evaluateOn(check, replicaSet, all)).toMatchObject({
      status: 'skip',
    });
    // Without its Deployment among the scanned resources, the ReplicaSet is evaluated.
    expect(evaluateOn(check, replicaSet, replicaSets.resources)).toMatchObject({
      status: 'fail',
      evidence: [
        {
          path: 'spec.template.spec.containers[0].env[0].value',
          value: '<redacted: 29 characters>',
        },
      ],
    });
  });

  it('returns the shared outcome object on pass, allocating nothing', () => {
    const resources = resourcesOf(H);
    const deployment = pick(resources, 'Deployment', 'payments-api');
    const first = byId.get('k8s-privileged-container')!.evaluate(deployment, {
      resources: {
        all: () => [],
        ofType: () => [],
        inNamespace: () => [],
        byUid: () => undefined,
      },
      now: new Date(),
    });
    const second = byId.get('k8s-run-as-root')!.evaluate(deployment, {
      resources: {
        all: () => [],
        ofType: () => [],
        inNamespace: () => [],
        byUid: () => undefined,
      },
      now: new Date(),
    });
    expect(first).toBe(second);
  });
});
