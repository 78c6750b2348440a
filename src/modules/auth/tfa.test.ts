// TOTP two-factor authentication: setup (generate, enable with ten recovery codes), sign-in with a
// code (each time step once) or a recovery code (each once), disabling it (self with a code, or an
// admin), enforce_tfa on every credential, and tfa_secret never read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSync } from 'otplib';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { sha256 } from '../../util/crypto.js';

const PROJECT = 'Acme Portal';
const STEP_S = 30;

/** The code of the time step `offset` steps from now (the server accepts -1, 0 and +1). */
function code(secret: string, offset = 0): string {
  return generateSync({ secret, epoch: Date.now() / 1000 + offset * STEP_S });
}

/** Waits out the end of the current time step if it is close, so a test's codes stay in the window. */
async function freshStep(margin = 5): Promise<void> {
  const left = STEP_S - ((Date.now() / 1000) % STEP_S);
  if (left < margin) await new Promise((r) => setTimeout(r, left * 1000 + 50));
}

/** A code that matches none of the time steps the server accepts now. */
function wrongCode(secret: string): string {
  const valid = new Set([-1, 0, 1].map((o) => code(secret, o)));
  for (let i = 123456; ; i++) if (!valid.has(String(i))) return String(i);
}

function login(t: TestApp, email: string, password: string, otp?: string) {
  return t.request({ method: 'POST', url: '/auth/login', payload: { email, password, mode: 'json', ...(otp === undefined ? {} : { otp }) } });
}

function post(t: TestApp, url: string, as: string | null, payload?: Record<string, unknown>) {
  return t.request({ method: 'POST', url, as, ...(payload ? { payload } : {}) });
}

const errorCode = (res: { json(): any }) => res.json().errors?.[0]?.extensions?.code;

let counter = 0;
async function freshUser(t: TestApp, role: string | null = null): Promise<UserFixture> {
  counter += 1;
  return makeUser(t.db, { email: `tfa-${counter}@example.com`, password: `Tfa-password-${counter}`, role });
}

/** Generates and enables 2FA for `user` with the current step's code; returns the secret and recovery codes. */
async function enable(t: TestApp, user: UserFixture, as = user.token!): Promise<{ secret: string; recovery: string[]; used: string }> {
  const gen = await post(t, '/users/me/tfa/generate', as, { password: user.password });
  expect(gen.statusCode, gen.body).toBe(200);
  const { secret } = gen.json().data;
  const used = code(secret, 0);
  const res = await post(t, '/users/me/tfa/enable', as, { secret, otp: used });
  expect(res.statusCode, res.body).toBe(200);
  return { secret, recovery: res.json().data.recovery_codes, used };
}

