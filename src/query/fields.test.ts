// The `fields` parameter: `*`, lists in CSV and array form, many-to-one expansion (`role.name`,
// `role.*`, `*.*`), the roles' one-to-many `users` alias, and refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { invalidQuery, ok, seedDataset, type Dataset } from '../../test/query-dataset.js';

const USER_FIELDS = [
  'id', 'first_name', 'last_name', 'email', 'password', 'location', 'title', 'description', 'tags', 'avatar', 'language',
  'tfa_secret', 'status', 'role', 'token', 'last_access', 'last_page', 'provider', 'external_identifier', 'auth_data',
  'email_notifications', 'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides', 'theme_dark_overrides',
];
const ROLE_FIELDS = ['id', 'name', 'icon', 'description', 'ip_access', 'enforce_tfa', 'admin_access', 'app_access', 'users'];

describeEachDb('fields', (t) => {
  let data: Dataset;
  beforeAll(async () => {
    data = await seedDataset(t());
  });
  const one = async (id: string, fields: string) => (await ok(t(), `/users/${id}?${fields}`)).json().data;
  const byEmail = (rows: { email: string }[]) => [...rows].sort((a, b) => a.email.localeCompare(b.email));

  describe('*', () => {
    it('is every field of the collection, in its order, with typed values', async () => {
      const elodie = await one(data.ids.elodie, 'fields=*');
      expect(Object.keys(elodie)).toEqual(USER_FIELDS);
      expect(elodie).toMatchObject({
        id: data.ids.elodie, first_name: 'Élodie', last_name: 'Martin', email: 'elodie@example.com', password: '**********',
        location: 'Paris', tags: ['vip', 'beta'], status: 'active', role: data.roles.editors.id, token: '**********',
        last_access: '2024-01-10T10:00:00.000Z', provider: 'default', email_notifications: true, description: null,
      });
    });
    it('is the default, also for an empty list', async () => {
      const all = await one(data.ids.bob, 'fields=*');
      expect(Object.keys(all)).toEqual(USER_FIELDS);
      expect(await one(data.ids.bob, '')).toEqual(all);
      expect(await one(data.ids.bob, 'fields=')).toEqual(all);
    });
    it('reads booleans as booleans and nulls as nulls on every database', async () => {
      const rows = (await ok(t(), '/users?fields=email,email_notifications,tags,last_name&limit=-1')).json().data;
      expect(byEmail(rows)).toEqual([
        { last_name: 'User', email: 'admin@example.com', tags: null, email_notifications: true },
        { last_name: 'Smith', email: 'Ann@Example.com', tags: ['vip'], email_notifications: true },
        { last_name: 'Smith', email: 'bob@example.com', tags: null, email_notifications: null },
        { last_name: 'Dupont', email: 'elodie.upper@example.com', tags: null, email_notifications: false },
        { last_name: 'Martin', email: 'elodie@example.com', tags: ['vip', 'beta'], email_notifications: true },
        { last_name: null, email: 'nameless@example.com', tags: null, email_notifications: false },
        { last_name: 'Off_Road', email: 'percent@example.com', tags: [], email_notifications: true },
      ]);
    });
    it('on roles, includes the users alias as ids', async () => {
      const roles = (await ok(t(), '/roles?filter[name][_eq]=Viewers')).json().data;
      expect(roles).toHaveLength(1);
      expect(Object.keys(roles[0])).toEqual(ROLE_FIELDS);
      expect(roles[0]).toMatchObject({ id: data.roles.viewers.id, name: 'Viewers', admin_access: false, app_access: true, enforce_tfa: false, ip_access: null });
      expect([...roles[0].users].sort()).toEqual([data.ids.nameless, data.ids.upper].sort());
    });
  });

  describe('lists', () => {
    it('a CSV gives exactly those fields', async () => {
      expect(await one(data.ids.ann, 'fields=email,first_name')).toEqual({ first_name: 'ann', email: 'Ann@Example.com' });
    });
    it('spaces around names are ignored', async () => {
      expect(await one(data.ids.ann, 'fields=email,%20status%20')).toEqual({ email: 'Ann@Example.com', status: 'archived' });
    });
    it('the array form fields[]=', async () => {
      expect(await one(data.ids.ann, 'fields[]=email&fields[]=status')).toEqual({ email: 'Ann@Example.com', status: 'archived' });
    });
    it('a repeated parameter', async () => {
      expect(await one(data.ids.ann, 'fields=email&fields=status')).toEqual({ email: 'Ann@Example.com', status: 'archived' });
    });
    it('a field named twice appears once', async () => {
      expect(await one(data.ids.ann, 'fields=id,id')).toEqual({ id: data.ids.ann });
    });
    it('role without expansion is the key', async () => {
      expect(await one(data.ids.bob, 'fields=role')).toEqual({ role: data.roles.editors.id });
      expect(await one(data.ids.ann, 'fields=role')).toEqual({ role: null });
    });
  });

  describe('many-to-one', () => {
    it('role.name', async () => {
      const rows = (await ok(t(), '/users?fields=email,role.name&limit=-1')).json().data;
      expect(byEmail(rows)).toEqual([
        { email: 'admin@example.com', role: { name: 'Administrator' } },
        { email: 'Ann@Example.com', role: null },
        { email: 'bob@example.com', role: { name: 'Editors' } },
        { email: 'elodie.upper@example.com', role: { name: 'Viewers' } },
        { email: 'elodie@example.com', role: { name: 'Editors' } },
        { email: 'nameless@example.com', role: { name: 'Viewers' } },
        { email: 'percent@example.com', role: null },
      ]);
    });
    it('role.* is every role field, users ids included', async () => {
      const bob = await one(data.ids.bob, 'fields=role.*');
      expect(Object.keys(bob.role)).toEqual(ROLE_FIELDS);
      expect(bob.role).toMatchObject({ id: data.roles.editors.id, name: 'Editors', icon: 'supervised_user_circle' });
      expect([...bob.role.users].sort()).toEqual([data.ids.bob, data.ids.elodie].sort());
    });
    it('role and role.name together expand', async () => {
      expect(await one(data.ids.bob, 'fields=role,role.name')).toEqual({ role: { name: 'Editors' } });
      expect(await one(data.ids.bob, 'fields=role.name,role')).toEqual({ role: { name: 'Editors' } });
    });
    it('role.id,role.name', async () => {
      expect(await one(data.ids.bob, 'fields=role.id,role.name')).toEqual({ role: { id: data.roles.editors.id, name: 'Editors' } });
    });
    it('*.* expands every relation one level', async () => {
      const bob = await one(data.ids.bob, 'fields=*.*');
      expect(Object.keys(bob)).toEqual(USER_FIELDS);
      expect(Object.keys(bob.role)).toEqual(ROLE_FIELDS);
      expect(bob.role.name).toBe('Editors');
      expect(bob.avatar).toBe(null);
      expect((await one(data.ids.ann, 'fields=*.*')).role).toBe(null);
    });
    it('*,role.name keeps every field and narrows the role', async () => {
      const bob = await one(data.ids.bob, 'fields=*,role.name');
      expect(Object.keys(bob)).toEqual(USER_FIELDS);
      expect(bob.role).toEqual({ name: 'Editors' });
    });
  });

  describe('one-to-many on roles', () => {
    const role = async (name: string, fields: string) => (await ok(t(), `/roles?filter[name][_eq]=${name}&${fields}`)).json().data[0];
    it('users is the list of ids', async () => {
      expect([...(await role('Editors', 'fields=name,users')).users].sort()).toEqual([data.ids.bob, data.ids.elodie].sort());
      expect(await role('Nobody', 'fields=name,users')).toEqual({ name: 'Nobody', users: [] });
    });
    it('users.email', async () => {
      expect(byEmail((await role('Viewers', 'fields=users.email')).users)).toEqual([
        { email: 'elodie.upper@example.com' },
        { email: 'nameless@example.com' },
      ]);
    });
    it('users.* and *.* give whole users', async () => {
      for (const fields of ['fields=users.*', 'fields=*.*']) {
        const users = (await role('Editors', fields)).users;
        expect(users).toHaveLength(2);
        for (const u of users) expect(Object.keys(u)).toEqual(USER_FIELDS);
      }
    });
    it('one role by id', async () => {
      const res = await ok(t(), `/roles/${data.roles.viewers.id}?fields=name,users.email`);
      expect(res.json().data.name).toBe('Viewers');
      expect(byEmail(res.json().data.users)).toEqual([{ email: 'elodie.upper@example.com' }, { email: 'nameless@example.com' }]);
    });
    it('users.role.name goes back through the relation', async () => {
      expect((await role('Viewers', 'fields=users.role.name')).users).toEqual([{ role: { name: 'Viewers' } }, { role: { name: 'Viewers' } }]);
    });
  });

  describe('refusals: 400 INVALID_QUERY', () => {
    it.each([
      ['an unknown field', '/users?fields=nope'],
      ['an unknown field in a list', '/users?fields=id,nope'],
      ['an unknown field in the array form', '/users?fields[]=id&fields[]=nope'],
      ['a column the API does not expose', '/users?fields=email_lower'],
      ['a path through a field that is not relational', '/users?fields=email.length'],
      ['an unknown related field', '/users?fields=role.nope'],
      ['an unknown related field, even when no row would be read', '/users?fields=role.nope&filter[id][_null]=true'],
      ['an unknown field behind the o2m alias, with no row', '/roles?fields=users.nope&filter[name][_eq]=Nope'],
      ['a wildcard with a named sub-field', '/users?fields=*.name'],
      ['one item', '/users/me?fields=nope'],
      ['an unknown roles field', '/roles?fields=email'],
    ])('%s', async (_name, url) => {
      const message = await invalidQuery(t(), url);
      expect(message).toMatch(/nope|email_lower|length|email|\*\.name/);
    });
  });
});
