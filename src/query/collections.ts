// The collections Usher serves and their fields: what the query language may select, filter,
// sort and search, how each value reads back, and how collections relate.

export type FieldType = 'uuid' | 'string' | 'text' | 'boolean' | 'integer' | 'timestamp' | 'json' | 'csv';

export interface FieldDef {
  type: FieldType;
  /** Never readable: reads back as "**********" or null and filters only on emptiness. */
  concealed?: boolean;
  /** A column holding this field lowercased (Unicode-aware, made in the app) for case-insensitive matching. */
  lowerColumn?: string;
  /** Many-to-one: the value is the primary key of a row of that collection. */
  m2o?: string;
  /** One-to-many alias (no column): rows of `collection` whose `field` points at this row. */
  o2m?: { collection: string; field: string };
  /**
   * Unique and never null: sorting on it needs no tie-breaker. Not `email`: any number of users
   * may have none, and their order would be left to the database.
   */
  unique?: boolean;
}

export interface CollectionDef {
  name: string;
  table: string;
  primaryKey: string;
  fields: Record<string, FieldDef>;
}

const concealed: FieldDef = { type: 'string', concealed: true };

export const collections: Record<string, CollectionDef> = {
  directus_users: {
    name: 'directus_users',
    table: 'directus_users',
    primaryKey: 'id',
    fields: {
      id: { type: 'uuid', unique: true },
      first_name: { type: 'string' },
      last_name: { type: 'string' },
      email: { type: 'string', lowerColumn: 'email_lower' },
      password: concealed,
      location: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'text' },
      tags: { type: 'json' },
      avatar: { type: 'uuid' },
      language: { type: 'string' },
      tfa_secret: concealed,
      status: { type: 'string' },
      role: { type: 'uuid', m2o: 'directus_roles' },
      token: concealed,
      last_access: { type: 'timestamp' },
      last_page: { type: 'string' },
      provider: { type: 'string' },
      external_identifier: { type: 'string' },
      auth_data: { type: 'json' },
      email_notifications: { type: 'boolean' },
      appearance: { type: 'string' },
      theme_light: { type: 'string' },
      theme_dark: { type: 'string' },
      theme_light_overrides: { type: 'json' },
      theme_dark_overrides: { type: 'json' },
    },
  },
  directus_roles: {
    name: 'directus_roles',
    table: 'directus_roles',
    primaryKey: 'id',
    fields: {
      id: { type: 'uuid', unique: true },
      name: { type: 'string' },
      icon: { type: 'string' },
      description: { type: 'text' },
      ip_access: { type: 'csv' },
      enforce_tfa: { type: 'boolean' },
      admin_access: { type: 'boolean' },
      app_access: { type: 'boolean' },
      users: { type: 'uuid', o2m: { collection: 'directus_users', field: 'role' } },
    },
  },
  directus_permissions: {
    name: 'directus_permissions',
    table: 'directus_permissions',
    primaryKey: 'id',
    fields: {
      id: { type: 'integer', unique: true },
      role: { type: 'uuid', m2o: 'directus_roles' },
      collection: { type: 'string' },
      action: { type: 'string' },
      permissions: { type: 'json' },
      validation: { type: 'json' },
      presets: { type: 'json' },
      fields: { type: 'csv' },
    },
  },
  directus_activity: {
    name: 'directus_activity',
    table: 'directus_activity',
    primaryKey: 'id',
    fields: {
      id: { type: 'integer', unique: true },
      action: { type: 'string' },
      user: { type: 'uuid', m2o: 'directus_users' },
      timestamp: { type: 'timestamp' },
      ip: { type: 'string' },
      user_agent: { type: 'text' },
      origin: { type: 'string' },
      collection: { type: 'string' },
      item: { type: 'string' },
      comment: { type: 'text' },
      revisions: { type: 'integer', o2m: { collection: 'directus_revisions', field: 'activity' } },
    },
  },
  directus_revisions: {
    name: 'directus_revisions',
    table: 'directus_revisions',
    primaryKey: 'id',
    fields: {
      id: { type: 'integer', unique: true },
      activity: { type: 'integer', m2o: 'directus_activity' },
      collection: { type: 'string' },
      item: { type: 'string' },
      data: { type: 'json' },
      delta: { type: 'json' },
      parent: { type: 'integer', m2o: 'directus_revisions' },
      before: { type: 'json' },
    },
  },
};

export function getCollection(name: string): CollectionDef | undefined {
  return Object.hasOwn(collections, name) ? collections[name] : undefined;
}

export function getField(collection: CollectionDef, name: string): FieldDef | undefined {
  return Object.hasOwn(collection.fields, name) ? collection.fields[name] : undefined;
}

/** Fields backed by a column (everything but o2m aliases). */
export function columnFields(collection: CollectionDef): string[] {
  return Object.keys(collection.fields).filter((f) => !collection.fields[f]!.o2m);
}
