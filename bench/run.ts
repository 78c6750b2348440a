// `npm run bench`: a fresh database seeded with --users users, the ceilings (bare Fastify, raw
// argon2id), then the real built Usher as a child process, and with --vs-directus Directus 10 on
// the same data beside it. Each scenario is checked on every server, warmed up, and measured with
// autocannon, alternating the servers run by run; one markdown table on stdout (with the issue's
// targets marked met or not met) and the full figures in bench/results/<timestamp>.json.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { randomToken } from '../src/util/crypto.js';
import { BenchError, parseBenchArgs, UsageError, type BenchOptions } from './args.js';
import { baselineFor, BASELINE_SOURCE } from './baseline.js';
import { createBenchDatabase, type BenchDatabase } from './database.js';
import { runLoad, warmUp, type Measurement } from './load.js';
import { describeCommit, describeMachine, markdownTable, writeResults, writeResultsMarkdown, type Figures, type ResultRow, type Single } from './report.js';
import {
  CEILING_SCENARIO,
  checkedRequest,
  DELETE_COUNT,
  INVITE_COUNT,
  preflight,
  SCENARIOS,
  setAdminPassword,
  type Scenario,
  type ScenarioContext,
  type TargetName,
} from './scenarios.js';
import { LOGIN_POOL, pickUserPools, seedDatabase, type SeedResult } from './seed.js';
import { LOGIN_PASSWORD, loginEmail } from './seed-data.js';
import { CpuWindow, rssMb, waitForQuiet } from './proc.js';
import { buildIfStale, distIsStale, ROOT, sourceDigest, startServer, type RunningServer } from './server.js';
import { startCountingSink, type CountingSink } from './smtp-sink.js';
import { directusContext, directusInstance, directusMissing, directusPools, seedDirectusFile, setUpDirectus, type DirectusInstance } from './directus.js';
import { appFirstLoad } from './app-load.js';
import { targetsFor } from './targets.js';
import { runScale } from './scale.js';
import { SERVER_NODE_FLAGS, startUsher, usherEnv, type Admin } from './usher.js';

const say = (line: string) => process.stdout.write(line + '\n');
const run = promisify(execFile);
/** Seconds the servers stay idle before RSS is read at the end of a run. */
const RSS_SETTLE_S = 20;

/** Undo steps, run last-in first-out at the end or on Ctrl-C: stop servers, drop the database. */
const cleanups: Array<() => Promise<void>> = [];
async function runCleanups(): Promise<void> {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) {
    try {
      await step();
    } catch (err) {
      process.stderr.write(`bench: cleanup failed: ${(err as Error).message}\n`);
    }
  }
}

async function seed(database: BenchDatabase, env: Record<string, string>, users: number): Promise<SeedResult> {
  const db = database.open();
  try {
    const result = await seedDatabase(db, loadConfig(env, { cwd: database.dataDir }), users);
    say(`seeded ${users} users in ${result.seconds.toFixed(1)} s (${Math.round(users / result.seconds)} rows/s, ${result.rowsPerInsert} rows per INSERT, no argon2), plus ${LOGIN_POOL} login users with an argon2id hash`);
    return result;
  } finally {
    await db.destroy();
  }
}

/** One server under test, with its own ids and tokens. */
interface Side {
  name: TargetName;
  server: RunningServer;
  ctx: ScenarioContext;
  dbPids: () => Promise<number[]>;
  /** Request numbering for scenarios whose requests differ (unique emails, user ids in turn). */
  counters: Map<string, { next: number }>;
}

const counterOf = (side: Side, key: string) => {
  let c = side.counters.get(key);
  if (!c) side.counters.set(key, (c = { next: 0 }));
  return c;
};

