// Creating, changing and deleting users: validate -> authorize -> check uniqueness and references
// -> write in one transaction (all or nothing) -> record activity. A request that answers with an
// error has changed nothing: rights are checked before the write.
import type { Kysely } from 'kysely';
import { errors } from '../../errors.js';
import type { Db } from '../../db/index.js';
import type { Database, NewUserRow, UserRow, UserRowUpdate } from '../../db/schema.js';
import type { AccessPolicy, Accountability } from '../../access/types.js';
import { authorizeWrite } from '../../access/authorize.js';
import type { Variables } from '../../query/variables.js';
import { hashPassword, newId } from '../../util/crypto.js';
import { nowIso } from '../../util/time.js';
import { withoutDeleteMerge } from '../../db/search-upkeep.js';
import { readSettings } from '../settings/settings.repository.js';
import { existingRoleIds } from '../roles/roles.repository.js';
import { deleteRetiredTokensOfUsers, deleteUserSessions, expireSessionsOfUsers } from '../auth/sessions.repository.js';
import { revokeOneTimeTokensOfUsers } from '../tokens/one-time-tokens.repository.js';
import { recordActivities, recordActivity } from '../activity/activity.service.js';
import { ADMIN_ONLY_FIELDS, PREFERENCE_FIELDS } from './users.fields.js';
import { prepareUser, type PreparedUser } from './users.validate.js';
import {
  countActiveAdmins,
  deleteUsersByIds,
  findUserEmailsByIds,
  findUsersByIds,
  insertUsers,
  takenEmails,
  tokenTaken,
  updateUsersColumns,
} from './users.repository.js';

export interface WriteContext {
  db: Db;
  accountability: Accountability;
  policy: AccessPolicy;
  variables: Variables;
  maxBatch: number;
}

export interface UserChange {
  keys: string[];
  data: unknown;
}

const COLLECTION = 'directus_users';

export async function createUsers(ctx: WriteContext, payloads: unknown[]): Promise<string[]> {
  assertBatchSize(ctx, payloads.length);
  const { auth_password_policy: policy } = await readSettings(ctx.db.kysely);
  const prepared: PreparedUser[] = [];
  for (const payload of payloads) {
    let item = prepareUser(payload, 'create', policy);
    assertAdminOnly(ctx, item.fields);
    const { presets } = await authorizeWrite(ctx.db, ctx.policy, ctx.variables, {
      collection: COLLECTION,
      action: 'create',
      fields: item.fields,
      payload: payload as Record<string, unknown>,
    });
    if (Object.keys(presets).length > 0) {
      item = prepareUser({ ...presets, ...(payload as object) }, 'create', policy);
      // A rule's presets must not set what the caller may not: admin-only fields stay admin-only.
      assertAdminOnly(ctx, item.fields);
    }
    prepared.push(item);
  }
  await assertUnique(ctx.db.kysely, prepared, []);
  await assertRolesExist(ctx.db.kysely, prepared);

  const rows: NewUserRow[] = await Promise.all(
    prepared.map(async (p) => ({
      status: 'active',
      provider: 'default',
      ...(p.row as object),
      id: p.row.id ?? newId(),
      password: p.password ? await hashPassword(p.password) : null,
    }) as NewUserRow),
  );
  const now = nowIso();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await insertUsers(trx, rows);
    for (const row of rows) {
      await recordActivity(trx, { action: 'create', accountability: ctx.accountability, collection: COLLECTION, item: row.id, timestamp: now, data: { ...row }, delta: { ...row } });
    }
  });
  return rows.map((r) => r.id);
}

