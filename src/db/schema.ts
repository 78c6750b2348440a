// Row types of the tables. Names and meanings follow Directus (reference §1); columns that only
// Usher has are noted. Timestamps are ISO-8601 UTC strings made in the app, UUIDs are made in the
// app, JSON is stored as text, and booleans are 0/1 on SQLite and boolean on PostgreSQL.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type DbBool = boolean | number;

export interface UsersTable {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  /** Usher: the email lowercased in the app (Unicode-aware), unique; what lookups compare. */
  email_lower: string | null;
  /** argon2id hash. */
  password: string | null;
  location: string | null;
  title: string | null;
  description: string | null;
  tags: string | null;
  avatar: string | null;
  language: string | null;
  tfa_secret: string | null;
  status: string;
  role: string | null;
  /** SHA-256 of the static token (Directus stores it in plain text). */
  token: string | null;
  last_access: string | null;
  last_page: string | null;
  provider: string;
  external_identifier: string | null;
  auth_data: string | null;
  email_notifications: DbBool | null;
  appearance: string | null;
  theme_light: string | null;
  theme_dark: string | null;
  theme_light_overrides: string | null;
  theme_dark_overrides: string | null;
  /** Usher: consecutive failed sign-ins (wrong password or code); a success resets it. */
  failed_logins: Generated<number>;
  /** Usher: sign-in refused until then, after too many failures (AUTH_LOCKOUT_MODE=lock). */
  locked_until: string | null;
  /** Usher: the last TOTP time step accepted, so a code cannot be replayed. */
  tfa_last_step: number | null;
}

/**
 * Every column of UsersTable, for reads of whole user rows: on PostgreSQL directus_users also holds
 * the search text (usher_search, see search-index.ts), which is no part of a user and must not end
 * up in revisions, so such reads name their columns rather than select *.
 */
export const USER_COLUMNS = [
  'id', 'first_name', 'last_name', 'email', 'email_lower', 'password', 'location', 'title', 'description', 'tags', 'avatar',
  'language', 'tfa_secret', 'status', 'role', 'token', 'last_access', 'last_page', 'provider', 'external_identifier',
  'auth_data', 'email_notifications', 'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides',
  'theme_dark_overrides', 'failed_logins', 'locked_until', 'tfa_last_step',
] as const satisfies readonly (keyof UsersTable)[];
// A column added to UsersTable but not to USER_COLUMNS fails to compile here.
const everyUserColumn: Exclude<keyof UsersTable, (typeof USER_COLUMNS)[number]> extends never ? true : never = true;
void everyUserColumn;

export interface RolesTable {
  id: string;
  name: string;
  icon: string;
  description: string | null;
  /** Comma-separated allow-list, read back as an array. */
  ip_access: string | null;
  enforce_tfa: DbBool;
  admin_access: DbBool;
  app_access: DbBool;
}

export interface PermissionsTable {
  id: Generated<number>;
  role: string | null;
  collection: string;
  action: string;
  permissions: string | null;
  validation: string | null;
  presets: string | null;
  fields: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the current refresh token (Directus stores the token itself). */
  token: string;
  /** Usher: the session's stable id, named by the access tokens issued for it. */
  id: string;
  user: string | null;
  expires: string;
  ip: string | null;
  user_agent: string | null;
  origin: string | null;
  next_token: string | null;
}

export interface ActivityTable {
  id: Generated<number>;
  action: string;
  user: string | null;
  timestamp: string;
  ip: string | null;
  user_agent: string | null;
  origin: string | null;
  collection: string;
  item: string;
  comment: string | null;
}

export interface RevisionsTable {
  id: Generated<number>;
  activity: number;
  collection: string;
  item: string;
  data: string | null;
  delta: string | null;
  parent: number | null;
  /** Usher's own: the changed fields as they were before the change. */
  before: string | null;
}

export interface SettingsTable {
  id: number;
  project_name: string;
  project_url: string | null;
  project_color: string;
  project_logo: string | null;
  default_language: string;
  default_appearance: string;
  default_theme_light: string | null;
  default_theme_dark: string | null;
  auth_login_attempts: number | null;
  auth_password_policy: string | null;
  public_registration: DbBool;
  public_registration_verify_email: DbBool;
  public_registration_role: string | null;
  public_registration_email_filter: string | null;
}

export interface Database {
  directus_users: UsersTable;
  directus_roles: RolesTable;
  directus_permissions: PermissionsTable;
  directus_sessions: SessionsTable;
  directus_activity: ActivityTable;
  directus_revisions: RevisionsTable;
  directus_settings: SettingsTable;
  usher_retired_refresh_tokens: RetiredRefreshTokensTable;
  usher_recovery_codes: RecoveryCodesTable;
  usher_one_time_tokens: OneTimeTokensTable;
  usher_state: { id: number; permissions_version: number; data_version: number };
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;
export type RoleRow = Selectable<RolesTable>;
export type NewRoleRow = Insertable<RolesTable>;
export type PermissionRow = Selectable<PermissionsTable>;
export type SettingsRow = Selectable<SettingsTable>;

export interface RetiredRefreshTokensTable {
  token: string;
  session: string;
  retired_at: string;
  expires: string;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user: string;
  code: string;
  used_at: string | null;
}

export type OneTimePurpose = 'password-reset' | 'invite' | 'registration';

export interface OneTimeTokensTable {
  token: string;
  user: string;
  purpose: OneTimePurpose;
  created_at: string;
  created_by: string | null;
  expires: string;
  used_at: string | null;
  revoked_at: string | null;
  data: string | null;
}
