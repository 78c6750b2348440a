// Runs a Query against one collection: plans the fields, compiles filter, search and sort into a
// single SELECT, then loads relations with one query per relation (never one per row).
import { sql } from 'kysely';
import { errors } from '../errors.js';
import { fieldAllowed, type AccessPolicy, type CollectionAccess } from '../access/types.js';
import type { Db } from '../db/index.js';
import { getCollection, getField, type CollectionDef, type FieldDef } from './collections.js';
import { and, col, compileFilter, fieldRef, selectedCol, type CompileScope, type Sql } from './filter.js';
import { buildOrderBy, buildSearch } from './order-search.js';
import { planFields, type FieldPlan } from './fields.js';
import { readValue } from './values.js';
import { substituteVariables, type Variables } from './variables.js';
import type { Filter, Query } from './types.js';

export type Item = Record<string, unknown>;

export interface QueryContext {
  db: Db;
  access: AccessPolicy;
  variables: Variables;
  limits: { default: number; max: number };
}

export interface ReadOptions {
  /** A condition Usher adds itself (the item's id, say); not checked against what the caller may read. */
  where?: Filter;
  /** Reads of related rows are not capped by QUERY_LIMIT_MAX. */
  unlimited?: boolean;
}

export interface ReadResult {
  data: Item[];
  meta?: { total_count?: number; filter_count?: number };
}

const CHUNK = 500;
const KEY = '__usher_key';

/** The selected columns; a field the caller may see on some rows only is NULL on the others. */
function selectList(scope: CompileScope, collection: CollectionDef, alias: string, columns: Iterable<string>): Sql {
  return sql.join(
    [...columns].map((c) => {
      if (c === collection.primaryKey) return col(alias, c);
      const ref = fieldRef(scope, collection, alias, c);
      return ref === col(alias, c) ? selectedCol(alias, c) : sql`${ref} as ${sql.id(c)}`;
    }),
  );
}

export async function readItems(ctx: QueryContext, collectionName: string, query: Query, opts: ReadOptions = {}): Promise<ReadResult> {
  return compileRead(ctx, collectionName, query, opts).run(opts.where ?? null);
}

/**
 * readItems's answer as the JSON text a route sends, `JSON.stringify(await readItems(...))`: for
 * the list routes, whose pages of items are written out without being made into objects first
 * where no relation is expanded (see itemsJson).
 */
export async function readItemsJson(ctx: QueryContext, collectionName: string, query: Query, opts: ReadOptions = {}): Promise<string> {
  return compileRead(ctx, collectionName, query, opts).json(opts.where ?? null);
}

/**
 * A read compiled now and run later, narrowed then to some primary keys: the read-back of a write,
 * whose query is checked (fields, filter, rights) before the write and runs after it, once. Throws
 * now what compiling the query throws, and what the database would refuse in it: SQLite prepares
 * the statement (an expression nested too deep, say) without running it; PostgreSQL, which checks
 * values only when it runs a statement (a value that is no uuid), runs it once with no keys.
 */
export async function prepareKeyedRead(
  ctx: QueryContext,
  collectionName: string,
  query: Query,
  opts: ReadOptions = {},
): Promise<(keys: (string | number)[]) => Promise<ReadResult>> {
  const collection = requireCollection(collectionName);
  const read = compileRead(ctx, collectionName, query, opts);
  const byKeys = (keys: (string | number)[]) => ({ [collection.primaryKey]: { _in: keys } });
  if (ctx.db.prepareOnly) {
    const placeholder = collection.fields[collection.primaryKey]?.type === 'integer' ? 0 : '';
    ctx.db.prepareOnly(read.statement(byKeys([placeholder])).compile(ctx.db.kysely));
  } else {
    await read.run(byKeys([]));
  }
  return (keys) => read.run(byKeys(keys));
}

interface CompiledRead {
  /** The main SELECT as it will run, with `systemFilter` added. */
  statement(systemFilter: Filter | null): Sql;
  run(systemFilter: Filter | null): Promise<ReadResult>;
  /** What `run` gives, as the JSON text of the answer `{data, meta}`. */
  json(systemFilter: Filter | null): Promise<string>;
}

