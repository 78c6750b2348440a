// The Kysely instance over SQLite (embedded default) or PostgreSQL, and the few places where the
// two differ. Business code never asks which database it runs on; it asks this module.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createRequire } from 'node:module';
import type pgTypes from 'pg';
import { Kysely, PostgresDialect, sql, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from './schema.js';
import { UsherSqliteDialect } from './sqlite-dialect.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Answers true when the database answers a trivial query. */
  ping(): Promise<boolean>;
  destroy(): Promise<void>;
}

export interface PgOptions {
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  max?: number;
  /** Run every statement inside this schema (tests use one schema per test file). */
  schema?: string;
}

export function createDb(config: Config): Db {
  if (config.db.client === 'pg') {
    return createPostgresDb({
      connectionString: config.db.connectionString,
      host: config.db.host,
      port: config.db.port,
      database: config.db.database,
      user: config.db.user,
      password: config.db.password,
      max: config.db.poolMax,
    });
  }
  return createSqliteDb(config.db.filename);
}

export function createSqliteDb(filename: string): Db {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const native = new SqliteDatabase(filename);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  // LIKE is case-sensitive on PostgreSQL; make SQLite agree so `_contains` means the same on both.
  native.pragma('case_sensitive_like = ON');
  // SQLite's lower() folds ASCII only; PostgreSQL's folds every letter. Use JavaScript's
  // Unicode-aware lowering so `_icontains: "élodie"` finds "Élodie" on both.
  native.function('lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s));
  const kysely = new Kysely<Database>({ dialect: new UsherSqliteDialect({ database: withBooleanBinding(native) }) });
  return {
    kysely,
    dialect: 'sqlite',
    ping: async () => {
      try {
        native.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    destroy: async () => {
      await kysely.destroy();
      // Kysely opens its handle lazily; the native one may still be open if no query ran through it.
      if (native.open) native.close();
    },
  };
}

/** better-sqlite3 refuses to bind JavaScript booleans; SQLite stores them as 0 and 1. */
/** Prepared statements kept per SQL text; the queries a server runs are a few hundred shapes. */
const STATEMENT_CACHE_SIZE = 1000;

function withBooleanBinding(native: SqliteDatabase.Database): KyselySqliteDatabase {
  const toSqlite = (params: readonly unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
  // Kysely prepares every query anew; preparing costs about as much as running a small indexed
  // lookup, so each SQL text is prepared once and reused (SQLite re-prepares by itself after a
  // schema change). Values are always bound, never part of the text, so the shapes stay few.
  const cache = new Map<string, ReturnType<KyselySqliteDatabase['prepare']>>();
  return {
    close: () => native.close(),
    prepare(sqlText: string) {
      const hit = cache.get(sqlText);
      if (hit) return hit;
      const stmt = native.prepare(sqlText);
      const prepared = {
        reader: stmt.reader,
        all: (params: readonly unknown[]) => stmt.all(toSqlite(params)),
        run: (params: readonly unknown[]) => stmt.run(toSqlite(params)),
        iterate: (params: readonly unknown[]) => stmt.iterate(toSqlite(params)),
      } as ReturnType<KyselySqliteDatabase['prepare']>;
      // Long texts are one-offs (a batch's thousands of placeholders): not worth keeping.
      if (sqlText.length <= 4096) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        cache.set(sqlText, prepared);
      }
      return prepared;
    },
  };
}

export function createPostgresDb(options: PgOptions): Db {
  // Loaded only for PostgreSQL: the embedded default never needs it.
  const pg = createRequire(import.meta.url)('pg') as typeof pgTypes;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    max: options.max ?? 10,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    types: {
      // COUNT(*) is a bigint; counts here stay far below 2^53, so read them as numbers.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    ping: async () => {
      try {
        await sql`select 1`.execute(kysely);
        return true;
      } catch {
        return false;
      }
    },
    destroy: () => kysely.destroy(),
  };
}

/** Booleans come back as 0/1 from SQLite and as booleans from PostgreSQL. */
export function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't';
}
