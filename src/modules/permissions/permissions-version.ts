// One number that changes whenever a role or a permission changes. Every request reads it in the
// same query that checks its credential, so each Usher process knows on the very next request that
// its cached rules are stale, whichever process made the change.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export async function bumpPermissionsVersion(db: Kysely<Database>): Promise<void> {
  await sql`update usher_state set permissions_version = permissions_version + 1 where id = 1`.execute(db);
}

export async function readPermissionsVersion(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ v: unknown }>`select permissions_version as v from usher_state where id = 1`.execute(db);
  return Number(rows[0]?.v ?? 0);
}

