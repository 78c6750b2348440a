// Malformed queries answer 400 INVALID_QUERY in the Directus envelope, never a 500, and leave the
// database as it was; values are bound, never spliced into SQL.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDb, type TestApp } from '../../test/harness.js';
import { invalidQuery, matching, seedDataset, type Dataset } from '../../test/query-dataset.js';

const json = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;

/** Every row of the tables a query could touch, to compare before and after. */
async function snapshot(t: TestApp): Promise<unknown[]> {
  const tables = ['directus_users', 'directus_roles', 'directus_permissions'];
  return Promise.all(tables.map(async (table) => (await sql`select * from ${sql.table(table)} order by id`.execute(t.db.kysely)).rows));
}

/** `{ role: { users: { role: ... } } }`, crossing `depth` relations. */
function throughRelations(depth: number): unknown {
  let filter: unknown = { id: { _nnull: true } };
  for (let i = 0; i < depth; i++) filter = i % 2 === 0 ? { users: filter } : { role: filter };
  return filter;
}

const BAD: [name: string, url: string][] = [
  ['a filter through 11 relations, one inside the other (Directus: MAX_RELATIONAL_DEPTH 10)', `/users?${json(throughRelations(11))}`],
  ['a filter through 60 relations (beyond what SQLite would even prepare)', `/users?${json(throughRelations(60))}`],
  ['invalid JSON in filter', '/users?filter={"email":'],
  ['a filter that is JSON but not an object', '/users?filter=[1,2]'],
  ['a filter that is a JSON string', '/users?filter="email"'],
  ['an unknown operator', '/users?filter[email][_like]=x'],
  ['an unknown operator in JSON', `/users?${json({ email: { _regex: '.*' } })}`],
  ['an unknown logical operator', `/users?${json({ _not: [{ email: { _eq: 'x' } }] })}`],
  ['a geo operator', '/users?filter[email][_intersects]=x'],
  ['_some on a many-to-one', '/users?filter[role][_some][name][_eq]=x'],
  ['an unknown field in filter', '/users?filter[nope][_eq]=x'],
  ['an unknown field deep in _or', `/users?${json({ _or: [{ email: { _eq: 'x' } }, { _and: [{ nope: { _null: true } }] }] })}`],
  ['a value where operators belong', '/users?filter[email]=x'],
  ['_and that is not a list', `/users?${json({ _and: { email: { _eq: 'x' } } })}`],
  ['_or given a value', '/users?filter[_or]=x'],
  ['_in given an object', '/users?filter[email][_in][a]=x'],
  ['_eq given a list', '/users?filter[email][_eq][]=x'],
  ['_between with one value', '/users?filter[last_access][_between]=2024-01-01'],
  ['a non-boolean for a boolean field', '/roles?filter[admin_access][_eq]=maybe'],
  ['a bracket key left open (it must not be ignored)', '/users?filter[email][_eq=x'],
  ['an unknown field in fields', '/users?fields=id,nope'],
  ['an unknown field in sort', '/users?sort=nope'],
  ['SQL in sort', '/users?sort=email;drop%20table%20directus_users'],
  ['SQL in a field name', '/users?filter[email%22%20or%201%3D1--][_eq]=x'],
  ['a limit that is not a number', '/users?limit=ten'],
  ['a limit below -1', '/users?limit=-5'],
  ['a negative offset', '/users?offset=-1'],
  ['page 0', '/users?page=0'],
  ['an unknown meta', '/users?meta=everything'],
  ['aggregate', '/users?aggregate[count]=*'],
  ['groupBy', '/users?groupBy[]=status'],
  ['deep', '/users?deep[role][_limit]=1'],
  ['alias', '/users?alias[mail]=email'],
  ['export', '/users?export=csv'],
  ['version', '/users?version=main'],
  ['a bad query on one item', '/users/me?filter[email][_like]=x'],
  ['a bad query on roles', '/roles?filter[users][nope][_eq]=x'],
];

describeEachDb('query errors', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });

  it('invalid JSON gives Directus’s message, in the envelope', async () => {
    const res = await t().request({ method: 'GET', url: '/users?filter={nope', as: t().admin.token });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      errors: [{ message: 'Invalid query. Invalid JSON for filter object.', extensions: { code: 'INVALID_QUERY', reason: 'Invalid JSON for filter object' } }],
    });
  });

  it('an unknown field names the field and the collection', async () => {
    expect(await invalidQuery(t(), '/users?filter[nope][_eq]=x')).toBe('Invalid query. "nope" field doesn\'t exist in "directus_users".');
  });

  it('an unknown operator names the operator', async () => {
    expect(await invalidQuery(t(), '/users?filter[email][_like]=x')).toContain('"_like"');
  });

  it('a filter through exactly 10 relations still runs', async () => {
    const res = await t().request({ method: 'GET', url: `/users?${json(throughRelations(10))}&fields=id`, as: t().admin.token });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('an unsupported parameter names it', async () => {
    expect(await invalidQuery(t(), '/users?aggregate[count]=*')).toContain('"aggregate"');
  });

  describe('each is 400 INVALID_QUERY and changes nothing', () => {
    for (const [name, url] of BAD) {
      it(name, async () => {
        const before = await snapshot(t());
        await invalidQuery(t(), url);
        expect(await snapshot(t())).toEqual(before);
      });
    }
  });

  describe('values never become SQL', () => {
    const attacks = [
      "x' or '1'='1",
      "x'; delete from directus_users; --",
      "x\"; drop table directus_roles; --",
      "') or 1=1 --",
      '%\' or 1=1 --',
    ];
    for (const attack of attacks) {
      it(attack, async () => {
        const before = await snapshot(t());
        const enc = encodeURIComponent(attack);
        expect(await matching(t(), data, `filter[email][_eq]=${enc}`)).toEqual([]);
        expect(await matching(t(), data, `filter[first_name][_icontains]=${enc}`)).toEqual([]);
        expect(await matching(t(), data, `filter[status][_in]=${enc},active`)).toEqual(['admin', 'elodie', 'nameless']);
        expect(await matching(t(), data, `search=${enc}`)).toEqual([]);
        expect(await matching(t(), data, `filter[role][name][_eq]=${enc}`)).toEqual([]);
        expect(await snapshot(t())).toEqual(before);
      });
    }
  });
});
