// One-time tokens (password reset, invitations, registration): random, stored as SHA-256, used
// at most once, and a newer one of the same purpose voids the older ones.
import type { Kysely } from 'kysely';
import type { Database, OneTimePurpose } from '../../db/schema.js';

type Q = Kysely<Database>;

export interface NewOneTimeToken {
  tokenHash: string;
  user: string;
  purpose: OneTimePurpose;
  createdAt: string;
  createdBy: string | null;
  expires: string;
  data?: Record<string, unknown> | null;
}

export async function replaceOneTimeToken(db: Q, t: NewOneTimeToken): Promise<void> {
  await db
    .updateTable('usher_one_time_tokens')
    .set({ revoked_at: t.createdAt })
    .where('user', '=', t.user)
    .where('purpose', '=', t.purpose)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  await db
    .insertInto('usher_one_time_tokens')
    .values({
      token: t.tokenHash,
      user: t.user,
      purpose: t.purpose,
      created_at: t.createdAt,
      created_by: t.createdBy,
      expires: t.expires,
      used_at: null,
      revoked_at: null,
      data: t.data ? JSON.stringify(t.data) : null,
    })
    .execute();
}

export async function findOneTimeToken(db: Q, tokenHash: string) {
  return db.selectFrom('usher_one_time_tokens').selectAll().where('token', '=', tokenHash).executeTakeFirst();
}

/** Marks the token used; true only for the one caller that did it. */
export async function consumeOneTimeToken(db: Q, tokenHash: string, now: string): Promise<boolean> {
  const res = await db
    .updateTable('usher_one_time_tokens')
    .set({ used_at: now })
    .where('token', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function revokeOneTimeTokens(db: Q, user: string, purpose: OneTimePurpose, now: string): Promise<void> {
  await db
    .updateTable('usher_one_time_tokens')
    .set({ revoked_at: now })
    .where('user', '=', user)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function insertOneTimeTokens(db: Q, rows: NewOneTimeToken[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('usher_one_time_tokens')
      .values(
        rows.slice(i, i + 500).map((t) => ({
          token: t.tokenHash,
          user: t.user,
          purpose: t.purpose,
          created_at: t.createdAt,
          created_by: t.createdBy,
          expires: t.expires,
          used_at: null,
          revoked_at: null,
          data: t.data ? JSON.stringify(t.data) : null,
        })),
      )
      .execute();
  }
}

export async function revokeOneTimeTokensOfUsers(db: Q, users: string[], purpose: OneTimePurpose, now: string): Promise<void> {
  for (let i = 0; i < users.length; i += 500) {
    await db
      .updateTable('usher_one_time_tokens')
      .set({ revoked_at: now })
      .where('user', 'in', users.slice(i, i + 500))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

export async function setOneTimeTokenData(db: Q, tokenHash: string, data: Record<string, unknown>): Promise<void> {
  await db.updateTable('usher_one_time_tokens').set({ data: JSON.stringify(data) }).where('token', '=', tokenHash).execute();
}

/** The newest token of a purpose for a user, whatever its state. */
export async function latestOneTimeToken(db: Q, user: string, purpose: OneTimePurpose) {
  return db
    .selectFrom('usher_one_time_tokens')
    .selectAll()
    .where('user', '=', user)
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
