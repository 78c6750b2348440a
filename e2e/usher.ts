// A real Usher for the browser tests: `node bin/usher.mjs start` in a temporary folder (so a fresh
// ./data/usher.db), on a free loopback port, mailing through a real SMTP sink on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSmtpSink, type SmtpSink } from '../test/smtp';
import { freePort } from '../test/net';

const ROOT = resolve(import.meta.dirname, '..');

export const ADMIN = { email: 'admin@example.com', password: 'Admin-e2e-password-1' };

export interface Usher {
  url: string;
  smtp: SmtpSink;
  output(): string;
  stop(): Promise<void>;
}

export async function startUsher(env: Record<string, string> = {}): Promise<Usher> {
  const smtp = await startSmtpSink();
  const cwd = mkdtempSync(join(tmpdir(), 'usher-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'usher.mjs'), 'start'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      SECRET: 'e2e-secret-that-is-at-least-32-characters-long',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      LOGIN_STALL_TIME: '100',
      // Every test signs in through the same loopback address: the per-IP limits are raised, not off.
      RATE_LIMITER_LOGIN_POINTS: '1000',
      RATE_LIMITER_PASSWORD_POINTS: '200',
      RATE_LIMITER_INVITE_ACCEPT_POINTS: '200',
      ...smtp.env(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`usher start exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/server/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`usher start did not answer in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    url,
    smtp,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await smtp.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
