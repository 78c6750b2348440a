import { Migrator, sql, type MigrationResultSet } from 'kysely';
import type { Db } from './index.js';
import { migrations } from './migrations/index.js';

export type MigrateDirection = 'latest' | 'up' | 'down';

export async function createMigrator(db: Db): Promise<Migrator> {
  return new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'usher_migrations',
    migrationLockTableName: 'usher_migrations_lock',
    migrationTableSchema: await currentSchema(db),
  });
}

/**
 * PostgreSQL: the schema the tables live in. Kysely looks for its bookkeeping tables in *every*
 * schema unless it is told which one; without this, a database holding another Usher schema (or a
 * test running beside this one) makes it skip creating them here and then fail to read them.
 */
async function currentSchema(db: Db): Promise<string | undefined> {
  if (db.dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db.kysely);
  return rows[0]?.schema ?? undefined;
}

/** Runs migrations; throws the underlying error when one fails. */
export async function migrate(db: Db, direction: MigrateDirection = 'latest'): Promise<MigrationResultSet> {
  const migrator = await createMigrator(db);
  const result =
    direction === 'latest'
      ? await migrator.migrateToLatest()
      : direction === 'up'
        ? await migrator.migrateUp()
        : await migrator.migrateDown();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}

/** The names of the migrations not yet applied, in the order they would run. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await (await createMigrator(db)).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
