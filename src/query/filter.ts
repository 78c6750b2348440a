// Compiles a Directus filter object into one SQL boolean expression. Nothing is ever filtered in
// JavaScript: relational filters become sub-queries, so the database does all the work and a
// permission rule is just one more AND.
import { sql, type RawBuilder } from 'kysely';
import { errors } from '../errors.js';
import { fieldAllowed, type AccessPolicy } from '../access/types.js';
import { getCollection, getField, type CollectionDef, type FieldDef } from './collections.js';
import type { Filter } from './types.js';

export type Sql = RawBuilder<unknown>;

export interface CompileScope {
  access: AccessPolicy;
  /**
   * Request filters may only touch fields the caller can read, and relational sub-queries also
   * apply the related collection's row rules. Permission rules themselves compile without checks.
   */
  checkAccess: boolean;
  /** Puts the caller's values into a permission rule ($CURRENT_USER, $CURRENT_ROLE, $NOW ...). */
  resolveRule: (rule: Filter) => Filter;
  nextAlias: () => string;
  /** Relations crossed to get here (0 at the top). */
  depth?: number;
}

/**
 * How many relations a filter may cross, one inside the other; Directus's MAX_RELATIONAL_DEPTH
 * default. Deeper nesting would also reach SQLite's limit on expression depth, which it reports
 * only when preparing the statement.
 */
export const MAX_RELATIONAL_DEPTH = 10;

function deeper(scope: CompileScope): CompileScope {
  const depth = (scope.depth ?? 0) + 1;
  if (depth > MAX_RELATIONAL_DEPTH) throw errors.invalidQuery('Max relational depth exceeded');
  return { ...scope, depth };
}

const TRUE: Sql = sql`1 = 1`;
const FALSE: Sql = sql`1 = 0`;

const OPERATORS = new Set([
  '_eq', '_neq', '_lt', '_lte', '_gt', '_gte', '_in', '_nin', '_null', '_nnull', '_empty', '_nempty',
  '_contains', '_ncontains', '_icontains', '_nicontains', '_starts_with', '_nstarts_with', '_istarts_with',
  '_nistarts_with', '_ends_with', '_nends_with', '_iends_with', '_niends_with', '_between', '_nbetween',
  '_ieq', '_nieq',
]);
const CONCEALED_OPERATORS = new Set(['_null', '_nnull', '_empty', '_nempty']);
const TEXT_ONLY = new Set([
  '_contains', '_ncontains', '_icontains', '_nicontains', '_starts_with', '_nstarts_with', '_istarts_with',
  '_nistarts_with', '_ends_with', '_nends_with', '_iends_with', '_niends_with', '_ieq', '_nieq',
]);
const RANGE_ONLY = new Set(['_lt', '_lte', '_gt', '_gte', '_between', '_nbetween']);

export function and(parts: Sql[]): Sql {
  const kept = parts.filter((p) => p !== TRUE);
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0]!;
  return sql`(${sql.join(kept, sql` and `)})`;
}

export function or(parts: Sql[]): Sql {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql`(${sql.join(parts, sql` or `)})`;
}

/**
 * A column of an aliased table. Kysely's fragments are immutable, so each one is made once and kept:
 * parsing the reference is most of what compiling a wide select costs (30 columns on a user). The
 * names come from the collection definitions, and only the first ten of the compiler's aliases
 * (t0 to t9) are kept, so a query with many relations cannot fill the maps.
 */
export function col(alias: string, column: string): Sql {
  const key = `${alias}.${column}`;
  return kept(COLUMNS, alias, key, () => sql.ref(key));
}

/** `alias.column as column`: the select-list form of col(), kept the same way. */
export function selectedCol(alias: string, column: string): Sql {
  return kept(SELECTED, alias, `${alias}.${column}`, () => sql`${col(alias, column)} as ${sql.id(column)}`);
}

const MAX_KEPT_FRAGMENTS = 4_000;
const COLUMNS = new Map<string, Sql>();
const SELECTED = new Map<string, Sql>();

function kept(map: Map<string, Sql>, alias: string, key: string, make: () => Sql): Sql {
  if (alias.length > 2) return make();
  let fragment = map.get(key);
  if (fragment === undefined) {
    if (map.size >= MAX_KEPT_FRAGMENTS) map.clear();
    fragment = make();
    map.set(key, fragment);
  }
  return fragment;
}

/**
 * A field as the caller may see it. Where the caller's rules let them read a field only on some
 * rows (a field granted by a narrower rule, or another user's preferences), the field reads as
 * NULL elsewhere, in what is returned and in what is filtered, sorted or searched on alike.
 */
