// What authentication needs beyond Directus's tables: a stable session id (what access tokens
// name, so that ending a session ends its tokens), the refresh tokens a session rotated away (so a
// replayed one is recognised as theft), a lockout counter that correct passwords never touch,
// TOTP replay protection, recovery codes and hashed one-time tokens.
import type { Kysely } from 'kysely';
import { autoIncrementId, isPostgres } from '../dialect.js';

const ID = 'varchar(36)';
const TIMESTAMP = 'varchar(32)';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directus_sessions').addColumn('id', ID).execute();
  await db.schema.createIndex('directus_sessions_id_unique').on('directus_sessions').column('id').unique().execute();

  await db.schema
    .createTable('usher_retired_refresh_tokens')
    .addColumn('token', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('session', ID, (c) => c.notNull())
    .addColumn('retired_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('expires', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usher_retired_refresh_tokens_session_index').on('usher_retired_refresh_tokens').column('session').execute();

  await db.schema.alterTable('directus_users').addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('directus_users').addColumn('locked_until', TIMESTAMP).execute();
  await db.schema.alterTable('directus_users').addColumn('tfa_last_step', 'integer').execute();

  await db.schema
    .createTable('usher_recovery_codes')
    .addColumn('id', autoIncrementId(db), (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('user', ID, (c) => c.notNull().references('directus_users.id').onDelete('cascade'))
    .addColumn('code', 'varchar(64)', (c) => c.notNull())
    .addColumn('used_at', TIMESTAMP)
    .execute();
  await db.schema.createIndex('usher_recovery_codes_user_index').on('usher_recovery_codes').column('user').execute();

  await db.schema
    .createTable('usher_one_time_tokens')
    .addColumn('token', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user', ID, (c) => c.notNull().references('directus_users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_by', ID)
    .addColumn('expires', TIMESTAMP, (c) => c.notNull())
    .addColumn('used_at', TIMESTAMP)
    .addColumn('revoked_at', TIMESTAMP)
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('usher_one_time_tokens_user_index').on('usher_one_time_tokens').columns(['user', 'purpose']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usher_one_time_tokens').execute();
  await db.schema.dropTable('usher_recovery_codes').execute();
  await db.schema.alterTable('directus_users').dropColumn('tfa_last_step').execute();
  await db.schema.alterTable('directus_users').dropColumn('locked_until').execute();
  await db.schema.alterTable('directus_users').dropColumn('failed_logins').execute();
  await db.schema.dropTable('usher_retired_refresh_tokens').execute();
  await db.schema.dropIndex('directus_sessions_id_unique').execute();
  await db.schema.alterTable('directus_sessions').dropColumn('id').execute();
}
