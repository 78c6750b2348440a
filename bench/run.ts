// `npm run bench`: a fresh database seeded with --users users, the bare Fastify ceiling, then the
// real built Usher as a child process, each scenario warmed up and measured with autocannon; one
// markdown table on stdout and the full figures in bench/results/<timestamp>.json.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { randomToken } from '../src/util/crypto.js';
import { BenchError, parseBenchArgs, UsageError, type BenchOptions } from './args.js';
import { baselineFor, BASELINE_SOURCE } from './baseline.js';
import { createBenchDatabase, type BenchDatabase } from './database.js';
import { runLoad, warmUp, type Measurement } from './load.js';
import { describeCommit, describeMachine, markdownTable, writeResults, type ResultRow } from './report.js';
import { CEILING_SCENARIO, preflight, USHER_SCENARIOS, type Scenario, type ScenarioContext } from './scenarios.js';
import { seedDatabase, type SeedResult } from './seed.js';
import { rssMb } from './proc.js';
import { buildIfStale, distIsStale, ROOT, sourceDigest, startServer, type RunningServer } from './server.js';

const say = (line: string) => process.stdout.write(line + '\n');

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

interface Admin {
  email: string;
  password: string;
  token: string;
}

function serverEnv(database: BenchDatabase, admin: Admin): Record<string, string> {
  return {
    ...database.serverEnv,
    SECRET: randomBytes(48).toString('base64url'),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ADMIN_TOKEN: admin.token,
    LOG_LEVEL: 'warn',
  };
}

async function seed(database: BenchDatabase, env: Record<string, string>, users: number): Promise<SeedResult> {
  const db = database.open();
  try {
    const result = await seedDatabase(db, loadConfig(env, { cwd: database.dataDir }), users);
    say(`seeded ${users} users in ${result.seconds.toFixed(1)} s (${Math.round(users / result.seconds)} rows/s, ${result.rowsPerInsert} rows per INSERT)`);
    return result;
  } finally {
    await db.destroy();
  }
}

async function measureScenario(
  server: RunningServer,
  scenario: Scenario,
  ctx: ScenarioContext,
  options: BenchOptions,
  dbPids: () => Promise<number[]> = async () => [],
): Promise<Measurement[]> {
  const headers = scenario.headers(ctx);
  say(`  ${scenario.label}: warm-up ${options.warmup} s`);
  await warmUp(server, { path: scenario.path, headers, connections: options.connections[0]! }, options.warmup);
  const out: Measurement[] = [];
  for (const connections of options.connections) {
    const runs: Measurement[] = [];
    for (let i = 0; i < options.repeat; i++) {
      runs.push(await runLoad(server, { path: scenario.path, headers, connections, duration: options.duration, dbPids: await dbPids() }));
    }
    const m = medianRun(runs);
    say(
      `  ${scenario.label}, ${connections} connections: ${m.reqPerSec.toFixed(0)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, ` +
        `p99 ${m.p99Ms.toFixed(2)} ms, errors ${m.errors}, non-2xx ${m.non2xx}, other CPU ${m.otherCores?.toFixed(2) ?? '?'} cores` +
        (m.quietWaitS > 1.5 ? ` (waited ${m.quietWaitS} s for a quiet machine)` : '') +
        (runs.length > 1 ? ` [median of ${runs.map((r) => r.reqPerSec.toFixed(0)).join(', ')} req/s]` : ''),
    );
    out.push(m);
  }
  return out;
}

/** The run with the median throughput, carrying every run's req/s beside it. */
function medianRun(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, repeats: runs.map((r) => r.reqPerSec) };
}

async function runCeiling(options: BenchOptions, database: BenchDatabase): Promise<Measurement[]> {
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
    const ctx = { adminId: '', adminEmail: '', adminToken: '' };
    await preflight(server.baseUrl, CEILING_SCENARIO, ctx);
    return await measureScenario(server, CEILING_SCENARIO, ctx, options);
  } finally {
    await server.stop();
  }
}

interface UsherRun {
  coldStartMs: number;
  rssMbAtStart: number | null;
  results: Array<{ scenario: Scenario; bodyBytes: number; measurements: Measurement[] }>;
}

