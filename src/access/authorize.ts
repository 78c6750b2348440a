// Rights for writes, checked before anything is written: which fields, which rows (the rule's
// filter, run by the database), whether the payload passes the rule's validation, and the presets.
import { sql } from 'kysely';
import { errors } from '../errors.js';
import type { Db } from '../db/index.js';
import { getCollection } from '../query/collections.js';
import { and, col, compileFilter } from '../query/filter.js';
import { newScope } from '../query/run.js';
import { substituteVariables, type Variables } from '../query/variables.js';
import { validatePayload } from '../query/evaluate.js';
import type { Filter } from '../query/types.js';
import { rulesForRole } from '../modules/permissions/permissions.repository.js';
import { APP_MINIMAL_RULES, type PermissionRule } from './policy.js';
import { ADMIN_POLICY, fieldAllowed, type AccessPolicy, type Accountability, type Action } from './types.js';

export interface WriteCheck {
  collection: string;
  action: Exclude<Action, 'read'>;
  /** The fields the payload writes (empty for a delete). */
  fields: Iterable<string>;
  /** The rows an update or delete touches. */
  keys?: readonly (string | number)[];
  /** The payload as the client sent it, checked against the rule's validation. */
  payload?: Record<string, unknown>;
  /**
   * The permission rows behind `policy`, one rule each (see `callerRules`). With them, each field
   * is checked against the rows of the rules that grant that field, not against the union of
   * every rule's rows: a row granting `first_name` on every user, merged with the app's own
   * "update yourself" rule, must not open everyone's email and password.
   */
  rules?: readonly PermissionRule[];
}

export interface WriteGrant {
  /** Values the rule presets; the service merges them under the payload. */
  presets: Record<string, unknown>;
}

export async function authorizeWrite(db: Db, policy: AccessPolicy, variables: Variables, check: WriteCheck): Promise<WriteGrant> {
  const collection = getCollection(check.collection);
  if (!collection) throw new Error(`Unknown collection ${check.collection}`);
  const keys = check.keys ?? [];
  if (policy.admin) {
    // Missing rows answer 403, as for anyone: all or nothing.
    if (keys.length > 0 && (await countRows(db, check.collection, keys, null, variables)) !== new Set(keys).size) throw errors.forbidden();
    return { presets: {} };
  }
  const access = policy.can(check.collection, check.action);
  if (!access) throw errors.forbidden();
  for (const field of check.fields) if (!fieldAllowed(access, field)) throw errors.forbidden();
  if (keys.length > 0 && (await countRows(db, check.collection, keys, access.filter, variables)) !== new Set(keys).size) {
    throw errors.forbidden();
  }
  if (keys.length > 0 && check.rules) await authorizeFieldsPerRow(db, variables, check, keys);
  const presets = (access.presets ? substituteVariables(access.presets, variables) : {}) as Record<string, unknown>;
  if (access.validation && check.payload) {
    const rule = substituteVariables(access.validation, variables) as Filter;
    const failure = validatePayload(rule, { ...presets, ...check.payload });
    if (failure) {
      throw errors.failedValidation(failure.field, failure.type, `Value doesn't pass the "${failure.type}" rule of your role.`, {
        valid: failure.expected,
      });
    }
  }
  return { presets };
}

/** How many of `keys` exist and match the rule (null: any row). */
async function countRows(db: Db, collectionName: string, keys: readonly (string | number)[], rule: Filter | null, variables: Variables): Promise<number> {
  const collection = getCollection(collectionName)!;
  const ctx = { db, access: ADMIN_POLICY, variables, limits: { default: 1, max: 1 } };
  const scope = { ...newScope(ctx), checkAccess: false };
  const alias = scope.nextAlias();
  const conditions = [sql`${col(alias, collection.primaryKey)} in (${sql.join([...new Set(keys)].map((k) => sql`${k}`))})`];
  if (rule) conditions.push(compileFilter(scope, collection, alias, substituteVariables(rule, variables)));
  const { rows } = await sql<{ count: unknown }>`select count(*) as count from ${sql.table(collection.table)} as ${sql.id(alias)} where ${and(conditions)}`.execute(db.kysely);
  return Number(rows[0]?.count ?? 0);
}

/**
 * The rules that make up a caller's rights, unmerged, as buildPolicy composes them for writes.
 * (Only the app's minimal rules and the role's rows can grant a write.)
 */
export async function callerRules(db: Db, accountability: Accountability): Promise<PermissionRule[]> {
  if (accountability.admin) return [];
  return [...(accountability.app ? APP_MINIMAL_RULES : []), ...(await rulesForRole(db.kysely, accountability.role))];
}

/** Every key must match, for each field written, the row filter of some rule that grants that field. */
async function authorizeFieldsPerRow(db: Db, variables: Variables, check: WriteCheck, keys: readonly (string | number)[]): Promise<void> {
  const rules = check.rules!.filter((r) => r.collection === check.collection && r.action === check.action);
  const checked = new Set<string>();
  for (const field of check.fields) {
    const granting = rules.filter((r) => r.fields !== null && (r.fields.includes('*') || r.fields.includes(field)));
    if (granting.length === 0) throw errors.forbidden();
    const filters = granting.map((r) => (r.permissions && Object.keys(r.permissions).length > 0 ? r.permissions : null));
    if (filters.includes(null)) continue; // a rule that grants the field on every row
    const filter: Filter = filters.length === 1 ? filters[0]! : { _or: filters as Filter[] };
    const signature = JSON.stringify(filter);
    if (checked.has(signature)) continue;
    checked.add(signature);
    if ((await countRows(db, check.collection, keys, filter, variables)) !== new Set(keys).size) throw errors.forbidden();
  }
}
