import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { type CheckDefinition, PASS } from '../../model/check';
import type { KubernetesConfigMapAttributes } from '../types';
import {
  failure,
  GUIDE,
  isControlled,
  listNames,
  SKIP_CONTROLLED,
} from './util';

/**
 * Data checks on object metadata and ConfigMaps: ownership labels and credentials
 * stored in ConfigMaps. (Plain-text credentials in environment variables are
 * checked on workloads, in `workload.ts`.)
 */

/** Label or annotation keys (any `prefix/`) that name an owner. */
const OWNER_KEYS = ['owner', 'team', 'owned-by', 'owner-team', 'squad'];
/** The label that ties an object to a catalog entity, which has an owner. */
const BACKSTAGE_ID = 'backstage.io/kubernetes-id';
const SLASH = 47;

/** `owner`, `team`, `example.com/owner` … compared without allocating. */
function isOwnerKey(key: string): boolean {
  if (key === BACKSTAGE_ID) return true;
  for (let i = 0; i < OWNER_KEYS.length; i++) {
    const name = OWNER_KEYS[i];
    if (key === name) return true;
    if (
      key.length > name.length &&
      key.endsWith(name) &&
      key.charCodeAt(key.length - name.length - 1) === SLASH
    ) {
      return true;
    }
  }
  return false;
}

function hasOwnerKey(map: Record<string, string> | undefined): boolean {
  if (!map) return false;
  for (const key in map) {
    if (map[key] && isOwnerKey(key)) return true;
  }
  return false;
}

export const ownershipLabelsCheck: CheckDefinition = {
  id: 'k8s-missing-owner-labels',
  title: 'Objects carry ownership labels',
  description:
    'Workloads, Services, Ingresses and Namespaces need an owner or team label (any prefix, e.g. example.com/team) or a backstage.io/kubernetes-id label tying them to a catalog entity; otherwise nobody is told when they are vulnerable.',
  severity: 'medium',
  category: 'data',
  control: 'sensitive_data_classified',
  weight: 5,
  appliesTo: ['k8s.workload', 'k8s.service', 'k8s.ingress', 'k8s.namespace'],
  frameworks: {
    'nist-800-53': ['CM-8', 'PM-5'],
    soc2: ['CC6.1'],
    'pci-dss': ['12.5.1'],
    'iso-27001': ['A.5.9'],
  },
  remediation: {
    text: 'Add an owner or team label (or backstage.io/kubernetes-id pointing at the catalog Component) to the object metadata, ideally enforced by admission policy.',
    url: GUIDE.labels,
  },
  origin: 'builtin',
  evaluate(resource, ctx) {
    if (hasOwnerKey(resource.labels) || hasOwnerKey(resource.annotations)) {
      return PASS;
    }
    const a = resource.attributes as { controller?: { resourceUid: string } };
    if (isControlled(a, ctx)) return SKIP_CONTROLLED;
    return failure(
      `${resource.kind} ${resource.name} has no owner or team label`,
      [
        { path: 'metadata.labels.owner', value: undefined },
        { path: 'metadata.labels.team', value: undefined },
      ],
    );
  },
};

export const configMapSecretCheck: CheckDefinition<KubernetesConfigMapAttributes> =
  {
    id: 'k8s-configmap-secret-data',
    title: 'No credentials in ConfigMaps',
    description:
      'ConfigMaps are not meant for secrets: they are readable by anyone who can read configuration, are not encrypted at rest and show up in logs and diffs. Entries named like passwords, tokens or keys, or whose values look like credentials, belong in Secrets.',
    severity: 'high',
    category: 'data',
    control: 'sensitive_data_classified',
    weight: 8,
    appliesTo: ['k8s.configmap'],
    frameworks: {
      'cis-kubernetes': ['5.4.1'],
      'nist-800-53': ['IA-5(7)', 'SC-28'],
      soc2: ['CC6.1'],
      'pci-dss': ['8.6.2'],
      'iso-27001': ['A.5.17', 'A.8.12'],
    },
    remediation: {
      text: 'Rotate the exposed credential, move it to a Secret (ideally synced from an external secret manager) and reference it from the workload.',
      url: GUIDE.secrets,
    },
    origin: 'builtin',
    evaluate(resource) {
      const entries = resource.attributes.plainSecretEntries;
      if (entries.length === 0) return PASS;
      const evidence: Evidence[] = entries.map(e => ({
        path: e.path,
        value: e.redacted,
      }));
      return failure(
        `Credentials in ConfigMap ${resource.name}: ${listNames(
          entries.map(e => e.key),
        )}`,
        evidence,
      );
    },
  };

/** Every data check of this module. */
export const DATA_CHECKS = [ownershipLabelsCheck, configMapSecretCheck];
