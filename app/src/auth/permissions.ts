// What the signed-in person may do, from GET /permissions/me: the App hides or disables the rest.
import type { Action, MyPermissions } from '../api/types';
import { useSession } from './session';

export interface Can {
  admin: boolean;
  /** Any access at all (full or partial) to `action` on `collection`. */
  (collection: string, action: Action): boolean;
  /** The fields `action` may touch ('*' for all). */
  fields(collection: string, action: Action): string[];
}

export function makeCan(permissions: MyPermissions | undefined, admin: boolean): Can {
  const can = ((collection: string, action: Action) => {
    if (admin) return true;
    const access = permissions?.[collection]?.[action]?.access;
    return access === 'full' || access === 'partial';
  }) as Can;
  can.admin = admin;
  can.fields = (collection, action) => {
    if (admin) return ['*'];
    const entry = permissions?.[collection]?.[action];
    if (!entry || entry.access === 'none') return [];
    return entry.fields ?? [];
  };
  return can;
}

export function useCan(): Can {
  const { me, permissions } = useSession();
  return makeCan(permissions, !!me?.role?.admin_access);
}

/** True when `field` is among `fields` (or fields is ['*']). */
export function fieldIn(fields: string[], field: string): boolean {
  return fields.includes('*') || fields.includes(field);
}
