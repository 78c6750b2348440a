import { describe, expect, it } from 'vitest';
import type { MyPermissions } from '../api/types';
import { fieldIn, makeCan } from './permissions';
import { appearanceToScheme } from '../layout/color-scheme-sync';

const mine = {
  directus_users: {
    create: { access: 'none' },
    read: { access: 'partial', fields: ['id', 'email'], presets: null },
    update: { access: 'full', fields: ['*'], presets: null },
    delete: { access: 'none' },
  },
} as unknown as MyPermissions;

describe('what the App lets a person do (from GET /permissions/me)', () => {
  it('partial and full access count, none does not; unknown collections are none', () => {
    const can = makeCan(mine, false);
    expect(can('directus_users', 'read')).toBe(true);
    expect(can('directus_users', 'update')).toBe(true);
    expect(can('directus_users', 'create')).toBe(false);
    expect(can('directus_roles', 'read')).toBe(false);
    expect(can.admin).toBe(false);
  });

  it('the fields an action may touch', () => {
    const can = makeCan(mine, false);
    expect(can.fields('directus_users', 'read')).toEqual(['id', 'email']);
    expect(can.fields('directus_users', 'update')).toEqual(['*']);
    expect(can.fields('directus_users', 'delete')).toEqual([]);
    expect(fieldIn(['id', 'email'], 'email')).toBe(true);
    expect(fieldIn(['id', 'email'], 'title')).toBe(false);
    expect(fieldIn(['*'], 'title')).toBe(true);
  });

  it('an admin may do everything, permissions loaded or not', () => {
    const can = makeCan(undefined, true);
    expect(can('directus_settings', 'update')).toBe(true);
    expect(can.fields('directus_users', 'create')).toEqual(['*']);
  });

  it('before the permissions load, a non-admin may do nothing', () => {
    const can = makeCan(undefined, false);
    expect(can('directus_users', 'read')).toBe(false);
    expect(can.fields('directus_users', 'read')).toEqual([]);
  });
});

describe('light or dark', () => {
  it("the person's appearance wins, then the project's default, then the system", () => {
    expect(appearanceToScheme('dark', 'light')).toBe('dark');
    expect(appearanceToScheme(null, 'light')).toBe('light');
    expect(appearanceToScheme(undefined, undefined)).toBe('auto');
    expect(appearanceToScheme('auto', 'dark')).toBe('auto');
    expect(appearanceToScheme('sepia', 'nonsense')).toBe('auto');
  });
});
