// PATCH /users/:id, PATCH /users/me and PATCH /users/me/track/page by each kind of caller: who may
// change what, the read-back (an object, or 204 when the caller can't read the result), the rules
// a change must pass, and that every refused request leaves the database as it was.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeUser, type UserFixture } from '../../../test/fixtures.js';
import { newId, sha256 } from '../../util/crypto.js';
import { updateSettings } from '../settings/settings.repository.js';
import { expectUnchanged } from './users.test-support.js';
import { countRows, makeCallers, unchanged, userRow, userWithRights, type Callers } from './users.test-support.js';

const admin = (t: { admin: UserFixture }) => t.admin.token;

describeEachDb('PATCH /users/:id, /users/me, /users/me/track/page', (t) => {
  let c: Callers;
  let target: UserFixture;
  let editor: UserFixture; // may update first_name of everyone, reads only themselves
  let teamLead: UserFixture; // may update users of their own role only

  beforeAll(async () => {
    c = await makeCallers(t(), 'update');
    target = await makeUser(t().db, { email: 'target@example.com', first_name: 'Target' });
    editor = await userWithRights(t(), 'editor@example.com', { update: { fields: 'first_name' } });
    teamLead = await userWithRights(t(), 'lead@example.com', { update: { fields: 'title', permissions: { role: { _eq: '$CURRENT_ROLE' } } }, read: { fields: '*' } });
  });

  runScenarios(t, [
    {
      name: 'admin: 200 with the user read back as an object',
      method: 'PATCH',
      url: () => `/users/${target.id}?fields=id,first_name,title`,
      as: admin,
      body: { first_name: 'Changed', title: 'Chief' },
      status: 200,
      expect: () => ({ data: { id: target.id, first_name: 'Changed', title: 'Chief' } }),
    },
    unchanged({ name: 'admin: an unknown id is 403', method: 'PATCH', url: () => `/users/${newId()}`, as: admin, body: { first_name: 'Ghost' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin: a malformed id is 403', method: 'PATCH', url: '/users/not-a-uuid', as: admin, body: { first_name: 'Ghost' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin: an email taken in another case is 400 RECORD_NOT_UNIQUE', method: 'PATCH', url: () => `/users/${target.id}`, as: admin, body: { email: 'Admin@Example.com' }, status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: 'admin: tfa_secret is 400 INVALID_PAYLOAD', method: 'PATCH', url: () => `/users/${target.id}`, as: admin, body: { tfa_secret: null }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'admin: a short static token is 400 FAILED_VALIDATION', method: 'PATCH', url: () => `/users/${target.id}`, as: admin, body: { token: 'too-short' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'admin: an invalid status is 400 FAILED_VALIDATION', method: 'PATCH', url: () => `/users/${target.id}`, as: admin, body: { status: 'retired' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'admin: an unknown field is 400 INVALID_PAYLOAD', method: 'PATCH', url: () => `/users/${target.id}`, as: admin, body: { nickname: 'x' }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'admin: a bad ?fields is refused before the write', method: 'PATCH', url: () => `/users/${target.id}?fields=nope`, as: admin, body: { first_name: 'Nope' }, status: 400, code: 'INVALID_QUERY' }),
    {
      name: 'admin: the email may change case on its own row; it is stored as typed',
      method: 'PATCH',
      url: () => `/users/${target.id}?fields=email`,
      as: admin,
      body: { email: 'TARGET@Example.com' },
      status: 200,
      expect: { data: { email: 'TARGET@Example.com' } },
    },
    {
      name: 'admin: a static token is set (stored hashed, read masked) and cleared with null',
      method: 'PATCH',
      url: () => `/users/${target.id}?fields=token`,
      as: admin,
      body: { token: 'target-static-token-target-static-token' },
      status: 200,
      expect: { data: { token: '**********' } },
      notContains: ['target-static-token-target-static-token'],
      after: async (t) => {
        expect((await userRow(t, target.id))?.token).toBe(sha256('target-static-token-target-static-token'));
        expect((await t.request({ url: '/users/me?fields=id', as: 'target-static-token-target-static-token' })).statusCode).toBe(200);
        const cleared = await t.request({ method: 'PATCH', url: `/users/${target.id}?fields=token`, as: t.admin.token, payload: { token: null } });
        expect(cleared.json()).toEqual({ data: { token: null } });
        expect((await t.request({ url: '/users/me', as: 'target-static-token-target-static-token' })).statusCode).toBe(401);
      },
    },
    unchanged({ name: 'app user without rows: another user is 403', method: 'PATCH', url: () => `/users/${target.id}`, as: () => c.app.token, body: { first_name: 'Hacked' }, status: 403, code: 'FORBIDDEN' }),
    {
      name: 'app user without rows: their own profile through /users/:id is 200',
      method: 'PATCH',
      url: () => `/users/${c.app.id}?fields=id,first_name`,
      as: () => c.app.token,
      body: { first_name: 'Appy' },
      status: 200,
      expect: () => ({ data: { id: c.app.id, first_name: 'Appy' } }),
    },
    unchanged({ name: 'API-only user: even their own row is 403', method: 'PATCH', url: () => `/users/${c.apiOnly.id}`, as: () => c.apiOnly.token, body: { first_name: 'Api' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'user without role: 403', method: 'PATCH', url: () => `/users/${c.noRole.id}`, as: () => c.noRole.token, body: { first_name: 'None' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous: 403', method: 'PATCH', url: () => `/users/${target.id}`, body: { first_name: 'Anon' }, status: 403, code: 'FORBIDDEN' }),
    {
      name: 'an update row on everyone, read only of self: 204 and the change is made',
      method: 'PATCH',
      url: () => `/users/${target.id}`,
      as: () => editor.token,
      body: { first_name: 'Edited' },
      status: 204,
      after: async (t) => expect((await userRow(t, target.id))?.first_name).toBe('Edited'),
    },
    unchanged({ name: 'an update row: a field outside it is 403', method: 'PATCH', url: () => `/users/${target.id}`, as: () => editor.token, body: { last_name: 'Nope' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: "an update row on everyone doesn't lend the app's self-only fields to other rows: email (403)", method: 'PATCH', url: () => `/users/${target.id}`, as: () => editor.token, body: { email: 'taken-over@example.com' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: "an update row on everyone doesn't lend the app's self-only fields to other rows: password (403)", method: 'PATCH', url: () => `/users/${target.id}`, as: () => editor.token, body: { first_name: 'Fine', password: 'Taken-over-1' }, status: 403, code: 'FORBIDDEN' }),
    {
      name: 'the same caller still changes the row rule and the self rule together on their own row',
      method: 'PATCH',
      url: '/users/me?fields=first_name,last_name',
      as: () => editor.token,
      body: { first_name: 'Ed', last_name: 'Itor' },
      status: 200,
      expect: { data: { first_name: 'Ed', last_name: 'Itor' } },
    },
    unchanged({ name: "an update row's filter: a row outside it is 403", method: 'PATCH', url: () => `/users/${target.id}`, as: () => teamLead.token, body: { title: 'Nope' }, status: 403, code: 'FORBIDDEN' }),
    {
      name: "an update row's filter: a row inside it is 200",
      method: 'PATCH',
      url: () => `/users/${teamLead.id}?fields=title`,
      as: () => teamLead.token,
      body: { title: 'Lead' },
      status: 200,
      expect: { data: { title: 'Lead' } },
    },
    {
      name: 'PATCH /users/me, app user: 200 with their row',
      method: 'PATCH',
      url: '/users/me?fields=id,last_name',
      as: () => c.app.token,
      body: { last_name: 'Self' },
      status: 200,
      expect: () => ({ data: { id: c.app.id, last_name: 'Self' } }),
    },
    unchanged({ name: 'PATCH /users/me, API-only user: 403', method: 'PATCH', url: '/users/me', as: () => c.apiOnly.token, body: { last_name: 'Self' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'PATCH /users/me, user without role: 403', method: 'PATCH', url: '/users/me', as: () => c.noRole.token, body: { last_name: 'Self' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'PATCH /users/me, anonymous: 401', method: 'PATCH', url: '/users/me', body: { last_name: 'Self' }, status: 401, code: 'INVALID_CREDENTIALS' }),
    unchanged({ name: 'PATCH /users/me/track/page, anonymous: 401', method: 'PATCH', url: '/users/me/track/page', body: { last_page: '/x' }, status: 401, code: 'INVALID_CREDENTIALS' }),
    unchanged({ name: 'PATCH /users/me/track/page without last_page: 400', method: 'PATCH', url: '/users/me/track/page', as: () => c.app.token, body: {}, status: 400, code: 'INVALID_PAYLOAD' }),
  ]);

  it('PATCH /users/me/track/page records the page for every signed-in caller, whatever their rights (204)', async () => {
    for (const [who, u] of [['admin', t().admin], ['app', c.app], ['api', c.apiOnly], ['norole', c.noRole]] as const) {
      const res = await t().request({ method: 'PATCH', url: '/users/me/track/page', as: u.token, payload: { last_page: `/content/${who}` } });
      expect(res.statusCode, `${who}: ${res.body}`).toBe(204);
      expect((await userRow(t(), u.id))?.last_page).toBe(`/content/${who}`);
    }
  });

  it("a new password ends the user's other sessions and keeps their static token", async () => {
    const u = await makeUser(t().db, { email: 'pw-change@example.com', password: 'Before-password-1', role: c.app.role });
    const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: 'Before-password-1' } });
    expect(login.statusCode, login.body).toBe(200);
    const jwt = login.json().data.access_token as string;
    const res = await t().request({ method: 'PATCH', url: `/users/${u.id}`, as: t().admin.token, payload: { password: 'After-password-1' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('After-password-1');
    expect((await t().request({ url: '/users/me', as: jwt })).statusCode).toBe(401);
    expect((await t().request({ url: '/users/me', as: u.token })).statusCode).toBe(200);
    expect((await t().request({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: 'After-password-1' } })).statusCode).toBe(200);
  });

  it('changing your own password through /users/me keeps the session that made the change', async () => {
    const u = await makeUser(t().db, { email: 'pw-self@example.com', password: 'Before-password-1', role: c.app.role });
    const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: 'Before-password-1' } });
    const jwt = login.json().data.access_token as string;
    const res = await t().request({ method: 'PATCH', url: '/users/me', as: jwt, payload: { password: 'After-password-1' } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t().request({ url: '/users/me', as: jwt })).statusCode).toBe(200);
    expect(await countRows(t(), 'directus_sessions')).toBeGreaterThan(0);
  });
  it('auth_password_policy applies to every update path: PATCH /users/:id, /users/me and the batch forms (400, never echoed, nothing changes)', async () => {
    const u = await makeUser(t().db, { email: 'pw-policy@example.com', password: 'Before-password-1', role: c.app.role });
    await updateSettings(t().db.kysely, { auth_password_policy: '/^.{16,}$/' });
    try {
      const weak = 'short-Pass-1';
      const attempts = [
        { method: 'PATCH' as const, url: `/users/${u.id}`, as: t().admin.token, payload: { password: weak } },
        { method: 'PATCH' as const, url: '/users/me', as: u.token, payload: { password: weak } },
        { method: 'PATCH' as const, url: '/users', as: t().admin.token, payload: { keys: [u.id], data: { password: weak } } },
        { method: 'PATCH' as const, url: '/users', as: t().admin.token, payload: [{ id: u.id, password: weak }] },
      ];
      for (const a of attempts) {
        const res = await expectUnchanged(t(), () => t().request(a));
        expect(res.statusCode, `${a.url}: ${res.body}`).toBe(400);
        expect(res.json().errors[0].extensions).toMatchObject({ code: 'FAILED_VALIDATION', field: 'password' });
        expect(res.body).not.toContain(weak);
      }
      const ok = await t().request({ method: 'PATCH', url: '/users/me', as: u.token, payload: { password: 'a long enough passphrase' } });
      expect(ok.statusCode, ok.body).toBe(200);
    } finally {
      await updateSettings(t().db.kysely, { auth_password_policy: null });
    }
  });
});
