// POST /auth/logout, route by route and error by error: which credential it takes in each mode,
// what it answers when there is none or it is unknown, the cookies it clears, and that it ends only
// the session it was given. (That the access tokens of that session stop working at once, in every
// mode, is in tokens.revocation.test.ts.)
import { beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDb, type TestApp } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';

const PASSWORD = 'correct horse battery staple';
const ENV = { RATE_LIMITER_LOGIN_ENABLED: 'false' };

function login(t: TestApp, user: UserFixture, mode: 'json' | 'cookie' | 'session') {
  return t.request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode } });
}

function setCookies(res: LightMyRequestResponse): string[] {
  const h = res.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [String(h)];
}

async function sessionsOf(t: TestApp, user: UserFixture): Promise<number> {
  const rows = await t.db.kysely.selectFrom('directus_sessions').select('token').where('user', '=', user.id).execute();
  return rows.length;
}

describeEachDb(
  'POST /auth/logout',
  (t) => {
    let user: UserFixture;
    beforeAll(async () => {
      const role = await makeRole(t().db, { app: true });
      user = await makeUser(t().db, { email: 'logout@example.com', password: PASSWORD, role: role.id });
    });

    it('json: ends the session of the refresh token in the body, 204 with both cookies cleared', async () => {
      const kept = (await login(t(), user, 'json')).json().data;
      const ended = (await login(t(), user, 'json')).json().data;
      const before = await sessionsOf(t(), user);
      const res = await t().request({ method: 'POST', url: '/auth/logout', payload: { refresh_token: ended.refresh_token } });
      expect(res.statusCode, res.body).toBe(204);
      expect(res.body).toBe('');
      const cleared = setCookies(res);
      for (const name of ['directus_refresh_token', 'directus_session_token']) {
        expect(cleared.some((c) => c.startsWith(`${name}=;`) && /Expires=Thu, 01 Jan 1970/.test(c)), `${name} cleared: ${cleared.join(' | ')}`).toBe(true);
      }
      expect(await sessionsOf(t(), user)).toBe(before - 1);
      // The other session is untouched.
      const refreshed = await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: kept.refresh_token } });
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      // The ended refresh token is no good any more.
      const again = await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: ended.refresh_token } });
      expect(again.statusCode).toBe(401);
    });

    it('cookie (the default without a refresh_token in the body): ends the session of the refresh cookie', async () => {
      const res = await login(t(), user, 'cookie');
      const refresh = res.cookies.find((c) => c.name === 'directus_refresh_token')!.value;
      const before = await sessionsOf(t(), user);
      const out = await t().request({ method: 'POST', url: '/auth/logout', cookies: { directus_refresh_token: refresh } });
      expect(out.statusCode, out.body).toBe(204);
      expect(await sessionsOf(t(), user)).toBe(before - 1);
    });

    it('session: ends the session of the session cookie', async () => {
      const res = await login(t(), user, 'session');
      const cookie = res.cookies.find((c) => c.name === 'directus_session_token')!.value;
      const before = await sessionsOf(t(), user);
      const out = await t().request({ method: 'POST', url: '/auth/logout', payload: { mode: 'session' }, cookies: { directus_session_token: cookie } });
      expect(out.statusCode, out.body).toBe(204);
      expect(await sessionsOf(t(), user)).toBe(before - 1);
      expect((await t().request({ url: '/users/me', cookies: { directus_session_token: cookie } })).statusCode).toBe(401);
    });

    it('without any refresh token: 400 INVALID_PAYLOAD, nothing ends', async () => {
      await login(t(), user, 'json');
      const before = await sessionsOf(t(), user);
      for (const payload of [{}, { mode: 'json' }, { mode: 'session' }, { mode: 'cookie' }, { refresh_token: '' }]) {
        const res = await t().request({ method: 'POST', url: '/auth/logout', payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
      }
      expect(await sessionsOf(t(), user)).toBe(before);
    });

    it('a mode that does not exist: 400 INVALID_PAYLOAD', async () => {
      const { refresh_token } = (await login(t(), user, 'json')).json().data;
      const before = await sessionsOf(t(), user);
      for (const mode of ['jwt', 42, true]) {
        const res = await t().request({ method: 'POST', url: '/auth/logout', payload: { mode, refresh_token } });
        expect(res.statusCode, String(mode)).toBe(400);
        expect(res.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
      }
      expect(await sessionsOf(t(), user)).toBe(before);
    });

    it('an unknown refresh token or a forged session cookie: 204, as in Directus, and nothing ends', async () => {
      await login(t(), user, 'json');
      const before = await sessionsOf(t(), user);
      const unknown = await t().request({ method: 'POST', url: '/auth/logout', payload: { refresh_token: 'not-a-refresh-token-not-a-refresh-token' } });
      expect(unknown.statusCode, unknown.body).toBe(204);
      const forged = await t().request({ method: 'POST', url: '/auth/logout', payload: { mode: 'session' }, cookies: { directus_session_token: 'eyJhbGciOiJIUzI1NiJ9.e30.forged' } });
      expect(forged.statusCode, forged.body).toBe(204);
      expect(await sessionsOf(t(), user)).toBe(before);
    });

    it('a stale Authorization header does not get in the way', async () => {
      const { refresh_token } = (await login(t(), user, 'json')).json().data;
      const res = await t().request({ method: 'POST', url: '/auth/logout', payload: { refresh_token }, headers: { authorization: 'Bearer expired.or.forged' } });
      expect(res.statusCode, res.body).toBe(204);
    });
  },
  ENV,
);

describeEachDb('GET /auth', (t) => {
  it('lists the SSO providers (none) and that the default login is on, as Directus answers it', async () => {
    const res = await t().request({ url: '/auth' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: [], disableDefault: false });
  });
});
