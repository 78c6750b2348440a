// The audit trail: one activity row per action on an item, and for changes a revision with the
// values before and after, secrets removed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Accountability } from '../../access/types.js';
import { insertActivities, insertActivity, insertRevision, insertRevisions, type ActivityEntry, type RevisionEntry } from './activity.repository.js';
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

function activityEntry(input: RecordInput): ActivityEntry {
  return {
    action: input.action,
    user: input.accountability.user,
    collection: input.collection,
    item: input.item,
    ip: input.accountability.ip,
    userAgent: input.accountability.userAgent,
    origin: null,
    timestamp: input.timestamp,
    comment: input.comment ?? null,
  };
}

const hasRevision = (input: RecordInput) => input.data !== undefined || input.delta !== undefined;

function revisionEntry(input: RecordInput, activity: number): RevisionEntry {
  return {
    activity,
    collection: input.collection,
    item: input.item,
    data: input.data ? JSON.stringify(withoutSecrets(input.data)) : null,
    delta: input.delta ? JSON.stringify(withoutSecrets(input.delta)) : null,
    before: input.before ? JSON.stringify(withoutSecrets(input.before)) : null,
  };
}

export async function recordActivity(db: Kysely<Database>, input: RecordInput): Promise<number> {
  const activity = await insertActivity(db, activityEntry(input));
  if (hasRevision(input)) await insertRevision(db, revisionEntry(input, activity));
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
  const activity = await insertActivities(db, inputs.map(activityEntry));
  // Matched back by item, not by position: a database need not return rows in VALUES order.
  const ids = new Map(activity.map((r) => [`${r.collection}\u0000${r.item}`, r.id]));
  await insertRevisions(db, inputs.filter(hasRevision).map((e) => revisionEntry(e, ids.get(`${e.collection}\u0000${e.item}`)!)));
}
