// usher_state: process-wide facts every Usher process must agree on, read on every request.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usher_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('permissions_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('usher_state').values({ id: 1, permissions_version: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usher_state').execute();
}