for (const dialect of DIALECTS) {
  describe(`two-factor authentication [${dialect}]`, () => {
    let app: TestApp;
    let appRole: string;
    const t = () => app;
    beforeAll(async () => {
      app = await createTestApp(dialect, { RATE_LIMITER_LOGIN_ENABLED: 'false' });
      await app.db.kysely.updateTable('directus_settings').set({ project_name: PROJECT, auth_login_attempts: null }).where('id', '=', 1).execute();
      appRole = (await makeRole(app.db, { name: 'Editors', app: true })).id;
    });
    afterAll(async () => {
      await app?.close();
    });

    it('generate needs the password: missing is 400, wrong is 401, anonymous is 401', async () => {
      const user = await freshUser(t(), appRole);
      const missing = await post(t(), '/users/me/tfa/generate', user.token, {});
      expect(missing.statusCode).toBe(400);
      expect(errorCode(missing)).toBe('INVALID_PAYLOAD');
      const wrong = await post(t(), '/users/me/tfa/generate', user.token, { password: 'not-the-password' });
      expect(wrong.statusCode).toBe(401);
      expect(errorCode(wrong)).toBe('INVALID_CREDENTIALS');
      const anonymous = await post(t(), '/users/me/tfa/generate', null, { password: user.password });
      expect(anonymous.statusCode).toBe(401);
    });

    it('generate returns a secret and an otpauth URL (issuer = project name, label = email) and stores nothing', async () => {
      const user = await freshUser(t(), appRole);
      const res = await post(t(), '/users/me/tfa/generate', user.token, { password: user.password });
      expect(res.statusCode, res.body).toBe(200);
      const { secret, otpauth_url } = res.json().data;
      expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
      const url = new URL(otpauth_url);
      expect(url.protocol).toBe('otpauth:');
      expect(url.host).toBe('totp');
      expect(decodeURIComponent(url.pathname.slice(1))).toBe(`${PROJECT}:${user.email}`);
      expect(url.searchParams.get('secret')).toBe(secret);
      expect(url.searchParams.get('issuer')).toBe(PROJECT);
      const row = await t().db.kysely.selectFrom('directus_users').select('tfa_secret').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.tfa_secret).toBeNull();
      // Not yet enabled: login still needs no code.
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
    });

    it('enable refuses a wrong code or a malformed secret with 400, then returns ten recovery codes once', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const { secret } = (await post(t(), '/users/me/tfa/generate', user.token, { password: user.password })).json().data;
      const bad = await post(t(), '/users/me/tfa/enable', user.token, { secret, otp: wrongCode(secret) });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(errorCode(bad)).toBe('INVALID_PAYLOAD');
      const badSecret = await post(t(), '/users/me/tfa/enable', user.token, { secret: 'not base32!', otp: '123456' });
      expect(badSecret.statusCode).toBe(400);
      const missing = await post(t(), '/users/me/tfa/enable', user.token, { secret });
      expect(missing.statusCode).toBe(400);

      const res = await post(t(), '/users/me/tfa/enable', user.token, { secret, otp: code(secret) });
      expect(res.statusCode, res.body).toBe(200);
      const codes: string[] = res.json().data.recovery_codes;
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const c of codes) expect(c).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
      // Stored hashed, never in clear.
      const stored = await t().db.kysely.selectFrom('usher_recovery_codes').selectAll().where('user', '=', user.id).execute();
      expect(stored).toHaveLength(10);
      const dump = JSON.stringify(stored);
      for (const c of codes) expect(dump).not.toContain(c);
      // Not a fast hash either, which a copy of the database could be searched against offline:
      // argon2id, like a password.
      for (const row of stored) expect(row.code).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      for (const c of codes) expect(dump).not.toContain(sha256(`recovery:${c}`));
      // Enabling again is refused.
      const again = await post(t(), '/users/me/tfa/enable', user.token, { secret, otp: code(secret, 1) });
      expect(again.statusCode).toBe(400);
      const regenerate = await post(t(), '/users/me/tfa/generate', user.token, { password: user.password });
      expect(regenerate.statusCode).toBe(400);
    });

    it('login then requires the code: missing or wrong is 401 INVALID_OTP, right is 200, and a code cannot be replayed', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const { secret, used } = await enable(t(), user);

      const missing = await login(t(), user.email, user.password!);
      expect(missing.statusCode).toBe(401);
      expect(errorCode(missing)).toBe('INVALID_OTP');
      const wrong = await login(t(), user.email, user.password!, wrongCode(secret));
      expect(wrong.statusCode).toBe(401);
      expect(errorCode(wrong)).toBe('INVALID_OTP');
      const garbage = await login(t(), user.email, user.password!, 'abc');
      expect(errorCode(garbage)).toBe('INVALID_OTP');
      // The code that enabled 2FA was spent there.
      const enablingCode = await login(t(), user.email, user.password!, used);
      expect(errorCode(enablingCode)).toBe('INVALID_OTP');
      // The password is checked first: a right code with a wrong password is just bad credentials.
      const wrongPassword = await login(t(), user.email, 'wrong-password', code(secret, 1));
      expect(wrongPassword.statusCode).toBe(401);
      expect(errorCode(wrongPassword)).toBe('INVALID_CREDENTIALS');

      const next = code(secret, 1);
      const ok = await login(t(), user.email, user.password!, next);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().data.access_token).toBeTruthy();
      const replay = await login(t(), user.email, user.password!, next);
      expect(replay.statusCode).toBe(401);
      expect(errorCode(replay)).toBe('INVALID_OTP');
      // An older step than the last one used is refused too.
      expect(errorCode(await login(t(), user.email, user.password!, code(secret, 0)))).toBe('INVALID_OTP');
    });

    it('two parallel logins with the same code: only one gets in', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const { secret } = await enable(t(), user);
      const next = code(secret, 1);
      const results = await Promise.all([login(t(), user.email, user.password!, next), login(t(), user.email, user.password!, next)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    });

    it('a recovery code works once instead of the code', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const { recovery } = await enable(t(), user);
      const ok = await login(t(), user.email, user.password!, recovery[0]);
      expect(ok.statusCode, ok.body).toBe(200);
      const again = await login(t(), user.email, user.password!, recovery[0]);
      expect(again.statusCode).toBe(401);
      expect(errorCode(again)).toBe('INVALID_OTP');
      // Typed in capitals with spaces around, another one still works.
      expect((await login(t(), user.email, user.password!, ` ${recovery[1]!.toUpperCase()} `)).statusCode).toBe(200);
      // Someone else's recovery code is not one of yours.
      const other = await freshUser(t(), appRole);
      const { recovery: theirs } = await enable(t(), other);
      expect(errorCode(await login(t(), user.email, user.password!, theirs[0]))).toBe('INVALID_OTP');
      const used = await t().db.kysely.selectFrom('usher_recovery_codes').select('used_at').where('user', '=', user.id).execute();
      expect(used.filter((r) => r.used_at !== null)).toHaveLength(2);
    });

    it('disable needs a valid code (400 otherwise), then sign-in needs no code', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const { secret } = await enable(t(), user);
      const wrong = await post(t(), '/users/me/tfa/disable', user.token, { otp: wrongCode(secret) });
      expect(wrong.statusCode).toBe(400);
      const missing = await post(t(), '/users/me/tfa/disable', user.token, {});
      expect(missing.statusCode).toBe(400);
      const ok = await post(t(), '/users/me/tfa/disable', user.token, { otp: code(secret, 1) });
      expect(ok.statusCode, ok.body).toBe(204);
      const row = await t().db.kysely.selectFrom('directus_users').select(['tfa_secret']).where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.tfa_secret).toBeNull();
      expect(await t().db.kysely.selectFrom('usher_recovery_codes').selectAll().where('user', '=', user.id).execute()).toHaveLength(0);
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
      // Nothing to disable any more.
      expect((await post(t(), '/users/me/tfa/disable', user.token, { otp: code(secret, 1) })).statusCode).toBe(400);
    });

    it('a recovery code stored as an earlier Usher stored it (plain SHA-256) still works, once', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      await enable(t(), user);
      await t().db.kysely.insertInto('usher_recovery_codes').values({ user: user.id, code: sha256('recovery:abcde-fghjk'), used_at: null }).execute();
      expect((await login(t(), user.email, user.password!, 'abcde-fghjk')).statusCode).toBe(200);
      expect((await login(t(), user.email, user.password!, 'abcde-fghjk')).statusCode).toBe(401);
    });

    it('disable also takes a recovery code', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const { recovery } = await enable(t(), user);
      expect((await post(t(), '/users/me/tfa/disable', user.token, { otp: recovery[3] })).statusCode).toBe(204);
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
    });

    it('an admin turns off a user’s 2FA with POST /users/:id/tfa/disable; anyone else gets 403', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const other = await freshUser(t(), appRole);
      await enable(t(), user);
      for (const as of [user.token, other.token]) {
        const res = await post(t(), `/users/${user.id}/tfa/disable`, as);
        expect(res.statusCode, res.body).toBe(403);
        expect(errorCode(res)).toBe('FORBIDDEN');
      }
      expect((await post(t(), `/users/${user.id}/tfa/disable`, null)).statusCode).toBe(403);
      expect(errorCode(await login(t(), user.email, user.password!))).toBe('INVALID_OTP');

      const res = await post(t(), `/users/${user.id}/tfa/disable`, t().admin.token);
      expect(res.statusCode, res.body).toBe(204);
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
      expect(await t().db.kysely.selectFrom('usher_recovery_codes').selectAll().where('user', '=', user.id).execute()).toHaveLength(0);
      // An unknown user is 403, as Directus answers for a missing item.
      expect((await post(t(), '/users/00000000-0000-4000-8000-000000000000/tfa/disable', t().admin.token)).statusCode).toBe(403);
    });

    it('tfa_secret reads back as "**********" (null when off), never the secret', async () => {
      await freshStep();
      const user = await freshUser(t(), appRole);
      const before = await t().request({ url: '/users/me?fields=tfa_secret', as: user.token });
      expect(before.json()).toEqual({ data: { tfa_secret: null } });
      const { secret } = await enable(t(), user);
      const me = await t().request({ url: '/users/me?fields=*', as: user.token });
      expect(me.statusCode).toBe(200);
      expect(me.json().data.tfa_secret).toBe('**********');
      expect(me.body).not.toContain(secret);
      const byAdmin = await t().request({ url: `/users/${user.id}?fields=id,tfa_secret`, as: t().admin.token });
      expect(byAdmin.json().data.tfa_secret).toBe('**********');
      const list = await t().request({ url: `/users?filter[id][_eq]=${user.id}`, as: t().admin.token });
      expect(list.body).not.toContain(secret);
      // Filtering on the secret's value is no oracle.
      const probe = await t().request({ url: `/users?filter[tfa_secret][_eq]=${secret}&fields=id`, as: t().admin.token });
      expect(probe.body).not.toContain(user.id);
    });

    describe('a role with enforce_tfa', () => {
      let strictRole: string;
      beforeAll(async () => {
        strictRole = (await makeRole(app.db, { name: 'Strict', app: true, enforceTfa: true })).id;
        await app.db.kysely
          .insertInto('directus_permissions')
          .values({ role: strictRole, collection: 'directus_users', action: 'read', permissions: null, validation: null, presets: null, fields: 'id,email' })
          .execute();
      });

      it('a user without 2FA signs in, but the token reaches only /users/me and the setup routes until 2FA is on', async () => {
        await freshStep();
        const user = await freshUser(t(), strictRole);
        const signedIn = await login(t(), user.email, user.password!);
        expect(signedIn.statusCode, signedIn.body).toBe(200);
        const access: string = signedIn.json().data.access_token;

        for (const as of [access, user.token!]) {
          expect((await t().request({ url: '/users/me', as })).statusCode).toBe(200);
          for (const [method, url] of [
            ['GET', '/users'],
            ['GET', `/users/${user.id}`],
            ['GET', '/roles'],
            ['POST', '/users/me/tfa/disable'],
            ['SEARCH', '/users'],
          ] as const) {
            const res = await t().request({ method, url, as, ...(method === 'GET' ? {} : { payload: {} }) });
            expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
            expect(errorCode(res)).toBe('FORBIDDEN');
          }
        }

        const { secret } = await enable(t(), user, access);
        // The same token now has the role's full rights.
        const users = await t().request({ url: '/users', as: access });
        expect(users.statusCode, users.body).toBe(200);
        expect((await t().request({ url: '/users', as: user.token })).statusCode).toBe(200);
        // And from now on, sign-in asks for the code.
        expect(errorCode(await login(t(), user.email, user.password!))).toBe('INVALID_OTP');
        expect((await login(t(), user.email, user.password!, code(secret, 1))).statusCode).toBe(200);
      });

      it('an admin turning off the user’s 2FA puts them back behind the setup wall', async () => {
        await freshStep();
        const user = await freshUser(t(), strictRole);
        await enable(t(), user);
        expect((await t().request({ url: '/users', as: user.token })).statusCode).toBe(200);
        expect((await post(t(), `/users/${user.id}/tfa/disable`, t().admin.token)).statusCode).toBe(204);
        expect((await t().request({ url: '/users', as: user.token })).statusCode).toBe(403);
      });
    });
  });
}
