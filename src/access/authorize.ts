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
import { ADMIN_POLICY, fieldAllowed, type AccessPolicy, type Action, type CollectionAccess } from './types.js';

export interface WriteCheck {
  collection: string;
  action: Exclude<Action, 'read'>;
  /** The fields the payload writes (empty for a delete). */
  fields: Iterable<string>;
  /** The rows an update or delete touches. */
  keys?: readonly (string | number)[];
  /** The payload as the client sent it, checked against the rule's validation. */
  payload?: Record<string, unknown>;
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
  if (keys.length > 0) await authorizeFieldsPerRow(db, variables, check.collection, access, check.fields, keys);
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
 * Each field written must be granted, on every key, by a rule whose row filter opens that key: a
 * rule granting `first_name` on every user, merged with the app's own "update yourself" rule, must
 * not open everyone's email and password. The policy compiles these per-field conditions once
 * per role (buildPolicy's fieldConditions); the row filter checked above covers the fields every
 * rule grants.
 */
async function authorizeFieldsPerRow(
  db: Db,
  variables: Variables,
  collection: string,
  access: CollectionAccess,
  fields: Iterable<string>,
  keys: readonly (string | number)[],
): Promise<void> {
  const checked = new Set<string>();
  for (const field of fields) {
    const condition = access.fieldConditions?.get(field);
    if (!condition) continue;
    const signature = JSON.stringify(condition);
    if (checked.has(signature)) continue;
    checked.add(signature);
    if ((await countRows(db, collection, keys, condition, variables)) !== new Set(keys).size) throw errors.forbidden();
  }
}
