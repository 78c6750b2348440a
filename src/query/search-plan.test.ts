// The substring index is what the database actually reads for `search` (EXPLAIN says so, on a table
// big enough for the planner to prefer it to a scan), the migration builds it over existing users
// and takes it all away again, and PostgreSQL without pg_trgm still searches, by a scan.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { describeEachDb } from '../../test/harness.js';
import { adminQuery, createTestDb, DIALECTS, TEST_PG_URL, type TestDb } from '../../test/db.js';
import { FULL_ACCESS, type CollectionAccess } from '../access/types.js';
import { createPostgresDb, type Db } from '../db/index.js';
import { createMigrator, migrate } from '../db/migrate.js';
import { collections } from './collections.js';
import { buildSearch } from './order-search.js';

const USERS = collections.directus_users!;
const SOME_FIELDS: CollectionAccess = { fields: new Set(['id', 'email', 'first_name']), filter: null };
const BULK = 20_000;

/** The list query the app runs for a search, reduced to ids. */
function searchQuery(db: Db, term: string, access: CollectionAccess = FULL_ACCESS) {
  return sql`select t0.id from directus_users as t0 where ${buildSearch(USERS, access, 't0', term, db.dialect)} order by t0.id asc limit 100`;
}

async function searchIds(db: Db, term: string, access?: CollectionAccess): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`${searchQuery(db, term, access)}`.execute(db.kysely);
  return rows.map((r) => r.id);
}

