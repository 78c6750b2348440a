import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, readEnvironment, type Config } from './config.js';

const SECRET = 'a-secret-that-is-long-enough-for-usher-0123456789';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'usher-config-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The ConfigError loadConfig throws for `env`, or a failure when it does not throw one. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, { cwd });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('serves the embedded SQLite database on 0.0.0.0:8055 with Directus defaults', () => {
    const config = loadConfig({}, { cwd });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8055,
      publicUrl: 'http://localhost:8055',
      logLevel: 'info',
      db: { client: 'sqlite3', filename: join(cwd, 'data', 'usher.db'), sqliteCacheMb: 4, connectionString: undefined, poolMax: 10 },
      admin: { email: 'admin@example.com', password: undefined, token: undefined },
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: 7 * 86_400_000,
      sessionCookieTtlMs: 86_400_000,
      sessionRefreshGraceMs: 10_000,
      loginStallMs: 500,
      refreshCookie: { name: 'directus_refresh_token', secure: false, sameSite: 'lax', domain: undefined },
      sessionCookie: { name: 'directus_session_token', secure: false, sameSite: 'lax', domain: undefined },
      query: { limitDefault: 100, limitMax: Number.MAX_SAFE_INTEGER },
      email: { transport: 'log', from: 'no-reply@example.com' },
      trustProxy: false,
      shutdownTimeoutMs: 10_000,
      idleMemoryRelease: true,
    });
  });

  it('generates a secret of at least 32 characters, different per load, when nothing persists it', () => {
    const a = loadConfig({}, { cwd });
    const b = loadConfig({}, { cwd });
    expect(a.secretSource).toBe('generated');
    expect(a.secret.length).toBeGreaterThanOrEqual(32);
    expect(b.secret).not.toBe(a.secret);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('parses values given in the environment', () => {
    const config = loadConfig(
      {
        PORT: ' 9000 ',
        HOST: '127.0.0.1',
        PUBLIC_URL: 'https://users.example.com/',
        LOG_LEVEL: 'debug',
        DB_CLIENT: 'pg',
        DB_HOST: 'db',
        DB_PORT: '6543',
        DB_DATABASE: 'usher',
        ACCESS_TOKEN_TTL: '30m',
        REFRESH_TOKEN_TTL: '2 days',
        QUERY_LIMIT_DEFAULT: '25',
        QUERY_LIMIT_MAX: '500',
        EMAIL_TRANSPORT: 'smtp',
        EMAIL_SMTP_HOST: 'mail.example.com',
        IP_TRUST_PROXY: 'true',
        DB_SQLITE_CACHE_MB: '64',
        IDLE_MEMORY_RELEASE: 'false',
        PASSWORD_RESET_URL_ALLOW_LIST: 'https://a.example.com/reset, https://b.example.com/reset',
        SECRET,
      },
      { cwd },
    );
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      publicUrl: 'https://users.example.com',
      logLevel: 'debug',
      db: { client: 'pg', host: 'db', port: 6543, database: 'usher', sqliteCacheMb: 64 },
      idleMemoryRelease: false,
      accessTokenTtlMs: 30 * 60_000,
      refreshTokenTtlMs: 2 * 86_400_000,
      query: { limitDefault: 25, limitMax: 500 },
      email: { transport: 'smtp', smtp: { host: 'mail.example.com', port: 587 } },
      trustProxy: true,
      passwordResetUrlAllowList: ['https://a.example.com/reset', 'https://b.example.com/reset'],
      secret: SECRET,
      secretSource: 'env',
    });
  });

  it('reads QUERY_LIMIT_MAX=-1 as no maximum, as Directus does', () => {
    expect(loadConfig({ QUERY_LIMIT_MAX: '-1' }, { cwd }).query.limitMax).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps DB_FILENAME=:memory: as SQLite’s in-memory database instead of a file in the working folder', () => {
    const config = loadConfig({ DB_FILENAME: ':memory:' }, { cwd, persistSecret: true });
    expect(config.db.filename).toBe(':memory:');
    expect(config.secretSource).toBe('generated');
  });
});

