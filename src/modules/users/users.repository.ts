// The only place with SQL about users outside the query engine. Functions take the database (or a
// transaction) first.
import type { Kysely } from 'kysely';
import type { Database, NewUserRow, UserRow } from '../../db/schema.js';

type Q = Kysely<Database>;

export interface TokenOwner {
  id: string;
  role: string | null;
  admin_access: unknown;
  app_access: unknown;
}

/** The active user holding this static token (by its SHA-256), with their role's flags. */
export async function findActiveUserByTokenHash(db: Q, tokenHash: string): Promise<TokenOwner | undefined> {
  return db
    .selectFrom('directus_users as u')
    .leftJoin('directus_roles as r', 'r.id', 'u.role')
    .select(['u.id', 'u.role', 'r.admin_access', 'r.app_access'])
    .where('u.token', '=', tokenHash)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
}

export async function findUserByEmail(db: Q, emailLower: string): Promise<UserRow | undefined> {
  return db.selectFrom('directus_users').selectAll().where('email_lower', '=', emailLower).executeTakeFirst();
}

export async function insertUser(db: Q, row: NewUserRow): Promise<void> {
  await db.insertInto('directus_users').values(row).execute();
}

export async function setPassword(db: Q, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('directus_users').set({ password: passwordHash }).where('id', '=', id).execute();
}

export async function countUsers(db: Q): Promise<number> {
  const row = await db.selectFrom('directus_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
