// `search` through the substring index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) finds
// exactly what a LIKE scan over the same fields finds: short terms, FTS syntax and LIKE wildcards
// taken literally, non-ASCII case, only readable fields, and every write reflected at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDb } from '../../test/harness.js';
import { makeRole, makeUser } from '../../test/fixtures.js';
import { USERS_SEARCH_INDEX } from '../db/search-index.js';
import { collections } from './collections.js';

type Handle = 'admin' | 'quote' | 'fts' | 'pct' | 'greek' | 'elodie' | 'note' | 'turkish';
const ALL: Handle[] = ['admin', 'quote', 'fts', 'pct', 'greek', 'elodie', 'note', 'turkish'];
const set = (...h: Handle[]) => [...h].sort();

/**
 * The searchable columns as the test sees them, written out here rather than taken from the code
 * under test: email through its lowercased column, every other text field through lower().
 */
const SCAN_COLUMNS: Record<string, string> = {
  first_name: 'lower(first_name)', last_name: 'lower(last_name)', email: 'email_lower', location: 'lower(location)',
  title: 'lower(title)', description: 'lower(description)', language: 'lower(language)', status: 'lower(status)',
  last_page: 'lower(last_page)', provider: 'lower(provider)', external_identifier: 'lower(external_identifier)',
  appearance: 'lower(appearance)', theme_light: 'lower(theme_light)', theme_dark: 'lower(theme_dark)',
};

describe('the users search index', () => {
  it('covers exactly the searchable text fields of users, through the columns search compares', () => {
    const users = collections.directus_users!;
    const searchable = Object.entries(users.fields)
      .filter(([, f]) => (f.type === 'string' || f.type === 'text') && !f.concealed)
      .map(([name]) => name);
    expect(Object.keys(USERS_SEARCH_INDEX.fields).sort()).toEqual([...searchable].sort());
    expect(Object.keys(SCAN_COLUMNS).sort()).toEqual([...searchable].sort());
    for (const [name, def] of Object.entries(USERS_SEARCH_INDEX.fields)) {
      const lowerColumn = users.fields[name]!.lowerColumn;
      expect(def, name).toEqual(lowerColumn ? { column: lowerColumn, lowered: true } : { column: name });
    }
  });
});

