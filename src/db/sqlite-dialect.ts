// Kysely's SQLite dialect with two changes that matter once several processes share one file:
// transactions start with BEGIN IMMEDIATE, and migrations run inside one.
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver } from 'kysely';

/**
 * A plain BEGIN takes the write lock only at the first write; if another process committed in
 * between, SQLite (WAL) refuses that upgrade at once with SQLITE_BUSY instead of waiting
 * `busy_timeout`. BEGIN IMMEDIATE takes the lock up front and waits for it, so concurrent writers
 * queue instead of failing. Inside one process Kysely already serialises on its single connection.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite's DDL is transactional, which Kysely's adapter does not claim. Claiming it makes the
 * migrator run each batch in one transaction: a failing migration leaves nothing half-applied,
 * and a second process starting at the same moment waits, then finds nothing left to do.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class UsherSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
