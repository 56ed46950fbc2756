import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Resource } from '@internal/security-posture-engine';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { toDate, toDateOrNull, toNumber } from '../database/util';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/** One listed resource in a shard's part of a listing. */
export interface ListingEntry {
  /** The resource. */
  r: Resource;
  /** The entities of this shard that own it; absent when no entity claims it. */
  o?: string[];
  /** The team an unclaimed resource counts against (its `ownerRef` hint). */
  u?: string;
}

/** Where a listing writes its entries, by shard. */
export interface ListingSink {
  add(shard: number, entry: ListingEntry): Promise<void>;
}

/** What {@link ProviderListings.obtain} found or did. */
export type ListingOutcome =
  | {
      status: 'done';
      listingId: string;
      /** Resources listed (all shards). */
      count: number;
      /** Scan that listed it; another scan's id when it was reused. */
      listedBy: string;
      startedAt: Date;
    }
  | {
      status: 'failed';
      error: string;
      listedBy: string;
      startedAt: Date;
    };

/** Tunables (tests shorten them). */
export interface ProviderListingsOptions {
  /** How long a claim holds without a heartbeat. Default 2 minutes. */
  leaseMs?: number;
  /** How often a waiting shard looks again. Default 1 second. */
  pollMs?: number;
  /** Entries per stored chunk. Default 500. */
  chunkSize?: number;
}

type Row = Record<string, any>;

/**
 * Inventory listings shared by the shard tasks of one scan interval, in the
 * plugin database (so shards on different replicas share them).
 *
 * One row per provider and shard count (`provider_listings`) says who is listing
 * the provider, under a lease kept alive by heartbeats, or how the last listing
 * ended. The first shard task that needs a listing no older than its window
 * claims the row with a compare-and-swap on its version, lists the provider once
 * and writes the resources — already resolved to their owners and split by shard
 * — as gzip JSON chunks (`provider_listing_items`). Shard tasks that arrive while
 * it lists wait for it; those that arrive later read their part. A holder that
 * dies stops renewing its lease, and the next shard task takes the listing over.
 * A failed listing is shared too: a provider that is down is not asked again by
 * every shard of the interval.
 *
 * The migrations are run by `SecurityPostureStore.create`.
 */
export class ProviderListings {
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly chunkSize: number;

  static async create(options: {
    database: DatabaseService;
    options?: ProviderListingsOptions;
  }): Promise<ProviderListings> {
    return new ProviderListings(
      await options.database.getClient(),
      options.options,
    );
  }

  constructor(
    private readonly db: Knex,
    options: ProviderListingsOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 2 * 60 * 1000;
    this.pollMs = options.pollMs ?? 1000;
    this.chunkSize = options.chunkSize ?? 500;
  }

  /**
   * The listing of a provider for `shards` shards that started at or after
   * `freshSince`: reused when there is one, awaited when one is being written,
   * otherwise claimed and produced by `list` (which returns the number of
   * resources it listed; throwing records a failed listing).
   */
  async obtain(request: {
    provider: string;
    shards: number;
    holder: string;
    freshSince: Date;
    signal: AbortSignal;
    list: (sink: ListingSink) => Promise<number>;
  }): Promise<ListingOutcome> {
    const { provider, shards, holder, freshSince, signal } = request;
    const key = { provider, shards };
    for (;;) {
      throwIfAborted(signal);
      const row: Row | undefined = await this.db('provider_listings')
        .where(key)
        .first();
      const now = new Date();
      if (row) {
        const startedAt = toDate(row.started_at);
        if (row.status !== 'listing' && startedAt >= freshSince) {
          return toOutcome(row);
        }
        const lease = toDateOrNull(row.lease_until);
        if (row.status === 'listing' && lease && lease > now) {
          await sleep(this.pollMs, signal);
          continue;
        }
      }
      const listingId = randomUUID();
      const claim = {
        listing_id: listingId,
        previous_listing_id:
          row?.status === 'done'
            ? row.listing_id
            : row?.previous_listing_id ?? null,
        status: 'listing',
        holder,
        lease_until: new Date(now.getTime() + this.leaseMs),
        started_at: now,
        finished_at: null,
        resource_count: null,
        error: null,
      };
      if (!(await this.claim(key, row, claim))) continue;
      const result = await this.produce(
        key,
        { listingId, holder, startedAt: now },
        request.list,
        signal,
      );
      if (result) return result;
      // The lease was lost to another shard task: wait for its listing.
    }
  }

  /** The entries of one shard of a finished listing, chunk by chunk. */
  async *read(
    listingId: string,
    shard: number,
  ): AsyncGenerator<ListingEntry[]> {
    let after = 0;
    for (;;) {
      const rows: Row[] = await this.db('provider_listing_items')
        .where({ listing_id: listingId, shard })
        .andWhere('id', '>', after)
        .orderBy('id')
        .limit(10)
        .select('id', 'payload');
      if (rows.length === 0) return;
      for (const r of rows) {
        after = toNumber(r.id);
        const buffer = Buffer.isBuffer(r.payload)
          ? r.payload
          : Buffer.from(r.payload);
        yield JSON.parse((await gunzip(buffer)).toString('utf8'));
      }
    }
  }

