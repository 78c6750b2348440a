// How every request's credential is read and judged (reference §2.1): `Authorization: Bearer`,
// `?access_token=`, the session cookie; both a header and a query token is 400; an expired JWT is
// 401 TOKEN_EXPIRED and any other broken one 403 INVALID_TOKEN; the claims Usher's JWTs carry; and
// the role's IP allow-list.
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { describeEachDb, TEST_SECRET, type TestApp } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';

const PASSWORD = 'correct horse battery staple';
const ENV = { RATE_LIMITER_LOGIN_ENABLED: 'false' };
const SESSION = 'directus_session_token';
const key = (secret: string) => new TextEncoder().encode(secret);

async function login(t: TestApp, email: string, mode: 'json' | 'session' = 'json'): Promise<LightMyRequestResponse> {
  const res = await t.request({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD, mode } });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

const accessToken = async (t: TestApp, email: string): Promise<string> => (await login(t, email)).json().data.access_token;
const sessionCookie = async (t: TestApp, email: string): Promise<string> => (await login(t, email, 'session')).cookies.find((c) => c.name === SESSION)!.value;

interface SignOptions {
  secret?: string;
  issuer?: string | null;
  alg?: string;
  expiresIn?: number;
}

/** Signs arbitrary claims as Usher would, or with one thing wrong. */
function sign(claims: JWTPayload, opts: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' })
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (opts.expiresIn ?? 900));
  if (opts.issuer !== null) jwt = jwt.setIssuer(opts.issuer ?? 'directus');
  return jwt.sign(key(opts.secret ?? TEST_SECRET));
}

function errorOf(res: LightMyRequestResponse): { status: number; code: string | undefined; message: string | undefined } {
  const e = res.json().errors?.[0];
  return { status: res.statusCode, code: e?.extensions?.code, message: e?.message };
}

