// No password, refresh token, access token, static token, reset token, TOTP secret or recovery code
// ever reaches a log line (the production logger, at trace level) or a response that has no
// business carrying it. Every auth flow runs once, right and wrong, and then everything written is
// searched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSync } from 'otplib';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.js';
import { createLogger } from '../../logger.js';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/db.js';
import { testConfig } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type SmtpSink } from '../../../test/smtp.js';

const PASSWORD = 'Original-Secret-Pass-1';
const NEW_PASSWORD = 'Replacement-Secret-Pass-2';
const WRONG_PASSWORD = 'Wrong-Guess-Pass-3';
const WEAK_PASSWORD = 'Weak-Secret-4';

/** Every secret the flows handle, by name, so a failure says which one leaked. */
type Secrets = Map<string, string>;

function cookieValue(res: LightMyRequestResponse, name: string): string {
  const cookie = res.cookies.find((c) => c.name === name);
  if (!cookie?.value) throw new Error(`no ${name} cookie in the response`);
  return cookie.value;
}

async function freshStep(): Promise<void> {
  const left = 30 - ((Date.now() / 1000) % 30);
  if (left < 3) await new Promise((r) => setTimeout(r, left * 1000 + 50));
}

for (const dialect of DIALECTS) {
  describe(`no secrets in logs or responses [${dialect}]`, () => {
    const lines: string[] = [];
    const secrets: Secrets = new Map();
    /** Responses paired with the secrets each one must not contain. */
    const checked: { what: string; res: LightMyRequestResponse; mustNotContain: string[] }[] = [];
    let smtp: SmtpSink;
    let testDb: TestDb;
    let app: FastifyInstance;
    let user: UserFixture;

    const send = (opts: InjectOptions) => app.inject(opts);
    const keep = (name: string, value: string | null | undefined) => {
      expect(value, name).toBeTruthy();
      secrets.set(name, value!);
      return value!;
    };
    const expectClean = (what: string, res: LightMyRequestResponse, ...mustNotContain: string[]) => checked.push({ what, res, mustNotContain });

    beforeAll(async () => {
      smtp = await startSmtpSink();
      testDb = await createTestDb(dialect);
      const config = testConfig({ ...smtp.env(), LOG_LEVEL: 'trace', RATE_LIMITER_LOGIN_ENABLED: 'false', RATE_LIMITER_PASSWORD_ENABLED: 'false' });
      const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
      app = await buildApp(config, { db: testDb.db, logger });
      await app.ready();
      const role = await makeRole(testDb.db, { name: 'Staff', app: true });
      user = await makeUser(testDb.db, { email: 'secretive@example.com', password: PASSWORD, role: role.id });
      secrets.set('password', PASSWORD).set('new password', NEW_PASSWORD).set('wrong password', WRONG_PASSWORD).set('weak password', WEAK_PASSWORD);
      keep('static token', user.token);
    });
    afterAll(async () => {
      await app?.close();
      await testDb?.cleanup();
      await smtp?.close();
    });

    it('runs login in every mode, refresh and logout', async () => {
      const wrong = await send({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: WRONG_PASSWORD } });
      expect(wrong.statusCode).toBe(401);
      expectClean('wrong login', wrong, WRONG_PASSWORD);

      const json = await send({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode: 'json' } });
      expect(json.statusCode).toBe(200);
      expectClean('json login', json, PASSWORD);
      const refreshToken = keep('json refresh token', json.json().data.refresh_token);
      keep('json access token', json.json().data.access_token);

      const refreshed = await send({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken, mode: 'json' } });
      expect(refreshed.statusCode).toBe(200);
      expectClean('json refresh', refreshed, refreshToken);
      keep('rotated refresh token', refreshed.json().data.refresh_token);
      keep('refreshed access token', refreshed.json().data.access_token);
      const logout = await send({ method: 'POST', url: '/auth/logout', payload: { refresh_token: refreshed.json().data.refresh_token, mode: 'json' } });
      expect(logout.statusCode).toBe(204);
      const afterLogout = await send({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshed.json().data.refresh_token, mode: 'json' } });
      expect(afterLogout.statusCode).toBe(401);
      expectClean('refresh after logout', afterLogout, ...secrets.values());

      const cookie = await send({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode: 'cookie' } });
      expect(cookie.statusCode).toBe(200);
      const cookieRefresh = keep('cookie refresh token', cookieValue(cookie, 'directus_refresh_token'));
      expectClean('cookie login body', cookie, cookieRefresh, PASSWORD);
      const cookieRefreshed = await send({ method: 'POST', url: '/auth/refresh', cookies: { directus_refresh_token: cookieRefresh }, payload: { mode: 'cookie' } });
      expect(cookieRefreshed.statusCode).toBe(200);
      keep('rotated cookie refresh token', cookieValue(cookieRefreshed, 'directus_refresh_token'));
      expectClean('cookie refresh body', cookieRefreshed, cookieRefresh, secrets.get('rotated cookie refresh token')!);

      const session = await send({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode: 'session' } });
      expect(session.statusCode).toBe(200);
      const sessionToken = keep('session cookie', cookieValue(session, 'directus_session_token'));
      expectClean('session login body', session, sessionToken, PASSWORD);
      const me = await send({ url: '/users/me?fields=*', cookies: { directus_session_token: sessionToken } });
      expect(me.statusCode).toBe(200);
      expectClean('users/me via the session cookie', me, ...secrets.values());
    });

    it('runs static-token requests, in the header and in the query string', async () => {
      const header = await send({ url: '/users/me?fields=*', headers: { authorization: `Bearer ${user.token}` } });
      expect(header.statusCode).toBe(200);
      expectClean('users/me with a static token', header, ...secrets.values());
      const query = await send({ url: `/users/me?fields=*&access_token=${user.token}` });
      expect(query.statusCode).toBe(200);
      expectClean('users/me with ?access_token=', query, ...secrets.values());
      const both = await send({ url: `/users/me?access_token=${user.token}`, headers: { authorization: `Bearer ${user.token}` } });
      expect(both.statusCode).toBe(400);
      expectClean('a token in both places', both, ...secrets.values());
      const missing = await send({ url: `/no-such-route?access_token=${user.token}` });
      expect(missing.statusCode).toBe(404);
      expectClean('an unknown route with ?access_token=', missing, ...secrets.values());
      const list = await send({ url: '/users?fields=*', headers: { authorization: `Bearer ${user.token}` } });
      expectClean('users list', list, ...secrets.values());
      const unknown = await send({ url: '/users/me', headers: { authorization: 'Bearer not-a-real-static-token-but-a-secret-one' } });
      secrets.set('unknown static token', 'not-a-real-static-token-but-a-secret-one');
      expect(unknown.statusCode).toBe(401);
      expectClean('an unknown static token', unknown, ...secrets.values());
    });

    it('runs a password reset, with a policy violation on the way', async () => {
      const request = await send({ method: 'POST', url: '/auth/password/request', payload: { email: user.email } });
      expect(request.statusCode).toBe(204);
      const mail = await smtp.waitFor((m) => m.to.includes(user.email));
      const token = keep('reset token', linkParam(mail.text, 'token'));

      await testDb.db.kysely.updateTable('directus_settings').set({ auth_password_policy: '/^.{20,}$/' }).where('id', '=', 1).execute();
      const weak = await send({ method: 'POST', url: '/auth/password/reset', payload: { token, password: WEAK_PASSWORD } });
      expect(weak.statusCode).toBe(400);
      expectClean('a reset refused by the policy', weak, ...secrets.values());

      const reset = await send({ method: 'POST', url: '/auth/password/reset', payload: { token, password: NEW_PASSWORD } });
      expect(reset.statusCode).toBe(204);
      const reused = await send({ method: 'POST', url: '/auth/password/reset', payload: { token, password: NEW_PASSWORD } });
      expect(reused.statusCode).toBe(403);
      expectClean('a reused reset token', reused, ...secrets.values());

      const malformed = await send({
        method: 'POST',
        url: '/auth/password/reset',
        headers: { 'content-type': 'application/json' },
        payload: `{"token": "${token}", "password": "${NEW_PASSWORD}"`,
      });
      expect(malformed.statusCode).toBe(400);
      expectClean('a reset with broken JSON', malformed, ...secrets.values());
    });

    it('runs two-factor setup, sign-in with a code and with a recovery code, and disabling it', async () => {
      await freshStep();
      const generated = await send({ method: 'POST', url: '/users/me/tfa/generate', headers: { authorization: `Bearer ${user.token}` }, payload: { password: NEW_PASSWORD } });
      expect(generated.statusCode, generated.body).toBe(200);
      const secret = keep('TOTP secret', generated.json().data.secret);
      expectClean('tfa generate', generated, NEW_PASSWORD, user.token!);
      const wrongGenerate = await send({ method: 'POST', url: '/users/me/tfa/generate', headers: { authorization: `Bearer ${user.token}` }, payload: { password: WRONG_PASSWORD } });
      expectClean('tfa generate with a wrong password', wrongGenerate, ...secrets.values());

      const enabled = await send({
        method: 'POST',
        url: '/users/me/tfa/enable',
        headers: { authorization: `Bearer ${user.token}` },
        payload: { secret, otp: generateSync({ secret }) },
      });
      expect(enabled.statusCode, enabled.body).toBe(200);
      expectClean('tfa enable', enabled, secret);
      const codes: string[] = enabled.json().data.recovery_codes;
      codes.forEach((c, i) => secrets.set(`recovery code ${i}`, c));

      const withOtp = await send({
        method: 'POST',
        url: '/auth/login',
        payload: { email: user.email, password: NEW_PASSWORD, otp: generateSync({ secret, epoch: Date.now() / 1000 + 30 }), mode: 'json' },
      });
      expect(withOtp.statusCode, withOtp.body).toBe(200);
      keep('access token after 2FA', withOtp.json().data.access_token);
      keep('refresh token after 2FA', withOtp.json().data.refresh_token);
      const withRecovery = await send({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: NEW_PASSWORD, otp: codes[0], mode: 'json' } });
      expect(withRecovery.statusCode).toBe(200);
      keep('refresh token after a recovery code', withRecovery.json().data.refresh_token);
      const reusedRecovery = await send({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: NEW_PASSWORD, otp: codes[0] } });
      expect(reusedRecovery.statusCode).toBe(401);
      expectClean('a reused recovery code', reusedRecovery, ...secrets.values());

      const me = await send({ url: '/users/me?fields=*', headers: { authorization: `Bearer ${user.token}` } });
      expect(me.json().data.tfa_secret).toBe('**********');
      expectClean('users/me with 2FA on', me, ...secrets.values());

      const disabled = await send({ method: 'POST', url: '/users/me/tfa/disable', headers: { authorization: `Bearer ${user.token}` }, payload: { otp: codes[1] } });
      expect(disabled.statusCode).toBe(204);
    });

    it('wrote log lines, and none of them holds a secret', () => {
      // The check means something only if the flows were logged.
      expect(lines.length).toBeGreaterThan(30);
      expect(lines.some((l) => l.includes('"msg":"request"') && l.includes('/auth/login'))).toBe(true);
      expect(secrets.size).toBeGreaterThan(20);
      for (const [i, line] of lines.entries()) {
        for (const [name, value] of secrets) {
          expect(line.includes(value), `log line ${i} holds the ${name}: ${line}`).toBe(false);
        }
      }
    });

    it('no response holds a secret it should not', () => {
      expect(checked.length).toBeGreaterThan(15);
      for (const { what, res, mustNotContain } of checked) {
        for (const value of mustNotContain) expect(res.body.includes(value), `${what} holds a secret: ${res.body}`).toBe(false);
        // Headers other than the Set-Cookie that hands out the cookie itself carry nothing either.
        const headers = JSON.stringify({ ...res.headers, 'set-cookie': undefined });
        for (const value of mustNotContain) expect(headers.includes(value), `${what} headers hold a secret`).toBe(false);
      }
    });
  });
}
