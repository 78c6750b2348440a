// Delete is a hard delete, of one user or many, all or nothing: the row, its sessions, its static
// token, its pending invitations and other one-time tokens go; the activity log keeps a delete row
// with the user's id and email at the time.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, type TestApp } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { newId, sha256 } from '../../util/crypto.js';
import { expectUnchanged, makeCallers, unchanged, userRow, userWithRights, type Callers } from './users.test-support.js';

const admin = (t: TestApp) => t.admin.token;

describeEachDb('DELETE /users', (t) => {
  let c: Callers;
  let role: string;
  let deleter: UserFixture; // may delete users of the role `role` only
  const doomed: Record<string, UserFixture> = {};
  let n = 0;

  async function victim(): Promise<UserFixture> {
    n += 1;
    return makeUser(t().db, { email: `Victim-${n}@Example.com`, role, password: 'Victim-password-1' });
  }

  beforeAll(async () => {
    c = await makeCallers(t(), 'delete');
    role = (await makeRole(t().db, { name: 'Deletable' })).id;
    deleter = await userWithRights(t(), 'deleter@example.com', { delete: { permissions: { role: { _eq: role } } } });
    for (const k of ['byApp', 'byApi', 'byNoRole', 'byAnon', 'byDeleter', 'keys1', 'keys2', 'query1']) doomed[k] = await victim();
  });

  runScenarios(t, [
    unchanged({ name: 'app user without rows: 403', method: 'DELETE', url: () => `/users/${doomed.byApp!.id}`, as: () => c.app.token, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'app user without rows, on themselves: 403', method: 'DELETE', url: () => `/users/${c.app.id}`, as: () => c.app.token, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'API-only user: 403', method: 'DELETE', url: () => `/users/${doomed.byApi!.id}`, as: () => c.apiOnly.token, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'user without role: 403', method: 'DELETE', url: () => `/users/${doomed.byNoRole!.id}`, as: () => c.noRole.token, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous: 403', method: 'DELETE', url: () => `/users/${doomed.byAnon!.id}`, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'app user, many at once: 403 and nobody goes', method: 'DELETE', url: '/users', as: () => c.app.token, body: () => [doomed.byApp!.id, doomed.byApi!.id], status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'API-only user, many at once: 403', method: 'DELETE', url: '/users', as: () => c.apiOnly.token, body: () => [doomed.byApi!.id, doomed.byNoRole!.id], status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'user without role, many at once ({query}): 403', method: 'DELETE', url: '/users', as: () => c.noRole.token, body: () => ({ query: { filter: { id: { _eq: doomed.byNoRole!.id } } } }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous, many at once ({keys}): 403', method: 'DELETE', url: '/users', body: () => ({ keys: [doomed.byAnon!.id] }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin, an unknown id: 403', method: 'DELETE', url: () => `/users/${newId()}`, as: admin, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin, many with one unknown id: 403 and nobody goes', method: 'DELETE', url: '/users', as: admin, body: () => [doomed.keys1!.id, newId(), doomed.keys2!.id], status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'admin, a body that is no list of ids: 400', method: 'DELETE', url: '/users', as: admin, body: { ids: 'x' }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'admin, ids that are not strings: 400', method: 'DELETE', url: '/users', as: admin, body: [1, 2], status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: "a delete row's filter: a user outside it is 403", method: 'DELETE', url: () => `/users/${c.app.id}`, as: () => deleter.token, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: "a delete row's filter: a batch with one user outside it is 403, nobody goes", method: 'DELETE', url: '/users', as: () => deleter.token, body: () => [doomed.byDeleter!.id, c.app.id], status: 403, code: 'FORBIDDEN' }),
    {
      name: "a delete row's filter: a user inside it goes (204)",
      method: 'DELETE',
      url: () => `/users/${doomed.byDeleter!.id}`,
      as: () => deleter.token,
      status: 204,
      after: async (t) => expect(await userRow(t, doomed.byDeleter!.id)).toBeUndefined(),
    },
    {
      name: 'admin, {keys}: 204 and both go',
      method: 'DELETE',
      url: '/users',
      as: admin,
      body: () => ({ keys: [doomed.keys1!.id, doomed.keys2!.id] }),
      status: 204,
      after: async (t) => {
        expect(await userRow(t, doomed.keys1!.id)).toBeUndefined();
        expect(await userRow(t, doomed.keys2!.id)).toBeUndefined();
      },
    },
    {
      name: 'admin, {query}: 204 and the matching users go',
      method: 'DELETE',
      url: '/users',
      as: admin,
      body: () => ({ query: { filter: { email: { _eq: doomed.query1!.email } } } }),
      status: 204,
      after: async (t) => expect(await userRow(t, doomed.query1!.id)).toBeUndefined(),
    },
    { name: 'admin, an empty list: 204', method: 'DELETE', url: '/users', as: admin, body: [], status: 204 },
  ]);

  it('the row, its sessions, static token, retired refresh tokens, invitations and one-time tokens all go', async () => {
    const user = await victim();
    const k = t().db.kysely;
    // A session, then a refresh (which retires the first refresh token).
    const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Victim-password-1', mode: 'json' } });
    expect(login.statusCode, login.body).toBe(200);
    const refreshed = await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: login.json().data.refresh_token, mode: 'json' } });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const jwt = refreshed.json().data.access_token as string;
    // A password reset token and recovery codes.
    expect((await t().request({ method: 'POST', url: '/auth/password/request', payload: { email: user.email } })).statusCode).toBe(204);
    await k.insertInto('usher_recovery_codes').values({ user: user.id, code: sha256('recovery'), used_at: null }).execute();
    const sessions = await k.selectFrom('directus_sessions').select('id').where('user', '=', user.id).execute();
    expect(sessions).toHaveLength(1);
    const retired = () => k.selectFrom('usher_retired_refresh_tokens').select('token').where('session', '=', sessions[0]!.id).execute();
    expect(await retired()).toHaveLength(1);
    expect(await k.selectFrom('usher_one_time_tokens').select('token').where('user', '=', user.id).execute()).not.toHaveLength(0);

    const res = await t().request({ method: 'DELETE', url: `/users/${user.id}`, as: t().admin.token });
    expect(res.statusCode, res.body).toBe(204);

    expect(await userRow(t(), user.id)).toBeUndefined();
    expect(await k.selectFrom('directus_users').select('id').where('email_lower', '=', user.email.toLowerCase()).execute()).toEqual([]);
    expect(await k.selectFrom('directus_sessions').select('id').where('user', '=', user.id).execute()).toEqual([]);
    expect(await retired()).toEqual([]);
    expect(await k.selectFrom('usher_one_time_tokens').select('token').where('user', '=', user.id).execute()).toEqual([]);
    expect(await k.selectFrom('usher_recovery_codes').select('id').where('user', '=', user.id).execute()).toEqual([]);
    expect((await t().request({ url: '/users/me', as: user.token })).statusCode).toBe(401);
    expect((await t().request({ url: '/users/me', as: jwt })).statusCode).toBe(401);
  });

  it('a pending invitation goes with the invited user, and its link is dead', async () => {
    const invited = await t().request({ method: 'POST', url: '/users/invite', as: t().admin.token, payload: { email: 'pending-invite@example.com', role } });
    expect(invited.statusCode, invited.body).toBe(200);
    const row = await t().db.kysely.selectFrom('directus_users').select('id').where('email_lower', '=', 'pending-invite@example.com').executeTakeFirstOrThrow();
    expect(await t().db.kysely.selectFrom('usher_one_time_tokens').select('token').where('user', '=', row.id).where('purpose', '=', 'invite').execute()).toHaveLength(1);
    expect((await t().request({ method: 'DELETE', url: `/users/${row.id}`, as: t().admin.token })).statusCode).toBe(204);
    expect(await t().db.kysely.selectFrom('usher_one_time_tokens').select('token').where('user', '=', row.id).execute()).toEqual([]);
  });

  it('the log keeps a delete row with the id and the email at the time', async () => {
    const a = await victim();
    const b = await victim();
    const res = await t().request({ method: 'DELETE', url: '/users', as: t().admin.token, payload: [a.id, b.id] });
    expect(res.statusCode, res.body).toBe(204);
    for (const u of [a, b]) {
      const log = await t().request({ url: `/activity?filter[action][_eq]=delete&filter[item][_eq]=${u.id}&fields=action,user,collection,item,revisions.data`, as: t().admin.token });
      expect(log.json().data).toEqual([{ action: 'delete', user: t().admin.id, collection: 'directus_users', item: u.id, revisions: [{ data: { id: u.id, email: u.email } }] }]);
    }
  });

  it('deleting many is one transaction: the last-admin rule refusing it keeps everyone', async () => {
    const a = await victim();
    const res = await expectUnchanged(t(), () => t().request({ method: 'DELETE', url: '/users', as: t().admin.token, payload: [a.id, t().admin.id] }));
    expect(res.statusCode).toBe(422);
  });
});
