// Evaluates a filter against one object in memory. Only for payloads (a permission's `validation`
// rule checks what a client sends); rows are always filtered by the database.

type Obj = Record<string, unknown>;

export interface ValidationFailure {
  field: string;
  type: string;
  expected: unknown;
}

/** Returns the first failed condition, or null when the payload satisfies the filter. */
export function validatePayload(filter: Obj, payload: Obj): ValidationFailure | null {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '_and') {
      for (const sub of cond as Obj[]) {
        const f = validatePayload(sub, payload);
        if (f) return f;
      }
      continue;
    }
    if (key === '_or') {
      const subs = cond as Obj[];
      const failures = subs.map((sub) => validatePayload(sub, payload));
      if (subs.length > 0 && failures.every((f) => f !== null)) return failures[0]!;
      continue;
    }
    if (!cond || typeof cond !== 'object') continue;
    for (const [op, expected] of Object.entries(cond as Obj)) {
      if (!op.startsWith('_')) continue; // nested relational rules do not apply to payloads
      if (!check(op, payload[key], expected, key in payload)) return { field: key, type: op.slice(1), expected };
    }
  }
  return null;
}

function check(op: string, value: unknown, expected: unknown, present: boolean): boolean {
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const list = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v]);
  switch (op) {
    case '_submitted':
      return present;
    case '_eq':
      return value === expected || (value !== null && value !== undefined && str(value) === str(expected));
    case '_neq':
      return !(value === expected || (value !== null && value !== undefined && str(value) === str(expected)));
    case '_in':
      return list(expected).some((e) => str(e) === str(value));
    case '_nin':
      return !list(expected).some((e) => str(e) === str(value));
    case '_null':
      return (value === null || value === undefined) === !!expected;
    case '_nnull':
      return (value !== null && value !== undefined) === !!expected;
    case '_empty':
      return (value === null || value === undefined || value === '') === !!expected;
    case '_nempty':
      return (value !== null && value !== undefined && value !== '') === !!expected;
    case '_contains':
      return str(value).includes(str(expected));
    case '_ncontains':
      return !str(value).includes(str(expected));
    case '_icontains':
      return str(value).toLowerCase().includes(str(expected).toLowerCase());
    case '_starts_with':
      return str(value).startsWith(str(expected));
    case '_ends_with':
      return str(value).endsWith(str(expected));
    case '_regex':
      try {
        return new RegExp(str(expected)).test(str(value));
      } catch {
        return false;
      }
    case '_lt':
      return Number(value) < Number(expected);
    case '_lte':
      return Number(value) <= Number(expected);
    case '_gt':
      return Number(value) > Number(expected);
    case '_gte':
      return Number(value) >= Number(expected);
    default:
      return true;
  }
}