  /** Atomically takes the row over (compare-and-swap on its version). */
  private async claim(
    key: { provider: string; shards: number },
    row: Row | undefined,
    claim: Row,
  ): Promise<boolean> {
    if (!row) {
      await this.db('provider_listings')
        .insert({ ...key, ...claim, version: 0 })
        .onConflict(['provider', 'shards'])
        .ignore();
      const now: Row | undefined = await this.db('provider_listings')
        .where(key)
        .first();
      return now?.listing_id === claim.listing_id;
    }
    const updated = await this.db('provider_listings')
      .where({ ...key, version: row.version })
      .update({ ...claim, version: toNumber(row.version) + 1 });
    return updated === 1;
  }

  /**
   * Runs the listing under the lease. Returns its outcome, or undefined when the
   * lease was taken over meanwhile (the caller then waits for the new holder).
   */
  private async produce(
    key: { provider: string; shards: number },
    claim: { listingId: string; holder: string; startedAt: Date },
    list: (sink: ListingSink) => Promise<number>,
    signal: AbortSignal,
  ): Promise<ListingOutcome | undefined> {
    const { listingId, holder, startedAt } = claim;
    const mine = () =>
      this.db('provider_listings').where({ ...key, listing_id: listingId });
    let lost = false;
    const heartbeat = setInterval(() => {
      mine()
        .update({
          lease_until: new Date(Date.now() + this.leaseMs),
          version: this.db.raw('version + 1'),
        })
        .then(n => {
          if (n === 0) lost = true;
        })
        .catch(() => {
          // The database is unreachable: the lease may lapse, another shard
          // task then takes over and this one's result is dropped.
        });
    }, Math.max(10, Math.floor(this.leaseMs / 3)));
    heartbeat.unref?.();

    const buffers = new Map<number, ListingEntry[]>();
    const flush = async (shard: number) => {
      const entries = buffers.get(shard);
      if (!entries || entries.length === 0) return;
      buffers.set(shard, []);
      const payload = await gzip(Buffer.from(JSON.stringify(entries)), {
        level: 3,
      });
      await this.db('provider_listing_items').insert({
        provider: key.provider,
        shards: key.shards,
        listing_id: listingId,
        shard,
        item_count: entries.length,
        payload,
      });
    };
    const sink: ListingSink = {
      add: async (shard, entry) => {
        let entries = buffers.get(shard);
        if (!entries) {
          entries = [];
          buffers.set(shard, entries);
        }
        entries.push(entry);
        if (entries.length >= this.chunkSize) await flush(shard);
      },
    };

    try {
      let count: number;
      try {
        count = await list(sink);
        for (const shard of buffers.keys()) await flush(shard);
      } catch (e) {
        clearInterval(heartbeat);
        await this.deleteItems(listingId);
        if (signal.aborted || (e as Error)?.name === 'AbortError') {
          // Let the next shard task take over at once.
          await mine().update({
            lease_until: new Date(),
            version: this.db.raw('version + 1'),
          });
          throw e;
        }
        const error = e instanceof Error ? e.message : String(e);
        const n = await mine().update({
          status: 'failed',
          error,
          finished_at: new Date(),
          lease_until: null,
          version: this.db.raw('version + 1'),
        });
        if (n === 0) return undefined;
        return { status: 'failed', error, listedBy: holder, startedAt };
      }
      clearInterval(heartbeat);
      const done = lost
        ? 0
        : await mine().update({
            status: 'done',
            resource_count: count,
            finished_at: new Date(),
            lease_until: null,
            version: this.db.raw('version + 1'),
          });
      if (done === 0) {
        await this.deleteItems(listingId);
        return undefined;
      }
      // Older listings are no longer read (the previous one is kept for shard
      // tasks that may still be reading it).
      const row: Row | undefined = await this.db('provider_listings')
        .where(key)
        .first();
      const keep = [listingId, row?.previous_listing_id].filter(Boolean);
      await this.db('provider_listing_items')
        .where(key)
        .whereNotIn('listing_id', keep)
        .delete();
      return {
        status: 'done',
        listingId,
        count,
        listedBy: holder,
        startedAt,
      };
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async deleteItems(listingId: string) {
    await this.db('provider_listing_items')
      .where({ listing_id: listingId })
      .delete();
  }
}

function toOutcome(row: Row): ListingOutcome {
  const startedAt = toDate(row.started_at);
  if (row.status === 'done') {
    return {
      status: 'done',
      listingId: row.listing_id,
      count: toNumber(row.resource_count ?? 0),
      listedBy: row.holder ?? '',
      startedAt,
    };
  }
  return {
    status: 'failed',
    error: row.error ?? 'the listing failed',
    listedBy: row.holder ?? '',
    startedAt,
  };
}

function throwIfAborted(signal: AbortSignal) {
  if (signal.aborted) {
    const error = new Error('The scan was aborted');
    error.name = 'AbortError';
    throw error;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      const error = new Error('The scan was aborted');
      error.name = 'AbortError';
      reject(error);
    };
    timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
