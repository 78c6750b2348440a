// Recovery codes are stored as argon2id hashes (about 97 characters), no longer as 64-character
// SHA-256 hex. SQLite does not enforce varchar lengths; PostgreSQL does.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`alter table usher_recovery_codes alter column code type varchar(255)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Codes longer than 64 characters cannot go back: they are removed (their users set 2FA up
  // again), rather than the migration failing.
  if (isPostgres(db)) {
    await sql`delete from usher_recovery_codes where length(code) > 64`.execute(db);
    await sql`alter table usher_recovery_codes alter column code type varchar(64)`.execute(db);
  }
}
