import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { SecurityPostureStore } from './SecurityPostureStore';

jest.setTimeout(120_000);

/**
 * Replicas started at the same moment on a fresh PostgreSQL database: every
 * one of them comes up (the ones that find another one migrating wait for it)
 * and the schema is migrated once.
 */
describe('replicas starting at once', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'all start, and migrate once, on %p',
    async databaseId => {
      const first = await databases.init(databaseId);
      const others = Array.from({ length: 4 }, () =>
        knexFactory(first.client.config),
      );
      try {
        const clients = [first, ...others];
        const results = await Promise.allSettled(
          clients.map(knex =>
            SecurityPostureStore.create({
              database: {
                getClient: async () => knex,
                migrations: { skip: false },
              },
            }),
          ),
        );
        const failures = results.flatMap(r =>
          r.status === 'rejected' ? [String(r.reason?.stack ?? r.reason)] : [],
        );
        expect(failures).toEqual([]);
        const applied = await first('knex_migrations').select('name');
        expect(applied.length).toBe(new Set(applied.map(r => r.name)).size);
        const [, pending] = await first.migrate.list({
          directory: SecurityPostureStore.migrationsDirectory,
        });
        expect(pending).toEqual([]);
      } finally {
        await Promise.all(others.map(k => k.destroy()));
      }
    },
  );
});