/** The run with the median throughput, carrying every run's req/s beside it. */
function medianRun(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, repeats: runs.map((r) => r.reqPerSec) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

function describe(m: Measurement): string {
  return (
    `${m.reqPerSec.toFixed(0)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, errors ${m.errors}, non-2xx ${m.non2xx}, ` +
    `other CPU ${m.otherCores?.toFixed(2) ?? '?'} cores` +
    (m.quietWaitS > 1.5 ? ` (waited ${m.quietWaitS} s for a quiet machine)` : '')
  );
}

/** Load scenario: checked and warmed on every side, then measured run by run, alternating sides. */
async function measureLoad(scenario: Scenario, sides: Side[], options: BenchOptions): Promise<Map<TargetName, Measurement[]>> {
  for (const side of sides) {
    await scenario.prepare?.(side.server.baseUrl, side.ctx);
    await preflight(side.server.baseUrl, scenario, side.ctx);
  }
  const spec = (side: Side, connections: number) => ({
    request: (i: number) => scenario.request(side.ctx, i),
    varies: scenario.varies,
    counter: counterOf(side, scenario.key),
    headers: scenario.headers(side.ctx),
    connections,
  });
  for (const side of sides) {
    say(`  ${scenario.label} on ${side.name}: warm-up ${options.warmup} s`);
    await warmUp(side.server, { ...spec(side, options.connections[0]!), dbPids: await side.dbPids() }, options.warmup);
  }
  const out = new Map<TargetName, Measurement[]>(sides.map((s) => [s.name, []]));
  for (const connections of options.connections) {
    const runs = new Map<TargetName, Measurement[]>(sides.map((s) => [s.name, []]));
    for (let i = 0; i < options.repeat; i++) {
      for (const side of sides) {
        const m = await runLoad(side.server, { ...spec(side, connections), duration: options.duration, dbPids: await side.dbPids() });
        say(`  ${scenario.label} on ${side.name}, ${connections} conns, run ${i + 1}: ${describe(m)}`);
        runs.get(side.name)!.push(m);
      }
    }
    for (const side of sides) out.get(side.name)!.push(medianRun(runs.get(side.name)!));
  }
  return out;
}

/** Mail the side's SMTP sink has received. */
type MailCounter = (side: Side) => number;

/** One request per run, timed and checked, alternating sides; invitations wait for their mail. */
async function measureOnce(scenario: Scenario, sides: Side[], options: BenchOptions, mails: MailCounter): Promise<Map<TargetName, Single & { notes: string[] }>> {
  const out = new Map<TargetName, Single & { notes: string[] }>(sides.map((s) => [s.name, { value: NaN, runs: [], unit: 'ms' as const, notes: [], otherCores: null }]));
  const others: Map<TargetName, number[]> = new Map(sides.map((s) => [s.name, []]));
  for (let i = 0; i < options.repeat; i++) {
    for (const side of sides) {
      const dbPids = await side.dbPids();
      await waitForQuiet(side.server.pid, dbPids);
      const before = mails(side);
      const window = new CpuWindow(side.server.pid, dbPids);
      const answer = await checkedRequest(side.server.baseUrl, scenario, side.ctx, i, 600_000);
      const cpu = window.close();
      if (cpu.otherMs !== null) others.get(side.name)!.push(cpu.otherMs / 1000 / cpu.seconds);
      let note = '';
      if (scenario.key === 'users-invite') {
        const started = performance.now();
        let got = mails(side);
        while (got < before + INVITE_COUNT && performance.now() - started < 300_000) {
          await new Promise((r) => setTimeout(r, 100));
          got = mails(side);
        }
        const waited = (performance.now() - started) / 1000;
        note = `${got - before} of ${INVITE_COUNT} mails delivered ${waited.toFixed(1)} s after the answer`;
        out.get(side.name)!.notes.push(note);
      }
      say(`  ${scenario.label} on ${side.name}, run ${i + 1}: ${answer.ms.toFixed(0)} ms${note ? `; ${note}` : ''}`);
      out.get(side.name)!.runs.push(answer.ms);
    }
  }
  for (const [name, s] of out) {
    s.value = median(s.runs);
    const o = others.get(name)!;
    s.otherCores = o.length > 0 ? median(o) : null;
  }
  return out;
}

async function runFastifyCeiling(options: BenchOptions, database: BenchDatabase): Promise<Measurement[]> {
  say('ceiling: bare Fastify hello world');
  const server = await startServer({
    name: 'fastify ceiling',
    args: ['--import', 'tsx', join(ROOT, 'bench', 'hello-fastify.ts')],
    env: {},
    cwd: ROOT,
    logFile: join(database.dataDir, 'hello-fastify.log'),
    healthPath: '/',
  });
  cleanups.push(server.stop);
  try {
    const ctx = { target: 'usher' } as ScenarioContext;
    await preflight(server.baseUrl, CEILING_SCENARIO, ctx);
    const side: Side = { name: 'usher', server, ctx, dbPids: async () => [], counters: new Map() };
    return (await measureLoad(CEILING_SCENARIO, [side], options)).get('usher')!;
  } finally {
    await server.stop();
  }
}

interface Argon2Ceiling {
  perSecond: number;
  cpuMsPerVerify: number;
  cores: number;
  otherCores: number | null;
  runs: number[];
}

/**
 * Raw argon2id verifications per second at Usher's parameters, in a child process (median of
 * --repeat). Each run measures with libuv's default pool (4 threads) and with the pool Usher runs
 * with (one thread per core, bin/usher.cjs), and counts the better: the ceiling is the best this
 * machine does, whatever the pool.
 */
async function runArgon2Ceiling(options: BenchOptions): Promise<Argon2Ceiling> {
  say('ceiling: raw argon2id verify rate at Usher parameters (m=19456, t=2, p=1)');
  const runs: Array<{ perSecond: number; cpuMsPerVerify: number; cores: number; other: number | null }> = [];
  for (let i = 0; i < options.repeat; i++) {
    let best: (typeof runs)[number] | null = null;
    for (const pool of ['4', String(availableParallelism())]) {
      await waitForQuiet([], []);
      const window = new CpuWindow([], []);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'argon2-ceiling.ts'), '--duration', String(options.duration), '--concurrency', String(options.connections[0])], {
        cwd: ROOT,
        env: { ...process.env, UV_THREADPOOL_SIZE: pool },
      });
      const cpu = window.close();
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as { perSecond: number; cpuMsPerVerify: number; cores: number };
      // The child's CPU counts as "other" here (it is not the server): take it out again.
      const other = cpu.otherMs === null ? null : Math.max(0, cpu.otherMs / 1000 / cpu.seconds - r.cores * ((options.duration + 1) / cpu.seconds));
      say(`  run ${i + 1}: ${r.perSecond.toFixed(1)} verifications/s, ${r.cpuMsPerVerify.toFixed(1)} ms CPU each, ${r.cores.toFixed(2)} cores (UV_THREADPOOL_SIZE=${pool})`);
      if (!best || r.perSecond > best.perSecond) best = { ...r, other };
    }
    runs.push(best!);
  }
  const m = [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor((runs.length - 1) / 2)]!;
  return { perSecond: m.perSecond, cpuMsPerVerify: m.cpuMsPerVerify, cores: m.cores, otherCores: m.other, runs: runs.map((r) => r.perSecond) };
}

