// POST /auth/logout: ends the session. Its access tokens stop working on their next use, in every
// mode (Directus lets json-mode tokens live until they expire).
import { sha256 } from '../../util/crypto.js';
import { verifyAccessToken } from './access-token.js';
import { deleteSession, findRetiredToken, findSessionByToken } from './sessions.repository.js';
import type { AuthMode } from './issue-tokens.js';
import type { AuthDeps } from './auth-deps.js';

export async function logout(deps: AuthDeps, mode: AuthMode, credential: string): Promise<void> {
  const sessionId = await sessionOf(deps, mode, credential);
  if (sessionId) await deleteSession(deps.db.kysely, sessionId);
}

async function sessionOf(deps: AuthDeps, mode: AuthMode, credential: string): Promise<string | null> {
  if (mode === 'session') {
    try {
      return (await verifyAccessToken(deps.key, credential, { allowExpired: true })).session;
    } catch {
      return null; // an unknown or forged cookie ends nothing, silently, as in Directus
    }
  }
  const hash = sha256(credential);
  const session = await findSessionByToken(deps.db.kysely, hash);
  if (session) return session.id;
  return (await findRetiredToken(deps.db.kysely, hash))?.session ?? null;
}
