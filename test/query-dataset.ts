// A small, deliberate set of users and roles for the query-language tests (src/query/*.test.ts):
// nulls, empty strings, non-ASCII names that differ only in case, LIKE wildcards inside values,
// ties on last_access, and ids chosen so that id order differs from insertion order (ties must
// break on the primary key, not on whatever order the database happens to scan).
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './harness.js';
import { makeRole, makeUser, type RoleFixture } from './fixtures.js';

export type Handle = 'admin' | 'ann' | 'bob' | 'elodie' | 'upper' | 'nameless' | 'percent';

export interface Dataset {
  roles: { admin: RoleFixture; editors: RoleFixture; viewers: RoleFixture; nobody: RoleFixture };
  /** Users by handle; `admin` is the harness's administrator. */
  ids: Record<Handle, string>;
  /** Static tokens in clear (null for users made without one). */
  tokens: Record<Handle, string | null>;
  /** What is stored in the concealed columns, to prove it never leaks. */
  secrets: { annTfa: string; tokenHashes: string[]; passwordHashes: string[] };
  handleOf(id: string): Handle;
}

export const ALL: Handle[] = ['admin', 'ann', 'bob', 'elodie', 'upper', 'nameless', 'percent'];

/** Fixed ids, descending in insertion order. */
const ID = (n: number) => `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;

export async function seedDataset(t: TestApp): Promise<Dataset> {
  const { db } = t;
  const editors = await makeRole(db, { name: 'Editors', id: ID(93) });
  const viewers = await makeRole(db, { name: 'Viewers', id: ID(92) });
  const nobody = await makeRole(db, { name: 'Nobody', id: ID(91) });
  const made = {
    elodie: await makeUser(db, {
      id: ID(7), email: 'elodie@example.com', first_name: 'Élodie', last_name: 'Martin', status: 'active', role: editors.id,
      last_access: '2024-01-10T10:00:00.000Z', email_notifications: true, tags: '["vip","beta"]', location: 'Paris',
      password: 'Élodie-password-1',
    }),
    upper: await makeUser(db, {
      id: ID(6), email: 'elodie.upper@example.com', first_name: 'ÉLODIE', last_name: 'Dupont', status: 'suspended',
      role: viewers.id, last_access: '2024-03-01T00:00:00.000Z', email_notifications: false,
    }),
    // Ties with `ann` on last_access; inserted before her but with the larger id.
    nameless: await makeUser(db, {
      id: ID(5), email: 'nameless@example.com', first_name: '', last_name: null, status: 'active', role: viewers.id,
      last_access: '2024-02-15T12:00:00.000Z', email_notifications: false, token: null,
    }),
    ann: await makeUser(db, {
      id: ID(4), email: 'Ann@Example.com', first_name: 'ann', last_name: 'Smith', status: 'archived', role: null,
      last_access: '2024-02-15T12:00:00.000Z', email_notifications: true, tags: '["vip"]', token: null,
      password: 'Ann-password-1', tfa_secret: 'JBSWY3DPEHPK3PXP',
    }),
    bob: await makeUser(db, {
      id: ID(3), email: 'bob@example.com', first_name: 'Bob', last_name: 'Smith', status: 'invited', role: editors.id,
      last_access: '2023-12-31T23:59:59.000Z', email_notifications: null, location: 'C:\\Temp', tfa_secret: '',
    }),
    percent: await makeUser(db, {
      id: ID(2), email: 'percent@example.com', first_name: '100%', last_name: 'Off_Road', status: 'draft', role: null,
      last_access: null, email_notifications: true, tags: '[]', title: '50% off',
    }),
  };
  const ids = { admin: t.admin.id, ...Object.fromEntries(Object.entries(made).map(([k, u]) => [k, u.id])) } as Record<Handle, string>;
  const tokens = { admin: t.admin.token, ...Object.fromEntries(Object.entries(made).map(([k, u]) => [k, u.token])) } as Record<Handle, string | null>;
  const stored = await db.kysely.selectFrom('directus_users').select(['token', 'password']).execute();
  return {
    roles: { admin: t.adminRole, editors, viewers, nobody },
    ids,
    tokens,
    secrets: {
      annTfa: 'JBSWY3DPEHPK3PXP',
      tokenHashes: stored.map((r) => r.token).filter((v): v is string => !!v),
      passwordHashes: stored.map((r) => r.password).filter((v): v is string => !!v),
    },
    handleOf: (id) => {
      const found = ALL.find((h) => ids[h] === id);
      if (!found) throw new Error(`unknown user id ${id}`);
      return found;
    },
  };
}

/** GET (or SEARCH) and expect 200; the body is in the failure message. */
export async function ok(t: TestApp, url: string, as: string | null = t.admin.token): Promise<LightMyRequestResponse> {
  const res = await t.request({ method: 'GET', url, as });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

/** The handles of the users a list query returns, in response order. */
export async function handles(t: TestApp, data: Dataset, query: string, as: string | null = t.admin.token): Promise<Handle[]> {
  const limit = /(^|&)limit=/.test(query) ? '' : '&limit=-1';
  const res = await ok(t, `/users?fields=id${limit}${query ? `&${query}` : ''}`, as);
  return (res.json().data as { id: string }[]).map((u) => data.handleOf(u.id));
}

/** The same, as a sorted set: for filters, where order is not the point. */
export async function matching(t: TestApp, data: Dataset, query: string, as?: string | null): Promise<Handle[]> {
  return (await handles(t, data, query, as)).sort();
}

/** Expects a 400 INVALID_QUERY in the Directus envelope; returns the message. */
export async function invalidQuery(t: TestApp, url: string, opts: { method?: 'GET' | 'SEARCH'; body?: object } = {}): Promise<string> {
  const res = await t.request({ method: opts.method ?? 'GET', url, as: t.admin.token, ...(opts.body ? { payload: opts.body } : {}) });
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json();
  expect(body, res.body).toEqual({ errors: [{ message: expect.stringMatching(/^Invalid query\. .+\.$/), extensions: expect.objectContaining({ code: 'INVALID_QUERY' }) }] });
  return body.errors[0].message as string;
}

/** Sorts handles the way the tests name expected sets. */
export const set = (...h: Handle[]): Handle[] => [...h].sort();
