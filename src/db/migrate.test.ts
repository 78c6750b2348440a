import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { createTestDb, DIALECTS, type TestDb } from '../../test/db.js';
import type { Db } from './index.js';
import { migrate, pendingMigrations } from './migrate.js';
import { migrations } from './migrations/index.js';

const TABLES = [
  'directus_activity',
  'directus_permissions',
  'directus_revisions',
  'directus_roles',
  'directus_sessions',
  'directus_settings',
  'directus_users',
];

const INDEXES = [
  'directus_users_email_lower_unique',
  'directus_users_token_unique',
  'directus_users_external_identifier_unique',
  'directus_users_status_index',
  'directus_users_role_index',
  'directus_users_last_access_index',
  'directus_permissions_role_index',
  'directus_sessions_user_index',
  'directus_activity_item_index',
  'directus_activity_user_index',
  'directus_revisions_activity_index',
];

const ALL = Object.keys(migrations);

/** The directus_* tables of this database (of this test's schema on PostgreSQL). */
async function tables(db: Db): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db.kysely)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
          db.kysely,
        );
  return rows.rows
    .map((r) => r.name)
    .filter((n) => n.startsWith('directus_'))
    .sort();
}

async function indexes(db: Db): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db.kysely)
      : await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`.execute(db.kysely);
  return rows.rows.map((r) => r.name).filter((n) => n.startsWith('directus_'));
}

describe('the migration list', () => {
  it('is a non-empty list whose names sort in the order they run', () => {
    expect(ALL.length).toBeGreaterThan(0);
    expect([...ALL].sort()).toEqual(ALL);
    for (const name of ALL) expect(name).toMatch(/^\d{4}-[a-z0-9-]+$/);
  });
});

for (const dialect of DIALECTS) {
  describe(`migrations [${dialect}]`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb(dialect, { migrate: false });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('starts with every migration pending and no tables', async () => {
      expect(await pendingMigrations(t.db)).toEqual(ALL);
      expect(await tables(t.db)).toEqual([]);
    });

    it('latest creates every table and index and leaves nothing pending', async () => {
      const { results } = await migrate(t.db, 'latest');
      expect(results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual(ALL.map((n) => [n, 'Up', 'Success']));
      expect(await tables(t.db)).toEqual(TABLES);
      expect((await indexes(t.db)).sort()).toEqual(expect.arrayContaining(INDEXES));
      expect(await pendingMigrations(t.db)).toEqual([]);
      const settings = await t.db.kysely.selectFrom('directus_settings').selectAll().execute();
      expect(settings).toHaveLength(1);
      expect(settings[0]).toMatchObject({ id: 1, project_name: 'Usher', auth_login_attempts: 25, auth_password_policy: null });
    });

    it('a second database beside this migrated one starts empty and migrates on its own', async () => {
      // On PostgreSQL the second is another schema of the same database: the migration bookkeeping
      // must be looked for in its own schema, not found in this one.
      const other = await createTestDb(dialect, { migrate: false });
      try {
        expect(await pendingMigrations(other.db)).toEqual(ALL);
        await migrate(other.db, 'latest');
        expect(await tables(other.db)).toEqual(TABLES);
        expect(await pendingMigrations(other.db)).toEqual([]);
      } finally {
        await other.cleanup();
      }
      expect(await pendingMigrations(t.db)).toEqual([]);
    });

    it('latest again runs nothing', async () => {
      const { results } = await migrate(t.db, 'latest');
      expect(results).toEqual([]);
    });

    it('the email index is unique whatever the case (through email_lower)', async () => {
      const user = (id: string, email: string) => ({ id, email, email_lower: email.toLowerCase(), status: 'active', provider: 'default' });
      await t.db.kysely.insertInto('directus_users').values(user('00000000-0000-4000-8000-000000000001', 'Ann@Example.com')).execute();
      await expect(
        t.db.kysely.insertInto('directus_users').values(user('00000000-0000-4000-8000-000000000002', 'ann@example.COM')).execute(),
      ).rejects.toThrow(/unique/i);
      // Users without an email (e.g. API-only accounts) do not collide with each other.
      await t.db.kysely
        .insertInto('directus_users')
        .values([
          { id: '00000000-0000-4000-8000-000000000003', status: 'active', provider: 'default' },
          { id: '00000000-0000-4000-8000-000000000004', status: 'active', provider: 'default' },
        ])
        .execute();
    });

    it('down removes every table and index it created, and the migration is pending again', async () => {
      const { results } = await migrate(t.db, 'down');
      expect(results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([[ALL.at(-1), 'Down', 'Success']]);
      if (ALL.length === 1) {
        expect(await tables(t.db)).toEqual([]);
        expect(await indexes(t.db)).toEqual([]);
      }
      expect(await pendingMigrations(t.db)).toEqual(ALL.slice(-1));
    });

    it('down to the start, then up applies exactly one migration', async () => {
      while ((await pendingMigrations(t.db)).length < ALL.length) await migrate(t.db, 'down');
      expect(await tables(t.db)).toEqual([]);
      expect(await indexes(t.db)).toEqual([]);
      const { results } = await migrate(t.db, 'up');
      expect(results?.map((r) => r.migrationName)).toEqual([ALL[0]]);
      expect(await pendingMigrations(t.db)).toEqual(ALL.slice(1));
    });

    it('latest after down works again, on an empty schema', async () => {
      await migrate(t.db, 'latest');
      expect(await tables(t.db)).toEqual(TABLES);
      expect((await indexes(t.db)).sort()).toEqual(expect.arrayContaining(INDEXES));
      expect(await t.db.kysely.selectFrom('directus_users').select('id').execute()).toEqual([]);
      expect(await t.db.kysely.selectFrom('directus_settings').select('id').execute()).toEqual([{ id: 1 }]);
    });

    it('down with nothing applied does nothing and does not fail', async () => {
      while ((await pendingMigrations(t.db)).length < ALL.length) await migrate(t.db, 'down');
      const { results } = await migrate(t.db, 'down');
      expect(results).toEqual([]);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`a migration that fails (${dialect})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb(dialect, { migrate: false });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('leaves nothing of its batch behind: earlier steps of the same run are rolled back too', async () => {
      const migrator = new Migrator({
        db: t.db.kysely,
        migrationTableName: 'usher_probe_migrations',
        migrationLockTableName: 'usher_probe_migrations_lock',
        provider: {
          getMigrations: async () => ({
            '0001-probe-a': { up: async (db) => void (await db.schema.createTable('directus_probe_a').addColumn('id', 'integer').execute()) },
            '0002-probe-b': {
              up: async (db) => {
                await db.schema.createTable('directus_probe_b').addColumn('id', 'integer').execute();
                throw new Error('probe migration fails after its first statement');
              },
            },
          }),
        },
      });
      const { error, results } = await migrator.migrateToLatest();
      expect((error as Error).message).toBe('probe migration fails after its first statement');
      expect(results?.map((r) => r.status)).toEqual(['Success', 'Error']);
      expect(await tables(t.db)).toEqual([]);
      expect((await migrator.getMigrations()).every((m) => m.executedAt === undefined)).toBe(true);
    });
  });
}
