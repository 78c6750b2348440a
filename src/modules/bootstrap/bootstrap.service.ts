// First-run setup: migrations, the Administrator role and an active admin user. Running it again
// only runs pending migrations.
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { migrate } from '../../db/migrate.js';
import { generatePassword, hashPassword, newId, sha256 } from '../../util/crypto.js';
import { normaliseEmail } from '../../util/email.js';
import { insertRole } from '../roles/roles.repository.js';
import { anyUsers, insertUser } from '../users/users.repository.js';
import { updateSettings } from '../settings/settings.repository.js';

export interface BootstrapResult {
  migrated: string[];
  admin: null | { id: string; email: string; role: string; generatedPassword: string | null };
}

export async function bootstrap(db: Db, config: Config): Promise<BootstrapResult> {
  const { results } = await migrate(db, 'latest');
  const migrated = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (await anyUsers(db.kysely)) return { migrated, admin: null };

  const generatedPassword = config.admin.password ? null : generatePassword();
  const passwordHash = await hashPassword(config.admin.password ?? generatedPassword!);
  const role = newId();
  const id = newId();
  try {
    await createAdmin(db, config, { role, id, passwordHash });
  } catch (err) {
    // Another process bootstrapping the same database at the same moment got there first (the
    // unique email index refused this one): that admin stands, and this run changes nothing.
    if (await anyUsers(db.kysely)) return { migrated, admin: null };
    throw err;
  }
  return { migrated, admin: { id, email: config.admin.email, role, generatedPassword } };
}

async function createAdmin(db: Db, config: Config, ids: { role: string; id: string; passwordHash: string }): Promise<void> {
  const { role, id, passwordHash } = ids;
  await db.kysely.transaction().execute(async (trx) => {
    await insertRole(trx, { id: role, name: 'Administrator', icon: 'verified', description: 'Initial administrative role with unrestricted access', enforce_tfa: false, admin_access: true, app_access: true });
    await insertUser(trx, {
      id,
      email: config.admin.email,
      email_lower: normaliseEmail(config.admin.email),
      password: passwordHash,
      first_name: 'Admin',
      last_name: 'User',
      status: 'active',
      role,
      token: config.admin.token ? sha256(config.admin.token) : null,
      provider: 'default',
    });
    await updateSettings(trx, { project_name: config.projectName });
  });
}