describe('loadConfig refuses bad values, naming the variable', () => {
  const cases: { env: Record<string, string>; variable: string }[] = [
    { env: { PORT: 'abc' }, variable: 'PORT' },
    { env: { PORT: '70000' }, variable: 'PORT' },
    { env: { DB_CLIENT: 'mysql' }, variable: 'DB_CLIENT' },
    { env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL' },
    { env: { ACCESS_TOKEN_TTL: 'soon' }, variable: 'ACCESS_TOKEN_TTL' },
    { env: { REFRESH_TOKEN_TTL: '7 fortnights' }, variable: 'REFRESH_TOKEN_TTL' },
    { env: { SECRET: 'too-short' }, variable: 'SECRET' },
    { env: { QUERY_LIMIT_DEFAULT: '200', QUERY_LIMIT_MAX: '100' }, variable: 'QUERY_LIMIT_DEFAULT' },
    { env: { QUERY_LIMIT_MAX: '0' }, variable: 'QUERY_LIMIT_MAX' },
    { env: { EMAIL_TRANSPORT: 'smtp' }, variable: 'EMAIL_SMTP_HOST' },
    { env: { EMAIL_TRANSPORT: 'pigeon' }, variable: 'EMAIL_TRANSPORT' },
    { env: { DB_CLIENT: 'pg' }, variable: 'DB_CLIENT' },
    { env: { DB_CLIENT: 'pg', DB_HOST: 'db', DB_PORT: 'five' }, variable: 'DB_PORT' },
    { env: { ADMIN_TOKEN: 'short-token' }, variable: 'ADMIN_TOKEN' },
    { env: { ADMIN_EMAIL: 'not an email' }, variable: 'ADMIN_EMAIL' },
    { env: { PUBLIC_URL: 'ftp://example.com' }, variable: 'PUBLIC_URL' },
    { env: { IP_TRUST_PROXY: 'maybe' }, variable: 'IP_TRUST_PROXY' },
    { env: { DB_SQLITE_CACHE_MB: '0' }, variable: 'DB_SQLITE_CACHE_MB' },
    { env: { IDLE_MEMORY_RELEASE: 'sometimes' }, variable: 'IDLE_MEMORY_RELEASE' },
    { env: { SERVER_SHUTDOWN_TIMEOUT: 'forever' }, variable: 'SERVER_SHUTDOWN_TIMEOUT' },
    { env: { REFRESH_TOKEN_COOKIE_SAME_SITE: 'sometimes' }, variable: 'REFRESH_TOKEN_COOKIE_SAME_SITE' },
  ];

  for (const { env, variable } of cases) {
    it(`${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} -> ${variable}`, () => {
      const error = configError(env);
      expect(error.variable).toBe(variable);
      expect(error.message.startsWith(`${variable}: `)).toBe(true);
    });
  }

  it('accepts an ADMIN_TOKEN of exactly 32 characters and a pg connection string', () => {
    const config = loadConfig({ ADMIN_TOKEN: 'x'.repeat(32), DB_CLIENT: 'pg', DB_CONNECTION_STRING: 'postgres://u@h/d' }, { cwd });
    expect(config.admin.token).toBe('x'.repeat(32));
    expect(config.db.connectionString).toBe('postgres://u@h/d');
  });
});

describe('readEnvironment', () => {
  it('reads .env from the working folder; a variable set in the real environment wins', () => {
    writeFileSync(join(cwd, '.env'), ['# comment', 'PORT=9100', 'LOG_LEVEL="warn"', 'ADMIN_EMAIL=boss@example.com', ''].join('\n'));
    const env = readEnvironment(cwd, { PORT: '9200' });
    expect(env).toMatchObject({ PORT: '9200', LOG_LEVEL: 'warn', ADMIN_EMAIL: 'boss@example.com' });
    const config = loadConfig(env, { cwd });
    expect(config.port).toBe(9200);
    expect(config.logLevel).toBe('warn');
    expect(config.admin.email).toBe('boss@example.com');
  });

  it('reads the file CONFIG_PATH names instead of .env', () => {
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(join(cwd, 'conf', 'usher.env'), 'PORT=9300\n');
    writeFileSync(join(cwd, '.env'), 'PORT=9400\n');
    expect(readEnvironment(cwd, { CONFIG_PATH: 'conf/usher.env' }).PORT).toBe('9300');
  });

  it('returns the environment alone when there is no .env', () => {
    expect(readEnvironment(cwd, { PORT: '1' })).toEqual({ PORT: '1' });
  });

  it('lets a bad value in .env stop start-up like one in the environment', () => {
    writeFileSync(join(cwd, '.env'), 'LOG_LEVEL=loud\n');
    expect(() => loadConfig(readEnvironment(cwd, {}), { cwd })).toThrow(/^LOG_LEVEL: /);
  });
});

describe('SECRET kept in the data folder', () => {
  it('is generated once beside the SQLite file, private, and reused by the next load', () => {
    const env = { DB_FILENAME: './store/usher.db' };
    const first = loadConfig(env, { cwd, persistSecret: true });
    const file = join(cwd, 'store', 'secret');
    expect(first.secretSource).toBe('file');
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const restarted = loadConfig(env, { cwd, persistSecret: true });
    expect(restarted.secret).toBe(first.secret);
    expect(restarted.secretSource).toBe('file');
  });

  it('is not written when SECRET is set, and SECRET wins over a stored one', () => {
    const config = loadConfig({ SECRET }, { cwd, persistSecret: true });
    expect(config.secret).toBe(SECRET);
    expect(config.secretSource).toBe('env');
    expect(existsSync(join(cwd, 'data', 'secret'))).toBe(false);

    loadConfig({}, { cwd, persistSecret: true });
    expect(loadConfig({ SECRET }, { cwd, persistSecret: true }).secret).toBe(SECRET);
  });

  it('is not written for PostgreSQL (there is no data folder)', () => {
    const config = loadConfig({ DB_CLIENT: 'pg', DB_CONNECTION_STRING: 'postgres://u@h/d' }, { cwd, persistSecret: true });
    expect(config.secretSource).toBe('generated');
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('refuses a stored secret that is too short instead of silently replacing it', () => {
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', 'secret'), 'short\n');
    expect(loadConfig({}, { cwd }).secretSource).toBe('generated'); // without persistSecret the file is not read
    expect(() => loadConfig({}, { cwd, persistSecret: true })).toThrow(ConfigError);
    expect(readFileSync(join(cwd, 'data', 'secret'), 'utf8')).toBe('short\n');
  });
});

describe('the loaded config', () => {
  it('is frozen all the way down', () => {
    const config: Config = loadConfig({ PASSWORD_RESET_URL_ALLOW_LIST: 'https://a.example.com' }, { cwd });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.db)).toBe(true);
    expect(Object.isFrozen(config.email.smtp)).toBe(true);
    expect(Object.isFrozen(config.passwordResetUrlAllowList)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.db as { client: string }).client = 'pg';
    }).toThrow(TypeError);
    expect(config.port).toBe(8055);
  });
});
