// The user-related settings (reference §1.6): readable by app users, changeable by admins.
import { errors } from '../../errors.js';
import type { Db } from '../../db/index.js';
import { toBool } from '../../db/index.js';
import type { SettingsRow, SettingsTable } from '../../db/schema.js';
import type { Updateable } from 'kysely';
import type { AccessPolicy, Accountability } from '../../access/types.js';
import { fieldAllowed } from '../../access/types.js';
import { nowIso } from '../../util/time.js';
import { recordActivity } from '../activity/activity.service.js';
import { existingRoleIds } from '../roles/roles.repository.js';
import { readSettings, updateSettings } from './settings.repository.js';

export type Settings = Record<string, unknown>;

const TEXT: Record<string, number> = {
  project_name: 100, project_url: 255, project_color: 50, project_logo: 255, default_language: 255,
  default_appearance: 255, default_theme_light: 255, default_theme_dark: 255, auth_password_policy: 255,
};
const BOOLEAN = new Set(['public_registration', 'public_registration_verify_email']);
const NOT_NULL = new Set(['project_name', 'project_color', 'default_language', 'default_appearance']);

export function toApi(row: SettingsRow): Settings {
  return {
    ...row,
    public_registration: toBool(row.public_registration),
    public_registration_verify_email: toBool(row.public_registration_verify_email),
    public_registration_email_filter: row.public_registration_email_filter ? JSON.parse(row.public_registration_email_filter) : null,
  };
}

export async function getSettings(db: Db, policy: AccessPolicy): Promise<Settings> {
  const access = policy.can('directus_settings', 'read');
  if (!access) throw errors.forbidden();
  const all = toApi(await readSettings(db.kysely));
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || fieldAllowed(access, k)));
}

export async function patchSettings(db: Db, accountability: Accountability, policy: AccessPolicy, payload: unknown): Promise<void> {
  if (!policy.admin) throw errors.forbidden({ reason: 'Only admins may change settings' });
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw errors.invalidPayload('Settings must be an object');
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'id') continue;
    values[field] = checkField(field, value);
  }
  if (typeof values.public_registration_role === 'string' && !(await existingRoleIds(db.kysely, [values.public_registration_role])).has(values.public_registration_role)) {
    throw errors.invalidForeignKey('directus_settings', 'public_registration_role');
  }
  await db.kysely.transaction().execute(async (trx) => {
    const current = (await readSettings(trx)) as unknown as Record<string, unknown>;
    await updateSettings(trx, values as Updateable<SettingsTable>);
    const before = Object.fromEntries(Object.keys(values).map((k) => [k, BOOLEAN.has(k) ? toBool(current[k]) : (current[k] ?? null)]));
    await recordActivity(trx, { action: 'update', accountability, collection: 'directus_settings', item: '1', timestamp: nowIso(), delta: values, before });
  });
}

function checkField(field: string, value: unknown): unknown {
  if (value === null && NOT_NULL.has(field)) throw errors.failedValidation(field, 'nnull', "Value can't be null.");
  if (field in TEXT) {
    if (value !== null && typeof value !== 'string') throw errors.failedValidation(field, 'string', 'Value has to be a string.');
    if (typeof value === 'string' && value.length > TEXT[field]!) throw errors.valueTooLong('directus_settings', field);
    if (field === 'auth_password_policy' && typeof value === 'string') assertRegex(value);
    if (field === 'default_appearance' && !['auto', 'light', 'dark'].includes(value as string)) {
      throw errors.failedValidation(field, 'in', 'Value has to be auto, light or dark.', { valid: ['auto', 'light', 'dark'] });
    }
    return value;
  }
  if (BOOLEAN.has(field)) {
    if (typeof value !== 'boolean') throw errors.failedValidation(field, 'boolean', 'Value has to be true or false.');
    return value;
  }
  switch (field) {
    case 'auth_login_attempts':
      if (value !== null && (!Number.isInteger(value) || (value as number) < 0)) throw errors.failedValidation(field, 'integer', 'Value has to be a whole number of at least 0, or null for no limit.');
      return value;
    case 'public_registration_role':
      if (value !== null && typeof value !== 'string') throw errors.failedValidation(field, 'uuid', 'Value has to be a role id or null.');
      return value;
    case 'public_registration_email_filter':
      if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw errors.failedValidation(field, 'object', 'Value has to be a filter object or null.');
      return value === null ? null : JSON.stringify(value);
    default:
      throw errors.invalidPayload(`"${field}" is not a setting Usher knows`);
  }
}

/** A policy must compile, and must not be a pattern that can hang the process (nested quantifiers). */
function assertRegex(policy: string): void {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(policy);
  try {
    new RegExp(m ? m[1]! : policy, m ? m[2]!.replace(/[gy]/g, '') : undefined);
  } catch {
    throw errors.failedValidation('auth_password_policy', 'regex', 'Value has to be a valid regular expression.');
  }
  if (/\([^)]*[+*][^)]*\)[+*{]/.test(policy)) {
    throw errors.failedValidation('auth_password_policy', 'regex', 'Nested quantifiers can make a regular expression take forever; simplify it.');
  }
}