/** SQLite: the plan's lines. PostgreSQL: "Node Type" and, for index scans, "Node Type on index". */
async function plan(db: Db, term: string, access?: CollectionAccess): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const { rows } = await sql<{ detail: string }>`explain query plan ${searchQuery(db, term, access)}`.execute(db.kysely);
    return rows.map((r) => r.detail);
  }
  const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) ${searchQuery(db, term, access)}`.execute(db.kysely);
  const out: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    out.push(node['Index Name'] ? `${String(node['Node Type'])} on ${String(node['Index Name'])}` : `${String(node['Node Type'])} ${String(node['Relation Name'] ?? '')}`.trim());
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  const doc = rows[0]!['QUERY PLAN'];
  walk(((typeof doc === 'string' ? JSON.parse(doc) : doc) as { Plan: Record<string, unknown> }[])[0]!.Plan);
  return out;
}

/** Reads the index, and never the whole users table. */
function expectIndexRead(db: Db, lines: string[]): void {
  if (db.dialect === 'sqlite') {
    expect(lines, lines.join('\n')).toContainEqual(expect.stringMatching(/^SCAN usher_users_search VIRTUAL TABLE/));
    expect(lines.filter((l) => /^SCAN t0\b/.test(l)), lines.join('\n')).toEqual([]);
  } else {
    expect(lines, lines.join('\n')).toContain('Bitmap Index Scan on usher_users_search');
    expect(lines.filter((l) => l.startsWith('Seq Scan')), lines.join('\n')).toEqual([]);
  }
}

/** Reads every row: a scan of the table, or of its primary key in the order asked for. */
function expectScan(db: Db, lines: string[]): void {
  const whole = db.dialect === 'sqlite' ? /^SCAN t0\b/ : /^(Seq Scan directus_users|Index Scan on directus_users_pkey)$/;
  expect(lines, lines.join('\n')).toContainEqual(expect.stringMatching(whole));
  expect(lines.filter((l) => l.includes('usher_users_search')), lines.join('\n')).toEqual([]);
}

/** `n` users bulk1 ... bulkN (bulk7@example.com, first name First7, title Title7) in one statement. */
async function insertBulk(db: Db, n: number): Promise<void> {
  if (db.dialect === 'sqlite') {
    await sql`insert into directus_users (id, email, email_lower, first_name, title, status, provider)
      with recursive c(n) as (select 1 union all select n + 1 from c where n < ${n})
      select printf('00000000-0000-4000-8000-%012d', n), 'bulk' || n || '@example.com', 'bulk' || n || '@example.com',
        'First' || n, 'Title' || n, 'active', 'default' from c`.execute(db.kysely);
  } else {
    await sql`insert into directus_users (id, email, email_lower, first_name, title, status, provider)
      select '00000000-0000-4000-8000-' || lpad(n::text, 12, '0'), 'bulk' || n || '@example.com', 'bulk' || n || '@example.com',
        'First' || n, 'Title' || n, 'active', 'default' from generate_series(1, ${n}) as n`.execute(db.kysely);
    await sql`analyze directus_users`.execute(db.kysely);
  }
}

describeEachDb('search reads the index', (t) => {
  beforeAll(async () => {
    await insertBulk(t().db, BULK);
  });

  it('for a term of three characters or more, over every field', async () => {
    const { db } = t();
    expect(await searchIds(db, 'BULK1234@')).toEqual(['00000000-0000-4000-8000-000000001234']);
    expectIndexRead(db, await plan(db, 'bulk1234@'));
    expectIndexRead(db, await plan(db, 'xyz'));
  });

  it('for a caller who may read some fields only', async () => {
    const { db } = t();
    expect(await searchIds(db, 'first1234', SOME_FIELDS)).toHaveLength(11); // First1234, First12340 ... First12349
    expect(await searchIds(db, 'title1234', SOME_FIELDS)).toEqual([]);
    expectIndexRead(db, await plan(db, 'first1234', SOME_FIELDS));
  });

  it('for a uuid, beside the id, role and avatar indexes', async () => {
    const { db } = t();
    const id = '00000000-0000-4000-8000-000000000777';
    expect(await searchIds(db, id)).toEqual([id]);
    const lines = await plan(db, id);
    expectIndexRead(db, lines);
    if (db.dialect === 'postgres') expect(lines).toContain('Bitmap Index Scan on directus_users_avatar_index');
    else expect(lines).toContainEqual(expect.stringContaining('USING INDEX directus_users_avatar_index'));
  });

  it('but not for a term shorter than a trigram, which scans', async () => {
    const { db } = t();
    expect(await searchIds(db, 'e7')).toHaveLength(100);
    expectScan(db, await plan(db, 'e7'));
  });
});

for (const dialect of DIALECTS) {
  describe(`the search index migration [${dialect}]`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb(dialect, { migrate: false });
      const result = await (await createMigrator(t.db)).migrateTo('0003-state');
      if (result.error) throw result.error;
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    const user = (n: number, lastName: string) => ({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, email: `m${n}@example.com`, email_lower: `m${n}@example.com`,
      last_name: lastName, status: 'active', provider: 'default',
    });
    /** The index's own objects in this database (this schema on PostgreSQL). */
    const objects = async () => {
      const { rows } =
        t.db.dialect === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master where name like 'usher_users_search%' or name = 'directus_users_avatar_index'`.execute(t.db.kysely)
          : await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()
              and indexname in ('usher_users_search', 'directus_users_avatar_index')`.execute(t.db.kysely);
      return rows.map((r) => r.name).sort();
    };

    it('indexes the users already there', async () => {
      await t.db.kysely.insertInto('directus_users').values([user(1, 'Åkesson'), user(2, 'Varga')]).execute();
      await migrate(t.db, 'latest');
      expect(await objects()).toEqual(expect.arrayContaining(['directus_users_avatar_index', 'usher_users_search']));
      expect(await searchIds(t.db, 'ÅKESS')).toEqual([user(1, '').id]);
      expect(await searchIds(t.db, 'varg')).toEqual([user(2, '').id]);
    });

    if (dialect === 'postgres') it('uses pg_trgm from outside this schema, so dropping a schema never drops it', async () => {
      const { rows } = await sql<{ schema: string; current: string }>`
        select e.extnamespace::regnamespace::text as schema, current_schema() as current from pg_extension e where e.extname = 'pg_trgm'`.execute(t.db.kysely);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.schema).not.toEqual(rows[0]!.current);
    });

    it('down drops the index with its table and triggers, and users can still be written', async () => {
      // Down to just before the search index (later migrations, if any, go first).
      const down = await (await createMigrator(t.db)).migrateTo('0003-state');
      expect(down.error).toBeUndefined();
      expect(await objects()).toEqual([]);
      await t.db.kysely.insertInto('directus_users').values(user(3, 'Okonkwo')).execute();
      await t.db.kysely.updateTable('directus_users').set({ last_name: 'Vargas' }).where('id', '=', user(2, '').id).execute();
      await t.db.kysely.deleteFrom('directus_users').where('id', '=', user(1, '').id).execute();
    });

    it('up again indexes what was written meanwhile', async () => {
      await migrate(t.db, 'latest');
      expect(await objects()).toEqual(expect.arrayContaining(['directus_users_avatar_index', 'usher_users_search']));
      expect(await searchIds(t.db, 'okonk')).toEqual([user(3, '').id]);
      expect(await searchIds(t.db, 'vargas')).toEqual([user(2, '').id]);
      expect(await searchIds(t.db, 'åkess')).toEqual([]);
    });
  });
}

// A role that may not create extensions, in a database without pg_trgm: the migration warns once
// and search still works, by a scan.
if (DIALECTS.includes('postgres')) describe('without pg_trgm [postgres]', () => {
  const name = `usher_notrgm_${randomBytes(5).toString('hex')}`;
  let db: Db | undefined;
  const url = (user: string) => {
    const u = new URL(TEST_PG_URL!);
    u.pathname = `/${name}`;
    u.username = user;
    return u.toString();
  };
  beforeAll(async () => {
    await adminQuery(`create role ${name} login`);
    await adminQuery(`create database ${name}`);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url(new URL(TEST_PG_URL!).username || 'postgres') });
    await client.connect();
    try {
      await client.query(`create schema usher authorization ${name}`);
    } finally {
      await client.end();
    }
    db = createPostgresDb({ connectionString: url(name), schema: 'usher', max: 2 });
  });
  afterAll(async () => {
    await db?.destroy();
    await adminQuery(`drop database if exists ${name} with (force)`);
    await adminQuery(`drop role if exists ${name}`);
  });

  it('migrates with a warning, and search scans with the same results', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await migrate(db!, 'latest');
      const ours = warn.mock.calls.filter((c) => (c[1] as { code?: string } | undefined)?.code === 'USHER_NO_PG_TRGM');
      expect(ours).toHaveLength(1);
      expect(String(ours[0]![0])).toMatch(/pg_trgm.*could not be created.*scan/s);
    } finally {
      warn.mockRestore();
    }
    const { rows } = await sql<{ n: number }>`select count(*) as n from pg_extension where extname = 'pg_trgm'`.execute(db!.kysely);
    expect(rows[0]!.n).toBe(0);
    await insertBulk(db!, 2_000);
    expect(await searchIds(db!, 'BULK1234@')).toEqual(['00000000-0000-4000-8000-000000001234']);
    expect(await searchIds(db!, 'first199', SOME_FIELDS)).toHaveLength(11);
    expectScan(db!, await plan(db!, 'bulk1234@'));
  });
});