async function runUsher(
  options: BenchOptions,
  scenarios: Scenario[],
  database: BenchDatabase,
  env: Record<string, string>,
  ctx: ScenarioContext,
): Promise<UsherRun> {
  const server = await startServer({
    name: 'usher',
    args: [join(ROOT, 'bench', 'start-built.mjs')],
    env,
    cwd: database.dataDir,
    logFile: join(database.dataDir, 'usher.log'),
    healthPath: '/server/health',
    nodeFlags: options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [],
  });
  cleanups.push(server.stop);
  say(`usher: healthy ${server.coldStartMs} ms after spawn (pid ${server.pid}, ${server.baseUrl})`);
  try {
    const rssMbAtStart = rssMb(server.pid);
    const results: UsherRun['results'] = [];
    for (const scenario of scenarios) {
      const bodyBytes = await preflight(server.baseUrl, scenario, ctx);
      const measurements = await measureScenario(server, scenario, ctx, options, () => database.backendPids());
      results.push({ scenario, bodyBytes, measurements });
    }
    return { coldStartMs: server.coldStartMs, rssMbAtStart, results };
  } finally {
    await server.stop();
  }
}

function selectScenarios(only: string[]): Scenario[] {
  const unknown = only.filter((k) => !USHER_SCENARIOS.some((s) => s.key === k));
  if (unknown.length > 0) throw new UsageError(`--only: unknown scenario ${unknown.join(', ')} (known: ${USHER_SCENARIOS.map((s) => s.key).join(', ')})`);
  return only.length === 0 ? USHER_SCENARIOS : USHER_SCENARIOS.filter((s) => only.includes(s.key));
}

function toRows(usher: UsherRun, ceiling: Measurement[]): ResultRow[] {
  const ceilingAt = (connections: number) => ceiling.find((m) => m.connections === connections)?.reqPerSec ?? null;
  const row = (key: string, scenario: string, bodyBytes: number | null, m: Measurement): ResultRow => {
    const baseline = baselineFor(key, m.connections);
    const top = ceilingAt(m.connections);
    return {
      key,
      scenario,
      bodyBytes,
      ...m,
      ofCeiling: key === CEILING_SCENARIO.key || top === null ? null : m.reqPerSec / top,
      baselineReqPerSec: baseline,
      ratioToBaseline: baseline === null ? null : m.reqPerSec / baseline,
    };
  };
  return [
    ...usher.results.flatMap((r) => r.measurements.map((m) => row(r.scenario.key, r.scenario.label, r.bodyBytes, m))),
    ...ceiling.map((m) => row(CEILING_SCENARIO.key, CEILING_SCENARIO.label, null, m)),
  ];
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2), process.env);
  if (!options) return 0;
  const startedAt = new Date();
  const machine = describeMachine();
  const commit = describeCommit();
  const scenarios = selectScenarios(options.only);
  const built = buildIfStale();
  const build = { rebuilt: built, srcDigest: sourceDigest() };

  const database = await createBenchDatabase(options);
  cleanups.push(async () => {
    if (options.keep) say(`kept: ${database.dataDir} (${database.location})`);
    else await database.remove();
  });
  say(`database: ${options.db} at ${database.location}`);
  const admin: Admin = { email: 'admin@example.com', password: randomToken(18), token: randomToken(32) };
  const env = serverEnv(database, admin);
  const seeded = await seed(database, env, options.users);
  const ctx: ScenarioContext = { adminId: seeded.adminId, adminEmail: admin.email, adminToken: admin.token };

  const ceiling = options.ceiling ? await runCeiling(options, database) : [];
  const usher = await runUsher(options, scenarios, database, env, ctx);
  const rows = toRows(usher, ceiling);
  // The server ran dist/ as built above; say so when src/ moved on while the bench ran.
  const srcChangedDuringRun = distIsStale() || sourceDigest() !== build.srcDigest;
  if (srcChangedDuringRun) say('warning: src/ changed during the run; the figures are for the build made at its start');

  const report = {
    startedAt: startedAt.toISOString(),
    ...commit,
    build: { ...build, srcChangedDuringRun },
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    options: { ...options, pgUrl: options.pgUrl ? '(set)' : undefined },
    database: { kind: options.db, users: seeded.users + 1, seedSeconds: seeded.seconds, rowsPerInsert: seeded.rowsPerInsert },
    usher: { coldStartMs: usher.coldStartMs, rssMbAtStart: usher.rssMbAtStart },
    baselineSource: BASELINE_SOURCE,
    rows,
  };
  const file = writeResults(report, startedAt);
  say('');
  say(`Usher on ${options.db === 'pg' ? 'PostgreSQL' : 'SQLite'}, ${seeded.users + 1} users; ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}; ${options.duration} s per run, autocannon on the same machine.`);
  say(`Cold start to first healthy answer: ${usher.coldStartMs} ms.`);
  say('');
  say(markdownTable(rows));
  say('');
  say(`results: ${file}`);
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
