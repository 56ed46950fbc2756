import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import {
  type CheckDefinition,
  type CheckOutcome,
  PASS,
} from '../../model/check';
import type {
  KubernetesRoleAttributes,
  KubernetesRoleBindingAttributes,
  KubernetesServiceAccountAttributes,
} from '../types';
import {
  isControlled,
  failure,
  GUIDE,
  listNames,
  resolveRole,
  serviceAccountGrants,
  SKIP_CONTROLLED,
  wildcardRuleIndex,
  workloadCheck,
} from './util';

/**
 * RBAC and service-account checks: wildcard and secret-reading roles, bindings to
 * cluster-admin or wildcard roles, workloads running as such service accounts, and
 * service-account tokens mounted where they are not needed.
 */

const SKIP_BUILT_IN: CheckOutcome = Object.freeze({
  status: 'skip' as const,
  reason: 'built-in RBAC object managed by Kubernetes',
});

const LEAST_PRIVILEGE = (cis: string[]) => ({
  'cis-kubernetes': cis,
  'nist-800-53': ['AC-3', 'AC-6'],
  soc2: ['CC6.1', 'CC6.3'],
  'pci-dss': ['7.2.1', '7.2.2', '7.2.5'],
  'iso-27001': ['A.5.15', 'A.5.18', 'A.8.2'],
});

function roleRuleCheck(
  definition: Omit<
    CheckDefinition<KubernetesRoleAttributes>,
    'appliesTo' | 'evaluate' | 'origin'
  > & {
    /** Evidence for one offending rule, or undefined when the rule is fine. */
    rule: (
      rule: KubernetesRoleAttributes['rules'][number],
      path: string,
    ) => Evidence | undefined;
    message: (count: number) => string;
  },
): CheckDefinition<KubernetesRoleAttributes> {
  const { rule: test, message, ...metadata } = definition;
  return {
    ...metadata,
    origin: 'builtin',
    appliesTo: ['k8s.role'],
    evaluate(resource) {
      const a = resource.attributes;
      if (a.builtIn) return SKIP_BUILT_IN;
      let evidence: Evidence[] | undefined;
      for (let i = 0; i < a.rules.length; i++) {
        const e = test(a.rules[i], `rules[${i}]`);
        if (e) (evidence ??= []).push(e);
      }
      return evidence ? failure(message(evidence.length), evidence) : PASS;
    },
  };
}

export const wildcardRoleCheck = roleRuleCheck({
  id: 'k8s-rbac-wildcard-role',
  title: 'Roles do not use wildcards',
  description:
    'A Role or ClusterRole with "*" in its verbs or resources grants every current and future permission on them, including reading Secrets and escalating privileges.',
  severity: 'high',
  category: 'identity_and_access',
  control: 'no_overprivileged_roles',
  weight: 8,
  frameworks: LEAST_PRIVILEGE(['5.1.3']),
  remediation: {
    text: 'List the exact resources and verbs the subject needs instead of "*"; review which subjects are bound to the role.',
    url: GUIDE.rbac,
  },
  rule(rule, path) {
    if (rule.verbs.includes('*'))
      return { path: `${path}.verbs`, value: rule.verbs };
    if (rule.resources.includes('*')) {
      return { path: `${path}.resources`, value: rule.resources };
    }
    return undefined;
  },
  message: n =>
    `${n} rule${n === 1 ? '' : 's'} with wildcard verbs or resources`,
});

const READ_VERBS = ['get', 'list', 'watch', '*'];

