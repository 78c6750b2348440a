// POST /auth/refresh (reference §2.3): rotation in json and cookie modes, a renewed cookie in
// session mode, the payload and credential errors, concurrent refreshes inside the grace window,
// users who are no longer active, and refresh tokens that are only ever stored hashed. Theft
// detection after the window is in refresh.reuse.test.ts.
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { describeEachDb, type TestApp } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole } from '../../../test/fixtures.js';
import { sha256 } from '../../util/crypto.js';
import { updateUserColumns } from '../users/users.repository.js';
import { code, cookieOf, ENV, login, loginJson, me, meByCookie, newUser, REFRESH, refreshCookie, refreshJson, SESSION, sessionsOf } from './refresh.test-support.js';

describeEachDb(
  'POST /auth/refresh',
  (t) => {
    it('json: rotates the refresh token; the new tokens work, and the old one rotates no further', async () => {
      const user = await newUser(t());
      const { refresh_token: r0 } = await loginJson(t(), user);

      const first = await refreshJson(t(), r0);
      expect(first.statusCode, first.body).toBe(200);
      const d1 = first.json().data;
      expect(Object.keys(d1).sort()).toEqual(['access_token', 'expires', 'refresh_token']);
      expect(d1.expires).toBe(900_000);
      expect(d1.refresh_token).not.toBe(r0);
      expect(d1.refresh_token).toMatch(/^[\w-]{43,}$/);
      expect(first.cookies).toEqual([]);
      expect((await me(t(), d1.access_token)).json()).toEqual({ data: { id: user.id } });

      const second = await refreshJson(t(), d1.refresh_token);
      expect(second.statusCode, second.body).toBe(200);
      const r2 = second.json().data.refresh_token;
      expect(r2).not.toBe(d1.refresh_token);
      expect(r2).not.toBe(r0);

      // r0 is two rotations behind: whoever presents it is not the client that holds r2.
      const replay = await refreshJson(t(), r0);
      expect(replay.statusCode, replay.body).toBe(401);
      expect(code(replay)).toBe('INVALID_CREDENTIALS');
    });

    it('cookie: rotates the refresh cookie (mode from the body, or by default when there is no body)', async () => {
      const user = await newUser(t());
      const c0 = cookieOf(await login(t(), user, 'cookie'), REFRESH)!.value;

      const first = await refreshCookie(t(), REFRESH, c0, 'cookie');
      expect(first.statusCode, first.body).toBe(200);
      const d1 = first.json().data;
      expect(Object.keys(d1).sort()).toEqual(['access_token', 'expires']);
      expect(d1.expires).toBe(900_000);
      const c1 = cookieOf(first, REFRESH)!;
      expect(c1).toMatchObject({ httpOnly: true, sameSite: 'Lax', maxAge: 604_800, path: '/' });
      expect(c1.value).not.toBe(c0);
      expect(c1.value).toMatch(/^[\w-]{43,}$/);
      expect((await me(t(), d1.access_token)).json()).toEqual({ data: { id: user.id } });

      // A browser refreshing with nothing but its cookie: no body at all.
      const second = await refreshCookie(t(), REFRESH, c1.value);
      expect(second.statusCode, second.body).toBe(200);
      const c2 = cookieOf(second, REFRESH)!.value;
      expect(c2).not.toBe(c1.value);

      const replay = await refreshCookie(t(), REFRESH, c0, 'cookie');
      expect(replay.statusCode, replay.body).toBe(401);
      expect(code(replay)).toBe('INVALID_CREDENTIALS');
    });

    it('session: renews the session cookie; the new cookie works and the session lasts another day', async () => {
      const user = await newUser(t());
      const s0 = cookieOf(await login(t(), user, 'session'), SESSION)!.value;
      const before = Date.now();

      const res = await refreshCookie(t(), SESSION, s0, 'session');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ data: { expires: 86_400_000 } });
      const s1 = cookieOf(res, SESSION)!;
      expect(s1).toMatchObject({ httpOnly: true, sameSite: 'Lax', maxAge: 86_400, path: '/' });
      expect(s1.value).toMatch(/^eyJ/);
      expect(s1.value).not.toBe(s0);
      expect(cookieOf(res, REFRESH)).toBeUndefined();
      expect((await meByCookie(t(), s1.value)).json()).toEqual({ data: { id: user.id } });

      const session = decodeJwt(s1.value).session as string;
      const row = await t().db.kysely.selectFrom('directus_sessions').selectAll().where('id', '=', session).executeTakeFirstOrThrow();
      expect(Date.parse(row.expires)).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    });

    it('inside the grace window, presenting the token just rotated away again gets the same successor', async () => {
      const user = await newUser(t());
      const { refresh_token: r0 } = await loginJson(t(), user);
      const r1 = (await refreshJson(t(), r0)).json().data.refresh_token;

      const again = await refreshJson(t(), r0);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json().data.refresh_token).toBe(r1);
      expect((await me(t(), again.json().data.access_token)).statusCode).toBe(200);
      // The session goes on.
      const next = await refreshJson(t(), r1);
      expect(next.statusCode, next.body).toBe(200);
    });

    it('two concurrent refreshes with the same token both succeed, with the same successor, in the same session', async () => {
      const user = await newUser(t());
      const { refresh_token: r0 } = await loginJson(t(), user);
      const [a, b] = await Promise.all([refreshJson(t(), r0), refreshJson(t(), r0)]);
      expect(a!.statusCode, a!.body).toBe(200);
      expect(b!.statusCode, b!.body).toBe(200);
      const [da, db] = [a!.json().data, b!.json().data];
      expect(da.refresh_token).toBe(db.refresh_token);
      expect(decodeJwt(da.access_token).session).toBe(decodeJwt(db.access_token).session);
      expect((await sessionsOf(t(), user.id)).length).toBe(1);
      const next = await refreshJson(t(), da.refresh_token);
      expect(next.statusCode, next.body).toBe(200);
    });

    it('a token two rotations behind ends the whole session, even inside the grace window', async () => {
      const user = await newUser(t());
      const { refresh_token: r0 } = await loginJson(t(), user);
      const r1 = (await refreshJson(t(), r0)).json().data.refresh_token;
      const { refresh_token: r2, access_token: a2 } = (await refreshJson(t(), r1)).json().data;

      expect((await refreshJson(t(), r0)).statusCode).toBe(401);
      expect((await me(t(), a2)).statusCode).toBe(401);
      expect((await refreshJson(t(), r2)).statusCode).toBe(401);
      expect(await sessionsOf(t(), user.id)).toEqual([]);
    });

    it('session: concurrent refreshes with the same cookie both succeed, and the old cookie works inside the window', async () => {
      const user = await newUser(t());
      const s0 = cookieOf(await login(t(), user, 'session'), SESSION)!.value;
      const [a, b] = await Promise.all([refreshCookie(t(), SESSION, s0, 'session'), refreshCookie(t(), SESSION, s0, 'session')]);
      expect(a!.statusCode, a!.body).toBe(200);
      expect(b!.statusCode, b!.body).toBe(200);
      const [sa, sb] = [cookieOf(a!, SESSION)!.value, cookieOf(b!, SESSION)!.value];
      expect(decodeJwt(sa).session).toBe(decodeJwt(sb).session);
      expect(decodeJwt(sa).session).not.toBe(decodeJwt(s0).session);
      expect((await meByCookie(t(), s0)).statusCode).toBe(200);
      expect((await meByCookie(t(), sa)).statusCode).toBe(200);
    });

    it('re-reads the role at refresh: the new access token carries the role the user has now', async () => {
      const user = await newUser(t());
      const { refresh_token } = await loginJson(t(), user);
      const admins = await makeRole(t().db, { admin: true });
      await updateUserColumns(t().db.kysely, user.id, { role: admins.id });
      const claims = decodeJwt((await refreshJson(t(), refresh_token)).json().data.access_token);
      expect(claims).toMatchObject({ id: user.id, role: admins.id, admin_access: true });
    });

    it('updates last_access', async () => {
      const user = await newUser(t());
      const { refresh_token } = await loginJson(t(), user);
      await updateUserColumns(t().db.kysely, user.id, { last_access: '2000-01-01T00:00:00.000Z' });
      const before = Date.now();
      expect((await refreshJson(t(), refresh_token)).statusCode).toBe(200);
      const row = await t().db.kysely.selectFrom('directus_users').select('last_access').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(Date.parse(String(row.last_access))).toBeGreaterThanOrEqual(before - 1000);
    });

    it('refresh tokens are stored only as their SHA-256: the clear token appears nowhere in the database', async () => {
      const user = await newUser(t());
      const { refresh_token: r0 } = await loginJson(t(), user);
      const c0 = cookieOf(await login(t(), user, 'cookie'), REFRESH)!.value;
      const r1 = (await refreshJson(t(), r0)).json().data.refresh_token as string;
      const c1 = cookieOf(await refreshCookie(t(), REFRESH, c0, 'cookie'), REFRESH)!.value;

      const sessions = await sessionsOf(t(), user.id);
      const retired = await t().db.kysely.selectFrom('usher_retired_refresh_tokens').selectAll().execute();
      const stored = JSON.stringify([sessions, retired]);
      for (const clear of [r0, r1, c0, c1]) expect(stored).not.toContain(clear);
      expect(sessions.map((s) => s.token).sort()).toEqual([sha256(r1), sha256(c1)].sort());
      expect(retired.map((r) => r.token)).toEqual(expect.arrayContaining([sha256(r0), sha256(c0)]));
    });

    describe('errors', () => {
      const required = { errors: [{ message: 'Invalid payload. The refresh token is required in either the payload or cookie.' }] };
      runScenarios(t, [
        { name: 'no body, no cookie: 400', method: 'POST', url: '/auth/refresh', status: 400, code: 'INVALID_PAYLOAD', expect: required },
        { name: 'json mode without a token: 400', method: 'POST', url: '/auth/refresh', body: { mode: 'json' }, status: 400, code: 'INVALID_PAYLOAD', expect: required },
        {
          name: 'cookie mode reads the cookie only, not a token in the body: 400',
          method: 'POST',
          url: '/auth/refresh',
          body: { mode: 'cookie', refresh_token: 'x'.repeat(43) },
          status: 400,
          code: 'INVALID_PAYLOAD',
          expect: required,
        },
        { name: 'session mode without a cookie: 400', method: 'POST', url: '/auth/refresh', body: { mode: 'session' }, status: 400, code: 'INVALID_PAYLOAD', expect: required },
        { name: 'an unknown mode: 400', method: 'POST', url: '/auth/refresh', body: { mode: 'magic', refresh_token: 'x' }, status: 400, code: 'INVALID_PAYLOAD' },
        { name: 'a token that is not a string: 400', method: 'POST', url: '/auth/refresh', body: { refresh_token: 12345 }, status: 400, code: 'INVALID_PAYLOAD' },
        {
          name: 'an unknown token: 401',
          method: 'POST',
          url: '/auth/refresh',
          body: { refresh_token: 'unknown-refresh-token-0123456789-0123456789' },
          status: 401,
          code: 'INVALID_CREDENTIALS',
        },
      ]);

      it('an unknown refresh cookie: 401', async () => {
        const res = await refreshCookie(t(), REFRESH, 'unknown-refresh-token-0123456789-0123456789', 'cookie');
        expect(res.statusCode, res.body).toBe(401);
        expect(code(res)).toBe('INVALID_CREDENTIALS');
      });

      it('a session cookie whose session has ended: 401', async () => {
        const user = await newUser(t());
        const s0 = cookieOf(await login(t(), user, 'session'), SESSION)!.value;
        await t().db.kysely.deleteFrom('directus_sessions').where('user', '=', user.id).execute();
        const res = await refreshCookie(t(), SESSION, s0, 'session');
        expect(res.statusCode, res.body).toBe(401);
        expect(code(res)).toBe('INVALID_CREDENTIALS');
      });

      it('an expired session: 401, and the row is removed', async () => {
        const user = await newUser(t());
        const { refresh_token } = await loginJson(t(), user);
        await t().db.kysely.updateTable('directus_sessions').set({ expires: new Date(Date.now() - 1000).toISOString() }).where('user', '=', user.id).execute();
        const res = await refreshJson(t(), refresh_token);
        expect(res.statusCode, res.body).toBe(401);
        expect(code(res)).toBe('INVALID_CREDENTIALS');
        expect(await sessionsOf(t(), user.id)).toEqual([]);
      });
    });

    describe('a user who is no longer active loses the session at refresh', () => {
      for (const mode of ['json', 'cookie', 'session'] as const) {
        it(`suspended (${mode} mode): 401 USER_SUSPENDED, then the session is gone`, async () => {
          const user = await newUser(t());
          const res = await login(t(), user, mode);
          const send = () =>
            mode === 'json'
              ? refreshJson(t(), res.json().data.refresh_token)
              : mode === 'cookie'
                ? refreshCookie(t(), REFRESH, cookieOf(res, REFRESH)!.value, 'cookie')
                : refreshCookie(t(), SESSION, cookieOf(res, SESSION)!.value, 'session');
          await updateUserColumns(t().db.kysely, user.id, { status: 'suspended' });
          const refused = await send();
          expect(refused.statusCode, refused.body).toBe(401);
          expect(refused.json()).toEqual({ errors: [{ message: 'User suspended.', extensions: { code: 'USER_SUSPENDED' } }] });
          expect(await sessionsOf(t(), user.id)).toEqual([]);
          // Made active again, the user still has to sign in again: that session is over.
          await updateUserColumns(t().db.kysely, user.id, { status: 'active' });
          const after = await send();
          expect(after.statusCode, after.body).toBe(401);
          expect(code(after)).toBe('INVALID_CREDENTIALS');
        });
      }

      for (const status of ['archived', 'draft', 'invited', 'unverified']) {
        it(`${status}: 401 INVALID_CREDENTIALS, and the session is gone`, async () => {
          const user = await newUser(t());
          const { refresh_token } = await loginJson(t(), user);
          await updateUserColumns(t().db.kysely, user.id, { status });
          const res = await refreshJson(t(), refresh_token);
          expect(res.statusCode, res.body).toBe(401);
          expect(code(res)).toBe('INVALID_CREDENTIALS');
          expect(await sessionsOf(t(), user.id)).toEqual([]);
        });
      }
    });
  },
  ENV,
);
