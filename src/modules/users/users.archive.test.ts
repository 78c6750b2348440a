// Archive is a soft delete: status archived, the row and its data stay, every credential dies on
// the very next request and stays dead (sessions and reset links are ended, not only refused); the
// API lists archived users like any other; unarchiving sets draft.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { userRow } from './users.test-support.js';

describeEachDb('archive and unarchive', (t) => {
  let role: string;
  let n = 0;

  beforeAll(async () => {
    role = (await makeRole(t().db, { name: 'Archivable' })).id;
  });

  async function signedIn(): Promise<{ user: UserFixture; jwt: string; refresh: string }> {
    n += 1;
    const user = await makeUser(t().db, { email: `archive-${n}@example.com`, password: 'Archive-password-1', role, first_name: 'Kept', title: 'Keeper' });
    const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Archive-password-1', mode: 'json' } });
    expect(login.statusCode, login.body).toBe(200);
    const { access_token, refresh_token } = login.json().data;
    expect((await t().request({ url: '/users/me', as: access_token })).statusCode).toBe(200);
    expect((await t().request({ url: '/users/me', as: user.token })).statusCode).toBe(200);
    return { user, jwt: access_token, refresh: refresh_token };
  }

  const setStatus = (id: string, status: string) =>
    t().request({ method: 'PATCH', url: `/users/${id}?fields=id,status,first_name,title,email`, as: t().admin.token, payload: { status } });

  it('archiving keeps the row and its data, and every credential is refused on the next request', async () => {
    const { user, jwt, refresh } = await signedIn();
    const res = await setStatus(user.id, 'archived');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ id: user.id, status: 'archived', first_name: 'Kept', title: 'Keeper', email: user.email });

    const row = await userRow(t(), user.id);
    expect(row).toMatchObject({ status: 'archived', first_name: 'Kept', title: 'Keeper', email: user.email, role });
    expect(row?.password).toMatch(/^\$argon2id\$/);

    expect((await t().request({ url: '/users/me', as: user.token })).statusCode).toBe(401);
    expect((await t().request({ url: '/users/me', as: jwt })).statusCode).toBe(401);
    expect((await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refresh, mode: 'json' } })).statusCode).toBe(401);
    const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Archive-password-1' } });
    expect(login.statusCode).toBe(401);
    expect(login.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
  });

  it('GET /users lists archived users like any other; a filter on status leaves them out', async () => {
    const { user } = await signedIn();
    await setStatus(user.id, 'archived');
    const all = await t().request({ url: '/users?fields=id,status&limit=-1', as: t().admin.token });
    expect(all.json().data).toContainEqual({ id: user.id, status: 'archived' });
    const one = await t().request({ url: `/users/${user.id}?fields=status`, as: t().admin.token });
    expect(one.json()).toEqual({ data: { status: 'archived' } });
    const active = await t().request({ url: '/users?fields=id&filter[status][_neq]=archived&limit=-1', as: t().admin.token });
    expect(active.json().data).not.toContainEqual({ id: user.id });
  });

  it('unarchiving sets draft: the data is back, still no way in until an admin activates', async () => {
    const { user } = await signedIn();
    await setStatus(user.id, 'archived');
    const draft = await setStatus(user.id, 'draft');
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json().data).toMatchObject({ status: 'draft', first_name: 'Kept', title: 'Keeper' });
    expect((await t().request({ url: '/users/me', as: user.token })).statusCode).toBe(401);
    expect((await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Archive-password-1' } })).statusCode).toBe(401);

    expect((await setStatus(user.id, 'active')).statusCode).toBe(200);
    expect((await t().request({ url: '/users/me', as: user.token })).statusCode).toBe(200);
    expect((await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Archive-password-1' } })).statusCode).toBe(200);
  });

  it('the credentials die for good: made active again, the old sessions and a pending password-reset link stay dead (the static token, an admin setting, works again)', async () => {
    const { user, jwt, refresh } = await signedIn();
    const session = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Archive-password-1', mode: 'session' } });
    const cookie = session.cookies.find((c) => c.name === 'directus_session_token')!.value;
    // A reset link mailed before the archive (its token as stored, made through the service).
    expect((await t().request({ method: 'POST', url: '/auth/password/request', payload: { email: user.email } })).statusCode).toBe(204);
    const pending = await t().db.kysely.selectFrom('usher_one_time_tokens').select(['token', 'revoked_at']).where('user', '=', user.id).where('purpose', '=', 'password-reset').execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.revoked_at).toBeNull();

    expect((await setStatus(user.id, 'archived')).statusCode).toBe(200);
    expect((await setStatus(user.id, 'draft')).statusCode).toBe(200);
    expect((await setStatus(user.id, 'active')).statusCode).toBe(200);

    expect((await t().request({ url: '/users/me', as: jwt })).statusCode).toBe(401);
    expect((await t().request({ url: '/users/me', cookies: { directus_session_token: cookie } })).statusCode).toBe(401);
    expect((await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refresh, mode: 'json' } })).statusCode).toBe(401);
    const revoked = await t().db.kysely.selectFrom('usher_one_time_tokens').select('revoked_at').where('token', '=', pending[0]!.token).executeTakeFirstOrThrow();
    expect(revoked.revoked_at).not.toBeNull();
    expect((await t().request({ url: '/users/me', as: user.token })).statusCode).toBe(200);
    // A fresh sign-in works, of course.
    expect((await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'Archive-password-1' } })).statusCode).toBe(200);
  });

  it('archiving an invited user kills their invitation link', async () => {
    const res = await t().request({ method: 'POST', url: '/users/invite', as: t().admin.token, payload: { email: 'archive-invited@example.com', role } });
    expect(res.statusCode, res.body).toBe(200);
    const invited = await t().db.kysely.selectFrom('directus_users').select('id').where('email', '=', 'archive-invited@example.com').executeTakeFirstOrThrow();
    expect((await setStatus(invited.id, 'archived')).statusCode).toBe(200);
    const tokens = await t().db.kysely.selectFrom('usher_one_time_tokens').select('revoked_at').where('user', '=', invited.id).where('purpose', '=', 'invite').execute();
    expect(tokens.length).toBeGreaterThan(0);
    for (const tok of tokens) expect(tok.revoked_at).not.toBeNull();
  });

  it('archiving many at once with {keys, data}', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const res = await t().request({ method: 'PATCH', url: '/users?fields=id,status&sort=email', as: t().admin.token, payload: { keys: [a.user.id, b.user.id], data: { status: 'archived' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([
      { id: a.user.id, status: 'archived' },
      { id: b.user.id, status: 'archived' },
    ]);
    for (const s of [a, b]) expect((await t().request({ url: '/users/me', as: s.jwt })).statusCode).toBe(401);
  });

  it('a non-admin cannot archive, even themselves (403), and stays signed in', async () => {
    const { user, jwt } = await signedIn();
    const res = await t().request({ method: 'PATCH', url: '/users/me', as: jwt, payload: { status: 'archived' } });
    expect(res.statusCode, res.body).toBe(403);
    expect((await userRow(t(), user.id))?.status).toBe('active');
    expect((await t().request({ url: '/users/me', as: jwt })).statusCode).toBe(200);
  });
});
