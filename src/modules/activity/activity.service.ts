// The audit trail: one activity row per action on an item, and for changes a revision with the
// values before and after, secrets removed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Accountability } from '../../access/types.js';
import { insertActivity } from './activity.repository.js';
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
 * addresses, say. Entries must name distinct items for the batching; otherwise they are recorded
 * one by one.
 */
export async function recordActivities(db: Kysely<Database>, inputs: RecordInput[]): Promise<void> {
  if (new Set(inputs.map((e) => `${e.collection}\u0000${e.item}`)).size !== inputs.length) {
    for (const input of inputs) await recordActivity(db, input);
    return;
  }
  for (let i = 0; i < inputs.length; i += 200) {
    const chunk = inputs.slice(i, i + 200);
    const rows = await db
      .insertInto('directus_activity')
      .values(
        chunk.map((e) => ({
          action: e.action,
          user: e.accountability.user,
          collection: e.collection,
          item: e.item,
          ip: e.accountability.ip,
          user_agent: e.accountability.userAgent,
          origin: null,
          timestamp: e.timestamp,
          comment: e.comment ?? null,
        })),
      )
      .returning(['id', 'collection', 'item'])
      .execute();
    // Matched back by item, not by position: a database need not return rows in VALUES order.
    const ids = new Map(rows.map((r) => [`${r.collection}\u0000${r.item}`, Number(r.id)]));
    const revisions = chunk
      .filter((e) => e.data !== undefined || e.delta !== undefined)
      .map((e) => ({
        activity: ids.get(`${e.collection}\u0000${e.item}`)!,
        collection: e.collection,
        item: e.item,
        data: e.data ? JSON.stringify(withoutSecrets(e.data)) : null,
        delta: e.delta ? JSON.stringify(withoutSecrets(e.delta)) : null,
        parent: null,
      }));
    if (revisions.length > 0) await db.insertInto('directus_revisions').values(revisions).execute();
  }
}
