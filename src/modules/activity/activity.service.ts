// The audit trail: one activity row per action on an item, and for changes a revision with the
// values before and after, secrets removed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Accountability } from '../../access/types.js';
import { insertActivity } from './activity.repository.js';

const SECRETS = new Set(['password', 'token', 'tfa_secret', 'email_lower', 'failed_logins', 'locked_until', 'tfa_last_step']);

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
      })
      .execute();
  }
  return activity;
}

/** Many activity rows in a few statements (invitations of a thousand addresses, say). */
export async function recordActivities(db: Kysely<Database>, inputs: RecordInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 200) {
    const chunk = inputs.slice(i, i + 200);
    await db
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
      .execute();
  }
}
