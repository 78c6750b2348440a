// limit (QUERY_LIMIT_DEFAULT, -1, QUERY_LIMIT_MAX), offset, page and meta.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import type { TestApp } from '../../test/harness.js';
import { invalidQuery, ok, seedDataset, type Dataset, type Handle } from '../../test/query-dataset.js';

/** The users a query returns by email, in order; unlike `handles`, no limit is added. */
async function inOrder(t: TestApp, data: Dataset, query: string): Promise<Handle[]> {
  const res = await ok(t, `/users?fields=id&sort=email&${query}`);
  return res.json().data.map((u: { id: string }) => data.handleOf(u.id));
}

// By email: admin, ann, bob, upper, elodie, nameless, percent.
describeEachDb('limit, offset, page and meta (default limits)', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });
  const page = (query: string) => inOrder(t(), data, query);

  describe('limit, offset and page', () => {
    it.each([
      ['limit=-1', ['admin', 'ann', 'bob', 'upper', 'elodie', 'nameless', 'percent']],
      ['limit=2', ['admin', 'ann']],
      ['limit=0', []],
      ['limit=2&offset=2', ['bob', 'upper']],
      ['offset=5', ['nameless', 'percent']],
      ['limit=-1&offset=5', ['nameless', 'percent']],
      ['limit=3&offset=6', ['percent']],
      ['limit=3&offset=7', []],
      ['limit=2&page=1', ['admin', 'ann']],
      ['limit=2&page=2', ['bob', 'upper']],
      ['limit=2&page=4', ['percent']],
      ['limit=2&page=5', []],
      ['page=1', ['admin', 'ann', 'bob', 'upper', 'elodie', 'nameless', 'percent']],
      ['page=2', []],
      ['limit=2&page=2&offset=5', ['bob', 'upper']], // page wins over offset
      ['limit=%202%20', ['admin', 'ann']],
      ['limit=-1&page=2', ['admin', 'ann', 'bob', 'upper', 'elodie', 'nameless', 'percent']], // no pages without a limit
      ['offset=9007199254740991', []],
    ])('%s', async (query, expected) => {
      expect(await page(query)).toEqual(expected);
    });
  });

  describe('meta', () => {
    const meta = async (query: string, as?: string | null) => {
      const body = (await ok(t(), `/users?fields=id&${query}`, as ?? t().admin.token)).json();
      return { count: body.data.length, meta: body.meta };
    };
    it('is absent unless asked for', async () => {
      expect(await meta('limit=1')).toEqual({ count: 1, meta: undefined });
    });
    it('total_count', async () => {
      expect(await meta('meta=total_count&limit=2&filter[status][_eq]=active')).toEqual({ count: 2, meta: { total_count: 7 } });
    });
    it('filter_count counts the filter, not the page', async () => {
      expect(await meta('meta=filter_count&limit=1&offset=1&filter[status][_eq]=active')).toEqual({ count: 1, meta: { filter_count: 3 } });
    });
    it('* gives both', async () => {
      expect(await meta('meta=*&filter[last_name][_eq]=Smith')).toEqual({ count: 2, meta: { total_count: 7, filter_count: 2 } });
    });
    it('a list, and the array form', async () => {
      expect(await meta('meta=total_count,filter_count&filter[role][_null]=true')).toEqual({ count: 2, meta: { total_count: 7, filter_count: 2 } });
      expect(await meta('meta[]=filter_count&meta[]=total_count&limit=0')).toEqual({ count: 0, meta: { total_count: 7, filter_count: 7 } });
    });
    it('filter_count includes the search', async () => {
      expect(await meta(`meta=*&search=${encodeURIComponent('élodie')}&filter[status][_eq]=active`)).toEqual({ count: 1, meta: { total_count: 7, filter_count: 1 } });
    });
    it('counts only the rows the caller may read', async () => {
      // An app user without permission rows reads only their own row.
      expect(await meta('meta=*', data.tokens.elodie)).toEqual({ count: 1, meta: { total_count: 1, filter_count: 1 } });
      expect(await meta('meta=*&filter[status][_eq]=draft', data.tokens.elodie)).toEqual({ count: 0, meta: { total_count: 1, filter_count: 0 } });
    });
    it('on roles', async () => {
      const body = (await ok(t(), '/roles?meta=*&filter[users][_none][id][_nnull]=true&fields=name')).json();
      expect(body).toEqual({ data: [{ name: 'Nobody' }], meta: { total_count: 4, filter_count: 1 } });
    });
    it('is not part of a single item', async () => {
      expect((await ok(t(), `/users/${data.ids.bob}?meta=*&fields=id`)).json()).toEqual({ data: { id: data.ids.bob } });
    });
  });

  describe('refusals: 400 INVALID_QUERY', () => {
    it.each([
      'limit=abc', 'limit=-2', 'limit=1.5', 'limit=1e3', 'limit=', 'limit=99999999999999999999', 'limit=1&limit=2',
      'offset=-1', 'offset=x', 'offset=99999999999999999999',
      'page=0', 'page=-1', 'page=x', 'page=1.5', 'page=99999999999999999999', 'page=9007199254740991',
      'meta=nope', 'meta=total_count,nope',
    ])('%s', async (query) => {
      await invalidQuery(t(), `/users?${query}`);
    });
  });
});

describeEachDb(
  'limit, offset, page and meta (QUERY_LIMIT_DEFAULT=3, QUERY_LIMIT_MAX=5)',
  (t) => {
    let data: Dataset;
    beforeAll(async () => {
      data = await seedDataset(t());
    });
    const page = (query: string) => inOrder(t(), data, query);

    it.each([
      ['limit=3', ['admin', 'ann', 'bob']],
      ['limit=-1', ['admin', 'ann', 'bob', 'upper', 'elodie']],
      ['limit=6', ['admin', 'ann', 'bob', 'upper', 'elodie']],
      ['limit=4', ['admin', 'ann', 'bob', 'upper']],
      ['limit=-1&offset=4', ['elodie', 'nameless', 'percent']],
      ['limit=-1&page=2', ['nameless', 'percent']],
    ])('%s', async (query, expected) => {
      expect(await page(query)).toEqual(expected);
    });

    it('no limit is QUERY_LIMIT_DEFAULT', async () => {
      const body = (await ok(t(), '/users?fields=email&sort=email&meta=total_count')).json();
      expect(body).toEqual({
        data: [{ email: 'admin@example.com' }, { email: 'Ann@Example.com' }, { email: 'bob@example.com' }],
        meta: { total_count: 7 },
      });
    });
    it('pages follow the default limit', async () => {
      expect(await page('page=3')).toEqual(['percent']);
    });
    it('the SEARCH method is capped too', async () => {
      const res = await t().request({ method: 'SEARCH', url: '/users', as: t().admin.token, payload: { query: { limit: -1, fields: ['id'] } } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toHaveLength(5);
    });
    it('related rows are not capped', async () => {
      // Everybody but the admin (who must stay one) moves to a role: six users, over the cap of five.
      await t().db.kysely.updateTable('directus_users').set({ role: data.roles.nobody.id }).where('id', '!=', data.ids.admin).execute();
      const res = await ok(t(), '/roles?filter[name][_eq]=Nobody&fields=users');
      expect(res.json().data[0].users).toHaveLength(6);
      const users = (await ok(t(), '/roles?filter[name][_eq]=Nobody&fields=users.email')).json().data[0].users;
      expect(users).toHaveLength(6);
    });
  },
  { QUERY_LIMIT_DEFAULT: '3', QUERY_LIMIT_MAX: '5' },
);
