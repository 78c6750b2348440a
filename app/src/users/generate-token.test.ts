import { describe, expect, it } from 'vitest';
import { generateToken } from './generate-token';

describe('a generated static token', () => {
  it('is 43 URL-safe characters (256 random bits), over the 32 the server requires', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is different every time', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateToken()));
    expect(tokens.size).toBe(200);
  });

  it('uses every byte value the generator gives (no bias to a small alphabet)', () => {
    const seen = new Set(Array.from({ length: 400 }, () => generateToken()).join(''));
    expect(seen.size).toBe(64);
  });
});
