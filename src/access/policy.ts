// Builds the AccessPolicy of one caller from their role's permission rows, plus the minimal rights
// an app-access role gets (reference §3.2). Admin roles bypass all of it.
import { ADMIN_POLICY, type AccessPolicy, type Accountability, type Action, type CollectionAccess } from './types.js';
import type { Filter } from '../query/types.js';
import { getCollection } from '../query/collections.js';
import { PREFERENCE_FIELDS } from '../modules/users/users.fields.js';

export interface PermissionRule {
  collection: string;
  action: string;
  permissions: Filter | null;
  fields: string[] | null;
  validation?: Filter | null;
  presets?: Record<string, unknown> | null;
}

/** The profile fields every app user may change on their own row (Directus's Studio default). */
export const SELF_EDITABLE_FIELDS = [
  'first_name', 'last_name', 'email', 'password', 'location', 'title', 'description', 'tags', 'avatar',
  'language', 'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides', 'theme_dark_overrides',
  'email_notifications',
];

const SELF: Filter = { id: { _eq: '$CURRENT_USER' } };

/** What every role with app_access may do without a permission row (Directus's "minimal" set). */
export const APP_MINIMAL_RULES: readonly PermissionRule[] = Object.freeze([
  {
    collection: 'directus_users',
    action: 'read',
    permissions: SELF,
    fields: [
      'id', 'first_name', 'last_name', 'last_page', 'email', 'password', 'location', 'title', 'description', 'tags',
      'avatar', 'language', 'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides', 'theme_dark_overrides',
      'email_notifications', 'tfa_secret', 'status', 'role',
    ],
  },
  { collection: 'directus_users', action: 'update', permissions: SELF, fields: SELF_EDITABLE_FIELDS },
  { collection: 'directus_roles', action: 'read', permissions: { id: { _eq: '$CURRENT_ROLE' } }, fields: ['*'] },
  { collection: 'directus_settings', action: 'read', permissions: null, fields: ['*'] },
  { collection: 'directus_permissions', action: 'read', permissions: { role: { _eq: '$CURRENT_ROLE' } }, fields: ['*'] },
]);

/** Every signed-in user may read the activity they caused and its revisions. */
export const OWN_HISTORY_RULES: readonly PermissionRule[] = Object.freeze([
  { collection: 'directus_activity', action: 'read', permissions: { user: { _eq: '$CURRENT_USER' } }, fields: ['*'] },
  { collection: 'directus_revisions', action: 'read', permissions: { activity: { user: { _eq: '$CURRENT_USER' } } }, fields: ['*'] },
]);

/** Merges rules: field lists are unioned and row filters OR-ed; a rule without a filter opens every row. */
export function buildPolicy(accountability: Accountability, rules: readonly PermissionRule[]): AccessPolicy {
  if (accountability.admin) return ADMIN_POLICY;
  const all = [...(accountability.app ? APP_MINIMAL_RULES : []), ...(accountability.user ? OWN_HISTORY_RULES : []), ...rules];
  const merged = new Map<string, CollectionAccess>();
  for (const rule of all) {
    const key = `${rule.collection}:${rule.action}`;
    const fields = rule.fields === null ? new Set<string>() : rule.fields.includes('*') ? ('*' as const) : new Set(rule.fields);
    const prev = merged.get(key);
    const filter = rule.permissions && Object.keys(rule.permissions).length > 0 ? rule.permissions : null;
    const validation = rule.validation && Object.keys(rule.validation).length > 0 ? rule.validation : null;
    if (!prev) {
      merged.set(key, { fields, filter, validation, presets: rule.presets ?? null });
      continue;
    }
    merged.set(key, {
      fields: prev.fields === '*' || fields === '*' ? '*' : new Set([...prev.fields, ...fields]),
      filter: prev.filter === null || filter === null ? null : { _or: [prev.filter, filter] },
      // Rules widen access: a payload passes when it satisfies any rule's validation.
      validation: prev.validation && validation ? { _or: [prev.validation, validation] } : null,
      presets: { ...(prev.presets ?? {}), ...(rule.presets ?? {}) },
    });
  }
  for (const [key, access] of merged) {
    const [collection, action] = key.split(':') as [string, Action];
    const conditions = fieldConditions(collection, action, all.filter((r) => r.collection === collection && r.action === action));
    if (conditions.size > 0) merged.set(key, { ...access, fieldConditions: conditions });
  }
  const text = JSON.stringify(rules);
  return {
    admin: false,
    fieldVariables: { user: text.includes('"$CURRENT_USER.'), role: text.includes('"$CURRENT_ROLE.') },
    usesNow: text.includes('$NOW'),
    can: (collection: string, action: Action) => merged.get(`${collection}:${action}`) ?? null,
  };
}

const SELF_ONLY: Filter = { id: { _eq: '$CURRENT_USER' } };

/**
 * Rules add up, but a field one rule grants must not show on rows only another rule opens: a field
 * is visible on the rows of the rules that grant it. Other users' preferences are never visible.
 */
function fieldConditions(collection: string, action: Action, rules: PermissionRule[]): Map<string, Filter> {
  const out = new Map<string, Filter>();
  const def = getCollection(collection);
  if (!def) return out;
  const grants = (rule: PermissionRule, field: string) => rule.fields !== null && (rule.fields.includes('*') || rule.fields.includes(field));
  const filterOf = (rule: PermissionRule) => (rule.permissions && Object.keys(rule.permissions).length > 0 ? rule.permissions : null);
  for (const field of Object.keys(def.fields)) {
    const granting = rules.filter((r) => grants(r, field));
    // Unconditional when every rule grants the field or one granting rule opens every row.
    if (granting.length === 0 || granting.length === rules.length || granting.some((r) => filterOf(r) === null)) continue;
    const filters = granting.map(filterOf) as Filter[];
    out.set(field, filters.length === 1 ? filters[0]! : { _or: filters });
  }
  if (collection === 'directus_users' && action === 'read') {
    for (const field of PREFERENCE_FIELDS) out.set(field, out.has(field) ? { _and: [out.get(field)!, SELF_ONLY] } : SELF_ONLY);
  }
  return out;
}
