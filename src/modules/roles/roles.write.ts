// Creating, changing and deleting roles, including the role's `users` (the App's *Users in Role*
// field): reading it lists the members, writing it moves users in or out. Only admins may grant
// admin access or move users; the last admin role and the last active admin are protected.
import type { Kysely } from 'kysely';
import { errors } from '../../errors.js';
import type { Database, NewRoleRow, RolesTable } from '../../db/schema.js';
import type { Updateable } from 'kysely';
import { authorizeWrite } from '../../access/authorize.js';
import { newId } from '../../util/crypto.js';
import { nowIso } from '../../util/time.js';
import { recordActivity } from '../activity/activity.service.js';
import { countActiveAdmins } from '../users/users.repository.js';
import { bumpPermissionsVersion } from '../permissions/usher-state.js';
import type { ItemChange, ItemWriteContext, ItemWriter, Key } from '../items.write-routes.js';
import { parseIpAccess } from './ip-access.js';
import { toBool } from '../../db/index.js';
import { expireSessionsOfUsers } from '../auth/sessions.repository.js';
import { revokeOneTimeTokensOfUsers } from '../tokens/one-time-tokens.repository.js';

const COLLECTION = 'directus_roles';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = new Set(['name', 'icon', 'description', 'ip_access', 'enforce_tfa', 'admin_access', 'app_access', 'users']);
const ADMIN_ONLY = new Set(['admin_access', 'users']);
const BOOLEAN_COLUMNS = new Set<string>(['enforce_tfa', 'admin_access', 'app_access']);

interface PreparedRole {
  id?: string;
  row: Updateable<RolesTable>;
  fields: Set<string>;
  /** The members after the write: `set` replaces the list; `add`/`remove` change it. */
  users?: { set?: string[]; add: string[]; remove: string[] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function prepareRole(payload: unknown, mode: 'create' | 'update'): PreparedRole {
  if (!isObject(payload)) throw errors.invalidPayload('A role must be an object');
  const prepared: PreparedRole = { row: {}, fields: new Set() };
  const row = prepared.row as Record<string, unknown>;
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'id') {
      if (mode === 'create') {
        if (typeof value !== 'string' || !UUID.test(value)) throw errors.failedValidation('id', 'uuid', 'Value has to be a valid UUID.');
        prepared.id = value.toLowerCase();
      }
      continue;
    }
    if (!FIELDS.has(field)) throw errors.invalidPayload(`"${field}" is not a field of "directus_roles"`);
    prepared.fields.add(field);
    switch (field) {
      case 'name':
        if (typeof value !== 'string' || value.trim() === '') throw errors.failedValidation('name', 'required', 'Value is required.');
        if (value.length > 100) throw errors.valueTooLong(COLLECTION, 'name');
        row.name = value.trim();
        break;
      case 'icon':
        if (typeof value !== 'string' || value === '') throw errors.failedValidation('icon', 'string', 'Value has to be a string.');
        if (value.length > 30) throw errors.valueTooLong(COLLECTION, 'icon');
        row.icon = value;
        break;
      case 'description':
        if (value !== null && typeof value !== 'string') throw errors.failedValidation('description', 'string', 'Value has to be a string.');
        row.description = value;
        break;
      case 'ip_access':
        row.ip_access = parseIpAccess(value);
        break;
      case 'users':
        prepared.users = parseMembers(value);
        break;
      default:
        if (typeof value !== 'boolean') throw errors.failedValidation(field, 'boolean', 'Value has to be true or false.');
        row[field] = value;
    }
  }
  if (mode === 'create' && !prepared.fields.has('name')) throw errors.failedValidation('name', 'required', 'Value is required.');
  return prepared;
}

