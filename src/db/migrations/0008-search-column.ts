// PostgreSQL: the text `search` looks in becomes a stored column, `usher_search`, and the trigram
// index moves from the expression (0004) onto it. With the index on the expression, PostgreSQL
// checked each row the index offered by computing the expression again, fourteen lower() calls a
// row: 1.9 of the 3.3 ms a search of 1,000,000 users took, against 0.4 ms with the text stored. The
// index keeps a small pending list (256 kB): GIN's default, 4 MB, is read through on every search
// until it is merged, which after a bulk import made a search 2.6 ms slower.
// SQLite keeps its FTS5 table (0004): nothing changes there.
//
// On a big table this migration is slow, and holds directus_users while it runs: the column is
// written into every row (the table is rewritten) and the index built, about 80 s for 1,000,000
// users on a 2-core machine. Older Usher processes still running beside a newer one meanwhile
// search by a scan (their index is gone) until they are replaced. The statistics are refreshed at
// the end, so the planner knows the new column at once.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { pgSearchExpression, USERS_SEARCH_INDEX as INDEX, PG_SEARCH_COLUMN } from '../search-index.js';
import { trigramSchema } from './0004-search-index.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  // Rewrites the table once (about a minute per million users on a small machine).
  await sql`alter table ${sql.table(INDEX.table)} add column ${sql.id(PG_SEARCH_COLUMN)} text generated always as ${pgSearchExpression(INDEX)} stored`.execute(db);
  await sql`drop index if exists ${sql.id(INDEX.name)}`.execute(db);
  // Without pg_trgm (0004 said so, with a warning) search reads the column by a scan.
  const schema = await trigramSchema(db);
  if (!schema) return;
  if (db.isTransaction) await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  await sql`create index ${sql.id(INDEX.name)} on ${sql.table(INDEX.table)} using gin (${sql.id(PG_SEARCH_COLUMN)} ${sql.id(schema)}.gin_trgm_ops)
    with (gin_pending_list_limit = 256)`.execute(db);
  await sql`analyze ${sql.table(INDEX.table)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  // The index on the column goes with it; 0004's index on the expression comes back.
  await sql`alter table ${sql.table(INDEX.table)} drop column if exists ${sql.id(PG_SEARCH_COLUMN)}`.execute(db);
  const schema = await trigramSchema(db);
  if (!schema) return;
  await sql`create index if not exists ${sql.id(INDEX.name)} on ${sql.table(INDEX.table)} using gin (${pgSearchExpression(INDEX)} ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
}
