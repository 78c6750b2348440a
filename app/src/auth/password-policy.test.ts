import { describe, expect, it } from 'vitest';
import { compilePolicy, describePolicy, GENERIC_HINT, passwordPolicy } from './password-policy';

// Directus's two presets, as its settings page offers them.
const MIN_8 = '/^.{8,}$/';
const STRONG = "/(?=^.{8,}$)(?=.*\\d)(?=.*[A-Z])(?=.*[a-z])(?=.*[!@#$%^&*()_+}{';'?>.<,])(?!.*\\s).*$/";

describe('the password policy in words', () => {
  it('no policy: the generic advice, and every password passes here (the server decides)', () => {
    expect(describePolicy(null)).toBe(GENERIC_HINT);
    expect(passwordPolicy(null).check('x')).toBe(true);
  });

  it("Directus's minimum-length preset", () => {
    expect(describePolicy(MIN_8)).toBe('Use at least 8 characters.');
    expect(passwordPolicy(MIN_8).check('1234567')).toBe(false);
    expect(passwordPolicy(MIN_8).check('12345678')).toBe(true);
  });

  it("Directus's strong preset", () => {
    expect(describePolicy(STRONG)).toBe('Use at least 8 characters, a digit, an uppercase letter, a lowercase letter and a symbol, with no spaces.');
    const p = passwordPolicy(STRONG);
    expect(p.check('Abcdefg1!')).toBe(true);
    expect(p.check('abcdefg1!')).toBe(false);
    expect(p.check('Abcd efg1!')).toBe(false);
  });

  it('a range of lengths, and a bare pattern without slashes', () => {
    expect(describePolicy('^.{12,64}$')).toBe('Use 12 to 64 characters.');
    expect(passwordPolicy('^.{12,64}$').check('a'.repeat(12))).toBe(true);
  });

  it('anything else: the pattern itself, so nothing it asks is left unsaid', () => {
    expect(describePolicy('/^[a-z]+-[0-9]{4}$/')).toBe("It must match the project's password policy: /^[a-z]+-[0-9]{4}$/");
    expect(describePolicy('/(?=.*\\d).{10,}(?=.*q)/')).toContain("project's password policy");
  });

  it('a broken pattern is no policy here (the settings endpoint refuses such patterns)', () => {
    expect(compilePolicy('/([a-z/')).toBeNull();
    expect(describePolicy('/([a-z/')).toBe(GENERIC_HINT);
  });

  it('flags are kept (case-insensitive policies), g and y dropped', () => {
    expect(passwordPolicy('/^secret-/i').check('SECRET-x')).toBe(true);
    expect(compilePolicy('/a/gy')!.flags).toBe('');
  });
});
