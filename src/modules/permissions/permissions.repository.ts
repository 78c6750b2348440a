import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PermissionRule } from '../../access/policy.js';

type Q = Kysely<Database>;

function parseJson(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** The permission rows of a role; `null` is the public role. */
export async function rulesForRole(db: Q, role: string | null): Promise<PermissionRule[]> {
  const rows = await db
    .selectFrom('directus_permissions')
    .select(['collection', 'action', 'permissions', 'validation', 'presets', 'fields'])
    .where('role', role === null ? 'is' : '=', role)
    .execute();
  return rows.map((r) => ({
    collection: r.collection,
    action: r.action,
    permissions: parseJson(r.permissions),
    validation: parseJson(r.validation),
    presets: parseJson(r.presets),
    fields: r.fields === null ? null : r.fields.split(',').map((f) => f.trim()).filter(Boolean),
  }));
}
