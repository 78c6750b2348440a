// The audit trail: one activity row per action on an item, and for changes a revision with the
// values before and after, secrets removed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Accountability } from '../../access/types.js';
import { insertActivity } from './activity.repository.js';
import { insertRows } from '../../db/insert-rows.js';
import { PRIVATE_COLUMNS } from '../users/users.fields.js';

const SECRETS = PRIVATE_COLUMNS;

export function withoutSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (SECRETS.has(k)) {
      if (k === 'password' || k === 'token' || k === 'tfa_secret') out[k] = v === null ? null : '**********';
      continue;
    }
    out[k] = v;
  }
  return out;
}

export interface RecordInput {
  action: 'create' | 'update' | 'delete' | 'invite' | 'accept' | 'login' | 'status';
  accountability: Accountability;
  collection: string;
  item: string;
  timestamp: string;
  /** The record after the change (create/update) or what is kept of it (delete). */
  data?: Record<string, unknown> | null;
  /** The changed fields with their new values. */
  delta?: Record<string, unknown> | null;
  /** The changed fields with the values they had before (updates). */
  before?: Record<string, unknown> | null;
  comment?: string | null;
}

export async function recordActivity(db: Kysely<Database>, input: RecordInput): Promise<number> {
  const activity = await insertActivity(db, {
    action: input.action,
    user: input.accountability.user,
    collection: input.collection,
    item: input.item,
    ip: input.accountability.ip,
    userAgent: input.accountability.userAgent,
    origin: null,
    timestamp: input.timestamp,
    comment: input.comment ?? null,
  });
  if (input.data !== undefined || input.delta !== undefined) {
    await db
      .insertInto('directus_revisions')
      .values({
        activity,
        collection: input.collection,
        item: input.item,
        data: input.data ? JSON.stringify(withoutSecrets(input.data)) : null,
        delta: input.delta ? JSON.stringify(withoutSecrets(input.delta)) : null,
        parent: null,
        before: input.before ? JSON.stringify(withoutSecrets(input.before)) : null,
      })
      .execute();
  }
  return activity;
}

/**
 * Many activity rows (and their revisions) in a few statements: invitations of a thousand
 * addresses, say (../../db/insert-rows.ts). Entries must name distinct items for the batching;
 * otherwise they are recorded one by one.
 */
export async function recordActivities(db: Kysely<Database>, inputs: RecordInput[]): Promise<void> {
  if (new Set(inputs.map((e) => `${e.collection}\u0000${e.item}`)).size !== inputs.length) {
    for (const input of inputs) await recordActivity(db, input);
    return;
  }
  const activity = await insertRows<{ id: number | string; collection: string; item: string }>(
    db,
    'directus_activity',
    ['action', 'user', 'collection', 'item', 'ip', 'user_agent', 'origin', 'timestamp', 'comment'],
    inputs.map((e) => [e.action, e.accountability.user, e.collection, e.item, e.accountability.ip, e.accountability.userAgent, null, e.timestamp, e.comment ?? null]),
    ['id', 'collection', 'item'],
  );
  // Matched back by item, not by position: a database need not return rows in VALUES order.
  const ids = new Map(activity.map((r) => [`${r.collection}\u0000${r.item}`, Number(r.id)]));
  const revisions = inputs
    .filter((e) => e.data !== undefined || e.delta !== undefined)
    .map((e) => [
      ids.get(`${e.collection}\u0000${e.item}`)!,
      e.collection,
      e.item,
      e.data ? JSON.stringify(withoutSecrets(e.data)) : null,
      e.delta ? JSON.stringify(withoutSecrets(e.delta)) : null,
      null,
    ]);
  await insertRows(db, 'directus_revisions', ['activity', 'collection', 'item', 'data', 'delta', 'parent'], revisions);
}
