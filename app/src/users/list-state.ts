// The User Library's state lives in the URL (?q=&status=&role=&sort=&page=&archived=1), so a
// reload, the back button or a shared link shows the same list. This turns it into the API query.
import { andFilters, type Filter, type ListQuery } from '../api/query';
import { USER_STATUSES, type UserStatus } from '../api/types';

export const PAGE_SIZE = 25;

export const SORTABLE = ['name', 'email', 'role', 'status', 'last_access'] as const;
export type SortColumn = (typeof SORTABLE)[number];

/** `role` as a role id, or NO_ROLE for users without one. */
export const NO_ROLE = 'none';

export interface ListState {
  search: string;
  status: UserStatus | null;
  role: string | null;
  sort: { column: SortColumn; desc: boolean };
  page: number;
  showArchived: boolean;
}

export const DEFAULT_STATE: ListState = {
  search: '',
  status: null,
  role: null,
  sort: { column: 'email', desc: false },
  page: 1,
  showArchived: false,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the state from the URL; anything malformed falls back to the default rather than failing. */
export function parseListState(params: URLSearchParams): ListState {
  const status = params.get('status');
  const role = params.get('role');
  const sortRaw = params.get('sort') ?? '';
  const desc = sortRaw.startsWith('-');
  const column = (desc ? sortRaw.slice(1) : sortRaw) as SortColumn;
  const page = Number(params.get('page'));
  return {
    search: params.get('q') ?? '',
    status: status && (USER_STATUSES as readonly string[]).includes(status) ? (status as UserStatus) : null,
    role: role && (role === NO_ROLE || UUID.test(role)) ? role : null,
    sort: SORTABLE.includes(column) ? { column, desc } : DEFAULT_STATE.sort,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    showArchived: params.get('archived') === '1',
  };
}

/** Writes the state back, leaving defaults out so the URL stays short. */
export function serializeListState(state: ListState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search.trim()) params.set('q', state.search);
  if (state.status) params.set('status', state.status);
  if (state.role) params.set('role', state.role);
  const { column, desc } = state.sort;
  if (column !== DEFAULT_STATE.sort.column || desc !== DEFAULT_STATE.sort.desc) params.set('sort', `${desc ? '-' : ''}${column}`);
  if (state.page > 1) params.set('page', String(state.page));
  if (state.showArchived) params.set('archived', '1');
  return params;
}

/** Changing anything but the page starts again at page 1. */
export function updateListState(state: ListState, change: Partial<ListState>): ListState {
  const next = { ...state, ...change };
  if (!('page' in change)) next.page = 1;
  return next;
}

/** A click on a column header: sort by it ascending, or flip the direction when it already sorts. */
export function toggleSort(state: ListState, column: SortColumn): ListState {
  const desc = state.sort.column === column ? !state.sort.desc : false;
  return updateListState(state, { sort: { column, desc } });
}

const SORT_FIELDS: Record<SortColumn, string[]> = {
  name: ['first_name', 'last_name'],
  email: ['email'],
  role: ['role.name'],
  status: ['status'],
  last_access: ['last_access'],
};

/** Only what the table shows. */
export const LIST_FIELDS = ['id', 'first_name', 'last_name', 'email', 'avatar', 'status', 'last_access', 'role.id', 'role.name'];

export function listFilter(state: ListState): Filter | null {
  const status: Filter | null = state.status
    ? { status: { _eq: state.status } }
    : state.showArchived
      ? null
      : { status: { _neq: 'archived' } };
  const role: Filter | null = state.role === NO_ROLE ? { role: { _null: true } } : state.role ? { role: { _eq: state.role } } : null;
  return andFilters(status, role);
}

export function buildUsersQuery(state: ListState, pageSize = PAGE_SIZE): ListQuery {
  const sort = SORT_FIELDS[state.sort.column].map((f) => (state.sort.desc ? `-${f}` : f));
  // A unique last key keeps pages stable when many rows share a value (same status, same role).
  if (state.sort.column !== 'email') sort.push('id');
  return {
    fields: LIST_FIELDS,
    filter: listFilter(state),
    search: state.search.trim() || null,
    sort,
    limit: pageSize,
    page: state.page,
    meta: ['filter_count'],
  };
}
