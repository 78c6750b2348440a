// Planner statistics. Without them SQLite guesses that `status = 'active'` is selective and, for
// `GET /users?filter[status][_eq]=active&sort=-email&limit=50`, reads every active user through the
// status index and sorts them all (about 30 ms at 100,000 users) instead of walking the email index
// and stopping after 50 (under 1 ms). ANALYZE fixes that; it is refreshed when the tables have
// changed size by a quarter since the last one, which costs one count per check. PostgreSQL's
// autovacuum does the same on its own, but only after a while: a freshly filled database (an import,
// a restore) gets its ANALYZE here at once.
import { sql } from 'kysely';
import type { Db } from './index.js';

/** Tables whose plans depend on their size and spread, and how to size each cheaply. */
const TABLES = ['directus_users', 'directus_sessions', 'directus_activity', 'directus_revisions'] as const;
/** Append-only tables with an increasing integer key: their highest id stands in for a count. */
const APPEND_ONLY = new Set<string>(['directus_activity', 'directus_revisions']);

/** How far the row count may drift from the one the statistics were made with. */
const DRIFT = 0.25;

/** Row counts as of the last ANALYZE this process ran (where the database keeps none it can show). */
export type StatisticsMemo = Map<string, number>;

/** About how many rows a table has: exact for the small ones, cheap for the large ones. */
async function rowsOf(db: Db, table: string): Promise<number> {
  const q = APPEND_ONLY.has(table) ? sql<{ n: unknown }>`select coalesce(max(id), 0) as n from ${sql.table(table)}` : sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`;
  return Number((await q.execute(db.kysely)).rows[0]?.n ?? 0);
}

/** The tables whose statistics are missing or stale. */
export async function staleTables(db: Db, memo: StatisticsMemo = new Map()): Promise<string[]> {
  const stale: string[] = [];
  for (const table of TABLES) {
    const rows = await rowsOf(db, table);
    const known = (await analyzedRows(db, table)) ?? memo.get(table) ?? null;
    if (known === null ? rows > 0 : Math.abs(rows - known) > Math.max(100, known * DRIFT)) stale.push(table);
  }
  return stale;
}

async function analyzedRows(db: Db, table: string): Promise<number | null> {
  if (db.dialect === 'sqlite') {
    const exists = await sql<{ n: unknown }>`select count(*) as n from sqlite_master where name = 'sqlite_stat1'`.execute(db.kysely);
    if (Number(exists.rows[0]?.n) === 0) return null;
    const { rows } = await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = ${table} limit 1`.execute(db.kysely);
    return rows[0] ? Number(rows[0].stat.split(' ')[0]) : null;
  }
  const { rows } = await sql<{ n: unknown; analyzed: unknown }>`
    select c.reltuples as n, coalesce(s.last_analyze, s.last_autoanalyze) as analyzed
    from pg_class c join pg_namespace ns on ns.oid = c.relnamespace
    left join pg_stat_user_tables s on s.relid = c.oid
    where c.relname = ${table} and ns.nspname = current_schema()`.execute(db.kysely);
  const row = rows[0];
  return row && row.analyzed !== null && Number(row.n) >= 0 ? Number(row.n) : null;
}

/**
 * Runs ANALYZE on the stale tables; answers which it analyzed. `memo` remembers what this process
 * analyzed, for a database that shows no trace of it (a PostgreSQL user who does not own the
 * tables gets only a warning from ANALYZE): such a table is not analyzed again until it has grown.
 */
export async function refreshStatistics(db: Db, memo: StatisticsMemo = new Map()): Promise<string[]> {
  const stale = await staleTables(db, memo);
  for (const table of stale) {
    await sql`analyze ${sql.table(table)}`.execute(db.kysely);
    memo.set(table, await rowsOf(db, table));
  }
  return stale;
}
