// Property-based (fast-check): whatever a non-admin asks for (fields, filter, search, sort, paging,
// hidden fields included), they never receive a field outside their rules or a row outside their
// row filter, and the answer never depends on what they may not see. The last is checked directly:
// each query runs, every value hidden from the caller is then rewritten at random, and the query
// runs again; the two answers must be the same, byte for byte.
//
// The caller's role has two rules on directus_users, as an admin would write them:
//   A. read id, first_name, email, title, role on the rows whose title is "visible";
//   B. read id, last_name, location on their own row only.
// So last_name and location are visible on one row only, description, external_identifier,
// preferences and the rest on none, and rows titled "hidden" not at all.
import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachDb } from '../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../test/fixtures.js';

const VISIBLE = ['id', 'first_name', 'email', 'title', 'role'];
const OWN_ONLY = ['last_name', 'location'];
const NEVER = ['description', 'external_identifier', 'language', 'appearance', 'tags', 'provider', 'status', 'last_page', 'token', 'password'];
/** What the caller can never see on another user's row; rewritten between the two runs. */
const SECRET_COLUMNS = ['last_name', 'location', 'description', 'external_identifier', 'language', 'appearance', 'last_page'] as const;

const WORDS = ['alpha', 'Bravo', 'charlie', 'Delta', 'echo', 'Ünïcode', 'zulu', 'amber', 'brick'];
const OPERATORS = ['_eq', '_neq', '_contains', '_icontains', '_ncontains', '_starts_with', '_istarts_with', '_ends_with', '_null', '_nnull', '_empty', '_nempty', '_in', '_nin', '_gt', '_lt'];

