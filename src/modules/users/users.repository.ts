// The only place with SQL about users outside the query engine. Functions take the database (or a
// transaction) first.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { isPostgres } from '../../db/dialect.js';
import { USER_COLUMNS, type Database, type NewUserRow, type UserRow, type UserRowUpdate } from '../../db/schema.js';
import type { Db } from '../../db/index.js';

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
  return db.selectFrom('directus_users').select(USER_COLUMNS).where('email_lower', '=', emailLower).executeTakeFirst();
}

export async function insertUser(db: Q, row: NewUserRow): Promise<void> {
  await db.insertInto('directus_users').values(row).execute();
}

export async function setPassword(db: Q, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('directus_users').set({ password: passwordHash }).where('id', '=', id).execute();
}

/** Whether there is any user at all: one row looked at, where a count would read them all (a cold start on 1,000,000 users). */
export async function anyUsers(db: Q): Promise<boolean> {
  return (await db.selectFrom('directus_users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** What a credential check needs to know about a user and their role, read in one query. */
export interface AuthUser {
  id: string;
  email: string | null;
  status: string;
  role: string | null;
  admin_access: unknown;
  app_access: unknown;
  enforce_tfa: unknown;
  ip_access: string | null;
  has_tfa: unknown;
  /** usher_state's version of roles and permissions, read in the same query (see permissions/usher-state.ts). */
  permissions_version: unknown;
  /** usher_state's version of every user, role, permission and session row (migration 0007), read alike. */
  data_version: unknown;
  /** When the session checked with it ends (session lookups only). */
  session_expires?: string | null;
}

/**
 * The role's columns and usher_state's versions are read through scalar subqueries rather than
 * joins: on SQLite this one query runs on every request, and it costs 4 µs this way against 16 µs
 * with the joins (each joined table opens its cursors on every run). A user without a role reads
 * NULL for the role's columns either way.
 */
function authUserQuery(db: Q) {
  const role = <T, C extends 'admin_access' | 'app_access' | 'enforce_tfa' | 'ip_access' = 'admin_access'>(column: C) =>
    sql<T>`(select ${sql.ref(`r.${column}`)} from directus_roles as r where r.id = u.role)`.as(column);
  return db
    .selectFrom('directus_users as u')
    .select([
      'u.id',
      'u.email',
      'u.status',
      'u.role',
      role('admin_access'),
      role('app_access'),
      role('enforce_tfa'),
      role<string | null, 'ip_access'>('ip_access'),
      (eb) => eb('u.tfa_secret', 'is not', null).as('has_tfa'),
      sql<number>`(select permissions_version from usher_state where id = 1)`.as('permissions_version'),
      sql<number>`(select data_version from usher_state where id = 1)`.as('data_version'),
    ]);
}

/**
 * The credential lookups run on every request: built and compiled once per database, then run
 * with the request's values (the SQL text then also hits the prepared-statement cache).
 */
const compiledAuthQueries = new WeakMap<Q, { token: CompiledQuery; session: CompiledQuery }>();

function authQueries(db: Q) {
  let queries = compiledAuthQueries.get(db);
  if (!queries) {
    const token = authUserQuery(db).where('u.token', '=', '?token').compile();
    const session = authUserQuery(db)
      .select((eb) => eb.selectFrom('directus_sessions as s').select('s.expires').where('s.id', '=', '?session').as('session_expires'))
      .where('u.id', '=', (eb) =>
        eb.selectFrom('directus_sessions as s').select('s.user').where('s.id', '=', '?session').where('s.expires', '>', '?now'),
      )
      .compile();
    // The values below are bound in this order; anything else in the query is part of its text.
    if (token.parameters.join() !== '?token' || session.parameters.join() !== '?session,?session,?now') {
      throw new Error('Unexpected auth query parameters');
    }
    queries = { token, session };
    compiledAuthQueries.set(db, queries);
  }
  return queries;
}

async function runAuthQuery(db: Db, query: CompiledQuery, parameters: unknown[]): Promise<AuthUser | undefined> {
  const compiled = CompiledQuery.raw(query.sql, parameters) as CompiledQuery<AuthUser>;
  const rows = db.readNow?.(compiled) ?? (await db.kysely.executeQuery(compiled)).rows;
  return rows[0];
}

export async function findAuthUser(db: Q, id: string): Promise<AuthUser | undefined> {
  return authUserQuery(db).where('u.id', '=', id).executeTakeFirst();
}

/**
 * The user behind a session, in the same query that proves the session is still open: one indexed
 * lookup per request is what makes revocation take effect on the very next request.
 */
export async function findAuthUserBySession(db: Db, sessionId: string, now: string): Promise<AuthUser | undefined> {
  return runAuthQuery(db, authQueries(db.kysely).session, [sessionId, sessionId, now]);
}

export async function findAuthUserByTokenHash(db: Db, tokenHash: string): Promise<AuthUser | undefined> {
  return runAuthQuery(db, authQueries(db.kysely).token, [tokenHash]);
}

export interface LoginUser {
  id: string;
  status: string;
  password: string | null;
  tfa_secret: string | null;
  tfa_last_step: number | null;
  locked_until: string | null;
  provider: string;
}

export async function findLoginUser(db: Q, emailLower: string): Promise<LoginUser | undefined> {
  return db
    .selectFrom('directus_users')
    .select(['id', 'status', 'password', 'tfa_secret', 'tfa_last_step', 'locked_until', 'provider'])
    .where('email_lower', '=', emailLower)
    .executeTakeFirst();
}

/** Counts one more failure atomically and returns the new count. */
export async function incrementFailedLogins(db: Q, id: string): Promise<number> {
  const row = await db
    .updateTable('directus_users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', id)
    .returning('failed_logins')
    .executeTakeFirst();
  return Number(row?.failed_logins ?? 0);
}

export async function lockUser(db: Q, id: string, until: string): Promise<void> {
  await db.updateTable('directus_users').set({ locked_until: until, failed_logins: 0 }).where('id', '=', id).execute();
}

export async function suspendUser(db: Q, id: string): Promise<void> {
  await db.updateTable('directus_users').set({ status: 'suspended', failed_logins: 0 }).where('id', '=', id).execute();
}

export async function recordLoginSuccess(db: Q, id: string, now: string): Promise<void> {
  await db.updateTable('directus_users').set({ failed_logins: 0, locked_until: null, last_access: now }).where('id', '=', id).execute();
}

export async function touchLastAccess(db: Q, id: string, now: string): Promise<void> {
  await db.updateTable('directus_users').set({ last_access: now }).where('id', '=', id).execute();
}

/** Accepts a TOTP time step once: a second use of the same (or an older) step changes nothing. */
export async function claimTfaStep(db: Q, id: string, step: number): Promise<boolean> {
  const res = await db
    .updateTable('directus_users')
    .set({ tfa_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('tfa_last_step', 'is', null), eb('tfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function findTfaUser(db: Q, id: string) {
  return db
    .selectFrom('directus_users')
    .select(['id', 'email', 'password', 'tfa_secret', 'tfa_last_step'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function setTfaSecret(db: Q, id: string, secret: string | null, step: number | null): Promise<void> {
  await db.updateTable('directus_users').set({ tfa_secret: secret, tfa_last_step: step }).where('id', '=', id).execute();
}

export async function findUserById(db: Q, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('directus_users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function clearLockout(db: Q, id: string): Promise<void> {
  await db.updateTable('directus_users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}

export async function updateUserColumns(db: Q, id: string, values: UserRowUpdate): Promise<void> {
  await db.updateTable('directus_users').set(values).where('id', '=', id).execute();
}

export async function deleteUsersByIds(db: Q, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db.deleteFrom('directus_users').where('id', 'in', ids).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function insertUsers(db: Q, rows: NewUserRow[]): Promise<void> {
  // Chunked to stay under both databases' limits on bound parameters.
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('directus_users').values(rows.slice(i, i + 500)).execute();
}

export async function findUsersByIds(db: Q, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('directus_users').select(USER_COLUMNS).where('id', 'in', ids).execute();
}

/** The id and email of each of these users (what a deletion logs), in chunks of 500 ids. */
export async function findUserEmailsByIds(db: Q, ids: string[]): Promise<{ id: string; email: string | null }[]> {
  const out: { id: string; email: string | null }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(...(await db.selectFrom('directus_users').select(['id', 'email']).where('id', 'in', ids.slice(i, i + 500)).execute()));
  }
  return out;
}

/** Which of these lowercased emails belong to a user outside `exceptIds`. */
export async function takenEmails(db: Q, emailsLower: string[], exceptIds: string[] = []): Promise<string[]> {
  if (emailsLower.length === 0) return [];
  let q = db.selectFrom('directus_users').select('email_lower').where('email_lower', 'in', emailsLower);
  if (exceptIds.length > 0) q = q.where('id', 'not in', exceptIds);
  return (await q.execute()).map((r) => r.email_lower!);
}

export async function tokenTaken(db: Q, tokenHash: string, exceptIds: string[] = []): Promise<boolean> {
  let q = db.selectFrom('directus_users').select('id').where('token', '=', tokenHash);
  if (exceptIds.length > 0) q = q.where('id', 'not in', exceptIds);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function updateUsersColumns(db: Q, ids: string[], values: UserRowUpdate): Promise<void> {
  if (ids.length === 0 || Object.keys(values).length === 0) return;
  await db.updateTable('directus_users').set(values).where('id', 'in', ids).execute();
}

/** Active users in a role with admin access: who can still administer Usher. */
/**
 * Active users of admin roles. Called inside the transaction of a change that could remove the
 * last one, before and after it: on PostgreSQL it first takes a transaction-wide lock, so that two
 * such changes (each removing a different admin) cannot both count two and both go through.
 * SQLite's write transactions (BEGIN IMMEDIATE) are serial already.
 */
export async function countActiveAdmins(db: Q): Promise<number> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(hashtext('usher:last-active-admin'))`.execute(db);
  // Driven from the (few) admin roles through the role index, never from the (many) active users:
  // the status test is in the select list, where no planner can pick the status index for it.
  const row = await db
    .selectFrom('directus_users as u')
    .select(sql<number>`coalesce(sum(case when u.status = 'active' then 1 else 0 end), 0)`.as('n'))
    .where('u.role', 'in', db.selectFrom('directus_roles').select('id').where('admin_access', '=', true))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
