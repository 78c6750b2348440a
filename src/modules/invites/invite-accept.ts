// POST /users/invite/accept {token, password}: the only thing that consumes an invitation link
// (opening it never does: mail scanners open links). Sets the password and activates the user;
// signs nobody in.
import { errors } from '../../errors.js';
import { hashPassword, sha256 } from '../../util/crypto.js';
import { nowIso } from '../../util/time.js';
import { PUBLIC_ACCOUNTABILITY } from '../../access/types.js';
import { consumeOneTimeToken, findOneTimeToken } from '../tokens/one-time-tokens.repository.js';
import { findUserById, updateUserColumns } from '../users/users.repository.js';
import { readSettings } from '../settings/settings.repository.js';
import { assertPasswordPolicy } from '../settings/password-policy.js';
import { recordActivity } from '../activity/activity.service.js';
import type { AuthDeps } from '../auth/auth-deps.js';

/** Checks an invitation token without using it: what the App shows before asking for a password. */
export async function inspectInvite(deps: AuthDeps, token: string): Promise<{ email: string; expires: string }> {
  const { user } = await validInvite(deps, token);
  return { email: user.email!, expires: (await findOneTimeToken(deps.db.kysely, sha256(token)))!.expires };
}

export async function acceptInvite(deps: AuthDeps, token: string, password: string, meta: { ip: string | null; userAgent: string | null }): Promise<void> {
  // An empty password is no password (Directus's Joi string() refuses it too).
  if (password === '') throw errors.invalidPayload('"password" is not allowed to be empty');
  const { user, tokenHash } = await validInvite(deps, token);
  const { auth_password_policy } = await readSettings(deps.db.kysely);
  assertPasswordPolicy(auth_password_policy, password);
  const hashed = await hashPassword(password);
  const now = nowIso();
  await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await consumeOneTimeToken(trx, tokenHash, now))) throw errors.invalidPayload(`Email address ${user.email} hasn't been invited`);
    await updateUserColumns(trx, user.id, { password: hashed, status: 'active' });
    const after = await findUserById(trx, user.id);
    await recordActivity(trx, {
      action: 'accept',
      accountability: { ...PUBLIC_ACCOUNTABILITY, user: user.id, ip: meta.ip, userAgent: meta.userAgent },
      collection: 'directus_users',
      item: user.id,
      timestamp: now,
      // The revision says a password was set (masked), never which.
      data: after ? { ...after } : null,
      delta: { status: 'active', password: hashed },
      comment: `status: ${user.status} -> active`,
    });
  });
}

async function validInvite(deps: AuthDeps, token: string) {
  const tokenHash = sha256(token);
  const row = await findOneTimeToken(deps.db.kysely, tokenHash);
  if (!row || row.revoked_at) throw errors.invalidToken();
  if (row.purpose !== 'invite') throw errors.forbidden();
  const user = await findUserById(deps.db.kysely, row.user);
  if (row.used_at || !user || user.status !== 'invited') throw errors.invalidPayload(`Email address ${user?.email ?? ''} hasn't been invited`);
  if (row.expires <= nowIso()) throw errors.tokenExpired();
  return { user, tokenHash };
}
