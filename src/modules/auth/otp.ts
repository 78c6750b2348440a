// TOTP codes (RFC 6238, what authenticator apps speak) and one-use recovery codes.
import { generateSecret, generateURI, verifySync } from 'otplib';
import { randomInt } from 'node:crypto';
import { hashPassword, safeEqual, sha256, verifyPassword } from '../../util/crypto.js';

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
 * How a recovery code is stored: argon2id, like a password. About 50 bits is plenty against
 * guessing online (each try counts toward the lockout), but a fast hash of it could be reversed
 * offline from a copy of the database; at one argon2id hash per guess it cannot. It depends on
 * nothing but the code, so codes survive a change of SECRET.
 */
export function hashRecoveryCode(code: string): Promise<string> {
  return hashPassword(normaliseRecoveryCode(code));
}

/** Whether `code` is the one `stored` was made from: argon2id, or the plain SHA-256 of earlier versions. */
export async function recoveryCodeMatches(stored: string, code: string): Promise<boolean> {
  const normalised = normaliseRecoveryCode(code);
  if (stored.startsWith('$argon2')) return verifyPassword(stored, normalised);
  return safeEqual(stored, sha256(`recovery:${normalised}`));
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{5}-[a-z0-9]{5}$/i.test(code.trim());
}
