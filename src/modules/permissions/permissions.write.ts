// Permission rows: a role (or null, the public), a collection, an action, a row filter
// (`permissions`), a payload `validation`, `presets` and `fields`. Filters are checked against the
// collection's fields when written, so a typo fails loudly instead of silently matching nothing.
import { errors, UsherError } from '../../errors.js';
import type { Updateable } from 'kysely';
import type { PermissionsTable } from '../../db/schema.js';
import { authorizeWrite } from '../../access/authorize.js';
import { ADMIN_POLICY } from '../../access/types.js';
import { collections, getCollection } from '../../query/collections.js';
import { compileFilter } from '../../query/filter.js';
import { newScope } from '../../query/run.js';
import { nowIso } from '../../util/time.js';
import { recordActivity } from '../activity/activity.service.js';
import { existingRoleIds } from '../roles/roles.repository.js';
import { SETTINGS_COLLECTION, SETTINGS_FIELDS } from '../settings/settings.fields.js';
import { ADMIN_ONLY_FIELDS } from '../users/users.fields.js';
import { bumpPermissionsVersion } from './usher-state.js';
import type { ItemChange, ItemWriter, Key } from '../items.write-routes.js';

const COLLECTION = 'directus_permissions';
const ACTIONS = ['create', 'read', 'update', 'delete'];
const FIELDS = new Set(['role', 'collection', 'action', 'permissions', 'validation', 'presets', 'fields']);
/** Usher's collections, and the settings singleton (served by /settings, not the query language). */
const PERMISSION_COLLECTIONS = [...Object.keys(collections), SETTINGS_COLLECTION];

interface Prepared {
  row: Updateable<PermissionsTable>;
  fields: Set<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function prepare(payload: unknown, mode: 'create' | 'update', current?: { collection: string; action: string }): Prepared {
  if (!isObject(payload)) throw errors.invalidPayload('A permission must be an object');
  const out: Prepared = { row: {}, fields: new Set() };
  const row = out.row as Record<string, unknown>;
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'id') continue;
    if (!FIELDS.has(field)) throw errors.invalidPayload(`"${field}" is not a field of "directus_permissions"`);
    out.fields.add(field);
    if (field === 'role') {
      if (value !== null && typeof value !== 'string') throw errors.failedValidation('role', 'uuid', 'Value has to be a role id or null (the public role).');
      row.role = value;
    } else if (field === 'collection') {
      if (typeof value !== 'string' || !PERMISSION_COLLECTIONS.includes(value)) {
        throw errors.failedValidation('collection', 'in', `Value has to be one of ${PERMISSION_COLLECTIONS.join(', ')}.`, { valid: PERMISSION_COLLECTIONS });
      }
      row.collection = value;
    } else if (field === 'action') {
      if (typeof value !== 'string' || !ACTIONS.includes(value)) throw errors.failedValidation('action', 'in', `Value has to be one of ${ACTIONS.join(', ')}.`, { valid: ACTIONS });
      row.action = value;
    } else if (field === 'fields') {
      const list = value === null ? null : Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
      if (list === undefined || (list && !list.every((f) => typeof f === 'string'))) throw errors.failedValidation('fields', 'array', 'Value has to be a list of field names.');
      row.fields = list === null ? null : list.map((f: string) => f.trim()).filter(Boolean).join(',');
    } else {
      if (value !== null && !isObject(value)) throw errors.failedValidation(field, 'object', 'Value has to be an object or null.');
      row[field] = value === null ? null : JSON.stringify(value);
    }
  }
  if (mode === 'create') {
    for (const f of ['collection', 'action']) if (!out.fields.has(f)) throw errors.failedValidation(f, 'required', 'Value is required.');
  }
  checkAgainstCollection(out.row, current);
  return out;
}

/** Field names in `fields` and filters in `permissions`/`validation` must exist in the collection. */
function checkAgainstCollection(row: Updateable<PermissionsTable>, current?: { collection: string; action: string }): void {
  const name = (row.collection as string | undefined) ?? current?.collection ?? '';
  if (name === SETTINGS_COLLECTION) return checkSettingsRule(row, current);
  const collection = getCollection(name);
  if (!collection) return;
  if (typeof row.fields === 'string') {
    for (const f of row.fields.split(',')) {
      if (f !== '*' && !Object.hasOwn(collection.fields, f)) throw errors.failedValidation('fields', 'in', `"${f}" is not a field of "${collection.name}".`);
    }
  }
  for (const key of ['permissions', 'validation'] as const) {
    const text = row[key];
    if (typeof text !== 'string') continue;
    try {
      const scope = newScope({ db: null as never, access: ADMIN_POLICY, variables: { user: null, role: null, now: new Date() }, limits: { default: 1, max: 1 } });
      compileFilter({ ...scope, checkAccess: false }, collection, 'v', JSON.parse(text));
    } catch (err) {
      if (err instanceof UsherError) throw errors.failedValidation(key, 'filter', err.message.replace(/^Invalid query\. /, ''));
      throw err;
    }
  }
  if (collection.name === 'directus_users' && typeof row.presets === 'string') {
    // status, role, token ... are admin-only whatever a rule says: a preset could never apply.
    const adminOnly = Object.keys((JSON.parse(row.presets) as object | null) ?? {}).filter((f) => ADMIN_ONLY_FIELDS.has(f));
    if (adminOnly.length > 0) {
      throw errors.failedValidation('presets', 'admin_only', `Only admins may set "${adminOnly[0]}": a rule can't preset it.`, { invalid: adminOnly });
    }
  }
}

