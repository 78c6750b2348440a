// Shared by the refresh tests: a user with a password, sign-in in each mode, refresh by body or
// cookie, and the user's sessions as stored.
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';

export const PASSWORD = 'correct horse battery staple';
export const ENV = { RATE_LIMITER_LOGIN_ENABLED: 'false' };
export const REFRESH = 'directus_refresh_token';
export const SESSION = 'directus_session_token';

export async function newUser(t: TestApp): Promise<UserFixture> {
  const role = await makeRole(t.db, { app: true });
  return makeUser(t.db, { password: PASSWORD, role: role.id });
}

export async function login(t: TestApp, user: UserFixture, mode: 'json' | 'cookie' | 'session' = 'json'): Promise<LightMyRequestResponse> {
  const res = await t.request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode } });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

export async function loginJson(t: TestApp, user: UserFixture): Promise<{ access_token: string; refresh_token: string }> {
  return (await login(t, user, 'json')).json().data;
}

export function refreshJson(t: TestApp, token: string) {
  return t.request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } });
}

export function refreshCookie(t: TestApp, name: string, value: string, mode?: 'cookie' | 'session') {
  return t.request({ method: 'POST', url: '/auth/refresh', ...(mode ? { payload: { mode } } : {}), cookies: { [name]: value } });
}

export function cookieOf(res: LightMyRequestResponse, name: string) {
  return res.cookies.find((c) => c.name === name);
}

export function code(res: LightMyRequestResponse): string | undefined {
  return res.json().errors?.[0]?.extensions?.code;
}

export const me = (t: TestApp, accessToken: string) => t.request({ url: '/users/me?fields=id', as: accessToken });
export const meByCookie = (t: TestApp, jwt: string) => t.request({ url: '/users/me?fields=id', cookies: { [SESSION]: jwt } });

export async function sessionsOf(t: TestApp, userId: string) {
  return t.db.kysely.selectFrom('directus_sessions').selectAll().where('user', '=', userId).execute();
}
