// The text operators: substring, prefix, suffix and case-insensitive equality, with and without
// negation; case folding of non-ASCII letters; and LIKE wildcards in values matched literally.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { matching, seedDataset, set, type Dataset, type Handle } from '../../test/query-dataset.js';

/** `filter[field][op]=value` with the value URL-encoded (it may hold %, _, \ or non-ASCII). */
const f = (field: string, op: string, value: string) => `filter[${field}][${op}]=${encodeURIComponent(value)}`;
const json = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;

type Case = [name: string, query: string, expected: Handle[]];

// first_name: admin 'Admin', ann 'ann', bob 'Bob', elodie 'Élodie', upper 'ÉLODIE', nameless '', percent '100%'.
// last_name: 'User', 'Smith', 'Smith', 'Martin', 'Dupont', null, 'Off_Road'.
const substring: Case[] = [
  ['_contains is case-sensitive', f('first_name', '_contains', 'lodie'), set('elodie')],
  ['_contains with a non-ASCII needle', f('first_name', '_contains', 'ÉL'), set('upper')],
  ['_contains on the email column', f('email', '_contains', 'Example'), set('ann')],
  ['_ncontains (nulls left out, empty strings kept)', f('first_name', '_ncontains', 'o'), set('admin', 'ann', 'upper', 'nameless', 'percent')],
  ['_icontains folds ASCII', f('last_name', '_icontains', 'SMI'), set('ann', 'bob')],
  ['_icontains folds non-ASCII: "élodie" finds "Élodie" and "ÉLODIE"', f('first_name', '_icontains', 'élodie'), set('elodie', 'upper')],
  ['_icontains folds non-ASCII: "LODIE"', f('first_name', '_icontains', 'LODIE'), set('elodie', 'upper')],
  ['_icontains on the email', f('email', '_icontains', 'ann@EXAMPLE'), set('ann')],
  ['_nicontains', f('first_name', '_nicontains', 'ÉLO'), set('admin', 'ann', 'bob', 'nameless', 'percent')],
  ['_nicontains on a nullable column leaves out nulls', f('last_name', '_nicontains', 'smith'), set('admin', 'elodie', 'upper', 'percent')],
];

const prefix: Case[] = [
  ['_starts_with', f('first_name', '_starts_with', 'É'), set('elodie', 'upper')],
  ['_starts_with is case-sensitive', f('first_name', '_starts_with', 'Él'), set('elodie')],
  ['_nstarts_with', f('first_name', '_nstarts_with', 'É'), set('admin', 'ann', 'bob', 'nameless', 'percent')],
  ['_istarts_with folds ASCII', f('first_name', '_istarts_with', 'a'), set('admin', 'ann')],
  ['_istarts_with folds non-ASCII', f('first_name', '_istarts_with', 'éL'), set('elodie', 'upper')],
  ['_nistarts_with', f('first_name', '_nistarts_with', 'A'), set('bob', 'elodie', 'upper', 'nameless', 'percent')],
  ['_ends_with', f('last_name', '_ends_with', 'th'), set('ann', 'bob')],
  ['_ends_with is case-sensitive', f('last_name', '_ends_with', 'TH'), []],
  ['_nends_with (nulls left out)', f('last_name', '_nends_with', 'th'), set('admin', 'elodie', 'upper', 'percent')],
  ['_iends_with folds', f('first_name', '_iends_with', 'DIE'), set('elodie', 'upper')],
  ['_iends_with on the email', f('email', '_iends_with', '@EXAMPLE.COM'), set('admin', 'ann', 'bob', 'elodie', 'upper', 'nameless', 'percent')],
  ['_niends_with', f('first_name', '_niends_with', 'Die'), set('admin', 'ann', 'bob', 'nameless', 'percent')],
];

const equality: Case[] = [
  ['_ieq folds non-ASCII', f('first_name', '_ieq', 'élodie'), set('elodie', 'upper')],
  ['_ieq is whole-value', f('first_name', '_ieq', 'élo'), []],
  ['_ieq on the email', f('email', '_ieq', 'ANN@example.COM'), set('ann')],
  ['_ieq with the JSON form', json({ last_name: { _ieq: 'SMITH' } }), set('ann', 'bob')],
  ['_nieq', f('first_name', '_nieq', 'ÉLODIE'), set('admin', 'ann', 'bob', 'nameless', 'percent')],
  ['_nieq on the email', f('email', '_nieq', 'ADMIN@example.com'), set('ann', 'bob', 'elodie', 'upper', 'nameless', 'percent')],
];

// Unescaped, `%` and `_` would be wildcards and these would match far more (or less) than they do.
const wildcards: Case[] = [
  ['"%" is literal in _contains', f('first_name', '_contains', '%'), set('percent')],
  ['"%" is literal in _icontains', f('title', '_icontains', '0% OFF'), set('percent')],
  ['"%" is literal in _starts_with ("1%" is not a prefix of "100%")', f('first_name', '_starts_with', '1%'), []],
  ['"0%" is a suffix of "100%"', f('first_name', '_ends_with', '0%'), set('percent')],
  ['"%" is literal in _ncontains', f('first_name', '_ncontains', '%'), set('admin', 'ann', 'bob', 'elodie', 'upper', 'nameless')],
  ['"_" is literal in _contains', f('last_name', '_contains', '_'), set('percent')],
  ['"_" does not stand for one letter', f('last_name', '_contains', 'Sm_th'), []],
  ['"_" is literal in _istarts_with', f('last_name', '_istarts_with', 'OFF_'), set('percent')],
  ['"_" is literal in _iends_with', f('last_name', '_iends_with', '_road'), set('percent')],
  ['a backslash is literal', f('location', '_contains', 'C:\\'), set('bob')],
  ['"%" alone in _ieq is literal', f('first_name', '_ieq', '%'), []],
];

describeEachDb('text filter operators', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });

  const run = (cases: Case[]) => {
    for (const [name, query, expected] of cases) {
      it(name, async () => {
        expect(await matching(t(), data, query)).toEqual(expected);
      });
    }
  };

  describe('substring', () => run(substring));
  describe('prefix and suffix', () => run(prefix));
  describe('case-insensitive equality', () => run(equality));
  describe('LIKE wildcards in values', () => run(wildcards));

  describe('on related fields', () => {
    it('_icontains through the role', async () => {
      expect(await matching(t(), data, 'filter[role][name][_icontains]=EDIT')).toEqual(set('bob', 'elodie'));
    });
  });

  it('a number as a text needle (JSON) is compared as text', async () => {
    expect(await matching(t(), data, json({ first_name: { _contains: 100 } }))).toEqual(set('percent'));
  });

  it('an object as a text needle is 400 INVALID_QUERY', async () => {
    const res = await t().request({ method: 'GET', url: `/users?${json({ first_name: { _contains: { a: 1 } } })}`, as: t().admin.token });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].extensions.code).toBe('INVALID_QUERY');
  });
});
