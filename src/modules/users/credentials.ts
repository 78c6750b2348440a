// What happens to a user's credentials when their password changes. (Status, role and deletion
// need nothing here: every request re-reads them, see access/authenticate.ts.)
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashPassword } from '../../util/crypto.js';
import { assertPasswordPolicy } from '../settings/password-policy.js';
import { readSettings } from '../settings/settings.repository.js';
import { deleteUserSessions } from '../auth/sessions.repository.js';
import { setPassword } from './users.repository.js';

/**
 * Sets a new password (the policy applies) and ends every session of the user except the one that
 * made the change, so whoever knew the old password is signed out. The static token stays.
 */
export async function changePassword(db: Kysely<Database>, userId: string, password: string, exceptSession: string | null): Promise<void> {
  const { auth_password_policy } = await readSettings(db);
  assertPasswordPolicy(auth_password_policy, password);
  const hashed = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await setPassword(trx, userId, hashed);
    await deleteUserSessions(trx, userId, exceptSession);
  });
}
