// POST /auth/refresh: rotate the refresh token (json and cookie modes) or replace the session
// behind the session cookie (session mode). A refresh token that was already rotated away ends its
// whole session (someone else has it), except inside SESSION_REFRESH_GRACE_PERIOD, where
// concurrent refreshes of the same token all get the same successor.
import { errors } from '../../errors.js';
import { newId, randomToken, sha256 } from '../../util/crypto.js';
import { findAuthUser, touchLastAccess, type AuthUser } from '../users/users.repository.js';
import { nowIso } from '../../util/time.js';
import { verifyAccessToken } from './access-token.js';
import {
  deleteSession,
  findRetiredToken,
  findSessionById,
  findSessionByToken,
  rotateSession,
  succeedSession,
} from './sessions.repository.js';
import { accessTtl, mintAccessToken, nextRefreshToken, sessionTtl, type AuthMode, type IssuedTokens } from './issue-tokens.js';
import type { AuthDeps } from './auth-deps.js';

export async function refresh(deps: AuthDeps, mode: AuthMode, credential: string): Promise<IssuedTokens> {
  if (mode === 'session') return refreshSessionCookie(deps, credential);
  const tokenHash = sha256(credential);
  const session = await findSessionByToken(deps.db.kysely, tokenHash);
  if (!session) return refreshRetired(deps, mode, credential, tokenHash);
  const user = await activeSessionUser(deps, session);
  const next = nextRefreshToken(deps.config.secret, credential);
  const now = nowIso();
  const expires = new Date(Date.now() + sessionTtl(deps, mode)).toISOString();
  const rotated = await rotateSession(deps.db.kysely, session.id, tokenHash, sha256(next), expires, now);
  // Lost a race with a concurrent refresh of the same token: that one rotated; answer like it.
  if (!rotated) return refreshRetired(deps, mode, credential, tokenHash);
  await touchLastAccess(deps.db.kysely, user.id, now);
  return { sessionId: session.id, refreshToken: next, accessToken: await mintAccessToken(deps, user, session.id, mode), expires: accessTtl(deps, mode) };
}

async function refreshRetired(deps: AuthDeps, mode: AuthMode, credential: string, tokenHash: string): Promise<IssuedTokens> {
  const retired = await findRetiredToken(deps.db.kysely, tokenHash);
  if (!retired) throw errors.invalidCredentials();
  const session = await findSessionById(deps.db.kysely, retired.session);
  if (!session) throw errors.invalidCredentials();
  const next = nextRefreshToken(deps.config.secret, credential);
  const withinGrace = Date.now() - Date.parse(retired.retired_at) < deps.config.sessionRefreshGraceMs;
  if (!withinGrace || session.token !== sha256(next)) {
    // Reuse of a rotated-away token: whoever holds it is not (only) the rightful client.
    await deleteSession(deps.db.kysely, session.id);
    deps.logger.warn({ session: session.id, user: session.user }, 'refresh token reuse: session ended');
    throw errors.invalidCredentials();
  }
  const user = await activeSessionUser(deps, session);
  return { sessionId: session.id, refreshToken: next, accessToken: await mintAccessToken(deps, user, session.id, mode), expires: accessTtl(deps, mode) };
}

/**
 * Session mode: the cookie's JWT names the session; the session row decides, not the JWT's expiry.
 * The session is replaced by a new one (and the new cookie names it), and the old row survives only
 * for the grace window: an old cookie, stolen or just stale, stops working soon after a refresh.
 */
async function refreshSessionCookie(deps: AuthDeps, jwt: string): Promise<IssuedTokens> {
  const claims = await verifyAccessToken(deps.key, jwt, { allowExpired: true });
  const session = await findSessionById(deps.db.kysely, claims.session);
  if (!session) throw errors.invalidCredentials();
  const user = await activeSessionUser(deps, session);
  // Already replaced by a concurrent refresh, inside the window: answer as that one did.
  if (session.next_token) return successorCookie(deps, session.next_token);
  const now = Date.now();
  const next = {
    id: newId(),
    // Nobody holds a refresh token in session mode; the column still needs a unique, unguessable value.
    tokenHash: sha256(randomToken()),
    user: user.id,
    expires: new Date(now + sessionTtl(deps, 'session')).toISOString(),
    ip: session.ip,
    userAgent: session.user_agent,
    origin: session.origin,
  };
  const graceEnds = new Date(now + deps.config.sessionRefreshGraceMs).toISOString();
  const oldExpires = graceEnds < session.expires ? graceEnds : session.expires;
  if (!(await succeedSession(deps.db.kysely, session.id, next, oldExpires))) {
    const raced = await findSessionById(deps.db.kysely, session.id);
    if (!raced?.next_token) throw errors.invalidCredentials();
    return successorCookie(deps, raced.next_token);
  }
  await touchLastAccess(deps.db.kysely, user.id, nowIso());
  return sessionTokens(deps, user, next.id);
}

async function successorCookie(deps: AuthDeps, nextId: string): Promise<IssuedTokens> {
  const next = await findSessionById(deps.db.kysely, nextId);
  if (!next) throw errors.invalidCredentials();
  return sessionTokens(deps, await activeSessionUser(deps, next), next.id);
}

async function sessionTokens(deps: AuthDeps, user: AuthUser, sessionId: string): Promise<IssuedTokens> {
  return { sessionId, refreshToken: '', accessToken: await mintAccessToken(deps, user, sessionId, 'session'), expires: accessTtl(deps, 'session') };
}

/**
 * The session must be unexpired and its user active. A user who is no longer active loses the
 * session here, and learns why as Directus says it: USER_SUSPENDED, or INVALID_CREDENTIALS.
 */
async function activeSessionUser(deps: AuthDeps, session: { id: string; user: string | null; expires: string }): Promise<AuthUser> {
  const user = session.user ? await findAuthUser(deps.db.kysely, session.user) : undefined;
  // The user's status first: suspending a user expires their sessions, and the refresh still says why.
  if (!user || user.status !== 'active') {
    await deleteSession(deps.db.kysely, session.id);
    throw user?.status === 'suspended' ? errors.userSuspended() : errors.invalidCredentials();
  }
  if (session.expires <= nowIso()) {
    await deleteSession(deps.db.kysely, session.id);
    throw errors.invalidCredentials();
  }
  return user;
}
