// The Kysely instance over SQLite (embedded default) or PostgreSQL, and the few places where the
// two differ. Business code never asks which database it runs on; it asks this module.
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createRequire } from 'node:module';
import type pgTypes from 'pg';
import { Kysely, PostgresDialect, sql, type CompiledQuery, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from './schema.js';
import { UsherSqliteDialect } from './sqlite-dialect.js';
import { searchIndexUpkeep } from './search-upkeep.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Answers true when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /**
   * Runs a compiled read at once, synchronously, when the database allows it: SQLite with no
   * transaction open on its connection (so it reads committed rows only, as any query outside a
   * transaction does). Null when it cannot (PostgreSQL, or a transaction is open): use Kysely.
   * For the few reads every request makes, where Kysely's asynchronous round trip costs several
   * times the query itself.
   */
  readNow?<T>(query: CompiledQuery<T>): T[] | null;
  /**
   * Like readNow, with each row an array of its values in the order the statement selects them.
   * better-sqlite3 makes an object per row with a property per column, which for a page of 100
   * users of 26 fields costs more than SQLite's own work (2.5 ms against 1.5).
   */
  readArraysNow?(query: CompiledQuery): unknown[][] | null;
  /**
   * PostgreSQL: runs a read outside any transaction with each row as an array of its values (the
   * driver's array mode), which spares it making an object per row only for the caller to take
   * the values out again.
   */
  readArrays?(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * Like readNow, for a read without parameters, but gives back the rows it read last time when
   * nothing at all has been committed to the database since, by any connection of any process
   * (see walChangeDetector). Null when it can do neither: use Kysely.
   */
  readUnlessUnchanged?<T>(query: CompiledQuery<T>): T[] | null;
  /**
   * SQLite: prepares a statement without running it (and keeps it for when readArraysNow runs it),
   * throwing what SQLite would refuse in it. PostgreSQL checks some values only when it runs a statement, so
   * there the way to check a statement is to run it.
   */
  prepareOnly?(query: CompiledQuery): void;
  /**
   * SQLite: after users are deleted, merges their entries out of the search index in small steps
   * in the background (search-upkeep.ts); resolves when there is nothing left to merge.
   */
  tidySearchIndex?(): Promise<void>;
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
  return createSqliteDb(config.db.filename, { cacheMb: config.db.sqliteCacheMb });
}

export function createSqliteDb(filename: string, opts: { cacheMb?: number } = {}): Db {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const native = new SqliteDatabase(filename);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  // SQLite's own default is 2 MB, better-sqlite3's build 16 MB. The pages it misses come from the
  // operating system's cache at about a microsecond each, and the cache, once filled, stays in the
  // process for good (the allocator cannot return it), so Usher keeps it small: 4 MB by default.
  native.pragma(`cache_size = ${-Math.round((opts.cacheMb ?? 4) * 1024)}`);
  // Checkpoint every 10,000 pages of log (about 40 MB) rather than SQLite's 1,000: a checkpoint
  // writes each changed page once however often it changed, and the hot pages (indexes,
  // usher_state) change on every write. POST /users: 1,035 -> 1,090 req/s.
  native.pragma('wal_autocheckpoint = 10000');
  // LIKE is case-sensitive on PostgreSQL; make SQLite agree so `_contains` means the same on both.
  native.pragma('case_sensitive_like = ON');
  // SQLite's lower() folds ASCII only; PostgreSQL's folds every letter. Use JavaScript's
  // Unicode-aware lowering so `_icontains: "élodie"` finds "Élodie" on both.
  native.function('lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s));
  const { database, arrays } = statementCache(native);
  const kysely = new Kysely<Database>({ dialect: new UsherSqliteDialect({ database }) });
  // Kysely holds the one connection for a transaction's whole length; outside one, nothing else
  // can be running on it while a synchronous call does.
  const free = () => native.open && !native.inTransaction;
  const readNow = <T>(query: CompiledQuery<T>): T[] | null => (free() ? (database.prepare(query.sql).all(query.parameters) as T[]) : null);
  const readArraysNow = (query: CompiledQuery): unknown[][] | null => (free() ? arrays(query.sql)(query.parameters) : null);
  const changes = filename === ':memory:' ? null : walChangeDetector(native);
  const memo = new Map<string, { stamp: Buffer; rows: unknown[] }>();
  const upkeep = searchIndexUpkeep(native);
  return {
    kysely,
    dialect: 'sqlite',
    tidySearchIndex: () => upkeep.schedule(),
    readNow,
    readArraysNow,
    readUnlessUnchanged: <T>(query: CompiledQuery<T>): T[] | null => {
      if (query.parameters.length > 0) throw new Error('readUnlessUnchanged() takes reads without parameters');
      const stamp = changes?.stamp();
      if (!stamp) return readNow(query);
      const last = memo.get(query.sql);
      if (last && last.stamp.equals(stamp)) return last.rows as T[];
      // The stamp is taken before the read: a commit landing in between changes the stamp, so
      // the next call reads again.
      const rows = readNow(query);
      if (rows) memo.set(query.sql, { stamp, rows });
      return rows;
    },
    prepareOnly: (query) => {
      arrays(query.sql);
    },
    ping: async () => {
      try {
        native.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    destroy: async () => {
      upkeep.close();
      changes?.close();
      await kysely.destroy();
      // Kysely opens its handle lazily; the native one may still be open if no query ran through it.
      if (native.open) native.close();
    },
  };
}

/**
 * Tells, with one read of 48 bytes and no lock, whether anything has been committed to a SQLite
 * database in WAL mode since it last looked. Every commit, by any connection in any process, ends
 * by writing the wal-index header at the start of the `-shm` file (https://sqlite.org/walformat.html):
 * the last frame of the log grows, or the log restarts under new salts. SQLite's own readers look
 * at this header first to see whether their cache is still good; this does the same, so that the
 * reads every request makes (usher_state's versions) cost a read of 48 bytes, not a query, whose
 * file locking alone costs more than all the rest of a cached answer. Null when the database is
 * not in WAL mode or its -shm file cannot be read: callers then query every time.
 */
function walChangeDetector(native: SqliteDatabase.Database): { stamp(): Buffer | null; close(): void } | null {
  if (String(native.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
  // The file as SQLite itself names it (symbolic links resolved), which is what its -shm is named after.
  const filename = (native.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main')?.file;
  if (!filename) return null;
  let fd: number | null = null;
  let failed = false;
  return {
    stamp() {
      if (failed) return null;
      try {
        // The file exists once the connection has read in WAL mode; opened on first need.
        fd ??= openSync(`${filename}-shm`, 'r');
        // A fresh buffer per stamp: the caller keeps it beside what it read.
        const header = Buffer.allocUnsafe(48);
        if (readSync(fd, header, 0, 48, 0) !== 48) return null;
        return header;
      } catch {
        failed = true;
        return null;
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** Prepared statements kept per SQL text; the queries a server runs are a few hundred shapes. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * The statements a connection prepares, kept per SQL text: Kysely prepares every query anew, and
 * preparing costs about as much as running a small indexed lookup. Values are always bound, never
 * part of the text, so the shapes stay few (SQLite re-prepares by itself after a schema change).
 * Statements that give rows as arrays are kept apart: better-sqlite3's mode is the statement's.
 * better-sqlite3 refuses to bind JavaScript booleans; SQLite stores them as 0 and 1.
 */
function statementCache(native: SqliteDatabase.Database): {
  database: KyselySqliteDatabase;
  arrays(sqlText: string): (params: readonly unknown[]) => unknown[][];
} {
  const toSqlite = (params: readonly unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
  const keep = <T>(cache: Map<string, T>, sqlText: string, value: T): T => {
    // Long texts are one-offs (a batch's thousands of placeholders): not worth keeping.
    if (sqlText.length <= 4096) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      cache.set(sqlText, value);
    }
    return value;
  };
  const objects = new Map<string, ReturnType<KyselySqliteDatabase['prepare']>>();
  const arrays = new Map<string, (params: readonly unknown[]) => unknown[][]>();
  return {
    database: {
      close: () => native.close(),
      prepare(sqlText: string) {
        const hit = objects.get(sqlText);
        if (hit) return hit;
        const stmt = native.prepare(sqlText);
        return keep(objects, sqlText, {
          reader: stmt.reader,
          all: (params: readonly unknown[]) => stmt.all(toSqlite(params)),
          run: (params: readonly unknown[]) => stmt.run(toSqlite(params)),
          iterate: (params: readonly unknown[]) => stmt.iterate(toSqlite(params)),
        } as ReturnType<KyselySqliteDatabase['prepare']>);
      },
    },
    arrays(sqlText: string) {
      const hit = arrays.get(sqlText);
      if (hit) return hit;
      const stmt = native.prepare(sqlText).raw(true);
      return keep(arrays, sqlText, (params: readonly unknown[]) => stmt.all(toSqlite(params)) as unknown[][]);
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
    readArrays: async (query) => (await pool.query({ text: query.sql, values: query.parameters as unknown[], rowMode: 'array' })).rows as unknown[][],
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
