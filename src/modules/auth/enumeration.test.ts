// Known and unknown emails must look the same from outside: the same status and body, and about
// the same time even without the stall (a dummy argon2id check runs when the email is unknown, so
// the time of the hash gives nothing away). Passwords are hashed with OWASP's argon2id parameters.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { hashPassword } from '../../util/crypto.js';

const PASSWORD = 'correct horse battery staple';
const ENV = { RATE_LIMITER_LOGIN_ENABLED: 'false', RATE_LIMITER_PASSWORD_ENABLED: 'false', LOGIN_STALL_TIME: '0' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describeEachDb(
  'known and unknown emails, with LOGIN_STALL_TIME=0',
  (t) => {
    beforeAll(async () => {
      const role = await makeRole(t().db, { app: true });
      for (let i = 0; i < 7; i++) await makeUser(t().db, { email: `known-${i}@example.com`, password: PASSWORD, role: role.id });
    });

    it('POST /auth/login answers byte for byte the same', async () => {
      const known = await t().request({ method: 'POST', url: '/auth/login', payload: { email: 'known-0@example.com', password: 'wrong password' } });
      const unknown = await t().request({ method: 'POST', url: '/auth/login', payload: { email: 'nobody@example.com', password: 'wrong password' } });
      expect(known.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(unknown.body).toBe(known.body);
      const { 'x-request-id': _a, date: _b, ...knownHeaders } = known.headers;
      const { 'x-request-id': _c, date: _d, ...unknownHeaders } = unknown.headers;
      expect(unknownHeaders).toEqual(knownHeaders);
    });

    it('an unknown email still costs an argon2id verification: it takes about as long as a wrong password', async () => {
      const time = async (email: string) => {
        const start = performance.now();
        const res = await t().request({ method: 'POST', url: '/auth/login', payload: { email, password: 'wrong password' } });
        expect(res.statusCode).toBe(401);
        return performance.now() - start;
      };
      await time('warm-up@example.com');
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 7; i++) {
        known.push(await time(`known-${i}@example.com`));
        unknown.push(await time(`unknown-${i}@example.com`));
      }
      // Without the dummy check an unknown email answers in a millisecond or two, a known one in
      // tens (one argon2id verification); with it they are alike. Half leaves room for a noisy box.
      expect(median(unknown), `known ${known.map(Math.round)} unknown ${unknown.map(Math.round)}`).toBeGreaterThan(median(known) * 0.5);
    });

    it('POST /auth/password/request answers the same 204 for both', async () => {
      const known = await t().request({ method: 'POST', url: '/auth/password/request', payload: { email: 'known-1@example.com' } });
      const unknown = await t().request({ method: 'POST', url: '/auth/password/request', payload: { email: 'nobody@example.com' } });
      expect([known.statusCode, unknown.statusCode]).toEqual([204, 204]);
      expect(unknown.body).toBe(known.body);
    });
  },
  ENV,
);

it("passwords are argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane)", async () => {
  const hashed = await hashPassword('any password at all');
  expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  expect(await hashPassword('any password at all')).not.toBe(hashed); // salted
});
