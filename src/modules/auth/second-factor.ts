// The second step of sign-in when TOTP is on: a code from the app (each time step accepted once)
// or one of the recovery codes (each usable once). Wrong codes count toward the lock-out.
import { errors } from '../../errors.js';
import { nowIso } from '../../util/time.js';
import { claimTfaStep } from '../users/users.repository.js';
import { markRecoveryCodeUsed, unusedRecoveryCodes } from './recovery-codes.repository.js';
import { looksLikeRecoveryCode, matchTotp, recoveryCodeMatches } from './otp.js';
import { recordFailure } from './lockout.js';
import type { AuthDeps } from './auth-deps.js';

export async function checkSecondFactor(
  deps: AuthDeps,
  user: { id: string; tfa_secret: string | null },
  otp: string | undefined,
): Promise<void> {
  if (!user.tfa_secret) return;
  // No code yet: the client learns a code is needed. Not a failure; the password was right.
  if (!otp) throw errors.invalidOtp();
  if (await acceptCode(deps, user.id, user.tfa_secret, otp)) return;
  await recordFailure(deps, user.id);
  throw errors.invalidOtp();
}

export async function acceptCode(deps: AuthDeps, userId: string, secret: string, code: string): Promise<boolean> {
  if (looksLikeRecoveryCode(code)) return useRecoveryCode(deps, userId, code);
  const step = matchTotp(secret, code.trim());
  return step !== null && (await claimTfaStep(deps.db.kysely, userId, step));
}

/** A recovery code: checked against each unused one of the user's (ten at most), used once. */
async function useRecoveryCode(deps: AuthDeps, userId: string, code: string): Promise<boolean> {
  for (const stored of await unusedRecoveryCodes(deps.db.kysely, userId)) {
    if (await recoveryCodeMatches(stored.code, code)) return markRecoveryCodeUsed(deps.db.kysely, stored.id, nowIso());
  }
  return false;
}
