// insertRows (insert-rows.ts): many rows in a few multi-row statements, on both databases.
import { describe, expect, it } from 'vitest';
import { DIALECTS, createTestDb } from '../../test/db.js';
import { insertRows } from './insert-rows.js';

for (const dialect of DIALECTS) {
  describe(`insertRows [${dialect}]`, () => {
    it('inserts every row, over several statements and a partial last one, and returns what is asked for each', async () => {
      const t = await createTestDb(dialect);
      try {
        const count = 2345; // 9 columns: 1,000 rows a statement, then 345
        const rows = Array.from({ length: count }, (_, i) => ['delete', null, 'directus_users', `item-${i}`, '127.0.0.1', 'a "quoted" agent', null, `2026-01-01T00:00:00.${String(i % 1000).padStart(3, '0')}Z`, i % 2 ? null : `note ${i}`]);
        const returned = await insertRows<{ id: number | string; item: string }>(t.db.kysely, 'directus_activity', ['action', 'user', 'collection', 'item', 'ip', 'user_agent', 'origin', 'timestamp', 'comment'], rows, ['id', 'item']);
        expect(returned).toHaveLength(count);
        expect(new Set(returned.map((r) => r.item))).toEqual(new Set(rows.map((r) => r[3])));
        expect(new Set(returned.map((r) => Number(r.id))).size).toBe(count);
        const stored = await t.db.kysely.selectFrom('directus_activity').select(['item', 'user_agent', 'comment', 'timestamp']).where('item', '=', 'item-1234').execute();
        expect(stored).toEqual([{ item: 'item-1234', user_agent: 'a "quoted" agent', comment: 'note 1234', timestamp: '2026-01-01T00:00:00.234Z' }]);
        expect(await insertRows(t.db.kysely, 'directus_activity', ['action'], [])).toEqual([]);
        await expect(insertRows(t.db.kysely, 'directus_activity', ['action', 'collection'], [['delete']])).rejects.toThrow(/a row of 1 values for 2 columns/);
      } finally {
        await t.cleanup();
      }
    });
  });
}