describeEachDb(
  'credentials on every request',
  (t) => {
    let alice: UserFixture;
    let editorsId: string;
    let aliceClaims: JWTPayload & { session: string };

    it('sets up a user', async () => {
      const editors = await makeRole(t().db, { name: 'Editors', app: true });
      editorsId = editors.id;
      alice = await makeUser(t().db, { email: 'alice@example.com', password: PASSWORD, role: editors.id });
      aliceClaims = decodeJwt(await accessToken(t(), alice.email)) as JWTPayload & { session: string };
    });

    describe('where the credential is read from', () => {
      it('Authorization: Bearer <access token>', async () => {
        const token = await accessToken(t(), alice.email);
        const res = await t().request({ url: '/users/me?fields=id', headers: { authorization: `Bearer ${token}` } });
        expect(res.json()).toEqual({ data: { id: alice.id } });
      });

      it('the scheme is read without regard to case', async () => {
        const token = await accessToken(t(), alice.email);
        const res = await t().request({ url: '/users/me?fields=id', headers: { authorization: `bearer ${token}` } });
        expect(res.json()).toEqual({ data: { id: alice.id } });
      });

      it('?access_token=<access token>', async () => {
        const token = await accessToken(t(), alice.email);
        const res = await t().request({ url: `/users/me?fields=id&access_token=${token}` });
        expect(res.json()).toEqual({ data: { id: alice.id } });
      });

      it('the session cookie', async () => {
        const cookie = await sessionCookie(t(), alice.email);
        const res = await t().request({ url: '/users/me?fields=id', cookies: { [SESSION]: cookie } });
        expect(res.json()).toEqual({ data: { id: alice.id } });
      });

      it('a static token, in the header or the query', async () => {
        expect((await t().request({ url: '/users/me?fields=id', as: alice.token })).json()).toEqual({ data: { id: alice.id } });
        expect((await t().request({ url: `/users/me?fields=id&access_token=${alice.token}` })).json()).toEqual({ data: { id: alice.id } });
      });

      it('a header and a query token together: 400 INVALID_PAYLOAD, even when both are good', async () => {
        const jwt = await accessToken(t(), alice.email);
        for (const [header, query] of [
          [jwt, jwt],
          [alice.token!, alice.token!],
          [jwt, t().admin.token!],
        ]) {
          const res = await t().request({ url: `/users/me?access_token=${query}`, as: header });
          expect(errorOf(res)).toMatchObject({ status: 400, code: 'INVALID_PAYLOAD' });
        }
      });

      it('a header or query token wins over the session cookie', async () => {
        const cookie = await sessionCookie(t(), alice.email);
        const viaHeader = await t().request({ url: '/users/me?fields=id', as: t().admin.token, cookies: { [SESSION]: cookie } });
        expect(viaHeader.json()).toEqual({ data: { id: t().admin.id } });
        const viaQuery = await t().request({ url: `/users/me?fields=id&access_token=${t().admin.token}`, cookies: { [SESSION]: cookie } });
        expect(viaQuery.json()).toEqual({ data: { id: t().admin.id } });
      });

      it('no credential (or a non-Bearer header) is the public role: /users/me 401, /users 403', async () => {
        for (const headers of [{}, { authorization: `Basic ${Buffer.from(`${alice.email}:${PASSWORD}`).toString('base64')}` }]) {
          expect(errorOf(await t().request({ url: '/users/me', headers }))).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
          expect(errorOf(await t().request({ url: '/users', headers }))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
        }
      });
    });

    describe('broken credentials', () => {
      it('an expired access token: 401 TOKEN_EXPIRED, in the header, the query or the cookie', async () => {
        const expired = await sign({ ...aliceClaims, iat: undefined, exp: undefined, iss: undefined }, { expiresIn: -10 });
        const expected = { status: 401, code: 'TOKEN_EXPIRED', message: 'Token expired.' };
        expect(errorOf(await t().request({ url: '/users/me', as: expired }))).toEqual(expected);
        expect(errorOf(await t().request({ url: `/users/me?access_token=${expired}` }))).toEqual(expected);
        expect(errorOf(await t().request({ url: '/users/me', cookies: { [SESSION]: expired } }))).toEqual(expected);
        // The same claims, unexpired, are accepted: only the expiry was wrong.
        const fresh = await sign({ ...aliceClaims, iat: undefined, exp: undefined, iss: undefined });
        expect((await t().request({ url: '/users/me?fields=id', as: fresh })).statusCode).toBe(200);
      });

      const invalid = { status: 403, code: 'INVALID_TOKEN', message: 'Invalid token.' };
      const claims = () => ({ ...aliceClaims, iat: undefined, exp: undefined, iss: undefined });
      const broken: [string, () => Promise<string>][] = [
        ['signed with another secret', () => sign(claims(), { secret: 'another-secret-that-is-at-least-32-characters' })],
        ['a wrong issuer', () => sign(claims(), { issuer: 'someone-else' })],
        ['no issuer', () => sign(claims(), { issuer: null })],
        ['another algorithm (HS512) with the right secret', () => sign(claims(), { alg: 'HS512' })],
        [
          'an unsigned token (alg none)',
          async () => {
            const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
            return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...aliceClaims })}.`;
          },
        ],
        [
          'a payload tampered with after signing',
          async () => {
            const [h, , s] = (await sign(claims())).split('.');
            const payload = Buffer.from(JSON.stringify({ ...aliceClaims, admin_access: true })).toString('base64url');
            return `${h}.${payload}.${s}`;
          },
        ],
        ['garbage behind a JWT header', async () => 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.garbage.garbage'],
        ['no role claim', () => sign({ ...claims(), role: undefined })],
        ['no session claim', () => sign({ ...claims(), session: undefined })],
      ];
      for (const [what, make] of broken) {
        it(`${what}: 403 INVALID_TOKEN`, async () => {
          const token = await make();
          expect(errorOf(await t().request({ url: '/users/me', as: token }))).toEqual(invalid);
          expect(errorOf(await t().request({ url: '/users/me', cookies: { [SESSION]: token } }))).toEqual(invalid);
        });
      }

      it('a well-signed token whose session does not exist: 401 INVALID_CREDENTIALS', async () => {
        const token = await sign({ ...claims(), session: '00000000-0000-4000-8000-000000000000' });
        expect(errorOf(await t().request({ url: '/users/me', as: token }))).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
      });

      it('a well-signed token naming someone else’s session: 401 INVALID_CREDENTIALS', async () => {
        const token = await sign({ ...claims(), id: t().admin.id, role: t().adminRole.id, admin_access: true });
        expect(errorOf(await t().request({ url: '/users/me', as: token }))).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
      });

      it('anything that is not a JWT is looked up as a static token: unknown is 401 INVALID_CREDENTIALS', async () => {
        for (const token of ['garbage', 'x'.repeat(64), 'eyJnot-a-jwt']) {
          expect(errorOf(await t().request({ url: '/users/me', as: token }))).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
        }
      });
    });

    describe('the claims', () => {
      it('json mode: id, role, app_access, admin_access, session, iat, exp (15 minutes), issuer directus, HS256', async () => {
        const token = await accessToken(t(), alice.email);
        expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
        const c = decodeJwt(token);
        expect(Object.keys(c).sort()).toEqual(['admin_access', 'app_access', 'exp', 'iat', 'id', 'iss', 'role', 'session']);
        expect(c).toMatchObject({ id: alice.id, role: editorsId, app_access: true, admin_access: false, iss: 'directus' });
        expect(c.exp! - c.iat!).toBe(900);
        expect(Math.abs(c.iat! - Date.now() / 1000)).toBeLessThan(5);
        const session = await t()
          .db.kysely.selectFrom('directus_sessions')
          .select('user')
          .where('id', '=', c.session as string)
          .executeTakeFirstOrThrow();
        expect(session.user).toBe(alice.id);
      });

      it('an admin’s token says so', async () => {
        const boss = await makeUser(t().db, { password: PASSWORD, role: t().adminRole.id });
        const c = decodeJwt(await accessToken(t(), boss.email));
        expect(c).toMatchObject({ id: boss.id, role: t().adminRole.id, app_access: true, admin_access: true, iss: 'directus' });
      });

      it('session mode: the cookie is the access token, living as long as the session cookie (1 day)', async () => {
        const c = decodeJwt(await sessionCookie(t(), alice.email));
        expect(c).toMatchObject({ id: alice.id, role: editorsId, app_access: true, admin_access: false, iss: 'directus' });
        expect(typeof c.session).toBe('string');
        expect(c.exp! - c.iat!).toBe(86_400);
      });

      it('claims do not grant rights: a well-signed token claiming admin runs with the rights the user has', async () => {
        const token = await sign({ ...aliceClaims, iat: undefined, exp: undefined, iss: undefined, role: t().adminRole.id, admin_access: true });
        const res = await t().request({ url: '/users?fields=id', as: token });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().data).toEqual([{ id: alice.id }]);
        // While the admin sees everyone.
        expect((await t().request({ url: '/users?fields=id', as: t().admin.token })).json().data.length).toBeGreaterThan(1);
      });
    });

    describe('the role’s IP allow-list (ip_access)', () => {
      it('a request from an address outside the list: 401 INVALID_IP, whatever the credential', async () => {
        const fenced = await makeRole(t().db, { app: true, ipAccess: '10.0.0.1, 192.168.1.20' });
        const user = await makeUser(t().db, { password: PASSWORD, role: fenced.id });
        // Signing in is not an authenticated request (as in Directus); using what it gave is.
        const jwt = await accessToken(t(), user.email);
        for (const as of [user.token, jwt]) {
          expect(errorOf(await t().request({ url: '/users/me', as }))).toEqual({ status: 401, code: 'INVALID_IP', message: 'Invalid IP address.' });
        }
      });

      it('an address on the list gets in', async () => {
        const open = await makeRole(t().db, { app: true, ipAccess: '10.0.0.1,127.0.0.1' });
        const user = await makeUser(t().db, { role: open.id });
        expect((await t().request({ url: '/users/me?fields=id', as: user.token })).json()).toEqual({ data: { id: user.id } });
      });

      it('an empty list lets everyone in', async () => {
        const open = await makeRole(t().db, { app: true, ipAccess: '' });
        const user = await makeUser(t().db, { role: open.id });
        expect((await t().request({ url: '/users/me?fields=id', as: user.token })).statusCode).toBe(200);
      });
    });
  },
  ENV,
);

describeEachDb(
  'an access token past ACCESS_TOKEN_TTL (1s)',
  (t) => {
    it('is refused with 401 TOKEN_EXPIRED, and a refresh gets a working one', async () => {
      const role = await makeRole(t().db, { app: true });
      const user = await makeUser(t().db, { password: PASSWORD, role: role.id });
      const { access_token, refresh_token, expires } = (await login(t(), user.email)).json().data;
      expect(expires).toBe(1000);
      expect((await t().request({ url: '/users/me', as: access_token })).statusCode).toBe(200);

      const exp = decodeJwt(access_token).exp!;
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 50));
      expect(errorOf(await t().request({ url: '/users/me', as: access_token }))).toEqual({ status: 401, code: 'TOKEN_EXPIRED', message: 'Token expired.' });

      const refreshed = await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token } });
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      expect((await t().request({ url: '/users/me', as: refreshed.json().data.access_token })).statusCode).toBe(200);
    });
  },
  { ...ENV, ACCESS_TOKEN_TTL: '1s' },
);
