// usher_state: the two numbers every Usher process must agree on, read on every request.
// - permissions_version changes whenever a role or a permission changes (Usher's writes bump it,
//   and so do the triggers of migration 0007 for changes made in plain SQL);
// - data_version changes with every change to a user, role, permission or session row (the
//   triggers of migration 0007).
// Each request reads them with its credential (access/authenticate.ts), so each process knows on
// the very next request that what it keeps in memory is stale, whichever process made the change.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';

/** The tables whose every row change moves data_version (triggers of migration 0007). */
export const VERSIONED_TABLES: ReadonlySet<string> = new Set(['directus_users', 'directus_roles', 'directus_permissions', 'directus_sessions']);

export interface StateVersions {
  permissions: number;
  data: number;
}

export async function bumpPermissionsVersion(db: Kysely<Database>): Promise<void> {
  await sql`update usher_state set permissions_version = permissions_version + 1 where id = 1`.execute(db);
}

type StateRow = { permissions_version: unknown; data_version: unknown };
const STATE = CompiledQuery.raw('select permissions_version, data_version from usher_state where id = 1') as CompiledQuery<StateRow>;
const toVersions = (row: StateRow | undefined): StateVersions => ({
  permissions: Number(row?.permissions_version ?? 0),
  data: Number(row?.data_version ?? 0),
});

/** The versions, when the database can give them at once (see Db.readUnlessUnchanged); else null. */
export function readStateVersionsNow(db: Db): StateVersions | null {
  const rows = db.readUnlessUnchanged?.(STATE);
  return rows ? toVersions(rows[0]) : null;
}

export async function readStateVersions(db: Db): Promise<StateVersions> {
  return readStateVersionsNow(db) ?? toVersions((await db.kysely.executeQuery(STATE)).rows[0]);
}