/**
 * Settings are one row that only admins change (PATCH /settings), so a rule on them can only
 * grant reading, of every field or some, with no row filter: anything else would look like a
 * right Usher does not give.
 */
function checkSettingsRule(row: Updateable<PermissionsTable>, current?: { action: string }): void {
  const action = (row.action as string | undefined) ?? current?.action;
  if (action !== undefined && action !== 'read') {
    throw errors.failedValidation('action', 'in', 'Settings can only be changed by admins; a rule on "directus_settings" can only grant "read".', { valid: ['read'] });
  }
  for (const key of ['permissions', 'validation', 'presets'] as const) {
    const text = row[key];
    if (typeof text === 'string' && Object.keys(JSON.parse(text)).length > 0) {
      throw errors.failedValidation(key, 'null', `"directus_settings" is a single row: a rule on it takes no ${key}.`);
    }
  }
  if (typeof row.fields === 'string') {
    for (const f of row.fields.split(',')) {
      if (f !== '*' && !SETTINGS_FIELDS.includes(f)) throw errors.failedValidation('fields', 'in', `"${f}" is not a field of "directus_settings".`);
    }
  }
}

export const permissionsWriter: ItemWriter = {
  async create(ctx, payloads) {
    if (payloads.length > ctx.maxBatch) throw errors.invalidPayload(`Exceeded max batch mutation limit of ${ctx.maxBatch}`);
    const prepared: Prepared[] = [];
    for (const p of payloads) {
      const item = prepare(p, 'create');
      const { presets } = await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'create', fields: [...item.fields], payload: p as Record<string, unknown> });
      prepared.push(Object.keys(presets).length > 0 ? prepare({ ...presets, ...(p as object) }, 'create') : item);
    }
    const roles = [...new Set(prepared.map((p) => p.row.role).filter((r): r is string => typeof r === 'string'))];
    const existing = await existingRoleIds(ctx.db.kysely, roles);
    if (roles.some((r) => !existing.has(r))) throw errors.invalidForeignKey(COLLECTION, 'role');
    const now = nowIso();
    const ids: number[] = [];
    await ctx.db.kysely.transaction().execute(async (trx) => {
      for (const item of prepared) {
        const { id } = await trx
          .insertInto('directus_permissions')
          .values({ role: null, permissions: null, validation: null, presets: null, fields: null, ...(item.row as object), collection: item.row.collection!, action: item.row.action! })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(Number(id));
        await recordActivity(trx, { action: 'create', accountability: ctx.accountability, collection: COLLECTION, item: String(id), timestamp: now, delta: { ...item.row } });
      }
      await bumpPermissionsVersion(trx);
    });
    return ids;
  },

  async update(ctx, changes: ItemChange[]) {
    const planned: { keys: number[]; item: Prepared }[] = [];
    for (const change of changes) {
      const keys = change.keys.map(Number);
      const currentRows = await ctx.db.kysely.selectFrom('directus_permissions').select(['id', 'collection', 'action']).where('id', 'in', keys).execute();
      const item = prepare(change.data, 'update', currentRows[0]);
      // Each row is checked against its own collection: one change may span several.
      for (const current of currentRows.slice(1)) prepare(change.data, 'update', current);
      const { presets } = await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'update', fields: [...item.fields], keys, payload: change.data as Record<string, unknown> });
      planned.push({ keys, item: Object.keys(presets).length > 0 ? prepare({ ...presets, ...(change.data as object) }, 'update', currentRows[0]) : item });
    }
    const roles = [...new Set(planned.map((p) => p.item.row.role).filter((r): r is string => typeof r === 'string'))];
    const existing = await existingRoleIds(ctx.db.kysely, roles);
    if (roles.some((r) => !existing.has(r))) throw errors.invalidForeignKey(COLLECTION, 'role');
    const now = nowIso();
    await ctx.db.kysely.transaction().execute(async (trx) => {
      for (const { keys, item } of planned) {
        if (Object.keys(item.row).length > 0) await trx.updateTable('directus_permissions').set(item.row).where('id', 'in', keys).execute();
        for (const key of keys) await recordActivity(trx, { action: 'update', accountability: ctx.accountability, collection: COLLECTION, item: String(key), timestamp: now, delta: { ...item.row } });
      }
      await bumpPermissionsVersion(trx);
    });
    return [...new Set(planned.flatMap((p) => p.keys))];
  },

  async remove(ctx, keys: Key[]) {
    const unique = [...new Set(keys.map(Number))];
    if (unique.length === 0) return;
    await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'delete', fields: [], keys: unique });
    const now = nowIso();
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('directus_permissions').where('id', 'in', unique).execute();
      for (const key of unique) await recordActivity(trx, { action: 'delete', accountability: ctx.accountability, collection: COLLECTION, item: String(key), timestamp: now });
      await bumpPermissionsVersion(trx);
    });
  },
};
