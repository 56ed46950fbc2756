import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { readdirSync } from 'node:fs';
import { SecurityPostureStore } from './SecurityPostureStore';

/**
 * Every migration, applied up and down on a database filled with rows under
 * the previous migration set, on PostgreSQL and SQLite: no table or row is
 * lost (counts), stored values stay as they were (except the columns a
 * migration rewrites on purpose, listed below), and each migration can be
 * rolled back and applied again. New migrations are picked up from the folder.
 */

jest.setTimeout(180_000);

/** Columns a migration rewrites on purpose (e.g. to force a re-assessment). */
const REWRITTEN: Record<string, string[]> = {
  // Every entity is re-assessed once, so its framework compliance is computed.
  '20261214000000_frameworks.js': ['entity_posture.input_hash'],
};

const ROWS = 3;
const directory = SecurityPostureStore.migrationsDirectory;
const migrations = readdirSync(directory)
  .filter(f => /^\d{14}_.+\.js$/.test(f))
  .sort();

async function tablesOf(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      `select table_name from information_schema.tables
       where table_schema = current_schema() and table_type = 'BASE TABLE'`,
    );
    return rows
      .map((r: { table_name: string }) => r.table_name)
      .filter((t: string) => !t.startsWith('knex_'))
      .sort();
  }
  const rows = await knex.raw(
    `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'knex_%'`,
  );
  return rows.map((r: { name: string }) => r.name).sort();
}

/** A value of a column's type, different per row, unique where it must be. */
function valueFor(
  table: string,
  column: string,
  info: Knex.ColumnInfo,
  row: number,
): unknown {
  const type = info.type.toLowerCase();
  if (/int|serial/.test(type)) return row + 1;
  if (/bool/.test(type)) return row % 2 === 0;
  if (/double|real|float|numeric|decimal/.test(type)) return row + 0.5;
  if (/timestamp|datetime|date/.test(type)) {
    return new Date(Date.UTC(2026, 10, 1 + row, 10));
  }
  if (column.endsWith('_json')) return JSON.stringify({ row, column });
  if (column === 'id' || column.endsWith('_id')) {
    return `00000000-0000-4000-8000-${String(row + 1).padStart(12, '0')}`;
  }
  const text = `${column}-${row}`;
  const max = Number(info.maxLength) || 0;
  return max > 0 ? text.slice(0, max) : `${table} ${text}`;
}

/**
 * Adds ROWS rows to every table (rows `generation * ROWS` onwards, so unique
 * keys stay unique across fills), retrying tables whose references are not
 * there yet.
 */
async function fill(knex: Knex, generation: number): Promise<void> {
  let pending = await tablesOf(knex);
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    const failed: string[] = [];
    for (const table of pending) {
      const columns = await knex(table).columnInfo();
      const rows = Array.from({ length: ROWS }, (_, row) =>
        Object.fromEntries(
          Object.entries(columns).map(([column, info]) => [
            column,
            valueFor(table, column, info, generation * ROWS + row),
          ]),
        ),
      );
      try {
        await knex(table).insert(rows);
        // Ids were given explicitly (so references match): move sequences on.
        for (const [column, info] of Object.entries(columns)) {
          if (String(info.defaultValue).includes('nextval')) {
            await knex.raw(
              `select setval(pg_get_serial_sequence(?, ?), (select max(??) from ??))`,
              [table, column, column, table],
            );
          }
        }
      } catch {
        failed.push(table);
      }
    }
    pending = failed;
  }
  expect(pending).toEqual([]);
}

/** Every table's rows, in a stable order, without the columns named in `skip`. */
async function contents(
  knex: Knex,
  skip: string[] = [],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tablesOf(knex)) {
    const rows = await knex(table).select('*');
    out[table] = rows
      .map(row =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(row)
              .filter(([column]) => !skip.includes(`${table}.${column}`))
              .sort(([a], [b]) => a.localeCompare(b)),
          ),
        ),
      )
      .sort();
  }
  return out;
}

/** Only the tables and columns of `shape` (what existed before a migration). */
function restrict(
  data: Record<string, string[]>,
  shape: Record<string, string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(shape)) {
    const columns = new Set(
      shape[table].length > 0 ? Object.keys(JSON.parse(shape[table][0])) : [],
    );
    out[table] = (data[table] ?? [])
      .map(row =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(JSON.parse(row)).filter(([c]) => columns.has(c)),
          ),
        ),
      )
      .sort();
  }
  return out;
}

const counts = (data: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(data).map(([t, rows]) => [t, rows.length]));

describe('migrations', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15', 'SQLITE_3'],
  });

  it('are all found, and each has a down', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    for (const file of migrations) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require(`${directory}/${file}`);
      expect(`${file} ${typeof m.up} ${typeof m.down}`).toBe(
        `${file} function function`,
      );
    }
  });

  it.each(databases.eachSupportedId())(
    'go up and down on a filled database without losing rows, on %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      const report: string[] = [];
      for (const [generation, file] of migrations.entries()) {
        const skip = REWRITTEN[file] ?? [];
        // Rows written under the previous migration set.
        await fill(knex, generation);
        const before = await contents(knex, skip);

        await knex.migrate.up({ directory, name: file });
        const afterUp = await contents(knex, skip);
        expect(restrict(afterUp, before)).toEqual(before);

        await knex.migrate.down({ directory, name: file });
        expect(await contents(knex, skip)).toEqual(before);

        await knex.migrate.up({ directory, name: file });
        expect(restrict(await contents(knex, skip), before)).toEqual(before);
        const total = Object.values(counts(before)).reduce((a, b) => a + b, 0);
        report.push(`${file}: ${total} rows kept up, down and up again`);
      }
      // Everything the store reads is there at the latest schema.
      const [, pending] = await knex.migrate.list({ directory });
      expect(pending).toEqual([]);
      process.stdout.write(
        `\nmigrations on ${databaseId}:\n${report.join('\n')}\n`,
      );
    },
  );
});
