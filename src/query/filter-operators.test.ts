// Every comparison, set, null/empty and range operator, on both databases, against exact rows.
// The text operators (contains, starts/ends with, ieq) are in filter-text.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { matching, seedDataset, set, type Dataset, type Handle } from '../../test/query-dataset.js';

/** A filter as the JSON-string form of the `filter` parameter. */
const json = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;

const FEB15 = '2024-02-15T12:00:00.000Z';
const JAN10 = '2024-01-10T10:00:00.000Z';

type Case = [name: string, query: string, expected: Handle[]];

const comparison: Case[] = [
  ['_eq on a string is case-sensitive', 'filter[first_name][_eq]=Bob', set('bob')],
  ['_eq with a different case matches nothing', 'filter[first_name][_eq]=bob', []],
  ['_eq matches an empty string, not a null', `filter[first_name][_eq]=`, set('nameless')],
  ['_eq null (JSON) is "is null"', json({ last_name: { _eq: null } }), set('nameless')],
  ['_neq leaves out the value and, as in SQL and Directus, nulls', 'filter[last_name][_neq]=Smith', set('admin', 'elodie', 'upper', 'percent')],
  ['_neq null (JSON) is "is not null"', json({ last_name: { _neq: null } }), set('admin', 'ann', 'bob', 'elodie', 'upper', 'percent')],
  ['_lt on a timestamp', `filter[last_access][_lt]=${FEB15}`, set('bob', 'elodie')],
  ['_lte on a timestamp includes the bound', `filter[last_access][_lte]=${FEB15}`, set('ann', 'bob', 'elodie', 'nameless')],
  ['_gt on a timestamp', `filter[last_access][_gt]=${JAN10}`, set('ann', 'upper', 'nameless')],
  ['_gte on a timestamp includes the bound', `filter[last_access][_gte]=${JAN10}`, set('ann', 'elodie', 'upper', 'nameless')],
  ['_lt on a string', 'filter[status][_lt]=b', set('admin', 'ann', 'elodie', 'nameless')],
  ['two operators on one field are AND-ed', `filter[last_access][_gte]=${JAN10}&filter[last_access][_lt]=${FEB15}`, set('elodie')],
  ['two fields are AND-ed', 'filter[status][_eq]=active&filter[last_name][_eq]=Martin', set('elodie')],
];

const sets: Case[] = [
  ['_in with a CSV', 'filter[status][_in]=active,draft', set('admin', 'elodie', 'nameless', 'percent')],
  ['_in with the array form', 'filter[status][_in][]=active&filter[status][_in][]=draft', set('admin', 'elodie', 'nameless', 'percent')],
  ['_in with indexed keys', 'filter[status][_in][0]=archived&filter[status][_in][1]=invited', set('ann', 'bob')],
  ['_in with a JSON array', json({ status: { _in: ['suspended', 'invited'] } }), set('upper', 'bob')],
  ['_in with one value', 'filter[status][_in]=draft', set('percent')],
  ['_in with an empty list matches nothing', json({ status: { _in: [] } }), []],
  ['_nin with a CSV', 'filter[status][_nin]=active,draft', set('ann', 'bob', 'upper')],
  ['_nin with a JSON array', json({ status: { _nin: ['active'] } }), set('ann', 'bob', 'upper', 'percent')],
  ['_nin with an empty list matches everything', json({ status: { _nin: [] } }), set('admin', 'ann', 'bob', 'elodie', 'upper', 'nameless', 'percent')],
];

const nulls: Case[] = [
  ['_null true', 'filter[last_access][_null]=true', set('admin', 'percent')],
  ['_null false', 'filter[last_access][_null]=false', set('ann', 'bob', 'elodie', 'upper', 'nameless')],
  ['_null with no value means true', 'filter[last_access][_null]', set('admin', 'percent')],
  ['_nnull true', 'filter[last_access][_nnull]=true', set('ann', 'bob', 'elodie', 'upper', 'nameless')],
  ['_nnull false (JSON)', json({ last_access: { _nnull: false } }), set('admin', 'percent')],
  ['_null on a string does not match an empty string', 'filter[first_name][_null]=true', []],
  ['_empty matches an empty string', 'filter[first_name][_empty]=true', set('nameless')],
  ['_empty matches a null', 'filter[last_name][_empty]=true', set('nameless')],
  ['_empty on JSON: null, not "[]"', 'filter[tags][_empty]=true', set('admin', 'bob', 'upper', 'nameless')],
  ['_empty on a boolean is null', 'filter[email_notifications][_empty]=true', set('bob')],
  ['_empty false', 'filter[first_name][_empty]=false', set('admin', 'ann', 'bob', 'elodie', 'upper', 'percent')],
  ['_nempty', 'filter[tags][_nempty]=true', set('ann', 'elodie', 'percent')],
  ['_nempty on a string', json({ first_name: { _nempty: true } }), set('admin', 'ann', 'bob', 'elodie', 'upper', 'percent')],
];

