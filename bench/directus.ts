// The Directus 10.13.4 peer for --vs-directus: started and stopped with ../shared/peers's scripts
// on a free port with its own data folder and SMTP sink, set up through its API like an admin would
// (roles, a row-filtered permission, a reader with a static token, 100 users with passwords), and
// filled with the same generated users as Usher by writing its SQLite file directly while it is
// stopped (its own POST /users would take hours for 100,000 users). Only the columns Directus's
// schema has are written, with Directus's own defaults for the rest.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { BenchError, type BenchOptions } from './args.js';
import { createRandom, LOGIN_PASSWORD, loginEmail, makeUserRow, READER_EMAIL } from './seed-data.js';
import { LOGIN_POOL } from './seed.js';
import { freePort, HOST, type RunningServer } from './server.js';
import { randomToken } from '../src/util/crypto.js';
import type { ScenarioContext } from './scenarios.js';

const run = promisify(execFile);

export const DIRECTUS_ADMIN = { email: 'admin@example.com', password: 'admin-password' };

export function directusHome(opts: Pick<BenchOptions, 'peersDir'>): string {
  return join(opts.peersDir, 'directus10');
}

/** Answers why Directus cannot run here, or null when it can. */
export function directusMissing(opts: Pick<BenchOptions, 'peersDir' | 'peersScripts'>): string | null {
  const cli = join(directusHome(opts), 'node_modules', '@directus', 'api', 'dist', 'cli', 'run.js');
  if (!existsSync(cli)) return `Directus 10 is not installed (${cli} is missing; see ../shared/peers/README.md, "Install")`;
  if (!existsSync(join(opts.peersScripts, 'directus10-start.sh'))) return `no directus10-start.sh in ${opts.peersScripts} (--peers-scripts)`;
  return null;
}

export interface DirectusInstance {
  dataDir: string;
  port: number;
  smtpPort: number;
  /** Starts Directus with these extra variables; answers the running server (cold start from the script). */
  start(env: Record<string, string>): Promise<RunningServer>;
  /** Stops Directus and its SMTP sink. */
  stopAll(): Promise<void>;
  /** Mails the sink has written so far. */
  mailCount(): number;
}

