// What admins see of an invitation (GET /users/:id/invite: when, by whom, until when, and whether
// the mail was delivered), how they revoke it (DELETE: the link dies), and that a delivery failure
// is recorded and never undoes the user or the invitation.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type SmtpSink } from '../../../test/smtp.js';
import { expectUnchanged, makeCallers, userWithRights, type Callers } from '../users/users.test-support.js';

let smtp: SmtpSink;
let closedPort: number;
beforeAll(async () => {
  smtp = await startSmtpSink();
  // A port nobody listens on: bind one, note it, let it go.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await smtp?.close();
});

const ENV = { PUBLIC_URL: 'http://usher.test', RATE_LIMITER_INVITE_ACCEPT_ENABLED: 'false' };

interface InviteView {
  status: string;
  invited_at: string;
  invited_by: string | null;
  expires: string;
  delivery: string;
  delivered_at: string | null;
  error: string | null;
}

for (const dialect of DIALECTS) {
  describe(`an invitation as admins see it [${dialect}]`, () => {
    let app: TestApp;
    let broken: TestApp; // its mail goes to a closed port
    let c: Callers;
    let role: string;
    let n = 0;
    const addr = (name: string) => `${name}-${++n}-${dialect}@example.com`;

    beforeAll(async () => {
      app = await createTestApp(dialect, { ...smtp.env(), ...ENV });
      broken = await createTestApp(dialect, { ...smtp.env(), ...ENV, EMAIL_SMTP_PORT: String(closedPort) });
      c = await makeCallers(app, `view-${dialect}`);
      role = (await makeRole(app.db, { name: 'Invited' })).id;
      await makeRole(broken.db, { id: role, name: 'Invited' });
    });
    afterAll(async () => {
      await Promise.all([app?.close(), broken?.close()]);
    });

    async function invite(on: TestApp = app): Promise<{ id: string; email: string }> {
      const email = addr('seen');
      const res = await on.request({ method: 'POST', url: '/users/invite', as: on.admin.token, payload: { email, role } });
      expect(res.statusCode, res.body).toBe(200);
      const row = await on.db.kysely.selectFrom('directus_users').select('id').where('email_lower', '=', email).executeTakeFirstOrThrow();
      return { id: row.id, email };
    }

    /** The admin's view once the mail job has finished (delivery no longer "queued"). */
    async function settled(id: string, on: TestApp = app): Promise<InviteView> {
      for (let i = 0; i < 100; i++) {
        const res = await on.request({ url: `/users/${id}/invite`, as: on.admin.token });
        expect(res.statusCode, res.body).toBe(200);
        const data = res.json().data as InviteView;
        if (data.delivery !== 'queued') return data;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the invitation mail never settled');
    }

    it('shows when, by whom, until when, and that the mail was sent', async () => {
      const before = Date.now();
      const { id, email } = await invite();
      await smtp.waitFor((m) => m.to.includes(email));
      const view = await settled(id);
      expect(view).toEqual({ status: 'pending', invited_at: expect.any(String), invited_by: app.admin.id, expires: expect.any(String), delivery: 'sent', delivered_at: expect.any(String), error: null });
      const week = 7 * 24 * 3600 * 1000;
      expect(Date.parse(view.invited_at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(view.expires) - Date.parse(view.invited_at)).toBeGreaterThanOrEqual(week - 1000);
      expect(Date.parse(view.expires) - Date.parse(view.invited_at)).toBeLessThanOrEqual(week + 1000);
    });

    it('after the invitee accepts: "accepted"', async () => {
      const { id, email } = await invite();
      const token = linkParam((await smtp.waitFor((m) => m.to.includes(email))).text, 'token')!;
      expect((await app.request({ method: 'POST', url: '/users/invite/accept', payload: { token, password: 'Accepted-password-1' } })).statusCode).toBe(204);
      expect((await settled(id)).status).toBe('accepted');
    });

    it('a user never invited: data null; an unknown or malformed id: 403', async () => {
      expect((await app.request({ url: `/users/${c.app.id}/invite`, as: app.admin.token })).json()).toEqual({ data: null });
      expect((await app.request({ url: '/users/00000000-0000-4000-8000-000000000000/invite', as: app.admin.token })).statusCode).toBe(403);
      expect((await app.request({ url: '/users/not-an-id/invite', as: app.admin.token })).statusCode).toBe(403);
    });

    it('DELETE revokes it: 204, the link is dead, the view says "revoked", the user stays invited', async () => {
      const { id, email } = await invite();
      const token = linkParam((await smtp.waitFor((m) => m.to.includes(email))).text, 'token')!;
      const res = await app.request({ method: 'DELETE', url: `/users/${id}/invite`, as: app.admin.token });
      expect(res.statusCode, res.body).toBe(204);
      const accept = await app.request({ method: 'POST', url: '/users/invite/accept', payload: { token, password: 'Accepted-password-1' } });
      expect(accept.statusCode).toBe(403);
      expect(accept.json().errors[0].extensions.code).toBe('INVALID_TOKEN');
      expect((await app.request({ url: `/users/invite/accept?token=${token}` })).statusCode).toBe(403);
      expect((await settled(id)).status).toBe('revoked');
      expect((await app.db.kysely.selectFrom('directus_users').select('status').where('id', '=', id).executeTakeFirst())?.status).toBe('invited');
    });

    it('non-admins may neither see nor revoke an invitation (403), even with every right on users', async () => {
      const { id, email } = await invite();
      await smtp.waitFor((m) => m.to.includes(email));
      await settled(id);
      const everything = await userWithRights(app, addr('everything'), { create: {}, read: {}, update: {}, delete: {} });
      for (const as of [c.app.token, c.apiOnly.token, c.noRole.token, everything.token, null]) {
        expect((await app.request({ url: `/users/${id}/invite`, as })).statusCode).toBe(403);
        const res = await expectUnchanged(app, () => app.request({ method: 'DELETE', url: `/users/${id}/invite`, as }));
        expect(res.statusCode).toBe(403);
      }
      expect((await settled(id)).status).toBe('pending');
    });

    it('a delivery failure is recorded as "failed" and undoes neither the user nor the invitation', async () => {
      const { id, email } = await invite(broken);
      const view = await settled(id, broken);
      expect(view).toMatchObject({ status: 'pending', delivery: 'failed', delivered_at: null });
      expect(view.error).toEqual(expect.any(String));
      expect(smtp.mailsTo(email)).toEqual([]);
      const row = await broken.db.kysely.selectFrom('directus_users').select(['status', 'role']).where('id', '=', id).executeTakeFirst();
      expect(row).toEqual({ status: 'invited', role });
      // A re-invite is possible and says so: the address is still an invited user.
      const again = await broken.request({ method: 'POST', url: '/users/invite', as: broken.admin.token, payload: { email, role } });
      expect(again.json().data).toEqual([{ email, result: 'resent' }]);
    });
  });
}