describeEachDb('search through the index', (t) => {
  const ids = {} as Record<Handle, string>;
  let readerToken: string;
  beforeAll(async () => {
    const { db } = t();
    ids.admin = t().admin.id;
    const user = async (handle: Handle, fields: Parameters<typeof makeUser>[1]) => {
      ids[handle] = (await makeUser(db, { token: null, ...fields })).id;
    };
    await user('quote', { email: 'quote@example.com', first_name: 'Say "Hi"', last_name: "O'Brien" });
    await user('fts', { email: 'fts@example.com', first_name: 'Near', last_name: 'AND OR NOT', title: 'a*b:c (d) {e} ^f -g +h' });
    await user('pct', { email: 'pct@example.com', first_name: '100%', last_name: 'Off_Road', location: 'C:\\Temp' });
    await user('greek', { email: 'greek@example.com', first_name: 'ΑΘΗΝΑ', last_name: 'Straße', location: 'Kraków' });
    await user('elodie', { email: 'Elodie.Upper@Example.COM', first_name: 'Élodie', last_name: 'ÇA', title: 'ᲐᲑᲒᲓ' });
    await user('note', { email: 'note@example.com', first_name: 'Nora', description: 'multi\nline text', title: 'ab' });
    await user('turkish', { email: 'tr@example.com', first_name: 'İstanbul', last_name: 'Iğdır' });
    // A role that reads id, email and first_name only; its user calls with a static token.
    const readers = await makeRole(db, { name: 'Readers', app: false });
    await db.kysely
      .insertInto('directus_permissions')
      .values({ role: readers.id, collection: 'directus_users', action: 'read', permissions: null, fields: 'id,email,first_name' })
      .execute();
    readerToken = (await makeUser(db, { email: 'reader@example.org', role: readers.id, first_name: 'Reader' })).token!;
  });

  const handleOf = (id: string) => (ALL.find((h) => ids[h] === id) ?? id) as Handle;
  const search = async (term: string, as: string | null = t().admin.token) => {
    const res = await t().request({ method: 'GET', url: `/users?fields=id&limit=-1&search=${encodeURIComponent(term)}`, as });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().data as { id: string }[]).map((u) => handleOf(u.id)).sort();
  };
  /** What a plain LIKE scan over `fields` finds, with the term escaped and lowered as search does. */
  const scan = async (term: string, fields = Object.keys(SCAN_COLUMNS)) => {
    const needle = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const likes = fields.map((f) => sql`${sql.raw(SCAN_COLUMNS[f]!)} like ${needle} escape '\\'`);
    const { rows } = await sql<{ id: string }>`select id from directus_users where ${sql.join(likes, sql` or `)}`.execute(t().db.kysely);
    return rows.map((r) => handleOf(r.id)).filter((h) => ALL.includes(h)).sort();
  };
  // The reader's own row (and any made by a test) is left out, so the sets below stay readable.
  const admin = async (term: string) => (await search(term)).filter((h) => ALL.includes(h));

  it.each([
    // Shorter than a trigram: LIKE.
    ['"', set('quote')],
    ["'", set('quote')],
    ['%', set('pct')],
    ['_', set('pct')],
    ['*', set('fts')],
    ['ab', set('note')],
    ['ÇA', set('elodie')],
    // FTS5 query syntax is plain text.
    ['"hi"', set('quote')],
    ['say "hi', set('quote')],
    ["o'b", set('quote')],
    ['near', set('fts')],
    ['NEAR', set('fts')],
    ['and or', set('fts')],
    ['NOT', set('fts', 'note')],
    ['a*b', set('fts')],
    ['b:c', set('fts')],
    ['(d)', set('fts')],
    ['{e}', set('fts')],
    ['^f -g +h', set('fts')],
    ['"a" OR "b"', []],
    // LIKE wildcards are plain text too.
    ['100%', set('pct')],
    ['0%', set('pct')],
    ['f_r', set('pct')],
    ['c:\\t', set('pct')],
    // Case, beyond ASCII.
    ['αθη', set('greek')],
    ['ΑΘΗΝΑ', set('greek')],
    ['straße', set('greek')],
    ['STRASSE', []],
    ['KRAKÓW', set('greek')],
    ['élo', set('elodie')],
    ['ÉLODIE', set('elodie')],
    ['elodie.upper@', set('elodie')],
    ['multi\nline', set('note')],
    ['example.com', set(...ALL)],
    ['xyz', []],
  ] as [string, Handle[]][])('%j finds what a scan finds', async (term, expected) => {
    const found = await admin(term);
    expect(found).toEqual(await scan(term));
    expect(found).toEqual(expected);
  });

  it.each(['ᲐᲑᲒ', 'აბგ', 'İST', 'ist', 'ığd', 'IĞD', 'i̇st'])('%j (case mapping that differs between databases) finds what a scan finds', async (term) => {
    expect(await admin(term)).toEqual(await scan(term));
  });

  it('a uuid still finds the user by id, beside any text match', async () => {
    expect(await admin(ids.greek)).toEqual(['greek']);
    expect(await admin(ids.greek.toUpperCase())).toEqual(['greek']);
  });

  describe('a caller who may read some fields only', () => {
    it.each([
      ['say', set('quote')], // first_name
      ['fts@', set('fts')], // email
      ['brien', []], // last_name: not readable
      ['kraków', []], // location: not readable
      ['xyz', []],
    ] as [string, Handle[]][])('%j searches only those', async (term, expected) => {
      const found = (await search(term, readerToken)).filter((h) => ALL.includes(h));
      expect(found).toEqual(await scan(term, ['email', 'first_name']));
      expect(found).toEqual(expected);
    });
  });

  describe('writes are searchable at once', () => {
    const patch = async (id: string, body: object) => {
      const res = await t().request({ method: 'PATCH', url: `/users/${id}`, as: t().admin.token, payload: body });
      expect(res.statusCode, res.body).toBe(200);
    };

    it('an update through the API replaces the old text', async () => {
      await patch(ids.note, { last_name: 'Quillfeather', email: 'Nora.Q@Example.net' });
      expect(await admin('quillf')).toEqual(['note']);
      expect(await admin('nora.q@example.net')).toEqual(['note']);
      expect(await admin('note@example')).toEqual([]);
      await patch(ids.note, { last_name: null });
      expect(await admin('quillf')).toEqual([]);
    });

    it('an update straight in the database too, and a change to another column keeps the text', async () => {
      await t().db.kysely.updateTable('directus_users').set({ title: 'Übersetzerin' }).where('id', '=', ids.pct).execute();
      expect(await admin('ÜBERSETZ')).toEqual(['pct']);
      await t().db.kysely.updateTable('directus_users').set({ last_access: '2024-05-01T00:00:00.000Z' }).where('id', '=', ids.pct).execute();
      expect(await admin('übersetz')).toEqual(['pct']);
      expect(await admin('off_road')).toEqual(['pct']);
    });

    it('a deleted user is gone, and a user inserted after it does not inherit its text', async () => {
      const gone = await makeUser(t().db, { email: 'vanishing@example.com', last_name: 'Qwzzyx' });
      expect(await search('qwzzyx')).toEqual([gone.id]);
      const res = await t().request({ method: 'DELETE', url: `/users/${gone.id}`, as: t().admin.token });
      expect(res.statusCode, res.body).toBe(204);
      expect(await search('qwzzyx')).toEqual([]);
      // SQLite hands the freed rowid to the next row.
      const next = await makeUser(t().db, { email: 'arriving@example.com', last_name: 'Plonk' });
      expect(await search('qwzzyx')).toEqual([]);
      expect(await search('vanishing')).toEqual([]);
      expect(await search('plonk')).toEqual([next.id]);
    });
  });
});
