import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-security-posture-backend',
  'migrations',
);

/** Status of a scan run. */
export type ScanRunStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

/** A row of `scan_runs`. */
export interface ScanRun {
  id: string;
  trigger: string;
  scope: string | null;
  status: ScanRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** Persistence of the plugin: scan runs, posture, history and findings (knex). */
export class SecurityPostureStore {
  private constructor(private readonly db: Knex) {}

  /** Connects to the plugin database and runs migrations unless they are skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<SecurityPostureStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new SecurityPostureStore(client);
  }

  /** Records the start of a scan. */
  async startScanRun(run: {
    id: string;
    trigger: string;
    scope?: string;
    startedAt: Date;
  }): Promise<void> {
    await this.db('scan_runs').insert({
      id: run.id,
      trigger: run.trigger,
      scope: run.scope ?? null,
      status: 'running',
      started_at: run.startedAt,
    });
  }

  /** Records the end of a scan. */
  async finishScanRun(
    id: string,
    outcome: { status: Exclude<ScanRunStatus, 'running'>; error?: string },
    finishedAt: Date = new Date(),
  ): Promise<void> {
    await this.db('scan_runs')
      .where({ id })
      .update({
        status: outcome.status,
        error: outcome.error ?? null,
        finished_at: finishedAt,
      });
  }

  async getScanRun(id: string): Promise<ScanRun | undefined> {
    const row = await this.db('scan_runs').where({ id }).first();
    if (!row) {
      return undefined;
    }
    return {
      id: row.id,
      trigger: row.trigger,
      scope: row.scope,
      status: row.status,
      startedAt: toDate(row.started_at),
      finishedAt: row.finished_at ? toDate(row.finished_at) : null,
      error: row.error,
    };
  }
}

/** SQLite returns timestamps as numbers or strings, PostgreSQL as Date. */
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}
