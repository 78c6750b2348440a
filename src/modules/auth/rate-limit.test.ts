// Per-IP rate limits on the routes that guess at secrets. The key is the client's address only: a
// value the client picks (the email in the body, an X-Forwarded-For header without a trusted proxy)
// never buys a fresh budget. With REDIS set, every Usher process shares one count.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeUser, type UserFixture } from '../../../test/fixtures.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** A fresh client address per test, so no test (and no earlier run sharing Redis) spends another's budget. */
function newIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

function login(t: TestApp, ip: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.request({ method: 'POST', url: '/auth/login', payload: body, remoteAddress: ip, headers });
}

function post(t: TestApp, ip: string, url: string, body: Record<string, unknown>) {
  return t.request({ method: 'POST', url, payload: body, remoteAddress: ip });
}

function expectRateLimited(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(429);
  const body = res.json();
  expect(body).toEqual({ errors: [{ message: expect.stringMatching(/^Too many requests, retry after \d+s\.$/), extensions: expect.objectContaining({ code: 'REQUESTS_EXCEEDED' }) }] });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter > 0, `retry-after: ${res.headers['retry-after']}`).toBe(true);
}

const LIMIT_ENV = {
  RATE_LIMITER_LOGIN_POINTS: '3',
  RATE_LIMITER_LOGIN_DURATION: '2s',
  RATE_LIMITER_PASSWORD_POINTS: '2',
  RATE_LIMITER_PASSWORD_DURATION: '1m',
};

for (const dialect of DIALECTS) {
  describe(`rate limits, in memory [${dialect}]`, () => {
    let app: TestApp;
    let user: UserFixture;
    const t = () => app;
    beforeAll(async () => {
      app = await createTestApp(dialect, LIMIT_ENV);
      user = await makeUser(app.db, { email: 'limited@example.com', password: 'Right-password-1' });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('the 4th login from one IP is 429 REQUESTS_EXCEEDED with Retry-After, even with the right password', async () => {
      const ip = newIp();
      for (let i = 0; i < 3; i++) expect((await login(t(), ip, { email: user.email, password: 'wrong' })).statusCode).toBe(401);
      const fourth = await login(t(), ip, { email: user.email, password: user.password });
      expectRateLimited(fourth);
      expect(fourth.body).not.toContain('access_token');
      expect(Number(fourth.headers['retry-after'])).toBeLessThanOrEqual(2);
    });

    it('rotating the email in the body does not buy a fresh budget', async () => {
      const ip = newIp();
      for (let i = 0; i < 3; i++) expect((await login(t(), ip, { email: `victim-${i}@example.com`, password: 'x' })).statusCode).toBe(401);
      expectRateLimited(await login(t(), ip, { email: 'victim-99@example.com', password: 'x' }));
      expectRateLimited(await login(t(), ip, { email: user.email, password: user.password }));
    });

    it('an X-Forwarded-For header does not change the key when no proxy is trusted', async () => {
      const ip = newIp();
      for (let i = 0; i < 3; i++) await login(t(), ip, { email: user.email, password: 'x' }, { 'x-forwarded-for': newIp() });
      expectRateLimited(await login(t(), ip, { email: user.email, password: 'x' }, { 'x-forwarded-for': newIp() }));
    });

    it('the limit is per IP: another address is not affected', async () => {
      const ip = newIp();
      for (let i = 0; i < 4; i++) await login(t(), ip, { email: user.email, password: 'x' });
      expectRateLimited(await login(t(), ip, { email: user.email, password: 'x' }));
      expect((await login(t(), newIp(), { email: user.email, password: user.password })).statusCode).toBe(200);
    });

    it('the budget comes back after RATE_LIMITER_LOGIN_DURATION', async () => {
      const ip = newIp();
      for (let i = 0; i < 3; i++) await login(t(), ip, { email: user.email, password: 'x' });
      const limited = await login(t(), ip, { email: user.email, password: 'x' });
      expectRateLimited(limited);
      await new Promise((r) => setTimeout(r, Number(limited.headers['retry-after']) * 1000 + 100));
      expect((await login(t(), ip, { email: user.email, password: user.password })).statusCode).toBe(200);
    });

    it('password requests are limited per IP, whatever email they name', async () => {
      const ip = newIp();
      for (let i = 0; i < 2; i++) expect((await post(t(), ip, '/auth/password/request', { email: `someone-${i}@example.com` })).statusCode).toBe(204);
      expectRateLimited(await post(t(), ip, '/auth/password/request', { email: user.email }));
    });

    it('password resets are limited per IP, whatever token they carry', async () => {
      const ip = newIp();
      for (let i = 0; i < 2; i++) {
        expect((await post(t(), ip, '/auth/password/reset', { token: randomBytes(32).toString('base64url'), password: 'P4ssword-x' })).statusCode).toBe(403);
      }
      expectRateLimited(await post(t(), ip, '/auth/password/reset', { token: randomBytes(32).toString('base64url'), password: 'P4ssword-x' }));
    });
  });

  describe(`rate limits turned off [${dialect}]`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(dialect, { ...LIMIT_ENV, RATE_LIMITER_LOGIN_ENABLED: 'false', RATE_LIMITER_PASSWORD_ENABLED: 'false' });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('RATE_LIMITER_LOGIN_ENABLED=false and RATE_LIMITER_PASSWORD_ENABLED=false lift the limits', async () => {
      const ip = newIp();
      for (let i = 0; i < 8; i++) expect((await login(app, ip, { email: `x-${i}@example.com`, password: 'x' })).statusCode).toBe(401);
      for (let i = 0; i < 5; i++) expect((await post(app, ip, '/auth/password/request', { email: `x-${i}@example.com` })).statusCode).toBe(204);
    });
  });

  describe(`rate limits shared through Redis [${dialect}]`, () => {
    let first: TestApp;
    let second: TestApp;
    beforeAll(async () => {
      const env = { ...LIMIT_ENV, RATE_LIMITER_LOGIN_DURATION: '1m', REDIS: REDIS_URL };
      first = await createTestApp(dialect, env);
      second = await createTestApp(dialect, env);
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it('two app instances share one count per IP', async () => {
      const ip = newIp();
      expect((await login(first, ip, { email: 'a@example.com', password: 'x' })).statusCode).toBe(401);
      expect((await login(second, ip, { email: 'b@example.com', password: 'x' })).statusCode).toBe(401);
      expect((await login(first, ip, { email: 'c@example.com', password: 'x' })).statusCode).toBe(401);
      expectRateLimited(await login(second, ip, { email: 'd@example.com', password: 'x' }));
      expectRateLimited(await login(first, ip, { email: 'e@example.com', password: 'x' }));
      // Another address still has its budget on both.
      expect((await login(second, newIp(), { email: 'a@example.com', password: 'x' })).statusCode).toBe(401);
    });

    it('password routes share their count too', async () => {
      const ip = newIp();
      expect((await post(first, ip, '/auth/password/request', { email: 'a@example.com' })).statusCode).toBe(204);
      expect((await post(second, ip, '/auth/password/request', { email: 'b@example.com' })).statusCode).toBe(204);
      expectRateLimited(await post(first, ip, '/auth/password/request', { email: 'c@example.com' }));
    });
  });
}
