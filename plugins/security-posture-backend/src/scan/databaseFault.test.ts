import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  bucket,
  FakeProvider,
  initialAnswers,
  TEST_CHECKS,
  testCatalog,
  workload,
} from '../__testUtils__/fixtures';
import { CatalogReader } from '../catalog/CatalogReader';
import { CheckCatalogue } from '../checks/CheckCatalogue';
import { readSecurityPostureConfig } from '../config';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import { Scanner } from './Scanner';

/**
 * The database connection killed in the middle of an entity's write
 * (`pg_terminate_backend` from a second connection, while the write's
 * transaction is open): the scan ends cleanly, nothing of that entity's new
 * results is written, it keeps its last known result marked partial, the other
 * entities' scores do not change, and the next scan completes.
 */

jest.setTimeout(120_000);

const B = 'component:default/b';

describe('the database going away mid-scan (PostgreSQL)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  it.each(databases.eachSupportedId())(
    'rolls back the interrupted write, keeps the last result as partial, and recovers on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const admin: Knex = knexFactory(knex.client.config);
      try {
        const store = await SecurityPostureStore.create({
          database: {
            getClient: async () => knex,
            migrations: { skip: false },
          },
        });
        const logger = mockServices.logger.mock();
        const fake = new FakeProvider();
        initialAnswers(fake);
        const scanner = new Scanner({
          store,
          catalog: new CatalogReader({
            catalog: catalogServiceMock({ entities: testCatalog() }),
            auth: mockServices.auth(),
            logger,
            scanKinds: ['component', 'resource'],
          }),
          providers: [fake],
          checks: new CheckCatalogue({
            logger,
            builtin: TEST_CHECKS,
            extra: [],
            sources: [],
            scoring: {},
          }),
          logger,
          config: readSecurityPostureConfig(new ConfigReader({})).scan,
          exemptionFiles: [],
        });
        const scan = async () => {
          const id = randomUUID();
          await store.createScanRun({
            id,
            trigger: 'schedule',
            status: 'running',
          });
          const outcome = await scanner.scanAll({
            scanId: id,
            signal: new AbortController().signal,
          });
          await store.finishScanRun(id, outcome);
          return { id, outcome };
        };
        const snapshot = async () => {
          const postures = await store.listPostures({});
          return new Map(
            postures.map(p => [
              p.entity.ref,
              { percent: p.percent, status: p.status },
            ]),
          );
        };
        const counts = async () => {
          const n = async (table: string) =>
            Number((await knex(table).count({ n: '*' }))[0].n);
          return {
            findings: await n('findings'),
            snapshots: await n('posture_snapshots'),
            daily: await n('posture_daily'),
            resources: await n('entity_resources'),
          };
        };

        expect((await scan()).outcome.status).toBe('succeeded');
        const before = await snapshot();
        const countsBefore = await counts();
        const findingsOfB = async () =>
          (
            await knex('findings')
              .join(
                'catalog_entities',
                'catalog_entities.id',
                'findings.entity_id',
              )
              .where('catalog_entities.entity_ref', B)
              .select('findings.check_id', 'findings.status')
              .orderBy('findings.check_id')
          ).map(r => `${r.check_id}:${r.status}`);
        const findingsBefore = await findingsOfB();
        expect(before.get(B)).toEqual({ percent: 35.7, status: 'ok' });

        // b is fixed (its score would rise); a and c do not change.
        fake.answers.set(B, [
          workload('b', false),
          bucket('b-data', { encrypted: true, public: false }),
        ]);
        // b's snapshot insert waits inside its transaction, long enough for a
        // second connection to kill the connection that holds it.
        const bId = (await store.getCatalogEntity(B))!.id;
        await knex.raw(`
          create or replace function sp_test_stall() returns trigger as $$
          begin
            if new.entity_id = ${bId} then perform pg_sleep(30); end if;
            return new;
          end $$ language plpgsql`);
        await knex.raw(`
          create trigger sp_test_stall before insert on posture_snapshots
          for each row execute function sp_test_stall()`);

        const killed: number[] = [];
        const killer = (async () => {
          for (let i = 0; i < 300 && killed.length === 0; i++) {
            const rows = await admin.raw(
              `select pid from pg_stat_activity
               where datname = current_database() and wait_event = 'PgSleep'
               and pid <> pg_backend_pid()`,
            );
            for (const { pid } of rows.rows) {
              await admin.raw('select pg_terminate_backend(?)', [pid]);
              killed.push(pid);
            }
            await new Promise(r => setTimeout(r, 50));
          }
        })();
        const interrupted = await scan();
        await killer;
        expect(killed).toHaveLength(1);

        // The scan ended on its own terms, naming the entity that failed.
        expect(interrupted.outcome.status).toBe('succeeded');
        expect(interrupted.outcome.errors.join('\n')).toMatch(
          /component:default\/b: .*(terminat|Connection)/i,
        );
        // Nothing of b's new result was written; it keeps its last known
        // result, marked partial with the reason.
        const after = await snapshot();
        expect(after.get(B)).toEqual({ percent: 35.7, status: 'partial' });
        expect((await store.getPosture(B))!.statusReasons.join(' ')).toMatch(
          /could not be saved \(.*(terminat|Connection).*\); the last known results are shown/i,
        );
        expect(await findingsOfB()).toEqual(findingsBefore);
        expect(
          await knex('posture_snapshots')
            .where({ entity_id: bId, scan_id: interrupted.id })
            .count({ n: '*' }),
        ).toEqual([{ n: '0' }]);
        // The other entities' scores and statuses never changed.
        const unaffected = [...before.keys()].filter(
          ref => ref !== B && /^(component|resource):/.test(ref),
        );
        expect(unaffected).toEqual(
          expect.arrayContaining(['component:default/a', 'resource:default/c']),
        );
        expect(unaffected.map(ref => [ref, after.get(ref)])).toEqual(
          unaffected.map(ref => [ref, before.get(ref)]),
        );
        const countsInterrupted = await counts();
        expect(countsInterrupted.findings).toBe(countsBefore.findings);
        expect(countsInterrupted.resources).toBe(countsBefore.resources);

        // The next scan completes and b gets its new result.
        await knex.raw('drop trigger sp_test_stall on posture_snapshots');
        const next = await scan();
        expect(next.outcome).toMatchObject({
          status: 'succeeded',
          counts: { errors: 0 },
        });
        expect((await snapshot()).get(B)).toEqual({
          percent: 100,
          status: 'ok',
        });
        // No duplicate rows anywhere (unique keys), whatever was retried.
        const duplicates = await knex.raw(`
          select 'snapshots' as t, count(*) from (select entity_id, scan_id from posture_snapshots group by 1, 2 having count(*) > 1) d
          union all select 'findings', count(*) from (select entity_id, fingerprint from findings group by 1, 2 having count(*) > 1) d
          union all select 'daily', count(*) from (select entity_id, day from posture_daily group by 1, 2 having count(*) > 1) d
          union all select 'resources', count(*) from (select entity_id, uid_hash from entity_resources group by 1, 2 having count(*) > 1) d`);
        expect(
          duplicates.rows.map(
            (r: { t: string; count: string }) => `${r.t} ${r.count}`,
          ),
        ).toEqual(['snapshots 0', 'findings 0', 'daily 0', 'resources 0']);
      } finally {
        await admin.destroy();
      }
    },
  );
});
