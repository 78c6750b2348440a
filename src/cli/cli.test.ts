import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { toBool, type Dialect } from '../db/index.js';
import { pendingMigrations } from '../db/migrate.js';
import { migrations } from '../db/migrations/index.js';
import { findUserByEmail } from '../modules/users/users.repository.js';
import { updateSettings } from '../modules/settings/settings.repository.js';
import { verifyPassword } from '../util/crypto.js';
import { createTestDb, DIALECTS, TEST_PG_URL, type TestDb } from '../../test/db.js';
import { makeRole, makeUser } from '../../test/fixtures.js';
import { runCli } from './index.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ALL = Object.keys(migrations);

async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd });
  return { code, out, err };
}

/** The environment that points the CLI at this test's database. */
function envFor(t: TestDb): Record<string, string> {
  if (t.dialect === 'sqlite') return { DB_FILENAME: t.location };
  const url = new URL(TEST_PG_URL!);
  url.searchParams.set('options', `-c search_path=${t.location}`);
  return { DB_CLIENT: 'pg', DB_CONNECTION_STRING: url.toString() };
}

describe('usher: usage', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'usher-cli-'));
  });
  afterEach(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('--help lists the commands on stdout and exits 0', async () => {
    const run = await cli(['--help'], cwd);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(run.out).toContain('Usage: usher');
    for (const command of ['start', 'bootstrap', 'migrate', 'users', 'roles']) expect(run.out).toContain(command);
  });

  it('a subcommand’s --help exits 0 and lists its options', async () => {
    const run = await cli(['users', 'create', '--help'], cwd);
    expect(run.code).toBe(0);
    expect(run.out).toContain('--email');
    expect(run.out).toContain('--force');
  });

  it('an unknown command exits 2 with a message on stderr', async () => {
    const run = await cli(['frobnicate'], cwd);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toContain("unknown command 'frobnicate'");
  });

  it('a missing required option exits 2 with a message on stderr', async () => {
    const run = await cli(['users', 'create', '--email', 'a@example.com'], cwd);
    expect(run.code).toBe(2);
    expect(run.err).toContain("required option '--password <password>' not specified");
  });

  it('an unknown option exits 2', async () => {
    const run = await cli(['roles', 'create', '--role', 'X', '--superuser'], cwd);
    expect(run.code).toBe(2);
    expect(run.err).toContain("unknown option '--superuser'");
  });

  it('migrate with a bad direction exits 2 without touching a database', async () => {
    const run = await cli(['migrate', 'sideways'], cwd);
    expect(run.code).toBe(2);
    expect(run.err).toContain('unknown direction "sideways"');
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('a bad configuration exits 2 naming the variable', async () => {
    const run = await cli(['bootstrap'], cwd, { DB_CLIENT: 'mysql' });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^usher: invalid configuration: DB_CLIENT: /);
  });

  it('reads .env from its working folder and keeps the SQLite file and secret there', async () => {
    writeFileSync(join(cwd, '.env'), 'DB_FILENAME=./db/usher.db\n');
    const run = await cli(['migrate', 'latest'], cwd);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(existsSync(join(cwd, 'db', 'usher.db'))).toBe(true);
    expect(existsSync(join(cwd, 'db', 'secret'))).toBe(true);
    // The embedded database is in WAL mode (the setting lives in the file).
    const file = new SqliteDatabase(join(cwd, 'db', 'usher.db'), { readonly: true });
    try {
      expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      file.close();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`usher [${dialect}]`, () => {
    let t: TestDb;
    let cwd: string;
    const run = (...args: string[]) => cli(args, cwd, envFor(t));
    const setup = async (migrate: boolean) => {
      t = await createTestDb(dialect as Dialect, { migrate });
      cwd = dialect === 'sqlite' ? dirname(t.location) : mkdtempSync(join(tmpdir(), 'usher-cli-'));
    };
    afterEach(async () => {
      await t.cleanup();
      rmSync(cwd, { recursive: true, force: true });
    });

    describe('bootstrap and migrate', () => {
      beforeEach(() => setup(false));

      it('bootstrap installs, prints the generated admin password once, and a second run only reports', async () => {
        const first = await run('bootstrap');
        expect(first.code).toBe(0);
        expect(first.err).toBe('');
        expect(first.out).toContain('Created the Administrator role and the admin user admin@example.com');
        const password = /Admin password \(shown once\): (\S+)/.exec(first.out)?.[1];
        expect(password).toBeDefined();
        const admin = await findUserByEmail(t.db.kysely, 'admin@example.com');
        expect(await verifyPassword(admin!.password!, password!)).toBe(true);

        const second = await run('bootstrap');
        expect(second.code).toBe(0);
        expect(second.out).toBe('Already installed; 0 migration(s) applied\n');
        expect(await t.db.kysely.selectFrom('directus_users').select('id').execute()).toHaveLength(1);
      });

      it('bootstrap uses ADMIN_EMAIL and ADMIN_PASSWORD and prints no password', async () => {
        const first = await cli(['bootstrap'], cwd, { ...envFor(t), ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: 'Chosen-Passw0rd!' });
        expect(first.code).toBe(0);
        expect(first.out).toContain('root@example.org');
        expect(first.out).not.toContain('Admin password');
        const admin = await findUserByEmail(t.db.kysely, 'root@example.org');
        expect(await verifyPassword(admin!.password!, 'Chosen-Passw0rd!')).toBe(true);
      });

      it('migrate latest, down, up and latest again', async () => {
        const latest = await run('migrate', 'latest');
        expect(latest).toEqual({ code: 0, err: '', out: ALL.map((n) => `up ${n}: Success\n`).join('') });
        expect(await pendingMigrations(t.db)).toEqual([]);

        expect(await run('migrate', 'latest')).toEqual({ code: 0, err: '', out: 'Nothing to migrate\n' });

        const down = await run('migrate', 'down');
        expect(down).toEqual({ code: 0, err: '', out: `down ${ALL.at(-1)}: Success\n` });
        expect(await pendingMigrations(t.db)).toEqual(ALL.slice(-1));

        const up = await run('migrate', 'up');
        expect(up).toEqual({ code: 0, err: '', out: `up ${ALL.at(-1)}: Success\n` });
        expect(await pendingMigrations(t.db)).toEqual([]);
      });

      it('users and roles refuse an uninstalled database with a hint, exit 1', async () => {
        const role = await run('roles', 'create', '--role', 'Editors');
        expect(role.code).toBe(1);
        expect(role.err).toBe('usher: the database is not installed; run "usher bootstrap" first\n');
        const user = await run('users', 'create', '--email', 'a@example.com', '--password', 'Passw0rd!');
        expect(user.code).toBe(1);
        expect(user.err).toContain('usher bootstrap');
      });
    });

    describe('users and roles', () => {
      beforeEach(() => setup(true));

      it('users create prints the id of an active user with that email, password and role', async () => {
        const role = await makeRole(t.db, { name: 'Editors' });
        const created = await run('users', 'create', '--email', 'Ann@Example.com', '--password', 'Ann-Passw0rd!', '--role', role.id);
        expect(created.code).toBe(0);
        expect(created.err).toBe('');
        const id = created.out.trim();
        expect(created.out).toBe(`${id}\n`);
        expect(id).toMatch(UUID);
        const user = await findUserByEmail(t.db.kysely, 'ann@example.com');
        expect(user).toMatchObject({ id, email: 'Ann@Example.com', status: 'active', role: role.id, provider: 'default' });
        expect(await verifyPassword(user!.password!, 'Ann-Passw0rd!')).toBe(true);
      });

      it('users create without --role makes a user with no role', async () => {
        const created = await run('users', 'create', '--email', 'norole@example.com', '--password', 'Passw0rd!');
        expect(created.code).toBe(0);
        expect((await findUserByEmail(t.db.kysely, 'norole@example.com'))?.role).toBeNull();
      });

      it('users create refuses an invalid email (exit 2), a duplicate in any case (exit 1) and an unknown role (exit 1)', async () => {
        const invalid = await run('users', 'create', '--email', 'not-an-email', '--password', 'Passw0rd!');
        expect(invalid).toEqual({ code: 2, out: '', err: 'usher: "not-an-email" is not a valid email address\n' });

        await makeUser(t.db, { email: 'taken@example.com' });
        const duplicate = await run('users', 'create', '--email', 'TAKEN@example.com', '--password', 'Passw0rd!');
        expect(duplicate.code).toBe(1);
        expect(duplicate.out).toBe('');
        expect(duplicate.err).toContain('already exists');

        const unknownRole = await run('users', 'create', '--email', 'new@example.com', '--password', 'Passw0rd!', '--role', '00000000-0000-4000-8000-000000000000');
        expect(unknownRole.code).toBe(1);
        expect(unknownRole.err).toContain('no role with id 00000000-0000-4000-8000-000000000000');

        expect(await t.db.kysely.selectFrom('directus_users').select('email').execute()).toEqual([{ email: 'taken@example.com' }]);
      });

      it('users create and passwd refuse an empty password, even with --force', async () => {
        const created = await run('users', 'create', '--email', 'empty@example.com', '--password', '', '--force');
        expect(created.code).toBe(2);
        expect(created.err).toContain('must not be empty');
        await makeUser(t.db, { email: 'someone@example.com', password: 'Old-Passw0rd!' });
        expect((await run('users', 'passwd', '--email', 'someone@example.com', '--password', '', '--force')).code).toBe(2);
      });

      it('the password policy refuses a weak password unless --force', async () => {
        await updateSettings(t.db.kysely, { auth_password_policy: '/^.{12,}$/' });
        const weak = await run('users', 'create', '--email', 'weak@example.com', '--password', 'short');
        expect(weak.code).toBe(2);
        expect(weak.err).toContain('password policy');
        expect(await findUserByEmail(t.db.kysely, 'weak@example.com')).toBeUndefined();

        const strong = await run('users', 'create', '--email', 'weak@example.com', '--password', 'long-enough-password');
        expect(strong.code).toBe(0);

        const forced = await run('users', 'create', '--email', 'forced@example.com', '--password', 'short', '--force');
        expect(forced.code).toBe(0);
        expect(await verifyPassword((await findUserByEmail(t.db.kysely, 'forced@example.com'))!.password!, 'short')).toBe(true);
      });

      it('users passwd changes the hash; the old password no longer verifies', async () => {
        const user = await makeUser(t.db, { email: 'Bob@Example.com', password: 'Old-Passw0rd!' });
        const before = (await findUserByEmail(t.db.kysely, 'bob@example.com'))!.password!;
        const changed = await run('users', 'passwd', '--email', 'BOB@example.com', '--password', 'New-Passw0rd!');
        expect(changed).toEqual({ code: 0, err: '', out: 'Password updated for BOB@example.com\n' });
        const after = (await findUserByEmail(t.db.kysely, 'bob@example.com'))!;
        expect(after.id).toBe(user.id);
        expect(after.password).not.toBe(before);
        expect(await verifyPassword(after.password!, 'New-Passw0rd!')).toBe(true);
        expect(await verifyPassword(after.password!, 'Old-Passw0rd!')).toBe(false);
      });

      it('users passwd follows the password policy unless --force', async () => {
        await makeUser(t.db, { email: 'carol@example.com', password: 'Old-Passw0rd!' });
        await updateSettings(t.db.kysely, { auth_password_policy: '^.{12,}$' });
        const before = (await findUserByEmail(t.db.kysely, 'carol@example.com'))!.password;
        expect((await run('users', 'passwd', '--email', 'carol@example.com', '--password', 'short')).code).toBe(2);
        expect((await findUserByEmail(t.db.kysely, 'carol@example.com'))!.password).toBe(before);
        expect((await run('users', 'passwd', '--email', 'carol@example.com', '--password', 'short', '--force')).code).toBe(0);
      });

      it('users passwd for an unknown email exits 1', async () => {
        const missing = await run('users', 'passwd', '--email', 'nobody@example.com', '--password', 'New-Passw0rd!');
        expect(missing).toEqual({ code: 1, out: '', err: 'usher: no user with the email nobody@example.com\n' });
      });

      it('roles create prints the id of a role with app access and, with --admin, admin access', async () => {
        const plain = await run('roles', 'create', '--role', 'Editors');
        const admin = await run('roles', 'create', '--role', 'Operators', '--admin');
        expect(plain.code).toBe(0);
        expect(admin.code).toBe(0);
        expect(plain.out.trim()).toMatch(UUID);
        expect(admin.out.trim()).toMatch(UUID);
        const rows = await t.db.kysely.selectFrom('directus_roles').selectAll().orderBy('name').execute();
        expect(rows.map((r) => [r.id, r.name, toBool(r.admin_access), toBool(r.app_access)])).toEqual([
          [plain.out.trim(), 'Editors', false, true],
          [admin.out.trim(), 'Operators', true, true],
        ]);
      });

      it('roles create refuses an empty or too long name (exit 2)', async () => {
        expect((await run('roles', 'create', '--role', '   ')).code).toBe(2);
        expect((await run('roles', 'create', '--role', 'x'.repeat(101))).code).toBe(2);
        expect(await t.db.kysely.selectFrom('directus_roles').select('id').execute()).toEqual([]);
      });

      it('a role made by roles create can be given with users create', async () => {
        const role = (await run('roles', 'create', '--role', 'Support')).out.trim();
        const user = await run('users', 'create', '--email', 'support@example.com', '--password', 'Passw0rd!', '--role', role);
        expect(user.code).toBe(0);
        expect((await findUserByEmail(t.db.kysely, 'support@example.com'))?.role).toBe(role);
      });
    });
  });
}
