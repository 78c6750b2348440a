// What the `users` and `roles` commands do, over the same repositories and rules as the API.
import type { Db } from '../db/index.js';
import { hashPassword, newId } from '../util/crypto.js';
import { isEmail, normaliseEmail } from '../util/email.js';
import { findRoleById, insertRole } from '../modules/roles/roles.repository.js';
import { findUserByEmail, insertUser, setPassword } from '../modules/users/users.repository.js';
import { readSettings } from '../modules/settings/settings.repository.js';
import { checkPasswordPolicy } from '../modules/settings/password-policy.js';
import { pendingMigrations } from '../db/migrate.js';
import { migrations } from '../db/migrations/index.js';
import { CliError } from './cli-error.js';
import { deleteUserSessions } from '../modules/auth/sessions.repository.js';

/** Refuses to work on a database that `usher bootstrap` (or `usher migrate latest`) has not brought up to date. */
export async function assertInstalled(db: Db): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length === 0) return;
  if (pending.length === Object.keys(migrations).length) throw new CliError('the database is not installed; run "usher bootstrap" first');
  throw new CliError(`the database has ${pending.length} pending migration(s); run "usher migrate latest" first`);
}

export async function createUserCommand(db: Db, opts: { email: string; password: string; role?: string; force?: boolean }): Promise<string> {
  if (!isEmail(opts.email)) throw new CliError(`"${opts.email}" is not a valid email address`, 2);
  assertPasswordGiven(opts.password);
  if (!opts.force) await enforcePolicy(db, opts.password);
  if (opts.role && !(await findRoleById(db.kysely, opts.role))) throw new CliError(`no role with id ${opts.role}`);
  if (await findUserByEmail(db.kysely, normaliseEmail(opts.email))) throw new CliError(`a user with the email ${opts.email} already exists`);
  const id = newId();
  await insertUser(db.kysely, {
    id,
    email: opts.email,
    email_lower: normaliseEmail(opts.email),
    password: await hashPassword(opts.password),
    status: 'active',
    role: opts.role ?? null,
    provider: 'default',
  });
  return id;
}

export async function setPasswordCommand(db: Db, opts: { email: string; password: string; force?: boolean }): Promise<void> {
  const user = await findUserByEmail(db.kysely, normaliseEmail(opts.email));
  if (!user) throw new CliError(`no user with the email ${opts.email}`);
  assertPasswordGiven(opts.password);
  if (!opts.force) await enforcePolicy(db, opts.password);
  const hashed = await hashPassword(opts.password);
  // As everywhere a password changes: every session of the user ends (the static token stays).
  await db.kysely.transaction().execute(async (trx) => {
    await setPassword(trx, user.id, hashed);
    await deleteUserSessions(trx, user.id);
  });
}

export async function createRoleCommand(db: Db, opts: { role: string; admin?: boolean }): Promise<string> {
  const name = opts.role.trim();
  if (!name || name.length > 100) throw new CliError('the role name must be 1 to 100 characters', 2);
  const id = newId();
  await insertRole(db.kysely, {
    id,
    name,
    icon: 'supervised_user_circle',
    enforce_tfa: false,
    admin_access: !!opts.admin,
    app_access: true,
  });
  return id;
}

/** An empty --password is usually an unset shell variable; --force does not make it a password. */
function assertPasswordGiven(password: string): void {
  if (password.length === 0) throw new CliError('the password must not be empty', 2);
}

async function enforcePolicy(db: Db, password: string): Promise<void> {
  const settings = await readSettings(db.kysely);
  if (!checkPasswordPolicy(settings.auth_password_policy, password)) {
    throw new CliError("the password doesn't satisfy the password policy (use --force to set it anyway)", 2);
  }
}
