// `sort`: several fields, descending, relational, NULLs first ascending and last descending on
// both databases, ties broken on the primary key so that pages never overlap or skip.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { makeUser } from '../../test/fixtures.js';
import { handles, invalidQuery, ok, seedDataset, type Dataset, type Handle } from '../../test/query-dataset.js';

// Ids, ascending: percent < bob < ann < nameless < upper < elodie < admin (random, never all zeros).
// last_access: admin and percent null; bob 2023-12-31; elodie 2024-01-10; ann and nameless 2024-02-15; upper 2024-03-01.
const sorts: [sort: string, expected: Handle[]][] = [
  ['last_access', ['percent', 'admin', 'bob', 'elodie', 'ann', 'nameless', 'upper']],
  ['-last_access', ['upper', 'ann', 'nameless', 'elodie', 'bob', 'percent', 'admin']],
  ['last_access,email', ['admin', 'percent', 'bob', 'elodie', 'ann', 'nameless', 'upper']],
  ['-last_access,-email', ['upper', 'nameless', 'ann', 'elodie', 'bob', 'percent', 'admin']],
  ['status', ['nameless', 'elodie', 'admin', 'ann', 'percent', 'bob', 'upper']],
  ['status,-first_name', ['elodie', 'admin', 'nameless', 'ann', 'percent', 'bob', 'upper']],
  // Emails sort without regard to case ("Ann@" between "admin@" and "bob@"); "." sorts before "@".
  ['email', ['admin', 'ann', 'bob', 'upper', 'elodie', 'nameless', 'percent']],
  ['-email', ['percent', 'nameless', 'elodie', 'upper', 'bob', 'ann', 'admin']],
  ['email_notifications,email', ['bob', 'upper', 'nameless', 'admin', 'ann', 'elodie', 'percent']],
  ['-email_notifications,email', ['admin', 'ann', 'elodie', 'percent', 'upper', 'nameless', 'bob']],
  ['role.name,email', ['ann', 'percent', 'admin', 'bob', 'elodie', 'upper', 'nameless']],
  ['-role.name,email', ['upper', 'nameless', 'bob', 'elodie', 'admin', 'ann', 'percent']],
  ['role.name', ['percent', 'ann', 'admin', 'bob', 'elodie', 'nameless', 'upper']],
  // Other text sorts by code point on both databases: '' < '100%' < 'Admin' < 'Bob' < 'ann' < 'ÉLODIE' < 'Élodie'.
  ['first_name', ['nameless', 'percent', 'admin', 'bob', 'ann', 'upper', 'elodie']],
  ['-last_name', ['admin', 'bob', 'ann', 'percent', 'elodie', 'upper', 'nameless']],
  ['last_name,-id', ['nameless', 'upper', 'elodie', 'percent', 'ann', 'bob', 'admin']],
];

describeEachDb('sort', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });

  for (const [sort, expected] of sorts) {
    it(`sort=${sort}`, async () => {
      expect(await handles(t(), data, `sort=${sort}`)).toEqual(expected);
    });
  }

  it('the array form sort[]=', async () => {
    expect(await handles(t(), data, 'sort[]=-role.name&sort[]=email')).toEqual(['upper', 'nameless', 'bob', 'elodie', 'admin', 'ann', 'percent']);
  });

  it('no sort is by primary key', async () => {
    expect(await handles(t(), data, '')).toEqual(['percent', 'bob', 'ann', 'nameless', 'upper', 'elodie', 'admin']);
  });

  it('roles sort too, and by their users is refused', async () => {
    const res = await ok(t(), '/roles?fields=name&sort=-name');
    expect(res.json().data.map((r: { name: string }) => r.name)).toEqual(['Viewers', 'Nobody', 'Editors', 'Administrator']);
    await invalidQuery(t(), '/roles?sort=users');
  });

  describe('pages are stable: each row once, in the full order', () => {
    for (const [sort, size] of [['last_access', 2], ['-last_access', 3], ['status', 1], ['role.name', 2], ['-email_notifications', 1]] as const) {
      it(`sort=${sort}, ${size} a page`, async () => {
        const all = await handles(t(), data, `sort=${sort}`);
        const byPage: Handle[] = [];
        const byOffset: Handle[] = [];
        for (let page = 1; page <= Math.ceil(all.length / size) + 1; page++) {
          byPage.push(...(await handles(t(), data, `sort=${sort}&limit=${size}&page=${page}`)));
          byOffset.push(...(await handles(t(), data, `sort=${sort}&limit=${size}&offset=${(page - 1) * size}`)));
        }
        expect(byPage).toEqual(all);
        expect(byOffset).toEqual(all);
      });
    }
  });

  describe('refusals: 400 INVALID_QUERY', () => {
    it.each(['nope', '-nope', 'email,nope', 'role.nope', 'email.length', 'role.name.x', '--email', 'users', 'email_lower', '-'])('sort=%s', async (sort) => {
      await invalidQuery(t(), `/users?sort=${sort}`);
    });
  });
});

describeEachDb('sort on a nullable unique field', (t) => {
  const ID = (n: number) => `00000000-0000-4000-8000-0000000001${n}`;
  beforeAll(async () => {
    // Inserted in descending id order, so that scan order and id order disagree.
    for (const n of [14, 13, 12, 11]) {
      await makeUser(t().db, { id: ID(n), email: `x${n}@example.com` });
      await t().db.kysely.updateTable('directus_users').set({ email: null, email_lower: null }).where('id', '=', ID(n)).execute();
    }
  });
  const ids = async (query: string) => (await ok(t(), `/users?fields=id&${query}`)).json().data.map((u: { id: string }) => u.id);

  it('rows without an email come first ascending, by id', async () => {
    expect(await ids('sort=email')).toEqual([ID(11), ID(12), ID(13), ID(14), t().admin.id]);
  });
  it('and last descending, still by id', async () => {
    expect(await ids('sort=-email')).toEqual([t().admin.id, ID(11), ID(12), ID(13), ID(14)]);
  });
  it('one a page, they come in the same order', async () => {
    const pages: string[] = [];
    for (let page = 1; page <= 5; page++) pages.push(...(await ids(`sort=email&limit=1&page=${page}`)));
    expect(pages).toEqual([ID(11), ID(12), ID(13), ID(14), t().admin.id]);
  });
});
