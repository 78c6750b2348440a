// Shared by the users, invites, registration and activity tests: the five kinds of caller the issue
// names, permission rows written straight into directus_permissions, and a snapshot of every table
// a user write touches, so a test can prove that a refused request changed nothing.
import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import type { Scenario } from '../../../test/scenario.js';

export interface Callers {
  /** A second admin is never made here: the harness admin is the only active admin. */
  admin: UserFixture;
  /** A role with app_access and no permission rows: the "minimal" rights only. */
  app: UserFixture;
  /** A role without app_access and without rows: nothing at all. */
  apiOnly: UserFixture;
  /** role null: the public rights (none on users). */
  noRole: UserFixture;
}

let serial = 0;

/** A fresh set of callers with unique emails (tests in one file share one database). */
export async function makeCallers(t: TestApp, tag = 'c'): Promise<Callers> {
  serial += 1;
  const n = `${tag}${serial}`;
  const appRole = await makeRole(t.db, { name: `App ${n}`, app: true });
  const apiRole = await makeRole(t.db, { name: `API ${n}`, app: false });
  return {
    admin: t.admin,
    app: await makeUser(t.db, { email: `app-${n}@example.com`, role: appRole.id, password: 'App-password-1' }),
    apiOnly: await makeUser(t.db, { email: `api-${n}@example.com`, role: apiRole.id }),
    noRole: await makeUser(t.db, { email: `norole-${n}@example.com`, role: null }),
  };
}

export interface Grant {
  /** CSV, as stored; default every field. */
  fields?: string | null;
  permissions?: object | null;
  validation?: object | null;
  presets?: object | null;
}

/** Writes one permission row for `role` (the /permissions routes do not exist yet). */
export async function grant(t: TestApp, role: string | null, collection: string, action: string, g: Grant = {}): Promise<void> {
  const json = (v: object | null | undefined) => (v ? JSON.stringify(v) : null);
  await t.db.kysely
    .insertInto('directus_permissions')
    .values({
      role,
      collection,
      action,
      permissions: json(g.permissions),
      validation: json(g.validation),
      presets: json(g.presets),
      fields: g.fields === undefined ? '*' : g.fields,
    })
    .execute();
}

/** A user in a role of their own, with the given permission rows on directus_users. */
export async function userWithRights(t: TestApp, email: string, grants: Partial<Record<'create' | 'read' | 'update' | 'delete', Grant>>, opts: { app?: boolean } = {}): Promise<UserFixture> {
  const role = await makeRole(t.db, { name: `Rights for ${email}`, app: opts.app ?? true });
  for (const [action, g] of Object.entries(grants)) await grant(t, role.id, 'directus_users', action, g);
  return makeUser(t.db, { email, role: role.id, password: 'Rights-password-1' });
}

/** The stored row (every column, hashes included) or undefined. */
export async function userRow(t: TestApp, id: string) {
  return t.db.kysely.selectFrom('directus_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countRows(t: TestApp, table: 'directus_users' | 'directus_sessions' | 'directus_activity' | 'directus_revisions' | 'usher_one_time_tokens'): Promise<number> {
  const row = await t.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Everything a user write may touch, in a comparable form. */
export async function snapshot(t: TestApp): Promise<unknown> {
  const k = t.db.kysely;
  return {
    users: await k.selectFrom('directus_users').selectAll().orderBy('id').execute(),
    sessions: await k.selectFrom('directus_sessions').select(['id', 'user', 'expires']).orderBy('id').execute(),
    tokens: await k.selectFrom('usher_one_time_tokens').select(['token', 'user', 'used_at', 'revoked_at']).orderBy('token').execute(),
    activity: await countRows(t, 'directus_activity'),
    revisions: await countRows(t, 'directus_revisions'),
  };
}

/** Runs `request` and checks that the database is exactly as it was before it. */
export async function expectUnchanged<T>(t: TestApp, request: () => Promise<T>): Promise<T> {
  const before = await snapshot(t);
  const result = await request();
  expect(await snapshot(t)).toEqual(before);
  return result;
}

/** The error code of a Directus error envelope. */
export function codeOf(res: { json(): unknown }): string | undefined {
  return (res.json() as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
}

/** The scenario, plus a check that the database is exactly as it was before the request. */
export function unchanged(s: Scenario): Scenario {
  let before: unknown;
  return {
    ...s,
    before: async (t) => {
      await s.before?.(t);
      before = await snapshot(t);
    },
    after: async (t, res) => {
      expect(await snapshot(t), `${s.name}: the database changed`).toEqual(before);
      await s.after?.(t, res);
    },
  };
}
