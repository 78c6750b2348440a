import { describe, expect, it } from 'vitest';
import type { User } from '../api/types';
import { emptyUserValues, toFormValues, toPayload, validateEmail, validateJsonObject } from './user-form-model';

const user: User = {
  id: 'u1', first_name: 'Ada', last_name: null, email: 'ada@example.com', password: '**********', location: null, title: 'Countess',
  description: null, tags: ['math'], avatar: null, language: 'en-GB', appearance: null, theme_light: null, theme_dark: null,
  email_notifications: true, status: 'active', role: { id: 'r1', name: 'Editors' }, token: null, tfa_secret: null, last_access: null,
  provider: 'default', external_identifier: null,
};
const all = () => true;

describe('the User Detail form', () => {
  it('reads a user as form values: nulls as empty text, the role as its id, never the password', () => {
    expect(toFormValues(user)).toMatchObject({ first_name: 'Ada', last_name: '', role: 'r1', password: '', tags: ['math'], language: 'en-GB', appearance: null });
  });

  it('sends nothing when nothing changed', () => {
    const values = toFormValues(user);
    expect(toPayload(values, values, all)).toEqual({});
  });

  it('sends only what changed, emptied text as null and trimmed text', () => {
    const initial = toFormValues(user);
    const values = { ...initial, title: '', last_name: '  Lovelace ', tags: [], role: null, email_notifications: false };
    expect(toPayload(values, initial, all)).toEqual({ title: null, last_name: 'Lovelace', tags: null, role: null, email_notifications: false });
  });

  it('theme overrides: shown as JSON text, sent as objects, emptied as null; only objects pass', () => {
    const withOverrides: User = { ...user, theme_light_overrides: { primary: '#123456' }, theme_dark_overrides: null };
    const initial = toFormValues(withOverrides);
    expect(JSON.parse(initial.theme_light_overrides)).toEqual({ primary: '#123456' });
    expect(initial.theme_dark_overrides).toBe('');
    const values = { ...initial, theme_light_overrides: '', theme_dark_overrides: '{"primary": "#654321"}' };
    expect(toPayload(values, initial, all)).toEqual({ theme_light_overrides: null, theme_dark_overrides: { primary: '#654321' } });
    expect(toPayload(initial, initial, all)).toEqual({});
    expect(validateJsonObject('')).toBeNull();
    expect(validateJsonObject('{"a": 1}')).toBeNull();
    for (const bad of ['[1]', '"x"', '{broken', 'null', '3']) expect(validateJsonObject(bad), bad).toMatch(/JSON object/);
  });

  it('sends the password only when one was typed', () => {
    const initial = toFormValues(user);
    expect(toPayload({ ...initial, password: 'n3w-Passw0rd' }, initial, all)).toEqual({ password: 'n3w-Passw0rd' });
  });

  it('leaves out the fields the person may not write', () => {
    const initial = toFormValues(user);
    const values = { ...initial, title: 'Analyst', status: 'suspended' as const, role: 'r2', password: 'x' };
    expect(toPayload(values, initial, (f) => !['status', 'role', 'password'].includes(f))).toEqual({ title: 'Analyst' });
  });

  it('creates a user from the filled-in fields only', () => {
    const values = { ...emptyUserValues(), email: ' new@example.com ', first_name: 'New' };
    expect(toPayload(values, null, all)).toEqual({ email: 'new@example.com', first_name: 'New', status: 'active' });
  });

  it('asks for an email only on a new user, and a valid one always', () => {
    expect(validateEmail('', true)).toMatch(/only required field/);
    expect(validateEmail('', false)).toBeNull();
    expect(validateEmail('ada', false)).toMatch(/valid email/);
    expect(validateEmail('ada@example.com', true)).toBeNull();
  });
});
