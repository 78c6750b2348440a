// The settings every SQLite connection Usher opens runs with (src/db/index.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createSqliteDb, type Db } from './index.js';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(opts?: { cacheMb?: number }): Db {
  const dir = mkdtempSync(join(tmpdir(), 'usher-sqlite-'));
  dirs.push(dir);
  const db = createSqliteDb(join(dir, 'usher.db'), opts);
  dbs.push(db);
  return db;
}

async function pragma(db: Db, name: string): Promise<unknown> {
  const { rows } = await sql.raw(`pragma ${name}`).execute(db.kysely);
  return Object.values(rows[0] as object)[0];
}

describe('createSqliteDb', () => {
  it('runs in WAL mode with foreign keys on and a 4 MB page cache unless told otherwise', async () => {
    const db = open();
    expect(await pragma(db, 'journal_mode')).toBe('wal');
    expect(await pragma(db, 'foreign_keys')).toBe(1);
    // Negative: KiB rather than pages.
    expect(await pragma(db, 'cache_size')).toBe(-4096);
  });

  it('takes the page cache size it is given (DB_SQLITE_CACHE_MB)', async () => {
    expect(await pragma(open({ cacheMb: 64 }), 'cache_size')).toBe(-65536);
  });
});
