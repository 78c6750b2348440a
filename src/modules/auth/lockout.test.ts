// Brute force without a permanent lock-out: only failures (wrong passwords, wrong codes) count;
// after auth_login_attempts of them in a row the account is locked for AUTH_LOCKOUT_DURATION, and
// the lock always ends; correct passwords never count, however many arrive at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, generateSync } from 'otplib';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeUser, type UserFixture } from '../../../test/fixtures.js';

const LOCK_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { AUTH_LOCKOUT_DURATION: `${LOCK_MS}ms`, RATE_LIMITER_LOGIN_ENABLED: 'false', ...extra };
}

async function login(t: TestApp, email: string, password: string, otp?: string) {
  return t.request({ method: 'POST', url: '/auth/login', payload: { email, password, ...(otp === undefined ? {} : { otp }) } });
}

async function setAttempts(t: TestApp, n: number | null): Promise<void> {
  await t.db.kysely.updateTable('directus_settings').set({ auth_login_attempts: n }).where('id', '=', 1).execute();
}

async function userRow(t: TestApp, id: string) {
  return t.db.kysely
    .selectFrom('directus_users')
    .select(['status', 'failed_logins', 'locked_until'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

let counter = 0;
async function freshUser(t: TestApp, extra: { tfa_secret?: string } = {}): Promise<UserFixture> {
  counter += 1;
  return makeUser(t.db, { email: `lockout-${counter}@example.com`, password: `Right-password-${counter}`, ...extra });
}

/** A six-digit code that is certainly not the current one (nor the ones either side). */
function wrongCode(secret: string): string {
  const now = Date.now() / 1000;
  const valid = new Set([-30, 0, 30].map((d) => generateSync({ secret, epoch: now + d })));
  for (let i = 0; ; i++) {
    const code = String(100000 + i).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

for (const dialect of DIALECTS) {
  describe(`login lockout [${dialect}]`, () => {
    let app: TestApp;
    const t = () => app;
    beforeAll(async () => {
      app = await createTestApp(dialect, env());
      await setAttempts(app, 3);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('three wrong passwords lock the account; the right one is refused until AUTH_LOCKOUT_DURATION has passed', async () => {
      const user = await freshUser(t());
      for (let i = 0; i < 2; i++) expect((await login(t(), user.email, 'wrong-password')).statusCode).toBe(401);
      expect((await userRow(t(), user.id)).locked_until).toBeNull();
      const third = await login(t(), user.email, 'wrong-password');
      expect(third.statusCode).toBe(401);
      expect(third.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
      const locked = await userRow(t(), user.id);
      expect(locked.locked_until).not.toBeNull();
      expect(locked.status).toBe('active'); // locked, not suspended

      const refused = await login(t(), user.email, user.password!);
      expect(refused.statusCode).toBe(401);
      // The same answer as a wrong password: the lock says nothing an attacker could use.
      expect(refused.body).toBe(third.body);

      await sleep(Date.parse(locked.locked_until!) - Date.now() + 100);
      const after = await login(t(), user.email, user.password!);
      expect(after.statusCode, after.body).toBe(200);
      expect(await userRow(t(), user.id)).toMatchObject({ failed_logins: 0, locked_until: null, status: 'active' });
    });

    it('only consecutive failures count: a correct password starts the count again', async () => {
      const user = await freshUser(t());
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 2; i++) expect((await login(t(), user.email, 'wrong-password')).statusCode).toBe(401);
        expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
      }
      expect(await userRow(t(), user.id)).toMatchObject({ failed_logins: 0, locked_until: null });
    });

    it('a burst of 20 parallel correct logins never locks or suspends the account', async () => {
      const user = await freshUser(t());
      const results = await Promise.all(Array.from({ length: 20 }, () => login(t(), user.email, user.password!)));
      expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      expect(await userRow(t(), user.id)).toMatchObject({ status: 'active', failed_logins: 0, locked_until: null });
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
    });

    it('an attacker cannot make the lock permanent: failures while locked neither count nor extend it', async () => {
      const user = await freshUser(t());
      for (let i = 0; i < 3; i++) await login(t(), user.email, 'wrong-password');
      const { locked_until: until } = await userRow(t(), user.id);
      expect(until).not.toBeNull();
      // The attacker keeps going for the whole lock.
      const attackerStop = Date.parse(until!) - 500;
      let attempts = 0;
      while (Date.now() < attackerStop) {
        expect((await login(t(), user.email, `guess-${attempts++}`)).statusCode).toBe(401);
      }
      expect(attempts).toBeGreaterThan(3);
      const row = await userRow(t(), user.id);
      expect(row.locked_until).toBe(until);
      expect(row.failed_logins).toBe(0);
      await sleep(Date.parse(until!) - Date.now() + 100);
      // The owner gets in as soon as the lock ends.
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
    });

    it('wrong one-time codes count toward the lockout; a missing code does not', async () => {
      const secret = generateSecret();
      const user = await freshUser(t(), { tfa_secret: secret });
      // A client that has not asked for the code yet is told a code is needed: no failure.
      for (let i = 0; i < 5; i++) {
        const res = await login(t(), user.email, user.password!);
        expect(res.statusCode).toBe(401);
        expect(res.json().errors[0].extensions.code).toBe('INVALID_OTP');
      }
      expect((await userRow(t(), user.id)).locked_until).toBeNull();

      for (let i = 0; i < 3; i++) {
        const res = await login(t(), user.email, user.password!, wrongCode(secret));
        expect(res.statusCode).toBe(401);
        expect(res.json().errors[0].extensions.code).toBe('INVALID_OTP');
      }
      expect((await userRow(t(), user.id)).locked_until).not.toBeNull();
      // Locked: the right password and the right code are refused too.
      const locked = await login(t(), user.email, user.password!, generateSync({ secret }));
      expect(locked.statusCode).toBe(401);
      expect(locked.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');

      await sleep(LOCK_MS + 100);
      const ok = await login(t(), user.email, user.password!, generateSync({ secret, epoch: Date.now() / 1000 + 30 }));
      expect(ok.statusCode, ok.body).toBe(200);
    });

    it('a signed-in session cannot guess the password without limit through /users/me/tfa/generate', async () => {
      const user = await freshUser(t());
      const generate = (password: string) => t().request({ method: 'POST', url: '/users/me/tfa/generate', as: user.token, payload: { password } });
      for (let i = 0; i < 3; i++) expect((await generate(`guess-${i}`)).statusCode).toBe(401);
      expect((await userRow(t(), user.id)).locked_until).not.toBeNull();
      // Locked: the right password is refused there too, and at sign-in.
      expect((await generate(user.password!)).statusCode).toBe(401);
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(401);
      await sleep(LOCK_MS + 100);
      expect((await generate(user.password!)).statusCode).toBe(200);
    });

    it('a signed-in session cannot guess the second factor without limit through /users/me/tfa/disable', async () => {
      const secret = generateSecret();
      const user = await freshUser(t(), { tfa_secret: secret });
      const disable = (otp: string) => t().request({ method: 'POST', url: '/users/me/tfa/disable', as: user.token, payload: { otp } });
      for (let i = 0; i < 3; i++) expect((await disable(wrongCode(secret))).statusCode).toBe(400);
      expect((await userRow(t(), user.id)).locked_until).not.toBeNull();
      const locked = await disable(generateSync({ secret }));
      expect(locked.statusCode).toBe(400);
      const row = await t().db.kysely.selectFrom('directus_users').select('tfa_secret').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.tfa_secret).toBe(secret);
      await sleep(LOCK_MS + 100);
      expect((await disable(generateSync({ secret, epoch: Date.now() / 1000 + 30 }))).statusCode).toBe(204);
    });

    it('auth_login_attempts = null turns the lockout off', async () => {
      await setAttempts(t(), null);
      try {
        const user = await freshUser(t());
        for (let i = 0; i < 10; i++) expect((await login(t(), user.email, 'wrong-password')).statusCode).toBe(401);
        expect((await userRow(t(), user.id)).locked_until).toBeNull();
        expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
      } finally {
        await setAttempts(t(), 3);
      }
    });

    it('failures against unknown emails or other users lock nobody', async () => {
      const user = await freshUser(t());
      const other = await freshUser(t());
      for (let i = 0; i < 5; i++) {
        await login(t(), `ghost-${i}@example.com`, 'wrong-password');
        await login(t(), other.email, 'wrong-password');
      }
      expect((await login(t(), user.email, user.password!)).statusCode).toBe(200);
    });
  });

  describe(`login lockout, AUTH_LOCKOUT_MODE=suspend [${dialect}]`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(dialect, env({ AUTH_LOCKOUT_MODE: 'suspend' }));
      await setAttempts(app, 3);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('suspends the user after auth_login_attempts failures, as Directus does; only an admin brings them back', async () => {
      const user = await freshUser(app);
      expect((await app.request({ url: '/users/me', as: user.token })).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) await login(app, user.email, 'wrong-password');
      expect((await userRow(app, user.id)).status).toBe('active');
      await login(app, user.email, 'wrong-password');
      expect((await userRow(app, user.id)).status).toBe('suspended');
      // The suspension is in the audit trail, with what it changed from and to.
      const logged = await app.request({ url: `/activity?filter[item][_eq]=${user.id}&filter[action][_eq]=update&fields=action,user,comment,revisions.delta,revisions.before`, as: app.admin.token });
      expect(logged.json().data).toEqual([
        { action: 'update', user: null, comment: 'status: active -> suspended (3 failed sign-ins in a row)', revisions: [{ delta: { status: 'suspended' }, before: { status: 'active' } }] },
      ]);

      expect((await login(app, user.email, user.password!)).statusCode).toBe(401);
      // Suspension is not a timed lock: it does not end by itself.
      await sleep(LOCK_MS + 100);
      expect((await login(app, user.email, user.password!)).statusCode).toBe(401);
      // The user's static token stops working too.
      expect((await app.request({ url: '/users/me', as: user.token })).statusCode).toBe(401);

      await app.db.kysely.updateTable('directus_users').set({ status: 'active' }).where('id', '=', user.id).execute();
      expect((await login(app, user.email, user.password!)).statusCode).toBe(200);
    });

    it('a burst of 20 parallel correct logins does not suspend (it does on Directus)', async () => {
      const user = await freshUser(app);
      const results = await Promise.all(Array.from({ length: 20 }, () => login(app, user.email, user.password!)));
      expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      expect((await userRow(app, user.id)).status).toBe('active');
    });
  });
}