/** `users` as an array of ids (the whole list), or Directus's {create, update, delete} alias form. */
function parseMembers(value: unknown): NonNullable<PreparedRole['users']> {
  const ids = (list: unknown, what: string): string[] => {
    if (!Array.isArray(list)) throw errors.invalidPayload(`"users.${what}" must be an array`);
    return list.map((v) => {
      const id = isObject(v) ? v.id : v;
      if (typeof id !== 'string' || !UUID.test(id)) throw errors.failedValidation('users', 'uuid', 'Each user has to be a user id.');
      return id.toLowerCase();
    });
  };
  if (Array.isArray(value)) return { set: ids(value, 'set'), add: [], remove: [] };
  if (isObject(value)) {
    if (Array.isArray(value.create) && value.create.length > 0) throw errors.invalidPayload('Users can\'t be created through a role; create them, then add them');
    return { add: value.update === undefined ? [] : ids(value.update, 'update'), remove: value.delete === undefined ? [] : ids(value.delete, 'delete') };
  }
  throw errors.invalidPayload('"users" must be an array of user ids');
}

function assertAdminOnly(ctx: ItemWriteContext, fields: Set<string>): void {
  if (ctx.policy.admin) return;
  for (const f of fields) if (ADMIN_ONLY.has(f)) throw errors.forbidden({ reason: `Only admins may change "${f}"` });
}

function assertBatchSize(ctx: ItemWriteContext, n: number): void {
  if (n > ctx.maxBatch) throw errors.invalidPayload(`Exceeded max batch mutation limit of ${ctx.maxBatch}`);
}

/** The rule's presets go under the payload (the payload wins), as in Directus. */
function withPresets(item: PreparedRole, presets: Record<string, unknown>, payload: unknown, mode: 'create' | 'update'): PreparedRole {
  if (Object.keys(presets).length === 0) return item;
  const merged = prepareRole({ ...presets, ...(payload as object) }, mode);
  return { ...merged, id: item.id };
}

async function applyMembers(trx: Kysely<Database>, role: string, members: NonNullable<PreparedRole['users']>): Promise<void> {
  const wanted = [...(members.set ?? []), ...members.add];
  if (wanted.length > 0) {
    const found = await trx.selectFrom('directus_users').select('id').where('id', 'in', wanted).execute();
    if (found.length !== new Set(wanted).size) throw errors.invalidForeignKey('directus_users', 'id');
  }
  if (members.set) {
    let out = trx.updateTable('directus_users').set({ role: null }).where('role', '=', role);
    if (members.set.length > 0) out = out.where('id', 'not in', members.set);
    await out.execute();
  }
  if (members.remove.length > 0) await trx.updateTable('directus_users').set({ role: null }).where('role', '=', role).where('id', 'in', members.remove).execute();
  if (wanted.length > 0) await trx.updateTable('directus_users').set({ role }).where('id', 'in', wanted).execute();
}

async function assertAdminRemains(trx: Kysely<Database>, before: number): Promise<void> {
  if (before > 0 && (await countActiveAdmins(trx)) === 0) throw errors.unprocessable("You can't remove the last admin role or its last active user");
}

