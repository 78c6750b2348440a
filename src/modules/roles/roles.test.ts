// /roles by each kind of caller: create (one, many), read, update (one, {keys, data}), delete (one,
// many), the field rules, the role's `users` (the App's *Users in Role*: reading lists them, writing
// moves them; admins only), what deleting a role does to its users (role null, suspended, signed
// out) and its permissions, and the last admin role, which cannot be deleted or demoted.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { newId } from '../../util/crypto.js';
import { expectUnchanged, makeCallers, unchanged, userRow, type Callers } from '../users/users.test-support.js';

const admin = (t: { admin: UserFixture }) => t.admin.token;

describeEachDb('/roles', (t) => {
  let c: Callers;
  let editors: string;
  let member: UserFixture;

  beforeAll(async () => {
    c = await makeCallers(t(), 'roles');
    editors = (await makeRole(t().db, { name: 'Editors' })).id;
    member = await makeUser(t().db, { email: 'member@example.com', role: editors, password: 'Member-password-1' });
  });

  const get = (url: string, as: string | null) => t().request({ url, as });
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, as: string | null, payload?: unknown) =>
    t().request({ method, url, as, ...(payload === undefined ? {} : { payload: payload as object }) });

  runScenarios(t, [
    unchanged({ name: 'create without a name: 400 FAILED_VALIDATION', method: 'POST', url: '/roles', as: admin, body: { icon: 'x' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'create with a field roles do not have: 400', method: 'POST', url: '/roles', as: admin, body: { name: 'X', colour: 'red' }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'create with a bad ip_access entry: 400 FAILED_VALIDATION', method: 'POST', url: '/roles', as: admin, body: { name: 'X', ip_access: ['10.0.0.0/33'] }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'create with admin_access that is not a boolean: 400', method: 'POST', url: '/roles', as: admin, body: { name: 'X', admin_access: 'yes' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'create with a user that does not exist: 400 INVALID_FOREIGN_KEY', method: 'POST', url: '/roles', as: admin, body: () => ({ name: 'X', users: [newId()] }), status: 400, code: 'INVALID_FOREIGN_KEY' }),
    unchanged({ name: 'an app user cannot create roles (403)', method: 'POST', url: '/roles', as: () => c.app.token, body: { name: 'Mine' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'an API-only user cannot create roles (403)', method: 'POST', url: '/roles', as: () => c.apiOnly.token, body: { name: 'Mine' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'a user without a role cannot create roles (403)', method: 'POST', url: '/roles', as: () => c.noRole.token, body: { name: 'Mine' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous cannot create roles (403)', method: 'POST', url: '/roles', body: { name: 'Mine' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'an app user cannot rename their role (403)', method: 'PATCH', url: () => `/roles/${c.app.role}`, as: () => c.app.token, body: { name: 'Renamed' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'an app user cannot delete their role (403)', method: 'DELETE', url: () => `/roles/${c.app.role}`, as: () => c.app.token, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin, an unknown role: 403', method: 'PATCH', url: () => `/roles/${newId()}`, as: admin, body: { name: 'Ghost' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin, delete with an unknown id among known ones: 403, none go', method: 'DELETE', url: '/roles', as: admin, body: () => [editors, newId()], status: 403, code: 'FORBIDDEN' }),
    { name: 'an app user reads their own role only', url: '/roles?fields=id', as: () => c.app.token, status: 200, expect: () => ({ data: [{ id: c.app.role }] }) },
    { name: 'an app user cannot read another role (403, as a missing one)', url: () => `/roles/${editors}`, as: () => c.app.token, status: 403, code: 'FORBIDDEN' },
    { name: 'an API-only user reads no roles', url: '/roles', as: () => c.apiOnly.token, status: 403, code: 'FORBIDDEN' },
    { name: 'anonymous reads no roles (the public role has no rule here)', url: '/roles', status: 403, code: 'FORBIDDEN' },
  ]);

  it('admin: create one and many, read them back, with the defaults Directus gives', async () => {
    const one = await send('POST', '/roles?fields=*', t().admin.token, { name: 'Reviewers', description: 'Reads things', ip_access: '127.0.0.1, 10.0.0.0/8' });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().data).toMatchObject({ name: 'Reviewers', icon: 'supervised_user_circle', description: 'Reads things', ip_access: ['127.0.0.1', '10.0.0.0/8'], enforce_tfa: false, admin_access: false, app_access: true, users: [] });
    const many = await send('POST', '/roles?fields=name', t().admin.token, [{ name: 'Batch A' }, { name: 'Batch B', app_access: false }]);
    expect(many.statusCode, many.body).toBe(200);
    // Read back as Directus reads them back (by key), not in the order sent.
    expect(many.json().data).toHaveLength(2);
    expect(many.json().data).toEqual(expect.arrayContaining([{ name: 'Batch A' }, { name: 'Batch B' }]));
    const listed = await get('/roles?filter[name][_starts_with]=Batch&fields=name,app_access&sort=name', t().admin.token);
    expect(listed.json().data).toEqual([{ name: 'Batch A', app_access: true }, { name: 'Batch B', app_access: false }]);
  });

  it('admin: update one, and many with {keys, data}; the revision keeps the values before', async () => {
    const a = (await send('POST', '/roles', t().admin.token, { name: 'Upd A' })).json().data.id as string;
    const b = (await send('POST', '/roles', t().admin.token, { name: 'Upd B' })).json().data.id as string;
    const one = await send('PATCH', `/roles/${a}?fields=name,enforce_tfa`, t().admin.token, { name: 'Upd A2', enforce_tfa: true });
    expect(one.json().data).toEqual({ name: 'Upd A2', enforce_tfa: true });
    const both = await send('PATCH', '/roles?fields=description&sort=name', t().admin.token, { keys: [a, b], data: { description: 'Both' } });
    expect(both.statusCode, both.body).toBe(200);
    expect(both.json().data).toEqual([{ description: 'Both' }, { description: 'Both' }]);
    const log = await get(`/activity?filter[item][_eq]=${a}&filter[action][_eq]=update&sort=id&fields=revisions.delta,revisions.before`, t().admin.token);
    expect(log.json().data).toEqual([
      { revisions: [{ delta: { name: 'Upd A2', enforce_tfa: true }, before: { name: 'Upd A', enforce_tfa: false } }] },
      { revisions: [{ delta: { description: 'Both' }, before: { description: null } }] },
    ]);
  });

  it('users: reading lists the members; writing the list moves users in and out', async () => {
    const role = (await send('POST', '/roles', t().admin.token, { name: 'Team' })).json().data.id as string;
    const [u1, u2, u3] = await Promise.all([1, 2, 3].map((i) => makeUser(t().db, { email: `team-${i}@example.com`, role: editors })));
    const set = await send('PATCH', `/roles/${role}?fields=users`, t().admin.token, { users: [u1!.id, u2!.id] });
    expect(set.statusCode, set.body).toBe(200);
    expect([...set.json().data.users].sort()).toEqual([u1!.id, u2!.id].sort());
    // Directus's alias form: add some, remove others.
    const alias = await send('PATCH', `/roles/${role}?fields=users.email`, t().admin.token, { users: { create: [], update: [{ id: u3!.id }], delete: [u1!.id] } });
    expect(alias.statusCode, alias.body).toBe(200);
    expect(alias.json().data.users.map((u: { email: string }) => u.email).sort()).toEqual(['team-2@example.com', 'team-3@example.com']);
    expect((await userRow(t(), u1!.id))?.role).toBeNull();
    // The whole list replaced by an empty one: nobody is left in the role.
    await send('PATCH', `/roles/${role}`, t().admin.token, { users: [] });
    expect((await get(`/roles/${role}?fields=users`, t().admin.token)).json().data).toEqual({ users: [] });
  });

  it('users: a new member’s very next request runs with the role’s rights', async () => {
    const admins = (await send('POST', '/roles', t().admin.token, { name: 'Second admins', admin_access: true })).json().data.id as string;
    const visible = async () => (await get('/users?fields=id&limit=-1', member.token)).json().data.length as number;
    expect(await visible()).toBe(1); // an app role: their own row
    expect((await send('PATCH', `/roles/${admins}`, t().admin.token, { users: { update: [member.id] } })).statusCode).toBe(200);
    expect(await visible()).toBeGreaterThan(5);
    expect((await send('PATCH', `/roles/${admins}`, t().admin.token, { users: { delete: [member.id] } })).statusCode).toBe(200);
    // Out of every role: the public rights, none on users.
    expect((await get('/users', member.token)).statusCode).toBe(403);
    await send('PATCH', `/users/${member.id}`, t().admin.token, { role: editors });
  });

  it('users and admin_access are admin-only, even with a rule granting every field of roles', async () => {
    const managers = await makeRole(t().db, { name: 'Role managers' });
    const manager = await makeUser(t().db, { email: 'role-manager@example.com', role: managers.id });
    for (const action of ['create', 'read', 'update']) {
      const res = await send('POST', '/permissions', t().admin.token, { role: managers.id, collection: 'directus_roles', action, fields: ['*'] });
      expect(res.statusCode, res.body).toBe(200);
    }
    const renamed = await send('PATCH', `/roles/${editors}?fields=description`, manager.token, { description: 'Managed' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    for (const payload of [{ users: [c.app.id] }, { admin_access: true }]) {
      const res = await expectUnchanged(t(), () => send('PATCH', `/roles/${editors}`, manager.token, payload));
      expect(res.statusCode, JSON.stringify(payload)).toBe(403);
    }
    const created = await expectUnchanged(t(), () => send('POST', '/roles', manager.token, { name: 'Sneaky', admin_access: true }));
    expect(created.statusCode).toBe(403);
  });

  it('deleting a role: its users keep their data with no role, suspended and signed out; its permissions go', async () => {
    const role = (await send('POST', '/roles', t().admin.token, { name: 'Doomed' })).json().data.id as string;
    const u = await makeUser(t().db, { email: 'doomed-member@example.com', role, password: 'Doomed-password-1', first_name: 'Kept' });
    const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: 'Doomed-password-1' } });
    const jwt = login.json().data.access_token as string;
    expect((await send('POST', '/permissions', t().admin.token, { role, collection: 'directus_users', action: 'read', fields: ['id'] })).statusCode).toBe(200);
    expect((await send('POST', '/auth/password/request', null, { email: u.email })).statusCode).toBe(204);

    expect((await send('DELETE', `/roles/${role}`, t().admin.token)).statusCode).toBe(204);
    // A reset link mailed before stays dead, even once the user is active again.
    const links = await t().db.kysely.selectFrom('usher_one_time_tokens').select('revoked_at').where('user', '=', u.id).where('purpose', '=', 'password-reset').execute();
    expect(links).toHaveLength(1);
    expect(links[0]!.revoked_at).not.toBeNull();
    expect(await userRow(t(), u.id)).toMatchObject({ role: null, status: 'suspended', first_name: 'Kept' });
    expect(await t().db.kysely.selectFrom('directus_permissions').select('id').where('role', '=', role).execute()).toEqual([]);
    expect((await get('/users/me', jwt)).statusCode).toBe(401);
    expect((await get(`/roles/${role}`, t().admin.token)).statusCode).toBe(403);
    // Made active again, the old session stays dead.
    await send('PATCH', `/users/${u.id}`, t().admin.token, { status: 'active' });
    expect((await get('/users/me', jwt)).statusCode).toBe(401);
  });

  it('a body-less request marked as JSON (what the Directus SDK sends on DELETE) is no body; bad JSON is 400', async () => {
    const id = (await send('POST', '/roles', t().admin.token, { name: 'No body' })).json().data.id as string;
    const headers = { authorization: `Bearer ${t().admin.token}`, 'content-type': 'application/json' };
    expect((await t().app.inject({ method: 'DELETE', url: `/roles/${id}`, headers })).statusCode).toBe(204);
    const bad = await t().app.inject({ method: 'POST', url: '/roles', headers, payload: '{"name": "Broken",' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const poisoned = await t().app.inject({ method: 'POST', url: '/roles', headers, payload: '{"name": "P", "__proto__": {"admin_access": true}}' });
    expect(poisoned.statusCode).toBe(400);
  });

  it('deleting many roles at once', async () => {
    const ids = (await send('POST', '/roles', t().admin.token, [{ name: 'Many 1' }, { name: 'Many 2' }])).json().data.map((r: { id: string }) => r.id);
    expect((await send('DELETE', '/roles', t().admin.token, ids)).statusCode).toBe(204);
    expect((await get(`/roles?filter[id][_in]=${ids.join(',')}`, t().admin.token)).json().data).toEqual([]);
  });

  it('the last admin role cannot be deleted or lose admin access (422), and its last active admin cannot leave it', async () => {
    // Take the other admin roles away first (the earlier tests made one).
    const others = (await get(`/roles?filter[admin_access][_eq]=true&filter[id][_neq]=${t().adminRole.id}&fields=id`, t().admin.token)).json().data.map((r: { id: string }) => r.id);
    if (others.length > 0) expect((await send('DELETE', '/roles', t().admin.token, others)).statusCode).toBe(204);
    for (const [method, url, payload] of [
      ['DELETE', `/roles/${t().adminRole.id}`, undefined],
      ['PATCH', `/roles/${t().adminRole.id}`, { admin_access: false }],
      ['PATCH', `/roles/${t().adminRole.id}`, { users: [] }],
    ] as const) {
      const res = await expectUnchanged(t(), () => send(method, url, t().admin.token, payload));
      expect(res.statusCode, `${method} ${JSON.stringify(payload)}: ${res.body}`).toBe(422);
      expect(res.json().errors[0].extensions.code).toBe('UNPROCESSABLE_CONTENT');
    }
  });
});
