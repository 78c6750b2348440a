// POST /auth/password/request and /auth/password/reset. The request answers the same, in the same
// time, whether or not the email belongs to someone; the emailed token is random, stored hashed,
// used once, and expires after PASSWORD_RESET_TOKEN_TTL.
import { errors } from '../../errors.js';
import { hashPassword, randomToken, sha256 } from '../../util/crypto.js';
import { normaliseEmail } from '../../util/email.js';
import { nowIso } from '../../util/time.js';
import { isUrlAllowed } from '../../util/url-allow-list.js';
import { findUserByEmail, findUserById, clearLockout, setPassword } from '../users/users.repository.js';
import { consumeOneTimeToken, findOneTimeToken, replaceOneTimeToken } from '../tokens/one-time-tokens.repository.js';
import { readSettings } from '../settings/settings.repository.js';
import { assertPasswordPolicy } from '../settings/password-policy.js';
import { projectInfo } from '../mail/project-info.js';
import { deleteUserSessions } from './sessions.repository.js';
import type { AuthDeps } from './auth-deps.js';

export function assertResetUrlAllowed(deps: AuthDeps, resetUrl: string | undefined): void {
  if (resetUrl !== undefined && !isUrlAllowed(resetUrl, deps.config.passwordResetUrlAllowList)) {
    throw errors.invalidPayload(`URL "${resetUrl}" can't be used to reset passwords`);
  }
}

/** Creates the token and queues the mail; returns when the token is stored, not when mail is sent. */
export async function requestPasswordReset(deps: AuthDeps, email: string, resetUrl: string | undefined, requestedBy: string | null): Promise<void> {
  const user = await findUserByEmail(deps.db.kysely, normaliseEmail(email));
  if (!user || user.status !== 'active' || !user.email) return;
  const token = randomToken(32);
  const now = nowIso();
  await replaceOneTimeToken(deps.db.kysely, {
    tokenHash: sha256(token),
    user: user.id,
    purpose: 'password-reset',
    createdAt: now,
    createdBy: requestedBy,
    expires: new Date(Date.now() + deps.config.passwordResetTokenTtlMs).toISOString(),
  });
  const url = resetLink(resetUrl ?? `${deps.config.publicUrl}/admin/reset-password`, token);
  const settings = await readSettings(deps.db.kysely);
  // Sent after the token is committed, without holding up the answer; a failure is logged.
  void deps.mailer.send(
    {
      to: user.email,
      template: 'password-reset',
      subject: 'Password Reset Request',
      data: { url, email: user.email, expiresIn: humanDuration(deps.config.passwordResetTokenTtlMs) },
    },
    projectInfo(settings, deps.config),
  );
}

export async function resetPassword(deps: AuthDeps, token: string, password: string): Promise<void> {
  const tokenHash = sha256(token);
  const row = await findOneTimeToken(deps.db.kysely, tokenHash);
  if (!row || row.purpose !== 'password-reset' || row.used_at || row.revoked_at) throw errors.forbidden();
  if (row.expires <= nowIso()) throw errors.tokenExpired();
  const user = await findUserById(deps.db.kysely, row.user);
  if (!user || user.status !== 'active') throw errors.forbidden();
  const settings = await readSettings(deps.db.kysely);
  assertPasswordPolicy(settings.auth_password_policy, password);
  const hashed = await hashPassword(password);
  await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await consumeOneTimeToken(trx, tokenHash, nowIso()))) throw errors.forbidden();
    await setPassword(trx, user.id, hashed);
    // Whoever had a session with the old password has none now; proving the mailbox lifts a lock.
    await deleteUserSessions(trx, user.id);
    await clearLockout(trx, user.id);
  });
}

/**
 * The link in the mail, built from the parsed (allow-listed) URL rather than pasted onto the raw
 * text: the token lands in the query string even when the URL has a fragment, and replaces any
 * `token` the caller put there.
 */
function resetLink(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

export function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  return `${days} days`;
}
