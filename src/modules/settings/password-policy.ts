import { errors } from '../../errors.js';
// The `auth_password_policy` setting: a regular expression, optionally written as /.../flags.

export function compilePasswordPolicy(policy: string | null): RegExp | null {
  if (!policy) return null;
  const m = /^\/(.*)\/([a-z]*)$/s.exec(policy);
  try {
    return m ? new RegExp(m[1]!, m[2]!.replace(/[gy]/g, '')) : new RegExp(policy);
  } catch {
    // A broken policy must not lock everyone out of setting passwords silently; treat it as unset
    // and let the settings endpoint refuse invalid patterns when they are written.
    return null;
  }
}

/** Longer passwords are refused: argon2 does not need them and a policy regex should not see them. */
export const MAX_PASSWORD_LENGTH = 1024;

export function checkPasswordPolicy(policy: string | null, password: string): boolean {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const re = compilePasswordPolicy(policy);
  return re === null || re.test(password);
}

/** 400 FAILED_VALIDATION when the policy refuses the password; the password is never echoed. */
export function assertPasswordPolicy(policy: string | null, password: string): void {
  if (!checkPasswordPolicy(policy, password)) {
    throw errors.failedValidation('password', 'regex', "The password doesn't satisfy the password policy.");
  }
}
