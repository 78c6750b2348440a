// Self-registration (reference §3.4) over a real SMTP server: off by default; on, a new address
// becomes an unverified user and gets a verification mail whose link activates it; a known address
// gets the same 204 and nothing else; the email filter, the URL allow-list and the rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type CapturedMail, type SmtpSink } from '../../../test/smtp.js';
import { randomToken } from '../../util/crypto.js';
import { updateSettings } from '../settings/settings.repository.js';
import { expectUnchanged } from '../users/users.test-support.js';

const PUBLIC_URL = 'http://usher.test';
const VERIFY_URL = 'https://app.example.com/verify';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
});

const ENV = { PUBLIC_URL, USER_REGISTER_URL_ALLOW_LIST: VERIFY_URL, RATE_LIMITER_REGISTRATION_ENABLED: 'false', RATE_LIMITER_LOGIN_ENABLED: 'false' };

for (const dialect of DIALECTS) {
  describe(`POST /users/register [${dialect}]`, () => {
    let app: TestApp;
    let limited: TestApp;
    let expiring: TestApp;
    let role: string;
    let n = 0;
    const t = () => app;
    const addr = (name: string) => `${name}-${++n}-${dialect}@example.com`;

    async function open(on: TestApp, extra: Parameters<typeof updateSettings>[1] = {}) {
      await updateSettings(on.db.kysely, { public_registration: true, public_registration_verify_email: true, public_registration_role: role, public_registration_email_filter: null, ...extra });
    }

    beforeAll(async () => {
      app = await createTestApp(dialect, { ...smtp.env(), ...ENV });
      limited = await createTestApp(dialect, { ...smtp.env(), ...ENV, RATE_LIMITER_REGISTRATION_ENABLED: 'true', RATE_LIMITER_REGISTRATION_POINTS: '2' });
      expiring = await createTestApp(dialect, { ...smtp.env(), ...ENV, EMAIL_VERIFICATION_TOKEN_TTL: '1ms' });
      role = (await makeRole(app.db, { name: 'Registered' })).id;
      for (const other of [limited, expiring]) await makeRole(other.db, { id: role, name: 'Registered' });
    });
    afterAll(async () => {
      await Promise.all([app?.close(), limited?.close(), expiring?.close()]);
    });

    const register = (payload: object, on: TestApp = app) => on.request({ method: 'POST', url: '/users/register', payload });
    const userByEmail = (email: string, on: TestApp = app) => on.db.kysely.selectFrom('directus_users').selectAll().where('email_lower', '=', email.toLowerCase()).executeTakeFirst();
    const mailTo = (email: string, seen = 0): Promise<CapturedMail> => smtp.waitFor((m) => m.to.includes(email.toLowerCase()) && smtp.mailsTo(email).indexOf(m) >= seen);

    it('is off by default: 403, nothing created, no mail', async () => {
      const email = addr('closed');
      const res = await expectUnchanged(t(), () => register({ email, password: 'Register-password-1' }));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().errors[0].extensions.code).toBe('FORBIDDEN');
      await t().app.drainMail();
      expect(smtp.mailsTo(email)).toEqual([]);
    });

    it('on: an unverified user in the registration role, a mail, a link that activates it (redirect), then sign-in', async () => {
      await open(app);
      const email = addr('New.Comer');
      const res = await register({ email, password: 'Register-password-1', first_name: 'New', last_name: 'Comer' });
      expect(res.statusCode, res.body).toBe(204);
      expect(await userByEmail(email)).toMatchObject({ email, status: 'unverified', role, first_name: 'New', last_name: 'Comer' });
      expect((await userByEmail(email))?.password).toMatch(/^\$argon2id\$/);
      expect((await app.request({ method: 'POST', url: '/auth/login', payload: { email, password: 'Register-password-1' } })).statusCode).toBe(401);

      const mail = await mailTo(email);
      expect(mail.subject).toBe('Verify your email address');
      expect(mail.html).toContain('<html');
      expect(mail.text).toContain('New');
      const token = linkParam(mail.text, 'token')!;
      expect(mail.text).toContain(`${PUBLIC_URL}/users/register/verify-email?token=${token}`);

      const verify = await app.request({ url: `/users/register/verify-email?token=${encodeURIComponent(token)}` });
      expect(verify.statusCode, verify.body).toBe(302);
      const user = (await userByEmail(email))!;
      expect(verify.headers.location).toBe(`${PUBLIC_URL}/admin/users/${user.id}`);
      expect(user.status).toBe('active');
      expect((await app.request({ method: 'POST', url: '/auth/login', payload: { email, password: 'Register-password-1' } })).statusCode).toBe(200);

      // The link works once.
      const again = await app.request({ url: `/users/register/verify-email?token=${encodeURIComponent(token)}` });
      expect(again.statusCode).toBe(400);
      expect(again.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    });

    it('a known address gets the same 204 and nothing else: no mail, no change', async () => {
      await open(app);
      const known = await makeUser(t().db, { email: addr('known'), password: 'Known-password-1', first_name: 'Known' });
      const unknown = addr('unknown');
      const [a, b] = [await register({ email: known.email.toUpperCase(), password: 'Other-password-1', first_name: 'X' }), await register({ email: unknown, password: 'Other-password-1' })];
      expect([a.statusCode, b.statusCode]).toEqual([204, 204]);
      expect(a.body).toBe(b.body);
      expect(Object.keys(a.headers).filter((h) => h !== 'x-request-id' && h !== 'date').sort()).toEqual(Object.keys(b.headers).filter((h) => h !== 'x-request-id' && h !== 'date').sort());
      await mailTo(unknown);
      expect(smtp.mailsTo(known.email)).toEqual([]);
      expect(await userByEmail(known.email)).toMatchObject({ status: 'active', first_name: 'Known' });
      expect((await app.request({ method: 'POST', url: '/auth/login', payload: { email: known.email, password: 'Known-password-1' } })).statusCode).toBe(200);
    });

    it('registering an unverified address again re-sends the mail; the older link dies', async () => {
      await open(app);
      const email = addr('twice');
      await register({ email, password: 'Register-password-1' });
      const first = linkParam((await mailTo(email)).text, 'token')!;
      const seen = smtp.mailsTo(email).length;
      await register({ email, password: 'Register-password-1' });
      const second = linkParam((await mailTo(email, seen)).text, 'token')!;
      expect(second).not.toBe(first);
      expect((await app.request({ url: `/users/register/verify-email?token=${first}` })).statusCode).toBe(403);
      expect((await app.request({ url: `/users/register/verify-email?token=${second}` })).statusCode).toBe(302);
    });

    it('with verification off, the user is active at once and gets no mail', async () => {
      await open(app, { public_registration_verify_email: false });
      const email = addr('direct');
      expect((await register({ email, password: 'Register-password-1' })).statusCode).toBe(204);
      expect(await userByEmail(email)).toMatchObject({ status: 'active', role });
      await t().app.drainMail();
      expect(smtp.mailsTo(email)).toEqual([]);
    });

    it('the email filter: an address outside it is 403 and nothing is created', async () => {
      await open(app, { public_registration_email_filter: JSON.stringify({ _and: [{ email: { _ends_with: '@allowed.example' } }] }) });
      const res = await expectUnchanged(t(), () => register({ email: addr('outside'), password: 'Register-password-1' }));
      expect(res.statusCode).toBe(403);
      const inside = `inside-${dialect}@allowed.example`;
      expect((await register({ email: inside, password: 'Register-password-1' })).statusCode).toBe(204);
      expect(await userByEmail(inside)).toMatchObject({ status: 'unverified' });
    });

    it('verification_url: an allowed one is the link; another is 400', async () => {
      await open(app);
      const email = addr('custom');
      expect((await register({ email, password: 'Register-password-1', verification_url: VERIFY_URL })).statusCode).toBe(204);
      const token = linkParam((await mailTo(email)).text, 'token')!;
      expect((await mailTo(email)).text).toContain(`${VERIFY_URL}?token=${token}`);
      const res = await expectUnchanged(t(), () => register({ email: addr('evil'), password: 'Register-password-1', verification_url: 'https://evil.example.com/verify' }));
      expect(res.statusCode).toBe(400);
    });

    it('a malformed email, a missing or empty password, or one against the policy: 400, nothing created', async () => {
      await open(app);
      // Without a policy, an empty password would be a way in with none.
      const empty = await expectUnchanged(t(), () => register({ email: addr('empty'), password: '' }));
      expect(empty.statusCode, empty.body).toBe(400);
      await open(app, { auth_password_policy: '/^.{14,}$/' });
      try {
        for (const payload of [{ email: 'nope', password: 'Register-password-1' }, { email: addr('nopass') }, { email: addr('weak'), password: 'Weak-1' }]) {
          const res = await expectUnchanged(t(), () => register(payload));
          expect(res.statusCode, res.body).toBe(400);
          expect(res.body).not.toContain('Weak-1');
        }
      } finally {
        await updateSettings(app.db.kysely, { auth_password_policy: null });
      }
    });

    it('verify-email: no token redirects to the login page; forged is 403 INVALID_TOKEN; expired 401 TOKEN_EXPIRED', async () => {
      const none = await app.request({ url: '/users/register/verify-email' });
      expect(none.statusCode).toBe(302);
      expect(none.headers.location).toBe(`${PUBLIC_URL}/admin/login`);
      const forged = await app.request({ url: `/users/register/verify-email?token=${randomToken(32)}` });
      expect(forged.statusCode).toBe(403);
      expect(forged.json().errors[0].extensions.code).toBe('INVALID_TOKEN');

      await open(expiring);
      const email = addr('late');
      expect((await register({ email, password: 'Register-password-1' }, expiring)).statusCode).toBe(204);
      const token = linkParam((await mailTo(email)).text, 'token')!;
      const late = await expiring.request({ url: `/users/register/verify-email?token=${token}` });
      expect(late.statusCode).toBe(401);
      expect(late.json().errors[0].extensions.code).toBe('TOKEN_EXPIRED');
      expect((await userByEmail(email, expiring))?.status).toBe('unverified');
    });

    it('is rate limited per IP: 429 with Retry-After', async () => {
      await open(limited);
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await register({ email: addr('burst'), password: 'Register-password-1' }, limited)).statusCode);
      expect(codes).toEqual([204, 204, 429]);
      const res = await register({ email: addr('burst'), password: 'Register-password-1' }, limited);
      expect(res.json().errors[0].extensions.code).toBe('REQUESTS_EXCEEDED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
}
