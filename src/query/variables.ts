// Dynamic values in filters: $CURRENT_USER, $CURRENT_ROLE, $NOW and $NOW(<offset>).
import { errors } from '../errors.js';

export interface Variables {
  user: string | null;
  role: string | null;
  now: Date;
  /** Dotted forms such as $CURRENT_USER.email: resolved in permission rules, null in request filters. */
  userFields?: Record<string, unknown>;
  roleFields?: Record<string, unknown>;
}

const NOW_OFFSET = /^\$NOW\(\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*(milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|months?|years?|y)\s*\)$/i;

const UNIT_MS: [RegExp, number][] = [
  [/^(ms|milliseconds?)$/i, 1],
  [/^(s|secs?|seconds?)$/i, 1000],
  [/^(m|mins?|minutes?)$/i, 60_000],
  [/^(h|hrs?|hours?)$/i, 3_600_000],
  [/^(d|days?)$/i, 86_400_000],
  [/^(w|weeks?)$/i, 604_800_000],
];

function resolveNow(text: string, now: Date): string {
  if (text === '$NOW') return now.toISOString();
  const m = NOW_OFFSET.exec(text);
  if (!m) throw errors.invalidQuery(`Invalid $NOW offset "${text}"`);
  const sign = m[1] === '-' ? -1 : 1;
  const amount = Number(m[2]) * sign;
  const unit = m[3]!;
  const d = new Date(now.getTime());
  if (/^months?$/i.test(unit)) d.setUTCMonth(d.getUTCMonth() + amount);
  else if (/^(y|years?)$/i.test(unit)) d.setUTCFullYear(d.getUTCFullYear() + amount);
  else d.setTime(d.getTime() + amount * UNIT_MS.find(([re]) => re.test(unit))![1]);
  return d.toISOString();
}

function resolveString(value: string, vars: Variables): unknown {
  if (!value.startsWith('$')) return value;
  if (value === '$CURRENT_USER') return vars.user;
  if (value === '$CURRENT_ROLE') return vars.role;
  if (value.startsWith('$NOW')) return resolveNow(value, vars.now);
  if (value.startsWith('$CURRENT_USER.')) return vars.userFields?.[value.slice('$CURRENT_USER.'.length)] ?? null;
  if (value.startsWith('$CURRENT_ROLE.')) return vars.roleFields?.[value.slice('$CURRENT_ROLE.'.length)] ?? null;
  return value;
}

/** Operators whose string value is a comma-separated list (`_between=$NOW(-7 days),$NOW`). */
const LIST_OPERATORS = new Set(['_in', '_nin', '_between', '_nbetween']);

/**
 * Returns a copy of `value` with every variable replaced. A list operator's CSV string is split
 * first, as Directus does, so that each item can be a variable.
 */
export function substituteVariables(value: unknown, vars: Variables): unknown {
  if (typeof value === 'string') return resolveString(value, vars);
  if (Array.isArray(value)) return value.map((v) => substituteVariables(v, vars));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const items = LIST_OPERATORS.has(k) && typeof v === 'string' ? (v === '' ? [] : v.split(',')) : v;
      out[k] = substituteVariables(items, vars);
    }
    return out;
  }
  return value;
}
