import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import type { ScanRequestLimits } from './requestLimits';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const limits: ScanRequestLimits = {
  perEntity: { max: 3, windowMs: 10 * MINUTE },
  global: { max: 5, windowMs: 10 * MINUTE },
};

describe('scan request limits', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15', 'SQLITE_3'],
  });

  async function storeOn(knex: Knex) {
    return SecurityPostureStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
  }

  /** A request that was queued, then run (so the next one is not reused). */
  async function requestAndRun(
    store: SecurityPostureStore,
    scope: string | null,
    now: Date,
  ) {
    const result = await store.queueScanRequest({
      id: randomUUID(),
      scope,
      limits,
      now,
    });
    if (result.outcome === 'queued') {
      await store.claimQueuedScan(now);
      await store.finishScanRun(result.run.id, { status: 'succeeded' }, now);
    }
    return result;
  }

  it.each(databases.eachSupportedId())(
    'limits requests per entity, then frees a slot when the oldest leaves the window, on %p',
    async (databaseId: TestDatabaseId) => {
      const store = await storeOn(await databases.init(databaseId));
      const t0 = new Date('2026-11-28T10:00:00Z');
      const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
      for (const m of [0, 1, 2]) {
        expect(
          (await requestAndRun(store, 'component:default/a', at(m))).outcome,
        ).toBe('queued');
      }
      expect(await requestAndRun(store, 'component:default/a', at(3))).toEqual({
        outcome: 'limited',
        limit: 'perEntity',
        retryAfterMs: 7 * MINUTE,
      });
      // Another entity and the whole catalog have their own budget.
      expect(
        (await requestAndRun(store, 'component:default/b', at(3))).outcome,
      ).toBe('queued');
      expect((await requestAndRun(store, null, at(3))).outcome).toBe('queued');
      // Ten minutes after the first request, its slot is free again.
      expect(
        (await requestAndRun(store, 'component:default/a', at(10.01))).outcome,
      ).toBe('queued');
    },
  );

  it.each(databases.eachSupportedId())(
    'limits all requests together, and does not count a reused waiting request, on %p',
    async (databaseId: TestDatabaseId) => {
      const store = await storeOn(await databases.init(databaseId));
      const now = new Date('2026-11-28T10:00:00Z');
      const first = await store.queueScanRequest({
        id: randomUUID(),
        scope: 'component:default/waiting',
        limits,
        now,
      });
      expect(first.outcome).toBe('queued');
      for (let i = 0; i < 4; i++) {
        // Still waiting: reused, not counted.
        expect(
          (
            await store.queueScanRequest({
              id: randomUUID(),
              scope: 'component:default/waiting',
              limits,
              now,
            })
          ).outcome,
        ).toBe('reused');
      }
      for (let i = 0; i < 4; i++) {
        expect(
          (await requestAndRun(store, `component:default/e${i}`, now)).outcome,
        ).toBe('queued');
      }
      const refused = await requestAndRun(store, 'component:default/e9', now);
      expect(refused).toMatchObject({ outcome: 'limited', limit: 'global' });
      expect(await store.listScanRuns(100)).toHaveLength(5);
    },
  );

  it('holds across replicas: concurrent requests on two connections never exceed a limit nor queue a scope twice (PostgreSQL)', async () => {
    if (!databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')) {
      return;
    }
    const first = await databases.init('POSTGRES_15');
    const second = knexFactory(first.client.config);
    try {
      const replicas = [await storeOn(first), await storeOn(second)];
      const now = new Date();
      // 20 requests for distinct entities, from both replicas at once.
      const distinct = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          replicas[i % 2].queueScanRequest({
            id: randomUUID(),
            scope: `component:default/c${i}`,
            limits,
            now,
          }),
        ),
      );
      expect(distinct.filter(r => r.outcome === 'queued')).toHaveLength(5);
      expect(distinct.filter(r => r.outcome === 'limited')).toHaveLength(15);
      // 10 requests for one more scope (under a fresh budget): queued once.
      const roomy = { ...limits, global: { max: 100, windowMs: MINUTE } };
      const same = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          replicas[i % 2].queueScanRequest({
            id: randomUUID(),
            scope: 'component:default/same',
            limits: roomy,
            now,
          }),
        ),
      );
      expect(same.filter(r => r.outcome === 'queued')).toHaveLength(1);
      expect(same.filter(r => r.outcome === 'reused')).toHaveLength(9);
      const rows = await first('scan_runs').count({ n: '*' });
      expect(Number(rows[0].n)).toBe(6);
    } finally {
      await second.destroy();
    }
  });
});
