// --scale: Usher processes are stateless, so two of them on one PostgreSQL serve more than one.
// Measures GET /users/me and the admin list with one process, then with two (autocannon's
// connections split over both ports), and while both are under load checks that what one process
// changes holds on the very next request through the other: a suspended user's static token, a
// signed-out session's JWT, and a changed permission.
import type { BenchOptions } from './args.js';
import { BenchError } from './args.js';
import type { BenchDatabase } from './database.js';
import { runLoad, warmUp, type Measurement } from './load.js';
import { SCENARIOS, preflight, type ScenarioContext } from './scenarios.js';
import { startUsher } from './usher.js';
import type { RunningServer } from './server.js';
import { LOGIN_PASSWORD } from './seed-data.js';

export interface ScaleResult {
  ok: boolean;
  connections: number;
  throughput: Array<{ scenario: string; one: Measurement; two: Measurement; gain: number }>;
  checks: Array<{ name: string; passes: number; failures: string[] }>;
}

interface ScaleInputs {
  options: BenchOptions;
  database: BenchDatabase;
  env: Record<string, string>;
  ctx: ScenarioContext;
  say: (line: string) => void;
  cleanups: Array<() => Promise<void>>;
}

async function call(server: RunningServer, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; data: any }> {
  const res = await fetch(server.baseUrl + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text).data : null };
}

const ROUNDS = 10;

export async function runScale(inputs: ScaleInputs): Promise<ScaleResult> {
  const { options, database, env, ctx, say, cleanups } = inputs;
  const connections = Math.max(...options.connections);
  const a = await startUsher(options, database, env, 'usher-a');
  cleanups.push(a.stop);
  const b = await startUsher(options, database, env, 'usher-b');
  cleanups.push(b.stop);
  say(`scale: two Usher processes on one PostgreSQL: ${a.baseUrl} (pid ${a.pid}) and ${b.baseUrl} (pid ${b.pid}), ${connections} connections in all`);

  const throughput: ScaleResult['throughput'] = [];
  for (const key of ['users-me', 'users-list']) {
    const scenario = SCENARIOS.find((s) => s.key === key)!;
    await preflight(a.baseUrl, scenario, ctx);
    await preflight(b.baseUrl, scenario, ctx);
    const spec = { request: (i: number) => scenario.request(ctx, i), headers: scenario.headers(ctx), connections };
    await warmUp([a, b], { ...spec, dbPids: await database.backendPids() }, options.warmup);
    const ones: Measurement[] = [];
    const twos: Measurement[] = [];
    for (let i = 0; i < options.repeat; i++) {
      const one = await runLoad(a, { ...spec, duration: options.duration, dbPids: await database.backendPids() });
      const two = await runLoad([a, b], { ...spec, duration: options.duration, dbPids: await database.backendPids() });
      say(`  ${scenario.label}, run ${i + 1}: one process ${one.reqPerSec.toFixed(0)} req/s (other CPU ${one.otherCores?.toFixed(2)}), two ${two.reqPerSec.toFixed(0)} req/s (other CPU ${two.otherCores?.toFixed(2)})`);
      ones.push(one);
      twos.push(two);
    }
    const med = (ms: Measurement[]) => [...ms].sort((x, y) => x.reqPerSec - y.reqPerSec)[Math.floor((ms.length - 1) / 2)]!;
    const one = { ...med(ones), repeats: ones.map((m) => m.reqPerSec) };
    const two = { ...med(twos), repeats: twos.map((m) => m.reqPerSec) };
    throughput.push({ scenario: scenario.label, one, two, gain: two.reqPerSec / one.reqPerSec });
  }

  // The checks run while both processes serve GET /users/me at full load.
  say('scale: revocation and permission checks across the two processes, under load');
  const me = SCENARIOS.find((s) => s.key === 'users-me')!;
  const background = runLoad([a, b], {
    request: (i) => me.request(ctx, i),
    headers: me.headers(ctx),
    connections,
    duration: Math.max(options.duration, 20),
  });
  const checks = await crossProcessChecks(a, b, ctx);
  const load = await background;
  say(`  background load during the checks: ${load.reqPerSec.toFixed(0)} req/s, non-2xx ${load.non2xx}, errors ${load.errors}`);
  for (const c of checks) say(`  ${c.name}: ${c.passes} of ${c.passes + c.failures.length} held${c.failures.length ? `; failures: ${c.failures.slice(0, 3).join('; ')}` : ''}`);
  await a.stop();
  await b.stop();

  say('');
  say('| scenario | 1 process req/s | 2 processes req/s | gain | p99 ms (1 / 2) | server CPU cores (1 / 2) | PG CPU cores (1 / 2) | other CPU (1 / 2) |');
  say('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of throughput) {
    const f = (n: number | null | undefined) => (n == null ? '—' : n.toFixed(2));
    say(`| ${t.scenario} | ${t.one.reqPerSec.toFixed(0)} | ${t.two.reqPerSec.toFixed(0)} | ${t.gain.toFixed(2)}× | ${t.one.p99Ms.toFixed(1)} / ${t.two.p99Ms.toFixed(1)} | ${f(t.one.serverCores)} / ${f(t.two.serverCores)} | ${f(t.one.dbCores)} / ${f(t.two.dbCores)} | ${f(t.one.otherCores)} / ${f(t.two.otherCores)} |`);
  }
  say('');
  say('| cross-process check (change through one process, next request through the other) | held |');
  say('|---|---:|');
  for (const c of checks) say(`| ${c.name} | ${c.passes} / ${c.passes + c.failures.length} |`);
  const ok = checks.every((c) => c.failures.length === 0);
  return { ok, connections, throughput, checks };
}

