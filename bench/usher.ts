// The Usher server under test: its environment and its start from the built dist/.
import { join } from 'node:path';
import type { BenchOptions } from './args.js';
import type { BenchDatabase } from './database.js';
import { DIST_ENTRY, ROOT, startServer, type RunningServer } from './server.js';

export interface Admin {
  email: string;
  password: string;
  token: string;
}

export function usherEnv(database: BenchDatabase, admin: Admin, secret: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...database.serverEnv,
    SECRET: secret,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ADMIN_TOKEN: admin.token,
    LOG_LEVEL: 'warn',
    // Directus's rate limiter is off by default and in its baseline; Usher's per-IP login limit
    // (30 a minute) would turn the login scenario into a measurement of 429s.
    RATE_LIMITER_LOGIN_ENABLED: 'false',
    ...extra,
  };
}

/** The flags `npm start` and bin/usher.cjs's shebang give Node (checked against package.json by run.ts). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];

export function startUsher(options: BenchOptions, database: BenchDatabase, env: Record<string, string>, name = 'usher'): Promise<RunningServer> {
  return startServer({
    name,
    // The built bundle and nothing else: bin/usher.cjs would run the sources if src/ changed mid-run.
    args: [join(ROOT, 'bin', 'bundle.cjs'), DIST_ENTRY, 'start'],
    env,
    cwd: database.dataDir,
    logFile: join(database.dataDir, `${name}.log`),
    healthPath: '/server/health',
    nodeFlags: [...SERVER_NODE_FLAGS, ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [])],
  });
}

