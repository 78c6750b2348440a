// The app factory every API test uses: a real Usher app over a fresh database, driven through
// app.inject(), with an admin already there.
import { afterAll, beforeAll, describe } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Db, Dialect } from '../src/db/index.js';
import { createTestDb, DIALECTS, type TestDb } from './db.js';
import { makeRole, makeUser, type RoleFixture, type UserFixture } from './fixtures.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  dialect: Dialect;
  config: Config;
  adminRole: RoleFixture;
  admin: UserFixture;
  /** Sends a request; `as` is a static token (or null for anonymous). */
  request(opts: InjectOptions & { as?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ SECRET: TEST_SECRET, LOG_LEVEL: 'silent', LOGIN_STALL_TIME: '0', REGISTER_STALL_TIME: '0', ...env });
}

export async function createTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const testDb: TestDb = await createTestDb(dialect);
  const config = testConfig(env);
  const app = await buildApp(config, { db: testDb.db, logger: pino({ level: 'silent' }) });
  await app.ready();
  const adminRole = await makeRole(testDb.db, { name: 'Administrator', admin: true });
  const admin = await makeUser(testDb.db, { email: 'admin@example.com', role: adminRole.id, first_name: 'Admin', last_name: 'User' });
  return {
    app,
    db: testDb.db,
    dialect,
    config,
    adminRole,
    admin,
    request: ({ as, headers, ...opts }) =>
      app.inject({ ...opts, headers: { ...(headers ?? {}), ...(as ? { authorization: `Bearer ${as}` } : {}) } }),
    close: async () => {
      await app.close();
      await testDb.cleanup();
    },
  };
}

/**
 * Runs `body` once per database this run covers, each with its own fresh app, created before the
 * block's tests and closed after them. Use `t()` inside tests to reach the app.
 */
export function describeEachDb(name: string, body: (t: () => TestApp) => void, env: Record<string, string> = {}): void {
  for (const dialect of DIALECTS) {
    describe(`${name} [${dialect}]`, () => {
      let current: TestApp | undefined;
      beforeAll(async () => {
        current = await createTestApp(dialect, env);
      });
      afterAll(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) throw new Error('test app not ready');
        return current;
      });
    });
  }
}