function selectScenarios(options: BenchOptions): Scenario[] {
  const known = [...SCENARIOS.map((s) => s.key), 'login-stall', 'app-load'];
  const unknown = options.only.filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new UsageError(`--only: unknown scenario ${unknown.join(', ')} (known: ${known.join(', ')})`);
  let list = options.large ? SCENARIOS.filter((s) => s.large) : SCENARIOS;
  if (options.only.length > 0) list = list.filter((s) => options.only.includes(s.key));
  return list;
}

const wants = (options: BenchOptions, key: string) => !options.large && (options.only.length === 0 || options.only.includes(key));

interface PeerSetup {
  instance: DirectusInstance;
  ctx: ScenarioContext;
  seedSeconds: number;
}

async function prepareDirectus(options: BenchOptions, database: BenchDatabase, runId: string): Promise<PeerSetup> {
  const missing = directusMissing(options);
  if (missing) throw new BenchError(`--vs-directus: ${missing}`);
  const dataDir = join(database.dataDir, 'directus');
  mkdirSync(dataDir, { recursive: true });
  const instance = await directusInstance(options, dataDir);
  cleanups.push(() => instance.stopAll());
  say(`directus: bootstrapping in ${dataDir} (port ${instance.port}, SMTP sink ${instance.smtpPort})`);
  const first = await instance.start({ LOGIN_STALL_TIME: '0' });
  const setup = await setUpDirectus(first.baseUrl);
  await first.stop();
  const { seconds } = seedDirectusFile(join(dataDir, 'data.db'), setup, options.directusUsers);
  say(`directus: seeded ${options.directusUsers} users into its SQLite file in ${seconds.toFixed(1)} s`);
  const pools = directusPools(join(dataDir, 'data.db'), setup, 1000, DELETE_COUNT * options.repeat);
  const ctx = directusContext(setup, pools, { searchTerm: options.searchTerm, runId });
  setAdminPassword(ctx, 'admin-password');
  return { instance, ctx, seedSeconds: seconds };
}