describeEachDb('permissions, property-based', (t) => {
  let caller: UserFixture;
  let visibleIds: Set<string>;

  beforeAll(async () => {
    const db = t().db;
    const role = await makeRole(db, { name: 'Prop readers', app: false });
    const other = await makeRole(db, { name: 'Prop others', app: false });
    const pick = (i: number, n: number) => WORDS[(i * 7 + n) % WORDS.length]!;
    for (let i = 0; i < 30; i++) {
      await makeUser(db, {
        email: `${pick(i, 1).toLowerCase()}.${i}@example.com`,
        first_name: pick(i, 2),
        last_name: pick(i, 3),
        location: pick(i, 4),
        description: `${pick(i, 5)} ${pick(i, 6)}`,
        external_identifier: `ext-${pick(i, 7)}-${i}`,
        language: pick(i, 8),
        title: i % 3 === 0 ? 'hidden' : 'visible',
        role: i % 2 === 0 ? role.id : other.id,
      });
    }
    caller = await makeUser(db, { email: 'prop-caller@example.com', role: role.id, title: 'visible', first_name: 'Caller', last_name: 'Mine', location: 'Home' });
    for (const rule of [
      { collection: 'directus_users', action: 'read', fields: VISIBLE, permissions: { title: { _eq: 'visible' } } },
      { collection: 'directus_users', action: 'read', fields: ['id', ...OWN_ONLY], permissions: { id: { _eq: '$CURRENT_USER' } } },
    ]) {
      const res = await t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: { role: role.id, ...rule } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const rows = await db.kysely.selectFrom('directus_users').select('id').where('title', '=', 'visible').execute();
    visibleIds = new Set(rows.map((r) => r.id));
  });

  const word = fc.constantFrom(...WORDS, ...WORDS.map((w) => w.slice(1, 4)), 'Mine', 'Home', 'visible', 'hidden', '@example.com', '');
  // Mostly fields the caller may read (else nearly every query is a plain 403 and proves little),
  // now and then one they may not.
  const field = fc.oneof({ arbitrary: fc.constantFrom(...VISIBLE, ...OWN_ONLY), weight: 9 }, { arbitrary: fc.constantFrom(...NEVER, 'role.name', 'role.id'), weight: 1 });
  const condition = fc.tuple(field, fc.constantFrom(...OPERATORS), word).map(([f, op, v]) => {
    const value = op === '_null' || op === '_nnull' || op === '_empty' || op === '_nempty' ? true : op === '_in' || op === '_nin' ? [v, 'x'] : v;
    const [head, sub] = f.split('.');
    return sub ? { [head!]: { [sub]: { [op]: value } } } : { [f]: { [op]: value } };
  });
  const filter = fc.oneof(condition, fc.tuple(condition, condition).map(([a, b]) => ({ _or: [a, b] })), fc.tuple(condition, condition).map(([a, b]) => ({ _and: [a, b] })));
  /** Present now and then: `weight` parts in `absent + weight`. */
  const sometimes = <T,>(arb: fc.Arbitrary<T>, weight: number, absent: number) => fc.oneof({ arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: arb, weight });
  const query = fc.record({
    fields: fc.oneof(fc.constant(['*']), fc.uniqueArray(field, { minLength: 1, maxLength: 4 })),
    filter: sometimes(filter, 1, 1),
    search: sometimes(word.filter((w) => w.length > 0), 1, 3),
    sort: sometimes(fc.tuple(field, fc.boolean()).map(([f, desc]) => `${desc ? '-' : ''}${f}`), 1, 1),
    limit: fc.integer({ min: 1, max: 40 }),
    offset: fc.integer({ min: 0, max: 5 }),
  });

  function url(q: Record<string, unknown>): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));
    return `/users?${params.toString()}`;
  }

  /** Rewrites every value the caller may not see: other users' secrets and private fields. */
  async function scramble(seed: number): Promise<void> {
    const rows = await t().db.kysely.selectFrom('directus_users').select('id').where('id', '<>', caller.id).execute();
    for (const [i, row] of rows.entries()) {
      const v = (n: number) => `${WORDS[(seed + i * 3 + n) % WORDS.length]}-${(seed * 31 + i) % 97}`;
      const values = Object.fromEntries(SECRET_COLUMNS.map((c, n) => [c, (seed + i + n) % 5 === 0 ? null : v(n)]));
      // external_identifier is unique: keep it so.
      values.external_identifier = values.external_identifier === null ? null : `${values.external_identifier}-${i}`;
      await t().db.kysely.updateTable('directus_users').set(values).where('id', '=', row.id).execute();
    }
  }

  it('never a field outside the rules, never a row outside the filter, and nothing that depends on hidden values', async () => {
    let seed = 1;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const first = await t().request({ url: url(q), as: caller.token });
        expect([200, 400, 403], first.body).toContain(first.statusCode);
        if (first.statusCode === 200) {
          for (const row of first.json().data as Record<string, unknown>[]) {
            for (const key of Object.keys(row)) expect([...VISIBLE, ...OWN_ONLY], `field ${key}`).toContain(key);
            if (typeof row.id === 'string' && row.id !== caller.id) {
              expect(visibleIds.has(row.id), `row ${row.id}`).toBe(true);
              for (const f of OWN_ONLY) if (f in row) expect(row[f], `${f} of another user`).toBeNull();
            }
            // role is only an id here: the caller cannot read roles, so role.name never expands.
            if ('role' in row) expect(typeof row.role === 'string' || row.role === null).toBe(true);
          }
        }
        await scramble(seed++);
        const second = await t().request({ url: url(q), as: caller.token });
        expect(second.statusCode).toBe(first.statusCode);
        expect(second.body, url(q)).toBe(first.body);
      }),
      { numRuns: 120, seed: 20261203 },
    );
  });

  it('a field the caller cannot read at all is refused wherever it is named: fields, filter, sort (403)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NEVER.filter((f) => f !== 'token' && f !== 'password')), fc.constantFrom('fields', 'filter', 'sort'), async (f, where) => {
        const q: Record<string, string> = where === 'fields' ? { fields: `id,${f}` } : where === 'filter' ? { filter: JSON.stringify({ [f]: { _nnull: true } }) } : { sort: f };
        const res = await t().request({ url: `/users?${new URLSearchParams(q).toString()}`, as: caller.token });
        expect(res.statusCode, `${where} ${f}: ${res.body}`).toBe(403);
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});