export async function directusInstance(opts: BenchOptions, dataDir: string): Promise<DirectusInstance> {
  const port = await freePort();
  const smtpPort = await freePort();
  const scriptEnv = (extra: Record<string, string>) => ({
    ...process.env,
    PEERS_DIR: opts.peersDir,
    // The baseline's main runs: no per-request log line, and every request does real work.
    LOG_LEVEL: 'warn',
    PRESSURE_LIMITER_ENABLED: 'false',
    ...extra,
  });
  const stopScript = join(opts.peersScripts, 'directus10-stop.sh');
  let current: RunningServer | null = null;
  const stop = async (keepSink: boolean) => {
    await run(stopScript, ['-d', dataDir, ...(keepSink ? ['-k'] : [])], { env: scriptEnv({}) }).catch(() => undefined);
    current = null;
  };
  return {
    dataDir,
    port,
    smtpPort,
    async start(env) {
      if (current) await stop(true);
      let stdout: string;
      try {
        ({ stdout } = await run(join(opts.peersScripts, 'directus10-start.sh'), ['-p', String(port), '-d', dataDir, '-s', String(smtpPort)], {
          env: scriptEnv(env),
          timeout: 300_000,
        }));
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new BenchError(`Directus did not start: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
      const cold = /cold_start_ms=(\d+)/.exec(stdout);
      const pid = Number(readFileSync(join(dataDir, 'directus.pid'), 'utf8').trim());
      const server: RunningServer = {
        name: 'directus',
        pid,
        port,
        baseUrl: `http://${HOST}:${port}`,
        coldStartMs: cold ? Number(cold[1]) : NaN,
        logFile: join(dataDir, 'directus.log'),
        stop: () => stop(true),
      };
      current = server;
      return server;
    },
    stopAll: () => stop(false),
    mailCount: () => {
      try {
        return readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml')).length;
      } catch {
        return 0;
      }
    },
  };
}

async function api<T = unknown>(baseUrl: string, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(300_000),
  });
  const text = await res.text();
  if (!res.ok) throw new BenchError(`Directus ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
}

export interface DirectusSetup {
  adminId: string;
  adminToken: string;
  readerToken: string;
  editorRoleId: string;
  viewerRoleId: string;
}

/** Through the API, as an admin would: roles, the reader's row-filtered rule, tokens, login users. */
export async function setUpDirectus(baseUrl: string): Promise<DirectusSetup> {
  const { access_token: jwt } = await api<{ access_token: string }>(baseUrl, null, 'POST', '/auth/login', DIRECTUS_ADMIN);
  const me = await api<{ id: string }>(baseUrl, jwt, 'GET', '/users/me?fields=id');
  const adminToken = randomToken(32);
  await api(baseUrl, jwt, 'PATCH', `/users/${me.id}`, { token: adminToken });
  const role = (name: string, app: boolean) => api<{ id: string }>(baseUrl, adminToken, 'POST', '/roles', { name, icon: 'supervised_user_circle', admin_access: false, app_access: app });
  const editor = await role('Editor', true);
  const viewer = await role('Viewer', false);
  const reader = await role('Bench Reader', true);
  await api(baseUrl, adminToken, 'POST', '/permissions', [
    { role: reader.id, collection: 'directus_users', action: 'read', permissions: { role: { _eq: editor.id } }, fields: ['*'] },
    { role: reader.id, collection: 'directus_roles', action: 'read', permissions: {}, fields: ['*'] },
  ]);
  const readerToken = randomToken(32);
  await api(baseUrl, adminToken, 'POST', '/users', { email: READER_EMAIL, first_name: 'Bench', last_name: 'Reader', role: reader.id, status: 'active', token: readerToken });
  // Directus hashes each password itself (argon2id at its own parameters), as for any user.
  await api(
    baseUrl,
    adminToken,
    'POST',
    '/users',
    Array.from({ length: LOGIN_POOL }, (_, i) => ({ email: loginEmail(i), password: LOGIN_PASSWORD, role: viewer.id, status: 'active' })),
  );
  return { adminId: me.id, adminToken, readerToken, editorRoleId: editor.id, viewerRoleId: viewer.id };
}

/**
 * The same generated users as Usher's seed (same seed, so the same names, statuses and roles),
 * written into Directus's SQLite file while Directus is stopped. Emails are stored lowercased,
 * as Directus stores the addresses it is given through its API.
 */
export function seedDirectusFile(file: string, setup: DirectusSetup, total: number): { seconds: number } {
  const db = new Database(file);
  try {
    const columns = new Set((db.prepare(`pragma table_info(directus_users)`).all() as { name: string }[]).map((c) => c.name));
    const wanted = ['id', 'first_name', 'last_name', 'email', 'status', 'role', 'title', 'location', 'language', 'last_access', 'provider', 'email_notifications'];
    const missing = wanted.filter((c) => !columns.has(c));
    if (missing.length > 0) throw new BenchError(`Directus's directus_users has no ${missing.join(', ')}: not the 10.x schema this bench writes`);
    const roles = { ids: [setup.editorRoleId, setup.viewerRoleId] };
    const random = createRandom(20_261_203);
    const now = Date.now();
    const rowsPerInsert = Math.floor(32_766 / wanted.length);
    const insertMany = (n: number) =>
      db.prepare(`insert into directus_users (${wanted.join(', ')}) values ${Array.from({ length: n }, () => `(${wanted.map(() => '?').join(', ')})`).join(', ')}`);
    const full = insertMany(rowsPerInsert);
    const bar = new cliProgress.SingleBar(
      { format: 'seeding Directus users [{bar}] {percentage}% | {value}/{total} | {rate} rows/s', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    bar.start(total, 0, { rate: 0 });
    const write = db.transaction((from: number, n: number) => {
      const values: unknown[] = [];
      for (let k = 0; k < n; k++) {
        const u = makeUserRow(from + k, random, roles, now, randomUUID);
        // Directus keeps timestamps as SQLite datetimes (milliseconds since the epoch on 10.x's sqlite3).
        const lastAccess = u.last_access ? Date.parse(u.last_access as string) : null;
        values.push(u.id, u.first_name, u.last_name, (u.email as string).toLowerCase(), u.status, u.role, u.title, u.location, u.language, lastAccess, 'default', 1);
      }
      (n === rowsPerInsert ? full : insertMany(n)).run(...values);
    });
    for (let done = 0; done < total; ) {
      const n = Math.min(rowsPerInsert, total - done);
      write(done, n);
      done += n;
      bar.update(done, { rate: Math.round(done / ((performance.now() - started) / 1000)) });
    }
    bar.stop();
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/** The PATCH and DELETE pools, chosen as on Usher: Viewer users without a password; Editor users. */
export function directusPools(file: string, setup: DirectusSetup, patch: number, del: number): { patchIds: string[]; deleteIds: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const ids = (sql: string, ...args: unknown[]) => (db.prepare(sql).all(...args) as { id: string }[]).map((r) => r.id);
    return {
      patchIds: ids('select id from directus_users where role = ? and password is null order by id limit ?', setup.viewerRoleId, patch),
      deleteIds: ids('select id from directus_users where role = ? order by id desc limit ?', setup.editorRoleId, del),
    };
  } finally {
    db.close();
  }
}

export function directusContext(setup: DirectusSetup, pools: { patchIds: string[]; deleteIds: string[] }, base: Pick<ScenarioContext, 'searchTerm' | 'runId'>): ScenarioContext {
  return {
    target: 'directus',
    adminId: setup.adminId,
    adminEmail: DIRECTUS_ADMIN.email,
    adminToken: setup.adminToken,
    jwt: null,
    readerToken: setup.readerToken,
    editorRoleId: setup.editorRoleId,
    viewerRoleId: setup.viewerRoleId,
    loginEmails: Array.from({ length: LOGIN_POOL }, (_, i) => loginEmail(i)),
    loginPassword: LOGIN_PASSWORD,
    ...pools,
    ...base,
  };
}
