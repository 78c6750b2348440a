// What the bench asks Usher, and the check each answer must pass before it is timed: a bench that
// measures 401s or empty lists measures nothing.
import { BenchError } from './args.js';

export interface ScenarioContext {
  adminId: string;
  adminEmail: string;
  adminToken: string;
}

export interface Scenario {
  key: string;
  label: string;
  path: string;
  headers(ctx: ScenarioContext): Record<string, string>;
  /** Returns what is wrong with a 200 answer's body, or null when it is what the scenario expects. */
  check(body: unknown, ctx: ScenarioContext): string | null;
}

const bearer = (ctx: ScenarioContext) => ({ authorization: `Bearer ${ctx.adminToken}` });

type Item = Record<string, unknown>;
const dataOf = (body: unknown): unknown => (body as { data?: unknown } | null)?.data;

/** Secrets never come back in clear: concealed or null, never a hash. */
function leaksSecret(item: Item): string | null {
  for (const field of ['password', 'token', 'tfa_secret']) {
    const v = item[field];
    if (v !== undefined && v !== null && v !== '**********') return `${field} is not concealed`;
  }
  return null;
}

export const USHER_SCENARIOS: Scenario[] = [
  {
    key: 'users-me',
    label: 'GET /users/me (static admin token)',
    path: '/users/me',
    headers: bearer,
    check(body, ctx) {
      const item = dataOf(body) as Item | undefined;
      if (!item || item.id !== ctx.adminId) return 'data.id is not the admin';
      if (item.email !== ctx.adminEmail) return 'data.email is not the admin email';
      return leaksSecret(item);
    },
  },
  {
    key: 'users-list',
    label: 'GET /users?limit=50&filter[status][_eq]=active&sort=-email (admin)',
    path: '/users?limit=50&filter[status][_eq]=active&sort=-email',
    headers: bearer,
    check(body) {
      const items = dataOf(body) as Item[] | undefined;
      if (!Array.isArray(items) || items.length !== 50) return `expected 50 items, got ${Array.isArray(items) ? items.length : 'none'}`;
      if (items.some((u) => u.status !== 'active')) return 'an item is not active';
      const emails = items.map((u) => String(u.email).toLowerCase());
      if (emails.some((e, i) => i > 0 && emails[i - 1]! < e)) return 'items are not sorted by email descending';
      return items.map(leaksSecret).find((e) => e !== null) ?? null;
    },
  },
];

export const CEILING_SCENARIO: Scenario = {
  key: 'fastify-ceiling',
  label: 'ceiling: bare fastify hello world',
  path: '/',
  headers: () => ({}),
  check: (body) => ((body as { hello?: unknown } | null)?.hello === 'world' ? null : 'not {"hello":"world"}'),
};

/** One request, checked; answers the body size in bytes. Throws when the answer is wrong. */
export async function preflight(baseUrl: string, scenario: Scenario, ctx: ScenarioContext): Promise<number> {
  const res = await fetch(baseUrl + scenario.path, { headers: scenario.headers(ctx), signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200) throw new BenchError(`${scenario.label}: status ${res.status}: ${text.slice(0, 300)}`);
  const problem = scenario.check(JSON.parse(text), ctx);
  if (problem) throw new BenchError(`${scenario.label}: ${problem}`);
  return Buffer.byteLength(text);
}
