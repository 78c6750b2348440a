// POST /auth/login: findLoginUser -> verifyPassword -> checkSecondFactor -> openSession -> recordLogin.
// Every failure answers INVALID_CREDENTIALS (or INVALID_OTP once the password was right), and
// every path does the same argon2 work, so neither the answer nor its timing tells who exists.
import { errors } from '../../errors.js';
import { hashPassword, verifyPassword } from '../../util/crypto.js';
import { normaliseEmail } from '../../util/email.js';
import { nowIso } from '../../util/time.js';
import { findAuthUser, findLoginUser, recordLoginSuccess, type LoginUser } from '../users/users.repository.js';
import { insertActivity } from '../activity/activity.repository.js';
import { deleteExpiredSessions } from './sessions.repository.js';
import { openSession, type AuthMode, type IssuedTokens } from './issue-tokens.js';
import { isLocked, recordFailure } from './lockout.js';
import { checkSecondFactor } from './second-factor.js';
import type { AuthDeps, RequestMeta } from './auth-deps.js';

export interface LoginInput {
  email: string;
  password: string;
  otp?: string;
  mode: AuthMode;
}

let dummyHash: Promise<string> | null = null;
/** A real argon2id hash with the same parameters, checked when there is no password to check. */
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('usher-dummy-password-for-constant-time');
  return dummyHash;
}

export async function login(deps: AuthDeps, input: LoginInput, meta: RequestMeta): Promise<IssuedTokens> {
  const user = await findLoginUser(deps.db.kysely, normaliseEmail(input.email));
  const passwordOk = await verifyPassword(user?.password ?? (await getDummyHash()), input.password);
  if (!user || !canSignIn(user) || !user.password) throw errors.invalidCredentials();
  if (!passwordOk) {
    await recordFailure(deps, user.id);
    throw errors.invalidCredentials();
  }
  await checkSecondFactor(deps, user, input.otp);

  const now = nowIso();
  const authUser = await findAuthUser(deps.db.kysely, user.id);
  if (!authUser) throw errors.invalidCredentials();
  await purgeExpiredSessions(deps, now);
  // The session, the user's last_access and the activity row: one commit, not three (a commit is
  // most of what a sign-in costs the event loop beside the hash).
  return deps.db.kysely.transaction().execute(async (trx) => {
    const tokens = await openSession(deps, authUser, input.mode, meta, trx);
    await recordLoginSuccess(trx, user.id, now);
    await insertActivity(trx, {
      action: 'login',
      user: user.id,
      collection: 'directus_users',
      item: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      origin: meta.origin,
      timestamp: now,
    });
    return tokens;
  });
}

/**
 * Expired sessions (which no request accepts: every check compares `expires`) are swept out at
 * most once a minute per process rather than on every sign-in: the sweep reads the whole sessions
 * table, which grows with the sign-ins themselves.
 */
const lastPurge = new WeakMap<object, number>();
const PURGE_EVERY_MS = 60_000;

async function purgeExpiredSessions(deps: AuthDeps, now: string): Promise<void> {
  const last = lastPurge.get(deps.db) ?? 0;
  if (Date.now() - last < PURGE_EVERY_MS) return;
  lastPurge.set(deps.db, Date.now());
  await deleteExpiredSessions(deps.db.kysely, now);
}

/** Only active users with the default provider, and not inside a lock-out window. */
function canSignIn(user: LoginUser): boolean {
  return user.status === 'active' && user.provider === 'default' && !isLocked(user.locked_until);
}
