// directus_revisions.before: the changed fields with the values they had before the change (secrets
// masked), so a revision alone says what an update changed from and to, even for a user whose
// earlier history was never recorded (the bootstrap admin, a CLI-made user). Directus has no such
// field; its clients ignore it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directus_revisions').addColumn('before', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directus_revisions').dropColumn('before').execute();
}
