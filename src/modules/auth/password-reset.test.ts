// Password reset end to end, through a real SMTP server on loopback: the mail, the link, the token
// (random, hashed, single-use, expiring, voided by a newer one), the allow-list, the same answer
// and the same time for known and unknown emails, the policy, and the sessions a reset ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeUser, type UserFixture } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type CapturedMail, type SmtpSink } from '../../../test/smtp.js';
import { randomToken, sha256 } from '../../util/crypto.js';

const PUBLIC_URL = 'http://usher.test';
const ALLOWED_RESET_URL = 'https://app.example.com/reset';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...smtp.env(),
    PUBLIC_URL,
    PASSWORD_RESET_URL_ALLOW_LIST: ALLOWED_RESET_URL,
    RATE_LIMITER_PASSWORD_ENABLED: 'false',
    RATE_LIMITER_LOGIN_ENABLED: 'false',
    ...extra,
  };
}

async function login(t: TestApp, email: string, password: string) {
  return t.request({ method: 'POST', url: '/auth/login', payload: { email, password } });
}

async function requestReset(t: TestApp, body: Record<string, unknown>) {
  return t.request({ method: 'POST', url: '/auth/password/request', payload: body });
}

async function reset(t: TestApp, token: unknown, password: unknown) {
  return t.request({ method: 'POST', url: '/auth/password/reset', payload: { token, password } });
}

/** Requests a reset for `email` and returns the mail and the token in its link. */
async function mailedToken(t: TestApp, email: string, extra: Record<string, unknown> = {}): Promise<{ mail: CapturedMail; token: string }> {
  const before = smtp.mailsTo(email).length;
  const res = await requestReset(t, { email, ...extra });
  expect(res.statusCode, res.body).toBe(204);
  const mail = await smtp.waitFor((m) => m.to.includes(email.toLowerCase()) && smtp.mailsTo(email).indexOf(m) >= before);
  const token = linkParam(mail.text, 'token');
  expect(token, mail.text).toBeTruthy();
  return { mail, token: token! };
}

let counter = 0;
async function freshUser(t: TestApp, opts: { status?: string } = {}): Promise<UserFixture> {
  counter += 1;
  return makeUser(t.db, {
    email: `reset-${counter}-${t.dialect}@example.com`,
    password: `Old-password-${counter}`,
    status: opts.status ?? 'active',
  });
}

