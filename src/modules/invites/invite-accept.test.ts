// POST /users/invite/accept and GET /users/invite/accept?token=: every way a token can be wrong,
// each with its own answer (forged 403 INVALID_TOKEN, expired 401 TOKEN_EXPIRED, used 400
// INVALID_PAYLOAD, another purpose 403 FORBIDDEN), the password policy, and the rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type SmtpSink } from '../../../test/smtp.js';
import { randomToken } from '../../util/crypto.js';
import { updateSettings } from '../settings/settings.repository.js';
import { expectUnchanged } from '../users/users.test-support.js';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
});

const BASE_ENV = { PUBLIC_URL: 'http://usher.test', RATE_LIMITER_INVITE_ACCEPT_ENABLED: 'false', RATE_LIMITER_PASSWORD_ENABLED: 'false' };

for (const dialect of DIALECTS) {
  describe(`accepting an invitation [${dialect}]`, () => {
    let app: TestApp;
    let expiring: TestApp; // USER_INVITE_TOKEN_TTL=1ms: every link is expired by the time it is read
    let limited: TestApp; // RATE_LIMITER_INVITE_ACCEPT_POINTS=3
    const t = () => app;
    let n = 0;
    const addr = (name: string) => `${name}-${++n}-${dialect}@example.com`;

    beforeAll(async () => {
      app = await createTestApp(dialect, { ...smtp.env(), ...BASE_ENV });
      expiring = await createTestApp(dialect, { ...smtp.env(), ...BASE_ENV, USER_INVITE_TOKEN_TTL: '1ms' });
      limited = await createTestApp(dialect, { ...smtp.env(), ...BASE_ENV, RATE_LIMITER_INVITE_ACCEPT_ENABLED: 'true', RATE_LIMITER_INVITE_ACCEPT_POINTS: '3', RATE_LIMITER_INVITE_ACCEPT_DURATION: '1m' });
    });
    afterAll(async () => {
      await Promise.all([app?.close(), expiring?.close(), limited?.close()]);
    });

    /** Invites a fresh address through `on` and returns it with the token from its mail. */
    async function invited(on: TestApp = app): Promise<{ email: string; token: string }> {
      const email = addr('accept');
      const role = (await makeRole(on.db, { name: `Role for ${email}` })).id;
      const res = await on.request({ method: 'POST', url: '/users/invite', as: on.admin.token, payload: { email, role } });
      expect(res.statusCode, res.body).toBe(200);
      const mail = await smtp.waitFor((m) => m.to.includes(email));
      return { email, token: linkParam(mail.text, 'token')! };
    }

    const accept = (token: unknown, password: unknown = 'Accepted-password-1', on: TestApp = app) =>
      on.request({ method: 'POST', url: '/users/invite/accept', payload: { token, password } });
    const inspect = (token: string, on: TestApp = app) => on.request({ url: `/users/invite/accept?token=${encodeURIComponent(token)}` });
    const statusOf = async (email: string, on: TestApp = app) =>
      (await on.db.kysely.selectFrom('directus_users').select('status').where('email_lower', '=', email).executeTakeFirst())?.status;

    function expectError(res: { statusCode: number; body: string; json(): any }, status: number, code: string) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().errors[0].extensions.code).toBe(code);
    }

    it('accepted by someone who is signed in as another user: the invitee is activated, nobody is signed in or out, the caller stays who they were', async () => {
      const { email, token } = await invited();
      const caller = await makeUser(app.db, { email: addr('caller'), password: 'Caller-password-1', role: (await makeRole(app.db, { app: true })).id });
      const session = await app.request({ method: 'POST', url: '/auth/login', payload: { email: caller.email, password: 'Caller-password-1', mode: 'session' } });
      const cookie = session.cookies.find((c) => c.name === 'directus_session_token')!.value;
      const res = await app.request({
        method: 'POST',
        url: '/users/invite/accept',
        payload: { token, password: 'Accepted-password-1' },
        cookies: { directus_session_token: cookie },
      });
      expect(res.statusCode, res.body).toBe(204);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await statusOf(email)).toBe('active');
      // The caller's own session is untouched, and is still theirs.
      const me = await app.request({ url: '/users/me?fields=email', cookies: { directus_session_token: cookie } });
      expect(me.json().data).toEqual({ email: caller.email });
      // No session was opened for the invitee: they sign in themselves.
      const invitee = await app.db.kysely.selectFrom('directus_users').select('id').where('email_lower', '=', email).executeTakeFirstOrThrow();
      expect(await app.db.kysely.selectFrom('directus_sessions').select('id').where('user', '=', invitee.id).execute()).toEqual([]);
      // With a static token as the caller too.
      const second = await invited();
      const byToken = await app.request({ method: 'POST', url: '/users/invite/accept', as: caller.token, payload: { token: second.token, password: 'Accepted-password-1' } });
      expect(byToken.statusCode, byToken.body).toBe(204);
      expect(byToken.headers['set-cookie']).toBeUndefined();
    });

    it('a forged token: 403 INVALID_TOKEN, to look at and to accept', async () => {
      const forged = randomToken(32);
      expectError(await expectUnchanged(t(), () => accept(forged)), 403, 'INVALID_TOKEN');
      expectError(await inspect(forged), 403, 'INVALID_TOKEN');
    });

    it('an expired token: 401 TOKEN_EXPIRED, and the user stays invited', async () => {
      const { email, token } = await invited(expiring);
      expectError(await accept(token, 'Accepted-password-1', expiring), 401, 'TOKEN_EXPIRED');
      expectError(await inspect(token, expiring), 401, 'TOKEN_EXPIRED');
      expect(await statusOf(email, expiring)).toBe('invited');
    });

    it('a password-reset token: 403 FORBIDDEN; and an invitation token does not reset a password', async () => {
      const user = await makeUser(t().db, { email: addr('reset'), password: 'Old-password-1' });
      expect((await t().request({ method: 'POST', url: '/auth/password/request', payload: { email: user.email } })).statusCode).toBe(204);
      const resetToken = linkParam((await smtp.waitFor((m) => m.to.includes(user.email))).text, 'token')!;
      expectError(await expectUnchanged(t(), () => accept(resetToken)), 403, 'FORBIDDEN');
      expectError(await inspect(resetToken), 403, 'FORBIDDEN');

      const { token } = await invited();
      const reset = await t().request({ method: 'POST', url: '/auth/password/reset', payload: { token, password: 'Hijack-password-1' } });
      expectError(reset, 403, 'FORBIDDEN');
      expect((await inspect(token)).statusCode).toBe(200);
    });

    it('a password against the policy: 400 FAILED_VALIDATION, not echoed, and the link still works', async () => {
      const { email, token } = await invited();
      await updateSettings(t().db.kysely, { auth_password_policy: '/^.{16,}$/' });
      try {
        const res = await expectUnchanged(t(), () => accept(token, 'Short-pass-1'));
        expectError(res, 400, 'FAILED_VALIDATION');
        expect(res.body).not.toContain('Short-pass-1');
        expect(await statusOf(email)).toBe('invited');
        expect((await accept(token, 'A-long-enough-password-1')).statusCode).toBe(204);
      } finally {
        await updateSettings(t().db.kysely, { auth_password_policy: null });
      }
    });

    it('missing token or password: 400 INVALID_PAYLOAD', async () => {
      const { token } = await invited();
      expectError(await accept(undefined), 400, 'INVALID_PAYLOAD');
      expectError(await accept(token, null), 400, 'INVALID_PAYLOAD');
      expectError(await accept(token, 12345678), 400, 'INVALID_PAYLOAD');
      // An empty password would let anyone sign in with none (Directus's Joi refuses it too).
      const empty = await expectUnchanged(t(), () => accept(token, ''));
      expect(empty.statusCode, empty.body).toBe(400);
      expectError(await t().request({ url: '/users/invite/accept' }), 400, 'INVALID_PAYLOAD');
      expect((await inspect(token)).statusCode).toBe(200);
    });

    it('a user an admin activated meanwhile: 400 INVALID_PAYLOAD, the password is not set', async () => {
      const { email, token } = await invited();
      await t().db.kysely.updateTable('directus_users').set({ status: 'active' }).where('email_lower', '=', email).execute();
      expectError(await accept(token), 400, 'INVALID_PAYLOAD');
      const row = await t().db.kysely.selectFrom('directus_users').select('password').where('email_lower', '=', email).executeTakeFirst();
      expect(row?.password).toBeNull();
    });

    it('a user deleted meanwhile: the link is dead (403 INVALID_TOKEN)', async () => {
      const { email, token } = await invited();
      const row = await t().db.kysely.selectFrom('directus_users').select('id').where('email_lower', '=', email).executeTakeFirstOrThrow();
      expect((await t().request({ method: 'DELETE', url: `/users/${row.id}`, as: t().admin.token })).statusCode).toBe(204);
      expectError(await accept(token), 403, 'INVALID_TOKEN');
    });

    it('two accepts of one link at once: exactly one wins', async () => {
      const { token } = await invited();
      const results = await Promise.all([accept(token, 'Racing-password-1'), accept(token, 'Racing-password-2')]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400]);
    });

    it('accept is rate limited per IP: 429 with Retry-After', async () => {
      const forged = randomToken(32);
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await accept(forged, 'Some-password-1', limited)).statusCode);
      expect(codes).toEqual([403, 403, 403, 429]);
      const res = await accept(forged, 'Some-password-1', limited);
      expectError(res, 429, 'REQUESTS_EXCEEDED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
}
