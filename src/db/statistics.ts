// Planner statistics. Without them SQLite guesses that `status = 'active'` is selective and, for
// `GET /users?filter[status][_eq]=active&sort=-email&limit=50`, reads every active user through the
// status index and sorts them all (about 30 ms at 100,000 users) instead of walking the email index
// and stopping after 50 (under 1 ms). ANALYZE fixes that; it is refreshed when the tables have
// changed size by a quarter since the last one, which costs one count per check. PostgreSQL's
// autovacuum does the same on its own, but only after a while: a freshly filled database (an import,
// a restore) gets its ANALYZE here at once.
import { sql } from 'kysely';
import type { Db } from './index.js';

/** Tables whose plans depend on their size and spread. */
const TABLES = ['directus_users', 'directus_activity', 'directus_revisions', 'directus_sessions'] as const;

/** How far the row count may drift from the one the statistics were made with. */
const DRIFT = 0.25;

/** The tables whose statistics are missing or stale, with their row counts. */
export async function staleTables(db: Db): Promise<string[]> {
  const stale: string[] = [];
  for (const table of TABLES) {
    const rows = Number((await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]?.n ?? 0);
    const known = await analyzedRows(db, table);
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

/** Runs ANALYZE on the stale tables; answers which it analyzed. */
export async function refreshStatistics(db: Db): Promise<string[]> {
  const stale = await staleTables(db);
  for (const table of stale) await sql`analyze ${sql.table(table)}`.execute(db.kysely);
  return stale;
}
