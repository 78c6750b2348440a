// Turns the raw query (from the query string, or the body of a SEARCH request) into a Query,
// rejecting malformed parameters with INVALID_QUERY before anything touches the database.
import { errors } from '../errors.js';
import { emptyQuery, type Filter, type MetaKey, type Query } from './types.js';

const UNSUPPORTED = ['aggregate', 'groupBy', 'deep', 'alias', 'export', 'version', 'backlink'];
const KNOWN = ['fields', 'filter', 'search', 'sort', 'limit', 'offset', 'page', 'meta', ...UNSUPPORTED];

export function parseQuery(raw: Record<string, unknown>): Query {
  const q = emptyQuery();
  for (const key of Object.keys(raw)) {
    // A bracket key the parser could not split (`filter[email][_eq=x`) would otherwise be ignored,
    // and a mistyped filter would quietly answer every row.
    if (KNOWN.some((name) => key.startsWith(`${name}[`))) throw errors.invalidQuery(`Malformed parameter "${key}"`);
  }
  for (const key of UNSUPPORTED) {
    if (raw[key] !== undefined) throw errors.invalidQuery(`"${key}" is not supported by Usher`);
  }
  if (raw.fields !== undefined) {
    // `fields=` (nothing named) is the default, as in Directus, not items without fields.
    const fields = parseList('fields', raw.fields);
    q.fields = fields.length > 0 ? fields : null;
  }
  if (raw.filter !== undefined) q.filter = parseFilter(raw.filter);
  if (raw.search !== undefined) {
    if (typeof raw.search !== 'string') throw errors.invalidQuery('"search" must be a string');
    q.search = raw.search === '' ? null : raw.search;
  }
  if (raw.sort !== undefined) q.sort = parseList('sort', raw.sort);
  if (raw.limit !== undefined) q.limit = parseInteger('limit', raw.limit, -1);
  if (raw.offset !== undefined) q.offset = parseInteger('offset', raw.offset, 0);
  if (raw.page !== undefined) q.page = parseInteger('page', raw.page, 1);
  if (raw.meta !== undefined) q.meta = parseMeta(raw.meta);
  return q;
}

function parseList(name: string, value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw errors.invalidQuery(`"${name}" must be a comma-separated string or an array of strings`);
    for (const part of item.split(',')) {
      const trimmed = part.trim();
      if (trimmed) out.push(trimmed);
    }
  }
  return out;
}

export function parseFilter(value: unknown): Filter | null {
  let filter = value;
  if (typeof filter === 'string') {
    if (filter.trim() === '') return null;
    try {
      filter = JSON.parse(filter);
    } catch {
      throw errors.invalidQuery('Invalid JSON for filter object');
    }
  }
  if (filter === null) return null;
  if (typeof filter !== 'object' || Array.isArray(filter)) throw errors.invalidQuery('Filter must be an object');
  return filter as Filter;
}

function parseInteger(name: string, value: unknown, min: number): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text.trim())) throw errors.invalidQuery(`"${name}" has to be an integer`);
  const n = Number(text);
  // Past 2^53 a number is no longer exact, and the database refuses it (a 500) or rounds it.
  if (!Number.isSafeInteger(n)) throw errors.invalidQuery(`"${name}" is too large`);
  if (n < min) throw errors.invalidQuery(`"${name}" has to be at least ${min}`);
  return n;
}

function parseMeta(value: unknown): MetaKey[] {
  const parts = parseList('meta', value);
  const out = new Set<MetaKey>();
  for (const p of parts) {
    if (p === '*') {
      out.add('total_count');
      out.add('filter_count');
    } else if (p === 'total_count' || p === 'filter_count') out.add(p);
    else throw errors.invalidQuery(`"meta" accepts total_count, filter_count or *, not "${p}"`);
  }
  return [...out];
}
