// usher_state.data_version (migration 0007) and the cheap reads built on it: the database moves
// the version on every change to a user, role, permission or session row, and only then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CompiledQuery } from 'kysely';
import { createSqliteDb, type Db } from './index.js';
import { createTestDb, DIALECTS, secondConnection, type TestDb } from '../../test/db.js';
import { makeRole, makeUser } from '../../test/fixtures.js';
import { readStateVersions, VERSIONED_TABLES } from '../modules/permissions/usher-state.js';

for (const dialect of DIALECTS) {
  describe(`data_version [${dialect}]`, () => {
    let testDb: TestDb;
    let db: Db;
    beforeAll(async () => {
      testDb = await createTestDb(dialect);
      db = testDb.db;
    });
    afterAll(async () => testDb?.cleanup());

    const version = async () => (await readStateVersions(db)).data;

    async function moves(change: () => Promise<unknown>): Promise<number> {
      const before = await version();
      await change();
      return (await version()) - before;
    }

    it('the tables the running code counts on are the ones exercised below', () => {
      expect([...VERSIONED_TABLES].sort()).toEqual(['directus_permissions', 'directus_roles', 'directus_sessions', 'directus_users']);
    });

    it('moves on every insert, update and delete of a user, role, permission or session', async () => {
      const role = await makeRole(db, { name: 'Versioned' });
      const user = await makeUser(db, { role: role.id });
      expect(await moves(() => makeUser(db, { role: role.id }))).toBeGreaterThan(0);
      expect(await moves(() => sql`update directus_users set title = 'x' where id = ${user.id}`.execute(db.kysely))).toBeGreaterThan(0);
      expect(await moves(() => sql`update directus_roles set name = 'Versioned 2' where id = ${role.id}`.execute(db.kysely))).toBeGreaterThan(0);
      expect(
        await moves(() =>
          sql`insert into directus_permissions (role, collection, action, fields) values (${role.id}, 'directus_users', 'read', '*')`.execute(db.kysely),
        ),
      ).toBeGreaterThan(0);
      expect(await moves(() => sql`delete from directus_permissions where role = ${role.id}`.execute(db.kysely))).toBeGreaterThan(0);
      expect(
        await moves(() =>
          sql`insert into directus_sessions (id, token, "user", expires) values ('s-1', 'h-1', ${user.id}, '2999-01-01T00:00:00.000Z')`.execute(db.kysely),
        ),
      ).toBeGreaterThan(0);
      expect(await moves(() => sql`delete from directus_sessions where id = 's-1'`.execute(db.kysely))).toBeGreaterThan(0);
      expect(await moves(() => sql`delete from directus_users where id = ${user.id}`.execute(db.kysely))).toBeGreaterThan(0);
    });

    it('stays put for reads, for writes elsewhere, and for a rolled-back change', async () => {
      const user = await makeUser(db);
      expect(await moves(() => sql`select * from directus_users`.execute(db.kysely))).toBe(0);
      expect(await moves(() => sql`update directus_users set title = 'y' where id = 'no such user'`.execute(db.kysely))).toBe(0);
      expect(
        await moves(() =>
          sql`insert into directus_activity (action, collection, item, timestamp) values ('login', 'directus_users', ${user.id}, '2026-01-01T00:00:00.000Z')`.execute(db.kysely),
        ),
      ).toBe(0);
      expect(
        await moves(() =>
          db.kysely
            .transaction()
            .execute(async (trx) => {
              await sql`update directus_users set title = 'never' where id = ${user.id}`.execute(trx);
              throw new Error('roll back');
            })
            .catch(() => undefined),
        ),
      ).toBe(0);
    });

    it('a change to a role or a permission also moves permissions_version (rules changed in plain SQL)', async () => {
      const role = await makeRole(db, { name: 'Rules move' });
      const rules = async () => (await readStateVersions(db)).permissions;
      let before = await rules();
      await sql`update directus_roles set name = 'Rules moved' where id = ${role.id}`.execute(db.kysely);
      expect(await rules()).toBeGreaterThan(before);
      before = await rules();
      await sql`insert into directus_permissions (role, collection, action, fields) values (${role.id}, 'directus_users', 'read', '*')`.execute(db.kysely);
      expect(await rules()).toBeGreaterThan(before);
      // A user's change leaves the rules alone.
      before = await rules();
      await makeUser(db, { role: role.id });
      expect(await rules()).toBe(before);
    });

    if (dialect === 'postgres') {
      it('moves once per transaction, however many rows it changes, and on TRUNCATE', async () => {
        expect(
          await moves(() =>
            db.kysely.transaction().execute(async (trx) => {
              for (let i = 0; i < 3; i++) await makeUser({ ...db, kysely: trx });
            }),
          ),
        ).toBe(1);
        expect(await moves(() => sql`truncate directus_sessions`.execute(db.kysely))).toBe(1);
      });
    }

    it('is seen by another connection (another process) on its next read', async () => {
      const other = secondConnection(testDb);
      try {
        const before = (await readStateVersions(other)).data;
        await makeUser(db);
        expect((await readStateVersions(other)).data).toBeGreaterThan(before);
      } finally {
        await other.destroy();
      }
    });
  });
}

describe('readUnlessUnchanged (SQLite, WAL)', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb('sqlite');
  });
  afterAll(async () => testDb?.cleanup());
  const query = CompiledQuery.raw('select data_version as v from usher_state where id = 1') as CompiledQuery<{ v: number }>;

  it('gives back the same rows while nothing is committed, and reads again after any commit by any connection', async () => {
    const db = testDb.db;
    const first = db.readUnlessUnchanged!(query)!;
    // The very same array: nothing was read again.
    expect(db.readUnlessUnchanged!(query)).toBe(first);
    const other = createSqliteDb(testDb.location);
    try {
      await makeUser(other);
      const next = db.readUnlessUnchanged!(query)!;
      expect(next).not.toBe(first);
      expect(next[0]!.v).toBeGreaterThan(first[0]!.v);
      // A commit on its own connection counts too.
      await makeUser(db);
      expect(db.readUnlessUnchanged!(query)![0]!.v).toBeGreaterThan(next[0]!.v);
    } finally {
      await other.destroy();
    }
  });

  it('inside an open transaction, gives back the committed rows or nothing, never uncommitted ones', async () => {
    const db = testDb.db;
    const committed = db.readUnlessUnchanged!(query)![0]!.v;
    await db.kysely
      .transaction()
      .execute(async (trx) => {
        await makeUser({ ...db, kysely: trx });
        // Nothing is committed yet, so the kept rows stand.
        expect(db.readUnlessUnchanged!(query)![0]!.v).toBe(committed);
        throw new Error('roll back');
      })
      .catch((err) => expect((err as Error).message).toBe('roll back'));
    expect(db.readUnlessUnchanged!(query)![0]!.v).toBe(committed);
  });

  it('refuses reads with parameters, and works on an in-memory database by reading every time', async () => {
    expect(() => testDb.db.readUnlessUnchanged!(CompiledQuery.raw('select ?', [1]))).toThrow(/without parameters/);
    const memory = createSqliteDb(':memory:');
    try {
      const q = CompiledQuery.raw('select 1 as one') as CompiledQuery<{ one: number }>;
      const a = memory.readUnlessUnchanged!(q)!;
      expect(a).toEqual([{ one: 1 }]);
      expect(memory.readUnlessUnchanged!(q)).not.toBe(a);
    } finally {
      await memory.destroy();
    }
  });
});
