// A real Usher for the browser tests: `node bin/usher.cjs start` in a temporary folder (so a fresh
// ./data/usher.db), on a free loopback port, mailing through a real SMTP sink on loopback.
import { join, resolve } from 'node:path';
import { startSmtpSink, type SmtpSink } from '../test/smtp';
import { spawnUsher } from '../test/usher-process';

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
  const usher = await spawnUsher([join(ROOT, 'bin', 'usher.cjs'), 'start'], {
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
  }).catch(async (err) => {
    await smtp.close();
    throw err;
  });
  return {
    url: usher.url,
    smtp,
    output: usher.output,
    stop: async () => {
      await usher.stop();
      await smtp.close();
    },
  };
}
