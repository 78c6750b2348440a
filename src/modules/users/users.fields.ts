// Facts about user fields that the write rules use.

export const USER_STATUSES = ['draft', 'invited', 'unverified', 'active', 'suspended', 'archived'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Only a role with admin_access may change these, on anyone, themselves included. */
export const ADMIN_ONLY_FIELDS = new Set(['status', 'role', 'token', 'provider', 'external_identifier', 'auth_data']);

/** Readable and writable only by the user themselves and by admins. */
export const PREFERENCE_FIELDS = new Set([
  'language', 'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides', 'theme_dark_overrides', 'email_notifications',
]);

/** Managed by Usher itself: never written through the API. */
export const READ_ONLY_FIELDS = new Set(['last_access']);

/** Column sizes, as Directus declares them. */
export const MAX_LENGTH: Record<string, number> = {
  first_name: 50,
  last_name: 50,
  email: 128,
  location: 255,
  title: 50,
  language: 255,
  last_page: 255,
  provider: 128,
  external_identifier: 255,
  appearance: 255,
  theme_light: 255,
  theme_dark: 255,
};

/** Never stored in a revision or the log in any readable form. */
export const SECRET_FIELDS = new Set(['password', 'token', 'tfa_secret']);

/** The secrets, and the columns Usher keeps for itself: never in a revision, never in a rule. */
export const PRIVATE_COLUMNS: ReadonlySet<string> = new Set([...SECRET_FIELDS, 'email_lower', 'failed_logins', 'locked_until', 'tfa_last_step']);

/** A static token must be a secure string: at least 32 characters. */
export const MIN_TOKEN_LENGTH = 32;