/** Everything but running: the fields planned, the filters, search and sort compiled, the rights checked. */
function compileRead(ctx: QueryContext, collectionName: string, query: Query, opts: ReadOptions): CompiledRead {
  const collection = requireCollection(collectionName);
  const access = requireAccess(ctx, collection);
  const plan = planFields(ctx.access, collection, access, query.fields ?? ['*']);
  const scope = newScope(ctx);
  const alias = scope.nextAlias();

  const ruleWhere = access.filter ? compileFilter({ ...scope, checkAccess: false }, collection, alias, scope.resolveRule(access.filter)) : null;
  const requestWhere = query.filter ? compileFilter(scope, collection, alias, requestVariables(ctx, query.filter)) : null;
  const searchWhere = query.search ? buildSearch(collection, access, alias, query.search, ctx.db.dialect) : null;
  const orderBy = buildOrderBy(scope, collection, alias, query.sort);
  const { limit, offset } = resolvePaging(ctx, query, opts);
  const columns = [...plan.selectColumns];
  const select = selectList(scope, collection, alias, columns);
  const whereWith = (systemFilter: Filter | null) => {
    const systemWhere = systemFilter ? compileFilter({ ...scope, checkAccess: false }, collection, alias, systemFilter) : null;
    return and([ruleWhere, requestWhere, searchWhere, systemWhere].filter((p): p is Sql => p !== null));
  };
  const statement = (where: Sql) =>
    paged(ctx, sql`select ${select} from ${sql.table(collection.table)} as ${sql.id(alias)} where ${where} order by ${orderBy}`, limit, offset);

  /** The rows, and the counts `meta` asks for (not for a read Usher narrowed itself). */
  const fetch = async (systemFilter: Filter | null) => {
    const where = whereWith(systemFilter);
    const rows = await selectRows(ctx, statement(where), columns);
    if (query.meta.length === 0 || systemFilter) return { rows, meta: undefined };
    const meta: NonNullable<ReadResult['meta']> = {};
    const from = sql`from ${sql.table(collection.table)} as ${sql.id(alias)}`;
    if (query.meta.includes('total_count')) {
      meta.total_count = await count(ctx, sql`select count(*) as count ${from} where ${and(ruleWhere ? [ruleWhere] : [])}`);
    }
    if (query.meta.includes('filter_count')) {
      meta.filter_count = await count(ctx, sql`select count(*) as count ${from} where ${where}`);
    }
    return { rows, meta };
  };

  return {
    statement: (systemFilter) => statement(whereWith(systemFilter)),
    run: async (systemFilter) => {
      const { rows, meta } = await fetch(systemFilter);
      const result: ReadResult = { data: await shapeRows(ctx, collection, plan, columns, rows) };
      if (meta) result.meta = meta;
      return result;
    },
    json: async (systemFilter) => {
      const { rows, meta } = await fetch(systemFilter);
      const data = itemsJson(collection, plan, columns, rows) ?? JSON.stringify(await shapeRows(ctx, collection, plan, columns, rows));
      return meta ? `{"data":${data},"meta":${JSON.stringify(meta)}}` : `{"data":${data}}`;
    },
  };
}

/** One item by primary key. Missing and unreadable answer the same 403, so ids cannot be probed. */
export async function readOne(ctx: QueryContext, collectionName: string, key: string | number, query: Query): Promise<Item> {
  const collection = requireCollection(collectionName);
  const { data } = await readItems(ctx, collectionName, { ...query, limit: 1, offset: 0, page: null, meta: [] }, {
    where: { [collection.primaryKey]: { _eq: key } },
  });
  if (data.length === 0) throw errors.forbidden();
  return data[0]!;
}

function requireCollection(name: string): CollectionDef {
  const collection = getCollection(name);
  if (!collection) throw new Error(`Unknown collection ${name}`);
  return collection;
}

function requireAccess(ctx: QueryContext, collection: CollectionDef): CollectionAccess {
  const access = ctx.access.can(collection.name, 'read');
  if (!access) throw errors.forbidden();
  return access;
}

export function newScope(ctx: QueryContext): CompileScope {
  let n = 0;
  return {
    access: ctx.access,
    checkAccess: !ctx.access.admin,
    // Row rules of related collections (relational filters and sorts) need the variables too.
    resolveRule: (rule) => resolveRule(ctx, rule),
    nextAlias: () => `t${n++}`,
  };
}

/** Permission rules see every variable, dotted ones included. */
function resolveRule(ctx: QueryContext, filter: Filter): Filter {
  return substituteVariables(filter, ctx.variables) as Filter;
}

