import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

export async function replaceRecoveryCodes(db: Q, user: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('usher_recovery_codes').where('user', '=', user).execute();
  if (hashes.length > 0) await db.insertInto('usher_recovery_codes').values(hashes.map((code) => ({ user, code, used_at: null }))).execute();
}

/** Uses a recovery code (stored under any of `hashes`) once: true only for the request that marks it used. */
export async function consumeRecoveryCode(db: Q, user: string, hashes: string[], now: string): Promise<boolean> {
  const res = await db
    .updateTable('usher_recovery_codes')
    .set({ used_at: now })
    .where('user', '=', user)
    .where('code', 'in', hashes)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) >= 1;
}

export async function deleteRecoveryCodes(db: Q, user: string): Promise<void> {
  await db.deleteFrom('usher_recovery_codes').where('user', '=', user).execute();
}
