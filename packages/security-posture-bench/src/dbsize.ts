import type { Knex } from 'knex';
import type { DatabaseKind } from './backend';

/** Bytes used by the database and by each table (with its indexes and TOAST). */
export interface DatabaseSize {
  total: number;
  tables: Record<string, number>;
}

/** Size of the plugin's database: `pg_database_size` / SQLite pages, per table. */
export async function databaseSize(
  db: Knex,
  kind: DatabaseKind,
): Promise<DatabaseSize> {
  const tables: Record<string, number> = {};
  if (kind === 'postgres') {
    const total = await db.raw(
      'SELECT pg_database_size(current_database()) AS n',
    );
    const rows = await db.raw(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS n
         FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind = 'r' AND ns.nspname = 'public'`,
    );
    for (const r of rows.rows) tables[r.name] = Number(r.n);
    return { total: Number(total.rows[0].n), tables };
  }
  const [{ page_count: pages }] = await db.raw('PRAGMA page_count');
  const [{ page_size: pageSize }] = await db.raw('PRAGMA page_size');
  // dbstat gives the pages of each table and index; indexes are added to their table.
  const owners = await db.raw(
    "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')",
  );
  const ownerOf = new Map<string, string>(
    owners.map((o: { name: string; tbl_name: string }) => [o.name, o.tbl_name]),
  );
  try {
    const rows = await db.raw(
      'SELECT name, SUM(pgsize) AS n FROM dbstat GROUP BY name',
    );
    for (const r of rows) {
      const table = ownerOf.get(r.name) ?? r.name;
      tables[table] = (tables[table] ?? 0) + Number(r.n);
    }
  } catch {
    // dbstat not compiled in: totals only
  }
  return { total: Number(pages) * Number(pageSize), tables };
}

/** Bytes of the score-history tables (snapshots and daily roll-ups, with indexes). */
export function historyBytes(size: DatabaseSize): number {
  return (
    (size.tables.posture_snapshots ?? 0) + (size.tables.posture_daily ?? 0)
  );
}
