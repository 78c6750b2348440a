// Users and roles made straight through the repositories (fast), with known static tokens.
import type { Db } from '../src/db/index.js';
import { hashPassword, newId, randomToken, sha256 } from '../src/util/crypto.js';
import { normaliseEmail } from '../src/util/email.js';
import { insertRole } from '../src/modules/roles/roles.repository.js';
import { insertUser } from '../src/modules/users/users.repository.js';
import type { NewUserRow } from '../src/db/schema.js';

export interface RoleFixture {
  id: string;
  name: string;
}

export async function makeRole(
  db: Db,
  opts: { name?: string; admin?: boolean; app?: boolean; enforceTfa?: boolean; ipAccess?: string | null; id?: string } = {},
): Promise<RoleFixture> {
  const id = opts.id ?? newId();
  const name = opts.name ?? `Role ${id.slice(0, 8)}`;
  await insertRole(db.kysely, {
    id,
    name,
    icon: 'supervised_user_circle',
    enforce_tfa: !!opts.enforceTfa,
    admin_access: !!opts.admin,
    app_access: opts.app ?? true,
    ip_access: opts.ipAccess ?? null,
  });
  return { id, name };
}

export interface UserFixture {
  id: string;
  email: string;
  /** The static token in clear (null when made without one). */
  token: string | null;
  password: string | null;
  role: string | null;
}

export async function makeUser(
  db: Db,
  opts: Partial<Omit<NewUserRow, 'token' | 'password'>> & { token?: string | null; password?: string | null } = {},
): Promise<UserFixture> {
  const id = opts.id ?? newId();
  const email = opts.email ?? `user-${id.slice(0, 8)}@example.com`;
  const token = opts.token === undefined ? randomToken() : opts.token;
  const password = opts.password ?? null;
  const { token: _t, password: _p, ...rest } = opts;
  await insertUser(db.kysely, {
    status: 'active',
    provider: 'default',
    ...rest,
    id,
    email,
    email_lower: email === null ? null : normaliseEmail(email),
    token: token ? sha256(token) : null,
    password: password ? await hashPassword(password) : null,
  });
  return { id, email, token, password, role: opts.role ?? null };
}
