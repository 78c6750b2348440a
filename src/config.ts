// Every environment variable Usher reads, parsed and validated once, then frozen.
// Nothing else in the code base touches process.env: modules receive a Config.
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parseDuration } from './util/duration.js';

export type DbClient = 'sqlite3' | 'pg';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type SameSite = 'lax' | 'strict' | 'none';

export interface CookieConfig {
  name: string;
  secure: boolean;
  sameSite: SameSite;
  domain: string | undefined;
}

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  secret: string;
  /** Where the secret came from: an explicit variable, the data folder, or generated this run. */
  secretSource: 'env' | 'file' | 'generated';
  logLevel: LogLevel;
  db: {
    client: DbClient;
    filename: string;
    /** SQLite's page cache for the one connection, in MB. */
    sqliteCacheMb: number;
    connectionString: string | undefined;
    host: string | undefined;
    port: number | undefined;
    database: string | undefined;
    user: string | undefined;
    password: string | undefined;
    poolMax: number;
  };
  admin: { email: string; password: string | undefined; token: string | undefined };
  projectName: string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  sessionCookieTtlMs: number;
  sessionRefreshGraceMs: number;
  loginStallMs: number;
  registerStallMs: number;
  emailVerificationTokenTtlMs: number;
  refreshCookie: CookieConfig;
  sessionCookie: CookieConfig;
  query: { limitDefault: number; limitMax: number };
  maxBatchMutation: number;
  passwordResetTokenTtlMs: number;
  userInviteTokenTtlMs: number;
  passwordResetUrlAllowList: string[];
  userInviteUrlAllowList: string[];
  userRegisterUrlAllowList: string[];
  authLockoutDurationMs: number;
  authLockoutMode: 'lock' | 'suspend';
  redis: string | undefined;
  email: {
    from: string;
    transport: 'log' | 'smtp' | 'sendmail';
    templatesPath: string | undefined;
    smtp: {
      host: string | undefined;
      port: number;
      user: string | undefined;
      password: string | undefined;
      secure: boolean;
      ignoreTls: boolean;
      name: string | undefined;
    };
    sendmailPath: string;
  };
  trustProxy: boolean;
  /** Per-IP limits on the routes that guess at secrets (RATE_LIMITER_<NAME>_ENABLED/_POINTS/_DURATION). */
  rateLimits: Record<'login' | 'password' | 'inviteAccept' | 'registration', RateLimitConfig>;
  /** How long SIGTERM/SIGINT wait for in-flight requests before giving up and exiting with 1. */
  shutdownTimeoutMs: number;
  /** Answers to reads of users, roles and permissions kept in memory (modules/cache/response-cache.ts). */
  cache: { responses: boolean; maxBytes: number };
  /** One full garbage collection once the server goes idle after a burst of work (src/idle-memory.ts). */
  idleMemoryRelease: boolean;
}

export interface RateLimitConfig {
  enabled: boolean;
  points: number;
  durationMs: number;
}

