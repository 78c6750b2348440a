// A role's permission rows seen as a grid: each collection × action is All, None or Custom.
// All = one rule with every field and no row filter; None = no rule; Custom = anything else.
import type { Action, PermissionRow } from '../api/types';
import { collectionInfo } from './collections';

export const ACTIONS: Action[] = ['create', 'read', 'update', 'delete'];
export type CellState = 'all' | 'none' | 'custom';

function isEmpty(value: Record<string, unknown> | null | undefined): boolean {
  return !value || Object.keys(value).length === 0;
}

export function rowsFor(rows: PermissionRow[], collection: string, action: Action): PermissionRow[] {
  return rows.filter((r) => r.collection === collection && r.action === action);
}

export function cellState(rows: PermissionRow[], collection: string, action: Action): CellState {
  const mine = rowsFor(rows, collection, action);
  if (mine.length === 0) return 'none';
  const full = mine.some((r) => isEmpty(r.permissions) && isEmpty(r.validation) && (r.fields ?? []).includes('*'));
  return full ? 'all' : 'custom';
}

/** The rule that "All access" writes. */
export function allAccessRule(role: string, collection: string, action: Action): Omit<PermissionRow, 'id'> {
  return { role, collection, action, permissions: {}, validation: null, presets: null, fields: ['*'] };
}

/** Create has no existing rows to filter: its condition checks the new item (validation). */
export function conditionKey(action: Action): 'permissions' | 'validation' {
  return action === 'create' ? 'validation' : 'permissions';
}

export const OPERATORS = new Set([
  '_eq', '_neq', '_lt', '_lte', '_gt', '_gte', '_in', '_nin', '_null', '_nnull', '_empty', '_nempty', '_contains', '_ncontains',
  '_icontains', '_nicontains', '_starts_with', '_nstarts_with', '_istarts_with', '_nistarts_with', '_ends_with', '_nends_with',
  '_iends_with', '_niends_with', '_between', '_nbetween', '_ieq', '_nieq',
]);
const LIST_OPERATORS = new Set(['_in', '_nin']);
const PAIR_OPERATORS = new Set(['_between', '_nbetween']);
const BOOLEAN_OPERATORS = new Set(['_null', '_nnull', '_empty', '_nempty']);

export type FilterCheck = { ok: true; value: Record<string, unknown> | null } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks a row filter typed as JSON before it is sent: valid JSON, an object, known fields of the
 * collection (through many-to-one relations too), known operators with values of the right shape.
 * Empty text means no filter. The server checks again and has the last word.
 */
export function checkFilter(text: string, collection: string): FilterCheck {
  if (text.trim() === '') return { ok: true, value: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${(err as Error).message}. Use double quotes around names and text.` };
  }
  if (!isObject(parsed)) return { ok: false, error: 'The filter must be a JSON object, like {"status": {"_eq": "active"}}.' };
  const problem = checkNode(parsed, collection, '');
  return problem ? { ok: false, error: problem } : { ok: true, value: Object.keys(parsed).length === 0 ? null : parsed };
}

function checkNode(node: Record<string, unknown>, collection: string, path: string): string | null {
  const info = collectionInfo(collection);
  for (const [key, value] of Object.entries(node)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value) || !value.every(isObject)) return `"${here}" must be a list of filter objects.`;
      for (const part of value) {
        const p = checkNode(part, collection, here);
        if (p) return p;
      }
      continue;
    }
    if (key.startsWith('_')) return `"${here}" is not allowed here: start with a field name, _and or _or.`;
    if (info && !info.fields.includes(key)) return `"${key}" is not a field of ${info.label.toLowerCase()} (${collection}).`;
    if (!isObject(value)) return `"${here}" needs an operator, like {"_eq": …}.`;
    const keys = Object.keys(value);
    if (keys.length === 0) return `"${here}" needs an operator, like {"_eq": …}.`;
    const related = info?.relations[key];
    if (keys.every((k) => !k.startsWith('_'))) {
      if (!related) return `"${key}" is not a relation; compare it with an operator like {"_eq": …}.`;
      const p = checkNode(value, related, here);
      if (p) return p;
      continue;
    }
    for (const op of keys) {
      const p = checkOperator(op, value[op], `${here}.${op}`);
      if (p) return p;
    }
  }
  return null;
}

function checkOperator(op: string, value: unknown, where: string): string | null {
  if (op === '_some' || op === '_none') return isObject(value) ? null : `"${where}" must be a filter object.`;
  if (!OPERATORS.has(op)) return `"${op}" is not a filter operator (use _eq, _neq, _in, _contains, _null, …).`;
  if (LIST_OPERATORS.has(op) && !Array.isArray(value) && typeof value !== 'string') return `"${where}" needs a list of values.`;
  if (PAIR_OPERATORS.has(op) && !(Array.isArray(value) && value.length === 2) && typeof value !== 'string') return `"${where}" needs two values: [from, to].`;
  if (BOOLEAN_OPERATORS.has(op) && typeof value !== 'boolean' && value !== 'true' && value !== 'false') return `"${where}" needs true or false.`;
  if (isObject(value)) return `"${where}" needs a value, not an object.`;
  return null;
}

/** The checklist's answer as the API stores it: every field is '*'. */
export function fieldsValue(selected: string[], all: string[]): string[] {
  return all.every((f) => selected.includes(f)) ? ['*'] : all.filter((f) => selected.includes(f));
}

export function selectedFields(row: PermissionRow | undefined, all: string[]): string[] {
  const fields = row?.fields ?? [];
  return fields.includes('*') ? [...all] : all.filter((f) => fields.includes(f));
}
