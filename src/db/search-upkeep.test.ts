// SQLite: a deletion of users leaves tombstones in the search index, which search-upkeep.ts merges
// away afterwards in small steps, instead of FTS5 merging them in the deletion's COMMIT. The search
// answers the same throughout.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createTestDb, secondConnection, type TestDb } from '../../test/db.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { deleteUsersByIds, insertUsers } from '../modules/users/users.repository.js';
import type { Db } from './index.js';
import type { NewUserRow } from './schema.js';
import { withoutDeleteMerge } from './search-upkeep.js';

const FTS = 'usher_users_search';

/** `count` users in batches of 250, one transaction (so one new index segment) each. */
async function seed(db: Db, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 250) {
    const rows: NewUserRow[] = Array.from({ length: Math.min(250, count - i) }, (_, k) => {
      const id = randomUUID();
      ids.push(id);
      const email = `upkeep-${i + k}-${id.slice(0, 8)}@example.com`;
      return { id, email, email_lower: email, first_name: `First${i + k}`, last_name: 'Upkeep', status: 'active', provider: 'default' };
    });
    await db.kysely.transaction().execute((trx) => insertUsers(trx, rows));
  }
  return ids;
}

async function indexBytes(db: Db | Kysely<any>): Promise<number> {
  const { rows } = await sql<{ bytes: number }>`select sum(length(block)) as bytes from ${sql.id(`${FTS}_data`)}`.execute('kysely' in db ? db.kysely : db);
  return Number(rows[0]!.bytes);
}

/** FTS5's 'deletemerge' as stored (undefined: never set, so FTS5's default of 10). */
async function deleteMerge(db: Db): Promise<number | undefined> {
  const { rows } = await sql<{ v: number }>`select v from ${sql.id(`${FTS}_config`)} where k = 'deletemerge'`.execute(db.kysely);
  return rows[0] === undefined ? undefined : Number(rows[0].v);
}

/** How many rows the index finds for a term (a phrase, as search compiles it). */
async function found(db: Db, term: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.id(FTS)} where ${sql.id(FTS)} match ${`"${term}"`}`.execute(db.kysely);
  return Number(rows[0]!.n);
}

/** Deletes 40% of `ids` (of every segment) in one transaction, the way deleteUsers does when `quiet`. */
async function deleteSome(db: Db, ids: string[], quiet: boolean): Promise<string[]> {
  const doomed = ids.filter((_, i) => i % 5 < 2);
  await db.kysely.transaction().execute(async (trx) => {
    const remove = async () => {
      for (let i = 0; i < doomed.length; i += 500) await deleteUsersByIds(trx, doomed.slice(i, i + 500));
    };
    await (quiet ? withoutDeleteMerge(trx, remove) : remove());
  });
  return doomed;
}

describe('the SQLite search index after a deletion', () => {
  let t: TestDb;
  let ids: string[];
  beforeEach(async () => {
    t = await createTestDb('sqlite');
    ids = await seed(t.db, 3000);
  });
  afterEach(() => t.cleanup());

  it('is merged by FTS5 in the deletion’s own COMMIT when nothing says otherwise (why upkeep exists)', async () => {
    const before = await indexBytes(t.db);
    await deleteSome(t.db, ids, false);
    expect(await indexBytes(t.db)).toBeLessThan(before * 0.8);
  });

  it('takes tombstones only under withoutDeleteMerge, keeps FTS5’s setting, and upkeep merges them after; search answers the same', async () => {
    const before = await indexBytes(t.db);
    expect(await found(t.db, 'upkeep')).toBe(3000);
    await deleteSome(t.db, ids, true);
    expect(await indexBytes(t.db)).toBeGreaterThanOrEqual(before * 0.95);
    expect(await deleteMerge(t.db)).toBe(10);
    expect(await found(t.db, 'upkeep')).toBe(1800);

    await t.db.tidySearchIndex!();
    const afterUpkeep = await indexBytes(t.db);
    expect(afterUpkeep).toBeLessThan(before * 0.8);
    expect(await found(t.db, 'upkeep')).toBe(1800);
    expect(await found(t.db, 'first1')).toBe(ids.filter((_, i) => i % 5 >= 2 && String(i).startsWith('1')).length);
    expect(await deleteMerge(t.db)).toBe(10);
    // Nothing left: a second pass finds no work and commits nothing.
    const { rows } = await sql<{ v: number }>`pragma data_version`.execute(t.db.kysely);
    await t.db.tidySearchIndex!();
    expect(await indexBytes(t.db)).toBe(afterUpkeep);
    expect((await sql<{ v: number }>`pragma data_version`.execute(t.db.kysely)).rows).toEqual(rows);
  });

  it('waits while a transaction is open on the connection, and while another process holds the write lock', async () => {
    await deleteSome(t.db, ids, true);
    const before = await indexBytes(t.db);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const other = secondConnection(t);
    try {
      // A transaction of this connection, open across awaits for 600 ms.
      let pass: Promise<void> | undefined;
      await t.db.kysely.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        pass = t.db.tidySearchIndex!();
        await new Promise((r) => setTimeout(r, 600));
      });
      // Another process's write transaction, for 600 ms more.
      await other.kysely.transaction().execute(async (trx) => {
        await sql`update usher_state set data_version = data_version where id = 1`.execute(trx);
        await new Promise((r) => setTimeout(r, 600));
        expect(await indexBytes(trx)).toBeGreaterThanOrEqual(before);
      });
      await pass;
      expect(await indexBytes(t.db)).toBeLessThan(before * 0.8);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await other.destroy();
    }
  });

  it('ends a pass, resolved, when the database is closed', async () => {
    await deleteSome(t.db, ids, true);
    const pass = t.db.tidySearchIndex!();
    await t.db.destroy();
    await expect(pass).resolves.toBeUndefined();
  });
});

describe('DELETE /users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('leaves the index’s merging to the upkeep it starts once the users are gone', async () => {
    const ids = await seed(t.db, 1000);
    const before = await indexBytes(t.db);
    const tidy = t.db.tidySearchIndex!.bind(t.db);
    let started = 0;
    t.db.tidySearchIndex = async () => {
      started++; // and no pass yet, so that what the deletion itself wrote can be seen
    };
    try {
      const res = await t.request({ method: 'DELETE', url: '/users', payload: ids.slice(0, 500), as: t.admin.token });
      expect(res.statusCode).toBe(204);
    } finally {
      t.db.tidySearchIndex = tidy;
    }
    expect(started).toBe(1);
    expect(await indexBytes(t.db)).toBeGreaterThanOrEqual(before * 0.95);
    expect(await deleteMerge(t.db)).toBe(10);
    await tidy();
    expect(await indexBytes(t.db)).toBeLessThan(before * 0.8);
    expect(await found(t.db, 'upkeep')).toBe(500);
  });
});
