import { describe, expect, it } from 'vitest';
import { toQueryString } from '../api/query';
import { buildUsersQuery, DEFAULT_STATE, listFilter, NO_ROLE, parseListState, serializeListState, toggleSort, updateListState, type ListState } from './list-state';

const ROLE = '0b5f3c4e-1111-4111-8111-123456789abc';
const parse = (q: string) => parseListState(new URLSearchParams(q));

describe('the User Library state in the URL', () => {
  it('reads an empty URL as the default list', () => {
    expect(parse('')).toEqual(DEFAULT_STATE);
  });

  it('reads every part', () => {
    expect(parse(`q=ada&status=suspended&role=${ROLE}&sort=-last_access&page=3&archived=1`)).toEqual({
      search: 'ada',
      status: 'suspended',
      role: ROLE,
      sort: { column: 'last_access', desc: true },
      page: 3,
      showArchived: true,
    });
  });

  it.each([
    ['status=deleted', { status: null }],
    ['role=robert', { role: null }],
    ['role=none', { role: NO_ROLE }],
    ['sort=password', { sort: DEFAULT_STATE.sort }],
    ['sort=-tfa_secret', { sort: DEFAULT_STATE.sort }],
    ['page=0', { page: 1 }],
    ['page=-2', { page: 1 }],
    ['page=2.5', { page: 1 }],
    ['page=abc', { page: 1 }],
    ['archived=yes', { showArchived: false }],
  ])('falls back to the default for a malformed %s', (q, expected) => {
    expect(parse(q)).toMatchObject(expected);
  });

  it('writes only what differs from the default, and reads back the same state', () => {
    expect(serializeListState(DEFAULT_STATE).toString()).toBe('');
    const state: ListState = { search: 'grace hopper', status: 'active', role: NO_ROLE, sort: { column: 'name', desc: false }, page: 2, showArchived: true };
    const url = serializeListState(state);
    expect(url.toString()).toBe('q=grace+hopper&status=active&role=none&sort=name&page=2&archived=1');
    expect(parseListState(url)).toEqual(state);
  });

  it('starts again at page 1 when anything but the page changes', () => {
    const onPage3 = { ...DEFAULT_STATE, page: 3 };
    expect(updateListState(onPage3, { search: 'x' }).page).toBe(1);
    expect(updateListState(onPage3, { showArchived: true }).page).toBe(1);
    expect(updateListState(onPage3, { page: 4 }).page).toBe(4);
  });

  it('sorts ascending by a new column and flips the direction on the same one', () => {
    const byName = toggleSort({ ...DEFAULT_STATE, page: 2 }, 'name');
    expect(byName.sort).toEqual({ column: 'name', desc: false });
    expect(byName.page).toBe(1);
    expect(toggleSort(byName, 'name').sort).toEqual({ column: 'name', desc: true });
    expect(toggleSort(toggleSort(byName, 'name'), 'name').sort).toEqual({ column: 'name', desc: false });
  });
});

describe('the User Library query', () => {
  it('hides archived users unless asked', () => {
    expect(listFilter(DEFAULT_STATE)).toEqual({ status: { _neq: 'archived' } });
    expect(listFilter({ ...DEFAULT_STATE, showArchived: true })).toBeNull();
  });

  it('lets a status filter decide, archived included', () => {
    expect(listFilter({ ...DEFAULT_STATE, status: 'archived' })).toEqual({ status: { _eq: 'archived' } });
  });

  it('combines status and role', () => {
    expect(listFilter({ ...DEFAULT_STATE, role: ROLE })).toEqual({ _and: [{ status: { _neq: 'archived' } }, { role: { _eq: ROLE } }] });
    expect(listFilter({ ...DEFAULT_STATE, showArchived: true, role: NO_ROLE })).toEqual({ role: { _null: true } });
  });

  it('asks for 25 rows of the needed fields, the filter count, and a stable order', () => {
    const query = buildUsersQuery({ ...DEFAULT_STATE, search: '  ada ', sort: { column: 'role', desc: true }, page: 2 });
    expect(query).toEqual({
      fields: ['id', 'first_name', 'last_name', 'email', 'avatar', 'status', 'last_access', 'role.id', 'role.name'],
      filter: { status: { _neq: 'archived' } },
      search: 'ada',
      sort: ['-role.name', 'id'],
      limit: 25,
      page: 2,
      meta: ['filter_count'],
    });
    expect(buildUsersQuery({ ...DEFAULT_STATE, sort: { column: 'name', desc: false } }).sort).toEqual(['first_name', 'last_name', 'id']);
    expect(buildUsersQuery(DEFAULT_STATE).sort).toEqual(['email']);
  });

  it('becomes the query string the API reads', () => {
    const qs = toQueryString(buildUsersQuery({ ...DEFAULT_STATE, search: 'a&b' }));
    const params = new URLSearchParams(qs.slice(1));
    expect(params.get('search')).toBe('a&b');
    expect(JSON.parse(params.get('filter')!)).toEqual({ status: { _neq: 'archived' } });
    expect(params.get('limit')).toBe('25');
    expect(params.get('meta')).toBe('filter_count');
    expect(params.get('fields')).toBe('id,first_name,last_name,email,avatar,status,last_access,role.id,role.name');
  });
});
