// The official Directus SDK (v16, the one for Directus 10) against a real, listening Usher: the
// user procedures of the spec (create, read, configure, change status and role, set and clear the
// token, invite several by email, accept, delete several), with the invitation token taken from a
// real mail.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptUserInvite,
  authentication,
  createDirectus,
  createUser,
  deleteUsers,
  inviteUser,
  readMe,
  readUsers,
  rest,
  staticToken,
  updateMe,
  updateUser,
} from '@directus/sdk';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { linkParam, startSmtpSink, type SmtpSink } from '../../../test/smtp.js';

interface SdkError {
  errors: { message: string; extensions: { code: string } }[];
  response: Response;
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

for (const dialect of DIALECTS) {
  describe(`@directus/sdk 16: users [${dialect}]`, () => {
    let smtp: SmtpSink;
    let app: TestApp;
    let url: string;
    let editors: string;
    let viewers: string;

    beforeAll(async () => {
      smtp = await startSmtpSink();
      app = await createTestApp(dialect, { ...smtp.env(), PUBLIC_URL: 'http://usher.test', RATE_LIMITER_LOGIN_ENABLED: 'false', RATE_LIMITER_INVITE_ACCEPT_ENABLED: 'false' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
      editors = (await makeRole(app.db, { name: 'Editors' })).id;
      viewers = (await makeRole(app.db, { name: 'Viewers' })).id;
    });
    afterAll(async () => {
      await app?.close();
      await smtp?.close();
    });

    const asAdmin = () => createDirectus(url).with(staticToken(app.admin.token!)).with(rest());

    it('createUser, readUsers, updateUser (status, role, token set and cleared), deleteUsers', async () => {
      const client = asAdmin();
      const created = await client.request(createUser({ email: 'Sdk.Made@Example.com', password: 'Sdk-password-1', role: editors, first_name: 'Sdk' }, { fields: ['id', 'email', 'status', 'role', 'password'] }));
      expect(created).toMatchObject({ email: 'Sdk.Made@Example.com', status: 'active', role: editors, password: '**********' });
      const id = (created as { id: string }).id;
      const second = (await client.request(createUser({ email: 'sdk-second@example.com' }))) as { id: string };

      const found = await client.request(readUsers({ filter: { email: { _ieq: 'sdk.made@example.com' } }, fields: ['id', 'email', 'role.name'] }));
      expect(found).toEqual([{ id, email: 'Sdk.Made@Example.com', role: { name: 'Editors' } }]);

      const configured = await client.request(updateUser(id, { title: 'Configured', role: viewers, status: 'suspended' }, { fields: ['title', 'role', 'status'] }));
      expect(configured).toEqual({ title: 'Configured', role: viewers, status: 'suspended' });
      await client.request(updateUser(id, { status: 'active', token: 'sdk-static-token-sdk-static-token-0001' }));
      const viaToken = createDirectus(url).with(staticToken('sdk-static-token-sdk-static-token-0001')).with(rest());
      expect(await viaToken.request(readMe({ fields: ['id', 'role'] }))).toEqual({ id, role: viewers });
      const cleared = await client.request(updateUser(id, { token: null }, { fields: ['token'] }));
      expect(cleared).toEqual({ token: null });
      expect((await rejection(viaToken.request(readMe()))).errors[0]!.extensions.code).toBe('INVALID_CREDENTIALS');

      await client.request(deleteUsers([id, second.id]));
      expect(await client.request(readUsers({ filter: { id: { _in: [id, second.id] } }, fields: ['id'] }))).toEqual([]);
    });

    it('the SDK rejects with the Directus error shape: invalid status, unknown field, last admin', async () => {
      const client = asAdmin();
      const bad = await rejection(client.request(createUser({ email: 'sdk-bad@example.com', status: 'banana' })));
      expect(bad.response.status).toBe(400);
      expect(bad.errors[0]!.extensions.code).toBe('FAILED_VALIDATION');
      expect((await rejection(client.request(createUser({ email: 'sdk-bad@example.com', shoe: 1 } as never)))).errors[0]!.extensions.code).toBe('INVALID_PAYLOAD');
      const last = await rejection(client.request(deleteUsers([app.admin.id])));
      expect(last.response.status).toBe(422);
      expect(last.errors[0]!.extensions.code).toBe('UNPROCESSABLE_CONTENT');
    });

    it('a user configures their own preferences with updateMe, and may not change their role', async () => {
      const u = await makeUser(app.db, { email: 'sdk-self@example.com', role: editors, password: 'Sdk-self-password-1' });
      const client = createDirectus(url).with(authentication('json')).with(rest());
      try {
        await client.login(u.email, u.password!);
        expect(await client.request(updateMe({ appearance: 'dark', language: 'de-DE' }, { fields: ['appearance', 'language'] }))).toEqual({ appearance: 'dark', language: 'de-DE' });
        const refused = await rejection(client.request(updateMe({ role: viewers })));
        expect(refused.response.status).toBe(403);
      } finally {
        client.stopRefreshing();
      }
    });

    it('inviteUser with several addresses resolves with the per-address results; acceptUserInvite, then login', async () => {
      const client = asAdmin();
      const emails = [`sdk-invite-1-${dialect}@example.com`, `sdk-invite-2-${dialect}@example.com`];
      // The SDK passes the answer's `data` through: Usher's 200 with results, where Directus answers 204.
      const results = await client.request(inviteUser(emails.join(','), editors));
      expect(results).toEqual(emails.map((email) => ({ email, result: 'invited' })));
      const firstMail = await smtp.waitFor((m) => m.to.includes(emails[0]!));
      // (The SDK types `email` as a string; an array works too, see invite.test.ts.)
      const again = await client.request(inviteUser(emails.map((e) => e.toUpperCase()).join(', '), viewers));
      expect(again).toEqual(emails.map((email) => ({ email: email.toUpperCase(), result: 'resent' })));

      // Two mails each: the first invitation's link is dead, the second one works.
      const secondMail = await smtp.waitFor((m) => m.to.includes(emails[0]!) && m !== firstMail);
      const [oldToken, newToken] = [firstMail, secondMail].map((m) => linkParam(m.text, 'token')!);
      const publicClient = createDirectus(url).with(rest());
      const dead = await rejection(publicClient.request(acceptUserInvite(oldToken!, 'Sdk-invitee-password-1')));
      expect(dead.errors[0]!.extensions.code).toBe('INVALID_TOKEN');
      await publicClient.request(acceptUserInvite(newToken!, 'Sdk-invitee-password-1'));
      const used = await rejection(publicClient.request(acceptUserInvite(newToken!, 'Sdk-invitee-password-2')));
      expect(used.errors[0]!.extensions.code).toBe('INVALID_PAYLOAD');

      const invitee = createDirectus(url).with(authentication('json')).with(rest());
      try {
        await invitee.login(emails[0]!, 'Sdk-invitee-password-1');
        expect(await invitee.request(readMe({ fields: ['email', 'status', 'role'] }))).toEqual({ email: emails[0], status: 'active', role: viewers });
      } finally {
        invitee.stopRefreshing();
      }
    });
  });
}
