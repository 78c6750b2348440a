// Directus query strings: the App always asks the API to filter, sort, search and page; nothing of
// that is done in the browser.

export type Filter = Record<string, unknown>;

export interface ListQuery {
  fields?: string[];
  filter?: Filter | null;
  search?: string | null;
  sort?: string[];
  limit?: number;
  page?: number;
  offset?: number;
  meta?: string[];
}

/** `{a}` alone, or `{_and: [...]}` of the non-empty parts; null when nothing filters. */
export function andFilters(...parts: (Filter | null | undefined)[]): Filter | null {
  const present = parts.filter((p): p is Filter => !!p && Object.keys(p).length > 0);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  return { _and: present };
}

export function toQueryString(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.fields?.length) params.set('fields', query.fields.join(','));
  if (query.filter && Object.keys(query.filter).length > 0) params.set('filter', JSON.stringify(query.filter));
  if (query.search && query.search.trim() !== '') params.set('search', query.search.trim());
  if (query.sort?.length) params.set('sort', query.sort.join(','));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.page !== undefined) params.set('page', String(query.page));
  if (query.offset !== undefined) params.set('offset', String(query.offset));
  if (query.meta?.length) params.set('meta', query.meta.join(','));
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface ListResponse<T> {
  data: T[];
  meta?: { filter_count?: number; total_count?: number };
}
