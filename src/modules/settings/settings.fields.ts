// The settings Usher keeps (reference §1.6), as a permission row on `directus_settings` names them.

export const SETTINGS_COLLECTION = 'directus_settings';

export const SETTINGS_FIELDS: readonly string[] = Object.freeze([
  'id', 'project_name', 'project_url', 'project_color', 'project_logo', 'default_language', 'default_appearance',
  'default_theme_light', 'default_theme_dark', 'auth_login_attempts', 'auth_password_policy', 'public_registration',
  'public_registration_verify_email', 'public_registration_role', 'public_registration_email_filter',
]);
