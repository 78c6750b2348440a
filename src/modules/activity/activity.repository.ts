import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { insertRows } from '../../db/insert-rows.js';

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

const ACTIVITY_COLUMNS = ['action', 'user', 'collection', 'item', 'ip', 'user_agent', 'origin', 'timestamp', 'comment'] as const;

/** Many activity rows in a few statements; answers each row's id with its item (in no promised order). */
export async function insertActivities(db: Kysely<Database>, entries: ActivityEntry[]): Promise<{ id: number; collection: string; item: string }[]> {
  const rows = await insertRows<{ id: number | string; collection: string; item: string }>(
    db,
    'directus_activity',
    ACTIVITY_COLUMNS,
    entries.map((e) => [e.action, e.user, e.collection, e.item, e.ip, e.userAgent, e.origin, e.timestamp, e.comment ?? null]),
    ['id', 'collection', 'item'],
  );
  return rows.map((r) => ({ id: Number(r.id), collection: r.collection, item: r.item }));
}

/** A revision: the record's values (JSON text), secrets already removed. */
export interface RevisionEntry {
  activity: number;
  collection: string;
  item: string;
  data: string | null;
  delta: string | null;
  before: string | null;
}

export async function insertRevision(db: Kysely<Database>, r: RevisionEntry): Promise<void> {
  await db.insertInto('directus_revisions').values({ ...r, parent: null }).execute();
}

export async function insertRevisions(db: Kysely<Database>, revisions: RevisionEntry[]): Promise<void> {
  await insertRows(
    db,
    'directus_revisions',
    ['activity', 'collection', 'item', 'data', 'delta', 'before', 'parent'],
    revisions.map((r) => [r.activity, r.collection, r.item, r.data, r.delta, r.before, null]),
  );
}
