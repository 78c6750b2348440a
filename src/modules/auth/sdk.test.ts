// The official Directus SDK (v16, the one for Directus 10) against a real, listening Usher: it is
// the client our users already have. Login, refresh, logout, readMe, static tokens and password
// reset, with the reset token taken from a real mail.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authentication,
  createDirectus,
  login,
  passwordRequest,
  passwordReset,
  readMe,
  refresh as refreshCommand,
  rest,
  staticToken,
  withToken,
  type AuthenticationData,
} from '@directus/sdk';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
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
  describe(`@directus/sdk 16 against a listening server [${dialect}]`, () => {
    let smtp: SmtpSink;
    let app: TestApp;
    let url: string;
    let user: UserFixture;
    let counter = 0;

    beforeAll(async () => {
      smtp = await startSmtpSink();
      app = await createTestApp(dialect, { ...smtp.env(), PUBLIC_URL: 'http://usher.test', RATE_LIMITER_LOGIN_ENABLED: 'false', RATE_LIMITER_PASSWORD_ENABLED: 'false' });
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await app?.close();
      await smtp?.close();
    });

    async function newUser(): Promise<UserFixture> {
      counter += 1;
      const role = await makeRole(app.db, { name: `SDK ${counter}`, app: true });
      user = await makeUser(app.db, { email: `sdk-${counter}@example.com`, password: `Sdk-password-${counter}`, role: role.id, first_name: 'Sdk' });
      return user;
    }

    function jsonClient(config: Parameters<typeof authentication>[1] = {}) {
      return createDirectus(url).with(authentication('json', config)).with(rest());
    }

    it('login (json), readMe, refresh, readMe, logout; the old tokens die with the logout', async () => {
      const u = await newUser();
      const client = jsonClient();
      try {
        const auth = await client.login(u.email, u.password!);
        expect(auth.access_token).toBeTruthy();
        expect(auth.refresh_token).toBeTruthy();
        expect(auth.expires).toBe(900_000);

        const me = await client.request(readMe({ fields: ['id', 'email', 'first_name'] }));
        expect(me).toEqual({ id: u.id, email: u.email, first_name: 'Sdk' });

        const refreshed = await client.refresh();
        expect(refreshed.access_token).toBeTruthy();
        expect(refreshed.refresh_token).not.toBe(auth.refresh_token);
        expect(await client.getToken()).toBe(refreshed.access_token);
        expect((await client.request(readMe({ fields: ['id'] }))).id).toBe(u.id);

        // Sign out: the access token and the refresh token stop working at once.
        const access = (await client.getToken())!;
        await client.logout();
        expect(await client.getToken()).toBeNull();
        const afterLogout = await rejection(createDirectus(url).with(rest()).request(withToken(access, readMe())));
        expect(afterLogout.response.status).toBe(401);
        expect(afterLogout.errors[0]!.extensions.code).toBe('INVALID_CREDENTIALS');
        const staleRefresh = await rejection(createDirectus(url).with(rest()).request(refreshCommand('json', refreshed.refresh_token!)));
        expect(staleRefresh.errors[0]!.extensions.code).toBe('INVALID_CREDENTIALS');
      } finally {
        client.stopRefreshing();
      }
    });

    it('a wrong password rejects with the Directus error shape', async () => {
      const u = await newUser();
      const client = jsonClient();
      const err = await rejection(client.login(u.email, 'not-the-password'));
      expect(err.response.status).toBe(401);
      expect(err.errors).toEqual([{ message: 'Invalid user credentials.', extensions: { code: 'INVALID_CREDENTIALS' } }]);
    });

    it('the SDK refreshes on its own before the access token expires', async () => {
      const u = await newUser();
      const stored: { data: AuthenticationData | null } = { data: null };
      const storage = { get: () => stored.data, set: (value: AuthenticationData | null) => void (stored.data = value) };
      // Treat the 15-minute token as due for refresh half a second after it was issued.
      const client = jsonClient({ msRefreshBeforeExpires: 900_000 - 500, storage });
      try {
        const first = await client.login(u.email, u.password!);
        const firstRefresh = first.refresh_token;
        await new Promise((r) => setTimeout(r, 800));
        const me = await client.request(readMe({ fields: ['id'] }));
        expect(me.id).toBe(u.id);
        expect(stored.data?.access_token).toBeTruthy();
        expect(stored.data?.refresh_token).toBeTruthy();
        expect(stored.data?.refresh_token).not.toBe(firstRefresh);
      } finally {
        client.stopRefreshing();
      }
    });

    it('staticToken(token) reads the user', async () => {
      const u = await newUser();
      const client = createDirectus(url).with(staticToken(u.token!)).with(rest());
      expect(await client.request(readMe({ fields: ['id', 'email'] }))).toEqual({ id: u.id, email: u.email });
      const bad = createDirectus(url).with(staticToken('an-unknown-static-token-of-some-length')).with(rest());
      const err = await rejection(bad.request(readMe()));
      expect(err.errors[0]!.extensions.code).toBe('INVALID_CREDENTIALS');
    });

    it('passwordRequest + passwordReset, with the token from the mail', async () => {
      const u = await newUser();
      const client = createDirectus(url).with(rest());
      await client.request(passwordRequest(u.email));
      const mail = await smtp.waitFor((m) => m.to.includes(u.email));
      expect(mail.subject).toBe('Password Reset Request');
      const token = linkParam(mail.text, 'token');
      expect(token).toBeTruthy();

      await client.request(passwordReset(token!, 'Brand-new-password-1'));
      const reused = await rejection(client.request(passwordReset(token!, 'Another-password-2')));
      expect(reused.errors[0]!.extensions.code).toBe('FORBIDDEN');

      const auth = jsonClient();
      try {
        const old = await rejection(auth.login(u.email, u.password!));
        expect(old.errors[0]!.extensions.code).toBe('INVALID_CREDENTIALS');
        await auth.login(u.email, 'Brand-new-password-1');
        expect((await auth.request(readMe({ fields: ['email'] }))).email).toBe(u.email);
      } finally {
        auth.stopRefreshing();
      }
    });

    it('a stale Authorization header does not stop login (the SDK sends its old token)', async () => {
      const u = await newUser();
      const client = createDirectus(url).with(staticToken('eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.broken')).with(rest());
      // The REST login command, sent with the stale bearer token.
      const auth = await client.request(login(u.email, u.password!, { mode: 'json' }));
      expect(auth.access_token).toBeTruthy();
    });
  });
}
