// $CURRENT_USER, $CURRENT_ROLE and $NOW with offsets: resolved against a fixed clock here, and end
// to end through /users against timestamps placed around the real clock.
import { beforeAll, describe, expect, it } from 'vitest';
import { UsherError } from '../errors.js';
import { substituteVariables, type Variables } from './variables.js';
import { describeEachDb } from '../../test/harness.js';
import { handles, matching, seedDataset, set, type Dataset } from '../../test/query-dataset.js';

describe('substituteVariables', () => {
  const now = new Date('2024-05-31T12:00:00.000Z');
  const vars: Variables = { user: 'u-1', role: 'r-1', now, userFields: { email: 'me@example.com' } };
  const at = (value: string) => substituteVariables(value, vars);

  it('replaces the bare variables', () => {
    expect(at('$CURRENT_USER')).toBe('u-1');
    expect(at('$CURRENT_ROLE')).toBe('r-1');
    expect(at('$NOW')).toBe('2024-05-31T12:00:00.000Z');
  });
  it.each([
    ['$NOW(-7 days)', '2024-05-24T12:00:00.000Z'],
    ['$NOW(+1 hour)', '2024-05-31T13:00:00.000Z'],
    ['$NOW( 1 hour)', '2024-05-31T13:00:00.000Z'], // "+" arrives as a space from a query string
    ['$NOW(2 weeks)', '2024-06-14T12:00:00.000Z'],
    ['$NOW(-90 minutes)', '2024-05-31T10:30:00.000Z'],
    ['$NOW(-30s)', '2024-05-31T11:59:30.000Z'],
    ['$NOW(-1 month)', '2024-05-01T12:00:00.000Z'],
    ['$NOW(+1 year)', '2025-05-31T12:00:00.000Z'],
    ['$NOW(1.5 days)', '2024-06-02T00:00:00.000Z'],
  ])('%s', (input, expected) => {
    expect(at(input)).toBe(expected);
  });
  it('refuses a $NOW it cannot read', () => {
    for (const bad of ['$NOW(7 fortnights)', '$NOW(-)', '$NOW(days)', '$NOW(-7 days']) {
      expect(() => at(bad), bad).toThrow(UsherError);
    }
  });
  it('leaves other strings, numbers and booleans alone', () => {
    expect(at('$currency')).toBe('$currency');
    expect(at('CURRENT_USER')).toBe('CURRENT_USER');
    expect(substituteVariables(5, vars)).toBe(5);
    expect(substituteVariables(true, vars)).toBe(true);
    expect(substituteVariables(null, vars)).toBe(null);
  });
  it('walks objects and arrays, and returns a copy', () => {
    const filter = { _or: [{ id: { _in: ['$CURRENT_USER', 'x'] } }, { role: { _eq: '$CURRENT_ROLE' } }] };
    expect(substituteVariables(filter, vars)).toEqual({ _or: [{ id: { _in: ['u-1', 'x'] } }, { role: { _eq: 'r-1' } }] });
    expect(filter._or[0]!.id!._in[0]).toBe('$CURRENT_USER');
  });
  it('reads dotted forms from the fields given, and null otherwise', () => {
    expect(at('$CURRENT_USER.email')).toBe('me@example.com');
    expect(at('$CURRENT_ROLE.name')).toBe(null);
    expect(substituteVariables('$CURRENT_USER', { user: null, role: null, now })).toBe(null);
  });
});

