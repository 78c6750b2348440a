// The substring index behind `search` on users: its definition (shared by the migration that builds
// it and the compiler that queries it, so the two cannot drift) and the SQL both need.
//
// SQLite: a contentless FTS5 table with the trigram tokenizer, holding each searchable field already
// lowercased by Usher's Unicode lower() and compared case-sensitively, so that a phrase query on it
// means exactly what `lower(column) LIKE '%term%'` means (substring of the lowered text), for terms
// of three characters or more. Triggers keep it in step with directus_users.
// PostgreSQL: the lowered fields joined by a separator, stored in a generated column (usher_search)
// with a GIN trigram index (pg_trgm) on it, which `LIKE '%term%'` on the column can use.
//
// If the indexed fields ever change, a new migration copies the old definition into the old
// migration and builds the new one; this module always describes the latest.
import { sql, type RawBuilder } from 'kysely';

export interface SearchIndexDef {
  /** The FTS5 table (SQLite) or the GIN index (PostgreSQL). */
  name: string;
  table: string;
  /** Field name -> the column holding its value; `lowered` columns are stored lowercased already. */
  fields: Record<string, { column: string; lowered?: boolean }>;
}

export const USERS_SEARCH_INDEX: SearchIndexDef = {
  name: 'usher_users_search',
  table: 'directus_users',
  fields: {
    first_name: { column: 'first_name' },
    last_name: { column: 'last_name' },
    email: { column: 'email_lower', lowered: true },
    location: { column: 'location' },
    title: { column: 'title' },
    description: { column: 'description' },
    language: { column: 'language' },
    status: { column: 'status' },
    last_page: { column: 'last_page' },
    provider: { column: 'provider' },
    external_identifier: { column: 'external_identifier' },
    appearance: { column: 'appearance' },
    theme_light: { column: 'theme_light' },
    theme_dark: { column: 'theme_dark' },
  },
};

const INDEXES: Record<string, SearchIndexDef> = { directus_users: USERS_SEARCH_INDEX };

export function searchIndexFor(table: string): SearchIndexDef | undefined {
  return Object.hasOwn(INDEXES, table) ? INDEXES[table] : undefined;
}

/**
 * The trigram tokenizer indexes three characters at a time: shorter terms cannot be looked up in
 * it (nor in a trigram GIN index), and go through LIKE.
 */
export const MIN_INDEXED_TERM = 3;

/** PostgreSQL: the generated column holding pgSearchExpression's text (migration 0008). */
export const PG_SEARCH_COLUMN = 'usher_search';

/** Joins the lowered fields on PostgreSQL; a term containing it never uses the joined expression. */
export const PG_SEPARATOR = '\u0001';

/**
 * The PostgreSQL expression usher_search is generated from (0004 built its index on it directly).
 * Each field is lowered on its own (lower() of the whole could differ where case mapping depends on
 * context), and `collate "default"` settles the mix of email_lower's "C" with the others.
 */
export function pgSearchExpression(def: SearchIndexDef, alias?: string): RawBuilder<unknown> {
  const parts = Object.values(def.fields).map(({ column, lowered }) => {
    const ref = alias ? sql.ref(`${alias}.${column}`) : sql.ref(column);
    return lowered ? sql`coalesce(${ref} collate "default", '')` : sql`coalesce(lower(${ref}), '')`;
  });
  return sql`(${sql.join(parts, sql` || chr(1) || `)})`;
}

/** SQLite: the value stored in the FTS table for one field of the row `row` (`new` in a trigger). */
export function sqliteIndexedValue(field: { column: string; lowered?: boolean }, row: string): RawBuilder<unknown> {
  const ref = sql.ref(`${row}.${field.column}`);
  return field.lowered ? ref : sql`lower(${ref})`;
}

/**
 * An FTS5 query matching `lowered` as a substring of any of `fields`: one phrase, quoted as an FTS5
 * string (so AND, OR, NEAR, *, :, ( ) and quotes are plain text), behind a column filter.
 */
export function ftsQuery(lowered: string, fields: string[], def: SearchIndexDef): string {
  const phrase = `"${lowered.replaceAll('"', '""')}"`;
  if (fields.length === Object.keys(def.fields).length) return phrase;
  return `{${fields.join(' ')}} : ${phrase}`;
}
