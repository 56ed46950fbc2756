import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  SEVERITIES,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import {
  ANNOTATION_KUBERNETES_ID,
  DEFAULT_ARN_ANNOTATIONS,
  ProviderEntityIndex,
  type OwnershipHints,
  type ProviderEntities,
  type QuarantinePolicy,
  type ResourceProviderContext,
  type SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import {
  uniqueResourceIds,
  type Finding as EngineFinding,
  type PostureEngine,
  type Resource,
} from '@internal/security-posture-engine';
import type { CatalogItem, CatalogReader } from '../catalog/CatalogReader';
import { normalizeRef, shardOf, tryNormalizeRef } from '../catalog/refs';
import type { CheckCatalogue } from '../checks/CheckCatalogue';
import type { SecurityPostureConfig } from '../config';
import type {
  PostureWrite,
  SecurityPostureStore,
} from '../database/SecurityPostureStore';
import type {
  EntityProviderState,
  FindingWrite,
  PostureWithEntity,
  ScanCounts,
  UnclaimedResourceWrite,
} from '../database/types';
import { chunk, dayOf, sha256 } from '../database/util';
import {
  activeExemptionsFor,
  entityExemptions,
  loadExemptionFiles,
  toApiExemption,
  type SourcedExemption,
} from '../exemptions/exemptions';
import { entityFrameworkStates } from '../frameworks/frameworkStates';
import type { ProviderListings } from './ProviderListings';
import { computeRollups, Hierarchy } from './rollups';

/** How a scan ended. */
export interface ScanOutcome {
  status: 'succeeded' | 'failed' | 'aborted';
  counts: ScanCounts;
  errors: string[];
  error?: string;
}

/**
 * What changed for an entity in a scan that re-assessed it: the input for
 * regression alerts and events.
 */
export interface EntityScanEvent {
  scanId: string;
  entityRef: string;
  /** The posture before this scan; undefined on the first scan. */
  previous?: { percent: number | null; adjustedPercent: number | null };
  current: { percent: number | null; adjustedPercent: number | null };
  /** Scoring model of the previous and of the current result. */
  modelVersions?: { previous: string | null; current: string | null };
  /** When the scan assessed the entity. */
  at?: Date;
  /** Failing findings that are new, or came back after being resolved. */
  opened: FindingWrite[];
  /** Number of findings resolved by this scan. */
  resolved: number;
}

/** What one provider said about one entity. */
type ProviderOutcome =
  | {
      provider: SecurityPostureResourceProvider;
      status: 'ok';
      resources: Resource[];
      unclaimed: Resource[];
      warnings: string[];
    }
  | {
      provider: SecurityPostureResourceProvider;
      status: 'failed';
      error: string;
      /** The failure of a listing: only entities that had resources from it are affected. */
      inventoryOnly?: boolean;
    };

/** Resources listed by an inventory provider, resolved to the entities of a scan. */
interface InventoryResult {
  failed?: string;
  byEntity: Map<string, Resource[]>;
}

/** One shard's part of an inventory listing. */
type ShardListing =
  | { failed: string }
  | {
      failed?: undefined;
      /** Resources listed, all shards together. */
      total: number;
      /** Owned resources by owner, for the owners in scope. */
      byEntity: Map<string, Resource[]>;
      /** Resources no entity claims that this shard reports. */
      unclaimed: UnclaimedResourceWrite[];
    };

/** The shard a scan runs, and how old a shared listing it may reuse. */
interface ShardScope {
  key: string;
  index: number;
  count: number;
  /** A listing started before this is not reused. */
  freshSince: Date;
}

/** State of one scan run. */
interface ScanContext {
  scanId: string;
  at: Date;
  signal: AbortSignal;
  engine: PostureEngine;
  centralExemptions: SourcedExemption[];
  counts: ScanCounts;
  errors: string[];
  /** Providers that declared themselves unavailable during this run. */
  down: Map<string, string>;
  /** The entities of the scan, as providers see them (set per shard). */
  entities: ProviderEntities;
}

const MAX_ERRORS = 200;

/**
 * Runs scans: reads the catalog page by page, asks the providers which resources
 * each entity owns, assesses them with the engine and writes the results; then
 * recomputes the roll-ups.
 *
 * - A provider that fails for an entity leaves the entity's last known results in
 *   place and marks it `partial` (with `stale_since`).
 * - A provider result that shrinks below `quarantine.minRatio` of the last accepted
 *   one (for an entity, or for a whole listing) is quarantined the same way until
 *   it repeats `quarantine.releaseAfterScans` times, unless the provider's
 *   {@link QuarantinePolicy} says otherwise (`when-empty`, `never`).
 * - With several shards, an inventory provider is listed once per scan interval:
 *   the first shard task lists it into {@link ProviderListings} and the others, on
 *   any replica, read their part (`scan.listingMaxAge`); a requested scan lists
 *   afresh.
 * - An entity whose inputs (resources, active exemptions, scoring model, day) are
 *   unchanged is not re-assessed; its results are re-dated.
 */
export class Scanner {
  constructor(
    private readonly options: {
      store: SecurityPostureStore;
      catalog: CatalogReader;
      providers: readonly SecurityPostureResourceProvider[];
      checks: CheckCatalogue;
      logger: LoggerService;
      auditor?: AuditorService;
      config: SecurityPostureConfig['scan'];
      exemptionFiles: readonly string[];
      /**
       * Inventory listings shared by the shards of a scan interval. Without it,
       * every shard task lists every inventory provider itself.
       */
      listings?: ProviderListings;
      /** Called after an entity was re-assessed (regression alerts, events). */
      onEntityScanned?: (event: EntityScanEvent) => Promise<void> | void;
    },
  ) {}

  /** Scans one shard of the catalog (a scheduled task). */
  async scanShard(opts: {
    scanId: string;
    shard: number;
    shards: number;
    signal: AbortSignal;
  }): Promise<ScanOutcome> {
    return this.run(opts.scanId, opts.signal, async ctx => {
      // A listing another shard task made earlier in this interval is reused.
      const freshSince = new Date(
        ctx.at.getTime() - this.options.config.listingMaxAgeMs,
      );
      await this.runShard(ctx, opts.shard, opts.shards, freshSince);
    });
  }

  /** Scans everything (a requested full scan), shard after shard. */
  async scanAll(opts: {
    scanId: string;
    signal: AbortSignal;
  }): Promise<ScanOutcome> {
    const shards = this.options.config.shards;
    return this.run(opts.scanId, opts.signal, async ctx => {
      // A requested scan lists afresh (once, for all its shards).
      for (let shard = 0; shard < shards; shard++) {
        await this.runShard(ctx, shard, shards, ctx.at);
      }
    });
  }

  /**
   * Scans one entity; for a System, Domain or Group, the scanned entities it
   * rolls up.
   */
  async scanEntity(opts: {
    scanId: string;
    entityRef: string;
    signal: AbortSignal;
  }): Promise<ScanOutcome> {
    return this.run(opts.scanId, opts.signal, async ctx => {
      const ref = normalizeRef(opts.entityRef);
      const item = await this.options.catalog.getEntity(ref);
      if (!item) throw new Error(`${ref} is not in the catalog`);
      const ids = await this.options.store.upsertCatalogEntities(
        [item.info],
        ctx.at,
      );
      let items: CatalogItem[] = [item];
      if (!item.info.scanned) {
        const hierarchy = new Hierarchy(
          await this.options.store.listCatalogEntities(),
        );
        const refs = hierarchy.membersOf(ref);
        items = [];
        for (const memberRef of new Set(refs)) {
          if (!hierarchy.get(memberRef)?.scanned) continue;
          const member = await this.options.catalog.getEntity(memberRef);
          if (member) items.push(member);
        }
        const memberIds = await this.options.store.upsertCatalogEntities(
          items.map(i => i.info),
          ctx.at,
        );
        for (const [k, v] of memberIds) ids.set(k, v);
      }
      const refs = new Set(items.map(i => i.info.ref));
      ctx.entities = providerEntities(items);
      const inventory = await this.collectInventory(ctx, {
        inScope: r => refs.has(r),
      });
      await this.scanItems(ctx, items, ids, inventory);
    });
  }

  /** Recomputes the roll-ups and trends without scanning (after deletions, in tests). */
  async refreshRollups(scanId: string, at: Date = new Date()): Promise<void> {
    const engine = await this.options.checks.current();
    await this.writeRollups(scanId, at, engine.modelVersion);
  }

  private async run(
    scanId: string,
    signal: AbortSignal,
    body: (ctx: ScanContext) => Promise<void>,
  ): Promise<ScanOutcome> {
    const { logger } = this.options;
    const at = new Date();
    const counts: ScanCounts = {
      entities: 0,
      resources: 0,
      findings: 0,
      errors: 0,
    };
    const errors: string[] = [];
    try {
      const engine = await this.options.checks.load();
      const centralExemptions = await loadExemptionFiles(
        this.options.exemptionFiles,
        logger,
      );
      const ctx: ScanContext = {
        scanId,
        at,
        signal,
        engine,
        centralExemptions,
        counts,
        errors,
        down: new Map(),
        entities: new ProviderEntityIndex([]),
      };
      await body(ctx);
      throwIfAborted(signal);
      await this.writeRollups(scanId, at, engine.modelVersion);
      logger.info(
        `Security posture scan ${scanId} done: ${counts.entities} entities, ${counts.resources} resources, ${counts.findings} open findings, ${counts.errors} problems`,
      );
      return { status: 'succeeded', counts, errors };
    } catch (e) {
      if (signal.aborted || isAbortError(e)) {
        logger.warn(`Security posture scan ${scanId} was aborted`);
        return {
          status: 'aborted',
          counts,
          errors,
          error: 'The scan was aborted (cancelled or timed out)',
        };
      }
      logger.error(`Security posture scan ${scanId} failed: ${message(e)}`);
      return { status: 'failed', counts, errors, error: message(e) };
    }
  }

  private async runShard(
    ctx: ScanContext,
    shard: number,
    shards: number,
    freshSince: Date,
  ) {
    const { store, catalog } = this.options;
    const items: CatalogItem[] = [];
    // Every shard sees the whole catalog's entities: listings are resolved
    // against all of them.
    const all: ProviderEntityRow[] = [];
    for await (const page of catalog.pages(ctx.signal)) {
      for (const item of page) {
        if (item.info.scanned) all.push(providerEntityOf(item));
        if (shardOf(item.info.ref, shards) === shard) items.push(item);
      }
    }
    ctx.entities = new ProviderEntityIndex(all);
    const ids = await store.upsertCatalogEntities(
      items.map(i => i.info),
      ctx.at,
    );
    const shardKey = `${shard}/${shards}`;
    const inventory = await this.collectInventory(ctx, {
      inScope: r => ids.has(r),
      shard: { key: shardKey, index: shard, count: shards, freshSince },
    });
    await this.scanItems(
      ctx,
      items.filter(i => i.info.scanned),
      ids,
      inventory,
    );
    throwIfAborted(ctx.signal);
    // Entities of this shard that left the catalog.
    const seen = new Set(items.map(i => i.info.ref));
    const removed = (await store.listCatalogEntities())
      .filter(e => shardOf(e.ref, shards) === shard && !seen.has(e.ref))
      .map(e => e.ref);
    if (removed.length > 0) {
      await store.markCatalogEntitiesRemoved(removed, ctx.at);
      this.options.logger.info(
        `Security posture: ${removed.length} entities left the catalog`,
      );
    }
  }

  private async scanItems(
    ctx: ScanContext,
    items: readonly CatalogItem[],
    ids: ReadonlyMap<string, number>,
    inventory: ReadonlyMap<string, InventoryResult>,
  ) {
    for (const batch of chunk(items, this.options.config.concurrency)) {
      throwIfAborted(ctx.signal);
      const fetched = await Promise.all(
        batch.map(async item => ({
          item,
          outcomes: await this.fetchEntity(ctx, item, inventory),
        })),
      );
      // Each entity is written in its own transaction and touches only its
      // own rows, so a batch is written concurrently: most of an unchanged
      // entity's cost is round trips to the database.
      await Promise.all(
        fetched.map(async ({ item, outcomes }) => {
          throwIfAborted(ctx.signal);
          const entityId = ids.get(item.info.ref);
          if (entityId === undefined) return;
          try {
            await this.applyEntity(ctx, item, entityId, outcomes);
          } catch (e) {
            if (ctx.signal.aborted) throw e;
            this.problem(ctx, `${item.info.ref}: ${message(e)}`);
            await this.keepLastResult(ctx, entityId, item.info.ref, e);
          }
        }),
      );
    }
  }

  /**
   * After an entity's results could not be written (each entity is one
   * transaction, so nothing of them was): its last known results stand, marked
   * partial with the reason, so the page does not claim they are current.
   */
  private async keepLastResult(
    ctx: ScanContext,
    entityId: number,
    ref: string,
    error: unknown,
  ) {
    try {
      await this.options.store.markEntityPartial({
        entityId,
        at: ctx.at,
        statusReasons: [
          `The results of scan ${ctx.scanId} could not be saved (${message(
            error,
          )}); the last known results are shown`,
        ],
        providerStates: [],
      });
    } catch (e) {
      this.options.logger.warn(
        `Security posture: ${ref} could not be marked partial either: ${message(
          e,
        )}`,
      );
    }
  }

  /** Lists the inventory providers and resolves their ownership hints. */
  private async collectInventory(
    ctx: ScanContext,
    scope: {
      inScope: (ref: string) => boolean;
      shard?: ShardScope;
    },
  ): Promise<Map<string, InventoryResult>> {
    const { store, logger, config, listings } = this.options;
    const out = new Map<string, InventoryResult>();
    for (const provider of this.options.providers) {
      if (!provider.listResources) continue;
      let listed: ShardListing;
      try {
        listed =
          scope.shard && scope.shard.count > 1 && listings
            ? await this.sharedListing(
                ctx,
                provider,
                scope.shard,
                scope.inScope,
              )
            : await this.listNow(ctx, provider, scope.inScope, scope.shard);
      } catch (e) {
        if (ctx.signal.aborted || isAbortError(e)) throw e;
        listed = { failed: message(e) };
      }
      if (listed.failed !== undefined) {
        const reason = `listing failed: ${listed.failed}`;
        logger.warn(`Security posture provider ${provider.id} ${reason}`);
        out.set(provider.id, { failed: reason, byEntity: new Map() });
        continue;
      }
      const { total, byEntity, unclaimed } = listed;
      if (scope.shard) {
        // A listing that shrank below the threshold is quarantined, not applied.
        const state = await store.getProviderShardState(
          provider.id,
          scope.shard.key,
        );
        const last = state?.lastCount ?? 0;
        if (
          state &&
          shrankTooMuch(provider.quarantine, total, last, config.quarantine)
        ) {
          const pending =
            (state.pendingCount === total ? state.pendingScans : 0) + 1;
          if (pending < config.quarantine.releaseAfterScans) {
            const reason = `quarantined: listed ${total} resources, ${shrinkage(
              provider.quarantine,
              config.quarantine,
            )} the ${last} of its last accepted scan`;
            logger.warn(`Security posture provider ${provider.id} ${reason}`);
            await store.setProviderShardState(
              {
                ...state,
                pendingCount: total,
                pendingScans: pending,
                quarantinedSince: state.quarantinedSince ?? ctx.at,
                error: reason,
              },
              ctx.at,
            );
            out.set(provider.id, { failed: reason, byEntity: new Map() });
            continue;
          }
          logger.info(
            `Security posture provider ${provider.id}: accepting ${total} resources after ${pending} consecutive scans`,
          );
        }
        await store.setProviderShardState(
          {
            provider: provider.id,
            shard: scope.shard.key,
            lastCount: total,
            pendingCount: null,
            pendingScans: 0,
            quarantinedSince: null,
          },
          ctx.at,
        );
        await store.replaceUnclaimed(
          `provider:${provider.id}`,
          unclaimed,
          scope.shard.key,
          ctx.at,
        );
      }
      out.set(provider.id, { byEntity });
    }
    return out;
  }

  /** Lists a provider in this task (one shard, or a requested scan). */
  private async listNow(
    ctx: ScanContext,
    provider: SecurityPostureResourceProvider,
    inScope: (ref: string) => boolean,
    shard: ShardScope | undefined,
  ): Promise<ShardListing> {
    const byEntity = new Map<string, Resource[]>();
    const unclaimed: UnclaimedResourceWrite[] = [];
    let total = 0;
    for await (const batch of provider.listResources!(
      this.providerContext(ctx),
    )) {
      throwIfAborted(ctx.signal);
      for (const { resource, hints } of batch) {
        total++;
        const owners = this.resolveOwners(ctx, provider, hints);
        if (owners.size === 0) {
          if (shard && shardOf(resource.uid, shard.count) === shard.index) {
            unclaimed.push(
              toUnclaimed(resource, provider.id, ownerRefOf(hints)),
            );
          }
          continue;
        }
        for (const owner of owners) {
          if (inScope(owner)) pushTo(byEntity, owner, resource);
        }
      }
    }
    return { total, byEntity, unclaimed };
  }

  /**
   * This shard's part of the provider's listing for the scan interval: listed by
   * this task when no other shard task listed it since `shard.freshSince`,
   * otherwise read from the database.
   */
  private async sharedListing(
    ctx: ScanContext,
    provider: SecurityPostureResourceProvider,
    shard: ShardScope,
    inScope: (ref: string) => boolean,
  ): Promise<ShardListing> {
    const listings = this.options.listings!;
    const outcome = await listings.obtain({
      provider: provider.id,
      shards: shard.count,
      holder: ctx.scanId,
      freshSince: shard.freshSince,
      signal: ctx.signal,
      list: async sink => {
        let total = 0;
        for await (const batch of provider.listResources!(
          this.providerContext(ctx),
        )) {
          throwIfAborted(ctx.signal);
          for (const { resource, hints } of batch) {
            total++;
            const owners = this.resolveOwners(ctx, provider, hints);
            if (owners.size === 0) {
              const team = ownerRefOf(hints);
              await sink.add(
                shardOf(resource.uid, shard.count),
                team ? { r: resource, u: team } : { r: resource },
              );
              continue;
            }
            const byShard = new Map<number, string[]>();
            for (const owner of owners) {
              pushTo(byShard, shardOf(owner, shard.count), owner);
            }
            for (const [index, refs] of byShard) {
              await sink.add(index, { r: resource, o: refs });
            }
          }
        }
        return total;
      },
    });
    if (outcome.listedBy !== ctx.scanId) {
      this.options.logger.info(
        `Security posture provider ${provider.id}: shard ${shard.index + 1}/${
          shard.count
        } uses the listing scan ${
          outcome.listedBy
        } made at ${outcome.startedAt.toISOString()}${
          outcome.status === 'done' ? ` (${outcome.count} resources)` : ''
        }`,
      );
    }
    if (outcome.status === 'failed') return { failed: outcome.error };
    const byEntity = new Map<string, Resource[]>();
    const unclaimed: UnclaimedResourceWrite[] = [];
    for await (const entries of listings.read(outcome.listingId, shard.index)) {
      throwIfAborted(ctx.signal);
      for (const { r, o, u } of entries) {
        if (!o) {
          unclaimed.push(toUnclaimed(r, provider.id, u));
          continue;
        }
        for (const owner of o) {
          if (inScope(owner)) pushTo(byEntity, owner, r);
        }
      }
    }
    return { total: outcome.count, byEntity, unclaimed };
  }

  /** The entities a listed resource's hints name. */
  private resolveOwners(
    ctx: ScanContext,
    provider: SecurityPostureResourceProvider,
    hints: OwnershipHints,
  ): Set<string> {
    const owners = new Set<string>();
    for (const r of hints.entityRefs ?? []) {
      const n = tryNormalizeRef(r, { defaultKind: 'component' });
      if (n) owners.add(n);
    }
    if (hints.kubernetesId) {
      for (const e of ctx.entities.claiming(
        ANNOTATION_KUBERNETES_ID,
        hints.kubernetesId,
      )) {
        owners.add(e.ref);
      }
    }
    if (hints.arns && hints.arns.length > 0) {
      const annotations = provider.arnAnnotations ?? DEFAULT_ARN_ANNOTATIONS;
      for (const arn of hints.arns) {
        for (const annotation of annotations) {
          for (const e of ctx.entities.claiming(annotation, arn)) {
            owners.add(e.ref);
          }
        }
      }
    }
    return owners;
  }

  /** Asks every provider about one entity. */
  private async fetchEntity(
    ctx: ScanContext,
    item: CatalogItem,
    inventory: ReadonlyMap<string, InventoryResult>,
  ): Promise<ProviderOutcome[]> {
    const outcomes: ProviderOutcome[] = [];
    for (const provider of this.options.providers) {
      const applies = provider.appliesTo
        ? safeApplies(provider, item.entity)
        : true;
      let outcome: ProviderOutcome | undefined;
      if (provider.getEntityResources && applies) {
        outcome = await this.callProvider(ctx, provider, item.entity);
      }
      const inv = inventory.get(provider.id);
      if (inv) {
        const listed = inv.byEntity.get(item.info.ref);
        if (inv.failed) {
          if (applies && provider.appliesTo) {
            outcome = { provider, status: 'failed', error: inv.failed };
          } else if (!outcome) {
            // Only entities that got resources from it before are affected.
            outcome = {
              provider,
              status: 'failed',
              error: inv.failed,
              inventoryOnly: true,
            };
          }
        } else if (listed || outcome?.status === 'ok') {
          if (!outcome) {
            outcome = {
              provider,
              status: 'ok',
              resources: listed ?? [],
              unclaimed: [],
              warnings: [],
            };
          } else if (outcome.status === 'ok' && listed) {
            outcome.resources.push(...listed);
          }
        }
      }
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  private async callProvider(
    ctx: ScanContext,
    provider: SecurityPostureResourceProvider,
    entity: Entity,
  ): Promise<ProviderOutcome | undefined> {
    const down = ctx.down.get(provider.id);
    if (down) return { provider, status: 'failed', error: down };
    try {
      const result = await provider.getEntityResources!(
        entity,
        this.providerContext(ctx),
      );
      if (!result) return undefined;
      if (result.incomplete) {
        return { provider, status: 'failed', error: result.incomplete };
      }
      return {
        provider,
        status: 'ok',
        resources: [...result.resources],
        unclaimed: [...(result.unclaimed ?? [])],
        warnings: result.warnings ?? [],
      };
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const error = message(e);
      if ((e as Error)?.name === 'ProviderUnavailableError') {
        ctx.down.set(provider.id, `unavailable: ${error}`);
        this.options.logger.warn(
          `Security posture provider ${provider.id} is unavailable for the rest of scan ${ctx.scanId}: ${error}`,
        );
        return { provider, status: 'failed', error: `unavailable: ${error}` };
      }
      return { provider, status: 'failed', error };
    }
  }

  private providerContext(ctx: ScanContext): ResourceProviderContext {
    return {
      signal: ctx.signal,
      logger: this.options.logger,
      now: ctx.at,
      entities: ctx.entities,
    };
  }

  /** Decides what the providers' answers mean for the entity, and writes it. */
  private async applyEntity(
    ctx: ScanContext,
    item: CatalogItem,
    entityId: number,
    outcomes: ProviderOutcome[],
  ) {
    const { store, config, logger } = this.options;
    const ref = item.info.ref;
    const previous = new Map(
      (await store.getEntityProviderStates(entityId)).map(s => [s.provider, s]),
    );
    const states: EntityProviderState[] = [];
    const problems: string[] = [];
    const unscanned = new Set<string>();
    const owned: Array<{ resource: Resource; provider: string }> = [];
    const unclaimed: UnclaimedResourceWrite[] = [];
    let answered = 0;
    for (const o of outcomes) {
      const prev = previous.get(o.provider.id);
      if (o.status === 'failed') {
        if (o.inventoryOnly && !prev?.resourceCount) {
          continue;
        }
        answered++;
        problems.push(`Provider ${o.provider.id} failed: ${o.error}`);
        o.provider.resourceTypes.forEach(t => unscanned.add(t));
        states.push({
          provider: o.provider.id,
          status: 'failed',
          resourceCount: prev?.resourceCount ?? 0,
          pendingCount: prev?.pendingCount ?? null,
          pendingScans: prev?.pendingScans ?? 0,
          error: o.error,
        });
        continue;
      }
      answered++;
      const n = o.resources.length;
      const last = prev?.resourceCount ?? 0;
      if (shrankTooMuch(o.provider.quarantine, n, last, config.quarantine)) {
        const pending = (prev?.pendingCount === n ? prev.pendingScans : 0) + 1;
        if (pending < config.quarantine.releaseAfterScans) {
          const reason = `Provider ${
            o.provider.id
          } returned ${n} resources, ${shrinkage(
            o.provider.quarantine,
            config.quarantine,
          )} the ${last} it returned before: the result is quarantined, not applied (it is accepted if it repeats ${
            config.quarantine.releaseAfterScans - pending
          } more time(s))`;
          logger.warn(`Security posture: ${ref}: ${reason}`);
          problems.push(reason);
          o.provider.resourceTypes.forEach(t => unscanned.add(t));
          states.push({
            provider: o.provider.id,
            status: 'quarantined',
            resourceCount: last,
            pendingCount: n,
            pendingScans: pending,
            error: reason,
          });
          continue;
        }
        logger.info(
          `Security posture: ${ref}: accepting ${n} resources from ${o.provider.id} after ${pending} consecutive scans`,
        );
      }
      states.push({
        provider: o.provider.id,
        status: 'ok',
        resourceCount: n,
        pendingCount: null,
        pendingScans: 0,
        error: null,
      });
      for (const resource of o.resources) {
        owned.push({ resource, provider: o.provider.id });
      }
      for (const r of o.unclaimed) {
        unclaimed.push(toUnclaimed(r, o.provider.id, item.info.ownerRef));
      }
      for (const w of o.warnings.slice(0, 20)) {
        this.problem(ctx, `${ref}: ${w}`, false);
      }
    }

    const existing = await store.getPosture(ref);
    if (answered === 0) {
      // No provider has anything to say about the entity (any more).
      if (existing || previous.size > 0) {
        await store.clearEntity(entityId, ref, ctx.scanId, ctx.at);
      }
      return;
    }
    if (problems.length > 0 && existing) {
      await store.markEntityPartial({
        entityId,
        at: ctx.at,
        statusReasons: problems,
        providerStates: states,
      });
      ctx.counts.entities++;
      ctx.counts.errors++;
      return;
    }

    const { exemptions: declared, errors: exemptionErrors } = entityExemptions(
      item.entity,
      ref,
    );
    for (const e of exemptionErrors) this.problem(ctx, e);
    const exemptions = [...declared, ...ctx.centralExemptions];
    const unique = uniqueResourceIds();
    const resources: Resource[] = [];
    const resourceRows = [];
    for (const { resource, provider } of owned) {
      const r = unique(resource);
      resources.push(r);
      resourceRows.push({
        uid: r.uid,
        provider,
        type: r.type,
        kind: r.kind,
        name: r.name,
        namespace: r.namespace,
        address: r.address,
        source: r.source.file ?? r.source.location,
        contentHash: contentHash(r),
      });
    }
    const active = activeExemptionsFor(exemptions, ref, ctx.at);
    const inputHash = sha256(
      JSON.stringify({
        model: ctx.engine.modelVersion,
        day: dayOf(ctx.at),
        resources: resourceRows
          .map(r => `${r.uid}\u0000${r.contentHash}`)
          .sort(),
        exemptions: active,
        unscanned: [...unscanned].sort(),
      }),
    );
    if (
      existing &&
      existing.status === 'ok' &&
      problems.length === 0 &&
      existing.inputHash === inputHash
    ) {
      await store.touchEntity({
        entityId,
        scanId: ctx.scanId,
        at: ctx.at,
        statusReasons: [],
        providerStates: states,
      });
      ctx.counts.entities++;
      ctx.counts.resources += resources.length;
      ctx.counts.findings += openCount(existing);
      return;
    }

    const assessment = ctx.engine.assess(resources, {
      entity: ref,
      exemptions: exemptions.map(e => e.exemption),
      now: ctx.at,
      unscannedTypes: unscanned,
    });
    const findings = assessment.findings.map(f => toFindingWrite(f));
    const counts = { critical: 0, high: 0, medium: 0, low: 0 } as Record<
      Severity,
      number
    >;
    for (const f of findings) if (f.status === 'open') counts[f.severity]++;
    const score = assessment.score;
    let evidenced = 0;
    let applicable = 0;
    for (const c of score.controls) {
      if (c.status !== 'not_applicable') applicable += c.weight;
      if (c.status === 'pass' || c.status === 'fail') evidenced += c.weight;
    }
    const posture: PostureWrite = {
      entityRef: ref,
      isRollup: false,
      status: problems.length > 0 ? 'partial' : 'ok',
      statusReasons: problems,
      staleSince: problems.length > 0 ? ctx.at : null,
      earned: score.score.earned,
      possible: score.score.possible,
      percent: score.score.percent,
      adjustedEarned: score.adjustedScore.earned,
      adjustedPercent: score.adjustedScore.percent,
      coverage: score.coverage,
      coverageEvidenced: evidenced,
      coverageApplicable: applicable,
      categories: {
        raw: score.categories,
        adjusted: score.adjustedCategories,
      },
      controls: score.controls,
      pointsToGain: score.pointsToGain,
      exemptions: active,
      counts,
      resourceCount: resources.length,
      memberCount: 0,
      modelVersion: assessment.modelVersion,
      inputHash: problems.length > 0 ? null : inputHash,
      frameworks: entityFrameworkStates(
        ctx.engine.checks,
        assessment.passedByCheck,
        findings,
      ),
    };
    const outcome = await store.applyEntityResult({
      entityId,
      scanId: ctx.scanId,
      at: ctx.at,
      posture,
      findings,
      resources: resourceRows,
      unclaimed,
      providerStates: states,
    });
    ctx.counts.entities++;
    ctx.counts.resources += resources.length;
    ctx.counts.findings +=
      counts.critical + counts.high + counts.medium + counts.low;
    if (problems.length > 0) ctx.counts.errors++;
    if (outcome.newlyExempted.length > 0) {
      await this.auditExemptions(ref, outcome.newlyExempted);
    }
    if (this.options.onEntityScanned) {
      try {
        await this.options.onEntityScanned({
          scanId: ctx.scanId,
          entityRef: ref,
          previous: existing
            ? {
                percent: existing.percent,
                adjustedPercent: existing.adjustedPercent,
              }
            : undefined,
          current: {
            percent: posture.percent,
            adjustedPercent: posture.adjustedPercent,
          },
          modelVersions: {
            previous: existing?.modelVersion ?? null,
            current: posture.modelVersion,
          },
          at: ctx.at,
          opened: outcome.opened,
          resolved: outcome.resolved,
        });
      } catch (e) {
        logger.warn(
          `Security posture: the scan listener failed for ${ref}: ${message(
            e,
          )}`,
        );
      }
    }
  }

  private async auditExemptions(ref: string, findings: FindingWrite[]) {
    const auditor = this.options.auditor;
    if (!auditor) return;
    try {
      const event = await auditor.createEvent({
        eventId: 'exemption-use',
        severityLevel: 'medium',
        meta: {
          entityRef: ref,
          exemptions: findings.slice(0, 50).map(f => ({
            checkId: f.checkId,
            resource: f.resource.address ?? f.resourceUid,
            reason: f.exemption?.reason ?? null,
            approver: f.exemption?.approver ?? null,
            ticket: f.exemption?.ticket ?? null,
            expires: f.exemption?.expires ?? null,
            source: f.exemption?.source ?? null,
          })),
        },
      });
      await event.success();
    } catch (e) {
      this.options.logger.warn(
        `Could not record the exemption audit event for ${ref}: ${message(e)}`,
      );
    }
  }

  private async writeRollups(scanId: string, at: Date, modelVersion: string) {
    const { store } = this.options;
    const hierarchy = new Hierarchy(await store.listCatalogEntities());
    const scored: PostureWithEntity[] = await store.listPostures({
      isRollup: false,
    });
    const rollups = computeRollups(hierarchy, scored, modelVersion);
    await store.writeRollups(
      rollups.map(r => ({ entityId: r.entityId, posture: r.posture })),
      scanId,
      at,
    );
    await store.updateDeltas(at);
  }

  private problem(ctx: ScanContext, text: string, count = true) {
    if (count) ctx.counts.errors++;
    if (ctx.errors.length < MAX_ERRORS) ctx.errors.push(text);
  }
}

/** What providers see of an entity. */
interface ProviderEntityRow {
  ref: string;
  kind: string;
  annotations: Record<string, string>;
}

function providerEntityOf(item: CatalogItem): ProviderEntityRow {
  return {
    ref: item.info.ref,
    kind: item.entity.kind,
    annotations: item.entity.metadata.annotations ?? {},
  };
}

/** The scanned entities among `items`, for providers. */
function providerEntities(items: readonly CatalogItem[]): ProviderEntities {
  return new ProviderEntityIndex(
    items.filter(i => i.info.scanned).map(providerEntityOf),
  );
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The team named by a resource's `ownerRef` hint, normalised. */
function ownerRefOf(hints: OwnershipHints): string | undefined {
  return hints.ownerRef
    ? tryNormalizeRef(hints.ownerRef, { defaultKind: 'group' })
    : undefined;
}

/** Whether a result of `n` resources, after `last`, is held back under `policy`. */
function shrankTooMuch(
  policy: QuarantinePolicy | undefined,
  n: number,
  last: number,
  config: { minRatio: number },
): boolean {
  if (last <= 0) return false;
  if (policy === 'never') return false;
  if (policy === 'when-empty') return n === 0;
  return n < last * config.minRatio;
}

/** How a quarantined result compares with the last accepted one, in words. */
function shrinkage(
  policy: QuarantinePolicy | undefined,
  config: { minRatio: number },
): string {
  return policy === 'when-empty'
    ? 'nothing where there were'
    : `less than ${Math.round(config.minRatio * 100)}% of`;
}

function safeApplies(
  provider: SecurityPostureResourceProvider,
  entity: Entity,
): boolean {
  try {
    return provider.appliesTo!(entity);
  } catch {
    return false;
  }
}

function toUnclaimed(
  resource: Resource,
  provider: string,
  teamRef: string | undefined,
): UnclaimedResourceWrite {
  return {
    uid: resource.uid,
    provider,
    type: resource.type,
    kind: resource.kind,
    name: resource.name,
    namespace: resource.namespace,
    location: resource.source.file ?? resource.source.location,
    teamRef,
  };
}

/** A stable hash of what a check can see of a resource. */
function contentHash(resource: Resource): string {
  return sha256(
    JSON.stringify([
      resource.type,
      resource.uid,
      resource.labels ?? null,
      resource.annotations ?? null,
      resource.tags ?? null,
      resource.raw ?? resource.attributes,
    ]),
  );
}

const FINDING_STATUS: Record<EngineFinding['status'], FindingWrite['status']> =
  { fail: 'open', exempted: 'exempted', error: 'error' };

function sourceOf(source: {
  file?: string;
  location?: string;
}): string | undefined {
  return source.file ?? source.location;
}

function toFindingWrite(f: EngineFinding): FindingWrite {
  const resourceUid = f.resource.uid;
  return {
    fingerprint: sha256(`${f.checkId}\u0000${resourceUid}`),
    checkId: f.checkId,
    resourceUid,
    resource: {
      uid: f.resource.uid,
      type: f.resource.type,
      kind: f.resource.kind,
      name: f.resource.name,
      ...(f.resource.namespace !== undefined
        ? { namespace: f.resource.namespace }
        : {}),
      ...(f.resource.address !== undefined
        ? { address: f.resource.address }
        : {}),
      ...(sourceOf(f.resource.source)
        ? { source: sourceOf(f.resource.source) }
        : {}),
    },
    severity: f.severity,
    category: f.category,
    control: f.control,
    status: FINDING_STATUS[f.status],
    title: f.title,
    message: f.message,
    evidence: f.evidence,
    remediation: f.remediation,
    ...(f.exemption
      ? { exemption: toApiExemption(f.exemption, f.exemption.entity ?? '') }
      : {}),
  };
}

function openCount(p: PostureWithEntity): number {
  return SEVERITIES.reduce((n, s) => n + p.counts[s], 0);
}

function throwIfAborted(signal: AbortSignal) {
  if (signal.aborted) {
    const error = new Error('The scan was aborted');
    error.name = 'AbortError';
    throw error;
  }
}

function isAbortError(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