export const rolesWriter: ItemWriter = {
  async create(ctx, payloads) {
    assertBatchSize(ctx, payloads.length);
    const prepared: PreparedRole[] = [];
    for (const p of payloads) {
      const item = prepareRole(p, 'create');
      assertAdminOnly(ctx, item.fields);
      const { presets } = await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'create', fields: [...item.fields], payload: p as Record<string, unknown> });
      prepared.push(withPresets(item, presets, p, 'create'));
    }
    const now = nowIso();
    const ids: string[] = [];
    await ctx.db.kysely.transaction().execute(async (trx) => {
      for (const item of prepared) {
        const id = item.id ?? newId();
        ids.push(id);
        const row: NewRoleRow = { icon: 'supervised_user_circle', enforce_tfa: false, admin_access: false, app_access: true, ...(item.row as object), id, name: item.row.name! } as NewRoleRow;
        await trx.insertInto('directus_roles').values(row).execute();
        if (item.users) await applyMembers(trx, id, item.users);
        await recordActivity(trx, { action: 'create', accountability: ctx.accountability, collection: COLLECTION, item: id, timestamp: now, data: { ...row }, delta: { ...row } });
      }
      await bumpPermissionsVersion(trx);
    });
    return ids;
  },

  async update(ctx, changes: ItemChange[]) {
    assertBatchSize(ctx, changes.reduce((n, c) => n + c.keys.length, 0));
    const planned: { keys: string[]; item: PreparedRole }[] = [];
    for (const change of changes) {
      const item = prepareRole(change.data, 'update');
      assertAdminOnly(ctx, item.fields);
      const keys = change.keys.map(String);
      const { presets } = await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'update', fields: [...item.fields], keys, payload: change.data as Record<string, unknown> });
      if (item.users && keys.length !== 1) throw errors.invalidPayload('"users" can only be set on one role at a time');
      planned.push({ keys, item: withPresets(item, presets, change.data, 'update') });
    }
    const now = nowIso();
    const all = [...new Set(planned.flatMap((p) => p.keys))];
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const adminsBefore = await countActiveAdmins(trx);
      for (const { keys, item } of planned) {
        const columns = Object.keys(item.row) as (keyof RolesTable)[];
        const before = columns.length > 0 ? new Map((await trx.selectFrom('directus_roles').selectAll().where('id', 'in', keys).execute()).map((r) => [r.id, r])) : new Map();
        if (columns.length > 0) await trx.updateTable('directus_roles').set(item.row).where('id', 'in', keys).execute();
        if (item.users) await applyMembers(trx, keys[0]!, item.users);
        for (const key of keys) {
          const was = before.get(key);
          await recordActivity(trx, {
            action: 'update',
            accountability: ctx.accountability,
            collection: COLLECTION,
            item: key,
            timestamp: now,
            delta: { ...item.row, ...(item.users ? { users: item.users } : {}) },
            before: was ? Object.fromEntries(columns.map((c) => [c, BOOLEAN_COLUMNS.has(c) ? toBool(was[c]) : (was[c] ?? null)])) : null,
          });
        }
      }
      await assertAdminRemains(trx, adminsBefore);
      await bumpPermissionsVersion(trx);
    });
    return all;
  },

  /** Deleting a role leaves its users without a role, suspended, as Directus does. */
  async remove(ctx, keys: Key[]) {
    const unique = [...new Set(keys.map(String))];
    assertBatchSize(ctx, unique.length);
    if (unique.length === 0) return;
    await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'delete', fields: [], keys: unique });
    const now = nowIso();
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const adminRolesLeft = await trx.selectFrom('directus_roles').select('id').where('admin_access', '=', true).where('id', 'not in', unique).executeTakeFirst();
      const deletingAdminRole = await trx.selectFrom('directus_roles').select('id').where('admin_access', '=', true).where('id', 'in', unique).executeTakeFirst();
      if (deletingAdminRole && !adminRolesLeft) throw errors.unprocessable("You can't delete the last admin role");
      const adminsBefore = await countActiveAdmins(trx);
      const members = (await trx.selectFrom('directus_users').select('id').where('role', 'in', unique).execute()).map((u) => u.id);
      await trx.updateTable('directus_users').set({ role: null, status: 'suspended' }).where('role', 'in', unique).execute();
      // Suspended for good, as a suspension by hand: their sessions end (see users.write.ts).
      await expireSessionsOfUsers(trx, members, now);
      await revokeOneTimeTokensOfUsers(trx, members, 'password-reset', now);
      await trx.deleteFrom('directus_permissions').where('role', 'in', unique).execute();
      await trx.deleteFrom('directus_roles').where('id', 'in', unique).execute();
      await assertAdminRemains(trx, adminsBefore);
      for (const key of unique) await recordActivity(trx, { action: 'delete', accountability: ctx.accountability, collection: COLLECTION, item: key, timestamp: now });
      await bumpPermissionsVersion(trx);
    });
  },
};