const ranges: Case[] = [
  ['_between with a CSV, bounds included', `filter[last_access][_between]=2024-01-01T00:00:00.000Z,${FEB15}`, set('ann', 'elodie', 'nameless')],
  ['_between with a JSON array', json({ last_access: { _between: [JAN10, FEB15] } }), set('ann', 'elodie', 'nameless')],
  ['_between with the array form', `filter[last_access][_between][]=${JAN10}&filter[last_access][_between][]=${JAN10}`, set('elodie')],
  ['_nbetween leaves out nulls', `filter[last_access][_nbetween]=2024-01-01T00:00:00.000Z,${FEB15}`, set('bob', 'upper')],
  ['_between on strings', json({ status: { _between: ['archived', 'draft'] } }), set('ann', 'percent')],
];

const booleans: Case[] = [
  ['_eq "true" (a string from the query string)', 'filter[email_notifications][_eq]=true', set('admin', 'ann', 'elodie', 'percent')],
  ['_eq "1"', 'filter[email_notifications][_eq]=1', set('admin', 'ann', 'elodie', 'percent')],
  ['_eq "false"', 'filter[email_notifications][_eq]=false', set('upper', 'nameless')],
  ['_eq "0"', 'filter[email_notifications][_eq]=0', set('upper', 'nameless')],
  ['_eq true (JSON boolean)', json({ email_notifications: { _eq: true } }), set('admin', 'ann', 'elodie', 'percent')],
  ['_eq false (JSON boolean)', json({ email_notifications: { _eq: false } }), set('upper', 'nameless')],
  ['_neq true leaves out nulls', 'filter[email_notifications][_neq]=true', set('upper', 'nameless')],
  ['_in with both values leaves out nulls', 'filter[email_notifications][_in]=true,false', set('admin', 'ann', 'elodie', 'upper', 'nameless', 'percent')],
  ['_null', 'filter[email_notifications][_null]=true', set('bob')],
  ['a related boolean given as a string', 'filter[role][admin_access][_eq]=true', set('admin')],
  ['a related boolean, false', 'filter[role][admin_access][_eq]=false', set('bob', 'elodie', 'upper', 'nameless')],
];

describeEachDb('filter operators', (t) => {
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

  describe('comparison', () => {
    run(comparison);
    it('_eq on a uuid', async () => {
      expect(await matching(t(), data, `filter[role][_eq]=${data.roles.viewers.id}`)).toEqual(set('upper', 'nameless'));
    });
    it('_nin on a nullable uuid leaves out nulls', async () => {
      expect(await matching(t(), data, `filter[role][_nin]=${data.roles.editors.id}`)).toEqual(set('admin', 'upper', 'nameless'));
    });
    it('_in on the primary key', async () => {
      const { ann, bob } = data.ids;
      expect(await matching(t(), data, json({ id: { _in: [ann, bob] } }))).toEqual(set('ann', 'bob'));
    });
  });
  describe('sets', () => run(sets));
  describe('null and empty', () => run(nulls));
  describe('ranges', () => run(ranges));
  describe('booleans', () => run(booleans));

  describe('operators a type does not allow are 400 INVALID_QUERY', () => {
    for (const query of [
      'filter[email_notifications][_contains]=t',
      'filter[email_notifications][_gt]=false',
      'filter[email_notifications][_eq]=yes',
      'filter[last_access][_icontains]=2024',
      'filter[status][_between]=a',
      'filter[status][_between]=a,b,c',
      'filter[status][_null]=maybe',
    ]) {
      it(query, async () => {
        const res = await t().request({ method: 'GET', url: `/users?${query}`, as: t().admin.token });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().errors[0].extensions.code).toBe('INVALID_QUERY');
      });
    }
  });
});
