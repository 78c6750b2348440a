import type { Kysely } from 'kysely';
import type { Database, NewRoleRow, RoleRow } from '../../db/schema.js';

type Q = Kysely<Database>;

export async function insertRole(db: Q, row: NewRoleRow): Promise<void> {
  await db.insertInto('directus_roles').values(row).execute();
}

export async function findRoleById(db: Q, id: string): Promise<RoleRow | undefined> {
  return db.selectFrom('directus_roles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAdminRole(db: Q): Promise<RoleRow | undefined> {
  return db.selectFrom('directus_roles').selectAll().where('admin_access', '=', true).orderBy('name').executeTakeFirst();
}

export async function existingRoleIds(db: Q, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('directus_roles').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
