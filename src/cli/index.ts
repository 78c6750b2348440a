// The `usher` command. Exit codes: 0 done, 1 the operation failed, 2 bad usage or configuration.
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, readEnvironment, type Config } from '../config.js';
import { createDb, type Db } from '../db/index.js';
import { migrate, type MigrateDirection } from '../db/migrate.js';
import { bootstrap } from '../modules/bootstrap/bootstrap.service.js';
import { assertInstalled, createRoleCommand, createUserCommand, setPasswordCommand } from './commands.js';
import { CliError } from './cli-error.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The environment to read; config.ts reads the process's own when this is not given. */
  env?: Record<string, string | undefined>;
  cwd: string;
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/** Runs the CLI and resolves to the exit code; never calls process.exit itself (main does). */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('usher')
    .description('Usher: self-hosted user and access management with a Directus-compatible API')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  const config = (): Config => loadConfig(readEnvironment(io.cwd, io.env), { cwd: io.cwd, persistSecret: true });
  const withDb = async <T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> => {
    const cfg = config();
    const db = createDb(cfg);
    try {
      return await fn(db, cfg);
    } finally {
      await db.destroy();
    }
  };
  // users and roles write into the tables: say what to run instead of failing on a missing table.
  const withInstalledDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> =>
    withDb(async (db) => {
      await assertInstalled(db);
      return fn(db);
    });

  program
    .command('start')
    .description('migrate, bootstrap on first run, and serve the API and App')
    .action(async () => {
      const { start } = await import('../main.js');
      await start(config());
      exitCode = -1; // keep running
    });

  program
    .command('bootstrap')
    .description('create the database tables, run migrations and create the first admin (idempotent)')
    .action(() =>
      withDb(async (db, cfg) => {
        const result = await bootstrap(db, cfg);
        if (result.admin) {
          io.out(`Created the Administrator role and the admin user ${result.admin.email}\n`);
          if (result.admin.generatedPassword) io.out(`Admin password (shown once): ${result.admin.generatedPassword}\n`);
        } else {
          io.out(`Already installed; ${result.migrated.length} migration(s) applied\n`);
        }
      }),
    );

  program
    .command('migrate')
    .description('run database migrations')
    .argument('<direction>', 'latest | up | down')
    .action((direction: string) => {
      if (!['latest', 'up', 'down'].includes(direction)) throw new CliError(`unknown direction "${direction}" (use latest, up or down)`, 2);
      return withDb(async (db) => {
        const { results } = await migrate(db, direction as MigrateDirection);
        if (!results || results.length === 0) io.out('Nothing to migrate\n');
        for (const r of results ?? []) io.out(`${r.direction === 'Up' ? 'up' : 'down'} ${r.migrationName}: ${r.status}\n`);
      });
    });

  const users = program.command('users').description('manage users');
  users
    .command('create')
    .description('create an active user and print its id')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password (the password policy applies unless --force)')
    .option('--role <id>', 'role id')
    .option('--force', 'skip the password policy')
    .action((opts: { email: string; password: string; role?: string; force?: boolean }) =>
      withInstalledDb(async (db) => io.out(`${await createUserCommand(db, opts)}\n`)),
    );
  users
    .command('passwd')
    .description("set a user's password")
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'new password (the password policy applies unless --force)')
    .option('--force', 'skip the password policy')
    .action((opts: { email: string; password: string; force?: boolean }) =>
      withInstalledDb(async (db) => {
        await setPasswordCommand(db, opts);
        io.out(`Password updated for ${opts.email}\n`);
      }),
    );

  const roles = program.command('roles').description('manage roles');
  roles
    .command('create')
    .description('create a role and print its id')
    .requiredOption('--role <name>', 'role name')
    .option('--admin', 'give the role admin access')
    .action((opts: { role: string; admin?: boolean }) => withInstalledDb(async (db) => io.out(`${await createRoleCommand(db, opts)}\n`)));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      io.err(`usher: invalid configuration: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CliError) {
      io.err(`usher: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`usher: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
