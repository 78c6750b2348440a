// Dialect helpers for migrations and the query compiler, so that `if (postgres)` stays out of
// business code.
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The column type of an auto-incrementing integer primary key. */
export function autoIncrementId(db: Kysely<any>): 'serial' | 'integer' {
  return isPostgres(db) ? 'serial' : 'integer';
}

/** PostgreSQL sorts NULLs last by default; SQLite first. Indexes on PostgreSQL say NULLS FIRST. */
export function nullsFirst(db: Kysely<any>): RawBuilder<unknown> {
  return isPostgres(db) ? sql` nulls first` : sql``;
}
