// The project's password policy (the `auth_password_policy` setting, a regular expression that
// /server/info publishes) turned into words a person can follow, and checked as they type. The
// server checks it again: this only saves a round trip and says what is wanted.
import { useQuery } from '@tanstack/react-query';
import { fetchServerInfo } from './session-api';

export const GENERIC_HINT = 'Use a long password you do not use anywhere else.';

/**
 * The policy as the server compiles it (src/modules/settings/password-policy.ts, which the App's
 * bundle cannot import): `/pattern/flags` or a bare pattern; null when unset or broken.
 */
export function compilePolicy(policy: string | null | undefined): RegExp | null {
  if (!policy) return null;
  const m = /^\/(.*)\/([a-z]*)$/s.exec(policy);
  try {
    return m ? new RegExp(m[1]!, m[2]!.replace(/[gy]/g, '')) : new RegExp(policy);
  } catch {
    return null;
  }
}

/** What the policy asks for, in words, for the common shapes; otherwise the pattern itself. */
export function describePolicy(policy: string | null | undefined): string {
  const re = compilePolicy(policy);
  if (!re) return GENERIC_HINT;
  const src = re.source;
  const wants: string[] = [];
  const length = /\.\{(\d+),(\d*)\}/.exec(src);
  if (length) wants.push(length[2] ? `${length[1]} to ${length[2]} characters` : `at least ${length[1]} characters`);
  if (/\(\?=\.\*(\\d|\[0-9\])\)/.test(src)) wants.push('a digit');
  if (/\(\?=\.\*\[A-Z\]\)/.test(src)) wants.push('an uppercase letter');
  if (/\(\?=\.\*\[a-z\]\)/.test(src)) wants.push('a lowercase letter');
  if (/\(\?=\.\*\[(\^a-zA-Z0-9|[^\]]*[!@#$%^&*][^\]]*)\]\)/.test(src)) wants.push('a symbol');
  const noSpaces = /\(\?!\.\*\\s\)/.test(src);
  // Only a pattern made of the pieces named above is fully described by them.
  const rest = src
    .replace(/\(\?=\^?\.\{\d+,\d*\}\$?\)|\.\{\d+,\d*\}/g, '')
    .replace(/\(\?=\.\*(\\d|\[[^\]]*\])\)/g, '')
    .replace(/\(\?!\.\*\\s\)/g, '')
    .replace(/[\^$()]|\.\*/g, '');
  if (wants.length === 0 || rest.length > 0) return `It must match the project's password policy: ${policy}`;
  const list = wants.length === 1 ? wants[0] : `${wants.slice(0, -1).join(', ')} and ${wants[wants.length - 1]}`;
  return `Use ${list}${noSpaces ? ', with no spaces' : ''}.`;
}

export interface PasswordPolicy {
  hint: string;
  /** True when the password passes the policy (or there is none). */
  check(password: string): boolean;
}

export function passwordPolicy(policy: string | null | undefined): PasswordPolicy {
  const re = compilePolicy(policy);
  return { hint: describePolicy(policy), check: (password) => re === null || re.test(password) };
}

export function usePasswordPolicy(): PasswordPolicy {
  const info = useQuery({ queryKey: ['server-info'], queryFn: fetchServerInfo, staleTime: 5 * 60_000 });
  return passwordPolicy(info.data?.auth_password_policy);
}
