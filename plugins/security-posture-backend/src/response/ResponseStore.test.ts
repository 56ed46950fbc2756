import { TestDatabases } from '@backstage/backend-test-utils';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import { ageBounds, openByAge, remediationStats } from './metrics';
import {
  applyResult,
  createStores,
  finding,
  HIERARCHY,
} from './__testUtils__/stores';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;
const RESPONSE_TABLES = [
  'posture_changes',
  'notified_findings',
  'exemption_notices',
];

describe('ResponseStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'migrates its tables up and down on %p',
    async databaseId => {
      const { knex } = await createStores(databases, databaseId);
      for (const table of RESPONSE_TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const directory = SecurityPostureStore.migrationsDirectory;
      await knex.migrate.down({
        directory,
        name: '20261210000000_response.js',
      });
      for (const table of RESPONSE_TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('findings')).toBe(true);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('posture_changes')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'claims a notified finding occurrence and an exemption notice only once on %p',
    async databaseId => {
      const { responseStore } = await createStores(databases, databaseId);
      const t = new Date('2026-12-01T10:00:00Z');
      const occurrences = [
        { fingerprint: 'a'.repeat(64), firstSeen: t },
        { fingerprint: 'b'.repeat(64), firstSeen: t },
      ];
      expect(
        [
          ...(await responseStore.claimNotified(
            'component:default/a',
            occurrences,
            '1',
            t,
          )),
        ].sort(),
      ).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
      // Again, and with one more: only the new one is claimed.
      const again = await responseStore.claimNotified(
        'component:default/a',
        [
          ...occurrences,
          {
            fingerprint: 'a'.repeat(64),
            firstSeen: new Date(t.getTime() + DAY),
          },
        ],
        '2',
        t,
      );
      expect([...again]).toEqual(['a'.repeat(64)]);
      // A failed send releases its claims, so they can be claimed again.
      await responseStore.releaseNotified('component:default/a', '2');
      expect(
        (
          await responseStore.claimNotified(
            'component:default/a',
            [
              {
                fingerprint: 'a'.repeat(64),
                firstSeen: new Date(t.getTime() + DAY),
              },
            ],
            '3',
            t,
          )
        ).size,
      ).toBe(1);

      expect(
        await responseStore.claimExemptionNotice(
          'group:default/leaf1',
          'k1',
          '2026-12-05',
          t,
        ),
      ).toBe(true);
      expect(
        await responseStore.claimExemptionNotice(
          'group:default/leaf1',
          'k1',
          '2026-12-05',
          t,
        ),
      ).toBe(false);
      expect(
        await responseStore.claimExemptionNotice(
          'group:default/dept',
          'k1',
          '2026-12-05',
          t,
        ),
      ).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'measures time to remediate and open findings by age from the findings lifecycle on %p',
    async databaseId => {
      const { store, responseStore } = await createStores(
        databases,
        databaseId,
      );
      const t0 = new Date('2026-09-01T00:00:00Z');
      const ids = await store.upsertCatalogEntities(HIERARCHY, t0);
      const critical = finding('test-privileged', 'api', 'critical');
      const low = finding('test-digest', 'api', 'low');
      const high = finding('test-limits', 'worker', 'high');
      await applyResult(store, ids, {
        ref: 'component:default/a',
        scanId: 's1',
        at: t0,
        earned: 10,
        possible: 28,
        findings: [critical, low],
      });
      // Three days later the critical one is fixed, and a high one appears.
      const t1 = new Date(t0.getTime() + 3 * DAY);
      const outcome = await applyResult(store, ids, {
        ref: 'component:default/a',
        scanId: 's2',
        at: t1,
        earned: 19,
        possible: 28,
        findings: [low, high],
      });
      expect(outcome.resolved).toBe(1);
      const aId = ids.get('component:default/a')!;
      const resolved = await responseStore.resolvedInScan(aId, 's2', 10);
      expect(resolved.total).toBe(1);
      expect(resolved.items[0]).toMatchObject({
        checkId: 'test-privileged',
        severity: 'critical',
        resource: { kind: 'Deployment', name: 'api' },
      });

      const window = await responseStore.listResolved(
        [aId],
        new Date(t1.getTime() - DAY),
        new Date(t1.getTime() + DAY),
      );
      expect(window).toHaveLength(1);
      const stats = remediationStats(window);
      expect(stats.bySeverity.critical).toEqual({
        count: 1,
        medianHours: 72,
        p90Hours: 72,
      });
      // Outside the window: nothing.
      expect(
        await responseStore.listResolved(
          [aId],
          new Date(t1.getTime() + 1),
          new Date(t1.getTime() + DAY),
        ),
      ).toEqual([]);
      // Entity b has nothing resolved.
      expect(
        await responseStore.listResolved(
          [ids.get('component:default/b')!],
          t0,
          t1,
        ),
      ).toEqual([]);

      // 40 days after t0: the low finding (t0) is 40 days old, the high one 37.
      const now = new Date(t0.getTime() + 40 * DAY);
      const ages = openByAge(
        await responseStore.countOpenByAge([aId], ageBounds(now)),
      );
      expect(ages.total).toBe(2);
      expect(ages.buckets.map(b => [b.id, b.total])).toEqual([
        ['lt7d', 0],
        ['d7to30', 0],
        ['d30to90', 2],
        ['gt90d', 0],
      ]);
      // 91 days after t0 the low one is over 90 days old, the high one (t1) 88.
      const later = openByAge(
        await responseStore.countOpenByAge(
          undefined,
          ageBounds(new Date(t0.getTime() + 91 * DAY)),
        ),
      );
      expect(later.buckets.find(b => b.id === 'gt90d')!.counts.low).toBe(1);
      expect(later.buckets.find(b => b.id === 'd30to90')!.counts.high).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'records one change per entity and scan, and lists regressions newest first on %p',
    async databaseId => {
      const { responseStore } = await createStores(databases, databaseId);
      const base = {
        entityRef: 'component:default/a',
        ownerRef: 'group:default/leaf1',
        previousPercent: 90,
        currentPercent: 80,
        previousAdjustedPercent: 90,
        currentAdjustedPercent: 80,
        modelChanged: false,
        opened: [],
        openedCount: 0,
        resolved: [],
        resolvedCount: 0,
      };
      const first = await responseStore.recordChange({
        ...base,
        scanId: 's1',
        at: new Date('2026-12-01T00:00:00Z'),
        regression: true,
        reasons: ['score-drop'],
      });
      expect(first.inserted).toBe(true);
      const replay = await responseStore.recordChange({
        ...base,
        scanId: 's1',
        at: new Date('2026-12-01T00:00:00Z'),
        regression: true,
        reasons: ['score-drop'],
      });
      expect(replay).toEqual({ change: first.change, inserted: false });
      await responseStore.recordChange({
        ...base,
        scanId: 's2',
        at: new Date('2026-12-02T00:00:00Z'),
        regression: false,
        reasons: [],
      });
      await responseStore.recordChange({
        ...base,
        scanId: 's3',
        at: new Date('2026-12-03T00:00:00Z'),
        regression: true,
        reasons: ['new-critical'],
      });
      await responseStore.setNotification(first.change.id, 'sent', new Date());
      const regressions = await responseStore.listChanges({
        entityRefs: ['component:default/a'],
        regressionsOnly: true,
        limit: 10,
      });
      expect(
        regressions.map(c => [c.scanId, c.reasons, c.notification]),
      ).toEqual([
        ['s3', ['new-critical'], null],
        ['s1', ['score-drop'], 'sent'],
      ]);
      expect(
        (await responseStore.listChanges({ limit: 10 })).map(c => c.scanId),
      ).toEqual(['s3', 's2', 's1']);
      expect(
        await responseStore.countRegressions(new Date('2026-12-02T00:00:00Z')),
      ).toEqual(new Map([['component:default/a', 1]]));
      expect(
        await responseStore.deleteBefore(new Date('2026-12-02T12:00:00Z'), 1),
      ).toBe(2);
      expect(
        (await responseStore.listChanges({ limit: 10 })).map(c => c.scanId),
      ).toEqual(['s3']);
    },
  );
});
