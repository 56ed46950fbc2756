import type { CategoryId } from '@internal/backstage-plugin-security-posture-common';

/** A weighted control of the scorecard, fed by the checks that name it. */
export interface ScorecardControl {
  id: string;
  title: string;
  category: CategoryId;
  weight: number;
  description: string;
}

/**
 * The default scorecard: the seed's four categories and sixteen weighted controls.
 * Every built-in check feeds exactly one of these controls (`CheckDefinition.control`).
 */
export const DEFAULT_CONTROLS: readonly ScorecardControl[] = [
  // identity_and_access — 31
  {
    id: 'mfa_enabled_all_admins',
    title: 'MFA enabled for all admins',
    category: 'identity_and_access',
    weight: 10,
    description:
      'Human identities with administrative access are protected by multi-factor authentication.',
  },
  {
    id: 'no_overprivileged_roles',
    title: 'No over-privileged roles',
    category: 'identity_and_access',
    weight: 8,
    description:
      'IAM policies and Kubernetes RBAC grant least privilege: no wildcard actions or resources, no cluster-admin bindings for workloads.',
  },
  {
    id: 'service_accounts_audited',
    title: 'Service accounts and access audited',
    category: 'identity_and_access',
    weight: 7,
    description:
      'Service accounts are dedicated and do not mount tokens they do not need; API activity and data access are logged (CloudTrail, access logs).',
  },
  {
    id: 'unused_credentials_removed',
    title: 'No unused or default credentials',
    category: 'identity_and_access',
    weight: 6,
    description:
      'Long-lived access keys are rotated or removed; managed services do not use default administrator user names or passwords.',
  },
  // network — 32
  {
    id: 'no_public_databases',
    title: 'No public databases or buckets',
    category: 'network',
    weight: 10,
    description:
      'Databases are not reachable from the internet and object storage is not publicly readable or writable.',
  },
  {
    id: 'deny_default_network_policies',
    title: 'Default-deny network policies',
    category: 'network',
    weight: 9,
    description:
      'Namespaces have a default-deny NetworkPolicy; security groups do not open non-web ports to the internet.',
  },
  {
    id: 'tls_1_2_minimum',
    title: 'TLS 1.2 minimum',
    category: 'network',
    weight: 7,
    description:
      'Load balancers, CDNs and ingresses only accept TLS 1.2 or newer and do not serve plain HTTP.',
  },
  {
    id: 'egress_filtered',
    title: 'Egress filtered',
    category: 'network',
    weight: 6,
    description:
      'Outbound traffic is restricted: security groups do not allow all egress, namespaces restrict egress.',
  },
  // data — 33
  {
    id: 'encryption_at_rest',
    title: 'Encryption at rest',
    category: 'data',
    weight: 9,
    description:
      'Buckets, databases, volumes and file systems are encrypted at rest; KMS keys are rotated.',
  },
  {
    id: 'encryption_in_transit',
    title: 'Encryption in transit',
    category: 'data',
    weight: 9,
    description:
      'Clients must use TLS to reach data: bucket policies deny insecure transport, distributions redirect to HTTPS.',
  },
  {
    id: 'backup_tested',
    title: 'Backups and data lifecycle',
    category: 'data',
    weight: 8,
    description:
      'Databases keep automated backups and deletion protection; buckets are versioned and have lifecycle rules.',
  },
  {
    id: 'sensitive_data_classified',
    title: 'Sensitive data classified and protected',
    category: 'data',
    weight: 7,
    description:
      'Resources carry ownership and data-classification tags; secrets are never stored in plain environment variables.',
  },
  // compute — 31
  {
    id: 'no_privileged_containers',
    title: 'No privileged containers',
    category: 'compute',
    weight: 9,
    description:
      'Containers do not run privileged, share host namespaces, mount host paths or add dangerous capabilities.',
  },
  {
    id: 'images_scanned',
    title: 'Images and runtimes trusted',
    category: 'compute',
    weight: 8,
    description:
      'Images are pinned to immutable tags or digests from trusted registries; functions use supported runtimes.',
  },
  {
    id: 'resource_limits_enforced',
    title: 'Resource limits enforced',
    category: 'compute',
    weight: 7,
    description: 'Containers declare CPU and memory requests and limits.',
  },
  {
    id: 'pod_security_standards',
    title: 'Pod Security Standards',
    category: 'compute',
    weight: 7,
    description:
      'Namespaces enforce a Pod Security Standards level and workloads meet it: non-root, no privilege escalation, seccomp, read-only root file system.',
  },
];

/** Version of the default scoring model; bump when controls or weights change. */
export const DEFAULT_SCORECARD_VERSION = 'default-1';
