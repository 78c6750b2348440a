// A substring index for `search` on users (issue 7): an FTS5 trigram table on SQLite, a pg_trgm GIN
// index on PostgreSQL. What it holds and why: ../search-index.ts.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { pgSearchExpression, sqliteIndexedValue, USERS_SEARCH_INDEX as INDEX } from '../search-index.js';

export async function up(db: Kysely<any>): Promise<void> {
  // Searching for a user's avatar id then reads an index too (id and role have theirs already).
  await db.schema.createIndex('directus_users_avatar_index').on('directus_users').column('avatar').execute();
  if (isPostgres(db)) await upPostgres(db);
  else await upSqlite(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    // The pg_trgm extension stays: it belongs to the whole database, and other schemas may use it.
    await sql`drop index if exists ${sql.id(INDEX.name)}`.execute(db);
  } else {
    for (const op of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.id(`${INDEX.name}_${op}`)}`.execute(db);
    await sql`drop table if exists ${sql.id(INDEX.name)}`.execute(db);
  }
  await db.schema.dropIndex('directus_users_avatar_index').execute();
}

/**
 * Contentless (the text lives in directus_users only) with deletes by rowid, so the triggers never
 * have to repeat the old values. directus_users has no INTEGER PRIMARY KEY, but its rowids are
 * stable: VACUUM keeps them for tables that have indexes, and Usher never REPLACEs a user row.
 */
async function upSqlite(db: Kysely<any>): Promise<void> {
  const names = Object.keys(INDEX.fields);
  const columns = sql.join(names.map((n) => sql.id(n)));
  const values = (row: string) => sql.join(Object.values(INDEX.fields).map((f) => sqliteIndexedValue(f, row)));
  const fts = sql.id(INDEX.name);
  const table = sql.table(INDEX.table);
  await sql`create virtual table ${fts} using fts5(${columns}, content='', contentless_delete=1, tokenize='trigram case_sensitive 1')`.execute(db);
  // One pass over the existing users; on a big table this is the slow step (about a minute per
  // million users on a small machine), and it runs once.
  await sql`insert into ${fts} (rowid, ${columns}) select rowid, ${values(INDEX.table)} from ${table}`.execute(db);
  await sql`create trigger ${sql.id(`${INDEX.name}_insert`)} after insert on ${table} begin
    insert into ${fts} (rowid, ${columns}) values (new.rowid, ${values('new')});
  end`.execute(db);
  // Only when a searched column changes: last_access moves on every sign-in and costs nothing here.
  const watched = sql.join(Object.values(INDEX.fields).map((f) => sql.id(f.column)));
  await sql`create trigger ${sql.id(`${INDEX.name}_update`)} after update of ${watched} on ${table} begin
    update ${fts} set (${columns}) = (${values('new')}) where rowid = old.rowid;
  end`.execute(db);
  await sql`create trigger ${sql.id(`${INDEX.name}_delete`)} after delete on ${table} begin
    delete from ${fts} where rowid = old.rowid;
  end`.execute(db);
}

/**
 * pg_trgm is created if it is missing and this role may create it (it is a trusted extension: the
 * right to CREATE in the database is enough). Without it, search keeps working as a scan: a
 * warning says so once, here, and how to add the index later.
 */
async function upPostgres(db: Kysely<any>): Promise<void> {
  // Two Usher schemas migrating at once (tests do) must not both create the extension.
  await sql`select pg_advisory_xact_lock(hashtext('usher:pg_trgm'))`.execute(db);
  const schema = (await trigramSchema(db)) ?? (await createTrigramExtension(db));
  if (!schema) return;
  // A bigger sort budget for this one transaction: the build is several times faster with it.
  if (db.isTransaction) await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  await sql`create index ${sql.id(INDEX.name)} on ${sql.table(INDEX.table)} using gin (${pgSearchExpression(INDEX)} ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
}

/** The schema pg_trgm lives in, if it is installed: its operator class is named through it. */
export async function trigramSchema(db: Kysely<any>): Promise<string | null> {
  const { rows } = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  return rows[0]?.schema ?? null;
}

/**
 * Into `public` when this role may create there, else into the current schema. Not into the
 * current schema first: an Usher schema dropped with CASCADE would take the extension, and every
 * other schema's search index, with it.
 */
async function createTrigramExtension(db: Kysely<any>): Promise<string | null> {
  const { rows } = await sql<{ target: string }>`
    select case when exists (select 1 from pg_namespace where nspname = 'public') and has_schema_privilege('public', 'CREATE')
      then 'public' else current_schema() end as target`.execute(db);
  const target = rows[0]?.target;
  // A failed statement aborts the migration's transaction; the savepoint keeps the rest of it.
  const guarded = db.isTransaction;
  if (guarded) await sql`savepoint usher_pg_trgm`.execute(db);
  try {
    if (!target) throw new Error('no schema to create it in');
    await sql`create extension if not exists pg_trgm with schema ${sql.id(target)}`.execute(db);
    if (guarded) await sql`release savepoint usher_pg_trgm`.execute(db);
    return target;
  } catch (error) {
    if (guarded) await sql`rollback to savepoint usher_pg_trgm`.execute(db);
    process.emitWarning(
      `The pg_trgm extension could not be created (${(error as Error).message}). ` +
        'Search on users will scan the table instead of using an index. ' +
        'To add the index later: CREATE EXTENSION pg_trgm as a superuser, then ' +
        'CREATE INDEX usher_users_search ON directus_users USING gin (usher_search gin_trgm_ops) WITH (gin_pending_list_limit = 256).',
      { code: 'USHER_NO_PG_TRGM' },
    );
    return null;
  }
}
