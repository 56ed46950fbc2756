import { promises as fs } from 'node:fs';
import path from 'node:path';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { loadAll } from 'js-yaml';
import knexFactory, { type Knex } from 'knex';
import type { EstateManifest } from './estate/generate';

/** Static token the benchmarks authenticate with (Backstage external access). */
export const BENCH_TOKEN = 'security-posture-bench-static-token-0123456789';

/** The two databases the plugin supports. */
export type DatabaseKind = 'sqlite' | 'postgres';

/** PostgreSQL server of the machine (override with SP_BENCH_PG_*). */
export const PG_CONNECTION = {
  host: process.env.SP_BENCH_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.SP_BENCH_PG_PORT ?? 5432),
  user: process.env.SP_BENCH_PG_USER ?? 'postgres',
  password: process.env.SP_BENCH_PG_PASSWORD ?? '',
};

/** Where a benchmark database lives: a SQLite folder or a PostgreSQL database name prefix. */
export interface DatabaseTarget {
  kind: DatabaseKind;
  /** SQLite: folder holding `security-posture.sqlite`; PostgreSQL: database name prefix. */
  location: string;
}

/** Name of the plugin's PostgreSQL database for a prefix. */
export function pgDatabaseName(prefix: string): string {
  return `${prefix}security-posture`;
}

/** SQLite file of the plugin for a folder. */
export function sqliteFile(dir: string): string {
  return path.join(dir, 'security-posture.sqlite');
}

function databaseConfig(target: DatabaseTarget) {
  if (target.kind === 'sqlite') {
    return {
      client: 'better-sqlite3',
      connection: { directory: target.location },
    };
  }
  return {
    client: 'pg',
    connection: PG_CONNECTION,
    prefix: target.location,
  };
}

/** A knex connection to the plugin's own database (for sizes and timed queries). */
export function connectPlugin(target: DatabaseTarget): Knex {
  if (target.kind === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: sqliteFile(target.location) },
      useNullAsDefault: true,
    });
  }
  return knexFactory({
    client: 'pg',
    connection: { ...PG_CONNECTION, database: pgDatabaseName(target.location) },
    pool: { min: 0, max: 4 },
  });
}

/** Drops a benchmark database (PostgreSQL) or deletes its folder (SQLite). */
export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'sqlite') {
    await fs.rm(target.location, { recursive: true, force: true });
    return;
  }
  const admin = knexFactory({
    client: 'pg',
    connection: { ...PG_CONNECTION, database: 'postgres' },
  });
  try {
    await admin.raw(
      `DROP DATABASE IF EXISTS "${pgDatabaseName(
        target.location,
      )}" WITH (FORCE)`,
    );
  } finally {
    await admin.destroy();
  }
}

/** Copies a benchmark database (SQLite file copy, PostgreSQL `CREATE DATABASE … TEMPLATE`). */
export async function copyDatabase(
  from: DatabaseTarget,
  to: DatabaseTarget,
): Promise<void> {
  await dropDatabase(to);
  if (from.kind === 'sqlite') {
    await fs.mkdir(to.location, { recursive: true });
    await fs.copyFile(sqliteFile(from.location), sqliteFile(to.location));
    return;
  }
  const admin = knexFactory({
    client: 'pg',
    connection: { ...PG_CONNECTION, database: 'postgres' },
  });
  try {
    await admin.raw(
      `CREATE DATABASE "${pgDatabaseName(
        to.location,
      )}" TEMPLATE "${pgDatabaseName(from.location)}"`,
    );
  } finally {
    await admin.destroy();
  }
}

/**
 * The catalog of a generated estate as the catalog would serve it: the entities
 * of its catalog files with `backstage.io/managed-by-location` set to their file
 * and the `ownedBy`, `partOf` and `childOf` relations the catalog derives.
 */
export async function loadEstateCatalog(
  dir: string,
  manifest: EstateManifest,
  filter?: (entity: Entity) => boolean,
): Promise<Entity[]> {
  const out: Entity[] = [];
  for (const file of manifest.catalogFiles) {
    const full = path.join(dir, file);
    const docs = loadAll(await fs.readFile(full, 'utf8')) as Entity[];
    for (const e of docs) {
      if (!e) continue;
      if (filter && !filter(e)) continue;
      const spec = (e.spec ?? {}) as Record<string, string>;
      const relations: Entity['relations'] = [];
      const ref = (kind: string, name: string) =>
        name.includes(':') ? name : `${kind}:default/${name}`;
      if (spec.owner) {
        relations.push({
          type: 'ownedBy',
          targetRef: ref('group', spec.owner),
        });
      }
      if (spec.system && e.kind !== 'System') {
        relations.push({
          type: 'partOf',
          targetRef: ref('system', spec.system),
        });
      }
      if (spec.domain && e.kind === 'System') {
        relations.push({
          type: 'partOf',
          targetRef: ref('domain', spec.domain),
        });
      }
      if (spec.parent && e.kind === 'Group') {
        relations.push({
          type: 'childOf',
          targetRef: ref('group', spec.parent),
        });
      }
      out.push({
        ...e,
        metadata: {
          ...e.metadata,
          namespace: 'default',
          annotations: {
            ...(e.metadata.annotations ?? {}),
            'backstage.io/managed-by-location': `file:${full}`,
            'backstage.io/managed-by-origin-location': `file:${full}`,
          },
        },
        relations,
      });
    }
  }
  return out;
}

