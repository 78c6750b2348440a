// The real `usher` executable in child processes: the bin works from a fresh checkout (no dist/,
// through tsx) as well as from this one, and `usher start` serves, then shuts down cleanly on
// SIGTERM, letting an in-flight request finish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSqliteDb, toBool } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'usher.cjs');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Only what a shell would pass: nothing from this test run (TEST_PG_URL, DB_*) leaks into the child.
const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

async function roleRow(cwd: string, id: string) {
  const db = createSqliteDb(join(cwd, 'data', 'usher.db'));
  try {
    return await db.kysely.selectFrom('directus_roles').selectAll().where('id', '=', id).executeTakeFirst();
  } finally {
    await db.destroy();
  }
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A working folder whose ./data/usher.db is installed, as `usher bootstrap` would leave it. */
async function installedFolder(): Promise<string> {
  const cwd = tempDir('usher-bin-');
  const db = createSqliteDb(join(cwd, 'data', 'usher.db'));
  try {
    await migrate(db, 'latest');
  } finally {
    await db.destroy();
  }
  return cwd;
}

/** A checkout as `git clone && npm ci` leaves it: the sources and node_modules, no dist/. */
function freshCheckout(): string {
  const checkout = tempDir('usher-checkout-');
  mkdirSync(join(checkout, 'bin'));
  copyFileSync(BIN, join(checkout, 'bin', 'usher.cjs'));
  copyFileSync(join(ROOT, 'bin', 'bundle.cjs'), join(checkout, 'bin', 'bundle.cjs'));
  copyFileSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
  symlinkSync(join(ROOT, 'src'), join(checkout, 'src'), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  return join(checkout, 'bin', 'usher.cjs');
}

describe.concurrent('the usher bin', () => {
  // This checkout's bin runs dist/ when it is built and current, else the sources through tsx; the
  // fresh checkout has no dist/ and always goes through tsx. Between them both paths are covered.
  for (const [name, bin] of [
    ['this checkout', () => BIN],
    ['a fresh checkout without dist/', freshCheckout],
  ] as const) {
    it(`runs from ${name}: --help, then roles create --admin`, { timeout: 30_000 }, async () => {
      const path = bin();
      const cwd = await installedFolder();
      const [help, created] = await Promise.all([
        run(path, ['--help'], cwd),
        run(path, ['roles', 'create', '--role', 'Editors', '--admin'], cwd),
      ]);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: usher');
      expect(help.stdout).toContain('roles');

      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toBe('');
      const id = created.stdout.trim();
      expect(id).toMatch(UUID);
      const row = await roleRow(cwd, id);
      expect(row?.name).toBe('Editors');
      expect(toBool(row?.admin_access)).toBe(true);
      expect(toBool(row?.app_access)).toBe(true);
    });
  }
});

describe('several processes bootstrapping one new SQLite file at once', () => {
  it('all succeed; there is one admin and one Administrator role, reported by exactly one of them', { timeout: 30_000 }, async () => {
    const cwd = tempDir('usher-race-');
    const env = { ADMIN_EMAIL: 'race@example.com', ADMIN_PASSWORD: 'a long enough password, 1' };
    const runs = await Promise.all([1, 2, 3].map(() => run(BIN, ['bootstrap'], cwd, env)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.filter((r) => r.stdout.includes('race@example.com')).length).toBe(1);
    const db = createSqliteDb(join(cwd, 'data', 'usher.db'));
    try {
      expect(await db.kysely.selectFrom('directus_users').select('email').execute()).toEqual([{ email: 'race@example.com' }]);
      expect((await db.kysely.selectFrom('directus_roles').select('name').execute()).map((r) => r.name)).toEqual(['Administrator']);
    } finally {
      await db.destroy();
    }
  });
});

/** A running `usher start`, its URL (PORT=0 lets the system pick a free port) and its output. */
interface Server {
  child: ChildProcess;
  url: URL;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const cwd = tempDir('usher-start-');
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd,
    env: { ...BASE_ENV, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const url = await new Promise<URL>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`usher start did not listen in time:\n${output}`)), 25_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        done(new URL(m[1]!));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => fail(new Error(`usher start exited early:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** Opens a connection and sends a request whose body is not complete yet. */
function startSlowRequest(url: URL, firstPart: string, length: number): Promise<{ socket: Socket; response: Promise<string> }> {
  return new Promise((done, fail) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `POST /server/ping HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${firstPart}`,
      );
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      const response = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
      done({ socket, response });
    });
    socket.on('error', fail);
  });
}

function refusesConnections(url: URL): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.on('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// libuv makes its whole pool at its first use, so a process's thread count tells the pool's size:
// the default (one thread per core) and a size given in the environment differ by exactly the
// difference of the two. An ESM entry sets the default too late (the pool stays at libuv's 4).
describe('usher start sizes libuv\'s pool', () => {
  it('to one thread per core unless UV_THREADPOOL_SIZE says otherwise', { timeout: 40_000 }, async () => {
    const extra = availableParallelism() + 4;
    const [byDefault, given] = await Promise.all([startServer(), startServer({ UV_THREADPOOL_SIZE: String(extra) })]);
    try {
      const threads = async (server: Server) => {
        // A sign-in hashes on the pool, which makes it if nothing has yet.
        const res = await fetch(new URL('/auth/login', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@example.com","password":"x"}' });
        expect(res.status).toBe(401);
        return readdirSync(`/proc/${server.child.pid}/task`).length;
      };
      expect((await threads(given)) - (await threads(byDefault))).toBe(extra - availableParallelism());
    } finally {
      for (const server of [byDefault, given]) server.child.kill('SIGKILL');
    }
  });
});

describe.concurrent('usher start and SIGTERM', () => {
  let graceful: Server;
  let stuck: Server;
  beforeAll(async () => {
    [graceful, stuck] = await Promise.all([startServer(), startServer({ SERVER_SHUTDOWN_TIMEOUT: '500ms' })]);
  }, 30_000);
  afterAll(() => {
    for (const server of [graceful, stuck]) if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('serves, lets an in-flight request finish after SIGTERM, closes the port and exits 0', { timeout: 15_000 }, async () => {
    // The first start bootstraps and prints the admin once, with the port it actually bound.
    await until(() => graceful.output().includes('/auth/login)'), 'the admin notice');
    expect(graceful.output()).toContain('Usher is ready. An admin account was created:');
    expect(graceful.output()).toMatch(/ {2}password: \S{16,} {3}\(shown once/);
    expect(graceful.output()).toContain(`API:      http://127.0.0.1:${graceful.url.port}  `);

    const health = await fetch(new URL('/server/health', graceful.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    // The body is 9 bytes; send 5 now and the rest after the signal.
    const slow = await startSlowRequest(graceful.url, '{"a":', 9);
    await sleep(100);
    graceful.child.kill('SIGTERM');
    await until(() => graceful.output().includes('"msg":"shutting down"'), 'the shutdown log line');

    expect(await refusesConnections(graceful.url)).toBe(true);
    expect(graceful.child.exitCode).toBeNull(); // still waiting for the request

    slow.socket.write('"b"}');
    const response = await slow.response;
    expect(response).toMatch(/^HTTP\/1\.1 404 /); // POST /server/ping is not a route: a full answer all the same
    expect(response.toLowerCase()).toContain('x-request-id:');
    expect(response).toContain('ROUTE_NOT_FOUND');

    expect(await graceful.exited).toEqual({ code: 0, signal: null });
  });

  it('gives up on a request that never finishes after SERVER_SHUTDOWN_TIMEOUT and exits 1', { timeout: 15_000 }, async () => {
    const slow = await startSlowRequest(stuck.url, '{', 9);
    await sleep(100);
    const signalledAt = Date.now();
    stuck.child.kill('SIGTERM');
    expect(await stuck.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(400);
    expect(stuck.output()).toContain('in-flight requests did not finish in time');
    slow.socket.destroy();
  });
});
