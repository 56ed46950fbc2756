import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { randomUUID } from 'node:crypto';
import type { SecurityPostureConfig } from '../config';
import type { SecurityPostureStore } from '../database/SecurityPostureStore';
import type { ScanRun } from '../database/types';
import type { ScanOutcome, Scanner } from './Scanner';
import { describeWindow, TooManyRequestsError } from './requestLimits';

/** Id of the scheduled task that runs requested scans. */
export const REQUESTS_TASK_ID = 'security-posture-scan-requests';

/** Id of the scheduled task of one shard. */
export function shardTaskId(shard: number, shards: number): string {
  return shards === 1
    ? 'security-posture-scan'
    : `security-posture-scan-shard-${shard + 1}-of-${shards}`;
}

/**
 * Runs scans on the Backstage scheduler:
 * - one scheduled task per shard (scope `global`: the scheduler's database lock
 *   makes exactly one replica run a shard per interval, several replicas share the
 *   shards; the next run time is kept in the database, so restarts do not cause a
 *   scan storm);
 * - a request queue in the `scan_runs` table, drained by one global task that
 *   `POST /scans` triggers, so a request made on any replica runs exactly once.
 */
export class ScanService {
  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      scanner: Scanner;
      store: SecurityPostureStore;
      logger: LoggerService;
      config: SecurityPostureConfig['scan'];
    },
  ) {}

  /** Schedules the shard tasks and the request queue. */
  async start(): Promise<void> {
    const { scheduler, config, logger } = this.options;
    const { schedule, shards } = config;
    for (let shard = 0; shard < shards; shard++) {
      await scheduler.scheduleTask({
        id: shardTaskId(shard, shards),
        frequency: schedule.frequency,
        timeout: schedule.timeout,
        initialDelay: schedule.initialDelay,
        scope: schedule.scope ?? 'global',
        fn: async signal => {
          await this.runShard(shard, shards, signal);
        },
      });
    }
    await scheduler.scheduleTask({
      id: REQUESTS_TASK_ID,
      frequency: config.requestPollInterval,
      timeout: schedule.timeout,
      initialDelay: { seconds: 5 },
      scope: 'global',
      fn: signal => this.drainRequests(signal),
    });
    logger.info(
      `Security posture scans scheduled: ${shards} shard(s), every ${describe(
        schedule.frequency,
      )}`,
    );
  }

  /**
   * Queues a scan of everything (`scope` null) or of one entity. A request with
   * the same scope that is still waiting is reused instead of queueing another;
   * a request over `scan.requestLimits` throws {@link TooManyRequestsError}.
   */
  async requestScan(request: {
    scope: string | null;
    requestedBy?: string;
  }): Promise<{ run: ScanRun; reused: boolean }> {
    const { store, scheduler, logger, config } = this.options;
    const id = randomUUID();
    const queued = await store.queueScanRequest({
      id,
      scope: request.scope,
      requestedBy: request.requestedBy,
      limits: config.requestLimits,
    });
    if (queued.outcome === 'reused') return { run: queued.run, reused: true };
    if (queued.outcome === 'limited') {
      const { max, windowMs } = config.requestLimits[queued.limit];
      const retryAfterSeconds = Math.ceil(queued.retryAfterMs / 1000);
      throw new TooManyRequestsError(
        `Too many scan requests ${
          queued.limit === 'global'
            ? 'in total'
            : `for ${request.scope ?? 'the whole catalog'}`
        }: at most ${max} every ${describeWindow(
          windowMs,
        )}; retry in ${retryAfterSeconds} seconds`,
        retryAfterSeconds,
      );
    }
    try {
      await scheduler.triggerTask(REQUESTS_TASK_ID);
    } catch (e) {
      // Already running (it picks the request up before it stops) or not yet
      // scheduled: the periodic poll picks it up.
      logger.debug(`Scan request ${id} waits for the queue poll: ${String(e)}`);
    }
    return { run: (await store.getScanRun(id))!, reused: false };
  }

  /** One scheduled shard run; undefined when its interval was already scanned. */
  async runShard(
    shard: number,
    shards: number,
    signal: AbortSignal,
  ): Promise<ScanOutcome | undefined> {
    const { store, scanner, logger, config } = this.options;
    const shardName = `${shard + 1}/${shards}`;
    // The scheduler keeps each task's next start in the database and, after
    // a run that ended late (a replica killed mid-scan, its lock expired and
    // another replica redid the interval), starts the next one at once to
    // catch up. That interval was just scanned: skip it.
    if (config.periodMs) {
      const last = await store.lastSucceededShardRunStart(shardName);
      if (last && Date.now() - last.getTime() < config.periodMs / 2) {
        logger.info(
          `Security posture shard ${shardName} was scanned ${Math.round(
            (Date.now() - last.getTime()) / 1000,
          )} s ago; this interval is done`,
        );
        return undefined;
      }
    }
    const id = randomUUID();
    const trigger =
      (await store.listScanRuns(1)).length === 0 ? 'startup' : 'schedule';
    await store.createScanRun({
      id,
      trigger,
      status: 'running',
      shard: shardName,
    });
    // With the scheduler's global lock only one run of a shard is alive: a run
    // of it still marked running belonged to a replica that died.
    if ((this.options.config.schedule.scope ?? 'global') === 'global') {
      const aborted = await store.abortInterruptedShardRuns(shardName, id);
      if (aborted > 0) {
        logger.warn(
          `Security posture: ${aborted} scan(s) of shard ${shardName} were interrupted (their backend stopped); marked aborted`,
        );
      }
    }
    // Which replica runs which scan (the scheduler's lock says only "one").
    logger.info(
      `Security posture scan ${id} started (${trigger}, shard ${
        shard + 1
      }/${shards})`,
    );
    const outcome = await scanner.scanShard({
      scanId: id,
      shard,
      shards,
      signal,
    });
    await store.finishScanRun(id, outcome);
    return outcome;
  }

  /** Runs queued requests until the queue is empty. */
  async drainRequests(signal: AbortSignal): Promise<void> {
    const { store, scanner, config } = this.options;
    const timeoutMs = durationToMilliseconds(toHuman(config.schedule.timeout));
    // Runs left `running` by a replica that died are closed.
    await store.abortStaleScanRuns(
      new Date(Date.now() - timeoutMs - 5 * 60 * 1000),
    );
    while (!signal.aborted) {
      const run = await store.claimQueuedScan();
      if (!run) return;
      this.options.logger.info(
        `Security posture scan ${run.id} started (requested, ${
          run.scope ?? 'everything'
        })`,
      );
      const outcome = run.scope
        ? await scanner.scanEntity({
            scanId: run.id,
            entityRef: run.scope,
            signal,
          })
        : await scanner.scanAll({ scanId: run.id, signal });
      await store.finishScanRun(run.id, outcome);
    }
  }
}

function toHuman(value: unknown): HumanDuration {
  if (
    value &&
    typeof (value as { toObject?: unknown }).toObject === 'function'
  ) {
    return (value as { toObject(): HumanDuration }).toObject();
  }
  return value as HumanDuration;
}

function describe(frequency: unknown): string {
  if (frequency && typeof frequency === 'object') {
    if ('cron' in frequency)
      return `cron ${(frequency as { cron: string }).cron}`;
    if ('trigger' in frequency) return 'manual trigger only';
  }
  return JSON.stringify(toHuman(frequency));
}
