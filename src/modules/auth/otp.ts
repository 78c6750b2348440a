// TOTP codes (RFC 6238, what authenticator apps speak) and one-use recovery codes.
import { generateSecret, generateURI, verifySync } from 'otplib';
import { createHmac, randomInt } from 'node:crypto';
import { sha256 } from '../../util/crypto.js';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, issuer: string, label: string): string {
  return generateURI({ issuer, label, secret });
}

/** The time step a code matched (one step of clock drift either way), or null. */
export function matchTotp(secret: string, code: string): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = verifySync({ secret, token: code, epochTolerance: 30 });
    return result.valid && 'timeStep' in result ? (result.timeStep as number) : null;
  } catch {
    return null;
  }
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes like `k7m2p-9qxr4`: 10 characters of 31, about 50 bits each, shown once. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    // randomInt draws without modulo bias.
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function normaliseRecoveryCode(code: string): string {
  return code.trim().toLowerCase();
}

/**
 * How a recovery code is stored: an HMAC keyed by the server's SECRET and bound to its user. About
 * 50 bits is plenty against guessing online (each try counts toward the lockout), but a plain hash
 * of it could be reversed offline from a copy of the database; without the SECRET it cannot.
 */
export function hashRecoveryCode(key: Uint8Array, userId: string, code: string): string {
  return createHmac('sha256', key).update(`usher-recovery-code:${userId}:${normaliseRecoveryCode(code)}`).digest('hex');
}

/** The hashes a code may be stored under: the keyed one, and the plain SHA-256 of earlier versions. */
export function recoveryCodeHashes(key: Uint8Array, userId: string, code: string): string[] {
  return [hashRecoveryCode(key, userId, code), sha256(`recovery:${normaliseRecoveryCode(code)}`)];
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{5}-[a-z0-9]{5}$/i.test(code.trim());
}
