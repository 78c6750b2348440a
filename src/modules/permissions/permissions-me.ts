// What the current user may do, collection by collection: what the App asks to show or hide.
import { errors } from '../../errors.js';
import type { Db } from '../../db/index.js';
import { authorizeWrite } from '../../access/authorize.js';
import type { AccessPolicy, Action } from '../../access/types.js';
import { collections, getCollection } from '../../query/collections.js';
import type { Variables } from '../../query/variables.js';
import { ADMIN_ONLY_FIELDS } from '../users/users.fields.js';
import { SETTINGS_COLLECTION, SETTINGS_FIELDS } from '../settings/settings.fields.js';

export interface ActionAccess {
  access: 'none' | 'partial' | 'full';
  fields?: string[];
  presets?: Record<string, unknown> | null;
}

const ACTIONS: Action[] = ['create', 'read', 'update', 'delete'];

export function permissionsOf(policy: AccessPolicy): Record<string, Record<Action, ActionAccess>> {
  const out: Record<string, Record<Action, ActionAccess>> = {};
  for (const [name, collection] of Object.entries(collections)) {
    const entry = {} as Record<Action, ActionAccess>;
    for (const action of ACTIONS) {
      if (policy.admin) {
        entry[action] = { access: 'full', fields: ['*'], presets: null };
        continue;
      }
      const access = policy.can(name, action);
      if (!access) {
        entry[action] = { access: 'none' };
        continue;
      }
      let fields = access.fields === '*' ? Object.keys(collection.fields) : [...access.fields];
      // Admin-only fields stay admin-only whatever a rule says (see users.write.ts).
      if (name === 'directus_users' && (action === 'create' || action === 'update')) fields = fields.filter((f) => !ADMIN_ONLY_FIELDS.has(f));
      const full = access.filter === null && fields.length === Object.keys(collection.fields).length && !access.validation;
      entry[action] = { access: full ? 'full' : 'partial', fields: full ? ['*'] : fields, presets: access.presets ?? null };
    }
    out[name] = entry;
  }
  out[SETTINGS_COLLECTION] = settingsAccess(policy);
  return out;
}

/** Settings: read as the rules say; changed by admins only (PATCH /settings). */
function settingsAccess(policy: AccessPolicy): Record<Action, ActionAccess> {
  const none: ActionAccess = { access: 'none' };
  if (policy.admin) {
    const full: ActionAccess = { access: 'full', fields: ['*'], presets: null };
    return { create: none, read: full, update: full, delete: none };
  }
  const access = policy.can(SETTINGS_COLLECTION, 'read');
  let read = none;
  if (access) {
    const fields = access.fields === '*' ? [...SETTINGS_FIELDS] : SETTINGS_FIELDS.filter((f) => access.fields !== '*' && access.fields.has(f));
    read = fields.length === SETTINGS_FIELDS.length ? { access: 'full', fields: ['*'], presets: null } : { access: 'partial', fields, presets: null };
  }
  return { create: none, read, update: none, delete: none };
}

/** Directus 10's item-level answer: may the caller update or delete this one item? */
export async function itemPermissions(db: Db, policy: AccessPolicy, variables: Variables, collectionName: string, key: string | undefined) {
  const collection = getCollection(collectionName);
  if (!collection) throw errors.forbidden();
  const can = async (action: 'update' | 'delete') => {
    try {
      const keys = key === undefined ? undefined : [collection.fields[collection.primaryKey]!.type === 'integer' ? Number(key) : key];
      await authorizeWrite(db, policy, variables, { collection: collectionName, action, fields: [], keys });
      return true;
    } catch {
      return false;
    }
  };
  return { update: { access: await can('update') }, delete: { access: await can('delete') }, share: { access: false } };
}