export class ConfigError extends Error {
  constructor(
    public readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) under the real environment: a variable set in the environment wins. */
export function readEnvironment(cwd = process.cwd(), env: Env = process.env): Env {
  const file = resolve(cwd, env.CONFIG_PATH ?? '.env');
  if (!existsSync(file)) return { ...env };
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { ...fromFile, ...env };
}

class Reader {
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^-?\d+$/.test(v)) throw new ConfigError(name, `expected a whole number, got "${v}"`);
    const n = Number(v);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(v)) return true;
    if (/^(false|0|no|off)$/i.test(v)) return false;
    throw new ConfigError(name, `expected true or false, got "${v}"`);
  }

  duration(name: string, fallback: string): number {
    const v = this.raw(name) ?? fallback;
    const ms = parseDuration(v);
    if (ms === null) throw new ConfigError(name, `expected a duration such as 900, 15m, 7d or 10s, got "${v}"`);
    return ms;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(choices as readonly string[]).includes(v)) {
      throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${v}"`);
    }
    return v as T;
  }

  list(name: string): string[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  url(name: string, fallback: string): string {
    const v = this.raw(name) ?? fallback;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new ConfigError(name, `expected an http(s) URL, got "${v}"`);
    }
    return v.replace(/\/+$/, '');
  }

  rateLimit(name: string, points: number, duration: string): RateLimitConfig {
    const prefix = `RATE_LIMITER_${name}`;
    return {
      enabled: this.boolean(`${prefix}_ENABLED`, true),
      points: this.integer(`${prefix}_POINTS`, points, 1),
      durationMs: this.duration(`${prefix}_DURATION`, duration),
    };
  }

  cookie(prefix: string, defaultName: string): CookieConfig {
    return {
      name: this.string(`${prefix}_NAME`, defaultName),
      secure: this.boolean(`${prefix}_SECURE`, false),
      sameSite: this.oneOf(`${prefix}_SAME_SITE`, ['lax', 'strict', 'none'] as const, 'lax'),
      domain: this.raw(`${prefix}_DOMAIN`),
    };
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Parses and validates the configuration. Throws ConfigError naming the variable on a bad value.
 * `persistSecret` lets the embedded default keep a generated SECRET in the data folder, so a
 * restart does not sign everybody out (Directus makes a new one per process).
 */
export function loadConfig(env: Env, opts: { cwd?: string; persistSecret?: boolean } = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const r = new Reader(env);
  const port = r.integer('PORT', 8055, 0, 65535);
  const host = r.string('HOST', '0.0.0.0');
  const client = r.oneOf('DB_CLIENT', ['sqlite3', 'pg'] as const, 'sqlite3');
  const filenameSetting = r.string('DB_FILENAME', './data/usher.db');
  // ':memory:' is SQLite's name for a private in-memory database, not a file to resolve.
  const filename = filenameSetting === ':memory:' ? filenameSetting : resolve(cwd, filenameSetting);
  const limitDefault = r.integer('QUERY_LIMIT_DEFAULT', 100, 1);
  // Directus writes "no maximum" as -1 (its default); accept it so a Directus .env works as is.
  const limitMax = r.raw('QUERY_LIMIT_MAX') === '-1' ? Number.MAX_SAFE_INTEGER : r.integer('QUERY_LIMIT_MAX', Number.MAX_SAFE_INTEGER, 1);
  if (limitDefault > limitMax) {
    throw new ConfigError('QUERY_LIMIT_DEFAULT', `must not exceed QUERY_LIMIT_MAX (${limitMax})`);
  }
  const adminEmail = r.string('ADMIN_EMAIL', 'admin@example.com');
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', `not an email address: "${adminEmail}"`);
  const adminToken = r.raw('ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 32) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 32 characters (use a random string)');
  }
  const db = {
    client,
    filename,
    sqliteCacheMb: r.integer('DB_SQLITE_CACHE_MB', 4, 1, 65536),
    connectionString: r.raw('DB_CONNECTION_STRING'),
    host: r.raw('DB_HOST'),
    port: env.DB_PORT ? r.integer('DB_PORT', 5432, 1, 65535) : undefined,
    database: r.raw('DB_DATABASE'),
    user: r.raw('DB_USER'),
    password: r.raw('DB_PASSWORD'),
    poolMax: r.integer('DB_POOL_MAX', 10, 1, 1000),
  };
  if (client === 'pg' && !db.connectionString && !db.host) {
    throw new ConfigError('DB_CLIENT', 'pg needs DB_CONNECTION_STRING or DB_HOST (with DB_DATABASE, DB_USER ...)');
  }
  const dataFolder = client === 'sqlite3' && filename !== ':memory:' ? dirname(filename) : undefined;
  const { secret, source } = resolveSecret(r.raw('SECRET'), dataFolder, opts.persistSecret ?? false);

  const config: Config = {
    host,
    port,
    publicUrl: r.url('PUBLIC_URL', `http://localhost:${port}`),
    secret,
    secretSource: source,
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    db,
    admin: { email: adminEmail, password: r.raw('ADMIN_PASSWORD'), token: adminToken },
    projectName: r.string('PROJECT_NAME', 'Usher'),
    accessTokenTtlMs: r.duration('ACCESS_TOKEN_TTL', '15m'),
    refreshTokenTtlMs: r.duration('REFRESH_TOKEN_TTL', '7d'),
    sessionCookieTtlMs: r.duration('SESSION_COOKIE_TTL', '1d'),
    sessionRefreshGraceMs: r.duration('SESSION_REFRESH_GRACE_PERIOD', '10s'),
    loginStallMs: r.integer('LOGIN_STALL_TIME', 500, 0, 60_000),
    registerStallMs: r.integer('REGISTER_STALL_TIME', 750, 0, 60_000),
    emailVerificationTokenTtlMs: r.duration('EMAIL_VERIFICATION_TOKEN_TTL', '7d'),
    refreshCookie: r.cookie('REFRESH_TOKEN_COOKIE', 'directus_refresh_token'),
    sessionCookie: r.cookie('SESSION_COOKIE', 'directus_session_token'),
    query: { limitDefault, limitMax },
    maxBatchMutation: r.integer('MAX_BATCH_MUTATION', Number.MAX_SAFE_INTEGER, 1),
    passwordResetTokenTtlMs: r.duration('PASSWORD_RESET_TOKEN_TTL', '1h'),
    userInviteTokenTtlMs: r.duration('USER_INVITE_TOKEN_TTL', '7d'),
    passwordResetUrlAllowList: r.list('PASSWORD_RESET_URL_ALLOW_LIST'),
    userInviteUrlAllowList: r.list('USER_INVITE_URL_ALLOW_LIST'),
    userRegisterUrlAllowList: r.list('USER_REGISTER_URL_ALLOW_LIST'),
    authLockoutDurationMs: r.duration('AUTH_LOCKOUT_DURATION', '15m'),
    authLockoutMode: r.oneOf('AUTH_LOCKOUT_MODE', ['lock', 'suspend'] as const, 'lock'),
    redis: r.raw('REDIS'),
    email: {
      from: r.string('EMAIL_FROM', 'no-reply@example.com'),
      transport: r.oneOf('EMAIL_TRANSPORT', ['log', 'smtp', 'sendmail'] as const, 'log'),
      templatesPath: r.raw('EMAIL_TEMPLATES_PATH'),
      smtp: {
        host: r.raw('EMAIL_SMTP_HOST'),
        port: r.integer('EMAIL_SMTP_PORT', 587, 1, 65535),
        user: r.raw('EMAIL_SMTP_USER'),
        password: r.raw('EMAIL_SMTP_PASSWORD'),
        secure: r.boolean('EMAIL_SMTP_SECURE', false),
        ignoreTls: r.boolean('EMAIL_SMTP_IGNORE_TLS', false),
        name: r.raw('EMAIL_SMTP_NAME'),
      },
      sendmailPath: r.string('EMAIL_SENDMAIL_PATH', '/usr/sbin/sendmail'),
    },
    trustProxy: r.boolean('IP_TRUST_PROXY', false),
    rateLimits: {
      login: r.rateLimit('LOGIN', 30, '1m'),
      password: r.rateLimit('PASSWORD', 10, '1m'),
      inviteAccept: r.rateLimit('INVITE_ACCEPT', 10, '1m'),
      registration: r.rateLimit('REGISTRATION', 5, '1m'),
    },
    // Directus's name; its default (1 s) would cut off a slow request, so wait longer by default.
    shutdownTimeoutMs: r.duration('SERVER_SHUTDOWN_TIMEOUT', '10s'),
    cache: {
      responses: r.boolean('RESPONSE_CACHE_ENABLED', true),
      maxBytes: r.integer('RESPONSE_CACHE_MAX_BYTES', 16 * 1024 * 1024, 0),
    },
    idleMemoryRelease: r.boolean('IDLE_MEMORY_RELEASE', true),
  };
  if (config.email.transport === 'smtp' && !config.email.smtp.host) {
    throw new ConfigError('EMAIL_SMTP_HOST', 'is required when EMAIL_TRANSPORT=smtp');
  }
  return deepFreeze(config);
}

function resolveSecret(
  fromEnv: string | undefined,
  dataFolder: string | undefined,
  persist: boolean,
): { secret: string; source: Config['secretSource'] } {
  if (fromEnv !== undefined) {
    if (fromEnv.length < 32) throw new ConfigError('SECRET', 'must be at least 32 characters');
    return { secret: fromEnv, source: 'env' };
  }
  if (dataFolder && persist) return { secret: readOrCreateSecretFile(resolve(dataFolder, 'secret')), source: 'file' };
  return { secret: randomBytes(48).toString('base64url'), source: 'generated' };
}

/**
 * The secret kept beside the SQLite file. It is written to a temporary file and linked into place,
 * so two processes starting together (`usher bootstrap` and `usher start`) agree on one secret and
 * neither reads a half-written file. A stored secret that is too short is refused rather than
 * replaced: replacing it would silently sign everybody out.
 */
function readOrCreateSecretFile(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, randomBytes(48).toString('base64url') + '\n', { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  const stored = readFileSync(file, 'utf8').trim();
  if (stored.length < 32) {
    throw new ConfigError('SECRET', `the secret stored in ${file} is shorter than 32 characters; delete the file or set SECRET`);
  }
  return stored;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