/** Each change is made through one process and checked on the very next request through the other, both ways. */
async function crossProcessChecks(a: RunningServer, b: RunningServer, ctx: ScenarioContext): Promise<ScaleResult['checks']> {
  const admin = ctx.adminToken;
  const suspend = { name: 'suspend a user: their static token is refused (401)', passes: 0, failures: [] as string[] };
  const logout = { name: 'sign out: the session\'s JWT is refused (401)', passes: 0, failures: [] as string[] };
  const permission = { name: 'change a role\'s row filter: the next list follows the new rule', passes: 0, failures: [] as string[] };

  // A user with a static token in the Editor role (app access, so GET /users/me answers 200).
  const token = `scale-${ctx.runId}-${'x'.repeat(40)}`;
  const created = await call(a, 'POST', '/users', admin, { email: `scale-${ctx.runId}@example.com`, role: ctx.editorRoleId, status: 'active', token });
  if (created.status !== 200) throw new BenchError(`scale: could not create the test user: ${created.status}`);
  const userId = created.data.id as string;

  const perms = await call(a, 'GET', `/permissions?filter[collection][_eq]=directus_users&filter[action][_eq]=read&filter[permissions][_nnull]=true&limit=-1`, admin);
  const readerRule = (perms.data as Array<{ id: number; role: string; permissions: unknown }>).find((p) => JSON.stringify(p.permissions).includes(ctx.editorRoleId));
  if (!readerRule) throw new BenchError('scale: the Bench Reader rule was not found');
  // Only Editor and Viewer users: the reader's own row (readable through app access's minimal rule) stays out.
  const readerList = `/users?limit=20&fields=id,role&filter[role][_in]=${ctx.editorRoleId},${ctx.viewerRoleId}`;

  for (let round = 0; round < ROUNDS; round++) {
    const [writer, reader] = round % 2 === 0 ? [a, b] : [b, a];
    const tag = `round ${round + 1} (${writer.name} -> ${reader.name})`;

    // Suspend through one, ask through the other; then reactivate for the next round.
    const before = await call(reader, 'GET', '/users/me', token);
    const sus = await call(writer, 'PATCH', `/users/${userId}`, admin, { status: 'suspended' });
    const after = await call(reader, 'GET', '/users/me', token);
    if (before.status === 200 && sus.status === 200 && after.status === 401) suspend.passes++;
    else suspend.failures.push(`${tag}: before ${before.status}, patch ${sus.status}, after ${after.status}`);
    await call(writer, 'PATCH', `/users/${userId}`, admin, { status: 'active' });

    // Sign in and out through one, use the JWT through the other.
    const email = ctx.loginEmails[round % ctx.loginEmails.length]!;
    const login = await call(writer, 'POST', '/auth/login', null, { email, password: LOGIN_PASSWORD });
    const jwt = login.data?.access_token as string | undefined;
    const ok = jwt ? await call(reader, 'GET', '/users/me', jwt) : { status: 0 };
    const out = await call(writer, 'POST', '/auth/logout', null, { refresh_token: login.data?.refresh_token });
    const gone = jwt ? await call(reader, 'GET', '/users/me', jwt) : { status: 0 };
    if (login.status === 200 && ok.status === 200 && out.status === 204 && gone.status === 401) logout.passes++;
    else logout.failures.push(`${tag}: login ${login.status}, use ${ok.status}, logout ${out.status}, after ${gone.status}`);

    // Point the reader's rule at the Viewer role through one; the next list through the other follows it.
    const to = round % 2 === 0 ? ctx.viewerRoleId : ctx.editorRoleId;
    const patched = await call(writer, 'PATCH', `/permissions/${readerRule.id}`, admin, { permissions: { role: { _eq: to } } });
    const list = await call(reader, 'GET', readerList, ctx.readerToken);
    const roles = new Set((list.data as Array<{ role: string }> | null)?.map((u) => u.role));
    const others = [...roles].filter((r) => r !== to);
    if (patched.status === 200 && list.status === 200 && roles.has(to) && others.length === 0) permission.passes++;
    else permission.failures.push(`${tag}: patch ${patched.status}, list ${list.status}, roles ${[...roles].join(',')}`);
  }
  // Leave the rule as the seed made it.
  await call(a, 'PATCH', `/permissions/${readerRule.id}`, admin, { permissions: { role: { _eq: ctx.editorRoleId } } });
  return [suspend, logout, permission];
}
