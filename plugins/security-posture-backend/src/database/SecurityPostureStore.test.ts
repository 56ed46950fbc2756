import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { summarize } from '@internal/backstage-plugin-security-posture-common';
import {
  SecurityPostureStore,
  type EntityResultWrite,
  type PostureWrite,
} from './SecurityPostureStore';

jest.setTimeout(60_000);

const TABLES = [
  'scan_runs',
  'catalog_entities',
  'entity_posture',
  'posture_snapshots',
  'posture_daily',
  'findings',
  'entity_resources',
  'unowned_resources',
  'entity_provider_state',
  'provider_state',
];

const DAY = 24 * 60 * 60 * 1000;

function posture(
  entityRef: string,
  earned: number,
  possible: number,
): PostureWrite {
  return {
    entityRef,
    isRollup: false,
    status: 'ok',
    statusReasons: [],
    staleSince: null,
    earned,
    possible,
    percent: summarize(earned, possible).percent,
    adjustedEarned: earned,
    adjustedPercent: summarize(earned, possible).percent,
    coverage: 1,
    coverageEvidenced: possible,
    coverageApplicable: possible,
    categories: {
      raw: [
        { id: 'compute', title: 'Compute', ...summarize(earned, possible) },
      ],
      adjusted: [
        { id: 'compute', title: 'Compute', ...summarize(earned, possible) },
      ],
    },
    controls: [],
    pointsToGain: [],
    exemptions: [],
    counts: { critical: 1, high: 0, medium: 0, low: 0 },
    resourceCount: 1,
    memberCount: 0,
    modelVersion: 'sp1-test',
    inputHash: 'h1',
  };
}

