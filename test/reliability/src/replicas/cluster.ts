import { resolvePackagePath } from '@backstage/backend-plugin-api';
import knexFactory, { type Knex } from 'knex';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { generateEstate, type Estate } from './estate';

/** A row of `scan_runs`. */
export interface ScanRunRow {
  id: string;
  trigger: string;
  shard: string | null;
  status: string;
  started: number | null;
  finished: number | null;
  entities: number;
  resources: number;
  findings: number;
  errors: number;
}

/** One backend process. */
export interface Replica {
  index: number;
  port: number;
  child: ChildProcess;
  logFile: string;
  killedAt?: number;
}

/** Options of {@link ReplicaCluster.start}. */
export interface ClusterOptions {
  replicas: number;
  components: number;
  /** Scan schedule, in seconds. */
  frequency: number;
  timeout: number;
  initialDelay?: number;
  /** PostgreSQL server (trust auth). */
  postgres?: { host: string; port: number; user: string };
}

/** The machine's PostgreSQL (trust auth), as the tests and benchmarks use it. */
const DEFAULT_POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const repoRoot = resolvePath(
  resolvePackagePath('@internal/security-posture-reliability'),
  '../..',
);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Real backend processes (packages/backend, run from its TypeScript sources
 * with the Backstage node transform) on one PostgreSQL database, each on its own
 * port, with a generated estate and a short scan schedule. Every process it
 * starts is tracked by its pid and stopped by `stop()`.
 */
export class ReplicaCluster {
  readonly token = `reliability-${randomBytes(16).toString('hex')}`;
  readonly replicas: Replica[] = [];
  private constructor(
    readonly options: ClusterOptions,
    readonly database: string,
    readonly workDir: string,
    readonly estate: Estate,
    readonly db: Knex,
    private readonly admin: Knex,
  ) {}