describeEachDb('variables in request filters', (t) => {
  let data: Dataset;
  let elodie: string;
  beforeAll(async () => {
    const app = t();
    data = await seedDataset(app);
    elodie = data.tokens.elodie!;
    // Editors may read every user, so that their variables are not hidden by a row rule.
    await app.db.kysely
      .insertInto('directus_permissions')
      .values({ role: data.roles.editors.id, collection: 'directus_users', action: 'read', permissions: null, fields: '*' })
      .execute();
    const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const place = async (id: string, last_access: string) =>
      app.db.kysely.updateTable('directus_users').set({ last_access }).where('id', '=', id).execute();
    await place(data.ids.ann, hours(-3 * 24));
    await place(data.ids.nameless, hours(-10 * 24));
    await place(data.ids.upper, hours(0.5));
    await place(data.ids.bob, hours(2));
    // elodie keeps 2024-01-10; admin and percent keep null.
  });

  it('$CURRENT_USER', async () => {
    expect(await matching(t(), data, 'filter[id][_eq]=$CURRENT_USER', elodie)).toEqual(['elodie']);
    expect(await matching(t(), data, 'filter[id][_eq]=$CURRENT_USER')).toEqual(['admin']);
  });
  it('$CURRENT_USER inside _nin and _or (JSON)', async () => {
    const q = encodeURIComponent(JSON.stringify({ _or: [{ id: { _nin: ['$CURRENT_USER'] } }, { status: { _eq: 'active' } }] }));
    expect(await matching(t(), data, `filter=${q}`, elodie)).toHaveLength(7);
    const only = encodeURIComponent(JSON.stringify({ id: { _nin: ['$CURRENT_USER', data.ids.admin] } }));
    expect(await matching(t(), data, `filter=${only}`, elodie)).toEqual(set('ann', 'bob', 'upper', 'nameless', 'percent'));
  });
  it('$CURRENT_ROLE', async () => {
    expect(await matching(t(), data, 'filter[role][_eq]=$CURRENT_ROLE', elodie)).toEqual(set('bob', 'elodie'));
    expect(await matching(t(), data, 'filter[role][_eq]=$CURRENT_ROLE')).toEqual(['admin']);
  });
  it('$CURRENT_USER through a relation', async () => {
    expect(await matching(t(), data, 'filter[role][users][id][_eq]=$CURRENT_USER', elodie)).toEqual(set('bob', 'elodie'));
  });
  it('a relational filter sees only the related rows the caller may read', async () => {
    // Elodie may read only her own role: filtering on another role's name must not reveal it.
    expect(await matching(t(), data, 'filter[role][name][_eq]=Viewers', elodie)).toEqual([]);
    expect(await matching(t(), data, 'filter[role][name][_eq]=Viewers')).toEqual(set('upper', 'nameless'));
  });
  it('row rules of related collections see the variables too (sort through role.name)', async () => {
    // Elodie may read every user but only her own role: other roles' names sort as nulls.
    expect(await handles(t(), data, 'sort=role.name,email', elodie)).toEqual(['admin', 'ann', 'upper', 'nameless', 'percent', 'bob', 'elodie']);
    expect(await handles(t(), data, 'sort=role.name,email')).toEqual(['ann', 'percent', 'admin', 'bob', 'elodie', 'upper', 'nameless']);
  });
  it('$NOW', async () => {
    expect(await matching(t(), data, 'filter[last_access][_lt]=$NOW')).toEqual(set('ann', 'nameless', 'elodie'));
    expect(await matching(t(), data, 'filter[last_access][_gt]=$NOW')).toEqual(set('upper', 'bob'));
  });
  it('$NOW(-7 days)', async () => {
    expect(await matching(t(), data, 'filter[last_access][_gt]=$NOW(-7%20days)')).toEqual(set('ann', 'upper', 'bob'));
  });
  it('$NOW(+1 hour), with "+" encoded, raw (read as a space) and in JSON', async () => {
    expect(await matching(t(), data, 'filter[last_access][_gte]=$NOW(%2B1%20hour)')).toEqual(['bob']);
    expect(await matching(t(), data, 'filter[last_access][_gte]=$NOW(+1+hour)')).toEqual(['bob']);
    const q = encodeURIComponent(JSON.stringify({ last_access: { _lt: '$NOW(+1 hour)', _gt: '$NOW(-1 day)' } }));
    expect(await matching(t(), data, `filter=${q}`)).toEqual(['upper']);
  });
  it('$NOW in _between', async () => {
    expect(await matching(t(), data, 'filter[last_access][_between]=$NOW(-7%20days),$NOW')).toEqual(['ann']);
  });
  it('dotted variables read as null in request filters', async () => {
    expect(await matching(t(), data, 'filter[email][_eq]=$CURRENT_USER.email', elodie)).toEqual([]);
  });
  it('a $NOW it cannot read is 400 INVALID_QUERY', async () => {
    const res = await t().request({ method: 'GET', url: '/users?filter[last_access][_gt]=$NOW(3%20parsecs)', as: t().admin.token });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].extensions.code).toBe('INVALID_QUERY');
  });
});
