// password, token and tfa_secret: filtered only on emptiness, read back as "**********" or null,
// never sorted on, never searched, and never leaked through a relation.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { invalidQuery, matching, ok, seedDataset, set, type Dataset, type Handle } from '../../test/query-dataset.js';

const MASK = '**********';
const CONCEALED = ['password', 'token', 'tfa_secret'] as const;
const REFUSED = ['_eq', '_neq', '_in', '_nin', '_contains', '_ncontains', '_icontains', '_starts_with', '_istarts_with',
  '_ends_with', '_iends_with', '_ieq', '_nieq', '_lt', '_lte', '_gt', '_gte', '_between', '_nbetween'];

// Stored: password for ann and elodie; token for admin, bob, elodie, upper, percent; tfa_secret
// 'JBSWY3DPEHPK3PXP' for ann and '' for bob.
const stored: Record<(typeof CONCEALED)[number], Handle[]> = {
  password: ['ann', 'elodie'],
  token: ['admin', 'bob', 'elodie', 'upper', 'percent'],
  tfa_secret: ['ann'],
};

describeEachDb('concealed fields', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });

  /** Every string the database holds in a concealed column. */
  const secrets = () => [data.secrets.annTfa, ...data.secrets.tokenHashes, ...data.secrets.passwordHashes, '$argon2'];
  const expectNoSecret = (body: string) => {
    for (const s of secrets()) expect(body).not.toContain(s);
  };

  describe('filters', () => {
    it.each([
      ['password', '_null', set('admin', 'bob', 'upper', 'nameless', 'percent')],
      ['password', '_nnull', set('ann', 'elodie')],
      ['password', '_empty', set('admin', 'bob', 'upper', 'nameless', 'percent')],
      ['password', '_nempty', set('ann', 'elodie')],
      ['token', '_null', set('ann', 'nameless')],
      ['token', '_nnull', set('admin', 'bob', 'elodie', 'upper', 'percent')],
      ['tfa_secret', '_null', set('admin', 'elodie', 'upper', 'nameless', 'percent')],
      ['tfa_secret', '_nnull', set('ann', 'bob')],
      ['tfa_secret', '_empty', set('admin', 'bob', 'elodie', 'upper', 'nameless', 'percent')],
      ['tfa_secret', '_nempty', set('ann')],
    ] as const)('%s %s', async (field, op, expected) => {
      expect(await matching(t(), data, `filter[${field}][${op}]=true`)).toEqual(expected);
    });

    it('the emptiness operators also work through a relation', async () => {
      const res = await ok(t(), '/roles?fields=name&filter[users][_some][password][_nnull]=true');
      expect(res.json().data).toEqual([{ name: 'Editors' }]);
    });

    for (const field of CONCEALED) {
      it(`every other operator on ${field} is 400 INVALID_QUERY`, async () => {
        for (const op of REFUSED) {
          const message = await invalidQuery(t(), `/users?filter[${field}][${op}]=a,b`);
          expect(message).toContain(field);
        }
      });
    }
    it('also in the JSON form, inside _or, and through a relation', async () => {
      const q = (f: unknown) => `filter=${encodeURIComponent(JSON.stringify(f))}`;
      await invalidQuery(t(), `/users?${q({ _or: [{ id: { _nnull: true } }, { token: { _eq: data.secrets.tokenHashes[0] } }] })}`);
      await invalidQuery(t(), `/roles?${q({ users: { _some: { tfa_secret: { _starts_with: 'J' } } } })}`);
      await invalidQuery(t(), '/roles?filter[users][password][_contains]=$argon2');
    });
  });

  describe('reads', () => {
    it('read back as "**********" when set and null when not (an empty string is not set)', async () => {
      const res = await ok(t(), `/users?fields=id,${CONCEALED.join(',')}&limit=-1`);
      const rows = res.json().data as Record<string, unknown>[];
      expect(rows).toHaveLength(7);
      for (const row of rows) {
        const who = data.handleOf(row.id as string);
        for (const field of CONCEALED) expect(row[field], `${who}.${field}`).toBe(stored[field].includes(who) ? MASK : null);
      }
      expectNoSecret(res.body);
    });
    it('masked in `*`, in one item, in /users/me and through role.users', async () => {
      for (const url of ['/users?limit=-1', `/users/${data.ids.ann}`, '/users/me', '/roles?fields=*.*', '/users?fields=role.users.*']) {
        const res = await ok(t(), url);
        expectNoSecret(res.body);
      }
      const me = await ok(t(), '/users/me?fields=password,tfa_secret', data.tokens.elodie);
      expect(me.json().data).toEqual({ password: MASK, tfa_secret: null });
      const roles = await ok(t(), '/roles?fields=users.email,users.token,users.tfa_secret&filter[name][_eq]=Editors');
      expect(roles.json().data[0].users.sort((a: { email: string }, b: { email: string }) => a.email.localeCompare(b.email))).toEqual([
        { email: 'bob@example.com', token: MASK, tfa_secret: null },
        { email: 'elodie@example.com', token: MASK, tfa_secret: null },
      ]);
    });
  });

  describe('sort and search', () => {
    for (const field of CONCEALED) {
      it(`sort on ${field} is 400 INVALID_QUERY, either direction`, async () => {
        await invalidQuery(t(), `/users?sort=${field}`);
        await invalidQuery(t(), `/users?sort=email,-${field}`);
      });
    }
    it('sort through a relation on a concealed field is 400', async () => {
      await invalidQuery(t(), '/roles?sort=users.token');
    });
    it('search never matches a stored secret', async () => {
      const terms = [data.secrets.annTfa, 'JBSWY3', data.secrets.tokenHashes[0]!.slice(0, 16), 'argon2', data.tokens.admin!];
      for (const term of terms) {
        expect(await matching(t(), data, `search=${encodeURIComponent(term)}`), term).toEqual([]);
      }
    });
    it('search with filter_count does not reveal a secret either', async () => {
      const res = await ok(t(), `/users?search=${encodeURIComponent(data.secrets.annTfa)}&meta=filter_count`);
      expect(res.json().meta).toEqual({ filter_count: 0 });
    });
  });
});
