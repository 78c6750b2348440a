// The bracket-syntax query-string parser Fastify uses for every request.
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueryString } from './querystring.js';

describe('parseQueryString', () => {
  it('reads plain pairs and decodes them', () => {
    expect(parseQueryString('a=1&b=two%20words&c=x+y&d=%C3%89lodie')).toEqual({ a: '1', b: 'two words', c: 'x y', d: 'Élodie' });
  });

  it('gives an empty object for nothing', () => {
    expect(parseQueryString('')).toEqual({});
  });

  it('keeps a key without a value as an empty string', () => {
    expect(parseQueryString('filter[a][_null]&b')).toEqual({ filter: { a: { _null: '' } }, b: '' });
  });

  it('nests brackets', () => {
    expect(parseQueryString('filter[status][_eq]=active&filter[role][name][_eq]=Editors')).toEqual({
      filter: { status: { _eq: 'active' }, role: { name: { _eq: 'Editors' } } },
    });
  });

  it('reads encoded brackets as brackets', () => {
    expect(parseQueryString('filter%5Bemail%5D%5B_eq%5D=a%40b.c')).toEqual({ filter: { email: { _eq: 'a@b.c' } } });
  });

  it('makes arrays from key[]', () => {
    expect(parseQueryString('fields[]=id')).toEqual({ fields: ['id'] });
    expect(parseQueryString('fields[]=id&fields[]=email')).toEqual({ fields: ['id', 'email'] });
    expect(parseQueryString('filter[status][_in][]=a&filter[status][_in][]=b')).toEqual({ filter: { status: { _in: ['a', 'b'] } } });
  });

  it('makes arrays from repeated keys, mixed with key[]', () => {
    expect(parseQueryString('a=1&a=2&a=3')).toEqual({ a: ['1', '2', '3'] });
    expect(parseQueryString('fields=id&fields[]=email')).toEqual({ fields: ['id', 'email'] });
    expect(parseQueryString('fields[]=id&fields=email')).toEqual({ fields: ['id', 'email'] });
  });

  it('makes arrays from contiguous indexes, whatever their order', () => {
    expect(parseQueryString('filter[_or][0][a][_eq]=1&filter[_or][1][b][_eq]=2')).toEqual({
      filter: { _or: [{ a: { _eq: '1' } }, { b: { _eq: '2' } }] },
    });
    expect(parseQueryString('x[1]=b&x[0]=a&x[2]=c')).toEqual({ x: ['a', 'b', 'c'] });
    expect(parseQueryString('f[_or][0][_and][0][a][_eq]=1&f[_or][0][_and][1][b][_eq]=2')).toEqual({
      f: { _or: [{ _and: [{ a: { _eq: '1' } }, { b: { _eq: '2' } }] }] },
    });
  });

  it('keeps objects when indexes have gaps or do not start at 0', () => {
    expect(parseQueryString('x[1]=a')).toEqual({ x: { 1: 'a' } });
    expect(parseQueryString('x[0]=a&x[2]=b')).toEqual({ x: { 0: 'a', 2: 'b' } });
    expect(parseQueryString('x[0]=a&x[b]=c')).toEqual({ x: { 0: 'a', b: 'c' } });
  });

  it('keeps malformed keys whole', () => {
    expect(parseQueryString('a[b=1')).toEqual({ 'a[b': '1' });
    expect(parseQueryString('[a]=1')).toEqual({ '[a]': '1' });
    expect(parseQueryString('a[b]c=1')).toEqual({ 'a[b]c': '1' });
    expect(parseQueryString('a[b]]=1')).toEqual({ 'a[b]]': '1' });
  });

  it('keeps values with brackets, commas and JSON as they are', () => {
    expect(parseQueryString(`filter=${encodeURIComponent('{"a":{"_in":["x","y"]}}')}&sort=-a,b`)).toEqual({
      filter: '{"a":{"_in":["x","y"]}}',
      sort: '-a,b',
    });
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      // Undo any damage so that one failure does not spread to other tests.
      for (const key of ['polluted', 'x']) delete (Object.prototype as Record<string, unknown>)[key];
    });

    it.each([
      '__proto__[polluted]=1',
      'a[__proto__][polluted]=1',
      'filter[__proto__][polluted][_eq]=1',
      'constructor[prototype][polluted]=1',
      'a[constructor][prototype][polluted]=1',
      'filter[_or][__proto__][polluted]=1',
      '__proto__[]=1',
      'a[prototype][polluted]=1',
    ])('%s is ignored', (text) => {
      const parsed = parseQueryString(`${text}&keep=yes`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(JSON.stringify(parsed)).not.toContain('polluted');
      expect(parsed.keep).toBe('yes');
    });

    it('__proto__ as a plain key is ignored', () => {
      const parsed = parseQueryString('__proto__=x&constructor=y&prototype=z');
      expect(Object.keys(parsed)).toEqual([]);
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    });

    it('names that exist on Object.prototype are plain keys, not inherited values', () => {
      expect(parseQueryString('toString=x')).toEqual({ toString: 'x' });
      expect(parseQueryString('a[hasOwnProperty]=1&a[valueOf]=2')).toEqual({ a: { hasOwnProperty: '1', valueOf: '2' } });
      expect(parseQueryString('filter[toString][_eq]=x')).toEqual({ filter: { toString: { _eq: 'x' } } });
      expect(parseQueryString('fields[isPrototypeOf][]=x')).toEqual({ fields: { isPrototypeOf: ['x'] } });
    });
  });
});