export const secretsAccessRoleCheck = roleRuleCheck({
  id: 'k8s-rbac-secrets-access',
  title: 'Roles do not read all Secrets',
  description:
    'get, list or watch on secrets (or on "*") without resourceNames lets every bound subject read every Secret in scope: credentials of other workloads and service-account tokens.',
  severity: 'medium',
  category: 'identity_and_access',
  control: 'no_overprivileged_roles',
  weight: 6,
  frameworks: LEAST_PRIVILEGE(['5.1.2']),
  remediation: {
    text: 'Grant access only to the named Secrets the workload needs (resourceNames with get), or mount them instead of reading them through the API.',
    url: GUIDE.rbac,
  },
  rule(rule, path) {
    if (rule.resourceNames.length > 0) return undefined;
    if (!rule.apiGroups.includes('') && !rule.apiGroups.includes('*')) {
      return undefined;
    }
    if (!rule.resources.includes('secrets') && !rule.resources.includes('*')) {
      return undefined;
    }
    if (!rule.verbs.some(v => READ_VERBS.includes(v))) return undefined;
    return { path: `${path}.verbs`, value: rule.verbs };
  },
  message: n => `${n} rule${n === 1 ? '' : 's'} can read every Secret in scope`,
});

const ESCALATION_VERBS = ['bind', 'escalate', 'impersonate'];

export const escalationVerbsRoleCheck = roleRuleCheck({
  id: 'k8s-rbac-escalation-verbs',
  title: 'Roles do not grant bind, escalate or impersonate',
  description:
    'bind and escalate let a subject grant itself any role; impersonate lets it act as any user, group or service account.',
  severity: 'high',
  category: 'identity_and_access',
  control: 'no_overprivileged_roles',
  weight: 6,
  frameworks: LEAST_PRIVILEGE(['5.1.8']),
  remediation: {
    text: 'Remove the bind, escalate and impersonate verbs; keep them for cluster administrators only.',
    url: GUIDE.rbac,
  },
  rule(rule, path) {
    const verbs = rule.verbs;
    for (let i = 0; i < verbs.length; i++) {
      if (ESCALATION_VERBS.includes(verbs[i])) {
        return { path: `${path}.verbs[${i}]`, value: verbs[i] };
      }
    }
    return undefined;
  },
  message: n =>
    `${n} rule${
      n === 1 ? '' : 's'
    } allow privilege escalation (bind, escalate or impersonate)`,
});

