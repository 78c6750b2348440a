// Process entry: read config, prepare the database, build the app, listen, and close cleanly on
// SIGTERM/SIGINT (in-flight requests finish first).
import { ConfigError, loadConfig, readEnvironment, type Config } from './config.js';
import { createDb } from './db/index.js';
import { createLogger } from './logger.js';
import { buildApp } from './app.js';
import { bootstrap } from './modules/bootstrap/bootstrap.service.js';

export async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const db = createDb(config);
  const result = await bootstrap(db, config);
  if (result.migrated.length > 0) logger.info({ migrations: result.migrated }, 'database migrated');
  if (config.secretSource === 'generated') logger.warn('SECRET is not set: tokens will not survive a restart');
  const app = await buildApp(config, { db, logger });
  await app.listen({ host: config.host, port: config.port });
  if (result.admin) printAdmin(config, result.admin.email, result.admin.generatedPassword);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.close();
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

function printAdmin(config: Config, email: string, generatedPassword: string | null): void {
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
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

export function loadConfigOrExit(): Config {
  try {
    return loadConfig(readEnvironment(), { persistSecret: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`usher: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
