import type { Kysely, Updateable } from 'kysely';
import type { Database, SettingsRow, SettingsTable } from '../../db/schema.js';

type Q = Kysely<Database>;

export async function readSettings(db: Q): Promise<SettingsRow> {
  return db.selectFrom('directus_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function updateSettings(db: Q, values: Updateable<SettingsTable>): Promise<void> {
  await db.updateTable('directus_settings').set(values).where('id', '=', 1).execute();
}
