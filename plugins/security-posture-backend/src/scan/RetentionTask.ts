import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { RetentionConfig } from '../config';
import type { SecurityPostureStore } from '../database/SecurityPostureStore';
import { dayOf } from '../database/util';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one retention run deleted. */
export interface RetentionResult {
  snapshots: number;
  dailyRollups: number;
  scanRuns: number;
  resolvedFindings: number;
  unowned: number;
  entities: number;
}

/**
 * Deletes history past its retention in small batches, in its own scheduled task
 * (never inside a scan's writes): raw snapshots after `snapshotsDays` (90), daily
 * roll-ups after `dailyRollupsDays` (730), finished scan runs, long-resolved
 * findings, unowned sightings nobody refreshed, entities gone from the catalog.
 */
export class RetentionTask {
  constructor(
    private readonly options: {
      store: SecurityPostureStore;
      logger: LoggerService;
      config: RetentionConfig;
    },
  ) {}

  /** Schedules the task. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    const { schedule } = this.options.config;
    await scheduler.scheduleTask({
      id: 'security-posture-retention',
      frequency: schedule.frequency,
      timeout: schedule.timeout,
      initialDelay: schedule.initialDelay,
      scope: 'global',
      fn: () => this.run().then(() => undefined),
    });
  }

  /** One retention pass. */
  async run(now: Date = new Date()): Promise<RetentionResult> {
    const { store, config, logger } = this.options;
    const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const result: RetentionResult = {
      snapshots: await store.deleteSnapshotsBefore(
        before(config.snapshotsDays),
        config.batchSize,
      ),
      dailyRollups: await store.deleteDailyBefore(
        dayOf(before(config.dailyRollupsDays)),
        config.batchSize,
      ),
      scanRuns: await store.deleteScanRunsBefore(
        before(config.scanRunsDays),
        config.batchSize,
      ),
      resolvedFindings: await store.deleteResolvedFindingsBefore(
        before(config.resolvedFindingsDays),
        config.batchSize,
      ),
      unowned: await store.deleteUnclaimedBefore(
        before(config.unownedDays),
        config.batchSize,
      ),
      entities: await store.deleteRemovedEntitiesBefore(
        before(config.dailyRollupsDays),
        config.batchSize,
      ),
    };
    logger.info(
      `Security posture retention: deleted ${result.snapshots} snapshots, ${result.dailyRollups} daily roll-ups, ${result.scanRuns} scan runs, ${result.resolvedFindings} resolved findings, ${result.unowned} unowned sightings, ${result.entities} removed entities`,
    );
    return result;
  }
}
