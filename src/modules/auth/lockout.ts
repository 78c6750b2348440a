// Brute force without a permanent lock-out: only failures count (a correct password never does),
// and after auth_login_attempts consecutive ones the account is locked for AUTH_LOCKOUT_DURATION
// (or suspended, as Directus does, with AUTH_LOCKOUT_MODE=suspend).
import type { AuthDeps } from './auth-deps.js';
import { incrementFailedLogins, lockUser, suspendUser } from '../users/users.repository.js';
import { readSettings } from '../settings/settings.repository.js';

export async function recordFailure(deps: AuthDeps, userId: string): Promise<void> {
  const { auth_login_attempts: limit } = await readSettings(deps.db.kysely);
  const failures = await incrementFailedLogins(deps.db.kysely, userId);
  if (limit === null || limit <= 0 || failures < limit) return;
  if (deps.config.authLockoutMode === 'suspend') {
    await suspendUser(deps.db.kysely, userId);
    deps.logger.warn({ user: userId, failures }, 'user suspended after too many failed sign-ins');
  } else {
    await lockUser(deps.db.kysely, userId, new Date(Date.now() + deps.config.authLockoutDurationMs).toISOString());
    deps.logger.warn({ user: userId, failures }, 'user locked after too many failed sign-ins');
  }
}

export function isLocked(lockedUntil: string | null, now = new Date()): boolean {
  return lockedUntil !== null && lockedUntil > now.toISOString();
}