function loadRows(key: string, label: string, usher: Measurement[] | undefined, peer: Measurement[] | undefined, connections: number[]): ResultRow[] {
  return connections.map((c, i) => {
    const u = usher?.[i];
    const p = peer?.[i];
    const baseline = p ? null : baselineFor(key, c);
    const peerFig: Figures | null = p ? { load: p } : baseline !== null ? { load: baselineMeasurement(c, baseline) } : null;
    const peerRate = p?.reqPerSec ?? baseline;
    return {
      key,
      scenario: label,
      connections: c,
      usher: u ? { load: u } : null,
      peer: peerFig,
      peerSource: p ? 'measured' : baseline !== null ? 'baseline.md' : null,
      ratio: u && peerRate ? u.reqPerSec / peerRate : null,
      targets: [],
    };
  });
}

/** A baseline.md figure in a Measurement's shape: only req/s is known. */
function baselineMeasurement(connections: number, reqPerSec: number): Measurement {
  return {
    connections,
    durationS: 10,
    requests: 0,
    reqPerSec,
    meanMs: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    errors: 0,
    non2xx: 0,
    statusCodes: {},
    serverCpuMsPerReq: null,
    dbCpuMsPerReq: null,
    serverCores: null,
    dbCores: null,
    clientCores: 0,
    otherCores: null,
    quietWaitS: 0,
    rssMbAfter: null,
  };
}