export function fieldRef(scope: CompileScope, collection: CollectionDef, alias: string, name: string, column = name): Sql {
  const raw = col(alias, column);
  if (!scope.checkAccess) return raw;
  const condition = scope.access.can(collection.name, 'read')?.fieldConditions?.get(name);
  if (!condition) return raw;
  const visible = compileFilter({ ...scope, checkAccess: false }, collection, alias, scope.resolveRule(condition));
  return sql`(case when ${visible} then ${raw} end)`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function compileFilter(scope: CompileScope, collection: CollectionDef, alias: string, filter: unknown): Sql {
  if (!isPlainObject(filter)) throw errors.invalidQuery('Filter must be an object');
  const parts: Sql[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value)) throw errors.invalidQuery(`"${key}" needs an array of filters`);
      const subs = value.map((f) => compileFilter(scope, collection, alias, f));
      parts.push(key === '_and' ? and(subs) : or(subs));
      continue;
    }
    if (key.startsWith('_')) throw errors.invalidQuery(`Unknown filter operator "${key}" at the top level`);
    parts.push(compileField(scope, collection, alias, key, value));
  }
  return and(parts);
}

function compileField(scope: CompileScope, collection: CollectionDef, alias: string, name: string, value: unknown): Sql {
  const field = getField(collection, name);
  if (!field) throw errors.invalidQuery(`"${name}" field doesn't exist in "${collection.name}"`);
  if (scope.checkAccess) {
    const access = scope.access.can(collection.name, 'read');
    if (!access || !fieldAllowed(access, name)) throw errors.forbidden();
  }
  if (!isPlainObject(value)) throw errors.invalidQuery(`Filter on "${name}" must be an object of operators`);
  const keys = Object.keys(value);
  // No condition is no condition, relational or not: `{role: {}}` must not drop users without a role.
  if (keys.length === 0) return TRUE;
  const isOperatorObject = keys.every((k) => k.startsWith('_') && k !== '_and' && k !== '_or' && k !== '_some' && k !== '_none');
  if (field.m2o && !isOperatorObject) return compileManyToOne(scope, collection, alias, name, field, value);
  if (field.o2m) return compileOneToMany(scope, collection, alias, field, value);
  return and(keys.map((op) => compileOperator(scope, collection, alias, name, field, op, value[op])));
}

/** `{role: {name: {_eq: 'x'}}}` -> `t.role in (select id from roles where name = 'x' [and rule])`. */
function compileManyToOne(outer: CompileScope, collection: CollectionDef, alias: string, name: string, field: FieldDef, filter: Filter): Sql {
  const scope = deeper(outer);
  const related = getCollection(field.m2o!)!;
  const sub = scope.nextAlias();
  const inner = compileFilter(scope, related, sub, filter);
  const rule = relatedRule(scope, related, sub);
  if (inner === TRUE && rule.length === 0) return TRUE;
  const conditions = [inner, ...rule];
  return sql`${fieldRef(scope, collection, alias, name)} in (select ${col(sub, related.primaryKey)} from ${sql.table(related.table)} as ${sql.id(sub)} where ${and(conditions)})`;
}

/** `{users: {email: {...}}}` or `{users: {_some|_none: {...}}}`: an EXISTS over the related rows. */
function compileOneToMany(outer: CompileScope, collection: CollectionDef, alias: string, field: FieldDef, filter: Filter): Sql {
  const scope = deeper(outer);
  const related = getCollection(field.o2m!.collection)!;
  let inner: unknown = filter;
  let negate = false;
  const keys = Object.keys(filter);
  if (keys.length === 1 && (keys[0] === '_some' || keys[0] === '_none')) {
    negate = keys[0] === '_none';
    inner = filter[keys[0]];
  }
  const sub = scope.nextAlias();
  const conditions = [
    sql`${col(sub, field.o2m!.field)} = ${col(alias, collection.primaryKey)}`,
    compileFilter(scope, related, sub, inner),
    ...relatedRule(scope, related, sub),
  ];
  const exists = sql`exists (select 1 from ${sql.table(related.table)} as ${sql.id(sub)} where ${and(conditions)})`;
  return negate ? sql`not ${exists}` : exists;
}

function relatedRule(scope: CompileScope, related: CollectionDef, alias: string): Sql[] {
  if (!scope.checkAccess) return [];
  const access = scope.access.can(related.name, 'read');
  if (!access) throw errors.forbidden();
  if (!access.filter) return [];
  return [compileFilter({ ...scope, checkAccess: false }, related, alias, scope.resolveRule(access.filter))];
}

