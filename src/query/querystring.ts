// Parses a query string with the bracket syntax Directus clients send
// (`filter[status][_eq]=active`, `fields[]=id`, `filter[_or][0][a][_eq]=1`) into nested objects.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Node = { [key: string]: Node | string | Node[] | string[] } | string | (Node | string)[];

export function parseQueryString(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!text) return out;
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = splitKey(rawKey);
    if (path.length === 0 || path.some((k) => FORBIDDEN_KEYS.has(k))) continue;
    assign(out, path, value);
  }
  return normaliseArrays(out) as Record<string, unknown>;
}

/** `a[b][c]` -> ['a','b','c']; `a[]` -> ['a','']. Malformed keys are kept whole. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const head = key.slice(0, open);
  const rest = key.slice(open);
  const parts: string[] = [head];
  const re = /\[([^\[\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) return [key];
    parts.push(m[1]!);
    consumed = m.index + m[0].length;
  }
  return consumed === rest.length ? parts : [key];
}

/** Own properties only: `toString` or `valueOf` in a query string must not pick up Object.prototype's. */
const own = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined);

function assign(target: Record<string, unknown>, path: string[], value: string): void {
  let node: Record<string, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextKey = path[i + 1]!;
    let child = own(node, key);
    if (nextKey === '') {
      // `key[]=v`: an array at `key` (only as the last step).
      if (i + 1 === path.length - 1) {
        if (!Array.isArray(child)) node[key] = child === undefined ? [] : [child];
        (node[key] as unknown[]).push(value);
        return;
      }
    }
    if (child === null || typeof child !== 'object' || Array.isArray(child)) {
      child = {};
      node[key] = child;
    }
    node = child as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  const existing = own(node, last);
  if (existing === undefined) node[last] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else node[last] = [existing, value];
}

/** Objects whose keys are exactly 0..n-1 become arrays (`_or[0]`, `_or[1]`). */
function normaliseArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseArrays);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = normaliseArrays(obj[k]);
  if (keys.length > 0 && keys.every((k, i) => /^\d+$/.test(k)) && keys.map(Number).sort((a, b) => a - b).every((n, i) => n === i)) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => obj[k]);
  }
  return obj;
}

export type { Node };