/** A running backend with the Security Posture plugin. */
export interface PostureBackend {
  baseUrl: string;
  stop(): Promise<void>;
  /** Runs one of the plugin's scheduled tasks now (e.g. `security-posture-retention`). */
  triggerTask(id: string): Promise<void>;
  /** Calls the plugin's REST API with the benchmark's credentials. */
  request<T = unknown>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<T>;
}

/**
 * Starts a backend in this process with the real Security Posture plugin, the
 * real database, scheduler, auth and httpAuth services (a static external access
 * token), the catalog's entities served by the in-memory catalog service, and
 * the manifests provider reading the estate's files. Scans only run when
 * requested (`POST /scans`).
 */
export async function startPostureBackend(options: {
  database: DatabaseTarget;
  estateDir: string;
  entities: Entity[];
  concurrency?: number;
}): Promise<PostureBackend> {
  if (options.database.kind === 'sqlite') {
    await fs.mkdir(options.database.location, { recursive: true });
  }
  const config = {
    backend: {
      database: databaseConfig(options.database),
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: BENCH_TOKEN, subject: 'security-posture-bench' },
          },
        ],
      },
    },
    securityPosture: {
      scan: {
        schedule: {
          frequency: { trigger: 'manual' },
          timeout: { hours: 3 },
        },
        concurrency: options.concurrency ?? 4,
        requestPollInterval: { seconds: 2 },
      },
      providers: {
        manifests: {
          enabled: true,
          localRoots: [options.estateDir],
          maxFileBytes: 64 * 1024 * 1024,
          maxFiles: 200,
          maxTotalBytes: 256 * 1024 * 1024,
        },
      },
      retention: {
        schedule: { frequency: { trigger: 'manual' }, timeout: { hours: 1 } },
      },
      leaderboard: { groupTypes: ['team'] },
    },
  };
  const { default: plugin } = await import(
    '@internal/backstage-plugin-security-posture-backend'
  );
  let scheduler: SchedulerService | undefined;
  const schedulerAccess = createBackendModule({
    pluginId: 'security-posture',
    moduleId: 'bench-scheduler-access',
    register(env) {
      env.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin,
      schedulerAccess,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      databaseServiceFactory,
      schedulerServiceFactory,
      authServiceFactory,
      httpAuthServiceFactory,
      catalogServiceMock.factory({ entities: options.entities }),
    ],
  });
  const port = backend.server.port();
  const baseUrl = `http://127.0.0.1:${port}/api/security-posture`;
  return {
    baseUrl,
    stop: () => backend.stop(),
    async triggerTask(id: string) {
      if (!scheduler) throw new Error('the scheduler is not available');
      await scheduler.triggerTask(id);
    },
    async request<T>(method: string, route: string, body?: unknown) {
      const res = await fetch(`${baseUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${BENCH_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) {
        throw new Error(
          `${method} ${route}: ${res.status} ${text.slice(0, 500)}`,
        );
      }
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** Scan run as the REST API reports it. */
export interface ScanRunInfo {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'aborted';
  startedAt: string | null;
  finishedAt: string | null;
  counts: {
    entities: number;
    resources: number;
    findings: number;
    errors: number;
  };
  errors: string[];
}

/** Requests a full scan through the REST API and waits for it to finish. */
export async function scanAndWait(
  backend: PostureBackend,
  pollMs = 500,
): Promise<ScanRunInfo> {
  const started = await backend.request<{ scanId: string }>(
    'POST',
    '/scans',
    {},
  );
  for (;;) {
    await new Promise(r => setTimeout(r, pollMs));
    const run = await backend.request<ScanRunInfo>(
      'GET',
      `/scans/${encodeURIComponent(started.scanId)}`,
    );
    if (run.status === 'succeeded') return run;
    if (run.status === 'failed' || run.status === 'aborted') {
      throw new Error(
        `scan ${run.id} ${run.status}: ${run.errors.slice(0, 5).join('; ')}`,
      );
    }
  }
}
