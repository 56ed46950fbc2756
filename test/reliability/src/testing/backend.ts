import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';

/** Everything a logger was asked to write, one line per call. */
export class CapturedLogs {
  readonly lines: string[] = [];

  logger(meta: Record<string, unknown> = {}): RootLoggerService {
    const write =
      (level: string) => (message: string, extra?: Error | object) => {
        let detail = '';
        if (extra instanceof Error) {
          detail = `${extra.name}: ${extra.message}\n${extra.stack ?? ''}`;
        } else if (extra !== undefined) {
          try {
            detail = JSON.stringify(extra);
          } catch {
            detail = String(extra);
          }
        }
        this.lines.push(
          `${level} ${JSON.stringify(meta)} ${message} ${detail}`.trim(),
        );
      };
    const logger: LoggerService = {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      child: (more: Record<string, unknown>) =>
        this.logger({ ...meta, ...more }),
    };
    return logger as RootLoggerService;
  }

  /** A root logger service factory that records every call (debug included). */
  factory() {
    return createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => this.logger(),
    });
  }
}

/** Every value of every column of every table, as text (for leak searches). */
export async function dumpDatabase(
  knex: Knex,
): Promise<Array<{ table: string; column: string; value: string }>> {
  const client = knex.client.config.client;
  let tables: string[];
  if (client === 'pg') {
    tables = (
      await knex.raw(
        `select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`,
      )
    ).rows.map((r: { name: string }) => r.name);
  } else {
    tables = (
      await knex.raw(
        `select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`,
      )
    ).map((r: { name: string }) => r.name);
  }
  const out: Array<{ table: string; column: string; value: string }> = [];
  for (const table of tables) {
    const rows = await knex.select('*').from(knex.raw(table));
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        let text: string;
        if (Buffer.isBuffer(value)) text = value.toString('utf8');
        else if (typeof value === 'object') text = JSON.stringify(value);
        else text = String(value);
        out.push({ table, column, value: text });
      }
    }
  }
  return out;
}

/** An AWS Config item (before JSON.stringify), as SelectResourceConfig returns it. */
export type AwsConfigItem = Record<string, unknown>;

/**
 * An msw handler speaking just enough of AWS Config's JSON 1.1 protocol
 * (SelectResourceConfig) for the AWS module: items per region, filtered by the
 * query's resource type; `fault` (when set) is answered instead.
 */
export function fakeAwsConfig(
  items: Record<string, AwsConfigItem[]>,
  state: {
    fault?: { status: number; type: string; message: string };
    requests: number;
  } = { requests: 0 },
) {
  return http.post(
    /^https:\/\/config\.[a-z0-9-]+\.amazonaws\.com\/?$/,
    async ({ request }) => {
      state.requests++;
      const region = new URL(request.url).hostname.split('.')[1];
      if (state.fault) {
        return HttpResponse.json(
          { __type: state.fault.type, message: state.fault.message },
          {
            status: state.fault.status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
          },
        );
      }
      const body = (await request.json()) as { Expression: string };
      const type = /resourceType = '([^']+)'/.exec(body.Expression)?.[1];
      return HttpResponse.json(
        {
          Results: (items[region] ?? [])
            .filter(i => i.resourceType === type)
            .map(i => JSON.stringify(i)),
          QueryInfo: { SelectFields: [] },
        },
        { headers: { 'content-type': 'application/x-amz-json-1.1' } },
      );
    },
  );
}
