// The Directus query language as Usher understands it (reference §5.1).

/** A filter object: `{field: {_op: value}}`, `{relation: {field: ...}}`, `{_and: [...]}`, `{_or: [...]}`. */
export type Filter = { [key: string]: unknown };

export type MetaKey = 'total_count' | 'filter_count';

export interface Query {
  /** Requested field paths (`*`, `role.name`, `role.*`); null means `*`. */
  fields: string[] | null;
  filter: Filter | null;
  search: string | null;
  /** Field paths, `-` prefix for descending; null means by primary key. */
  sort: string[] | null;
  /** -1 means every row (still capped by QUERY_LIMIT_MAX). */
  limit: number | null;
  offset: number;
  page: number | null;
  meta: MetaKey[];
}

export function emptyQuery(): Query {
  return { fields: null, filter: null, search: null, sort: null, limit: null, offset: 0, page: null, meta: [] };
}