/** Request filters get only the bare variables; dotted forms read as null (as in Directus 10). */
function requestVariables(ctx: QueryContext, filter: Filter): Filter {
  const { user, role, now } = ctx.variables;
  return substituteVariables(filter, { user, role, now }) as Filter;
}

function resolvePaging(ctx: QueryContext, query: Query, opts: ReadOptions): { limit: number | null; offset: number } {
  let limit: number | null = query.limit ?? ctx.limits.default;
  if (limit === -1) limit = opts.unlimited || ctx.limits.max === Number.MAX_SAFE_INTEGER ? null : ctx.limits.max;
  else if (!opts.unlimited && limit > ctx.limits.max) limit = ctx.limits.max;
  const offset = query.page !== null && limit !== null ? limit * (query.page - 1) : query.offset;
  if (!Number.isSafeInteger(offset)) throw errors.invalidQuery('"page" is too large');
  return { limit, offset };
}

/**
 * The limit is written into the SQL (a whole number, checked by resolvePaging), not bound: SQLite
 * plans a statement with a bound LIMIT again on every run, which costs more than the lookup itself
 * (about 30 µs against 13 µs for one user by id). The few limits in use make few statements.
 */
function paged(ctx: QueryContext, base: Sql, limit: number | null, offset: number): Sql {
  let statement = base;
  if (limit !== null) statement = sql`${statement} limit ${sql.raw(String(Math.trunc(limit)))}`;
  else if (offset > 0 && ctx.db.dialect === 'sqlite') statement = sql`${statement} limit -1`;
  if (offset > 0) statement = sql`${statement} offset ${offset}`;
  return statement;
}

/** A row as an array of the values of `columns`, in the order the statement selects them. */
type Row = unknown[];

/**
 * Runs a SELECT of exactly `columns` as arrays: on SQLite outside a transaction synchronously (see
 * Db.readArraysNow), on PostgreSQL in the driver's array mode unless the read belongs to a
 * transaction; otherwise through Kysely, its objects laid out the same way.
 */
async function selectRows(ctx: QueryContext, statement: Sql, columns: string[]): Promise<Row[]> {
  const compiled = statement.compile(ctx.db.kysely);
  const now = ctx.db.readArraysNow?.(compiled);
  if (now) return now;
  if (ctx.db.readArrays && !ctx.db.kysely.isTransaction) return ctx.db.readArrays(compiled);
  const { rows } = await ctx.db.kysely.executeQuery(compiled);
  return (rows as Item[]).map((r) => columns.map((c) => r[c]));
}

async function count(ctx: QueryContext, statement: Sql): Promise<number> {
  const { rows } = await statement.execute(ctx.db.kysely);
  return Number((rows[0] as { count: unknown }).count);
}

/** Each output field of a plan, with where its value is in a row (a one-to-many alias: the row's key). */
function outputLayout(collection: CollectionDef, plan: FieldPlan, columns: string[]): { name: string; field: FieldDef; index: number }[] {
  return plan.output.map((name) => {
    const field = collection.fields[name]!;
    return { name, field, index: columns.indexOf(field.o2m ? collection.primaryKey : name) };
  });
}

async function shapeRows(ctx: QueryContext, collection: CollectionDef, plan: FieldPlan, columns: string[], rows: Row[]): Promise<Item[]> {
  const at = (name: string) => columns.indexOf(name);
  const related = new Map<string, Map<unknown, unknown>>();
  await Promise.all([
    ...[...plan.m2o].map(async ([field, nested]) => related.set(field, await loadManyToOne(ctx, collection, field, nested, rows, at(field)))),
    ...[...plan.o2m].map(async ([field, nested]) => related.set(field, await loadOneToMany(ctx, collection, field, nested, rows, at(collection.primaryKey)))),
  ]);
  const outputs = outputLayout(collection, plan, columns).map((out) => ({ ...out, rel: related.get(out.name) }));
  return rows.map((row) => {
    const item: Item = {};
    for (const { name, field, index, rel } of outputs) {
      const raw = row[index];
      if (rel) item[name] = field.o2m ? (rel.get(raw) ?? []) : raw === null || raw === undefined ? null : (rel.get(raw) ?? null);
      else item[name] = readValue(field, raw);
    }
    return item;
  });
}

