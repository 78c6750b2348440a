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
