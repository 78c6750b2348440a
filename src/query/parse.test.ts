// parseQuery: raw parameters (query string or SEARCH body) -> Query, or INVALID_QUERY.
import { describe, expect, it } from 'vitest';
import { UsherError } from '../errors.js';
import { parseFilter, parseQuery } from './parse.js';
import { parseQueryString } from './querystring.js';
import { emptyQuery } from './types.js';

/** The INVALID_QUERY reason `fn` throws; fails when it throws anything else or nothing. */
function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsherError);
    expect((e as UsherError).code).toBe('INVALID_QUERY');
    expect((e as UsherError).status).toBe(400);
    return String((e as UsherError).extensions.reason);
  }
  throw new Error('expected INVALID_QUERY, nothing was thrown');
}

const fromUrl = (text: string) => parseQuery(parseQueryString(text));

describe('parseQuery', () => {
  it('gives the empty query for nothing, ignoring parameters it does not know', () => {
    expect(parseQuery({})).toEqual(emptyQuery());
    expect(parseQuery({ access_token: 'abc', foo: 'bar' })).toEqual(emptyQuery());
  });

  it('a whole query from a query string', () => {
    expect(fromUrl('fields=id,role.name&filter[status][_eq]=active&search=bob&sort=-email,id&limit=10&offset=5&page=2&meta=*')).toEqual({
      fields: ['id', 'role.name'],
      filter: { status: { _eq: 'active' } },
      search: 'bob',
      sort: ['-email', 'id'],
      limit: 10,
      offset: 5,
      page: 2,
      meta: ['total_count', 'filter_count'],
    });
  });

  describe('fields and sort', () => {
    it('split CSV, trim, and drop empty parts', () => {
      expect(parseQuery({ fields: ' id , email,,' }).fields).toEqual(['id', 'email']);
      expect(parseQuery({ sort: '-email, id' }).sort).toEqual(['-email', 'id']);
    });
    it('an empty fields list is the default', () => {
      expect(parseQuery({ fields: '' }).fields).toBeNull();
      expect(parseQuery({ fields: ' , ' }).fields).toBeNull();
      expect(parseQuery({ fields: [] }).fields).toBeNull();
    });
    it('take arrays, each item possibly CSV', () => {
      expect(parseQuery({ fields: ['id', 'email,status'] }).fields).toEqual(['id', 'email', 'status']);
      expect(fromUrl('sort[]=-email&sort[]=id').sort).toEqual(['-email', 'id']);
    });
    it('refuse anything but strings', () => {
      expect(reason(() => parseQuery({ fields: [1] }))).toContain('"fields"');
      expect(reason(() => parseQuery({ sort: { a: 'b' } }))).toContain('"sort"');
      expect(reason(() => fromUrl('fields[a]=b'))).toContain('"fields"');
    });
  });

  describe('filter', () => {
    it('parses the JSON form', () => {
      expect(parseFilter('{"_or":[{"a":{"_eq":1}}]}')).toEqual({ _or: [{ a: { _eq: 1 } }] });
    });
    it('takes the bracket form as it is', () => {
      expect(fromUrl('filter[a][_in][]=x').filter).toEqual({ a: { _in: ['x'] } });
    });
    it('treats an empty string and JSON null as no filter', () => {
      expect(parseFilter('')).toBeNull();
      expect(parseFilter('  ')).toBeNull();
      expect(parseFilter('null')).toBeNull();
      expect(parseFilter(null)).toBeNull();
    });
    it('refuses invalid JSON with Directus’s message', () => {
      expect(reason(() => parseFilter('{"a":'))).toBe('Invalid JSON for filter object');
      expect(reason(() => parseFilter("{'a':1}"))).toBe('Invalid JSON for filter object');
    });
    it('refuses anything but an object', () => {
      for (const bad of ['[1]', '"a"', '5', 'true']) expect(reason(() => parseFilter(bad)), bad).toBe('Filter must be an object');
      expect(reason(() => parseFilter(['a']))).toBe('Filter must be an object');
      expect(reason(() => fromUrl('filter[0]=a'))).toBe('Filter must be an object');
    });
  });

  describe('search', () => {
    it('keeps the term as given', () => {
      expect(parseQuery({ search: ' Élodie ' }).search).toBe(' Élodie ');
    });
    it('treats an empty term as none', () => {
      expect(parseQuery({ search: '' }).search).toBeNull();
    });
    it('refuses anything but a string', () => {
      expect(reason(() => parseQuery({ search: ['a', 'b'] }))).toContain('"search"');
      expect(reason(() => parseQuery({ search: 5 }))).toContain('"search"');
    });
  });

  describe('limit, offset and page', () => {
    it.each([
      [{ limit: '25' }, { limit: 25 }],
      [{ limit: '-1' }, { limit: -1 }],
      [{ limit: '0' }, { limit: 0 }],
      [{ limit: 7 }, { limit: 7 }],
      [{ limit: ' 3 ' }, { limit: 3 }],
      [{ offset: '0' }, { offset: 0 }],
      [{ offset: 40 }, { offset: 40 }],
      [{ page: '1' }, { page: 1 }],
      [{ page: 3 }, { page: 3 }],
      [{ limit: String(Number.MAX_SAFE_INTEGER) }, { limit: Number.MAX_SAFE_INTEGER }],
    ])('%o', (raw, expected) => {
      expect(parseQuery(raw)).toMatchObject(expected);
    });
    it.each([
      ['limit', '-2'], ['limit', 'ten'], ['limit', '1.5'], ['limit', 1.5], ['limit', '1e3'], ['limit', ''], ['limit', ['1', '2']],
      ['limit', '99999999999999999999'], ['limit', true], ['offset', '-1'], ['offset', 'x'], ['offset', '9007199254740992'],
      ['page', '0'], ['page', '-3'], ['page', '2.0'], ['page', '0x10'], ['page', Infinity], ['page', NaN],
    ])('%s=%o is refused', (name, value) => {
      expect(reason(() => parseQuery({ [name]: value }))).toContain(`"${name}"`);
    });
  });

  describe('meta', () => {
    it.each([
      ['total_count', ['total_count']],
      ['filter_count', ['filter_count']],
      ['*', ['total_count', 'filter_count']],
      ['filter_count,total_count', ['filter_count', 'total_count']],
      ['total_count,*', ['total_count', 'filter_count']],
      ['', []],
    ])('%s', (meta, expected) => {
      expect(parseQuery({ meta }).meta).toEqual(expected);
    });
    it('refuses anything else', () => {
      expect(reason(() => parseQuery({ meta: 'count' }))).toContain('"count"');
      expect(reason(() => parseQuery({ meta: ['total_count', 'x'] }))).toContain('"x"');
    });
  });

  it.each(['filter[email][_eq', 'filter[a]b', 'fields[', 'sort[]x', 'aggregate[count'])('refuses the malformed key %s', (key) => {
    expect(reason(() => fromUrl(`${key}=x`))).toContain('Malformed parameter');
  });

  it.each(['aggregate', 'groupBy', 'deep', 'alias', 'export', 'version', 'backlink'])('refuses the unsupported "%s"', (key) => {
    expect(reason(() => parseQuery({ [key]: 'x' }))).toContain(`"${key}"`);
  });
});