/**
 * The JSON text of the items shapeRows makes of `rows`, written from the rows directly: each value
 * read as shapeRows reads it (readValue) and written by JSON.stringify, behind its key. For a page
 * of 100 users this is a third of the time of making the objects and stringifying them (0.25 ms
 * against 0.7). Null for a plan that expands relations, or a field name JavaScript would move to
 * the front of an object (an integer like "1"): those go through the objects.
 */
function itemsJson(collection: CollectionDef, plan: FieldPlan, columns: string[], rows: Row[]): string | null {
  if (plan.m2o.size > 0 || plan.o2m.size > 0 || plan.output.some((name) => /^(0|[1-9]\d*)$/.test(name))) return null;
  // Per field: where its value is in a row, and its key as JSON text.
  const layout = outputLayout(collection, plan, columns).map((out, i) => ({ ...out, key: `${i === 0 ? '{' : ','}${JSON.stringify(out.name)}:` }));
  if (layout.length === 0) return `[${rows.map(() => '{}').join(',')}]`;
  let out = '[';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (r > 0) out += ',';
    for (const { index, field, key } of layout) {
      const value = readValue(field, row[index]);
      out += key + (typeof value === 'string' ? jsonString(value) : value === null ? 'null' : JSON.stringify(value));
    }
    out += '}';
  }
  return out + ']';
}

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters, surrogates (when unpaired). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(s), without its call for the strings it would only put quotes around (most of them). */
function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

async function loadManyToOne(ctx: QueryContext, collection: CollectionDef, field: string, nested: string[], rows: Row[], index: number): Promise<Map<unknown, unknown>> {
  const related = requireCollection(collection.fields[field]!.m2o!);
  const keys = [...new Set(rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined))];
  const byKey = new Map<unknown, unknown>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const { items, pks } = await readWithKeys(ctx, related, nested, { [related.primaryKey]: { _in: chunk } }, related.primaryKey);
    items.forEach((item, n) => byKey.set(pks[n], item));
  }
  return byKey;
}

async function loadOneToMany(ctx: QueryContext, collection: CollectionDef, field: string, nested: string[], rows: Row[], index: number): Promise<Map<unknown, unknown>> {
  const { collection: childName, field: fk } = collection.fields[field]!.o2m!;
  const child = requireCollection(childName);
  const parents = rows.map((r) => r[index]);
  const idsOnly = nested.length === 0;
  const groups = new Map<unknown, unknown[]>();
  for (let i = 0; i < parents.length; i += CHUNK) {
    const chunk = parents.slice(i, i + CHUNK);
    const { items, pks, fks } = await readWithKeys(ctx, child, idsOnly ? [child.primaryKey] : nested, { [fk]: { _in: chunk } }, fk);
    items.forEach((item, n) => {
      const list = groups.get(fks[n]) ?? [];
      list.push(idsOnly ? pks[n] : item);
      groups.set(fks[n], list);
    });
  }
  return groups;
}

/** Reads related rows, keeping their primary key and one foreign key beside the shaped items. */
async function readWithKeys(
  ctx: QueryContext,
  collection: CollectionDef,
  fields: string[],
  where: Filter,
  keyColumn: string,
): Promise<{ items: Item[]; pks: unknown[]; fks: unknown[] }> {
  const access = requireAccess(ctx, collection);
  const plan = planFields(ctx.access, collection, access, fields);
  const scope = newScope(ctx);
  const alias = scope.nextAlias();
  const rule = access.filter ? [compileFilter({ ...scope, checkAccess: false }, collection, alias, scope.resolveRule(access.filter))] : [];
  const whereSql = and([...rule, compileFilter({ ...scope, checkAccess: false }, collection, alias, where)]);
  // The key is selected as it is stored, whatever the caller may see of that field: it only groups.
  const columns = [...plan.selectColumns];
  const select = sql.join([selectList(scope, collection, alias, columns), sql`${col(alias, keyColumn)} as ${sql.id(KEY)}`]);
  const rows = await selectRows(
    ctx,
    sql`select ${select} from ${sql.table(collection.table)} as ${sql.id(alias)} where ${whereSql} order by ${col(alias, collection.primaryKey)}`,
    [...columns, KEY],
  );
  const items = await shapeRows(ctx, collection, plan, columns, rows);
  const pk = columns.indexOf(collection.primaryKey);
  return { items, pks: rows.map((r) => r[pk]), fks: rows.map((r) => r[columns.length]) };
}

export { getField };
