import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { summarize } from '@internal/backstage-plugin-security-posture-common';
import type { Knex } from 'knex';
import { sha256 } from './util';
import {
  SecurityPostureStore,
  type PostureWrite,
} from './SecurityPostureStore';

jest.setTimeout(60_000);

/**
 * The two migrations behind framework compliance and server-side finding sort
 * upgrade results stored before them: findings get their resource sort key
 * from the stored resource, and every entity is re-assessed at the next scan
 * (so its framework compliance is computed).
 */

const AT = new Date('2026-12-01T10:00:00.000Z');

function posture(entityRef: string): PostureWrite {
  const s = summarize(0, 9);
  return {
    entityRef,
    isRollup: false,
    status: 'ok',
    statusReasons: [],
    staleSince: null,
    earned: 0,
    possible: 9,
    percent: s.percent,
    adjustedEarned: 0,
    adjustedPercent: s.percent,
    coverage: 1,
    coverageEvidenced: 9,
    coverageApplicable: 9,
    categories: { raw: [], adjusted: [] },
    controls: [],
    pointsToGain: [],
    exemptions: [],
    counts: { critical: 1, high: 1, medium: 0, low: 0 },
    resourceCount: 2,
    memberCount: 0,
    modelVersion: 'sp1-test',
    inputHash: 'unchanged-inputs',
    frameworks: { 'nist-800-53': { 'AC-6': { s: 2, c: ['k8s-privileged'] } } },
  };
}

function finding(
  checkId: string,
  resource: { kind: string; name: string; namespace?: string },
) {
  const uid = `${resource.kind}/${resource.namespace ?? '-'}/${resource.name}`;
  return {
    fingerprint: sha256(`${checkId}\u0000${uid}`),
    checkId,
    resourceUid: uid,
    resource: { uid, type: 'test.type', ...resource },
    severity: 'high' as const,
    category: 'compute' as const,
    control: 'no_privileged_containers',
    status: 'open' as const,
    title: checkId,
    message: 'failed',
    evidence: [],
    remediation: { text: 'fix', url: 'https://example.com' },
  };
}

/** Steps migrations down (later ones first) until a column is gone. */
async function downUntilGone(knex: Knex, table: string, column: string) {
  const directory = SecurityPostureStore.migrationsDirectory;
  for (let i = 0; i < 10 && (await knex.schema.hasColumn(table, column)); i++) {
    await knex.migrate.down({ directory });
  }
  expect(await knex.schema.hasColumn(table, column)).toBe(false);
  // The posture tables themselves are still there.
  expect(await knex.schema.hasTable(table)).toBe(true);
}

describe('migrations for framework compliance and finding sort', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await SecurityPostureStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const ids = await store.upsertCatalogEntities(
      [
        {
          ref: 'component:default/payments',
          kind: 'component',
          namespace: 'default',
          name: 'payments',
          scanned: true,
        },
      ],
      AT,
    );
    const entityId = ids.get('component:default/payments')!;
    await store.applyEntityResult({
      entityId,
      scanId: 'scan-1',
      at: AT,
      posture: posture('component:default/payments'),
      findings: [
        finding('k8s-privileged', {
          kind: 'Deployment',
          namespace: 'Payments',
          name: 'API',
        }),
        finding('s3-public', { kind: 'aws_s3_bucket', name: 'ledger-exports' }),
      ],
      resources: [],
      unclaimed: [],
      providerStates: [],
    });
    return { knex, store, entityId };
  }

  it.each(databases.eachSupportedId())(
    'fills the resource sort key of findings stored before it on %p',
    async databaseId => {
      const { knex, store, entityId } = await setup(databaseId);
      const directory = SecurityPostureStore.migrationsDirectory;
      const keys = async () =>
        (
          await knex('findings')
            .where({ entity_id: entityId })
            .orderBy('check_id')
            .select('resource_sort')
        ).map(r => r.resource_sort);
      // Written by the store.
      expect(await keys()).toEqual([
        'deployment payments/api',
        'aws_s3_bucket ledger-exports',
      ]);
      await downUntilGone(knex, 'findings', 'resource_sort');
      await knex.migrate.latest({ directory });
      // Filled in by the migration from the stored resource, the same way.
      expect(await keys()).toEqual([
        'deployment payments/api',
        'aws_s3_bucket ledger-exports',
      ]);
      const page = await store.listFindings([entityId], {
        limit: 10,
        sort: 'resource',
      });
      expect(page.items.map(f => f.resource.name)).toEqual([
        'ledger-exports',
        'API',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'makes the next scan re-assess results stored before framework compliance on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const stored = await store.getPosture('component:default/payments');
      expect(stored?.frameworks).toEqual({
        'nist-800-53': { 'AC-6': { s: 2, c: ['k8s-privileged'] } },
      });
      expect(stored?.inputHash).toBe('unchanged-inputs');
      const directory = SecurityPostureStore.migrationsDirectory;
      await downUntilGone(knex, 'entity_posture', 'frameworks_json');
      await knex.migrate.latest({ directory });
      const upgraded = await store.getPosture('component:default/payments');
      expect(upgraded?.frameworks).toBeNull();
      // No input hash: the scanner cannot skip the entity as unchanged.
      expect(upgraded?.inputHash).toBeNull();
      expect(upgraded?.percent).toBe(0);
    },
  );
});
