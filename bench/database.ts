// A fresh database for one bench run: a SQLite file in a temporary data folder, or a PostgreSQL
// database of its own (created here, dropped afterwards), never one that holds anything else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresDb, createSqliteDb, type Db } from '../src/db/index.js';
import type { BenchOptions } from './args.js';

export interface BenchDatabase {
  kind: BenchOptions['db'];
  /** The temporary data folder: SQLite file, server log, CPU profiles. */
  dataDir: string;
  /** The DB_* variables that point the server at this database. */
  serverEnv: Record<string, string>;
  /** Where it lives, for the report: a file path or a database name. */
  location: string;
  open(): Db;
  /** Processes doing the database's work apart from the server: PostgreSQL's backends; none for SQLite. */
  backendPids(): Promise<number[]>;
  /** Removes the data folder and drops the PostgreSQL database. */
  remove(): Promise<void>;
}

export async function createBenchDatabase(opts: Pick<BenchOptions, 'db' | 'pgUrl'>): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usher-bench-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (opts.db === 'sqlite') {
    const file = join(dataDir, 'usher.db');
    return {
      kind: 'sqlite',
      dataDir,
      serverEnv: { DB_CLIENT: 'sqlite3', DB_FILENAME: file },
      location: file,
      open: () => createSqliteDb(file),
      backendPids: async () => [],
      remove: async () => removeDir(),
    };
  }
  const name = `usher_bench_${randomBytes(5).toString('hex')}`;
  await maintenanceQuery(opts.pgUrl!, `create database ${name}`);
  const url = new URL(opts.pgUrl!);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  return {
    kind: 'pg',
    dataDir,
    serverEnv: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: connectionString },
    location: `${url.host}/${name}`,
    open: () => createPostgresDb({ connectionString, max: 4 }),
    backendPids: async () => {
      const { rows } = await maintenanceQuery(opts.pgUrl!, 'select pid from pg_stat_activity where datname = $1', [name]);
      return rows.map((r: { pid: number }) => r.pid);
    },
    remove: async () => {
      await maintenanceQuery(opts.pgUrl!, `drop database if exists ${name} with (force)`);
      removeDir();
    },
  };
}

/** A statement on the server's maintenance connection (the database TEST_PG_URL names). */
async function maintenanceQuery(pgUrl: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}
