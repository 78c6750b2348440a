import { describe, expect, it } from 'vitest';
import type { PermissionRow } from '../api/types';
import { cellState, checkFilter, conditionKey, fieldsValue, selectedFields } from './permission-model';

const row = (over: Partial<PermissionRow>): PermissionRow => ({
  id: 1, role: 'r', collection: 'directus_users', action: 'read', permissions: {}, validation: null, presets: null, fields: ['*'], ...over,
});

describe('a permission cell', () => {
  it('is None without a rule, All with every field and no filter, Custom otherwise', () => {
    expect(cellState([], 'directus_users', 'read')).toBe('none');
    expect(cellState([row({})], 'directus_users', 'read')).toBe('all');
    expect(cellState([row({ permissions: null })], 'directus_users', 'read')).toBe('all');
    expect(cellState([row({ fields: ['id', 'email'] })], 'directus_users', 'read')).toBe('custom');
    expect(cellState([row({ permissions: { status: { _eq: 'active' } } })], 'directus_users', 'read')).toBe('custom');
    expect(cellState([row({ validation: { email: { _nnull: true } } })], 'directus_users', 'read')).toBe('custom');
    expect(cellState([row({ fields: null })], 'directus_users', 'read')).toBe('custom');
  });

  it('looks only at its own collection and action', () => {
    expect(cellState([row({ action: 'update' })], 'directus_users', 'read')).toBe('none');
    expect(cellState([row({ collection: 'directus_roles' })], 'directus_users', 'read')).toBe('none');
  });

  it('filters rows on create through validation, on the others through permissions', () => {
    expect(conditionKey('create')).toBe('validation');
    expect(conditionKey('read')).toBe('permissions');
    expect(conditionKey('delete')).toBe('permissions');
  });
});

describe('the field checklist', () => {
  const all = ['id', 'email', 'status'];
  it('stores every field as *', () => {
    expect(fieldsValue(['status', 'email', 'id'], all)).toEqual(['*']);
    expect(fieldsValue(['status', 'id'], all)).toEqual(['id', 'status']);
    expect(fieldsValue([], all)).toEqual([]);
  });
  it('reads * as every field', () => {
    expect(selectedFields(row({ fields: ['*'] }), all)).toEqual(all);
    expect(selectedFields(row({ fields: ['status', 'nope'] }), all)).toEqual(['status']);
    expect(selectedFields(undefined, all)).toEqual([]);
  });
});

describe('the row filter editor', () => {
  const ok = (text: string) => checkFilter(text, 'directus_users');
  const error = (text: string) => {
    const r = checkFilter(text, 'directus_users');
    return r.ok ? null : r.error;
  };

  it('accepts no filter at all', () => {
    expect(ok('')).toEqual({ ok: true, value: null });
    expect(ok('  ')).toEqual({ ok: true, value: null });
    expect(ok('{}')).toEqual({ ok: true, value: null });
  });

  it('accepts filters on fields, through relations, with logic and variables', () => {
    const filter = {
      _and: [
        { status: { _in: ['active', 'invited'] } },
        { _or: [{ id: { _eq: '$CURRENT_USER' } }, { role: { name: { _icontains: 'edit' } } }] },
        { last_access: { _between: ['$NOW(-7 days)', '$NOW'] } },
        { email: { _null: false } },
      ],
    };
    expect(ok(JSON.stringify(filter))).toEqual({ ok: true, value: filter });
  });

  it('refuses what is not JSON, or not an object', () => {
    expect(error('{status: active}')).toMatch(/^Not valid JSON/);
    expect(error('[1, 2]')).toMatch(/must be a JSON object/);
    expect(error('"active"')).toMatch(/must be a JSON object/);
    expect(error('null')).toMatch(/must be a JSON object/);
  });

  it('names an unknown field, through relations too', () => {
    expect(error('{"nickname": {"_eq": "x"}}')).toBe('"nickname" is not a field of users (directus_users).');
    expect(error('{"role": {"title": {"_eq": "x"}}}')).toBe('"title" is not a field of roles (directus_roles).');
    expect(error('{"email": {"domain": {"_eq": "x"}}}')).toMatch(/"email" is not a relation/);
  });

  it('names an unknown operator or a value of the wrong shape', () => {
    expect(error('{"status": {"_equals": "active"}}')).toMatch(/"_equals" is not a filter operator/);
    expect(error('{"_not": {"status": {"_eq": "a"}}}')).toMatch(/"_not" is not allowed here/);
    expect(error('{"status": "active"}')).toMatch(/needs an operator/);
    expect(error('{"status": {}}')).toMatch(/needs an operator/);
    expect(error('{"status": {"_in": 5}}')).toMatch(/needs a list/);
    expect(error('{"last_access": {"_between": ["2020-01-01"]}}')).toMatch(/needs two values/);
    expect(error('{"email": {"_null": "maybe"}}')).toMatch(/needs true or false/);
    expect(error('{"status": {"_eq": {"a": 1}}}')).toMatch(/needs a value, not an object/);
    expect(error('{"_and": {"status": {"_eq": "a"}}}')).toMatch(/must be a list of filter objects/);
    expect(error('{"_or": [{"status": {"_eq": "a"}}, {"bogus": {"_eq": 1}}]}')).toMatch(/"bogus" is not a field/);
  });
});