for (const dialect of DIALECTS) {
  describe(`password reset [${dialect}]`, () => {
    let app: TestApp;
    const t = () => app;
    beforeAll(async () => {
      app = await createTestApp(dialect, env());
    });
    afterAll(async () => {
      await app?.close();
    });

    it('mails a link to PUBLIC_URL/admin/reset-password; the reset changes the password and ends every session', async () => {
      const user = await freshUser(t());
      const signedIn = await login(t(), user.email, user.password!);
      expect(signedIn.statusCode, signedIn.body).toBe(200);
      const { access_token, refresh_token } = signedIn.json().data;
      expect((await t().request({ url: '/users/me', as: access_token })).statusCode).toBe(200);

      const { mail, token } = await mailedToken(t(), user.email);
      expect(mail.subject).toBe('Password Reset Request');
      expect(mail.html).toContain('<html');
      expect(mail.text.length).toBeGreaterThan(0);
      expect(mail.text).not.toContain('<');
      const link = `${PUBLIC_URL}/admin/reset-password?token=${token}`;
      expect(mail.text).toContain(link);
      expect(mail.html.replace(/&amp;/g, '&')).toContain(link);
      expect(mail.parsed.from?.value[0]?.address).toBe('no-reply@example.com');
      expect(token.length).toBeGreaterThanOrEqual(32); // >= 192 bits of base64url

      const res = await reset(t(), token, 'New-password-123');
      expect(res.statusCode, res.body).toBe(204);

      expect((await login(t(), user.email, user.password!)).statusCode).toBe(401);
      expect((await login(t(), user.email, 'New-password-123')).statusCode).toBe(200);
      // The session that existed before the reset is gone: its access token and refresh token die.
      const me = await t().request({ url: '/users/me', as: access_token });
      expect(me.statusCode).toBe(401);
      const refreshed = await t().request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token, mode: 'json' } });
      expect(refreshed.statusCode).toBe(401);
    });

    it('a reset ends sessions of every kind (json, cookie, session) and keeps the static token', async () => {
      const user = await freshUser(t());
      const json = (await login(t(), user.email, user.password!)).json().data;
      const cookieLogin = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password, mode: 'cookie' } });
      const refreshCookie = cookieLogin.cookies.find((c) => c.name === 'directus_refresh_token')!.value;
      const sessionLogin = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password, mode: 'session' } });
      const sessionCookie = sessionLogin.cookies.find((c) => c.name === 'directus_session_token')!.value;
      expect((await t().request({ url: '/users/me', cookies: { directus_session_token: sessionCookie } })).statusCode).toBe(200);

      const { token } = await mailedToken(t(), user.email);
      expect((await reset(t(), token, 'Another-new-password-1')).statusCode).toBe(204);

      expect((await t().request({ url: '/users/me', as: json.access_token })).statusCode).toBe(401);
      expect((await t().request({ url: '/users/me', cookies: { directus_session_token: sessionCookie } })).statusCode).toBe(401);
      expect((await t().request({ method: 'POST', url: '/auth/refresh', cookies: { directus_refresh_token: refreshCookie } })).statusCode).toBe(401);
      const remaining = await t().db.kysely.selectFrom('directus_sessions').select('token').where('user', '=', user.id).execute();
      expect(remaining).toEqual([]);
      expect((await t().request({ url: '/users/me?fields=id', as: user.token })).json().data).toEqual({ id: user.id });
    });

    it('uses an allowed reset_url for the link', async () => {
      const user = await freshUser(t());
      const { mail, token } = await mailedToken(t(), user.email, { reset_url: ALLOWED_RESET_URL });
      expect(mail.text).toContain(`${ALLOWED_RESET_URL}?token=${token}`);
      expect(mail.text).not.toContain(PUBLIC_URL + '/admin');
    });

    it('an allowed reset_url keeps its own query, and the real token wins over one the caller planted', async () => {
      const user = await freshUser(t());
      const { mail, token } = await mailedToken(t(), user.email, { reset_url: `${ALLOWED_RESET_URL}?lang=fr&token=planted#top` });
      const link = mail.text.match(/https:\/\/app\.example\.com\/reset\S*/)?.[0];
      expect(link, mail.text).toBeTruthy();
      const url = new URL(link!);
      expect(url.searchParams.getAll('token')).toEqual([token]);
      expect(token).not.toBe('planted');
      expect(url.searchParams.get('lang')).toBe('fr');
      expect(url.hash).toBe('#top');
      expect((await reset(t(), token, 'Via-query-link-1')).statusCode).toBe(204);
    });

    it('finds the user whatever the case of the email, and mails the stored address', async () => {
      const user = await freshUser(t());
      const { mail } = await mailedToken(t(), user.email.toUpperCase());
      expect(mail.to).toEqual([user.email.toLowerCase()]);
    });

    it('the HTML part escapes what it prints; the text part prints it as it is', async () => {
      const user = await makeUser(t().db, { email: `o'brien&co-${t().dialect}@example.com`, password: 'Whatever-pass-1' });
      const { mail } = await mailedToken(t(), user.email);
      expect(mail.text).toContain(user.email);
      expect(mail.html).not.toContain(user.email);
      expect(mail.html).toContain(`o&#39;brien&amp;co-${t().dialect}@example.com`);
    });

    it('a token works once: the second use is 403 FORBIDDEN', async () => {
      const user = await freshUser(t());
      const { token } = await mailedToken(t(), user.email);
      expect((await reset(t(), token, 'First-new-password-1')).statusCode).toBe(204);
      const again = await reset(t(), token, 'Second-new-password-2');
      expect(again.statusCode, again.body).toBe(403);
      expect(again.json().errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await login(t(), user.email, 'First-new-password-1')).statusCode).toBe(200);
    });

    it('two concurrent uses of one token: exactly one succeeds', async () => {
      const user = await freshUser(t());
      const { token } = await mailedToken(t(), user.email);
      const results = await Promise.all([reset(t(), token, 'Racer-one-password-1'), reset(t(), token, 'Racer-two-password-2')]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([204, 403]);
    });

    it('a newer request voids the older token', async () => {
      const user = await freshUser(t());
      const first = await mailedToken(t(), user.email);
      const second = await mailedToken(t(), user.email);
      expect(second.token).not.toBe(first.token);
      const old = await reset(t(), first.token, 'Via-old-token-1');
      expect(old.statusCode, old.body).toBe(403);
      expect(old.json().errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await reset(t(), second.token, 'Via-new-token-2')).statusCode).toBe(204);
    });

    it('stores the token hashed: the clear token is nowhere in the database', async () => {
      const user = await freshUser(t());
      const { token } = await mailedToken(t(), user.email);
      const rows = await t().db.kysely.selectFrom('usher_one_time_tokens').selectAll().where('user', '=', user.id).execute();
      expect(rows.length).toBeGreaterThan(0);
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(token);
      expect(rows.map((r) => r.token)).toContain(sha256(token));
      // The stored hash is not itself a token.
      const withHash = await reset(t(), sha256(token), 'Hash-as-token-1');
      expect(withHash.statusCode).toBe(403);
    });

    it.each([
      ['an unknown, well-formed token', () => randomToken(32)],
      ['a malformed token', () => 'not a token at all'],
      ['an empty token', () => ''],
      ['a blank token', () => '   '],
      ['a very long token', () => 'x'.repeat(50_000)],
      ['a JWT-shaped token', () => 'eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFAYi5jIiwic2NvcGUiOiJwYXNzd29yZC1yZXNldCJ9.c2lnbmF0dXJl'],
      ['a token with control characters and unicode', () => 'tok\u0000en\u202e😀%00'],
      ['an SQL-looking token', () => "' OR 1=1 --"],
    ])('%s is 403 FORBIDDEN, never 500', async (_name, make) => {
      const res = await reset(t(), make(), 'Whatever-password-1');
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('a token made for another purpose (an invitation) does not reset a password', async () => {
      const user = await freshUser(t());
      const token = randomToken(32);
      const now = new Date().toISOString();
      await t()
        .db.kysely.insertInto('usher_one_time_tokens')
        .values({
          token: sha256(token),
          user: user.id,
          purpose: 'invite',
          created_at: now,
          created_by: null,
          expires: new Date(Date.now() + 3_600_000).toISOString(),
          used_at: null,
          revoked_at: null,
          data: null,
        })
        .execute();
      expect((await reset(t(), token, 'Invite-token-pass-1')).statusCode).toBe(403);
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
    });

    it.each([
      ['a token that is not a string', { token: 12345, password: 'Valid-password-1' }],
      ['a missing password', { token: 'abc' }],
      ['a password that is not a string', { token: 'abc', password: ['x'] }],
      ['no body at all', undefined],
    ])('%s is 400 INVALID_PAYLOAD', async (_name, payload) => {
      const res = await t().request({ method: 'POST', url: '/auth/password/reset', ...(payload ? { payload } : {}) });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    });

    it('a reset_url off the allow-list is 400 INVALID_PAYLOAD for known and unknown emails alike, and mails nothing', async () => {
      const user = await freshUser(t());
      for (const resetUrl of ['https://evil.example.com/reset', 'https://app.example.com/other', 'javascript:alert(1)', 'not a url']) {
        const known = await requestReset(t(), { email: user.email, reset_url: resetUrl });
        const unknown = await requestReset(t(), { email: `nobody-${counter}@example.com`, reset_url: resetUrl });
        for (const res of [known, unknown]) {
          expect(res.statusCode, res.body).toBe(400);
          expect(res.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
        }
        expect(known.body).toBe(unknown.body.replace(`nobody-${counter}@example.com`, user.email));
      }
      const rows = await t().db.kysely.selectFrom('usher_one_time_tokens').select('token').where('user', '=', user.id).execute();
      expect(rows).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(smtp.mailsTo(user.email)).toHaveLength(0);
    });

    it('answers 204 for unknown and non-active users and mails them nothing', async () => {
      const suspended = await freshUser(t(), { status: 'suspended' });
      const invited = await freshUser(t(), { status: 'invited' });
      for (const email of [suspended.email, invited.email, 'nobody-at-all@example.com', 'not-an-email']) {
        const res = await requestReset(t(), { email });
        expect(res.statusCode, res.body).toBe(204);
        expect(res.body).toBe('');
      }
      // A marker mail sent afterwards arrives; nothing arrived for the others before it.
      const marker = await freshUser(t());
      await mailedToken(t(), marker.email);
      for (const email of [suspended.email, invited.email, 'nobody-at-all@example.com']) expect(smtp.mailsTo(email)).toHaveLength(0);
    });

    it('a user suspended after the request cannot use the token', async () => {
      const user = await freshUser(t());
      const { token } = await mailedToken(t(), user.email);
      await t().db.kysely.updateTable('directus_users').set({ status: 'suspended' }).where('id', '=', user.id).execute();
      const res = await reset(t(), token, 'Suspended-user-pass-1');
      expect(res.statusCode, res.body).toBe(403);
    });

    it.each([
      ['an email that is not a string', { email: 42 }],
      ['a missing email', {}],
      ['a reset_url that is not a string', { email: 'a@example.com', reset_url: 7 }],
    ])('a request with %s is 400 INVALID_PAYLOAD', async (_name, payload) => {
      const res = await requestReset(t(), payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    });

    it('a password that breaks auth_password_policy is 400 FAILED_VALIDATION, never echoed, and the token survives', async () => {
      const user = await freshUser(t());
      await t().db.kysely.updateTable('directus_settings').set({ auth_password_policy: '/^.{16,}$/' }).where('id', '=', 1).execute();
      try {
        const { token } = await mailedToken(t(), user.email);
        const weak = 'Weak-pw-42xyz';
        const res = await reset(t(), token, weak);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().errors[0].extensions).toMatchObject({ code: 'FAILED_VALIDATION', field: 'password' });
        expect(res.body).not.toContain(weak);
        expect(res.body).not.toContain(token);
        // The old password still works, and the token can still be used with a good password.
        expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
        expect((await reset(t(), token, 'A-long-enough-password-1')).statusCode).toBe(204);
      } finally {
        await t().db.kysely.updateTable('directus_settings').set({ auth_password_policy: null }).where('id', '=', 1).execute();
      }
    });

    it('a reset lifts a lockout: proving the mailbox is enough', async () => {
      const user = await freshUser(t());
      const until = new Date(Date.now() + 3_600_000).toISOString();
      await t().db.kysely.updateTable('directus_users').set({ locked_until: until, failed_logins: 2 }).where('id', '=', user.id).execute();
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(401);
      const { token } = await mailedToken(t(), user.email);
      expect((await reset(t(), token, 'Unlocked-password-1')).statusCode).toBe(204);
      expect((await login(t(), user.email, 'Unlocked-password-1')).statusCode).toBe(200);
    });
  });

  describe(`password reset: expiry [${dialect}]`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(dialect, env({ PASSWORD_RESET_TOKEN_TTL: '300ms' }));
    });
    afterAll(async () => {
      await app?.close();
    });

    it('an expired token is 401 TOKEN_EXPIRED and leaves the password alone', async () => {
      const user = await freshUser(app);
      const { token } = await mailedToken(app, user.email);
      await new Promise((r) => setTimeout(r, 400));
      const res = await reset(app, token, 'Too-late-password-1');
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().errors[0].extensions.code).toBe('TOKEN_EXPIRED');
      expect((await login(app, user.email, user.password!)).statusCode).toBe(200);
    });
  });

  describe(`password reset: same answer, same time [${dialect}]`, () => {
    const STALL = 300;
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(dialect, env({ LOGIN_STALL_TIME: String(STALL) }));
    });
    afterAll(async () => {
      await app?.close();
    });

    it(`known and unknown emails both answer 204 with an empty body, after at least ${STALL} ms`, async () => {
      const user = await freshUser(app);
      const timings: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
      for (let i = 0; i < 3; i++) {
        for (const [kind, email] of [
          ['known', user.email],
          ['unknown', `ghost-${i}@example.com`],
        ] as const) {
          const start = performance.now();
          const res = await requestReset(app, { email });
          timings[kind].push(performance.now() - start);
          expect(res.statusCode, res.body).toBe(204);
          expect(res.body).toBe('');
          expect(Object.keys(res.headers).sort()).toEqual(expect.arrayContaining(['x-request-id']));
        }
      }
      for (const ms of [...timings.known, ...timings.unknown]) expect(ms).toBeGreaterThanOrEqual(STALL - 1);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(Math.abs(mean(timings.known) - mean(timings.unknown))).toBeLessThan(100);
      await smtp.waitFor((m) => m.to.includes(user.email));
    });
  });
}
