import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface ActivityEntry {
  action: string;
  user: string | null;
  collection: string;
  item: string;
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
  timestamp: string;
  comment?: string | null;
}

export async function insertActivity(db: Kysely<Database>, e: ActivityEntry): Promise<number> {
  const row = await db
    .insertInto('directus_activity')
    .values({
      action: e.action,
      user: e.user,
      collection: e.collection,
      item: e.item,
      ip: e.ip,
      user_agent: e.userAgent,
      origin: e.origin,
      timestamp: e.timestamp,
      comment: e.comment ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
