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

export function checkPasswordPolicy(policy: string | null, password: string): boolean {
  const re = compilePasswordPolicy(policy);
  return re === null || re.test(password);
}
