// The Directus system tables Usher serves (reference §1), with Usher's few extra columns.
import { sql, type Kysely } from 'kysely';
import { autoIncrementId, isPostgres, nullsFirst } from '../dialect.js';

const ID = 'varchar(36)';
const TIMESTAMP = 'varchar(32)';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directus_roles')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('icon', 'varchar(30)', (c) => c.notNull().defaultTo('supervised_user_circle'))
    .addColumn('description', 'text')
    .addColumn('ip_access', 'text')
    .addColumn('enforce_tfa', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .addColumn('admin_access', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .addColumn('app_access', 'boolean', (c) => c.notNull().defaultTo(sql`true`))
    .execute();

  await db.schema
    .createTable('directus_users')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('first_name', 'varchar(50)')
    .addColumn('last_name', 'varchar(50)')
    .addColumn('email', 'varchar(128)')
    // Byte-order collation on PostgreSQL: the same order as SQLite whatever the database locale,
    // and prefix LIKE can use the index.
    .addColumn('email_lower', isPostgres(db) ? sql`varchar(128) collate "C"` : 'varchar(128)')
    .addColumn('password', 'varchar(255)')
    .addColumn('location', 'varchar(255)')
    .addColumn('title', 'varchar(50)')
    .addColumn('description', 'text')
    .addColumn('tags', 'text')
    .addColumn('avatar', ID)
    .addColumn('language', 'varchar(255)')
    .addColumn('tfa_secret', 'varchar(255)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    .addColumn('role', ID, (c) => c.references('directus_roles.id').onDelete('set null'))
    .addColumn('token', 'varchar(255)')
    .addColumn('last_access', TIMESTAMP)
    .addColumn('last_page', 'varchar(255)')
    .addColumn('provider', 'varchar(128)', (c) => c.notNull().defaultTo('default'))
    .addColumn('external_identifier', 'varchar(255)')
    .addColumn('auth_data', 'text')
    .addColumn('email_notifications', 'boolean', (c) => c.defaultTo(sql`true`))
    .addColumn('appearance', 'varchar(255)')
    .addColumn('theme_light', 'varchar(255)')
    .addColumn('theme_dark', 'varchar(255)')
    .addColumn('theme_light_overrides', 'text')
    .addColumn('theme_dark_overrides', 'text')
    .execute();

  // Email is unique whatever its case; the app stores the Unicode-lowercased form beside it.
  await sql`create unique index directus_users_email_lower_unique on directus_users (email_lower${nullsFirst(db)})`.execute(db);
  await db.schema.createIndex('directus_users_token_unique').on('directus_users').column('token').unique().execute();
  await db.schema
    .createIndex('directus_users_external_identifier_unique')
    .on('directus_users')
    .column('external_identifier')
    .unique()
    .execute();
  // What lists filter and sort on (email sorts through email_lower). PostgreSQL indexes put NULLs first, as SQLite does, so that
  // one ORDER BY ... NULLS FIRST/LAST reads an index on both.
  for (const column of ['status', 'role', 'last_access']) {
    await sql`create index ${sql.id(`directus_users_${column}_index`)} on directus_users (${sql.id(column)}${nullsFirst(db)})`.execute(db);
  }

  await db.schema
    .createTable('directus_permissions')
    .addColumn('id', autoIncrementId(db), (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('role', ID, (c) => c.references('directus_roles.id').onDelete('cascade'))
    .addColumn('collection', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(10)', (c) => c.notNull())
    .addColumn('permissions', 'text')
    .addColumn('validation', 'text')
    .addColumn('presets', 'text')
    .addColumn('fields', 'text')
    .execute();
  await db.schema.createIndex('directus_permissions_role_index').on('directus_permissions').columns(['role', 'collection', 'action']).execute();

  await db.schema
    .createTable('directus_sessions')
    .addColumn('token', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user', ID, (c) => c.references('directus_users.id').onDelete('cascade'))
    .addColumn('expires', TIMESTAMP, (c) => c.notNull())
    .addColumn('ip', 'varchar(255)')
    .addColumn('user_agent', 'text')
    .addColumn('origin', 'varchar(255)')
    .addColumn('next_token', 'varchar(64)')
    .execute();
  await db.schema.createIndex('directus_sessions_user_index').on('directus_sessions').column('user').execute();

  await db.schema
    .createTable('directus_activity')
    .addColumn('id', autoIncrementId(db), (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('action', 'varchar(45)', (c) => c.notNull())
    // No foreign key: the log keeps what happened after the user is deleted.
    .addColumn('user', ID)
    .addColumn('timestamp', TIMESTAMP, (c) => c.notNull())
    .addColumn('ip', 'varchar(50)')
    .addColumn('user_agent', 'text')
    .addColumn('origin', 'varchar(255)')
    .addColumn('collection', 'varchar(64)', (c) => c.notNull())
    .addColumn('item', 'varchar(255)', (c) => c.notNull())
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('directus_activity_item_index').on('directus_activity').columns(['collection', 'item']).execute();
  await db.schema.createIndex('directus_activity_user_index').on('directus_activity').column('user').execute();

  await db.schema
    .createTable('directus_revisions')
    .addColumn('id', autoIncrementId(db), (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('activity', 'integer', (c) => c.notNull().references('directus_activity.id').onDelete('cascade'))
    .addColumn('collection', 'varchar(64)', (c) => c.notNull())
    .addColumn('item', 'varchar(255)', (c) => c.notNull())
    .addColumn('data', 'text')
    .addColumn('delta', 'text')
    .addColumn('parent', 'integer', (c) => c.references('directus_revisions.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('directus_revisions_activity_index').on('directus_revisions').column('activity').execute();

  await db.schema
    .createTable('directus_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project_name', 'varchar(100)', (c) => c.notNull().defaultTo('Usher'))
    .addColumn('project_url', 'varchar(255)')
    .addColumn('project_color', 'varchar(50)', (c) => c.notNull().defaultTo('#6644FF'))
    .addColumn('project_logo', 'varchar(255)')
    .addColumn('default_language', 'varchar(255)', (c) => c.notNull().defaultTo('en-US'))
    .addColumn('default_appearance', 'varchar(255)', (c) => c.notNull().defaultTo('auto'))
    .addColumn('default_theme_light', 'varchar(255)')
    .addColumn('default_theme_dark', 'varchar(255)')
    .addColumn('auth_login_attempts', 'integer', (c) => c.defaultTo(25))
    .addColumn('auth_password_policy', 'varchar(255)')
    .addColumn('public_registration', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .addColumn('public_registration_verify_email', 'boolean', (c) => c.notNull().defaultTo(sql`true`))
    .addColumn('public_registration_role', ID, (c) => c.references('directus_roles.id').onDelete('set null'))
    .addColumn('public_registration_email_filter', 'text')
    .execute();
  await db.insertInto('directus_settings').values({ id: 1 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'directus_settings',
    'directus_revisions',
    'directus_activity',
    'directus_sessions',
    'directus_permissions',
    'directus_users',
    'directus_roles',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