function singleRow(key: string, label: string, usher: Single | null, peer: Single | null, lowerIsBetter = true, note?: string): ResultRow {
  const baseline = peer ? null : baselineFor(key, null);
  const p: Single | null = peer ?? (baseline !== null && usher ? { value: baseline, runs: [baseline], unit: usher.unit } : null);
  return {
    key,
    scenario: label,
    connections: null,
    usher: usher ? { single: usher } : null,
    peer: p ? { single: p } : null,
    peerSource: peer ? 'measured' : p ? 'baseline.md' : null,
    ratio: usher && p ? (lowerIsBetter ? p.value / usher.value : usher.value / p.value) : null,
    targets: [],
    note,
  };
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2), process.env);
  if (!options) return 0;
  const startedAt = new Date();
  const machine = describeMachine();
  const commit = describeCommit();
  const scenarios = selectScenarios(options);
  assertStartFlags();
  const built = buildIfStale();
  const build = { rebuilt: built, srcDigest: sourceDigest() };
  const runId = randomBytes(4).toString('hex');

  const database = await createBenchDatabase(options);
  cleanups.push(async () => {
    if (options.keep) say(`kept: ${database.dataDir} (${database.location})`);
    else await database.remove();
  });
  say(`database: ${options.db} at ${database.location}`);
  const sink = await startCountingSink();
  cleanups.push(() => sink.close());
  const admin: Admin = { email: 'admin@example.com', password: randomToken(18), token: randomToken(32) };
  const secret = randomBytes(48).toString('base64url');
  const env = usherEnv(database, admin, secret, {
    ...sink.env(),
    LOGIN_STALL_TIME: '0',
    ...(options.responseCache ? {} : { RESPONSE_CACHE_ENABLED: 'false' }),
  });
  const seeded = await seed(database, env, options.users);
  const pools = await (async () => {
    const db = database.open();
    try {
      return await pickUserPools(db, seeded.roles, 1000, DELETE_COUNT * options.repeat);
    } finally {
      await db.destroy();
    }
  })();
  const usherCtx: ScenarioContext = {
    target: 'usher',
    adminId: seeded.adminId,
    adminEmail: admin.email,
    adminToken: admin.token,
    jwt: null,
    readerToken: seeded.reader.token,
    editorRoleId: seeded.roles.ids[0]!,
    viewerRoleId: seeded.roles.ids[1]!,
    loginEmails: Array.from({ length: LOGIN_POOL }, (_, i) => loginEmail(i)),
    loginPassword: LOGIN_PASSWORD,
    searchTerm: options.searchTerm,
    runId,
    ...pools,
  };
  setAdminPassword(usherCtx, admin.password);

  if (options.scale) {
    const result = await runScale({ options, database, env, ctx: usherCtx, say, cleanups });
    const report = { startedAt: startedAt.toISOString(), ...commit, build, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`, machine, options: { ...options, pgUrl: '(set)' }, scale: result };
    say(`results: ${writeResults(report, startedAt, '-scale')}`);
    return result.ok ? 0 : 1;
  }

  const peer = options.vsDirectus ? await prepareDirectus(options, database, runId) : null;

  const ceiling = options.ceiling ? await runFastifyCeiling(options, database) : [];
  // The argon2id ceiling is measured right before the sign-in scenario (below), not here: the
  // machine's hash rate drifts by a fifth from one minute to the next, and the ratio is read
  // against the rate of the same minutes.
  let argon2: Argon2Ceiling | null = null;

  // The servers under test, started on the seeded data: their cold starts are the first samples.
  const coldStarts = { usher: [] as number[], directus: [] as number[] };
  const usher = await startUsher(options, database, env);
  cleanups.push(usher.stop);
  coldStarts.usher.push(usher.coldStartMs);
  say(`usher: healthy ${usher.coldStartMs} ms after spawn (pid ${usher.pid}, ${usher.baseUrl})`);
  const sides: Side[] = [{ name: 'usher', server: usher, ctx: usherCtx, dbPids: () => database.backendPids(), counters: new Map() }];
  if (peer) {
    const d = await peer.instance.start({ LOGIN_STALL_TIME: '0' });
    coldStarts.directus.push(d.coldStartMs);
    say(`directus: healthy ${d.coldStartMs} ms after spawn (pid ${d.pid}, ${d.baseUrl})`);
    sides.push({ name: 'directus', server: d, ctx: peer.ctx, dbPids: async () => [], counters: new Map() });
  }
  const mails: MailCounter = (side) => (side.name === 'usher' ? sink.count() : peer!.instance.mailCount());
  const rssAtStart = Object.fromEntries(sides.map((s) => [s.name, rssMb(s.server.pid)]));

  const loadResults = new Map<string, Map<TargetName, Measurement[]>>();
  const onceResults = new Map<string, Map<TargetName, Single & { notes: string[] }>>();
  for (const scenario of scenarios) {
    if (scenario.key === 'login') argon2 = await runArgon2Ceiling(options);
    say(`scenario ${scenario.key}`);
    if (scenario.kind === 'load') loadResults.set(scenario.key, await measureLoad(scenario, sides, options));
    else onceResults.set(scenario.key, await measureOnce(scenario, sides, options, mails));
  }

  let appLoad: Map<TargetName, Single | string> | null = null;
  if (wants(options, 'app-load')) {
    appLoad = new Map();
    for (const side of sides) appLoad.set(side.name, await appFirstLoad(side.server, options.repeat, say));
  }
  // RSS twice: right after the last request, and once the servers have been idle for a while
  // (V8 returns the garbage of the last scenarios to the system only after some idle seconds,
  // Node's and Directus's alike). The target is read on the second: a server at rest after the run.
  const rssAfterNow = Object.fromEntries(sides.map((s) => [s.name, rssMb(s.server.pid)]));
  say(`RSS right after the run: ${sides.map((s) => `${s.name} ${rssAfterNow[s.name]} MB`).join(', ')}; waiting ${RSS_SETTLE_S} s idle`);
  await new Promise((r) => setTimeout(r, RSS_SETTLE_S * 1000));
  const rssAfter = Object.fromEntries(sides.map((s) => [s.name, rssMb(s.server.pid)]));
  for (const side of sides) await side.server.stop();

  // The default LOGIN_STALL_TIME (500 ms) needs a restart of each server; that start is a second
  // cold-start sample, and a third start makes the median.
  let stallResults: Map<TargetName, Measurement[]> | null = null;
  const loginStall = SCENARIOS.find((s) => s.key === 'login')!;
  if (wants(options, 'login-stall')) {
    const stallSides: Side[] = [];
    const u2 = await startUsher(options, database, { ...env, LOGIN_STALL_TIME: '500' }, 'usher-stall');
    cleanups.push(u2.stop);
    coldStarts.usher.push(u2.coldStartMs);
    stallSides.push({ name: 'usher', server: u2, ctx: usherCtx, dbPids: () => database.backendPids(), counters: new Map() });
    if (peer) {
      const d2 = await peer.instance.start({});
      coldStarts.directus.push(d2.coldStartMs);
      stallSides.push({ name: 'directus', server: d2, ctx: peer.ctx, dbPids: async () => [], counters: new Map() });
    }
    const stallScenario: Scenario = { ...loginStall, key: 'login-stall', label: 'POST /auth/login over 100 users (LOGIN_STALL_TIME=500, the default)' };
    say(`scenario login-stall`);
    stallResults = await measureLoad(stallScenario, stallSides, options);
    for (const s of stallSides) await s.server.stop();
  }
  if (!options.large) {
    while (coldStarts.usher.length < 3) {
      await waitForQuiet([], []);
      const u = await startUsher(options, database, env, `usher-cold-${coldStarts.usher.length + 1}`);
      coldStarts.usher.push(u.coldStartMs);
      await u.stop();
    }
    while (peer && coldStarts.directus.length < 3) {
      await waitForQuiet([], []);
      const d = await peer.instance.start({});
      coldStarts.directus.push(d.coldStartMs);
      await d.stop();
    }
  }
  say(`cold starts: usher ${coldStarts.usher.join(', ')} ms${peer ? `; directus ${coldStarts.directus.join(', ')} ms` : ''}`);

  // --- rows --------------------------------------------------------------------------------------
  const rows: ResultRow[] = [];
  for (const scenario of scenarios) {
    if (scenario.kind === 'load') {
      const r = loadResults.get(scenario.key)!;
      rows.push(...loadRows(scenario.key, scenario.key === 'users-search' ? scenario.label.replace('TERM', options.searchTerm) : scenario.label, r.get('usher'), r.get('directus'), options.connections));
    } else {
      const r = onceResults.get(scenario.key)!;
      const u = r.get('usher')!;
      const d = r.get('directus') ?? null;
      const notes = [...u.notes.map((n) => `Usher: ${n}`), ...(d?.notes ?? []).map((n) => `Directus: ${n}`)];
      rows.push({ ...singleRow(scenario.key, scenario.label, u, d), note: notes.length > 0 ? notes.join('; ') : undefined });
    }
  }
  if (stallResults) rows.push(...loadRows('login-stall', 'POST /auth/login over 100 users (LOGIN_STALL_TIME=500, the default)', stallResults.get('usher'), stallResults.get('directus'), options.connections));
  if (appLoad) {
    const u = appLoad.get('usher')!;
    const d = appLoad.get('directus') ?? null;
    rows.push({
      ...singleRow('app-load', 'App first load: GET /admin/ and the assets its HTML names', typeof u === 'string' ? null : u, d && typeof d !== 'string' ? d : null),
      note: [typeof u === 'string' ? `Usher: ${u}` : null, typeof d === 'string' ? `Directus: ${d}` : null].filter(Boolean).join('; ') || undefined,
    });
  }
  if (coldStarts.usher.length > 0) {
    rows.push(
      singleRow(
        'cold-start',
        'cold start: spawn to first healthy answer (seeded database)',
        { value: median(coldStarts.usher), runs: coldStarts.usher, unit: 'ms' },
        peer ? { value: median(coldStarts.directus), runs: coldStarts.directus, unit: 'ms' } : null,
      ),
    );
  }
  rows.push(
    singleRow(
      'rss-now',
      'RSS right after the last request',
      rssAfterNow.usher == null ? null : { value: rssAfterNow.usher, runs: [rssAfterNow.usher], unit: 'MB' },
      peer && rssAfterNow.directus != null ? { value: rssAfterNow.directus, runs: [rssAfterNow.directus], unit: 'MB' } : null,
    ),
  );
  rows.push(
    singleRow(
      'rss',
      `RSS after the run, idle for ${RSS_SETTLE_S} s`,
      rssAfter.usher === null ? null : { value: rssAfter.usher!, runs: [rssAfter.usher!], unit: 'MB' },
      peer && rssAfter.directus != null ? { value: rssAfter.directus, runs: [rssAfter.directus], unit: 'MB' } : null,
    ),
  );
  if (argon2) {
    rows.push({
      key: 'argon2-ceiling',
      scenario: `ceiling: raw argon2id verify at Usher's parameters (m=19456, t=2, p=1), ${options.connections[0]} in flight`,
      connections: null,
      usher: { single: { value: argon2.perSecond, runs: argon2.runs, unit: '/s', otherCores: argon2.otherCores } },
      peer: null,
      peerSource: null,
      ratio: null,
      targets: [],
    });
  }
  rows.push(...loadRows('fastify-ceiling', CEILING_SCENARIO.label, ceiling, undefined, ceiling.length > 0 ? options.connections : []).map((r) => ({ ...r, peer: null, peerSource: null, ratio: null })));
  for (const row of rows) row.targets = targetsFor(row, rows, { ceiling, argon2PerSecond: argon2?.perSecond ?? null, large: options.large, users: options.users });

  const srcChangedDuringRun = distIsStale() || sourceDigest() !== build.srcDigest;
  if (srcChangedDuringRun) say('warning: src/ changed during the run; the figures are for the build made at its start');

  const peerName = peer ? 'Directus 10.13.4' : 'Directus (baseline.md †)';
  const report = {
    startedAt: startedAt.toISOString(),
    ...commit,
    build: { ...build, srcChangedDuringRun },
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    options: { ...options, pgUrl: options.pgUrl ? '(set)' : undefined },
    database: { kind: options.db, users: seeded.users, seedSeconds: seeded.seconds, seedRowsPerSecond: seeded.users / seeded.seconds, rowsPerInsert: seeded.rowsPerInsert },
    directus: peer ? { users: options.directusUsers, seedSeconds: peer.seedSeconds } : null,
    usher: { coldStartsMs: coldStarts.usher, rssMbAtStart: rssAtStart.usher, rssMbAfterNow: rssAfterNow.usher, rssMbAfter: rssAfter.usher },
    directusServer: peer
      ? { coldStartsMs: coldStarts.directus, rssMbAtStart: rssAtStart.directus, rssMbAfterNow: rssAfterNow.directus, rssMbAfter: rssAfter.directus }
      : null,
    argon2,
    baselineSource: peer ? null : BASELINE_SOURCE,
    rows,
  };
  const file = writeResults(report, startedAt, options.large ? '-large' : '');
  say('');
  say(
    `Usher on ${options.db === 'pg' ? 'PostgreSQL' : 'SQLite'}, ${seeded.users.toLocaleString('en')} seeded users` +
      (peer ? `; Directus 10.13.4 on SQLite with ${options.directusUsers.toLocaleString('en')} seeded users` : '') +
      `; ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}; ${options.duration} s per run, median of ${options.repeat}, autocannon on the same machine` +
      (options.responseCache ? '.' : '; Usher with RESPONSE_CACHE_ENABLED=false.'),
  );
  say(`Seeding: ${Math.round(seeded.users / seeded.seconds).toLocaleString('en')} rows/s (${seeded.rowsPerInsert} rows per INSERT, no argon2 for users without a password).`);
  say('');
  say(markdownTable(rows, peerName));
  if (!peer) say(`\n† ${BASELINE_SOURCE}.`);
  const missed = rows.filter((r) => r.targets.some((t) => t.met === false));
  say('');
  const verdict = missed.length === 0 ? 'Every target with a figure is met.' : `Targets not met: ${missed.map((r) => `${r.key}${r.connections ? ` @${r.connections}` : ''}`).join(', ')}`;
  say(verdict);
  say(`results: ${file}`);
  // RESULTS.md records the server as it ships (response cache on); other runs keep their JSON only.
  if (options.only.length === 0 && options.responseCache) {
    const summary = [
      `Usher on ${options.db === 'pg' ? 'PostgreSQL' : 'SQLite'}, ${seeded.users.toLocaleString('en')} seeded users` +
        (peer ? `; Directus 10.13.4 on SQLite with ${options.directusUsers.toLocaleString('en')} seeded users, alternating with Usher run by run` : '; Directus figures from ../shared/peers/baseline.md (†)') +
        `; ${options.duration} s per run, median of ${options.repeat}, ${options.connections.join('/')} connections, autocannon on the same machine.`,
    ];
    const md = writeResultsMarkdown({ title: 'Benchmark results', command: report.command, commit, machine, startedAt, summary, table: markdownTable(rows, peerName), verdict, jsonFile: file });
    say(`summary: ${md}`);
  }
  return 0;
}

process.once('SIGINT', () => {
  process.stderr.write('\nbench: interrupted, cleaning up\n');
  void runCleanups().finally(() => process.exit(130));
});

main()
  .then(async (code) => {
    await runCleanups();
    process.exitCode = code;
  })
  .catch(async (err) => {
    await runCleanups();
    const expected = err instanceof UsageError || err instanceof BenchError;
    process.stderr.write(`bench: ${expected ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  });

/** The bench starts Usher with the Node flags `npm start` uses; a drift between the two is an error. */
function assertStartFlags(): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const missing = SERVER_NODE_FLAGS.filter((f) => !pkg.scripts.start?.includes(`node ${f}`) && !pkg.scripts.start?.includes(` ${f} `));
  if (missing.length > 0) throw new BenchError(`package.json's start script does not pass ${missing.join(' ')}, which the bench gives the server`);
}
