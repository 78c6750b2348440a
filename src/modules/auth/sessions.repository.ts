// Sessions: the row holds the SHA-256 of the current refresh token and a stable id that access
// tokens name. Refresh tokens rotated away are kept (hashed) until the session would have expired,
// so that presenting one again is recognised.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

export interface NewSession {
  id: string;
  tokenHash: string;
  user: string;
  expires: string;
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
}

export async function insertSession(db: Q, s: NewSession): Promise<void> {
  await db
    .insertInto('directus_sessions')
    .values({ id: s.id, token: s.tokenHash, user: s.user, expires: s.expires, ip: s.ip, user_agent: s.userAgent, origin: s.origin, next_token: null })
    .execute();
}

export async function findSessionByToken(db: Q, tokenHash: string) {
  return db.selectFrom('directus_sessions').select(['id', 'token', 'user', 'expires']).where('token', '=', tokenHash).executeTakeFirst();
}

export async function findSessionById(db: Q, id: string) {
  return db
    .selectFrom('directus_sessions')
    .select(['id', 'token', 'user', 'expires', 'next_token', 'ip', 'user_agent', 'origin'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Swaps the current refresh token for the next one, atomically: only one rotation wins. */
export async function rotateSession(db: Q, id: string, fromHash: string, toHash: string, expires: string, retiredAt: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('directus_sessions')
      .set({ token: toHash, expires })
      .where('id', '=', id)
      .where('token', '=', fromHash)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await trx.insertInto('usher_retired_refresh_tokens').values({ token: fromHash, session: id, retired_at: retiredAt, expires }).execute();
    return true;
  });
}

/**
 * Session mode: replaces session `id` by the new session `next`, atomically, as Directus does. The
 * old row points at its successor and lives on only until `oldExpires` (the grace window), so
 * requests and refreshes already under way with the old cookie still work, and then it dies.
 * Only one rotation wins; the loser finds `next_token` set.
 */
export async function succeedSession(db: Q, id: string, next: NewSession, oldExpires: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('directus_sessions')
      .set({ next_token: next.id, expires: oldExpires })
      .where('id', '=', id)
      .where('next_token', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await insertSession(trx, next);
    return true;
  });
}

export async function findRetiredToken(db: Q, tokenHash: string) {
  return db.selectFrom('usher_retired_refresh_tokens').selectAll().where('token', '=', tokenHash).executeTakeFirst();
}

export async function deleteSession(db: Q, id: string): Promise<void> {
  await db.deleteFrom('usher_retired_refresh_tokens').where('session', '=', id).execute();
  await db.deleteFrom('directus_sessions').where('id', '=', id).execute();
}

/** Ends every session of a user, but the one that asked (when there is one). */
export async function deleteUserSessions(db: Q, user: string, except: string | null = null): Promise<void> {
  let sessions = db.selectFrom('directus_sessions').select('id').where('user', '=', user);
  if (except) sessions = sessions.where('id', '<>', except);
  await db.deleteFrom('usher_retired_refresh_tokens').where('session', 'in', sessions).execute();
  let del = db.deleteFrom('directus_sessions').where('user', '=', user);
  if (except) del = del.where('id', '<>', except);
  await del.execute();
}

/**
 * Ends every session of these users at once (they were suspended, archived ...): the sessions stay,
 * expired, so that a refresh can still say why it is refused (USER_SUSPENDED), and none of them
 * comes back if the user is made active again.
 */
export async function expireSessionsOfUsers(db: Q, users: string[], now: string): Promise<void> {
  for (let i = 0; i < users.length; i += 500) {
    await db.updateTable('directus_sessions').set({ expires: now }).where('user', 'in', users.slice(i, i + 500)).where('expires', '>', now).execute();
  }
}

export async function deleteExpiredSessions(db: Q, now: string): Promise<void> {
  await db.deleteFrom('usher_retired_refresh_tokens').where('expires', '<', now).execute();
  await db.deleteFrom('directus_sessions').where('expires', '<', now).execute();
}

/** Before users are deleted: their sessions go with them (cascade); their retired tokens go here. */
export async function deleteRetiredTokensOfUsers(db: Q, users: string[]): Promise<void> {
  if (users.length === 0) return;
  const sessions = db.selectFrom('directus_sessions').select('id').where('user', 'in', users);
  await db.deleteFrom('usher_retired_refresh_tokens').where('session', 'in', sessions).execute();
}