/** One or more changes, each to a set of keys, applied together or not at all. */
export async function updateUsers(ctx: WriteContext, changes: UserChange[]): Promise<string[]> {
  assertBatchSize(ctx, changes.reduce((n, c) => n + c.keys.length, 0));
  const { auth_password_policy: policy } = await readSettings(ctx.db.kysely);
  const planned: { keys: string[]; item: PreparedUser }[] = [];
  for (const change of changes) {
    let item = prepareUser(change.data, 'update', policy);
    assertAdminOnly(ctx, item.fields);
    assertPreferencesOwn(ctx, item.fields, change.keys);
    if (item.row.email && new Set(change.keys).size > 1) throw errors.notUnique(COLLECTION, 'email');
    if (item.row.token && new Set(change.keys).size > 1) throw errors.notUnique(COLLECTION, 'token');
    const { presets } = await authorizeWrite(ctx.db, ctx.policy, ctx.variables, {
      collection: COLLECTION,
      action: 'update',
      fields: item.fields,
      keys: change.keys,
      payload: change.data as Record<string, unknown>,
    });
    if (Object.keys(presets).length > 0) {
      item = prepareUser({ ...presets, ...(change.data as object) }, 'update', policy);
      // A rule's presets must not set what the caller may not: admin-only fields and others' preferences.
      assertAdminOnly(ctx, item.fields);
      assertPreferencesOwn(ctx, item.fields, change.keys);
    }
    planned.push({ keys: [...new Set(change.keys)], item });
  }
  const allKeys = [...new Set(planned.flatMap((p) => p.keys))];
  // Two items of one batch may not take the same email or token between them: the database
  // would refuse the second write (a 500) where the answer is RECORD_NOT_UNIQUE.
  assertDistinct(planned.map((p) => p.item));
  for (const p of planned) await assertUnique(ctx.db.kysely, [p.item], p.keys);
  await assertRolesExist(ctx.db.kysely, planned.map((p) => p.item));
  const hashes = await Promise.all(planned.map((p) => (p.item.password ? hashPassword(p.item.password) : null)));

  const now = nowIso();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // Only a change of status or role can take away the last active admin.
    const touchesAdmins = planned.some(({ item }) => item.row.status !== undefined || item.row.role !== undefined);
    const adminsBefore = touchesAdmins ? await countActiveAdmins(trx) : 0;
    const before = new Map((await findUsersByIds(trx, allKeys)).map((u) => [u.id, u]));
    for (const [i, { keys, item }] of planned.entries()) {
      const values: UserRowUpdate = { ...item.row };
      if (item.password !== undefined) values.password = hashes[i];
      await updateUsersColumns(trx, keys, values);
      if (item.password !== undefined) {
        // A new password ends every other session: whoever knew the old one is signed out.
        for (const key of keys) await deleteUserSessions(trx, key, key === ctx.accountability.user ? ctx.accountability.session : null);
      }
    }
    await assertAdminRemains(trx, adminsBefore);
    const after = new Map((await findUsersByIds(trx, allKeys)).map((u) => [u.id, u]));
    await endCredentialsOnStatusChange(trx, before, after, now);
    for (const key of allKeys) await recordUpdate(trx, ctx, key, before.get(key), after.get(key), now);
  });
  return allKeys;
}

export async function deleteUsers(ctx: WriteContext, keys: string[]): Promise<void> {
  const unique = [...new Set(keys)];
  assertBatchSize(ctx, unique.length);
  if (unique.length === 0) return;
  await authorizeWrite(ctx.db, ctx.policy, ctx.variables, { collection: COLLECTION, action: 'delete', fields: [], keys: unique });
  const now = nowIso();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const adminsBefore = await countActiveAdmins(trx);
    const doomed = await findUserEmailsByIds(trx, unique);
    await deleteRetiredTokensOfUsers(trx, unique);
    // Sessions, one-time tokens (invites, resets) and recovery codes go with the row (ON DELETE
    // CASCADE). The search index keeps tombstones for them, merged away after (search-upkeep.ts).
    await withoutDeleteMerge(trx, () => deleteUsersByIds(trx, unique));
    await assertAdminRemains(trx, adminsBefore);
    // The log keeps what happened, and who it was: the id and the email at the time; a few
    // multi-row statements however many users went.
    await recordActivities(
      trx,
      doomed.map((user) => ({ action: 'delete', accountability: ctx.accountability, collection: COLLECTION, item: user.id, timestamp: now, data: { id: user.id, email: user.email } })),
    );
  });
  void ctx.db.tidySearchIndex?.();
}

/**
 * A user who stops being active loses every credential for good, not only while inactive: their
 * sessions end and their password-reset links die, so making them active again revives nothing
 * (the static token, an admin's setting, stays; it is refused while they are not active). An
 * invitation or a registration link dies when the status it was for is changed by hand.
 */
