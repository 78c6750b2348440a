// The collections the permissions editor covers and their fields (as Usher's API declares them).

export interface CollectionInfo {
  name: string;
  label: string;
  fields: string[];
  /** Many-to-one fields: a filter may go through them into the related collection. */
  relations: Record<string, string>;
}

export const COLLECTIONS: CollectionInfo[] = [
  {
    name: 'directus_users',
    label: 'Users',
    fields: [
      'id', 'first_name', 'last_name', 'email', 'password', 'location', 'title', 'description', 'tags', 'avatar', 'language', 'tfa_secret',
      'status', 'role', 'token', 'last_access', 'last_page', 'provider', 'external_identifier', 'auth_data', 'email_notifications',
      'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides', 'theme_dark_overrides',
    ],
    relations: { role: 'directus_roles' },
  },
  {
    name: 'directus_roles',
    label: 'Roles',
    fields: ['id', 'name', 'icon', 'description', 'ip_access', 'enforce_tfa', 'admin_access', 'app_access', 'users'],
    relations: { users: 'directus_users' },
  },
  {
    name: 'directus_permissions',
    label: 'Permissions',
    fields: ['id', 'role', 'collection', 'action', 'permissions', 'validation', 'presets', 'fields'],
    relations: { role: 'directus_roles' },
  },
  {
    name: 'directus_activity',
    label: 'Activity',
    fields: ['id', 'action', 'user', 'timestamp', 'ip', 'user_agent', 'origin', 'collection', 'item', 'comment', 'revisions'],
    relations: { user: 'directus_users', revisions: 'directus_revisions' },
  },
  {
    name: 'directus_revisions',
    label: 'Revisions',
    fields: ['id', 'activity', 'collection', 'item', 'data', 'delta', 'parent'],
    relations: { activity: 'directus_activity', parent: 'directus_revisions' },
  },
  {
    name: 'directus_settings',
    label: 'Settings',
    fields: [
      'id', 'project_name', 'project_url', 'project_color', 'project_logo', 'default_language', 'default_appearance', 'default_theme_light',
      'default_theme_dark', 'auth_login_attempts', 'auth_password_policy', 'public_registration', 'public_registration_verify_email',
      'public_registration_role', 'public_registration_email_filter',
    ],
    relations: {},
  },
];

export function collectionInfo(name: string): CollectionInfo | undefined {
  return COLLECTIONS.find((c) => c.name === name);
}
