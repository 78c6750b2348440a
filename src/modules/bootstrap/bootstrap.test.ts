import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../../app.js';
import { toBool } from '../../db/index.js';
import { migrations } from '../../db/migrations/index.js';
import { sha256, verifyPassword } from '../../util/crypto.js';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/db.js';
import { testConfig } from '../../../test/harness.js';
import { bootstrap, type BootstrapResult } from './bootstrap.service.js';

const ADMIN_TOKEN = 'admin-static-token-0123456789-abcdefghij';
// The "strong" policy the Directus App offers: 8+ characters with a digit, a lower and an upper
// case letter and a special character, no whitespace.
const STRONG = /^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])(?=.*[^\w\s])(?!.*\s).{8,}$/;

async function snapshot(t: TestDb) {
  return {
    roles: await t.db.kysely.selectFrom('directus_roles').selectAll().orderBy('id').execute(),
    users: await t.db.kysely.selectFrom('directus_users').selectAll().orderBy('id').execute(),
    settings: await t.db.kysely.selectFrom('directus_settings').selectAll().execute(),
  };
}

for (const dialect of DIALECTS) {
  describe(`bootstrap [${dialect}]`, () => {
    let t: TestDb;
    let first: BootstrapResult;
    const config = testConfig({ ADMIN_EMAIL: 'Boss@Example.com', ADMIN_TOKEN, PROJECT_NAME: 'Acme Users' });

    beforeAll(async () => {
      t = await createTestDb(dialect, { migrate: false });
      first = await bootstrap(t.db, config);
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('runs every migration on an empty database', () => {
      expect(first.migrated).toEqual(Object.keys(migrations));
    });

    it('creates the Administrator role with admin and app access', async () => {
      const roles = await t.db.kysely.selectFrom('directus_roles').selectAll().execute();
      expect(roles).toHaveLength(1);
      expect(roles[0]).toMatchObject({ id: first.admin!.role, name: 'Administrator', icon: 'verified' });
      expect(toBool(roles[0]!.admin_access)).toBe(true);
      expect(toBool(roles[0]!.app_access)).toBe(true);
    });

    it('creates one active admin with the configured email in that role', async () => {
      const users = await t.db.kysely.selectFrom('directus_users').selectAll().execute();
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({
        id: first.admin!.id,
        email: 'Boss@Example.com',
        email_lower: 'boss@example.com',
        first_name: 'Admin',
        last_name: 'User',
        status: 'active',
        role: first.admin!.role,
        provider: 'default',
      });
      expect(first.admin!.email).toBe('Boss@Example.com');
    });

    it('generates a strong password, returns it once and stores only its argon2 hash', async () => {
      const password = first.admin!.generatedPassword!;
      expect(password).toMatch(STRONG);
      expect(password.length).toBeGreaterThanOrEqual(16);
      const user = await t.db.kysely.selectFrom('directus_users').select('password').executeTakeFirstOrThrow();
      expect(user.password).toMatch(/^\$argon2id\$/);
      expect(user.password).not.toContain(password);
      expect(await verifyPassword(user.password!, password)).toBe(true);
    });

    it('stores ADMIN_TOKEN as its SHA-256, never as typed', async () => {
      const user = await t.db.kysely.selectFrom('directus_users').select('token').executeTakeFirstOrThrow();
      expect(user.token).toBe(sha256(ADMIN_TOKEN));
      expect(user.token).not.toContain(ADMIN_TOKEN);
    });

    it('sets the project name from PROJECT_NAME', async () => {
      const settings = await t.db.kysely.selectFrom('directus_settings').select('project_name').executeTakeFirstOrThrow();
      expect(settings.project_name).toBe('Acme Users');
    });

    it('lets the admin use ADMIN_TOKEN on the API', async () => {
      const app = await buildApp(config, { db: t.db, logger: pino({ level: 'silent' }) });
      try {
        const me = await app.inject({ url: '/users/me?fields=id,email,role.name', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(me.statusCode).toBe(200);
        expect(me.json()).toEqual({ data: { id: first.admin!.id, email: 'Boss@Example.com', role: { name: 'Administrator' } } });
        const all = await app.inject({ url: '/users?fields=id', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(all.statusCode).toBe(200);
        const wrong = await app.inject({ url: '/users/me', headers: { authorization: `Bearer ${sha256(ADMIN_TOKEN)}` } });
        expect(wrong.statusCode).toBe(401);
      } finally {
        await app.close();
      }
    });

    it('a second run creates nothing and changes nothing, even with other admin settings', async () => {
      const before = await snapshot(t);
      const again = await bootstrap(
        t.db,
        testConfig({ ADMIN_EMAIL: 'other@example.com', ADMIN_PASSWORD: 'Another-Passw0rd!', ADMIN_TOKEN: 'y'.repeat(40), PROJECT_NAME: 'Renamed' }),
      );
      expect(again).toEqual({ migrated: [], admin: null });
      expect(await snapshot(t)).toEqual(before);
    });
  });

  describe(`bootstrap with ADMIN_PASSWORD and no ADMIN_TOKEN [${dialect}]`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb(dialect, { migrate: false });
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('uses the given password, prints none, and leaves the token empty', async () => {
      const result = await bootstrap(t.db, testConfig({ ADMIN_PASSWORD: 'Given-Passw0rd!' }));
      expect(result.admin).toMatchObject({ email: 'admin@example.com', generatedPassword: null });
      const user = await t.db.kysely.selectFrom('directus_users').select(['password', 'token', 'status']).executeTakeFirstOrThrow();
      expect(user.status).toBe('active');
      expect(user.token).toBeNull();
      expect(await verifyPassword(user.password!, 'Given-Passw0rd!')).toBe(true);
    });

    it('on an already migrated database with users, only reports it is installed', async () => {
      const result = await bootstrap(t.db, testConfig({ ADMIN_PASSWORD: 'Given-Passw0rd!' }));
      expect(result).toEqual({ migrated: [], admin: null });
      expect(await t.db.kysely.selectFrom('directus_users').select('id').execute()).toHaveLength(1);
      expect(await t.db.kysely.selectFrom('directus_roles').select('id').execute()).toHaveLength(1);
    });
  });
}
