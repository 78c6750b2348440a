// POST /auth/login as Directus answers it (reference §2.2): the three modes with their exact bodies
// and cookies, payload errors, one answer (401 INVALID_CREDENTIALS) for every way of not getting in,
// the side effects of a good login, a stale Authorization header that must not get in the way, and
// the stall that keeps known and unknown emails indistinguishable by time.
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { describeEachDb, TEST_SECRET, type TestApp } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { sha256 } from '../../util/crypto.js';

const PASSWORD = 'correct horse battery staple';
const UA = 'usher-login-test/1.0';
// Many sign-ins from one address in one file: the per-IP limit has its own tests.
const ENV = { RATE_LIMITER_LOGIN_ENABLED: 'false' };

function loginAs(t: TestApp, email: string, password: string, mode?: string, headers: Record<string, string> = {}) {
  return t.request({ method: 'POST', url: '/auth/login', payload: { email, password, ...(mode ? { mode } : {}) }, headers });
}

function cookie(res: LightMyRequestResponse, name: string) {
  return res.cookies.find((c) => c.name === name);
}

function setCookieHeaders(res: LightMyRequestResponse): string[] {
  const h = res.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [String(h)];
}

/** A JWT signed with the right secret and issuer, but expired an hour ago. */
async function expiredJwt(userId: string): Promise<string> {
  const past = Math.floor(Date.now() / 1000) - 3600;
  return new SignJWT({ id: userId, role: null, app_access: true, admin_access: false, session: '00000000-0000-4000-8000-000000000000' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('directus')
    .setIssuedAt(past - 900)
    .setExpirationTime(past)
    .sign(new TextEncoder().encode(TEST_SECRET));
}

describeEachDb(
  'POST /auth/login',
  (t) => {
    let alice: UserFixture;
    let roleId: string;

    it('sets up a user with a password', async () => {
      const role = await makeRole(t().db, { name: 'Editors', app: true });
      roleId = role.id;
      alice = await makeUser(t().db, { email: 'Alice@Example.com', password: PASSWORD, role: role.id });
    });

    it('json (the default mode): access token, refresh token and expires in ms; no cookie', async () => {
      for (const mode of [undefined, 'json']) {
        const res = await loginAs(t(), 'Alice@Example.com', PASSWORD, mode);
        expect(res.statusCode, res.body).toBe(200);
        const { data } = res.json();
        expect(Object.keys(data).sort()).toEqual(['access_token', 'expires', 'refresh_token']);
        expect(data.expires).toBe(900_000);
        expect(data.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
        // At least 256 random bits, URL-safe.
        expect(data.refresh_token).toMatch(/^[\w-]{43,}$/);
        expect(setCookieHeaders(res)).toEqual([]);
        const me = await t().request({ url: '/users/me?fields=id', as: data.access_token });
        expect(me.json()).toEqual({ data: { id: alice.id } });
      }
    });

    it('cookie: access token and expires in the body, the refresh token in an httpOnly SameSite=Lax cookie for 7 days', async () => {
      const res = await loginAs(t(), 'alice@example.com', PASSWORD, 'cookie');
      expect(res.statusCode, res.body).toBe(200);
      const { data } = res.json();
      expect(Object.keys(data).sort()).toEqual(['access_token', 'expires']);
      expect(data.expires).toBe(900_000);
      const c = cookie(res, 'directus_refresh_token');
      expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', maxAge: 7 * 24 * 3600, path: '/' });
      expect(c!.value).toMatch(/^[\w-]{43,}$/);
      expect(c!.secure).toBeFalsy();
      expect(cookie(res, 'directus_session_token')).toBeUndefined();
      const [raw] = setCookieHeaders(res);
      expect(raw).toMatch(/HttpOnly/);
      expect(raw).toMatch(/SameSite=Lax/);
      expect(raw).toMatch(/Max-Age=604800/);
      expect(raw).not.toContain(data.access_token);
    });

    it('session: only expires (1 day) in the body, the access token in an httpOnly SameSite=Lax session cookie', async () => {
      const res = await loginAs(t(), 'alice@example.com', PASSWORD, 'session');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ data: { expires: 86_400_000 } });
      const c = cookie(res, 'directus_session_token');
      expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', maxAge: 86_400, path: '/' });
      expect(c!.value).toMatch(/^eyJ/);
      expect(cookie(res, 'directus_refresh_token')).toBeUndefined();
      const [raw] = setCookieHeaders(res);
      expect(raw).toMatch(/^directus_session_token=eyJ.*HttpOnly/);
      expect(raw).toMatch(/SameSite=Lax/);
      expect(raw).toMatch(/Max-Age=86400/);
      const me = await t().request({ url: '/users/me?fields=id,role', cookies: { directus_session_token: c!.value } });
      expect(me.json()).toEqual({ data: { id: alice.id, role: roleId } });
    });

    it('opens a session row per login, with the address and user agent, expiring with the refresh token', async () => {
      const before = Date.now();
      const res = await loginAs(t(), 'alice@example.com', PASSWORD, 'json', { 'user-agent': UA });
      const { refresh_token } = res.json().data;
      const row = await t()
        .db.kysely.selectFrom('directus_sessions')
        .selectAll()
        .where('token', '=', sha256(refresh_token))
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ user: alice.id, ip: '127.0.0.1', user_agent: UA });
      const expires = Date.parse(row.expires);
      expect(expires).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000 + 1000);
    });

    it('writes a login activity row and sets last_access', async () => {
      const db = t().db.kysely;
      const bob = await makeUser(t().db, { email: 'bob@example.com', password: PASSWORD, role: roleId });
      const lastAccessBefore = (await db.selectFrom('directus_users').select('last_access').where('id', '=', bob.id).executeTakeFirstOrThrow()).last_access;
      expect(lastAccessBefore).toBeNull();

      const before = Date.now();
      const res = await loginAs(t(), 'bob@example.com', PASSWORD, 'json', { 'user-agent': UA });
      expect(res.statusCode, res.body).toBe(200);

      const rows = await db.selectFrom('directus_activity').selectAll().where('user', '=', bob.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'login', collection: 'directus_users', item: bob.id, ip: '127.0.0.1', user_agent: UA });
      expect(Date.parse(rows[0]!.timestamp)).toBeGreaterThanOrEqual(before - 1000);
      const { last_access } = await db.selectFrom('directus_users').select('last_access').where('id', '=', bob.id).executeTakeFirstOrThrow();
      expect(last_access).not.toBeNull();
      expect(Date.parse(String(last_access))).toBeGreaterThanOrEqual(before - 1000);
    });

    it('a failed login writes no login activity, opens no session and leaves last_access alone', async () => {
      const db = t().db.kysely;
      const carol = await makeUser(t().db, { email: 'carol@example.com', password: PASSWORD, role: roleId });
      const res = await loginAs(t(), 'carol@example.com', 'not the password');
      expect(res.statusCode).toBe(401);
      expect(await db.selectFrom('directus_activity').select('id').where('user', '=', carol.id).execute()).toEqual([]);
      expect(await db.selectFrom('directus_sessions').select('token').where('user', '=', carol.id).execute()).toEqual([]);
      const row = await db.selectFrom('directus_users').select('last_access').where('id', '=', carol.id).executeTakeFirstOrThrow();
      expect(row.last_access).toBeNull();
    });

    it('the response never carries the password or its hash', async () => {
      const res = await loginAs(t(), 'alice@example.com', PASSWORD);
      const { password } = await t().db.kysely.selectFrom('directus_users').select('password').where('id', '=', alice.id).executeTakeFirstOrThrow();
      expect(res.body).not.toContain(PASSWORD);
      expect(res.body).not.toContain(String(password));
    });

    describe('payload errors: 400 INVALID_PAYLOAD with Directus’s messages', () => {
      runScenarios(t, [
        { name: 'no body', method: 'POST', url: '/auth/login', status: 400, code: 'INVALID_PAYLOAD', expect: { errors: [{ message: 'Invalid payload. "email" is required.' }] } },
        {
          name: 'not an email',
          method: 'POST',
          url: '/auth/login',
          body: { email: 'alice', password: PASSWORD },
          status: 400,
          code: 'INVALID_PAYLOAD',
          expect: { errors: [{ message: 'Invalid payload. "email" must be a valid email.' }] },
        },
        {
          name: 'email not a string',
          method: 'POST',
          url: '/auth/login',
          body: { email: 42, password: PASSWORD },
          status: 400,
          code: 'INVALID_PAYLOAD',
          expect: { errors: [{ message: 'Invalid payload. "email" must be a string.' }] },
        },
        {
          name: 'no password',
          method: 'POST',
          url: '/auth/login',
          body: { email: 'alice@example.com' },
          status: 400,
          code: 'INVALID_PAYLOAD',
          expect: { errors: [{ message: 'Invalid payload. "password" is required.' }] },
        },
        {
          name: 'an unknown mode',
          method: 'POST',
          url: '/auth/login',
          body: { email: 'alice@example.com', password: PASSWORD, mode: 'jwt' },
          status: 400,
          code: 'INVALID_PAYLOAD',
        },
        {
          name: 'a body that is not JSON',
          method: 'POST',
          url: '/auth/login',
          headers: { 'content-type': 'application/json' },
          body: '{"email": ',
          status: 400,
          code: 'INVALID_PAYLOAD',
        },
      ]);
    });

    describe('every way of not getting in is 401 INVALID_CREDENTIALS', () => {
      const refused = { status: 401, code: 'INVALID_CREDENTIALS', expect: { errors: [{ message: 'Invalid user credentials.' }] } } as const;
      runScenarios(t, [
        { name: 'unknown email', method: 'POST', url: '/auth/login', body: { email: 'nobody@example.com', password: PASSWORD }, ...refused },
        { name: 'wrong password', method: 'POST', url: '/auth/login', body: { email: 'alice@example.com', password: 'Correct horse battery staple' }, ...refused },
        { name: 'empty password', method: 'POST', url: '/auth/login', body: { email: 'alice@example.com', password: '' }, ...refused },
      ]);

      for (const status of ['draft', 'invited', 'unverified', 'suspended', 'archived']) {
        it(`a ${status} user with the right password`, async () => {
          const user = await makeUser(t().db, { email: `${status}@example.com`, password: PASSWORD, role: roleId, status });
          const res = await loginAs(t(), user.email, PASSWORD, 'json');
          expect(res.statusCode, res.body).toBe(401);
          expect(res.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
          const sessions = await t().db.kysely.selectFrom('directus_sessions').select('token').where('user', '=', user.id).execute();
          expect(sessions).toEqual([]);
          // Proves the password was right: the same user, made active, gets in.
          await t().db.kysely.updateTable('directus_users').set({ status: 'active' }).where('id', '=', user.id).execute();
          expect((await loginAs(t(), user.email, PASSWORD, 'json')).statusCode).toBe(200);
        });
      }

      it('a user without a password (SSO or invited) cannot sign in with any password', async () => {
        const user = await makeUser(t().db, { email: 'nopassword@example.com', password: null, role: roleId });
        for (const password of ['', 'anything', 'usher-dummy-password-for-constant-time']) {
          const res = await loginAs(t(), user.email, password);
          expect(res.statusCode, res.body).toBe(401);
          expect(res.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
        }
      });
    });

    describe('a stale Authorization header does not stop /auth/login or /auth/refresh', () => {
      const stale: [string, (t: TestApp) => Promise<string>][] = [
        ['garbage', async () => 'garbage'],
        ['an unknown static token', async () => 'unknown-static-token-that-is-long-enough-0123456789'],
        ['a forged JWT', async () => 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6IngifQ.c2lnbmF0dXJl'],
        ['an expired JWT', async () => expiredJwt(alice.id)],
        ['a suspended user’s static token', async (t) => (await makeUser(t.db, { status: 'suspended' })).token!],
      ];
      for (const [what, make] of stale) {
        it(what, async () => {
          const header = `Bearer ${await make(t())}`;
          // The same header really is refused where credentials are checked ...
          const me = await t().request({ url: '/users/me', headers: { authorization: header } });
          expect([401, 403]).toContain(me.statusCode);
          // ... but signing in and refreshing ignore it.
          const login = await loginAs(t(), 'alice@example.com', PASSWORD, 'json', { authorization: header });
          expect(login.statusCode, login.body).toBe(200);
          const refresh = await t().request({
            method: 'POST',
            url: '/auth/refresh',
            payload: { refresh_token: login.json().data.refresh_token },
            headers: { authorization: header },
          });
          expect(refresh.statusCode, refresh.body).toBe(200);
          // The same holds for a stale token in the query string.
          const viaQuery = await t().request({
            method: 'POST',
            url: `/auth/login?access_token=${encodeURIComponent(header.slice(7))}`,
            payload: { email: 'alice@example.com', password: PASSWORD },
          });
          expect(viaQuery.statusCode, viaQuery.body).toBe(200);
        });
      }

      it('nor does a stale session cookie', async () => {
        const res = await t().request({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'alice@example.com', password: PASSWORD, mode: 'session' },
          cookies: { directus_session_token: await expiredJwt(alice.id) },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(cookie(res, 'directus_session_token')?.value).toMatch(/^eyJ/);
      });
    });
  },
  ENV,
);

describeEachDb(
  'POST /auth/login with LOGIN_STALL_TIME=300',
  (t) => {
    it('takes at least 300 ms for a wrong password, an unknown email, a non-active user and a good login alike', async () => {
      const role = await makeRole(t().db, { app: true });
      await makeUser(t().db, { email: 'known@example.com', password: PASSWORD, role: role.id });
      await makeUser(t().db, { email: 'gone@example.com', password: PASSWORD, role: role.id, status: 'archived' });
      const attempts: [string, { email: string; password: string }, number][] = [
        ['wrong password', { email: 'known@example.com', password: 'wrong password' }, 401],
        ['unknown email', { email: 'unknown@example.com', password: 'wrong password' }, 401],
        ['archived user', { email: 'gone@example.com', password: PASSWORD }, 401],
        ['good login', { email: 'known@example.com', password: PASSWORD }, 200],
      ];
      for (const [what, payload, status] of attempts) {
        const start = performance.now();
        const res = await t().request({ method: 'POST', url: '/auth/login', payload });
        const took = performance.now() - start;
        expect(res.statusCode, what).toBe(status);
        expect(took, what).toBeGreaterThanOrEqual(300);
      }
    });
  },
  { ...ENV, LOGIN_STALL_TIME: '300' },
);
