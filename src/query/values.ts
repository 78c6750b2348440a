// How stored values read back through the API.
import { toBool } from '../db/index.js';
import type { FieldDef } from './collections.js';

export const MASK = '**********';

export function readValue(field: FieldDef, v: unknown): unknown {
  if (v === undefined) return null;
  if (field.concealed) return v === null || v === '' ? null : MASK;
  if (v === null) return null;
  switch (field.type) {
    case 'boolean':
      return toBool(v);
    case 'integer':
      return Number(v);
    case 'json':
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    case 'csv':
      return typeof v === 'string' ? (v === '' ? [] : v.split(',')) : v;
    default:
      return v;
  }
}