describe('SecurityPostureStore', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15', 'SQLITE_3'],
  });

  beforeAll(() => {
    // Names the databases this run covers, so a CI log shows both.
    // eslint-disable-next-line no-console
    console.info(
      `SecurityPostureStore tests run on: ${databases
        .eachSupportedId()
        .map(([id]) => id)
        .join(', ')}`,
    );
  });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await SecurityPostureStore.create({
      database: {
        getClient: async () => knex,
        migrations: { skip: false },
      },
    });
    return { knex, store };
  }

  async function entityResult(
    store: SecurityPostureStore,
    scanId: string,
    at: Date,
  ): Promise<EntityResultWrite> {
    const ids = await store.upsertCatalogEntities(
      [
        {
          ref: 'component:default/payments-api',
          kind: 'component',
          namespace: 'default',
          name: 'payments-api',
          ownerRef: 'group:default/payments',
          scanned: true,
        },
      ],
      at,
    );
    return {
      entityId: ids.get('component:default/payments-api')!,
      scanId,
      at,
      posture: posture('component:default/payments-api', 0, 9),
      findings: [
        {
          fingerprint: 'f'.repeat(64),
          checkId: 'k8s-privileged',
          resourceUid: 'k8s:/apps/v1/Deployment/payments/api',
          resource: {
            uid: 'k8s:/apps/v1/Deployment/payments/api',
            type: 'k8s.workload',
            kind: 'Deployment',
            name: 'api',
            namespace: 'payments',
          },
          severity: 'critical',
          category: 'compute',
          control: 'no_privileged_containers',
          status: 'open',
          title: 'Privileged container',
          message: 'container api is privileged',
          evidence: [
            {
              path: 'spec.template.spec.containers[0].securityContext.privileged',
              value: true,
            },
          ],
          remediation: { text: 'Drop privileged', url: 'https://example.com' },
        },
      ],
      resources: [
        {
          uid: 'k8s:/apps/v1/Deployment/payments/api',
          provider: 'manifests',
          type: 'k8s.workload',
          kind: 'Deployment',
          name: 'api',
          namespace: 'payments',
          contentHash: 'c1',
        },
      ],
      unclaimed: [
        {
          uid: 'tf:aws_s3_bucket.orphan',
          provider: 'manifests',
          type: 'aws.s3.bucket',
          kind: 'aws_s3_bucket',
          name: 'orphan',
          teamRef: 'group:default/payments',
        },
      ],
      providerStates: [
        {
          provider: 'manifests',
          status: 'ok',
          resourceCount: 1,
          pendingCount: null,
          pendingScans: 0,
          error: null,
        },
      ],
    };
  }

  async function counts(knex: Awaited<ReturnType<typeof createStore>>['knex']) {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const [{ n }] = await knex(table).count({ n: '*' });
      out[table] = Number(n);
    }
    return out;
  }

  it.each(databases.eachSupportedId())(
    'migrates up and down on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const directory = SecurityPostureStore.migrationsDirectory;
      // Stepping down (later migrations first) removes the posture tables, keeps scan runs.
      for (let i = 0; i < 20 && (await knex.schema.hasTable('findings')); i++) {
        await knex.migrate.down({ directory });
      }
      expect(await knex.schema.hasTable('findings')).toBe(false);
      expect(await knex.schema.hasTable('scan_runs')).toBe(true);
      await knex.migrate.down({ directory });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      // And back up again.
      await knex.migrate.latest({ directory });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'queues, claims and finishes scan runs on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const createdAt = new Date('2026-11-28T10:00:00.000Z');
      await store.createScanRun({
        id: '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
        trigger: 'manual',
        status: 'queued',
        scope: 'component:default/payments-api',
        requestedBy: 'user:default/guest',
        createdAt,
      });
      expect(
        (await store.findQueuedScan('component:default/payments-api'))?.id,
      ).toBe('3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f');
      expect(await store.findQueuedScan(null)).toBeUndefined();

      const claimed = await store.claimQueuedScan(
        new Date('2026-11-28T10:00:05.000Z'),
      );
      expect(claimed).toMatchObject({
        id: '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
        status: 'running',
        requestedBy: 'user:default/guest',
      });
      // A second claim finds nothing: a request runs once.
      expect(await store.claimQueuedScan()).toBeUndefined();

      await store.finishScanRun(
        '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
        {
          status: 'failed',
          error: 'provider manifests timed out',
          counts: { entities: 3, resources: 12, findings: 4 },
          errors: ['component:default/x: no such file'],
        },
        new Date('2026-11-28T10:01:00.000Z'),
      );
      const finished = await store.getScanRun(
        '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
      );
      expect(finished).toMatchObject({
        status: 'failed',
        error: 'provider manifests timed out',
        counts: { entities: 3, resources: 12, findings: 4, errors: 1 },
        errors: ['component:default/x: no such file'],
      });
      expect(finished?.startedAt?.toISOString()).toBe(
        '2026-11-28T10:00:05.000Z',
      );
      expect(finished?.finishedAt?.toISOString()).toBe(
        '2026-11-28T10:01:00.000Z',
      );
      expect(await store.getScanRun('unknown')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    're-applying the same scan result changes nothing on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const at = new Date('2026-11-28T10:00:00.000Z');
      const input = await entityResult(store, 'scan-1', at);
      await store.applyEntityResult(input);
      const first = await counts(knex);
      const firstPosture = await store.getPosture(
        'component:default/payments-api',
      );
      const firstFindings = await knex('findings').orderBy('id');
      await store.applyEntityResult(input);
      expect(await counts(knex)).toEqual(first);
      expect(await store.getPosture('component:default/payments-api')).toEqual(
        firstPosture,
      );
      expect(await knex('findings').orderBy('id')).toEqual(firstFindings);
      expect(first).toMatchObject({
        posture_snapshots: 1,
        posture_daily: 1,
        findings: 1,
        entity_resources: 1,
        unowned_resources: 1,
      });
      // Duplicates are impossible, whatever the caller does.
      const duplicate = await knex('posture_snapshots')
        .insert({
          entity_id: input.entityId,
          scan_id: 'scan-1',
          taken_at: at,
          status: 'ok',
          earned: 0,
          possible: 9,
          adjusted_earned: 0,
          categories_json: '{}',
        })
        .then(
          () => 'inserted',
          (e: Error) => `rejected: ${e.message}`,
        );
      expect(duplicate).toMatch(/rejected: .*(unique|UNIQUE)/);
    },
  );

  it.each(databases.eachSupportedId())(
    'resolves a finding that disappears and reopens it as a new occurrence on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const t1 = new Date('2026-11-28T10:00:00.000Z');
      const t2 = new Date('2026-11-28T16:00:00.000Z');
      const t3 = new Date('2026-11-29T10:00:00.000Z');
      const input = await entityResult(store, 'scan-1', t1);
      await store.applyEntityResult(input);
      await store.applyEntityResult({
        ...input,
        scanId: 'scan-2',
        at: t2,
        findings: [],
        posture: posture('component:default/payments-api', 9, 9),
      });
      let page = await store.listFindings([input.entityId], { limit: 10 });
      expect(page.items[0]).toMatchObject({
        status: 'resolved',
        firstSeen: t1,
        resolvedAt: t2,
      });
      await store.applyEntityResult({ ...input, scanId: 'scan-3', at: t3 });
      page = await store.listFindings([input.entityId], { limit: 10 });
      expect(page.items[0]).toMatchObject({
        status: 'open',
        firstSeen: t3,
        resolvedAt: null,
        lastSeen: t3,
      });
      // History: one point per changed scan.
      const history = await store.getHistory(
        input.entityId,
        new Date('2026-11-27T00:00:00Z'),
        new Date('2026-11-30T00:00:00Z'),
      );
      expect(history.map(h => [h.at.toISOString(), h.percent])).toEqual([
        ['2026-11-28T10:00:00.000Z', 0],
        ['2026-11-28T16:00:00.000Z', 100],
        ['2026-11-29T10:00:00.000Z', 0],
      ]);
      expect(history[0].categories).toContainEqual({
        id: 'compute',
        percent: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes history past retention in small batches on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const now = new Date('2026-11-28T12:00:00.000Z');
      const ids = await store.upsertCatalogEntities(
        [
          {
            ref: 'component:default/a',
            kind: 'component',
            namespace: 'default',
            name: 'a',
            scanned: true,
          },
        ],
        now,
      );
      const entityId = ids.get('component:default/a')!;
      const rows = [];
      for (let i = 0; i < 12; i++) {
        // 10 snapshots older than 90 days, 2 recent ones.
        const age = i < 10 ? 100 + i : i - 9;
        rows.push({
          entity_id: entityId,
          scan_id: `scan-${i}`,
          taken_at: new Date(now.getTime() - age * DAY),
          status: 'ok',
          earned: i,
          possible: 20,
          percent: i * 5,
          adjusted_earned: i,
          adjusted_percent: i * 5,
          categories_json: '{}',
        });
      }
      await knex('posture_snapshots').insert(rows);
      const deletes: string[] = [];
      const listener = (q: { sql: string }) => {
        if (/^delete/i.test(q.sql) && q.sql.includes('posture_snapshots')) {
          deletes.push(q.sql);
        }
      };
      knex.on('query', listener);
      const deleted = await store.deleteSnapshotsBefore(
        new Date(now.getTime() - 90 * DAY),
        3,
      );
      knex.off('query', listener);
      expect(deleted).toBe(10);
      // 10 rows in batches of 3: four statements.
      expect(deletes).toHaveLength(4);
      const left = await knex('posture_snapshots').select('scan_id');
      expect(left.map(r => r.scan_id).sort()).toEqual(['scan-10', 'scan-11']);

      await knex('posture_daily').insert(
        [800, 740, 10].map(age => ({
          entity_id: entityId,
          day: new Date(now.getTime() - age * DAY).toISOString().slice(0, 10),
          earned: 1,
          possible: 2,
          percent: 50,
          categories_json: '{}',
          updated_at: now,
        })),
      );
      expect(
        await store.deleteDailyBefore(
          new Date(now.getTime() - 730 * DAY).toISOString().slice(0, 10),
          1,
        ),
      ).toBe(2);
      const [{ n }] = await knex('posture_daily').count({ n: '*' });
      expect(Number(n)).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists unowned resources: seen by a provider, claimed by nobody, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const at = new Date('2026-11-28T10:00:00.000Z');
      const input = await entityResult(store, 'scan-1', at);
      await store.applyEntityResult(input);
      // Another reporter saw the entity's own resource and one nobody claims.
      await store.replaceUnclaimed(
        'provider:kubernetes',
        [
          {
            uid: 'k8s:/apps/v1/Deployment/payments/api',
            provider: 'kubernetes',
            type: 'k8s.workload',
            kind: 'Deployment',
            name: 'api',
          },
          {
            uid: 'k8s:/apps/v1/Deployment/tools/debug',
            provider: 'kubernetes',
            type: 'k8s.workload',
            kind: 'Deployment',
            name: 'debug',
            namespace: 'tools',
          },
        ],
        '0/1',
        at,
      );
      const page = await store.listUnowned({ offset: 0, limit: 10 });
      expect(page.totalCount).toBe(2);
      expect(page.items.map(i => i.name)).toEqual(['debug', 'orphan']);
      const limited = await store.listUnowned({
        offset: 0,
        limit: 10,
        reporters: ['component:default/payments-api'],
      });
      expect(limited.items.map(i => i.name)).toEqual(['orphan']);
      expect((await store.unownedByTeam()).get('group:default/payments')).toBe(
        1,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'ranks group roll-ups of the given types without their JSON, paged in SQL, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const at = new Date('2026-11-20T00:00:00Z');
      const groups = [
        { name: 'a', type: 'team', earned: 5 },
        { name: 'b', type: 'Team', earned: 9 },
        { name: 'c', type: 'department', earned: 7 },
        { name: 'd', type: undefined, earned: 8 },
        { name: 'e', type: 'team', earned: 9 },
        { name: 'f', type: 'team', earned: 0, possible: 0 },
      ];
      const ids = await store.upsertCatalogEntities(
        [
          ...groups.map(g => ({
            ref: `group:default/${g.name}`,
            kind: 'group',
            namespace: 'default',
            name: g.name,
            title: g.name === 'a' ? 'Team A' : undefined,
            type: g.type,
            scanned: false,
          })),
          {
            ref: 'system:default/s',
            kind: 'system',
            namespace: 'default',
            name: 's',
            scanned: false,
          },
        ],
        at,
      );
      await store.writeRollups(
        [
          ...groups.map(g => ({
            entityId: ids.get(`group:default/${g.name}`)!,
            posture: {
              ...posture(`group:default/${g.name}`, g.earned, g.possible ?? 10),
              isRollup: true,
              memberCount: 3,
            },
          })),
          {
            entityId: ids.get('system:default/s')!,
            posture: {
              ...posture('system:default/s', 10, 10),
              isRollup: true,
            },
          },
        ],
        'scan-1',
        at,
      );
      const refsOf = (rows: Array<{ ref: string }>) => rows.map(r => r.ref);
      const all = await store.rankGroupRollups({
        groupTypes: [],
        offset: 0,
        limit: 100,
      });
      expect(refsOf(all)).toEqual([
        'group:default/b',
        'group:default/e',
        'group:default/d',
        'group:default/c',
        'group:default/a',
      ]);
      // The same order and values as the full postures the leaderboard read before.
      const full = await store.rankPostures({
        isRollup: true,
        kinds: ['group'],
        offset: 0,
        limit: 100,
      });
      expect(all).toEqual(
        full.map(p => ({
          ref: p.entity.ref,
          title: p.entity.title,
          type: p.entity.type,
          earned: p.earned,
          possible: p.possible,
          adjustedEarned: p.adjustedEarned,
          delta7d: p.delta7d,
          delta30d: p.delta30d,
          memberCount: p.memberCount,
          counts: p.counts,
        })),
      );
      expect(all.find(r => r.ref === 'group:default/a')).toMatchObject({
        title: 'Team A',
        memberCount: 3,
        counts: { critical: 1, high: 0, medium: 0, low: 0 },
      });
      const teams = await store.rankGroupRollups({
        groupTypes: ['team'],
        offset: 0,
        limit: 100,
      });
      expect(refsOf(teams)).toEqual([
        'group:default/b',
        'group:default/e',
        'group:default/a',
      ]);
      const page = await store.rankGroupRollups({
        groupTypes: ['team', 'department'],
        offset: 1,
        limit: 2,
      });
      expect(refsOf(page)).toEqual(['group:default/e', 'group:default/c']);
    },
  );

  it.each(databases.eachSupportedId())(
    'changes its catalog version when it writes catalog entities, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const at = new Date('2026-11-20T00:00:00Z');
      const v0 = store.catalogVersion;
      await store.upsertCatalogEntities(
        [
          {
            ref: 'group:default/a',
            kind: 'group',
            namespace: 'default',
            name: 'a',
            scanned: false,
          },
        ],
        at,
      );
      const v1 = store.catalogVersion;
      expect(v1).not.toBe(v0);
      await store.listCatalogEntities();
      expect(store.catalogVersion).toBe(v1);
      await store.markCatalogEntitiesRemoved(['group:default/a'], at);
      expect(store.catalogVersion).not.toBe(v1);
    },
  );
});
