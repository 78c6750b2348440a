// Bootstraps a fresh database (migrations + the admin with a known static token) and seeds users
// with batched multi-row inserts, a transaction per group of batches, and a progress bar.
import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import { sql } from 'kysely';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/index.js';
import type { NewUserRow } from '../src/db/schema.js';
import { bootstrap } from '../src/modules/bootstrap/bootstrap.service.js';
import { insertRole } from '../src/modules/roles/roles.repository.js';
import { hashPassword, randomToken, sha256 } from '../src/util/crypto.js';
import { createRandom, LOGIN_PASSWORD, loginEmail, makeUserRow, READER_EMAIL, type SeedRoles } from './seed-data.js';

/** Bound parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER and PostgreSQL's wire limit. */
const PARAM_LIMIT = { sqlite: 32_766, postgres: 65_535 } as const;
/** Rows per INSERT, below the limit; larger statements stop paying off well before it. */
const MAX_ROWS_PER_INSERT = 1_000;
/** INSERTs per transaction: big enough to amortise the commit, small enough to show progress. */
const INSERTS_PER_TRANSACTION = 10;

/** Users seeded with a password (argon2id at Usher's parameters) for the login scenario. */
export const LOGIN_POOL = 100;

export interface SeedResult {
  adminId: string;
  roles: SeedRoles;
  /** A non-admin whose role reads only the users of the Editor role (a row filter). */
  reader: { id: string; token: string; roleId: string };
  users: number;
  seconds: number;
  rowsPerInsert: number;
}

export async function seedDatabase(db: Db, config: Config, users: number): Promise<SeedResult> {
  const boot = await bootstrap(db, config);
  if (!boot.admin) throw new Error('bench: the database was not fresh (bootstrap found users)');
  const roles = await insertRoles(db);
  const started = performance.now();
  const rowsPerInsert = await insertUsers(db, roles, users);
  const seconds = (performance.now() - started) / 1000;
  const reader = await insertReader(db, roles);
  await insertLoginUsers(db, roles);
  // The planner's statistics after a bulk load, as autovacuum would gather them a little later.
  // SQLite is left as Usher leaves it (no ANALYZE), so its plans are the ones users get.
  if (db.dialect === 'postgres') await sql`analyze`.execute(db.kysely);
  return { adminId: boot.admin.id, roles, reader, users, seconds, rowsPerInsert };
}

/**
 * The "Bench Reader" role (app access, not admin) may read the users of the Editor role only,
 * every field: the row filter issue 5 wants within 20% of the admin's list. Its user has a static
 * token (stored hashed, as Usher stores them).
 */
async function insertReader(db: Db, roles: SeedRoles): Promise<SeedResult['reader']> {
  const roleId = randomUUID();
  await insertRole(db.kysely, { id: roleId, name: 'Bench Reader', icon: 'visibility', enforce_tfa: false, admin_access: false, app_access: true });
  await db.kysely
    .insertInto('directus_permissions')
    .values([
      { role: roleId, collection: 'directus_users', action: 'read', permissions: JSON.stringify({ role: { _eq: roles.ids[0] } }), fields: '*' },
      { role: roleId, collection: 'directus_roles', action: 'read', permissions: null, fields: '*' },
    ])
    .execute();
  const id = randomUUID();
  const token = randomToken(32);
  await db.kysely
    .insertInto('directus_users')
    .values({ id, email: READER_EMAIL, email_lower: READER_EMAIL, first_name: 'Bench', last_name: 'Reader', status: 'active', role: roleId, token: sha256(token), provider: 'default' })
    .execute();
  return { id, token, roleId };
}

/** LOGIN_POOL users with a real argon2id hash each (the only hashing the seed does). */
async function insertLoginUsers(db: Db, roles: SeedRoles): Promise<void> {
  const hash = await hashPassword(LOGIN_PASSWORD);
  // One hash for all: a hash embeds its own salt, and verifying costs the same whichever it is.
  const rows: NewUserRow[] = Array.from({ length: LOGIN_POOL }, (_, i) => ({
    id: randomUUID(),
    email: loginEmail(i),
    email_lower: loginEmail(i),
    password: hash,
    status: 'active',
    role: roles.ids[1]!,
    provider: 'default',
  }));
  await db.kysely.insertInto('directus_users').values(rows).execute();
}

/** Ids to PATCH (one pool) and DELETE (10,000 per run), taken from the seeded users of the Viewer and Editor roles. */
export async function pickUserPools(db: Db, roles: SeedRoles, patch: number, del: number): Promise<{ patchIds: string[]; deleteIds: string[] }> {
  const patchIds = (await db.kysely.selectFrom('directus_users').select('id').where('role', '=', roles.ids[1]!).where('password', 'is', null).orderBy('id').limit(patch).execute()).map((r) => r.id);
  const deleteIds = (await db.kysely.selectFrom('directus_users').select('id').where('role', '=', roles.ids[0]!).orderBy('id', 'desc').limit(del).execute()).map((r) => r.id);
  return { patchIds, deleteIds };
}

async function insertRoles(db: Db): Promise<SeedRoles> {
  const editor = randomUUID();
  const viewer = randomUUID();
  await insertRole(db.kysely, { id: editor, name: 'Editor', icon: 'edit', enforce_tfa: false, admin_access: false, app_access: true });
  await insertRole(db.kysely, { id: viewer, name: 'Viewer', icon: 'visibility', enforce_tfa: false, admin_access: false, app_access: false });
  return { ids: [editor, viewer] };
}

async function insertUsers(db: Db, roles: SeedRoles, total: number): Promise<number> {
  const random = createRandom(20_261_203);
  const now = Date.now();
  const columns = Object.keys(makeUserRow(0, createRandom(1), roles, now, randomUUID)).length;
  const rowsPerInsert = Math.min(MAX_ROWS_PER_INSERT, Math.floor(PARAM_LIMIT[db.dialect] / columns));
  const perTransaction = rowsPerInsert * INSERTS_PER_TRANSACTION;

  const bar = new cliProgress.SingleBar(
    { format: 'seeding users [{bar}] {percentage}% | {value}/{total} | {rate} rows/s | ETA {eta}s', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  const started = performance.now();
  try {
    for (let done = 0; done < total; ) {
      const size = Math.min(perTransaction, total - done);
      await db.kysely.transaction().execute(async (trx) => {
        for (let offset = 0; offset < size; offset += rowsPerInsert) {
          const rows: NewUserRow[] = [];
          const n = Math.min(rowsPerInsert, size - offset);
          for (let k = 0; k < n; k++) rows.push(makeUserRow(done + offset + k, random, roles, now, randomUUID));
          await trx.insertInto('directus_users').values(rows).execute();
        }
      });
      done += size;
      bar.update(done, { rate: Math.round(done / ((performance.now() - started) / 1000)) });
    }
  } finally {
    bar.stop();
  }
  return rowsPerInsert;
}
