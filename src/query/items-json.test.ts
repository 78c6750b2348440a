// The list routes write their pages of items as JSON straight from the rows (itemsJson in run.ts),
// while one item (GET /users/:id, readOne) is made into an object and stringified. The two must
// give the very same text for the same user and fields, whatever the values hold: masked fields,
// booleans, JSON columns (valid, odd and broken), CSV-like lists, non-ASCII and control characters.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDb } from '../../test/harness.js';
import { ALL, ok, seedDataset, type Dataset } from '../../test/query-dataset.js';

const FIELD_SETS = [
  '',
  'fields=*',
  'fields=id',
  'fields=email,tags,email_notifications',
  'fields=password,token,tfa_secret,auth_data',
  'fields=theme_light_overrides,theme_dark_overrides,description,title',
  'fields=role.name,email',
  'fields=*,role.*',
];

describeEachDb('list pages written from rows', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
    const odd = [
      // A JSON column holding JSON as some other tool wrote it: spaces, escapes, 1.50, a big integer.
      { id: data.ids.ann, overrides: '{ "a" : 1.50, "b": "\\u00e9\\n", "c": [true, null], "d": 12345678901234567890 }', description: 'tab\there, quote " and \\ and \u0001' },
      // Not JSON at all: read back as the text it is.
      { id: data.ids.bob, overrides: '{not json', description: 'emoji 🎉 and \u2028 line separator' },
      { id: data.ids.percent, overrides: '"just a string"', description: '' },
    ];
    for (const { id, overrides, description } of odd) {
      await sql`update directus_users set theme_light_overrides = ${overrides}, description = ${description} where id = ${id}`.execute(t().db.kysely);
    }
  });

  for (const fields of FIELD_SETS) {
    it(`gives each user as GET /users/:id does (${fields || 'no fields'})`, async () => {
      for (const handle of ALL) {
        const id = data.ids[handle];
        const one = (await ok(t(), `/users/${id}?${fields}`)).body;
        const page = (await ok(t(), `/users?filter[id][_eq]=${id}&${fields}`)).body;
        expect(one.startsWith('{"data":{')).toBe(true);
        expect(page).toBe(`{"data":[${one.slice('{"data":'.length, -1)}]}`);
      }
    });
  }

  it('keeps the order of the page and writes meta after the data', async () => {
    const res = await ok(t(), '/users?fields=email,status&sort=email&meta=*');
    const parsed = res.json();
    expect(res.body).toBe(JSON.stringify({ data: parsed.data, meta: parsed.meta }));
    expect(parsed.data.map((u: { email: string }) => u.email)).toEqual(
      [...parsed.data.map((u: { email: string }) => u.email)].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    expect(parsed.meta).toEqual({ total_count: ALL.length, filter_count: ALL.length });
  });

  it('writes an empty page as an empty list', async () => {
    const res = await ok(t(), '/users?filter[email][_eq]=nobody@nowhere.example&meta=filter_count');
    expect(res.body).toBe('{"data":[],"meta":{"filter_count":0}}');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  describe('SEARCH /users', () => {
    it('answers the same text as GET with the same query', async () => {
      const get = await ok(t(), '/users?fields=*&sort=-email&limit=3');
      const search = await t().request({ method: 'SEARCH', url: '/users', as: t().admin.token, payload: { query: { fields: ['*'], sort: ['-email'], limit: 3 } } });
      expect(search.statusCode, search.body).toBe(200);
      expect(search.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(search.body).toBe(get.body);
    });
  });
});
