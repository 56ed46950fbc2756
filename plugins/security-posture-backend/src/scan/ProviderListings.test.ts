import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import { bucket } from '../__testUtils__/fixtures';
import {
  ProviderListings,
  type ListingEntry,
  type ListingSink,
} from './ProviderListings';

jest.setTimeout(60_000);

const never = new AbortController().signal;

describe('ProviderListings', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await SecurityPostureStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    // Two replicas: each has its own instance, they share the database.
    const replica = () =>
      new ProviderListings(knex, { leaseMs: 500, pollMs: 20, chunkSize: 2 });
    return { knex, one: replica(), two: replica() };
  }

  /** A listing of `n` buckets, entry i owned in shard i % 3. */
  function lister(n: number, calls: { count: number }, delayMs = 0) {
    return async (sink: ListingSink) => {
      calls.count++;
      for (let i = 0; i < n; i++) {
        if (delayMs) await new Promise(r => setTimeout(r, delayMs));
        await sink.add(i % 3, {
          r: bucket(`b${i}`, { encrypted: true, public: false }),
          o: [`component:default/c${i}`],
        });
      }
      return n;
    };
  }

  async function readAll(
    listings: ProviderListings,
    listingId: string,
    shard: number,
  ): Promise<ListingEntry[]> {
    const out: ListingEntry[] = [];
    for await (const chunk of listings.read(listingId, shard)) {
      out.push(...chunk);
    }
    return out;
  }

  it.each(databases.eachSupportedId())(
    'lists once for shard tasks on two replicas, each reading its own shard, on %p',
    async databaseId => {
      const { one, two } = await setup(databaseId);
      const calls = { count: 0 };
      const freshSince = new Date(Date.now() - 1000);
      const request = (holder: string) => ({
        provider: 'kubernetes:prod',
        shards: 3,
        holder,
        freshSince,
        signal: never,
        // Slow enough that the second replica arrives while the first lists.
        list: lister(7, calls, 20),
      });
      const [a, b] = await Promise.all([
        one.obtain(request('scan-a')),
        two.obtain(request('scan-b')),
      ]);
      expect(calls.count).toBe(1);
      expect(a.status).toBe('done');
      expect(b).toEqual(a);
      if (a.status !== 'done') throw new Error('unreachable');
      expect(a.count).toBe(7);
      expect(['scan-a', 'scan-b']).toContain(a.listedBy);

      // Shard 1 holds entries 1 and 4, in stored chunks, as plain data again.
      const shard1 = await readAll(two, a.listingId, 1);
      expect(shard1.map(e => e.r.name)).toEqual(['b1', 'b4']);
      expect(shard1[0]).toEqual({
        r: bucket('b1', { encrypted: true, public: false }),
        o: ['component:default/c1'],
      });
      expect((await readAll(one, a.listingId, 0)).map(e => e.r.name)).toEqual([
        'b0',
        'b3',
        'b6',
      ]);

      // A later shard task within the window reuses it without listing.
      const later = await two.obtain(request('scan-c'));
      expect(later).toEqual(a);
      expect(calls.count).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists again for a newer window and keeps only the current and previous listings on %p',
    async databaseId => {
      const { knex, one } = await setup(databaseId);
      const calls = { count: 0 };
      const obtain = (freshSince: Date) =>
        one.obtain({
          provider: 'aws:prod',
          shards: 2,
          holder: `scan-${calls.count}`,
          freshSince,
          signal: never,
          list: lister(3, calls),
        });
      const first = await obtain(new Date(Date.now() - 1000));
      await new Promise(r => setTimeout(r, 5));
      const second = await obtain(new Date());
      await new Promise(r => setTimeout(r, 5));
      const third = await obtain(new Date());
      expect(calls.count).toBe(3);
      const ids = [first, second, third].map(o =>
        o.status === 'done' ? o.listingId : undefined,
      );
      expect(new Set(ids).size).toBe(3);
      const stored = await knex('provider_listing_items')
        .distinct('listing_id')
        .pluck('listing_id');
      expect(stored.sort()).toEqual([ids[1], ids[2]].sort());
    },
  );

  it.each(databases.eachSupportedId())(
    'shares a failed listing within the window instead of asking the provider again on %p',
    async databaseId => {
      const { knex, one, two } = await setup(databaseId);
      let calls = 0;
      const request = {
        provider: 'kubernetes:prod',
        shards: 3,
        freshSince: new Date(Date.now() - 1000),
        signal: never,
        list: async (sink: ListingSink) => {
          calls++;
          await sink.add(0, {
            r: bucket('x', { encrypted: true, public: false }),
          });
          throw new Error('401 Unauthorized');
        },
      };
      const a = await one.obtain({ ...request, holder: 'scan-a' });
      const b = await two.obtain({ ...request, holder: 'scan-b' });
      expect(a).toMatchObject({ status: 'failed', error: '401 Unauthorized' });
      expect(b).toEqual(a);
      expect(calls).toBe(1);
      // What it wrote before failing is gone.
      const [{ n }] = await knex('provider_listing_items').count('* as n');
      expect(Number(n)).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'takes over a listing whose holder stopped renewing its lease, and at once after an abort, on %p',
    async databaseId => {
      const { knex, one, two } = await setup(databaseId);
      // A replica died while listing: its lease ran out.
      await knex('provider_listings').insert({
        provider: 'kubernetes:prod',
        shards: 3,
        listing_id: '00000000-0000-4000-8000-000000000001',
        status: 'listing',
        version: 4,
        holder: 'dead-scan',
        lease_until: new Date(Date.now() - 1),
        started_at: new Date(),
      });
      const calls = { count: 0 };
      const taken = await one.obtain({
        provider: 'kubernetes:prod',
        shards: 3,
        holder: 'scan-a',
        freshSince: new Date(Date.now() - 60_000),
        signal: never,
        list: lister(2, calls),
      });
      expect(taken).toMatchObject({ status: 'done', listedBy: 'scan-a' });
      expect(calls.count).toBe(1);

      // A shard task that is cancelled while listing releases its lease.
      const controller = new AbortController();
      const aborted = two.obtain({
        provider: 'aws:prod',
        shards: 3,
        holder: 'scan-b',
        freshSince: new Date(Date.now() - 60_000),
        signal: controller.signal,
        list: async () => {
          controller.abort();
          const error = new Error('The scan was aborted');
          error.name = 'AbortError';
          throw error;
        },
      });
      await expect(aborted).rejects.toThrow('aborted');
      const started = Date.now();
      const next = await one.obtain({
        provider: 'aws:prod',
        shards: 3,
        holder: 'scan-c',
        freshSince: new Date(Date.now() - 60_000),
        signal: never,
        list: lister(1, calls),
      });
      expect(next).toMatchObject({ status: 'done', listedBy: 'scan-c' });
      // It did not wait for the lease (500 ms) to run out.
      expect(Date.now() - started).toBeLessThan(450);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the lease alive while a long listing runs, so nobody takes over, on %p',
    async databaseId => {
      const { one, two } = await setup(databaseId);
      const calls = { count: 0 };
      const request = (holder: string) => ({
        provider: 'kubernetes:prod',
        shards: 2,
        holder,
        freshSince: new Date(Date.now() - 1000),
        signal: never,
        // Three times the lease.
        list: lister(15, calls, 100),
      });
      const first = one.obtain(request('scan-a'));
      await new Promise(r => setTimeout(r, 50));
      const second = await two.obtain(request('scan-b'));
      expect(second).toMatchObject({ status: 'done', listedBy: 'scan-a' });
      expect(await first).toEqual(second);
      expect(calls.count).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'stops waiting when its own scan is aborted on %p',
    async databaseId => {
      const { one, two } = await setup(databaseId);
      const calls = { count: 0 };
      const base = {
        provider: 'kubernetes:prod',
        shards: 2,
        freshSince: new Date(Date.now() - 1000),
      };
      const first = one.obtain({
        ...base,
        holder: 'scan-a',
        signal: never,
        list: lister(10, calls, 50),
      });
      await new Promise(r => setTimeout(r, 30));
      const controller = new AbortController();
      const waiting = two.obtain({
        ...base,
        holder: 'scan-b',
        signal: controller.signal,
        list: lister(1, calls),
      });
      setTimeout(() => controller.abort(), 50);
      await expect(waiting).rejects.toThrow('aborted');
      await expect(first).resolves.toMatchObject({ status: 'done' });
      expect(calls.count).toBe(1);
    },
  );
});
