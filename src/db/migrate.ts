import { Migrator, type MigrationResultSet } from 'kysely';
import type { Db } from './index.js';
import { migrations } from './migrations/index.js';

export type MigrateDirection = 'latest' | 'up' | 'down';

export function createMigrator(db: Db): Migrator {
  return new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'usher_migrations',
    migrationLockTableName: 'usher_migrations_lock',
  });
}

/** Runs migrations; throws the underlying error when one fails. */
export async function migrate(db: Db, direction: MigrateDirection = 'latest'): Promise<MigrationResultSet> {
  const migrator = createMigrator(db);
  const result =
    direction === 'latest'
      ? await migrator.migrateToLatest()
      : direction === 'up'
        ? await migrator.migrateUp()
        : await migrator.migrateDown();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await createMigrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
