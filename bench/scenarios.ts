// What the bench asks each server, and the check each answer must pass before it is timed: a bench
// that measures 401s or empty lists measures nothing. The same scenarios run against Usher and,
// with --vs-directus, against Directus 10; only the ids and tokens in the context differ.
import { BenchError } from './args.js';

export type TargetName = 'usher' | 'directus';

export interface ScenarioContext {
  target: TargetName;
  adminId: string;
  adminEmail: string;
  /** A static token of the admin. */
  adminToken: string;
  /** An access token (JWT) of the admin from POST /auth/login, set by the JWT scenario's prepare(). */
  jwt: string | null;
  /** The non-admin of the "Bench Reader" role, which reads the users of the Editor role only. */
  readerToken: string;
  editorRoleId: string;
  viewerRoleId: string;
  loginEmails: string[];
  loginPassword: string;
  /** Seeded users the PATCH scenario cycles over. */
  patchIds: string[];
  /** Seeded users the DELETE scenario removes, 10,000 per run. */
  deleteIds: string[];
  searchTerm: string;
  /** Distinguishes the addresses one bench run creates from another's. */
  runId: string;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
}

export interface Scenario {
  key: string;
  label: string;
  /** `load`: autocannon for --duration seconds; `once`: one timed request per run. */
  kind: 'load' | 'once';
  /** The request number i (0, 1, 2 ... across the whole run; preflight is -1). */
  request(ctx: ScenarioContext, i: number): RequestSpec;
  /** True when request(i) differs from request(0) (autocannon then asks for each one). */
  varies?: boolean;
  headers(ctx: ScenarioContext): Record<string, string>;
  expect?: 200 | 204;
  /** Returns what is wrong with the answer's body, or null when it is what the scenario expects. */
  check(body: unknown, ctx: ScenarioContext, req: RequestSpec): string | null;
  /** Runs before the scenario on each server (e.g. signs in for a JWT). */
  prepare?(baseUrl: string, ctx: ScenarioContext): Promise<void>;
  /** Part of the --large set (list and search). */
  large?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const bearer = (ctx: ScenarioContext) => ({ authorization: `Bearer ${ctx.adminToken}` });
const adminJson = (ctx: ScenarioContext) => ({ ...bearer(ctx), ...JSON_HEADERS });

type Item = Record<string, unknown>;
const dataOf = (body: unknown): unknown => (body as { data?: unknown } | null)?.data;

/** Secrets never come back in clear on Usher: concealed or null, never a hash. */
function leaksSecret(item: Item, ctx: ScenarioContext): string | null {
  if (ctx.target !== 'usher') return null;
  for (const field of ['password', 'token', 'tfa_secret']) {
    const v = item[field];
    if (v !== undefined && v !== null && v !== '**********') return `${field} is not concealed`;
  }
  return null;
}

function listOf(body: unknown, min: number, max: number): Item[] | string {
  const items = dataOf(body) as Item[] | undefined;
  if (!Array.isArray(items)) return 'data is not a list';
  if (items.length < min || items.length > max) return `expected ${min === max ? min : `${min} to ${max}`} items, got ${items.length}`;
  return items;
}

function sortedByEmailDesc(items: Item[]): string | null {
  const emails = items.map((u) => String(u.email).toLowerCase());
  return emails.some((e, i) => i > 0 && emails[i - 1]! < e) ? 'items are not sorted by email descending' : null;
}

const firstProblem = (...checks: Array<() => string | null>) => {
  for (const c of checks) {
    const p = c();
    if (p) return p;
  }
  return null;
};

const LIST = '/users?limit=50&filter[status][_eq]=active&sort=-email';

/** POST /users/invite and DELETE /users are measured with this many addresses and ids. */
export const INVITE_COUNT = 1_000;
export const DELETE_COUNT = 10_000;

export const SCENARIOS: Scenario[] = [
  {
    key: 'users-me',
    label: 'GET /users/me (static admin token)',
    kind: 'load',
    request: () => ({ method: 'GET', path: '/users/me' }),
    headers: bearer,
    check(body, ctx) {
      const item = dataOf(body) as Item | undefined;
      if (!item || item.id !== ctx.adminId) return 'data.id is not the admin';
      if (item.email !== ctx.adminEmail) return 'data.email is not the admin email';
      return leaksSecret(item, ctx);
    },
  },
  {
    key: 'users-me-jwt',
    label: 'GET /users/me (admin JWT from /auth/login)',
    kind: 'load',
    request: () => ({ method: 'GET', path: '/users/me' }),
    headers: (ctx) => ({ authorization: `Bearer ${ctx.jwt}` }),
    async prepare(baseUrl, ctx) {
      ctx.jwt = await signIn(baseUrl, ctx.adminEmail, adminPassword(ctx));
    },
    check(body, ctx) {
      const item = dataOf(body) as Item | undefined;
      return !item || item.id !== ctx.adminId ? 'data.id is not the admin' : leaksSecret(item, ctx);
    },
  },
  {
    key: 'users-list',
    label: `GET ${LIST} (admin)`,
    kind: 'load',
    large: true,
    request: () => ({ method: 'GET', path: LIST }),
    headers: bearer,
    check(body, ctx) {
      const items = listOf(body, 50, 50);
      if (typeof items === 'string') return items;
      return firstProblem(
        () => (items.some((u) => u.status !== 'active') ? 'an item is not active' : null),
        () => sortedByEmailDesc(items),
        () => items.map((u) => leaksSecret(u, ctx)).find((e) => e !== null) ?? null,
      );
    },
  },
  {
    key: 'users-list-reader',
    label: `GET ${LIST} (non-admin, row filter role = Editor)`,
    kind: 'load',
    large: true,
    request: () => ({ method: 'GET', path: LIST }),
    headers: (ctx) => ({ authorization: `Bearer ${ctx.readerToken}` }),
    check(body, ctx) {
      const items = listOf(body, 50, 50);
      if (typeof items === 'string') return items;
      return firstProblem(
        () => (items.some((u) => u.status !== 'active') ? 'an item is not active' : null),
        () => (items.some((u) => u.role !== ctx.editorRoleId) ? 'an item is outside the row filter (role is not Editor)' : null),
        () => sortedByEmailDesc(items),
        () => items.map((u) => leaksSecret(u, ctx)).find((e) => e !== null) ?? null,
      );
    },
  },
  {
    key: 'users-role-name',
    label: 'GET /users?limit=50&filter[role][name][_eq]=Viewer&sort=-email (admin, relational)',
    kind: 'load',
    large: true,
    request: () => ({ method: 'GET', path: '/users?limit=50&filter[role][name][_eq]=Viewer&sort=-email' }),
    headers: bearer,
    check(body, ctx) {
      const items = listOf(body, 50, 50);
      if (typeof items === 'string') return items;
      return firstProblem(
        () => (items.some((u) => u.role !== ctx.viewerRoleId) ? 'an item is not in the Viewer role' : null),
        () => sortedByEmailDesc(items),
      );
    },
  },
  {
    key: 'users-search',
    label: 'GET /users?search=TERM (admin)',
    kind: 'load',
    large: true,
    request: (ctx) => ({ method: 'GET', path: `/users?search=${encodeURIComponent(ctx.searchTerm)}` }),
    headers: bearer,
    check(body, ctx) {
      const items = listOf(body, 1, 100);
      if (typeof items === 'string') return items;
      const term = ctx.searchTerm.toLowerCase();
      const missing = items.find((u) => !Object.values(u).some((v) => typeof v === 'string' && v.toLowerCase().includes(term)));
      return missing ? `item ${String(missing.id)} does not contain "${ctx.searchTerm}"` : null;
    },
  },
  {
    key: 'login',
    label: 'POST /auth/login over 100 users (LOGIN_STALL_TIME=0)',
    kind: 'load',
    varies: true,
    request: (ctx, i) => {
      const email = ctx.loginEmails[((i % ctx.loginEmails.length) + ctx.loginEmails.length) % ctx.loginEmails.length]!;
      return { method: 'POST', path: '/auth/login', body: JSON.stringify({ email, password: ctx.loginPassword }) };
    },
    headers: () => JSON_HEADERS,
    check(body) {
      const data = dataOf(body) as Item | undefined;
      return typeof data?.access_token === 'string' && typeof data.refresh_token === 'string' ? null : 'no access_token / refresh_token';
    },
  },
  {
    key: 'users-create',
    label: 'POST /users (one new user, admin)',
    kind: 'load',
    varies: true,
    request: (ctx, i) => ({
      method: 'POST',
      path: '/users',
      body: JSON.stringify({ email: `bench-${ctx.runId}-${i < 0 ? 'pre' : i}@example.com`, role: ctx.viewerRoleId, status: 'active' }),
    }),
    headers: adminJson,
    check(body, ctx, req) {
      const item = dataOf(body) as Item | undefined;
      const sent = (JSON.parse(req.body!) as { email: string }).email;
      if (!item || String(item.email).toLowerCase() !== sent) return 'data.email is not the new address';
      return leaksSecret(item, ctx);
    },
  },
  {
    key: 'users-patch',
    label: 'PATCH /users/:id (title, admin, 1,000 users in turn)',
    kind: 'load',
    varies: true,
    request: (ctx, i) => ({
      method: 'PATCH',
      path: `/users/${ctx.patchIds[Math.max(0, i) % ctx.patchIds.length]}`,
      body: JSON.stringify({ title: `Title ${i}` }),
    }),
    headers: adminJson,
    check(body, ctx, req) {
      const item = dataOf(body) as Item | undefined;
      const sent = (JSON.parse(req.body!) as { title: string }).title;
      if (!item || item.title !== sent) return 'data.title is not the new title';
      return leaksSecret(item, ctx);
    },
  },
  {
    key: 'users-invite',
    label: `POST /users/invite with ${INVITE_COUNT.toLocaleString('en')} addresses (one request, mail queued)`,
    kind: 'once',
    request: (ctx, i) => ({
      method: 'POST',
      path: '/users/invite',
      body: JSON.stringify({
        email: Array.from({ length: INVITE_COUNT }, (_, k) => `invite-${ctx.runId}-${i}-${k}@example.com`),
        role: ctx.viewerRoleId,
      }),
    }),
    headers: adminJson,
    expect: 200,
    check(body, ctx) {
      if (ctx.target === 'directus') return null; // Directus answers 204 (checked by status)
      const items = listOf(body, INVITE_COUNT, INVITE_COUNT);
      if (typeof items === 'string') return items;
      return items.every((r) => r.result === 'invited') ? null : 'not every address was invited';
    },
  },
  {
    key: 'users-delete',
    label: `DELETE /users with ${DELETE_COUNT.toLocaleString('en')} ids (one request)`,
    kind: 'once',
    request: (ctx, i) => ({ method: 'DELETE', path: '/users', body: JSON.stringify(deleteBatch(ctx, i)) }),
    headers: adminJson,
    expect: 204,
    check: () => null,
  },
];

/** The ids run i deletes; a run without 10,000 seeded ids left is refused before it is timed. */
export function deleteBatch(ctx: ScenarioContext, i: number): string[] {
  const batch = ctx.deleteIds.slice(i * DELETE_COUNT, (i + 1) * DELETE_COUNT);
  if (batch.length !== DELETE_COUNT) throw new BenchError(`DELETE /users: only ${batch.length} seeded ids left for run ${i + 1}; seed more users`);
  return batch;
}

export const CEILING_SCENARIO: Scenario = {
  key: 'fastify-ceiling',
  label: 'ceiling: bare Fastify hello world',
  kind: 'load',
  request: () => ({ method: 'GET', path: '/' }),
  headers: () => ({}),
  check: (body) => ((body as { hello?: unknown } | null)?.hello === 'world' ? null : 'not {"hello":"world"}'),
};

/** The admin's password is only needed for the JWT; it lives beside the context, not in it. */
const passwords = new WeakMap<ScenarioContext, string>();
export function setAdminPassword(ctx: ScenarioContext, password: string): void {
  passwords.set(ctx, password);
}
function adminPassword(ctx: ScenarioContext): string {
  const p = passwords.get(ctx);
  if (!p) throw new BenchError('no admin password for the JWT scenario');
  return p;
}

/** POST /auth/login; answers the access token. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new BenchError(`sign-in as ${email}: status ${res.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { data: { access_token: string } }).data.access_token;
}

export interface Answer {
  status: number;
  ms: number;
  bytes: number;
}

/** One request, checked; throws when the answer is not what the scenario expects. */
export async function checkedRequest(baseUrl: string, scenario: Scenario, ctx: ScenarioContext, i: number, timeoutMs = 10_000): Promise<Answer> {
  const req = scenario.request(ctx, i);
  const started = performance.now();
  const res = await fetch(baseUrl + req.path, {
    method: req.method,
    headers: scenario.headers(ctx),
    body: req.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  const expect = ctx.target === 'directus' && scenario.key === 'users-invite' ? 204 : (scenario.expect ?? 200);
  const where = `${scenario.label} on ${ctx.target}`;
  if (res.status !== expect) throw new BenchError(`${where}: status ${res.status} (expected ${expect}): ${text.slice(0, 300)}`);
  const problem = expect === 204 ? null : scenario.check(JSON.parse(text), ctx, req);
  if (problem) throw new BenchError(`${where}: ${problem}`);
  return { status: res.status, ms, bytes: Buffer.byteLength(text) };
}

/** The preflight: one request (number -1), checked, before a scenario is timed. Answers the body size. */
export async function preflight(baseUrl: string, scenario: Scenario, ctx: ScenarioContext): Promise<number> {
  return (await checkedRequest(baseUrl, scenario, ctx, -1)).bytes;
}
