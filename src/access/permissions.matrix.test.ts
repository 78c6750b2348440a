// The permission matrix: roles with different rules, made through POST /permissions as an admin
// makes them (own row only, rows by a relational filter, some fields, validation with presets, no
// rights at all, the public role, admin), and what each caller reads, creates, updates and deletes,
// field by field and row by row. Every refused write leaves the database as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../test/fixtures.js';
import { expectUnchanged } from '../modules/users/users.test-support.js';

interface Rule {
  role: string | null;
  collection: string;
  action: 'create' | 'read' | 'update' | 'delete';
  fields?: string[];
  permissions?: object;
  validation?: object;
  presets?: object;
}

type Caller = 'admin' | 'own' | 'byFilter' | 'someFields' | 'validated' | 'nothing' | 'noRole' | 'anonymous';

describeEachDb('the permission matrix', (t) => {
  const roles: Record<string, string> = {};
  const users: Record<string, UserFixture> = {};
  const token = (who: Caller): string | null => (who === 'anonymous' ? null : who === 'admin' ? t().admin.token : users[who]!.token);

  async function grant(rule: Rule): Promise<void> {
    const res = await t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: rule });
    expect(res.statusCode, res.body).toBe(200);
  }

  beforeAll(async () => {
    const db = t().db;
    for (const name of ['Staff', 'Own', 'ByFilter', 'SomeFields', 'Validated', 'Nothing']) roles[name] = (await makeRole(db, { name, app: false })).id;
    users.own = await makeUser(db, { email: 'm-own@example.com', role: roles.Own, first_name: 'Olga', last_name: 'Own' });
    users.byFilter = await makeUser(db, { email: 'm-filter@example.com', role: roles.ByFilter, first_name: 'Fred' });
    users.someFields = await makeUser(db, { email: 'm-fields@example.com', role: roles.SomeFields, first_name: 'Fiona', last_name: 'Fields' });
    users.validated = await makeUser(db, { email: 'm-valid@example.com', role: roles.Validated, first_name: 'Val' });
    users.nothing = await makeUser(db, { email: 'm-nothing@example.com', role: roles.Nothing });
    users.noRole = await makeUser(db, { email: 'm-norole@example.com', role: null });
    users.staffTemp = await makeUser(db, { email: 'm-staff-temp@example.com', role: roles.Staff, title: 'temp', first_name: 'Tim', language: 'de-DE' });
    users.staffPerm = await makeUser(db, { email: 'm-staff-perm@example.com', role: roles.Staff, title: 'perm', first_name: 'Pam' });

    // Own row only: read three fields of themselves, change their first name.
    await grant({ role: roles.Own!, collection: 'directus_users', action: 'read', fields: ['id', 'email', 'first_name'], permissions: { id: { _eq: '$CURRENT_USER' } } });
    await grant({ role: roles.Own!, collection: 'directus_users', action: 'update', fields: ['first_name'], permissions: { id: { _eq: '$CURRENT_USER' } } });
    // Rows by a relational filter: every field of the Staff role's users; their title; delete temps.
    await grant({ role: roles.ByFilter!, collection: 'directus_users', action: 'read', fields: ['*'], permissions: { role: { name: { _eq: 'Staff' } } } });
    await grant({ role: roles.ByFilter!, collection: 'directus_users', action: 'update', fields: ['title'], permissions: { role: { name: { _eq: 'Staff' } } } });
    await grant({ role: roles.ByFilter!, collection: 'directus_users', action: 'delete', permissions: { _and: [{ role: { name: { _eq: 'Staff' } } }, { title: { _eq: 'temp' } }] } });
    // Some fields of every user.
    await grant({ role: roles.SomeFields!, collection: 'directus_users', action: 'read', fields: ['id', 'first_name', 'last_name'] });
    // Create with a validation and a preset; read back what they made.
    await grant({
      role: roles.Validated!,
      collection: 'directus_users',
      action: 'create',
      fields: ['email', 'first_name', 'title'],
      validation: { title: { _in: ['intern', 'contractor'] } },
      presets: { description: 'Made by Validated' },
    });
    await grant({ role: roles.Validated!, collection: 'directus_users', action: 'read', fields: ['id', 'email', 'title', 'description'], permissions: { description: { _eq: 'Made by Validated' } } });
    // The public role: the names of the Staff role, nothing of users.
    await grant({ role: null, collection: 'directus_roles', action: 'read', fields: ['id', 'name'], permissions: { name: { _eq: 'Staff' } } });
  });

  /**
   * GET /users?fields=*: the rows (sorted by email here: sorting by a field one may not read is
   * refused) and, per row, the fields that came back.
   */
  async function readAll(who: Caller) {
    const res = await t().request({ url: '/users?fields=*&sort=id&limit=-1', as: token(who) });
    const rows = res.statusCode === 200 ? (res.json().data as Record<string, unknown>[]) : [];
    return { status: res.statusCode, rows: rows.sort((a, b) => String(a.email ?? a.id).localeCompare(String(b.email ?? b.id))) };
  }

  describe('read: rows and fields', () => {
    it('admin: every user, every field', async () => {
      const { status, rows } = await readAll('admin');
      expect(status).toBe(200);
      expect(rows.length).toBe(9);
      for (const row of rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(['id', 'email', 'status', 'role', 'token', 'language', 'last_access']));
    });

    it('own row only: exactly their row, exactly the three fields', async () => {
      const { status, rows } = await readAll('own');
      expect(status).toBe(200);
      expect(rows).toEqual([{ id: users.own!.id, first_name: 'Olga', email: 'm-own@example.com' }]);
    });

    it('rows by a relational filter (role.name = Staff): exactly the Staff users, every field but others’ preferences', async () => {
      const { status, rows } = await readAll('byFilter');
      expect(status).toBe(200);
      expect(rows.map((r) => r.email)).toEqual(['m-staff-perm@example.com', 'm-staff-temp@example.com']);
      const temp = rows.find((r) => r.email === 'm-staff-temp@example.com')!;
      expect(temp).toMatchObject({ title: 'temp', first_name: 'Tim', role: roles.Staff, token: '**********', password: null });
      expect(temp.language).toBeNull(); // de-DE, but preferences are their user's
    });

    it('some fields: every user, exactly id, first_name and last_name', async () => {
      const { status, rows } = await readAll('someFields');
      expect(status).toBe(200);
      expect(rows.length).toBe(9);
      for (const row of rows) expect(Object.keys(row).sort()).toEqual(['first_name', 'id', 'last_name']);
      // Asking for, filtering on or sorting by a field outside the list is refused, not silently dropped.
      for (const query of ['fields=id,email', 'filter[email][_eq]=m-own@example.com', 'sort=email', 'fields=id,role.name']) {
        expect((await t().request({ url: `/users?${query}`, as: token('someFields') })).statusCode, query).toBe(403);
      }
    });

    it('validated: only the rows its read filter opens (none yet made by it)', async () => {
      const { status, rows } = await readAll('validated');
      expect(status).toBe(200);
      expect(rows).toEqual([]);
    });

    for (const who of ['nothing', 'noRole', 'anonymous'] as const) {
      it(`${who}: 403 on the list`, async () => {
        expect((await readAll(who)).status).toBe(403);
      });
    }

    it('an item outside the rows is 403, the same answer as a missing one', async () => {
      const outside = await t().request({ url: `/users/${users.own!.id}`, as: token('byFilter') });
      const missing = await t().request({ url: '/users/00000000-0000-4000-8000-000000000000', as: token('byFilter') });
      expect([outside.statusCode, missing.statusCode]).toEqual([403, 403]);
      expect(outside.body).toBe(missing.body);
      const inside = await t().request({ url: `/users/${users.staffPerm!.id}?fields=email`, as: token('byFilter') });
      expect(inside.json()).toEqual({ data: { email: 'm-staff-perm@example.com' } });
    });

    it('the public role: anonymous callers and users without a role read the roles it opens, with its fields', async () => {
      for (const who of ['anonymous', 'noRole'] as const) {
        const res = await t().request({ url: '/roles?fields=*', as: token(who) });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().data).toEqual([{ id: roles.Staff, name: 'Staff' }]);
      }
      // A user in a role without rules is not the public: nothing.
      expect((await t().request({ url: '/roles', as: token('nothing') })).statusCode).toBe(403);
    });
  });

  describe('create', () => {
    const create = (who: Caller, payload: object) => t().request({ method: 'POST', url: '/users', as: token(who), payload });

    for (const who of ['own', 'byFilter', 'someFields', 'nothing', 'noRole', 'anonymous'] as const) {
      it(`${who}: 403, nothing made`, async () => {
        const res = await expectUnchanged(t(), () => create(who, { email: `made-by-${who}@example.com` }));
        expect(res.statusCode, res.body).toBe(403);
      });
    }

    it('validated: a payload that passes is made, with the preset applied, and read back through its read rule', async () => {
      const res = await create('validated', { email: 'intern@example.com', first_name: 'Ina', title: 'intern' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({ email: 'intern@example.com', title: 'intern', description: 'Made by Validated' });
      expect(Object.keys(res.json().data).sort()).toEqual(['description', 'email', 'id', 'title']);
      const row = await t().db.kysely.selectFrom('directus_users').select(['description', 'first_name', 'status']).where('email', '=', 'intern@example.com').executeTakeFirstOrThrow();
      expect(row).toEqual({ description: 'Made by Validated', first_name: 'Ina', status: 'active' });
    });

    it('validated: a payload that fails the validation is 400 FAILED_VALIDATION, nothing made', async () => {
      const res = await expectUnchanged(t(), () => create('validated', { email: 'boss@example.com', title: 'boss' }));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions).toMatchObject({ code: 'FAILED_VALIDATION', field: 'title' });
      const missing = await expectUnchanged(t(), () => create('validated', { email: 'no-title@example.com' }));
      expect(missing.statusCode, missing.body).toBe(400);
    });

    it('validated: a field outside the rule is 403, nothing made; so is overriding the preset', async () => {
      expect((await expectUnchanged(t(), () => create('validated', { email: 'x1@example.com', title: 'intern', last_name: 'X' }))).statusCode).toBe(403);
      expect((await expectUnchanged(t(), () => create('validated', { email: 'x2@example.com', title: 'intern', description: 'mine' }))).statusCode).toBe(403);
    });

    it('a batch with one payload that fails: 400 and none of them is made', async () => {
      const res = await expectUnchanged(t(), () => create('validated', [{ email: 'b1@example.com', title: 'intern' }, { email: 'b2@example.com', title: 'boss' }] as never));
      expect(res.statusCode, res.body).toBe(400);
    });
  });

  describe('update', () => {
    const patch = (who: Caller, url: string, payload: object) => t().request({ method: 'PATCH', url, as: token(who), payload });

    it('own: their first name, on their row', async () => {
      const res = await patch('own', '/users/me?fields=first_name', { first_name: 'Olivia' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ first_name: 'Olivia' });
    });

    it('own: another field of their row, or any field of another row, is 403 and nothing changes', async () => {
      expect((await expectUnchanged(t(), () => patch('own', '/users/me', { last_name: 'Other' }))).statusCode).toBe(403);
      expect((await expectUnchanged(t(), () => patch('own', `/users/${users.staffTemp!.id}`, { first_name: 'Hacked' }))).statusCode).toBe(403);
    });

    it('by filter: the title of a Staff user; not of anyone else, not another field', async () => {
      const ok = await patch('byFilter', `/users/${users.staffPerm!.id}?fields=title`, { title: 'permanent' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().data).toEqual({ title: 'permanent' });
      expect((await expectUnchanged(t(), () => patch('byFilter', `/users/${users.own!.id}`, { title: 'x' }))).statusCode).toBe(403);
      expect((await expectUnchanged(t(), () => patch('byFilter', `/users/${users.staffPerm!.id}`, { first_name: 'x' }))).statusCode).toBe(403);
    });

    it('by filter: a batch that reaches one row outside the filter is 403 as a whole', async () => {
      const res = await expectUnchanged(t(), () => patch('byFilter', '/users', { keys: [users.staffPerm!.id, users.own!.id], data: { title: 'both' } }));
      expect(res.statusCode, res.body).toBe(403);
    });

    for (const who of ['someFields', 'validated', 'nothing', 'noRole'] as const) {
      it(`${who}: no update rule, 403 on their own row through /users/:id`, async () => {
        const res = await expectUnchanged(t(), () => patch(who, `/users/${users[who]!.id}`, { first_name: 'Changed' }));
        expect(res.statusCode, res.body).toBe(403);
      });
    }
  });

  describe('delete', () => {
    const del = (who: Caller, id: string) => t().request({ method: 'DELETE', url: `/users/${id}`, as: token(who) });

    it('by filter: a Staff temp goes; a Staff permanent and anyone else stay (403)', async () => {
      expect((await expectUnchanged(t(), () => del('byFilter', users.staffPerm!.id))).statusCode).toBe(403);
      expect((await expectUnchanged(t(), () => del('byFilter', users.own!.id))).statusCode).toBe(403);
      const temp = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'temp-2@example.com', role: roles.Staff, title: 'temp' } });
      const id = temp.json().data.id as string;
      expect((await del('byFilter', id)).statusCode).toBe(204);
      expect(await t().db.kysely.selectFrom('directus_users').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    });

    for (const who of ['own', 'someFields', 'validated', 'nothing', 'noRole', 'anonymous'] as const) {
      it(`${who}: 403, nobody goes`, async () => {
        expect((await expectUnchanged(t(), () => del(who, users.staffTemp!.id))).statusCode).toBe(403);
      });
    }
  });

  describe('GET /permissions/me: what the App asks', () => {
    it('says, per collection and action, none, partial (with the fields) or full', async () => {
      const me = async (who: Caller) => (await t().request({ url: '/permissions/me', as: token(who) })).json().data;
      const own = await me('own');
      expect(own.directus_users).toEqual({
        create: { access: 'none' },
        read: { access: 'partial', fields: ['id', 'email', 'first_name'], presets: null },
        update: { access: 'partial', fields: ['first_name'], presets: null },
        delete: { access: 'none' },
      });
      const validated = await me('validated');
      expect(validated.directus_users.create).toEqual({ access: 'partial', fields: ['email', 'first_name', 'title'], presets: { description: 'Made by Validated' } });
      const admin = await me('admin');
      expect(admin.directus_users.delete).toEqual({ access: 'full', fields: ['*'], presets: null });
      const nothing = await me('nothing');
      for (const action of ['create', 'read', 'update', 'delete']) expect(nothing.directus_roles[action]).toEqual({ access: 'none' });
      expect((await t().request({ url: '/permissions/me' })).statusCode).toBe(403);
    });

    it('per item (readItemPermissions): update and delete on this one row', async () => {
      const item = async (who: Caller, id: string) => (await t().request({ url: `/permissions/me/directus_users/${id}`, as: token(who) })).json().data;
      expect(await item('byFilter', users.staffTemp!.id)).toEqual({ update: { access: true }, delete: { access: true }, share: { access: false } });
      expect(await item('byFilter', users.staffPerm!.id)).toEqual({ update: { access: true }, delete: { access: false }, share: { access: false } });
      expect(await item('byFilter', users.own!.id)).toEqual({ update: { access: false }, delete: { access: false }, share: { access: false } });
    });
  });

  it('a change to a role’s rules takes effect on the very next request of its members', async () => {
    expect((await t().request({ url: '/users?fields=email', as: token('nothing') })).statusCode).toBe(403);
    await grant({ role: roles.Nothing!, collection: 'directus_users', action: 'read', fields: ['email'], permissions: { email: { _eq: '$CURRENT_USER.email' } } });
    const res = await t().request({ url: '/users?fields=email', as: token('nothing') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([{ email: 'm-nothing@example.com' }]);
    const rule = (await t().request({ url: `/permissions?filter[role][_eq]=${roles.Nothing}&fields=id`, as: t().admin.token })).json().data[0].id;
    expect((await t().request({ method: 'DELETE', url: `/permissions/${rule}`, as: t().admin.token })).statusCode).toBe(204);
    expect((await t().request({ url: '/users?fields=email', as: token('nothing') })).statusCode).toBe(403);
  });
});