function compileOperator(scope: CompileScope, collection: CollectionDef, alias: string, name: string, field: FieldDef, op: string, raw: unknown): Sql {
  if (!OPERATORS.has(op)) throw errors.invalidQuery(`Unknown filter operator "${op}"`);
  if (field.concealed && !CONCEALED_OPERATORS.has(op)) {
    throw errors.invalidQuery(`"${op}" can't be used on the concealed field "${name}"; use _null, _nnull, _empty or _nempty`);
  }
  if (field.type === 'boolean' && (TEXT_ONLY.has(op) || RANGE_ONLY.has(op))) {
    throw errors.invalidQuery(`"${op}" can't be used on the boolean field "${name}"`);
  }
  if ((field.type === 'integer' || field.type === 'timestamp') && TEXT_ONLY.has(op)) {
    throw errors.invalidQuery(`"${op}" can't be used on the ${field.type} field "${name}"`);
  }
  const c = fieldRef(scope, collection, alias, name);
  const lower = field.lowerColumn ? fieldRef(scope, collection, alias, name, field.lowerColumn) : sql`lower(${c})`;
  switch (op) {
    case '_eq':
      return raw === null ? sql`${c} is null` : sql`${c} = ${scalar(field, name, raw)}`;
    case '_neq':
      return raw === null ? sql`${c} is not null` : sql`${c} <> ${scalar(field, name, raw)}`;
    case '_ieq':
      return sql`${lower} = ${text(name, raw).toLowerCase()}`;
    case '_nieq':
      return sql`${lower} <> ${text(name, raw).toLowerCase()}`;
    case '_lt':
      return sql`${c} < ${scalar(field, name, raw)}`;
    case '_lte':
      return sql`${c} <= ${scalar(field, name, raw)}`;
    case '_gt':
      return sql`${c} > ${scalar(field, name, raw)}`;
    case '_gte':
      return sql`${c} >= ${scalar(field, name, raw)}`;
    case '_in':
    case '_nin': {
      const values = list(raw).map((v) => scalar(field, name, v));
      if (values.length === 0) return op === '_in' ? FALSE : TRUE;
      const inList = sql`${c} in (${sql.join(values.map((v) => sql`${v}`))})`;
      return op === '_in' ? inList : sql`not ${inList}`;
    }
    case '_null':
      return flag(name, op, raw) ? sql`${c} is null` : sql`${c} is not null`;
    case '_nnull':
      return flag(name, op, raw) ? sql`${c} is not null` : sql`${c} is null`;
    case '_empty':
      return flag(name, op, raw) ? empty(c, field) : sql`not ${empty(c, field)}`;
    case '_nempty':
      return flag(name, op, raw) ? sql`not ${empty(c, field)}` : empty(c, field);
    case '_between':
    case '_nbetween': {
      const bounds = list(raw);
      if (bounds.length !== 2) throw errors.invalidQuery(`"${op}" on "${name}" needs exactly two values`);
      const [lo, hi] = bounds.map((v) => scalar(field, name, v));
      const between = sql`${c} between ${lo} and ${hi}`;
      return op === '_between' ? between : sql`not ${between}`;
    }
    default:
      return likeOperator(c, lower, name, op, raw);
  }
}

function likeOperator(c: Sql, lower: Sql, name: string, op: string, raw: unknown): Sql {
  const negate = op.startsWith('_n');
  const insensitive = op.startsWith('_i') || op.startsWith('_ni');
  const kind = op.replace(/^_n?i?/, '');
  let needle = escapeLike(text(name, raw));
  if (insensitive) needle = needle.toLowerCase();
  const pattern = kind === 'contains' ? `%${needle}%` : kind === 'starts_with' ? `${needle}%` : `%${needle}`;
  const target = insensitive ? lower : c;
  const like = sql`${target} like ${pattern} escape '\\'`;
  return negate ? sql`${target} not like ${pattern} escape '\\'` : like;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function empty(c: Sql, field: FieldDef): Sql {
  return field.type === 'string' || field.type === 'text' || field.type === 'uuid' || field.type === 'json' || field.type === 'csv'
    ? sql`(${c} is null or ${c} = '')`
    : sql`${c} is null`;
}

function flag(name: string, op: string, raw: unknown): boolean {
  if (raw === true || raw === 'true' || raw === 1 || raw === '1' || raw === '' || raw === null) return true;
  if (raw === false || raw === 'false' || raw === 0 || raw === '0') return false;
  throw errors.invalidQuery(`"${op}" on "${name}" takes true or false`);
}

function list(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string') return raw === '' ? [] : raw.split(',');
  if (typeof raw === 'number' || typeof raw === 'boolean') return [raw];
  throw errors.invalidQuery('Expected a list of values');
}

function text(name: string, raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  throw errors.invalidQuery(`Expected a string for "${name}"`);
}

/** Coerces a filter value (bracket syntax gives strings) to the field's type. */
function scalar(field: FieldDef, name: string, raw: unknown): string | number | boolean {
  switch (field.type) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw errors.invalidQuery(`"${name}" needs a number`);
      return n;
    }
    case 'boolean':
      if (raw === true || raw === 'true' || raw === 1 || raw === '1') return true;
      if (raw === false || raw === 'false' || raw === 0 || raw === '0') return false;
      throw errors.invalidQuery(`"${name}" needs true or false`);
    default:
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      throw errors.invalidQuery(`"${name}" needs a string value`);
  }
}
