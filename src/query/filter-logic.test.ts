// _and/_or nesting in both syntaxes, relational filters through `role` (many-to-one) and through
// the roles' `users` alias (one-to-many, with _some and _none).
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { matching, ok, seedDataset, set, type Dataset } from '../../test/query-dataset.js';

const json = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;

describeEachDb('filter logic and relations', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });

  /** The names of the roles a /roles query returns, sorted. */
  const roleNames = async (query: string) => {
    const res = await ok(t(), `/roles?fields=name&limit=-1&${query}`);
    return (res.json().data as { name: string }[]).map((r) => r.name).sort();
  };

  describe('_and and _or', () => {
    const nested = {
      _or: [
        { status: { _eq: 'draft' } },
        { _and: [{ role: { name: { _eq: 'Editors' } } }, { last_access: { _gt: '2024-01-01T00:00:00.000Z' } }] },
      ],
    };
    const bracket =
      'filter[_or][0][status][_eq]=draft' +
      '&filter[_or][1][_and][0][role][name][_eq]=Editors' +
      '&filter[_or][1][_and][1][last_access][_gt]=2024-01-01T00:00:00.000Z';

    it('nest in the JSON form', async () => {
      expect(await matching(t(), data, json(nested))).toEqual(set('elodie', 'percent'));
    });
    it('nest in the bracket form, with indexed arrays', async () => {
      expect(await matching(t(), data, bracket)).toEqual(set('elodie', 'percent'));
    });
    it('_or of three', async () => {
      const q = json({ _or: [{ first_name: { _eq: 'Bob' } }, { last_name: { _eq: 'Dupont' } }, { status: { _eq: 'draft' } }] });
      expect(await matching(t(), data, q)).toEqual(set('bob', 'upper', 'percent'));
    });
    it('_and beside a plain field condition', async () => {
      const q = json({ status: { _eq: 'active' }, _and: [{ email_notifications: { _eq: false } }] });
      expect(await matching(t(), data, q)).toEqual(set('nameless'));
    });
    it('_or with one branch', async () => {
      expect(await matching(t(), data, 'filter[_or][0][status][_eq]=invited')).toEqual(set('bob'));
    });
    it('an empty _or matches nothing and an empty _and everything', async () => {
      expect(await matching(t(), data, json({ _or: [] }))).toEqual([]);
      expect(await matching(t(), data, json({ _and: [] }))).toHaveLength(7);
    });
    it('an empty filter object matches everything', async () => {
      expect(await matching(t(), data, json({}))).toHaveLength(7);
    });
    it('_or across a relation and a null check', async () => {
      const q = json({ _or: [{ role: { _null: true } }, { role: { name: { _eq: 'Viewers' } } }] });
      expect(await matching(t(), data, q)).toEqual(set('ann', 'percent', 'upper', 'nameless'));
    });
  });

  describe('many-to-one through role', () => {
    it('filter[role][name][_eq]', async () => {
      expect(await matching(t(), data, 'filter[role][name][_eq]=Editors')).toEqual(set('bob', 'elodie'));
    });
    it('filter[role][name][_neq] leaves out users without a role', async () => {
      expect(await matching(t(), data, 'filter[role][name][_neq]=Editors')).toEqual(set('admin', 'upper', 'nameless'));
    });
    it('the JSON form', async () => {
      expect(await matching(t(), data, json({ role: { name: { _in: ['Viewers', 'Administrator'] } } }))).toEqual(set('admin', 'upper', 'nameless'));
    });
    it('filter[role][_null] compares the key itself', async () => {
      expect(await matching(t(), data, 'filter[role][_null]=true')).toEqual(set('ann', 'percent'));
    });
    it('_and inside the relation', async () => {
      const q = json({ role: { _and: [{ name: { _starts_with: 'E' } }, { admin_access: { _eq: false } }] } });
      expect(await matching(t(), data, q)).toEqual(set('bob', 'elodie'));
    });
    it('an empty relational filter does not drop users without a role', async () => {
      expect(await matching(t(), data, json({ role: {} }))).toHaveLength(7);
      expect(await matching(t(), data, json({ role: { name: {} } }))).toHaveLength(7);
    });
    it('two levels: role -> users -> email', async () => {
      expect(await matching(t(), data, 'filter[role][users][email][_eq]=bob@example.com')).toEqual(set('bob', 'elodie'));
    });
    it('an unknown related field is 400', async () => {
      const res = await t().request({ method: 'GET', url: '/users?filter[role][nope][_eq]=x', as: t().admin.token });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('INVALID_QUERY');
    });
    it('a relation on a field that has none is 400', async () => {
      const res = await t().request({ method: 'GET', url: '/users?filter[status][name][_eq]=x', as: t().admin.token });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('INVALID_QUERY');
    });
  });

  describe('one-to-many through the roles’ users', () => {
    it('filter[users][email][_eq] (an implicit _some)', async () => {
      expect(await roleNames('filter[users][email][_eq]=bob@example.com')).toEqual(['Editors']);
    });
    it('_some', async () => {
      expect(await roleNames('filter[users][_some][status][_eq]=suspended')).toEqual(['Viewers']);
    });
    it('_some with a case-insensitive non-ASCII match', async () => {
      expect(await roleNames(`filter[users][_some][first_name][_icontains]=${encodeURIComponent('élodie')}`)).toEqual(['Editors', 'Viewers']);
    });
    it('_none', async () => {
      expect(await roleNames('filter[users][_none][status][_eq]=active')).toEqual(['Nobody']);
    });
    it('_none with a condition few users meet', async () => {
      expect(await roleNames('filter[users][_none][status][_eq]=suspended')).toEqual(['Administrator', 'Editors', 'Nobody']);
    });
    it('_some and _none with an empty filter: roles with and without users', async () => {
      expect(await roleNames(json({ users: { _some: {} } }))).toEqual(['Administrator', 'Editors', 'Viewers']);
      expect(await roleNames(json({ users: { _none: {} } }))).toEqual(['Nobody']);
    });
    it('the JSON form, combined with a field of the role', async () => {
      const q = json({ _and: [{ users: { _some: { email_notifications: { _eq: false } } } }, { name: { _neq: 'Editors' } }] });
      expect(await roleNames(q)).toEqual(['Viewers']);
    });
    it('an operator straight on the alias is 400', async () => {
      const res = await t().request({ method: 'GET', url: '/roles?filter[users][_eq]=x', as: t().admin.token });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('INVALID_QUERY');
    });
  });
});