async function endCredentialsOnStatusChange(trx: Kysely<Database>, before: Map<string, UserRow>, after: Map<string, UserRow>, now: string): Promise<void> {
  const left = (status: string) => [...after.values()].filter((u) => before.get(u.id)?.status === status && u.status !== status).map((u) => u.id);
  const deactivated = left('active');
  if (deactivated.length > 0) {
    await expireSessionsOfUsers(trx, deactivated, now);
    await revokeOneTimeTokensOfUsers(trx, deactivated, 'password-reset', now);
  }
  const uninvited = left('invited');
  if (uninvited.length > 0) await revokeOneTimeTokensOfUsers(trx, uninvited, 'invite', now);
  const unregistered = left('unverified');
  if (unregistered.length > 0) await revokeOneTimeTokensOfUsers(trx, unregistered, 'registration', now);
}

async function recordUpdate(trx: Kysely<Database>, ctx: WriteContext, key: string, before: UserRow | undefined, after: UserRow | undefined, now: string) {
  if (!after) return;
  const delta: Record<string, unknown> = {};
  const was: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (before?.[k as keyof UserRow] === v) continue;
    delta[k] = v;
    was[k] = before?.[k as keyof UserRow] ?? null;
  }
  if (Object.keys(delta).length === 0) return;
  const comment = delta.status !== undefined ? `status: ${before?.status ?? 'none'} -> ${after.status}` : null;
  await recordActivity(trx, { action: 'update', accountability: ctx.accountability, collection: COLLECTION, item: key, timestamp: now, data: { ...after }, delta, before: was, comment });
}

function assertBatchSize(ctx: WriteContext, n: number): void {
  if (n > ctx.maxBatch) throw errors.invalidPayload(`Exceeded max batch mutation limit of ${ctx.maxBatch}`);
}

/** status, role, token, provider, external_identifier and auth_data: admins only, whatever a rule says. */
function assertAdminOnly(ctx: WriteContext, fields: Set<string>): void {
  if (ctx.policy.admin) return;
  for (const f of fields) if (ADMIN_ONLY_FIELDS.has(f)) throw errors.forbidden({ reason: `Only admins may change "${f}"` });
}

/** Preferences belong to their user: only they (or an admin) may write them. */
function assertPreferencesOwn(ctx: WriteContext, fields: Set<string>, keys: string[]): void {
  if (ctx.policy.admin) return;
  if (![...fields].some((f) => PREFERENCE_FIELDS.has(f))) return;
  if (keys.some((k) => k !== ctx.accountability.user)) throw errors.forbidden({ reason: 'Preferences can only be changed by their user' });
}

/** No two items set the same email (whatever its case) or the same static token. */
function assertDistinct(items: PreparedUser[]): void {
  const emails = items.map((i) => i.row.email_lower).filter((e): e is string => typeof e === 'string');
  if (new Set(emails).size !== emails.length) throw errors.notUnique(COLLECTION, 'email');
  const tokens = items.map((i) => i.row.token).filter((t): t is string => typeof t === 'string');
  if (new Set(tokens).size !== tokens.length) throw errors.notUnique(COLLECTION, 'token');
}

async function assertUnique(db: Kysely<Database>, items: PreparedUser[], exceptIds: string[]): Promise<void> {
  assertDistinct(items);
  const emails = items.map((i) => i.row.email_lower).filter((e): e is string => typeof e === 'string');
  if ((await takenEmails(db, emails, exceptIds)).length > 0) throw errors.notUnique(COLLECTION, 'email');
  const tokens = items.map((i) => i.row.token).filter((t): t is string => typeof t === 'string');
  for (const t of tokens) if (await tokenTaken(db, t, exceptIds)) throw errors.notUnique(COLLECTION, 'token');
}

async function assertRolesExist(db: Kysely<Database>, items: PreparedUser[]): Promise<void> {
  const roles = [...new Set(items.map((i) => i.row.role).filter((r): r is string => typeof r === 'string'))];
  const existing = await existingRoleIds(db, roles);
  if (roles.some((r) => !existing.has(r))) throw errors.invalidForeignKey(COLLECTION, 'role');
}

/** The last active admin cannot be deleted, deactivated or moved out of admin access. */
async function assertAdminRemains(trx: Kysely<Database>, adminsBefore: number): Promise<void> {
  if (adminsBefore > 0 && (await countActiveAdmins(trx)) === 0) {
    throw errors.unprocessable("You can't remove the last active admin user");
  }
}