  static async start(options: ClusterOptions): Promise<ReplicaCluster> {
    const pg = options.postgres ?? DEFAULT_POSTGRES;
    const database = `sp_replicas_${randomBytes(4).toString('hex')}`;
    const admin = knexFactory({
      client: 'pg',
      connection: { ...pg, database: 'postgres' },
    });
    await admin.raw(`create database ${database}`);
    const workDir = await fs.mkdtemp(join(tmpdir(), 'sp-replicas-'));
    const estate = await generateEstate(
      join(workDir, 'estate'),
      options.components,
    );
    const db = knexFactory({
      client: 'pg',
      connection: { ...pg, database },
      searchPath: ['security-posture'],
      pool: { min: 0, max: 3 },
    });
    const cluster = new ReplicaCluster(
      options,
      database,
      workDir,
      estate,
      db,
      admin,
    );
    // Never leave a backend behind, whatever happens to this process.
    const killAll = () => {
      for (const r of cluster.replicas) {
        if (r.child.exitCode === null) r.child.kill('SIGKILL');
      }
    };
    process.once('exit', killAll);
    try {
      // The first replica creates the schemas; the others start together.
      // (Backstage's own plugins race on a fresh database when every replica
      // migrates at once; the security-posture plugin waits for the lock.)
      await cluster.spawnReplica(0, pg);
      await cluster.waitHealthy(cluster.replicas[0]);
      for (let i = 1; i < options.replicas; i++) {
        await cluster.spawnReplica(i, pg);
      }
      await Promise.all(
        cluster.replicas.slice(1).map(r => cluster.waitHealthy(r)),
      );
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  private async spawnReplica(
    index: number,
    pg: { host: string; port: number; user: string },
  ) {
    const port = await freePort();
    const { frequency, timeout, initialDelay = 2 } = this.options;
    const config = {
      backend: {
        baseUrl: `http://localhost:${port}`,
        listen: { port },
        database: {
          client: 'pg',
          pluginDivisionMode: 'schema',
          connection: { ...pg, database: this.database },
        },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: this.token, subject: 'reliability-tests' },
            },
          ],
        },
      },
      catalog: {
        locations: [{ type: 'file', target: this.estate.catalogFile }],
      },
      securityPosture: {
        scan: {
          // Every unit is set: config files merge duration objects.
          schedule: {
            frequency: { hours: 0, minutes: 0, seconds: frequency },
            timeout: { hours: 0, minutes: 0, seconds: timeout },
            initialDelay: { minutes: 0, seconds: initialDelay },
          },
          requestLimits: {
            perEntity: { max: 1000, window: { minutes: 1 } },
            global: { max: 1000, window: { minutes: 1 } },
          },
        },
        providers: { manifests: { localRoots: [this.estate.dir] } },
        policies: { directories: [] },
        exemptions: { files: [] },
      },
    };
    const configFile = join(this.workDir, `replica-${index}.json`);
    await fs.writeFile(configFile, JSON.stringify(config));
    const logFile = join(this.workDir, `replica-${index}.log`);
    const log = createWriteStream(logFile);
    await new Promise(r => log.once('open', r));
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        '../../app-config.yaml',
        '--config',
        configFile,
      ],
      {
        cwd: join(repoRoot, 'packages/backend'),
        // Not "test": the scheduler's janitor, which frees the locks of dead
        // replicas, only runs outside tests.
        env: {
          ...process.env,
          NODE_ENV: 'development',
          FORCE_COLOR: '0',
          NO_COLOR: '1',
        },
        stdio: ['ignore', log, log],
      },
    );
    const replica = { index, port, child, logFile };
    this.replicas.push(replica);
    return replica;
  }

  /**
   * Starts a replacement for a killed replica (as its orchestrator would), as
   * a new replica with the next index, and waits until it is healthy.
   */
  async replace(killed: Replica): Promise<Replica> {
    if (killed.killedAt === undefined) throw new Error('replica is alive');
    const pg = this.options.postgres ?? DEFAULT_POSTGRES;
    const replica = await this.spawnReplica(this.replicas.length, pg);
    await this.waitHealthy(replica);
    return replica;
  }

  private async waitHealthy(replica: Replica, timeoutMs = 180_000) {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (replica.child.exitCode !== null) {
        throw new Error(
          `replica ${replica.index} exited with ${
            replica.child.exitCode
          }: ${this.logTail(replica)}`,
        );
      }
      try {
        const res = await fetch(
          `http://localhost:${replica.port}/api/security-posture/health`,
        );
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
    throw new Error(
      `replica ${replica.index} did not start: ${this.logTail(replica)}`,
    );
  }

  /** Base URL of a replica's API. */
  url(replica = this.alive()[0]): string {
    return `http://localhost:${replica.port}`;
  }

  alive(): Replica[] {
    return this.replicas.filter(r => r.killedAt === undefined);
  }

  /** GET with the static token. */
  async get(path: string, replica = this.alive()[0]): Promise<any> {
    const res = await fetch(`${this.url(replica)}${path}`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    if (!res.ok)
      throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Waits until the catalog holds every generated component. */
  async waitForCatalog(timeoutMs = 180_000): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      try {
        const body = await this.get(
          '/api/catalog/entities/by-query?filter=kind=component&limit=1',
        );
        if (body.totalItems >= this.estate.components) return Date.now();
      } catch {
        // the catalog is still starting
      }
      await sleep(1000);
    }
    throw new Error('the catalog did not ingest the estate in time');
  }

  async scanRuns(): Promise<ScanRunRow[]> {
    const rows = await this.db('scan_runs').orderBy('created_at', 'asc');
    const ms = (v: unknown) => (v ? new Date(v as string).getTime() : null);
    return rows.map(r => ({
      id: r.id,
      trigger: r.trigger,
      shard: r.shard,
      status: r.status,
      started: ms(r.started_at),
      finished: ms(r.finished_at),
      entities: Number(r.entity_count),
      resources: Number(r.resource_count),
      findings: Number(r.finding_count),
      errors: Number(r.error_count),
    }));
  }

  /** The replica whose log says it started this scan. */
  runnerOf(scanId: string): Replica | undefined {
    return this.replicas.find(r =>
      this.log(r).includes(`Security posture scan ${scanId} started`),
    );
  }

  log(replica: Replica): string {
    try {
      return readFileSync(replica.logFile, 'utf8').replace(ANSI, '');
    } catch {
      return '';
    }
  }

  logTail(replica: Replica, chars = 3000): string {
    return this.log(replica).slice(-chars);
  }

  /** Waits for a scan run matching `predicate`. */
  async waitForScan(
    predicate: (run: ScanRunRow) => boolean,
    timeoutMs: number,
  ): Promise<ScanRunRow> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const run = (await this.scanRuns()).find(predicate);
      if (run) return run;
      await sleep(200);
    }
    throw new Error(
      `no matching scan within ${timeoutMs} ms; runs: ${JSON.stringify(
        await this.scanRuns(),
      )}`,
    );
  }

  /**
   * Waits for a scheduled scan that starts after `after` to be running for
   * `minRunningMs`, then kills the replica running it with SIGKILL.
   */
  async killRunningScan(
    after: number,
    minRunningMs: number,
    timeoutMs: number,
  ): Promise<{ run: ScanRunRow; victim: Replica; killedAt: number }> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const run = (await this.scanRuns()).find(
        r =>
          r.status === 'running' &&
          r.trigger !== 'manual' &&
          (r.started ?? 0) > after &&
          Date.now() - (r.started ?? 0) >= minRunningMs,
      );
      const victim = run && this.runnerOf(run.id);
      if (run && victim && victim.killedAt === undefined) {
        victim.child.kill('SIGKILL');
        victim.killedAt = Date.now();
        return { run, victim, killedAt: victim.killedAt };
      }
      await sleep(20);
    }
    const seen = (await this.scanRuns())
      .filter(r => (r.started ?? 0) > after)
      .map(
        r =>
          `${r.trigger} ${r.status} ${
            r.finished && r.started ? r.finished - r.started : '?'
          } ms`,
      );
    throw new Error(
      `no scheduled scan was seen running for ${minRunningMs} ms within ${timeoutMs} ms; runs since: ${
        seen.join(', ') || 'none'
      }`,
    );
  }

  /** Rows that break a natural key (must be 0: unique constraints). */
  async duplicates(): Promise<Record<string, number>> {
    const q = async (table: string, columns: string) =>
      Number(
        (
          await this.db.raw(
            `select count(*) as n from (select ${columns} from ${table} group by ${columns} having count(*) > 1) d`,
          )
        ).rows[0].n,
      );
    return {
      'scan_runs(id)': await q('scan_runs', 'id'),
      'catalog_entities(entity_ref)': await q('catalog_entities', 'entity_ref'),
      'entity_posture(entity_id)': await q('entity_posture', 'entity_id'),
      'posture_snapshots(entity_id, scan_id)': await q(
        'posture_snapshots',
        'entity_id, scan_id',
      ),
      'posture_daily(entity_id, day)': await q(
        'posture_daily',
        'entity_id, day',
      ),
      'findings(entity_id, fingerprint)': await q(
        'findings',
        'entity_id, fingerprint',
      ),
      'entity_resources(entity_id, uid_hash)': await q(
        'entity_resources',
        'entity_id, uid_hash',
      ),
    };
  }

  /** Unique indexes and primary keys of the plugin's tables. */
  async uniqueIndexes(): Promise<string[]> {
    const { rows } = await this.db.raw(
      `select tablename, indexdef from pg_indexes where schemaname = 'security-posture' and indexdef like 'CREATE UNIQUE%'`,
    );
    return rows.map(
      (r: { tablename: string; indexdef: string }) =>
        `${r.tablename}${/\(([^)]*)\)/.exec(r.indexdef)?.[0] ?? ''}`,
    );
  }

  /** What the store holds for the generated components. */
  async holdings() {
    const one = async (sql: string) =>
      Number((await this.db.raw(sql)).rows[0].n);
    return {
      postures: await one(
        `select count(*) as n from entity_posture p join catalog_entities e on e.id = p.entity_id where e.kind = 'component' and not p.is_rollup`,
      ),
      okPostures: await one(
        `select count(*) as n from entity_posture p join catalog_entities e on e.id = p.entity_id where e.kind = 'component' and not p.is_rollup and p.status = 'ok'`,
      ),
      resources: await one(`select count(*) as n from entity_resources`),
      openFindings: await one(
        `select count(*) as n from findings where status = 'open'`,
      ),
    };
  }

  /** Stops every replica it started (SIGTERM, then SIGKILL), drops the database. */
  async stop(): Promise<void> {
    for (const r of this.alive()) r.child.kill('SIGTERM');
    const deadline = Date.now() + 20_000;
    for (const r of this.replicas) {
      while (r.child.exitCode === null && r.child.signalCode === null) {
        if (Date.now() > deadline) {
          r.child.kill('SIGKILL');
          break;
        }
        await sleep(200);
      }
    }
    await sleep(500);
    await this.db.destroy();
    await this.admin.raw(
      `drop database if exists ${this.database} with (force)`,
    );
    await this.admin.destroy();
    if (!process.env.SP_RELIABILITY_KEEP) {
      await fs.rm(this.workDir, { recursive: true, force: true });
    }
  }
}
