import type { Filter } from '../query/types.js';

/** Who is calling. Built once per request by the authentication hook. */
export interface Accountability {
  user: string | null;
  role: string | null;
  admin: boolean;
  app: boolean;
  /** The session the access token belongs to; null for static tokens and anonymous calls. */
  session: string | null;
  /** The role enforces 2FA and the user has not set it up: only the setup routes are open. */
  tfaSetupRequired: boolean;
  ip: string | null;
  userAgent: string | null;
}

export const PUBLIC_ACCOUNTABILITY: Accountability = Object.freeze({
  user: null,
  role: null,
  admin: false,
  app: false,
  session: null,
  tfaSetupRequired: false,
  ip: null,
  userAgent: null,
});

export type Action = 'create' | 'read' | 'update' | 'delete';

/** What one caller may do with one collection and action. `filter: null` means every row. */
export interface CollectionAccess {
  fields: '*' | ReadonlySet<string>;
  filter: Filter | null;
  /** create/update: a filter the payload (merged with presets) must satisfy. */
  validation?: Filter | null;
  /** create/update: default values merged under the payload. */
  presets?: Record<string, unknown> | null;
  /** read: fields visible only on rows matching a condition (they read as null elsewhere). */
  fieldConditions?: ReadonlyMap<string, Filter>;
}

/** Answers, for one caller, what they may do; null means nothing (403). */
export interface AccessPolicy {
  readonly admin: boolean;
  /** The rules name $CURRENT_USER.<field> or $CURRENT_ROLE.<field>: load those rows per request. */
  readonly fieldVariables?: { user: boolean; role: boolean };
  /** The rules name $NOW: what they allow changes with the clock. */
  readonly usesNow?: boolean;
  can(collection: string, action: Action): CollectionAccess | null;
}

export const FULL_ACCESS: CollectionAccess = Object.freeze({ fields: '*', filter: null });

/** Admins and Usher's own internal reads: every field of every row. */
export const ADMIN_POLICY: AccessPolicy = Object.freeze({ admin: true, can: () => FULL_ACCESS });

export function fieldAllowed(access: CollectionAccess, field: string): boolean {
  return access.fields === '*' || access.fields.has(field);
}
