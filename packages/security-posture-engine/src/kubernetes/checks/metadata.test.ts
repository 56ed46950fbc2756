import fs from 'node:fs';
import path from 'node:path';
import {
  CATEGORY_IDS,
  SEVERITIES,
} from '@internal/backstage-plugin-security-posture-common';
import { DEFAULT_CONTROLS } from '../../scorecard/defaultScorecard';
import { SUPPORTED_KUBERNETES_KINDS } from '../normalize';
import { KUBERNETES_CHECKS } from './index';

describe('Kubernetes check catalogue', () => {
  const controls = new Map(DEFAULT_CONTROLS.map(c => [c.id, c]));
  const types = new Set(SUPPORTED_KUBERNETES_KINDS.map(k => k.type));

  it('has at least 20 checks with unique k8s- ids', () => {
    expect(KUBERNETES_CHECKS.length).toBeGreaterThanOrEqual(20);
    const ids = KUBERNETES_CHECKS.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^k8s-[a-z0-9-]+$/);
  });

  it.each(KUBERNETES_CHECKS.map(c => [c.id, c] as const))(
    '%s has complete metadata',
    (_id, check) => {
      expect(check.title.length).toBeGreaterThan(5);
      expect(check.description.length).toBeGreaterThan(40);
      expect(SEVERITIES).toContain(check.severity);
      expect(CATEGORY_IDS).toContain(check.category);
      // Feeds a default control, in that control's category.
      expect(controls.get(check.control)?.category).toBe(check.category);
      expect(check.weight).toBeGreaterThan(0);
      expect(check.appliesTo.length).toBeGreaterThan(0);
      for (const type of check.appliesTo)
        expect(types.has(type as any)).toBe(true);
      expect(check.origin).toBe('builtin');
      expect(check.remediation.text.length).toBeGreaterThan(20);
      expect(check.remediation.url).toMatch(
        /^https:\/\/kubernetes\.io\/docs\//,
      );
      expect(Object.keys(check.frameworks).length).toBeGreaterThanOrEqual(3);
      for (const id of check.frameworks['cis-kubernetes'] ?? [])
        expect(id).toMatch(/^5\.\d+\.\d+$/);
      expect(check.frameworks['nist-800-53']?.length).toBeGreaterThan(0);
      expect(typeof check.evaluate).toBe('function');
    },
  );

  it('covers every Kubernetes misconfiguration of DESIGN §5 at the stated severity', () => {
    const severity = (id: string) =>
      KUBERNETES_CHECKS.find(c => c.id === id)?.severity;
    expect(severity('k8s-secret-in-env')).toBe('critical');
    expect(severity('k8s-root-host-network')).toBe('critical');
    expect(severity('k8s-rbac-cluster-admin-binding')).toBe('high');
    expect(severity('k8s-workload-overprivileged-service-account')).toBe(
      'high',
    );
    expect(severity('k8s-namespace-network-policy')).toBe('medium');
    expect(severity('k8s-run-as-root')).toBe('medium');
    expect(severity('k8s-memory-limit')).toBe('medium');
    expect(severity('k8s-missing-owner-labels')).toBe('medium');
  });

  it('feeds every Kubernetes-relevant default control', () => {
    const fed = new Set(KUBERNETES_CHECKS.map(c => c.control));
    for (const control of [
      'no_overprivileged_roles',
      'service_accounts_audited',
      'no_public_databases',
      'deny_default_network_policies',
      'tls_1_2_minimum',
      'egress_filtered',
      'sensitive_data_classified',
      'no_privileged_containers',
      'images_scanned',
      'resource_limits_enforced',
      'pod_security_standards',
    ]) {
      expect(fed).toContain(control);
    }
  });

  it('is documented: the README lists every check with its severity', () => {
    // eslint-disable-next-line no-restricted-syntax
    const readme = fs.readFileSync(
      path.join(__dirname, '..', 'README.md'),
      'utf8',
    );
    const rows = readme
      .split('\n')
      .filter(line => line.startsWith('| `k8s-'))
      .map(line => line.split('|').map(cell => cell.trim()));
    expect(
      rows.map(([, id, severity, control]) => [id, severity, control]),
    ).toEqual(
      KUBERNETES_CHECKS.map(c => [`\`${c.id}\``, c.severity, c.control]),
    );
  });
});
