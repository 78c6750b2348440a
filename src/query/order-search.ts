// `sort` and `search`, compiled into the same SELECT as the filter.
import { sql } from 'kysely';
import { errors } from '../errors.js';
import { fieldAllowed, type CollectionAccess } from '../access/types.js';
import { getCollection, getField, type CollectionDef } from './collections.js';
import { and, col, compileFilter, fieldRef, or, type CompileScope, type Sql } from './filter.js';
import type { Dialect } from '../db/index.js';
import { ftsQuery, MIN_INDEXED_TERM, PG_SEARCH_COLUMN, PG_SEPARATOR, searchIndexFor } from '../db/search-index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * ORDER BY with NULLs first when ascending and last when descending on both databases (indexes on
 * PostgreSQL are built NULLS FIRST to match). A primary-key tie-breaker keeps pages stable unless
 * the last sort field is unique and never null already.
 */
export function buildOrderBy(scope: CompileScope, collection: CollectionDef, alias: string, sort: string[] | null): Sql {
  const parts: Sql[] = [];
  let lastUnique = false;
  for (const entry of sort ?? []) {
    const desc = entry.startsWith('-');
    const path = desc ? entry.slice(1) : entry;
    const { expr, unique } = sortExpression(scope, collection, alias, path);
    parts.push(desc ? sql`${expr} desc nulls last` : sql`${expr} asc nulls first`);
    lastUnique = unique;
  }
  if (!lastUnique) parts.push(sql`${col(alias, collection.primaryKey)} asc`);
  return sql.join(parts);
}

function sortExpression(scope: CompileScope, collection: CollectionDef, alias: string, path: string): { expr: Sql; unique: boolean } {
  const [head, sub, ...more] = path.split('.');
  if (!head || more.length > 0) throw errors.invalidQuery(`Invalid sort field "${path}"`);
  const field = checkedField(scope, collection, head);
  if (sub === undefined) {
    if (field.o2m) throw errors.invalidQuery(`Can't sort on the alias field "${head}"`);
    // Emails sort without regard to case, through their lowercased (and indexed) column.
    return { expr: fieldRef(scope, collection, alias, head, field.lowerColumn ?? head), unique: !!field.unique };
  }
  if (!field.m2o) throw errors.invalidQuery(`"${head}" is not a relational field`);
  const related = getCollection(field.m2o)!;
  checkedField(scope, related, sub);
  const r = scope.nextAlias();
  const conditions = [sql`${col(r, related.primaryKey)} = ${fieldRef(scope, collection, alias, head)}`];
  if (scope.checkAccess) {
    const access = scope.access.can(related.name, 'read');
    if (access?.filter) conditions.push(compileFilter({ ...scope, checkAccess: false }, related, r, scope.resolveRule(access.filter)));
  }
  return {
    expr: sql`(select ${col(r, sub)} from ${sql.table(related.table)} as ${sql.id(r)} where ${and(conditions)})`,
    unique: false,
  };
}

function checkedField(scope: CompileScope, collection: CollectionDef, name: string) {
  const field = getField(collection, name);
  if (!field) throw errors.invalidQuery(`"${name}" field doesn't exist in "${collection.name}"`);
  if (field.concealed) throw errors.invalidQuery(`Can't sort on the concealed field "${name}"`);
  if (scope.checkAccess) {
    const access = scope.access.can(collection.name, 'read');
    if (!access || !fieldAllowed(access, name)) throw errors.forbidden();
  }
  return field;
}

/**
 * `search`: a case-insensitive substring match over the text fields the caller may read, never the
 * concealed ones (Directus searched them all, issue #23894), plus equality on ids and numbers.
 * Where the collection has a substring index (../db/search-index.ts), the text match goes through
 * it for terms it can look up, with the same results as the LIKE it stands for.
 */
export function buildSearch(collection: CollectionDef, access: CollectionAccess, alias: string, term: string, dialect: Dialect): Sql {
  const lowered = term.toLowerCase();
  const needle = `%${lowered.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const text: string[] = [];
  const parts: Sql[] = [];
  for (const [name, field] of Object.entries(collection.fields)) {
    // Fields the caller may read on some rows only are left out of search rather than half-searched.
    if (field.concealed || field.o2m || !fieldAllowed(access, name) || access.fieldConditions?.has(name)) continue;
    if (field.type === 'string' || field.type === 'text') {
      text.push(name);
    } else if (field.type === 'uuid' && UUID.test(term)) {
      parts.push(sql`${col(alias, name)} = ${lowered}`);
    } else if (field.type === 'integer' && /^-?\d{1,15}$/.test(term)) {
      parts.push(sql`${col(alias, name)} = ${Number(term)}`);
    }
  }
  return or([...searchText(collection, alias, text, lowered, needle, dialect), ...parts]);
}

/** The text part of a search over `fields`: through the index where it can serve, else LIKE. */
function searchText(collection: CollectionDef, alias: string, fields: string[], lowered: string, needle: string, dialect: Dialect): Sql[] {
  const like = (name: string) => {
    const field = collection.fields[name]!;
    const target = field.lowerColumn ? col(alias, field.lowerColumn) : sql`lower(${col(alias, name)})`;
    return sql`${target} like ${needle} escape '\\'`;
  };
  const index = searchIndexFor(collection.table);
  const indexed = index ? fields.filter((f) => Object.hasOwn(index.fields, f)) : [];
  if (!index || indexed.length === 0 || !indexUsable(lowered, dialect)) return fields.map(like);
  const others = fields.filter((f) => !indexed.includes(f)).map(like);
  if (dialect === 'sqlite') {
    const fts = sql.id(index.name);
    // Exact on its own: the FTS table holds these fields lowered the same way, matched as a substring.
    return [sql`${col(alias, 'rowid')} in (select rowid from ${fts} where ${fts} match ${ftsQuery(lowered, indexed, index)})`, ...others];
  }
  // PostgreSQL: the joined fields (stored in usher_search) contain the term when one of them does
  // (the term has no separator), so the indexed column narrows the rows and, unless all are
  // readable, the readable ones decide.
  const joined = sql`${col(alias, PG_SEARCH_COLUMN)} like ${needle} escape '\\'`;
  const all = indexed.length === Object.keys(index.fields).length;
  return [all ? joined : and([joined, or(indexed.map(like))]), ...others];
}

/**
 * The index serves terms of three characters or more (trigrams). A NUL would end the FTS5 query
 * string early, and a term holding PostgreSQL's separator could match across two fields.
 */
function indexUsable(lowered: string, dialect: Dialect): boolean {
  if ([...lowered].length < MIN_INDEXED_TERM || lowered.includes('\0')) return false;
  return dialect === 'sqlite' || !lowered.includes(PG_SEPARATOR);
}
