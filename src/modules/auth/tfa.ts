// Two-factor setup for the signed-in user: generate (after the password), enable (after one good
// code; hands out ten recovery codes once), disable (with a code), and an admin's reset.
import { errors } from '../../errors.js';
import { verifyPassword } from '../../util/crypto.js';
import { findTfaUser, findUserById, setTfaSecret } from '../users/users.repository.js';
import { readSettings } from '../settings/settings.repository.js';
import { deleteRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.repository.js';
import { hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, totpUri } from './otp.js';
import { acceptCode } from './second-factor.js';
import { isLocked, recordFailure } from './lockout.js';
import type { AuthDeps } from './auth-deps.js';

/**
 * A guess at the password or at a code made from a signed-in session counts toward the lock-out
 * like one at sign-in, and a locked account cannot keep guessing: otherwise a stolen token would be
 * an unlimited oracle for the password (generate) or the second factor (disable).
 */
async function guess(deps: AuthDeps, user: { id: string; locked_until: string | null }, check: () => Promise<boolean>): Promise<boolean> {
  if (isLocked(user.locked_until)) return false;
  if (await check()) return true;
  await recordFailure(deps, user.id);
  return false;
}

export async function generateTfa(deps: AuthDeps, userId: string, password: string): Promise<{ secret: string; otpauth_url: string }> {
  const user = await findUserById(deps.db.kysely, userId);
  const hash = user?.password;
  if (!user || !hash || !(await guess(deps, user, () => verifyPassword(hash, password)))) throw errors.invalidCredentials();
  if (user.tfa_secret) throw errors.invalidPayload('TFA Secret is already set for this user');
  if (!user.email) throw errors.invalidPayload('User must have a valid email to enable TFA');
  const { project_name } = await readSettings(deps.db.kysely);
  const secret = newTotpSecret();
  return { secret, otpauth_url: totpUri(secret, project_name, user.email) };
}

export async function enableTfa(deps: AuthDeps, userId: string, secret: string, otp: string): Promise<{ recovery_codes: string[] }> {
  const user = await findTfaUser(deps.db.kysely, userId);
  if (!user) throw errors.invalidCredentials();
  if (user.tfa_secret) throw errors.invalidPayload('TFA Secret is already set for this user');
  if (!/^[A-Z2-7]{16,128}=*$/.test(secret)) throw errors.invalidPayload('"secret" is invalid');
  const step = matchTotp(secret, otp);
  if (step === null) throw errors.invalidPayload('"otp" is invalid');
  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  await deps.db.kysely.transaction().execute(async (trx) => {
    // The code used to enable counts as used: it cannot sign in a second time.
    await setTfaSecret(trx, userId, secret, step);
    await replaceRecoveryCodes(trx, userId, hashes);
  });
  return { recovery_codes: codes };
}

export async function disableOwnTfa(deps: AuthDeps, userId: string, otp: string): Promise<void> {
  const user = await findUserById(deps.db.kysely, userId);
  const secret = user?.tfa_secret;
  if (!user || !secret) throw errors.invalidPayload('TFA is not enabled for this user');
  if (!(await guess(deps, user, () => acceptCode(deps, userId, secret, otp)))) throw errors.invalidPayload('"otp" is invalid');
  await clearTfa(deps, userId);
}

export async function clearTfa(deps: AuthDeps, userId: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    await setTfaSecret(trx, userId, null, null);
    await deleteRecoveryCodes(trx, userId);
  });
}
