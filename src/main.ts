// What `usher start` runs once the CLI has read the config: prepare the database, build the app,
// listen, and close cleanly on SIGTERM/SIGINT (in-flight requests finish first).
import type { Server } from 'node:net';
import type { Config } from './config.js';
import { createDb } from './db/index.js';
import { createLogger } from './logger.js';
import { buildApp } from './app.js';
import { bootstrap } from './modules/bootstrap/bootstrap.service.js';
import { startIdleMemoryRelease } from './idle-memory.js';

export async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const db = createDb(config);
  const result = await bootstrap(db, config);
  if (result.migrated.length > 0) logger.info({ migrations: result.migrated }, 'database migrated');
  if (config.secretSource === 'generated') logger.warn('SECRET is not set: tokens will not survive a restart');
  const app = await buildApp(config, { db, logger });
  await app.listen({ host: config.host, port: config.port });
  if (result.admin) printAdmin(listeningUrl(app.server.address(), config), result.admin.email, result.admin.generatedPassword);
  if (config.idleMemoryRelease) {
    const started = startIdleMemoryRelease({
      everyMs: 2500,
      onRelease: ({ gcMs, rssBefore, rssAfter }) =>
        logger.debug({ gcMs: Math.round(gcMs), rssMbBefore: Math.round(rssBefore / 2 ** 20), rssMbAfter: Math.round(rssAfter / 2 ** 20) }, 'idle: memory released'),
    });
    if (!started) logger.warn('IDLE_MEMORY_RELEASE: this Node.js does not let Usher run a garbage collection; left off');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    // A client that never finishes its request must not keep the process alive forever.
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'in-flight requests did not finish in time');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    // Closing the server ends the keep-alive connections that are idle at that moment; one whose
    // request was still running turns idle afterwards and would hold the process open for the
    // keep-alive timeout (72 s in Fastify). Keep ending those until the server has closed.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
      clearInterval(sweep);
      await db.destroy();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** The URL to print: the port actually bound (PORT=0 picks one), and localhost for a wildcard host. */
function listeningUrl(address: ReturnType<Server['address']>, config: Config): string {
  const port = address && typeof address === 'object' ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function printAdmin(url: string, email: string, generatedPassword: string | null): void {
  const lines = [
    '',
    'Usher is ready. An admin account was created:',
    `  email:    ${email}`,
    generatedPassword ? `  password: ${generatedPassword}   (shown once; change it after signing in)` : '  password: the ADMIN_PASSWORD you set',
    `  API:      ${url}  (POST ${url}/auth/login)`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
