// Access tokens are JWTs shaped as Directus makes them (issuer "directus", HS256 with SECRET), and
// always name their session, so that ending the session ends the token on its next use.
import { errors as joseErrors, jwtVerify, decodeProtectedHeader } from 'jose';
import { createHmac, webcrypto } from 'node:crypto';
import { errors } from '../../errors.js';

type CryptoKey = webcrypto.CryptoKey;

export interface AccessClaims {
  id: string;
  role: string | null;
  app_access: boolean;
  admin_access: boolean;
  session: string;
  enforce_tfa?: boolean;
}

const ISSUER = 'directus';

export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** The secret imported once as a WebCrypto HMAC key: given raw bytes, jose imports them on every verification. */
const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function hmacKey(key: Uint8Array): Promise<CryptoKey> {
  let k = imported.get(key);
  if (!k) {
    k = webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    imported.set(key, k);
  }
  return k;
}

/**
 * An HS256 JWT, signed here with node:crypto's HMAC rather than through jose: jose signs with
 * WebCrypto, which queues each signature on libuv's thread pool behind the password hashes of
 * every sign-in in flight. The token is the same: the header jose writes, the claims, then
 * `iss`, `iat` and `exp`; jose verifies it (verifyAccessToken, and a test signs one each way).
 */
export async function signAccessToken(key: Uint8Array, claims: AccessClaims, ttlMs: number, nowMs = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const payload = { ...claims, iss: ISSUER, iat, exp: iat + Math.max(1, Math.round(ttlMs / 1000)) };
  const body = `${JWT_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Anything shaped like a JWT is verified as one; anything else is a static token. */
export function looksLikeJwt(token: string): boolean {
  if (verified.has(token)) return true;
  if (!token.startsWith('eyJ') || token.split('.').length !== 3) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies signature, issuer and expiry. Expired is 401 TOKEN_EXPIRED; anything else wrong is
 * 403 INVALID_TOKEN, as in Directus. `allowExpired` serves session-mode refresh, where the session
 * row, not the cookie's own expiry, decides.
 */
export async function verifyAccessToken(key: Uint8Array, token: string, opts: { allowExpired?: boolean } = {}): Promise<AccessClaims> {
  const known = verified.get(token);
  if (known && known.key === key) {
    if (!opts.allowExpired && Math.floor(Date.now() / 1000) >= known.exp) throw errors.tokenExpired();
    return known.claims;
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, await hmacKey(key), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: opts.allowExpired ? new Date(0) : undefined,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw errors.tokenExpired();
    throw errors.invalidToken();
  }
  if (typeof payload.id !== 'string' || typeof payload.session !== 'string' || !('role' in payload)) throw errors.invalidToken();
  const claims = Object.freeze(payload) as unknown as AccessClaims;
  // Only what jose checked and this cache can check again by itself: the signature (the same for
  // the same text and key) and the expiry. A token with any other time claim is verified each time.
  if (typeof payload.exp === 'number' && payload.nbf === undefined && !opts.allowExpired) {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
    verified.set(token, { key, exp: payload.exp, claims });
  }
  return claims;
}

/**
 * Access tokens whose signature was verified, so that a client sending the same token on every
 * request pays for HMAC and JSON once. This is about the token's text only: the session behind it
 * is still looked up on every request (access/authenticate.ts), so ending it still ends the token.
 */
const verified = new Map<string, { key: Uint8Array; exp: number; claims: AccessClaims }>();
const VERIFIED_CACHE_SIZE = 10_000;
