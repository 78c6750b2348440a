// The servers under test, as child processes on 127.0.0.1: the real built Usher (`bin/usher.cjs
// start`, from dist/) and the bare Fastify ceiling.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError } from './args.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HOST = '127.0.0.1';

export interface RunningServer {
  name: string;
  pid: number;
  port: number;
  baseUrl: string;
  /** Milliseconds from spawn to the first healthy answer. */
  coldStartMs: number;
  logFile: string;
  stop(): Promise<void>;
}

export const DIST_ENTRY = join(ROOT, 'dist', 'bundle', 'cli', 'index.cjs');

/** True when dist/ is missing or older than a source file the build compiles, or its settings. */
export function distIsStale(): boolean {
  const builtAt = existsSync(DIST_ENTRY) ? statSync(DIST_ENTRY).mtimeMs : 0;
  const inputs = [join(ROOT, 'tsconfig.json'), join(ROOT, 'scripts', 'bundle-server.mjs'), join(ROOT, 'bin', 'bundle.cjs'), ...listFiles(join(ROOT, 'src'))];
  return builtAt === 0 || inputs.some((f) => statSync(f).mtimeMs > builtAt);
}

/** Builds dist/ when it is stale; answers whether it built. */
export function buildIfStale(): boolean {
  if (!distIsStale()) return false;
  process.stdout.write('dist/ is missing or stale: npm run build\n');
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    throw new BenchError('`npm run build` failed (its errors are above); the bench times the build, so fix it first');
  }
  return true;
}

/** A digest of the sources the build compiles, to tell which code a result file belongs to. */
export function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const file of listFiles(join(ROOT, 'src')).sort()) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** A port the OS reports free on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

export interface StartOptions {
  name: string;
  /** Arguments to node, script first. */
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  healthPath: string;
  nodeFlags?: string[];
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  const log = createWriteStream(opts.logFile);
  const started = performance.now();
  // Only what the server needs: a developer's DB_* or ADMIN_* variables must not leak in.
  const env = { PATH: process.env.PATH ?? '', ...opts.env, HOST, PORT: String(port) };
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...opts.args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await waitHealthy(`${baseUrl}${opts.healthPath}`, child);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw new BenchError(`${opts.name} did not become healthy (${(err as Error).message}); log:\n${tail(opts.logFile)}`);
  }
  return {
    name: opts.name,
    pid: child.pid!,
    port,
    baseUrl,
    coldStartMs: Math.round(performance.now() - started),
    logFile: opts.logFile,
    stop: () => stopChild(child, exited),
  };
}

/** Polls the health URL every 25 ms for at most 30 s; gives up early if the process exits. */
async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error('timed out after 30 s');
}

/** SIGTERM (Usher finishes in-flight requests and writes a --cpu-prof profile), SIGKILL after 15 s. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
