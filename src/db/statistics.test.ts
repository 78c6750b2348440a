// Planner statistics: missing or stale ones are found and refreshed, fresh ones are left alone, and
// with them SQLite answers a filtered, sorted page through the sort's index instead of sorting every
// matching row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb, DIALECTS, type TestDb } from '../../test/db.js';
import { newId } from '../util/crypto.js';
import { insertUsers } from '../modules/users/users.repository.js';
import { refreshStatistics, staleTables } from './statistics.js';

async function addUsers(t: TestDb, n: number, from: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const email = `stat-${String(i).padStart(6, '0')}@example.com`;
    return { id: newId(), email, email_lower: email, status: i % 10 === 0 ? 'suspended' : 'active', provider: 'default' };
  });
  for (let i = 0; i < rows.length; i += 500) await insertUsers(t.db.kysely, rows.slice(i, i + 500));
}

for (const dialect of DIALECTS) {
  describe(`planner statistics [${dialect}]`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb(dialect);
      await addUsers(t, 3000, 0);
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('a filled table without statistics is stale; after a refresh it is not', async () => {
      expect(await staleTables(t.db)).toContain('directus_users');
      expect(await refreshStatistics(t.db)).toContain('directus_users');
      expect(await staleTables(t.db)).not.toContain('directus_users');
      expect(await refreshStatistics(t.db)).not.toContain('directus_users');
    });

    it('a table that grew by more than a quarter is stale again', async () => {
      await addUsers(t, 500, 3000);
      expect(await staleTables(t.db)).not.toContain('directus_users');
      await addUsers(t, 1000, 3500);
      expect(await staleTables(t.db)).toContain('directus_users');
      await refreshStatistics(t.db);
      expect(await staleTables(t.db)).not.toContain('directus_users');
    });

    if (dialect === 'sqlite') {
      it('with statistics, a page of active users sorted by email walks the email index instead of sorting them all', async () => {
        const plan = async () =>
          (await sql<{ detail: string }>`explain query plan select id from directus_users where status = 'active' order by email_lower desc limit 50`.execute(t.db.kysely)).rows
            .map((r) => r.detail)
            .join(' | ');
        await refreshStatistics(t.db);
        expect(await plan()).toMatch(/directus_users_email_lower_unique/);
        expect(await plan()).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      });
    }
  });
}
