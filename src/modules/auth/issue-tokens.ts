// Opening a session and minting the tokens for it.
import { createHmac } from 'node:crypto';
import { newId, randomToken, sha256 } from '../../util/crypto.js';
import { signAccessToken } from './access-token.js';
import { insertSession } from './sessions.repository.js';
import type { AuthDeps, RequestMeta } from './auth-deps.js';
import type { AuthUser } from '../users/users.repository.js';
import { toBool } from '../../db/index.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export type AuthMode = 'json' | 'cookie' | 'session';

export interface IssuedTokens {
  sessionId: string;
  accessToken: string;
  /** The refresh token in clear: shown to the client once, stored only as its SHA-256. */
  refreshToken: string;
  /** Access-token lifetime in milliseconds, as Directus reports it. */
  expires: number;
}

/** Session-mode access tokens live as long as the session cookie; others for ACCESS_TOKEN_TTL. */
export function accessTtl(deps: AuthDeps, mode: AuthMode): number {
  return mode === 'session' ? deps.config.sessionCookieTtlMs : deps.config.accessTokenTtlMs;
}

export function sessionTtl(deps: AuthDeps, mode: AuthMode): number {
  return mode === 'session' ? deps.config.sessionCookieTtlMs : deps.config.refreshTokenTtlMs;
}

export function mintAccessToken(deps: AuthDeps, user: AuthUser, sessionId: string, mode: AuthMode): Promise<string> {
  return signAccessToken(
    deps.key,
    {
      id: user.id,
      role: user.role,
      app_access: toBool(user.app_access),
      admin_access: toBool(user.admin_access),
      session: sessionId,
      ...(toBool(user.enforce_tfa) ? { enforce_tfa: true } : {}),
    },
    accessTtl(deps, mode),
  );
}

/**
 * Opens a session for `user` and mints its tokens. `db` is the executor to write the session with:
 * the caller's transaction when the sign-in writes more than the session (login writes the user's
 * last_access and the activity row with it, in one commit).
 */
export async function openSession(deps: AuthDeps, user: AuthUser, mode: AuthMode, meta: RequestMeta, db: Kysely<Database> = deps.db.kysely): Promise<IssuedTokens> {
  const sessionId = newId();
  const refreshToken = randomToken(32);
  await insertSession(db, {
    id: sessionId,
    tokenHash: sha256(refreshToken),
    user: user.id,
    expires: new Date(Date.now() + sessionTtl(deps, mode)).toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent,
    origin: meta.origin,
  });
  return { sessionId, refreshToken, accessToken: await mintAccessToken(deps, user, sessionId, mode), expires: accessTtl(deps, mode) };
}

/**
 * The refresh token that follows `token`. Derived (HMAC with SECRET) rather than random so that
 * two concurrent refreshes with the same token, inside the grace window, get the same successor
 * without Usher ever storing a refresh token in clear.
 */
export function nextRefreshToken(secret: string, token: string): string {
  return createHmac('sha256', secret).update(`usher-refresh:${token}`).digest('base64url');
}
