// Invitations end to end over a real SMTP server on loopback: invite several addresses, read the
// mails, open the link (which consumes nothing), accept with a password, sign in. Re-inviting an
// invited address re-sends with a fresh link and the new role; anyone else is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type CapturedMail, type SmtpSink } from '../../../test/smtp.js';
import { sha256 } from '../../util/crypto.js';
import { expectUnchanged, makeCallers, userWithRights } from '../users/users.test-support.js';

const PUBLIC_URL = 'http://usher.test';
const ALLOWED_INVITE_URL = 'https://app.example.com/join';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
});

for (const dialect of DIALECTS) {
  describe(`POST /users/invite end to end [${dialect}]`, () => {
    let app: TestApp;
    const t = () => app;
    let roleA: string;
    let roleB: string;
    const addr = (name: string) => `${name}-${dialect}@example.com`;

    beforeAll(async () => {
      app = await createTestApp(dialect, { ...smtp.env(), PUBLIC_URL, USER_INVITE_URL_ALLOW_LIST: ALLOWED_INVITE_URL, RATE_LIMITER_INVITE_ACCEPT_ENABLED: 'false' });
      roleA = (await makeRole(app.db, { name: 'Invitees A' })).id;
      roleB = (await makeRole(app.db, { name: 'Invitees B' })).id;
    });
    afterAll(async () => {
      await app?.close();
    });

    const invite = (payload: object, as: string | null = t().admin.token) => t().request({ method: 'POST', url: '/users/invite', as, payload });

    /** The next mail to `email` after the ones already received. */
    async function nextMail(email: string, seen = smtp.mailsTo(email).length): Promise<CapturedMail> {
      return smtp.waitFor((m) => m.to.includes(email.toLowerCase()) && smtp.mailsTo(email).indexOf(m) >= seen);
    }

    const userByEmail = (email: string) => t().db.kysely.selectFrom('directus_users').selectAll().where('email_lower', '=', email.toLowerCase()).executeTakeFirst();

    it('two addresses as a comma-separated string: 200 with a result each, two mails, then accept and sign in', async () => {
      const [one, two] = [addr('Invitee.One'), addr('invitee-two')];
      const res = await invite({ email: `${one}, ${two}`, role: roleA });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ data: [{ email: one, result: 'invited' }, { email: two, result: 'invited' }] });

      for (const email of [one, two]) {
        const row = await userByEmail(email);
        expect(row).toMatchObject({ email, status: 'invited', role: roleA, password: null });
      }

      const mail = await nextMail(one, 0);
      await nextMail(two, 0);
      expect(mail.subject).toBe("You've been invited");
      expect(mail.html).toContain('<html');
      expect(mail.text).not.toContain('<');
      const token = linkParam(mail.text, 'token')!;
      expect(token.length).toBeGreaterThanOrEqual(32);
      const link = `${PUBLIC_URL}/admin/accept-invite?token=${token}`;
      expect(mail.text).toContain(link);
      expect(mail.html.replace(/&amp;/g, '&')).toContain(link);
      // Stored hashed, never as sent.
      const stored = await t().db.kysely.selectFrom('usher_one_time_tokens').select(['token', 'purpose']).where('token', '=', sha256(token)).executeTakeFirst();
      expect(stored).toEqual({ token: sha256(token), purpose: 'invite' });
      expect(await t().db.kysely.selectFrom('usher_one_time_tokens').select('token').where('token', '=', token).execute()).toEqual([]);

      // Opening the link (twice, as a mail scanner would) shows who is invited and consumes nothing.
      for (let i = 0; i < 2; i++) {
        const look = await t().request({ url: `/users/invite/accept?token=${encodeURIComponent(token)}` });
        expect(look.statusCode, look.body).toBe(200);
        expect(look.json().data).toMatchObject({ email: one, expires: expect.any(String) });
      }

      const accept = await t().request({ method: 'POST', url: '/users/invite/accept', payload: { token, password: 'Accepted-password-1' } });
      expect(accept.statusCode, accept.body).toBe(204);
      expect(accept.body).toBe('');
      expect(accept.headers['set-cookie']).toBeUndefined();
      expect(await userByEmail(one)).toMatchObject({ status: 'active', role: roleA });

      const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: one, password: 'Accepted-password-1' } });
      expect(login.statusCode, login.body).toBe(200);

      // Used once: the same link again is 400 INVALID_PAYLOAD, as Directus answers.
      const again = await t().request({ method: 'POST', url: '/users/invite/accept', payload: { token, password: 'Another-password-1' } });
      expect(again.statusCode, again.body).toBe(400);
      expect(again.json().errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    });

    it('an array of addresses, matched without regard to case and de-duplicated', async () => {
      const res = await invite({ email: [addr('array-1'), addr('ARRAY-1'), addr('array-2')], role: roleA });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual([
        { email: addr('array-1'), result: 'invited' },
        { email: addr('array-2'), result: 'invited' },
      ]);
    });

    it('re-inviting an invited address: "resent", a fresh link, the old one dead, the role updated', async () => {
      const email = addr('Again.Mixed');
      expect((await invite({ email, role: roleA })).statusCode).toBe(200);
      const first = linkParam((await nextMail(email, 0)).text, 'token')!;
      const seen = smtp.mailsTo(email).length;

      const res = await invite({ email: email.toLowerCase(), role: roleB });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual([{ email: email.toLowerCase(), result: 'resent' }]);
      const mail = await nextMail(email, seen);
      // Sent to the address as stored: the local part of an address may be case-sensitive.
      expect(mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.value[0]?.address : null).toBe(email);
      const second = linkParam(mail.text, 'token')!;
      expect(second).not.toBe(first);
      expect(await userByEmail(email)).toMatchObject({ email, status: 'invited', role: roleB });

      const old = await t().request({ method: 'POST', url: '/users/invite/accept', payload: { token: first, password: 'Accepted-password-1' } });
      expect(old.statusCode, old.body).toBe(403);
      expect(old.json().errors[0].extensions.code).toBe('INVALID_TOKEN');
      expect((await t().request({ url: `/users/invite/accept?token=${first}` })).statusCode).toBe(403);
      expect((await userByEmail(email))?.status).toBe('invited');

      const accept = await t().request({ method: 'POST', url: '/users/invite/accept', payload: { token: second, password: 'Accepted-password-1' } });
      expect(accept.statusCode, accept.body).toBe(204);
      expect(await userByEmail(email)).toMatchObject({ status: 'active', role: roleB });
    });

    it('an address of a user who is not invited is skipped, with a reason, and gets no mail', async () => {
      const active = await makeUser(t().db, { email: addr('Already.Active'), role: roleA });
      const suspended = await makeUser(t().db, { email: addr('suspended'), role: roleA, status: 'suspended' });
      const res = await invite({ email: `${active.email.toLowerCase()},${suspended.email},${addr('fresh')}`, role: roleB });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual([
        { email: active.email.toLowerCase(), result: 'skipped', reason: expect.any(String) },
        { email: suspended.email, result: 'skipped', reason: expect.any(String) },
        { email: addr('fresh'), result: 'invited' },
      ]);
      await nextMail(addr('fresh'), 0);
      expect(smtp.mailsTo(active.email)).toEqual([]);
      expect(smtp.mailsTo(suspended.email)).toEqual([]);
      expect(await userByEmail(active.email)).toMatchObject({ status: 'active', role: roleA });
      expect(await userByEmail(suspended.email)).toMatchObject({ status: 'suspended', role: roleA });
    });

    it('an allowed invite_url is the link in the mail', async () => {
      const email = addr('custom-url');
      expect((await invite({ email, role: roleA, invite_url: ALLOWED_INVITE_URL })).statusCode).toBe(200);
      const mail = await nextMail(email, 0);
      const token = linkParam(mail.text, 'token')!;
      expect(mail.text).toContain(`${ALLOWED_INVITE_URL}?token=${token}`);
      expect(mail.text).not.toContain(`${PUBLIC_URL}/admin`);
    });

    describe('refused, with nothing changed and no mail sent', () => {
      async function refused(payload: object, status: number, code: string, as: string | null = t().admin.token) {
        const mailsBefore = smtp.mails.length;
        const res = await expectUnchanged(t(), () => invite(payload, as));
        expect(res.statusCode, res.body).toBe(status);
        expect(res.json().errors[0].extensions.code).toBe(code);
        await t().app.drainMail();
        expect(smtp.mails.length).toBe(mailsBefore);
      }

      it('an invite_url not on USER_INVITE_URL_ALLOW_LIST: 400', () => refused({ email: addr('evil'), role: roleA, invite_url: 'https://evil.example.com/join' }, 400, 'INVALID_PAYLOAD'));
      it('an invite_url on the allowed host but another path: 400', () => refused({ email: addr('evil'), role: roleA, invite_url: 'https://app.example.com/steal' }, 400, 'INVALID_PAYLOAD'));
      it('a malformed address among good ones: 400 FAILED_VALIDATION', () => refused({ email: `${addr('good')}, not-an-email`, role: roleA }, 400, 'FAILED_VALIDATION'));
      it('no address: 400', () => refused({ email: ' , ', role: roleA }, 400, 'FAILED_VALIDATION'));
      it('no role: 400', () => refused({ email: addr('norole') }, 400, 'FAILED_VALIDATION'));
      it('an unknown role: 400 INVALID_FOREIGN_KEY', () => refused({ email: addr('badrole'), role: '00000000-0000-4000-8000-000000000000' }, 400, 'INVALID_FOREIGN_KEY'));
      it('a body that is not an object: 400', async () => {
        const res = await expectUnchanged(t(), () => t().request({ method: 'POST', url: '/users/invite', as: t().admin.token, payload: ['x'] }));
        expect(res.statusCode).toBe(400);
      });

      it('by an app user, an API-only user, a user without role, anonymous: 403', async () => {
        const c = await makeCallers(t(), `inv-${dialect}`);
        for (const as of [c.app.token, c.apiOnly.token, c.noRole.token, null]) await refused({ email: addr('by-nonadmin'), role: roleA }, 403, 'FORBIDDEN', as);
      });

      it('by a non-admin with create and update rights on every user field: 403', async () => {
        const manager = await userWithRights(t(), addr('manager'), { create: {}, update: {}, read: {} });
        await refused({ email: addr('by-manager'), role: roleA }, 403, 'FORBIDDEN', manager.token);
      });
    });
  });
}
