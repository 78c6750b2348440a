import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

export async function replaceRecoveryCodes(db: Q, user: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('usher_recovery_codes').where('user', '=', user).execute();
  if (hashes.length > 0) await db.insertInto('usher_recovery_codes').values(hashes.map((code) => ({ user, code, used_at: null }))).execute();
}

/** The user's codes not used yet (ten at most). */
export async function unusedRecoveryCodes(db: Q, user: string): Promise<{ id: number; code: string }[]> {
  return db.selectFrom('usher_recovery_codes').select(['id', 'code']).where('user', '=', user).where('used_at', 'is', null).execute();
}

/** Marks a code used: true only for the one request that does it, so a code works once. */
export async function markRecoveryCodeUsed(db: Q, id: number, now: string): Promise<boolean> {
  const res = await db.updateTable('usher_recovery_codes').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function deleteRecoveryCodes(db: Q, user: string): Promise<void> {
  await db.deleteFrom('usher_recovery_codes').where('user', '=', user).execute();
}
