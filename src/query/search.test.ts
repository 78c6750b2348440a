// `search` (case-insensitive substring over the readable, non-concealed text fields, and uuid
// equality) and the SEARCH method, which takes the query from the body.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { sha256 } from '../util/crypto.js';
import { invalidQuery, matching, ok, seedDataset, set, type Dataset, type Handle } from '../../test/query-dataset.js';

const ALL7 = set('admin', 'ann', 'bob', 'elodie', 'upper', 'nameless', 'percent');
const NAMELESS_TOKEN = 'nameless-static-token-for-the-search-tests';

describeEachDb('search', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    const app = t();
    data = await seedDataset(app);
    // Viewers become an API role that may read only id, email and status of every user; nameless
    // (a Viewer) gets a token to call with.
    await app.db.kysely.updateTable('directus_roles').set({ app_access: false }).where('id', '=', data.roles.viewers.id).execute();
    await app.db.kysely
      .insertInto('directus_permissions')
      .values({ role: data.roles.viewers.id, collection: 'directus_users', action: 'read', permissions: null, fields: 'id,email,status' })
      .execute();
    await app.db.kysely.updateTable('directus_users').set({ token: sha256(NAMELESS_TOKEN) }).where('id', '=', data.ids.nameless).execute();
  });
  const search = (term: string, extra = '', as?: string) => matching(t(), data, `search=${encodeURIComponent(term)}${extra}`, as);

  describe('as an admin', () => {
    it.each([
      ['smith', set('ann', 'bob')],
      ['SMITH', set('ann', 'bob')],
      ['mit', set('ann', 'bob')],
      ['élodie', set('elodie', 'upper')],
      ['ÉLO', set('elodie', 'upper')],
      ['example.com', ALL7],
      ['EXAMPLE.COM', ALL7],
      ['ann@example', set('ann')],
      ['%', set('percent')],
      ['0% o', set('percent')],
      ['_', set('percent')],
      ['f_r', set('percent')],
      ['\\', set('bob')],
      ['paris', set('elodie')],
      ['active', set('admin', 'elodie', 'nameless')],
      ['vip', []], // JSON fields are not searched, as in Directus
      ['zzz', []],
    ] as [string, Handle[]][])('%s', async (term, expected) => {
      expect(await search(term)).toEqual(expected);
    });
    it('an empty search is no search', async () => {
      expect(await search('')).toEqual(ALL7);
    });
    it('a uuid matches ids and relation keys exactly, in any case', async () => {
      expect(await search(data.ids.elodie)).toEqual(['elodie']);
      expect(await search(data.ids.admin.toUpperCase())).toEqual(['admin']);
      expect(await search(data.roles.editors.id)).toEqual(set('bob', 'elodie'));
    });
    it('part of a uuid matches nothing', async () => {
      expect(await search(data.ids.elodie.slice(0, 20))).toEqual([]);
    });
    it('is AND-ed with the filter', async () => {
      expect(await search('smith', '&filter[status][_eq]=invited')).toEqual(['bob']);
      expect(await search('smith', '&filter[status][_eq]=active')).toEqual([]);
    });
    it('works on roles', async () => {
      const names = async (q: string) => (await ok(t(), `/roles?fields=name&sort=name&search=${q}`)).json().data.map((r: { name: string }) => r.name);
      expect(await names('EDIT')).toEqual(['Editors']);
      expect(await names('o')).toEqual(['Administrator', 'Editors', 'Nobody']);
      expect(await names(data.roles.nobody.id)).toEqual(['Nobody']);
    });
    it('given twice is 400 INVALID_QUERY', async () => {
      await invalidQuery(t(), '/users?search=a&search=b');
    });
  });

  describe('only over the fields the caller may read', () => {
    it('matches readable fields', async () => {
      expect(await search('bob@', '', NAMELESS_TOKEN)).toEqual(['bob']);
      expect(await search('elodie', '', NAMELESS_TOKEN)).toEqual(set('elodie', 'upper'));
      expect(await search('suspended', '', NAMELESS_TOKEN)).toEqual(['upper']);
      expect(await search(data.ids.ann, '', NAMELESS_TOKEN)).toEqual(['ann']);
    });
    it('never fields it may not read', async () => {
      expect(await search('smith', '', NAMELESS_TOKEN)).toEqual([]); // last_name
      expect(await search('élodie', '', NAMELESS_TOKEN)).toEqual([]); // first_name
      expect(await search('paris', '', NAMELESS_TOKEN)).toEqual([]); // location
      expect(await search(data.roles.editors.id, '', NAMELESS_TOKEN)).toEqual([]); // role
    });
  });
});

describeEachDb('the SEARCH method', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });
  const searchReq = (url: string, body: unknown) => t().request({ method: 'SEARCH', url, as: t().admin.token, payload: body as object });

  it('takes filter, fields, sort, limit and meta from the body', async () => {
    const res = await searchReq('/users', {
      query: { filter: { status: { _in: ['active', 'draft'] } }, fields: ['email', 'role.name'], sort: ['-email'], limit: 3, meta: '*' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      data: [
        { email: 'percent@example.com', role: null },
        { email: 'nameless@example.com', role: { name: 'Viewers' } },
        { email: 'elodie@example.com', role: { name: 'Editors' } },
      ],
      meta: { total_count: 7, filter_count: 4 },
    });
  });
  it('takes search, offset, page, CSV strings and a JSON-string filter', async () => {
    const res = await searchReq('/users', { query: { search: 'SMITH', fields: 'email', sort: 'email', filter: '{"status":{"_neq":"active"}}', limit: 1, page: 2 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ data: [{ email: 'bob@example.com' }] });
  });
  it('a relational and nested filter in the body', async () => {
    const body = { query: { fields: ['id'], filter: { _or: [{ role: { name: { _eq: 'Viewers' } } }, { last_name: { _icontains: 'ROAD' } }] } } };
    const res = await searchReq('/users', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.map((u: { id: string }) => data.handleOf(u.id)).sort()).toEqual(set('upper', 'nameless', 'percent'));
  });
  it('the body wins over the query string; what the body leaves out comes from it', async () => {
    const res = await searchReq('/users?fields=email&filter[status][_eq]=draft&sort=email', { query: { filter: { status: { _eq: 'suspended' } } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ data: [{ email: 'elodie.upper@example.com' }] });
  });
  it('an empty body or query is the default query', async () => {
    for (const body of [{}, { query: {} }]) {
      const res = await searchReq('/users?fields=id', body);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toHaveLength(7);
    }
  });
  it('works on roles', async () => {
    const res = await searchReq('/roles', { query: { filter: { users: { _some: { email: { _ieq: 'BOB@EXAMPLE.COM' } } } }, fields: ['name'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ data: [{ name: 'Editors' }] });
  });
  it.each([
    ['an unknown operator', { filter: { email: { _like: 'x' } } }],
    ['an unknown field', { fields: ['nope'] }],
    ['a bad limit', { limit: 'ten' }],
    ['a fractional limit', { limit: 1.5 }],
    ['a filter that is not an object', { filter: ['email'] }],
    ['invalid JSON in a filter string', { filter: '{email' }],
    ['a non-string field list', { fields: [1, 2] }],
    ['a search that is not a string', { search: { a: 1 } }],
    ['aggregate', { aggregate: { count: '*' } }],
    ['a concealed field compared', { filter: { token: { _eq: 'x' } } }],
  ])('%s is 400 INVALID_QUERY', async (_name, query) => {
    await invalidQuery(t(), '/users', { method: 'SEARCH', body: { query } });
  });
});
