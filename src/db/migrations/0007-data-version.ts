// usher_state.data_version: one number that changes whenever a user, role, permission or session
// row changes, however it changed (the API, the CLI, another Usher process, plain SQL). Every
// request reads it (access/authenticate.ts), so what one process keeps in memory because of those
// rows (the credential checks in authenticate.ts, the answers in modules/cache/response-cache.ts)
// is known stale on the very next request, in every process.
//
// The database keeps it, in triggers, so that no write path can forget it. A change to a role or a
// permission also moves permissions_version (which Usher's own writes move too), so that rules
// changed in plain SQL are compiled again as well.
// - SQLite: after each row change. SQLite has one writer at a time, so the shared row costs no
//   concurrency. (A DELETE of every row still fires them: SQLite skips its truncate shortcut for a
//   table with delete triggers.)
// - PostgreSQL: a deferred constraint trigger, run at commit and at most once per transaction and
//   schema, on the usher_state of the table's own schema (whatever the search_path). The row lock
//   it takes is held only while the transaction commits, and the transaction holding it waits for
//   nothing else, so writers queue briefly at commit but never deadlock on it. TRUNCATE, which
//   fires no row trigger, has a statement trigger of its own.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// As they were when this migration was written: a migration never changes. What the running code
// relies on is VERSIONED_TABLES in modules/permissions/usher-state.ts.
const DATA_VERSION_TABLES = ['directus_users', 'directus_roles', 'directus_permissions', 'directus_sessions'] as const;
/** The tables whose changes also move permissions_version. */
const RULE_TABLES = new Set<string>(['directus_roles', 'directus_permissions']);
const OPS = ['insert', 'update', 'delete'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usher_state').addColumn('data_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  if (isPostgres(db)) {
    // TG_ARGV[0]: 'rules' when permissions_version moves too.
    await sql`create or replace function usher_bump_data_version() returns trigger language plpgsql as $$
      declare
        flag text := 'usher.bumped_' || md5(TG_TABLE_SCHEMA || '/' || TG_ARGV[0]);
      begin
        if current_setting(flag, true) is distinct from txid_current()::text then
          perform set_config(flag, txid_current()::text, true);
          if TG_ARGV[0] = 'rules' then
            execute format('update %I.usher_state set data_version = data_version + 1, permissions_version = permissions_version + 1 where id = 1', TG_TABLE_SCHEMA);
          else
            execute format('update %I.usher_state set data_version = data_version + 1 where id = 1', TG_TABLE_SCHEMA);
          end if;
        end if;
        return null;
      end $$`.execute(db);
    for (const table of DATA_VERSION_TABLES) {
      const kind = sql.lit(RULE_TABLES.has(table) ? 'rules' : 'data');
      await sql`create constraint trigger ${sql.id(`usher_data_version_${table}`)}
        after insert or update or delete on ${sql.table(table)}
        deferrable initially deferred for each row execute function usher_bump_data_version(${kind})`.execute(db);
      await sql`create trigger ${sql.id(`usher_data_version_${table}_truncate`)}
        after truncate on ${sql.table(table)} for each statement execute function usher_bump_data_version(${kind})`.execute(db);
    }
    return;
  }
  for (const table of DATA_VERSION_TABLES) {
    const set = RULE_TABLES.has(table) ? sql`data_version = data_version + 1, permissions_version = permissions_version + 1` : sql`data_version = data_version + 1`;
    for (const op of OPS) {
      await sql`create trigger ${sql.id(`usher_data_version_${table}_${op}`)} after ${sql.raw(op)} on ${sql.table(table)} begin
        update usher_state set ${set} where id = 1;
      end`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of DATA_VERSION_TABLES) {
      await sql`drop trigger if exists ${sql.id(`usher_data_version_${table}`)} on ${sql.table(table)}`.execute(db);
      await sql`drop trigger if exists ${sql.id(`usher_data_version_${table}_truncate`)} on ${sql.table(table)}`.execute(db);
    }
    await sql`drop function if exists usher_bump_data_version()`.execute(db);
  } else {
    for (const table of DATA_VERSION_TABLES) {
      for (const op of OPS) await sql`drop trigger if exists ${sql.id(`usher_data_version_${table}_${op}`)}`.execute(db);
    }
  }
  await db.schema.alterTable('usher_state').dropColumn('data_version').execute();
}