function subjectLabel(s: KubernetesRoleBindingAttributes['subjects'][number]) {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

export const clusterAdminBindingCheck: CheckDefinition<KubernetesRoleBindingAttributes> =
  {
    id: 'k8s-rbac-cluster-admin-binding',
    title: 'cluster-admin is not bound',
    description:
      'A RoleBinding or ClusterRoleBinding to the cluster-admin ClusterRole gives its subjects full control (cluster-wide, or of the whole namespace): a compromised service account or user owns everything.',
    severity: 'high',
    category: 'identity_and_access',
    control: 'no_overprivileged_roles',
    weight: 10,
    appliesTo: ['k8s.rolebinding'],
    frameworks: LEAST_PRIVILEGE(['5.1.1']),
    remediation: {
      text: 'Bind a role with only the permissions the subject needs; keep cluster-admin for break-glass access through the system:masters bootstrap binding.',
      url: GUIDE.rbac,
    },
    origin: 'builtin',
    evaluate(resource) {
      const a = resource.attributes;
      if (a.builtIn) return SKIP_BUILT_IN;
      if (
        a.roleRef.kind !== 'ClusterRole' ||
        a.roleRef.name !== 'cluster-admin' ||
        a.subjects.length === 0
      ) {
        return PASS;
      }
      const evidence: Evidence[] = [
        { path: 'roleRef.name', value: 'cluster-admin' },
      ];
      a.subjects.forEach((s, i) =>
        evidence.push({ path: `subjects[${i}]`, value: { ...s } }),
      );
      return failure(
        `cluster-admin granted to ${listNames(a.subjects.map(subjectLabel))}`,
        evidence,
      );
    },
  };

export const wildcardRoleBindingCheck: CheckDefinition<KubernetesRoleBindingAttributes> =
  {
    id: 'k8s-rbac-wildcard-role-binding',
    title: 'No subjects bound to wildcard roles',
    description:
      'A binding to a Role or ClusterRole with "*" verbs or resources makes its subjects (service accounts in particular) effectively administrators of what the role covers.',
    severity: 'high',
    category: 'identity_and_access',
    control: 'no_overprivileged_roles',
    weight: 8,
    appliesTo: ['k8s.rolebinding'],
    frameworks: LEAST_PRIVILEGE(['5.1.3']),
    remediation: {
      text: 'Bind a role that lists the exact resources and verbs the subjects need.',
      url: GUIDE.rbac,
    },
    origin: 'builtin',
    evaluate(resource, ctx) {
      const a = resource.attributes;
      if (a.builtIn) return SKIP_BUILT_IN;
      if (
        a.roleRef.kind === 'ClusterRole' &&
        a.roleRef.name === 'cluster-admin'
      ) {
        // Reported by k8s-rbac-cluster-admin-binding.
        return PASS;
      }
      const role = resolveRole(resource, ctx);
      if (!role) {
        return {
          status: 'skip',
          reason: `${a.roleRef.kind} ${a.roleRef.name} is not among the scanned resources`,
        };
      }
      const rule = wildcardRuleIndex(role.attributes);
      if (rule < 0 || a.subjects.length === 0) return PASS;
      const r = role.attributes.rules[rule];
      const evidence: Evidence[] = [
        { path: 'roleRef.name', value: a.roleRef.name },
        {
          address: role.uid,
          path: r.verbs.includes('*')
            ? `rules[${rule}].verbs`
            : `rules[${rule}].resources`,
          value: r.verbs.includes('*') ? r.verbs : r.resources,
        },
      ];
      a.subjects.forEach((s, i) =>
        evidence.push({ path: `subjects[${i}]`, value: { ...s } }),
      );
      return failure(
        `${a.roleRef.kind} ${
          a.roleRef.name
        } (wildcard rules) granted to ${listNames(
          a.subjects.map(subjectLabel),
        )}`,
        evidence,
      );
    },
  };

export const overprivilegedServiceAccountCheck = workloadCheck({
  id: 'k8s-workload-overprivileged-service-account',
  title: 'Workloads do not run as over-privileged service accounts',
  description:
    'The service account a workload runs as is bound (directly, or through the system:serviceaccounts groups) to cluster-admin or to a wildcard role: anyone who compromises the workload gets those rights.',
  severity: 'high',
  category: 'identity_and_access',
  control: 'no_overprivileged_roles',
  weight: 10,
  frameworks: LEAST_PRIVILEGE(['5.1.1', '5.1.3']),
  remediation: {
    text: 'Give the workload a dedicated service account bound to a role with only the permissions it uses, and remove the broad binding.',
    url: GUIDE.rbac,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    const grants = serviceAccountGrants(
      ctx,
      resource.namespace,
      a.serviceAccountName,
    );
    if (!grants || grants.overprivileged.length === 0) return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    const evidence: Evidence[] = [
      {
        path: `${a.podSpecPath}.serviceAccountName`,
        value: a.podSpec.serviceAccountName,
      },
    ];
    const reasons: string[] = [];
    for (const { binding, reason } of grants.overprivileged) {
      evidence.push({
        address: binding.uid,
        path: 'roleRef.name',
        value: binding.attributes.roleRef.name,
      });
      reasons.push(`${reason} via ${binding.kind} ${binding.name}`);
    }
    return failure(
      `Service account ${a.serviceAccountName} is bound to ${listNames(
        reasons,
      )}`,
      evidence,
    );
  },
});

// ---------------------------------------------------------------------------
// service_accounts_audited

const TOKEN_FRAMEWORKS = (cis: string[]) => ({
  'cis-kubernetes': cis,
  'nist-800-53': ['AC-6', 'CM-7', 'IA-5'],
  soc2: ['CC6.1'],
  'pci-dss': ['7.2.5'],
  'iso-27001': ['A.5.15', 'A.5.17'],
});

export const defaultServiceAccountAutomountCheck: CheckDefinition<KubernetesServiceAccountAttributes> =
  {
    id: 'k8s-default-service-account-automount',
    title: 'Default service account does not mount tokens',
    description:
      'Every pod that names no service account runs as its namespace\'s "default" one; unless that account sets automountServiceAccountToken: false, all of them get an API token they do not need.',
    severity: 'medium',
    category: 'identity_and_access',
    control: 'service_accounts_audited',
    weight: 6,
    appliesTo: ['k8s.serviceaccount'],
    frameworks: TOKEN_FRAMEWORKS(['5.1.5']),
    remediation: {
      text: 'Set automountServiceAccountToken: false on the default ServiceAccount of each namespace and give workloads that call the API their own service account.',
      url: GUIDE.serviceAccountToken,
    },
    origin: 'builtin',
    evaluate(resource) {
      if (resource.name !== 'default') {
        return { status: 'skip', reason: 'not a default service account' };
      }
      const value = resource.attributes.automountServiceAccountToken;
      if (value === false) return PASS;
      return failure(
        `The default service account of ${
          resource.namespace ?? 'its namespace'
        } mounts API tokens into every pod`,
        [{ path: 'automountServiceAccountToken', value }],
      );
    },
  };

export const workloadTokenAutomountCheck = workloadCheck({
  id: 'k8s-workload-token-automount',
  title: 'Service-account tokens mounted only where needed',
  description:
    'The pod gets an API token mounted (automountServiceAccountToken is not false on the pod nor on its service account) although its service account has no role binding, so it does not need one: a stolen token is free access to the API.',
  severity: 'low',
  category: 'identity_and_access',
  control: 'service_accounts_audited',
  weight: 4,
  frameworks: TOKEN_FRAMEWORKS(['5.1.6']),
  remediation: {
    text: 'Set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount) unless the workload calls the Kubernetes API.',
    url: GUIDE.serviceAccountToken,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    const own = a.podSpec.automountServiceAccountToken;
    if (own === false) return PASS;
    if (own === undefined) {
      const accounts =
        ctx.resources.inNamespace<KubernetesServiceAccountAttributes>(
          'k8s.serviceaccount',
          resource.namespace,
        );
      for (const sa of accounts) {
        if (
          sa.name === a.serviceAccountName &&
          sa.attributes.automountServiceAccountToken === false
        ) {
          return PASS;
        }
      }
    }
    // A dedicated service account with role bindings is there to call the API.
    if (
      a.serviceAccountName !== 'default' &&
      serviceAccountGrants(ctx, resource.namespace, a.serviceAccountName)
    ) {
      return PASS;
    }
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    return failure(
      `An API token of service account ${a.serviceAccountName} is mounted but no role binding uses it`,
      [{ path: `${a.podSpecPath}.automountServiceAccountToken`, value: own }],
    );
  },
});

export const defaultServiceAccountUseCheck = workloadCheck({
  id: 'k8s-workload-default-service-account',
  title: 'Workloads use a dedicated service account',
  description:
    'Workloads running as the namespace\'s "default" service account share one identity: permissions granted for one apply to all, and API audit logs cannot tell them apart.',
  severity: 'low',
  category: 'identity_and_access',
  control: 'service_accounts_audited',
  weight: 3,
  frameworks: TOKEN_FRAMEWORKS(['5.1.5']),
  remediation: {
    text: 'Create a ServiceAccount per workload and set serviceAccountName in the pod spec.',
    url: GUIDE.serviceAccounts,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (a.serviceAccountName !== 'default') return PASS;
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    return failure('Runs as the default service account', [
      {
        path: `${a.podSpecPath}.serviceAccountName`,
        value: a.podSpec.serviceAccountName,
      },
    ]);
  },
});

/** Every RBAC and service-account check of this module. */
export const RBAC_CHECKS = [
  clusterAdminBindingCheck,
  wildcardRoleBindingCheck,
  overprivilegedServiceAccountCheck,
  wildcardRoleCheck,
  secretsAccessRoleCheck,
  escalationVerbsRoleCheck,
  defaultServiceAccountAutomountCheck,
  workloadTokenAutomountCheck,
  defaultServiceAccountUseCheck,
];
