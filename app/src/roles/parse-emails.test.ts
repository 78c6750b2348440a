import { describe, expect, it } from 'vitest';
import { parseEmailList } from './parse-emails';

describe('the Invite Users address list', () => {
  it('splits on commas, semicolons, spaces and new lines', () => {
    expect(parseEmailList('ada@example.com, grace@example.com;linus@example.org\nken@example.net  dmr@example.net')).toEqual({
      emails: ['ada@example.com', 'grace@example.com', 'linus@example.org', 'ken@example.net', 'dmr@example.net'],
      invalid: [],
    });
  });

  it('drops empty parts and repeats (whatever their case), keeping the first spelling', () => {
    expect(parseEmailList(' , Ada@Example.com,,ada@example.com , ')).toEqual({ emails: ['Ada@Example.com'], invalid: [] });
  });

  it('lists what is not an address, once each', () => {
    expect(parseEmailList('ada@example.com, ada, bob@, @example.com, ada')).toEqual({
      emails: ['ada@example.com'],
      invalid: ['ada', 'bob@', '@example.com'],
    });
  });

  it('accepts an address pasted as <name@host>', () => {
    expect(parseEmailList('<ada@example.com>').emails).toEqual(['ada@example.com']);
  });

  it('finds nothing in blank text', () => {
    expect(parseEmailList('  \n ')).toEqual({ emails: [], invalid: [] });
  });
});
