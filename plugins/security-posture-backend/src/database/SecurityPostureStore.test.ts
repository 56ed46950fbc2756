import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { SecurityPostureStore } from './SecurityPostureStore';

jest.setTimeout(60_000);

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

  it.each(databases.eachSupportedId())(
    'runs migrations and records scan runs on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const startedAt = new Date('2026-11-28T10:00:00.000Z');
      await store.startScanRun({
        id: '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
        trigger: 'manual',
        scope: 'component:default/payments-api',
        startedAt,
      });

      const running = await store.getScanRun(
        '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
      );
      expect(running).toMatchObject({
        status: 'running',
        trigger: 'manual',
        scope: 'component:default/payments-api',
        finishedAt: null,
      });
      expect(running?.startedAt.toISOString()).toBe(startedAt.toISOString());

      await store.finishScanRun(
        '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
        { status: 'failed', error: 'provider manifests timed out' },
        new Date('2026-11-28T10:01:00.000Z'),
      );
      const finished = await store.getScanRun(
        '3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f',
      );
      expect(finished).toMatchObject({
        status: 'failed',
        error: 'provider manifests timed out',
      });
      expect(finished?.finishedAt?.toISOString()).toBe(
        '2026-11-28T10:01:00.000Z',
      );
      expect(await store.getScanRun('unknown')).toBeUndefined();

      // Migrations are reversible.
      await knex.migrate.rollback(
        { directory: `${__dirname}/../../migrations` },
        true,
      );
      expect(await knex.schema.hasTable('scan_runs')).toBe(false);
    },
  );
});
