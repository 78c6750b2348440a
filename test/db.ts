// A fresh database per test file: a temporary SQLite file, or a PostgreSQL schema of its own when
// TEST_PG_URL is set. When TEST_PG_URL is set and PostgreSQL is unreachable, tests fail: they
// never skip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresDb, createSqliteDb, type Db, type Dialect } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';

export const TEST_PG_URL = process.env.TEST_PG_URL;

/** The databases this run covers: SQLite always, PostgreSQL when TEST_PG_URL is set. */
export const DIALECTS: Dialect[] = TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDb {
  db: Db;
  dialect: Dialect;
  /** SQLite: the file; PostgreSQL: the schema. */
  location: string;
  cleanup(): Promise<void>;
}

export async function createTestDb(dialect: Dialect, opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const t = dialect === 'sqlite' ? createSqliteTestDb() : await createPostgresTestDb();
  if (opts.migrate !== false) await migrate(t.db, 'latest');
  return t;
}

function createSqliteTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'usher-test-'));
  const file = join(dir, 'usher.db');
  const db = createSqliteDb(file);
  return {
    db,
    dialect: 'sqlite',
    location: file,
    cleanup: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresTestDb(): Promise<TestDb> {
  if (!TEST_PG_URL) throw new Error('TEST_PG_URL is not set');
  const schema = `usher_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const db = createPostgresDb({ connectionString: TEST_PG_URL, schema, max: 5 });
  return {
    db,
    dialect: 'postgres',
    location: schema,
    cleanup: async () => {
      await db.destroy();
      await adminQuery(`drop schema if exists ${schema} cascade`);
    },
  };
}

export async function adminQuery(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** A second connection (pool) to the database under test, as another Usher process would have. */
export function secondConnection(testDb: TestDb): Db {
  if (testDb.dialect === 'sqlite') return createSqliteDb(testDb.location);
  if (!TEST_PG_URL) throw new Error('TEST_PG_URL is not set');
  return createPostgresDb({ connectionString: TEST_PG_URL, schema: testDb.location, max: 5 });
}
