import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readSecurityPostureConfig } from '../config';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import { RetentionTask } from './RetentionTask';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

describe('RetentionTask', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'deletes what is past its configured retention, keeps the rest, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await SecurityPostureStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      const now = new Date('2026-11-28T12:00:00.000Z');
      const ago = (days: number) => new Date(now.getTime() - days * DAY);
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
      await knex('posture_snapshots').insert(
        [40, 20, 5].map((age, i) => ({
          entity_id: entityId,
          scan_id: `s${i}`,
          taken_at: ago(age),
          status: 'ok',
          earned: 1,
          possible: 2,
          adjusted_earned: 1,
          categories_json: '{}',
        })),
      );
      await knex('posture_daily').insert(
        [100, 50].map(age => ({
          entity_id: entityId,
          day: ago(age).toISOString().slice(0, 10),
          earned: 1,
          possible: 2,
          categories_json: '{}',
          updated_at: ago(age),
        })),
      );
      for (const [i, age] of [40, 1].entries()) {
        await store.createScanRun({
          id: `0000000${i}-0000-4000-8000-000000000000`,
          trigger: 'schedule',
          status: 'running',
          createdAt: ago(age),
        });
        await store.finishScanRun(
          `0000000${i}-0000-4000-8000-000000000000`,
          { status: 'succeeded' },
          ago(age),
        );
      }
      const config = readSecurityPostureConfig(
        new ConfigReader({
          securityPosture: {
            retention: {
              snapshotsDays: 10,
              dailyRollupsDays: 60,
              scanRunsDays: 30,
              batchSize: 1,
            },
          },
        }),
      ).retention;
      const task = new RetentionTask({
        store,
        logger: mockServices.logger.mock(),
        config,
      });
      expect(await task.run(now)).toMatchObject({
        snapshots: 2,
        dailyRollups: 1,
        scanRuns: 1,
      });
      expect(
        (await knex('posture_snapshots').select('scan_id')).map(r => r.scan_id),
      ).toEqual(['s2']);
      const [{ n }] = await knex('posture_daily').count({ n: '*' });
      expect(Number(n)).toBe(1);
      expect(await store.listScanRuns(10)).toHaveLength(1);
      // Nothing left to delete on a second pass.
      expect(await task.run(now)).toMatchObject({
        snapshots: 0,
        dailyRollups: 0,
        scanRuns: 0,
      });
    },
  );
});
