// Brute force without a permanent lock-out: only failures count (a correct password never does),
// and after auth_login_attempts consecutive ones the account is locked for AUTH_LOCKOUT_DURATION
// (or suspended, as Directus does, with AUTH_LOCKOUT_MODE=suspend).
import type { AuthDeps } from './auth-deps.js';
import { incrementFailedLogins, lockUser, suspendUser } from '../users/users.repository.js';
import { readSettings } from '../settings/settings.repository.js';
import { expireSessionsOfUsers } from './sessions.repository.js';
import { revokeOneTimeTokensOfUsers } from '../tokens/one-time-tokens.repository.js';
import { recordActivity } from '../activity/activity.service.js';
import { PUBLIC_ACCOUNTABILITY } from '../../access/types.js';
import { nowIso } from '../../util/time.js';

export async function recordFailure(deps: AuthDeps, userId: string): Promise<void> {
  const { auth_login_attempts: limit } = await readSettings(deps.db.kysely);
  const failures = await incrementFailedLogins(deps.db.kysely, userId);
  if (limit === null || limit <= 0 || failures < limit) return;
  if (deps.config.authLockoutMode === 'suspend') {
    const now = nowIso();
    await deps.db.kysely.transaction().execute(async (trx) => {
      await suspendUser(trx, userId);
      await expireSessionsOfUsers(trx, [userId], now);
      await revokeOneTimeTokensOfUsers(trx, [userId], 'password-reset', now);
      await recordActivity(trx, {
        action: 'update',
        accountability: PUBLIC_ACCOUNTABILITY,
        collection: 'directus_users',
        item: userId,
        timestamp: now,
        delta: { status: 'suspended' },
        before: { status: 'active' },
        comment: `status: active -> suspended (${failures} failed sign-ins in a row)`,
      });
    });
    deps.logger.warn({ user: userId, failures }, 'user suspended after too many failed sign-ins');
  } else {
    await lockUser(deps.db.kysely, userId, new Date(Date.now() + deps.config.authLockoutDurationMs).toISOString());
    deps.logger.warn({ user: userId, failures }, 'user locked after too many failed sign-ins');
  }
}

export function isLocked(lockedUntil: string | null, now = new Date()): boolean {
  return lockedUntil !== null && lockedUntil > now.toISOString();
}
