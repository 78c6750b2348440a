// The credential checks kept between requests (access/authenticate.ts, access-token.ts): a kept
// check stands only while usher_state's data version is unchanged and, for a session, until the
// session's own expiry; a verified access token only until its exp. Time is moved with a fake
// clock (Date only), never waited for.
import { afterEach, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { describeEachDb } from '../../test/harness.js';
import { makeUser } from '../../test/fixtures.js';
import { credentialCheckStats } from './authenticate.js';

const PASSWORD = 'correct horse battery staple';

describeEachDb(
  'kept credential checks',
  (t) => {
    afterEach(() => {
      vi.useRealTimers();
    });

    async function login(email: string): Promise<string> {
      const res = await t().request({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD } });
      expect(res.statusCode).toBe(200);
      return res.json().data.access_token as string;
    }
    const me = (token: string) => t().request({ method: 'GET', url: '/users/me?fields=id', as: token });

    /** The request is answered with the kept check, not a full one. */
    async function keptCheck(token: string) {
      const hits = credentialCheckStats.hits;
      expect((await me(token)).statusCode).toBe(200);
      expect(credentialCheckStats.hits).toBe(hits + 1);
    }

    it('a static token stops working on the next request after a plain SQL suspension', async () => {
      const user = await makeUser(t().db, { role: t().adminRole.id });
      expect((await me(user.token!)).statusCode).toBe(200);
      await keptCheck(user.token!);
      await sql`update directus_users set status = 'suspended' where id = ${user.id}`.execute(t().db.kysely);
      expect((await me(user.token!)).statusCode).toBe(401);
    });

    it('a session ends at its expiry even though its check was kept and nothing changed since', async () => {
      const user = await makeUser(t().db, { email: 'expiring@example.com', password: PASSWORD, role: t().adminRole.id });
      const token = await login(user.email);
      expect((await me(token)).statusCode).toBe(200);
      const soon = new Date(Date.now() + 2000).toISOString();
      await sql`update directus_sessions set expires = ${soon} where "user" = ${user.id}`.execute(t().db.kysely);
      // Checked again after the change (and kept, with the new expiry).
      expect((await me(token)).statusCode).toBe(200);
      await keptCheck(token);
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5000 });
      const after = await me(token);
      expect(after.statusCode).toBe(401);
      expect(after.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    });

    it('a verified access token is refused once its exp has passed', async () => {
      const user = await makeUser(t().db, { email: 'jwt-exp@example.com', password: PASSWORD, role: t().adminRole.id });
      const token = await login(user.email);
      expect((await me(token)).statusCode).toBe(200);
      await keptCheck(token);
      // ACCESS_TOKEN_TTL is 15 minutes; the session lasts 7 days.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 16 * 60_000 });
      const after = await me(token);
      expect(after.statusCode).toBe(401);
      expect(after.json().errors[0].extensions.code).toBe('TOKEN_EXPIRED');
    });

    it('a logout ends the session for the very next request', async () => {
      const user = await makeUser(t().db, { email: 'bye@example.com', password: PASSWORD, role: t().adminRole.id });
      const login = await t().request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD } });
      const { access_token: token, refresh_token: refresh } = login.json().data;
      expect((await me(token)).statusCode).toBe(200);
      await keptCheck(token);
      expect((await t().request({ method: 'POST', url: '/auth/logout', payload: { refresh_token: refresh } })).statusCode).toBe(204);
      expect((await me(token)).statusCode).toBe(401);
    });
  },
  { RATE_LIMITER_LOGIN_ENABLED: 'false' },
);
