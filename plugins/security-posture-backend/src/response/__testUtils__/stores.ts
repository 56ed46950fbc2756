import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { summarize } from '@internal/backstage-plugin-security-posture-common';
import type {
  FindingWrite,
  PostureWrite,
  SecurityPostureStore as Store,
} from '../../database/SecurityPostureStore';
import { SecurityPostureStore } from '../../database/SecurityPostureStore';
import type { CatalogEntityInfo } from '../../database/types';
import { sha256 } from '../../database/util';
import { ResponseStore } from '../ResponseStore';

/** Test helpers for the response features (not part of the plugin's API). */

/** Both stores on a migrated test database. */
export async function createStores(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  const knex = await databases.init(databaseId);
  const store = await SecurityPostureStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  return { knex, store, responseStore: ResponseStore.fromClient(knex) };
}

/**
 * group:org ─ group:dept ─ group:leaf1 (owns component:a, component:b)
 */
export const HIERARCHY: CatalogEntityInfo[] = [
  {
    ref: 'group:default/org',
    kind: 'group',
    namespace: 'default',
    name: 'org',
    type: 'organization',
    scanned: false,
  },
  {
    ref: 'group:default/dept',
    kind: 'group',
    namespace: 'default',
    name: 'dept',
    type: 'department',
    parentRef: 'group:default/org',
    scanned: false,
  },
  {
    ref: 'group:default/leaf1',
    kind: 'group',
    namespace: 'default',
    name: 'leaf1',
    title: 'Leaf one',
    type: 'team',
    parentRef: 'group:default/dept',
    scanned: false,
  },
  {
    ref: 'component:default/a',
    kind: 'component',
    namespace: 'default',
    name: 'a',
    title: 'A service',
    lifecycle: 'production',
    ownerRef: 'group:default/leaf1',
    scanned: true,
  },
  {
    ref: 'component:default/b',
    kind: 'component',
    namespace: 'default',
    name: 'b',
    lifecycle: 'production',
    ownerRef: 'group:default/leaf1',
    scanned: true,
  },
];

/** A failing finding of a check on a named resource. */
export function finding(
  checkId: string,
  resource: string,
  severity: FindingWrite['severity'],
): FindingWrite {
  const uid = `k8s:apps/v1/Deployment/default/${resource}`;
  return {
    fingerprint: sha256(`${checkId}\u0000${uid}`),
    checkId,
    resourceUid: uid,
    resource: {
      uid,
      type: 'k8s.workload',
      kind: 'Deployment',
      name: resource,
      namespace: 'default',
    },
    severity,
    category: 'compute',
    control: 'no_privileged_containers',
    status: 'open',
    title: `${checkId} title`,
    message: 'failed',
    evidence: [],
    remediation: { text: 'fix it', url: 'https://example.com' },
  };
}

/** A posture with the given score (controls left out). */
export function posture(
  entityRef: string,
  earned: number,
  possible: number,
  critical = 0,
): PostureWrite {
  const s = summarize(earned, possible);
  return {
    entityRef,
    isRollup: false,
    status: 'ok',
    statusReasons: [],
    staleSince: null,
    earned,
    possible,
    percent: s.percent,
    adjustedEarned: earned,
    adjustedPercent: s.percent,
    coverage: 1,
    coverageEvidenced: possible,
    coverageApplicable: possible,
    categories: { raw: [], adjusted: [] },
    controls: [],
    pointsToGain: [],
    exemptions: [],
    counts: { critical, high: 0, medium: 0, low: 0 },
    resourceCount: 1,
    memberCount: 0,
    modelVersion: 'sp1-test',
    inputHash: null,
  };
}

/** Writes an entity's result as a scan would; returns what the store reports. */
export async function applyResult(
  store: Store,
  ids: Map<string, number>,
  options: {
    ref: string;
    scanId: string;
    at: Date;
    earned: number;
    possible: number;
    findings: FindingWrite[];
  },
) {
  return store.applyEntityResult({
    entityId: ids.get(options.ref)!,
    scanId: options.scanId,
    at: options.at,
    posture: posture(
      options.ref,
      options.earned,
      options.possible,
      options.findings.filter(f => f.severity === 'critical').length,
    ),
    findings: options.findings,
    resources: [],
    unclaimed: [],
    providerStates: [],
  });
}
