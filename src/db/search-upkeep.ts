// SQLite: the entries of deleted users leave the search index (FTS5) in small steps after the
// deletion instead of inside it.
//
// A contentless FTS5 table marks a deleted row's entries with a tombstone, and rewrites the index
// segments of a level that is 10% or more tombstones ('deletemerge') as part of the work each
// write pays for, work that grows with the rows the write changed. For a deletion of 10,000 of
// 100,000 users that was 450 of the 750 ms the request took, all of it in COMMIT (issue 7). So a
// deletion of users turns 'deletemerge' off for its own writes (withoutDeleteMerge, inside its
// transaction: FTS5 writes its pending changes out when the setting changes, so the tombstones go
// out with it off, and it is back on before the transaction commits), and then starts a pass of
// upkeep: steps of FTS5's own 'merge', STEP_PAGES pages at a time, until it has nothing to do.
// Every other write leaves the setting alone: an update of a user is a delete and an insert in the
// index, and its tombstones are merged away as FTS5 always does. Should a pass not finish (the
// process stops), later writes pay the rest as they would have.
//
// A step is one short write transaction on the connection everyone shares, run synchronously: a
// few milliseconds (median 2.4, at most 11 on a 2-core machine, for the 10,000 deleted users of a
// bench run: 124 steps, 430 ms in all), with requests served between steps. It runs only when no
// transaction is open on the connection, gives way at once when another process holds the write
// lock (and comes back later), and rolls back when it found nothing to do, so a pass that ends
// commits nothing.
import { sql, type Kysely } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import { isPostgres } from './dialect.js';
import { USERS_SEARCH_INDEX } from './search-index.js';

/** Index pages FTS5 may write in one step. */
const STEP_PAGES = 16;
/** Between steps: time for the requests that queued behind one. */
const PAUSE_MS = 5;
/** After a deletion, before the first step: a deletion often comes in several requests. */
const START_DELAY_MS = 200;
/** When the connection is in a transaction, or another process holds the write lock. */
const RETRY_MS = 100;
/** FTS5's own default for 'deletemerge'. */
const DEFAULT_DELETE_MERGE = 10;

const FTS = USERS_SEARCH_INDEX.name;

/**
 * Runs `write` (which deletes users, inside the caller's transaction `trx`) with FTS5's
 * 'deletemerge' off, and puts it back as it was. PostgreSQL: runs `write`.
 */
export async function withoutDeleteMerge<T>(trx: Kysely<any>, write: () => Promise<T>): Promise<T> {
  if (isPostgres(trx)) return write();
  const { rows } = await sql<{ v: number | string }>`select v from ${sql.id(`${FTS}_config`)} where k = 'deletemerge'`.execute(trx);
  const was = rows.length > 0 ? Number(rows[0]!.v) : DEFAULT_DELETE_MERGE;
  // A literal: FTS5 takes an integer only, and better-sqlite3 binds every JavaScript number as a real.
  const setDeleteMerge = (percent: number) => sql`insert into ${sql.id(FTS)} (${sql.id(FTS)}, rank) values ('deletemerge', ${sql.raw(String(Math.trunc(percent)))})`.execute(trx);
  await setDeleteMerge(0);
  const result = await write();
  await setDeleteMerge(was);
  return result;
}

export interface SearchUpkeep {
  /** Starts a pass (unless one is running or due); resolves when the index has nothing left to merge. */
  schedule(): Promise<void>;
  close(): void;
}

export function searchIndexUpkeep(native: SqliteDatabase.Database): SearchUpkeep {
  let statements: { merge: SqliteDatabase.Statement; totalChanges: SqliteDatabase.Statement } | null = null;
  /** One step: true when it merged something (and committed it). */
  const step = (): boolean => {
    statements ??= {
      merge: native.prepare(`insert into "${FTS}" ("${FTS}", rank) values ('merge', ${STEP_PAGES})`),
      totalChanges: native.prepare('select total_changes()').pluck(),
    };
    native.exec('begin immediate');
    let worked = false;
    try {
      const before = statements.totalChanges.get() as number;
      statements.merge.run();
      // FTS5: a 'merge' that did any work moves total_changes() by 2 or more.
      worked = (statements.totalChanges.get() as number) - before >= 2;
    } finally {
      native.exec(worked ? 'commit' : 'rollback');
    }
    return worked;
  };

  let pass: Promise<void> | null = null;
  let endPass: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const runPass = () =>
    new Promise<void>((done) => {
      const next = (ms: number) => {
        timer = setTimeout(tick, ms);
        // A pass does not keep the process alive (the server's own handles do that).
        timer.unref();
      };
      const finish = () => {
        timer = null;
        pass = null;
        endPass = null;
        done();
      };
      endPass = finish;
      const tick = () => {
        if (closed || !native.open) return finish();
        if (native.inTransaction) return next(RETRY_MS);
        let busyTimeout: unknown;
        try {
          busyTimeout = native.pragma('busy_timeout', { simple: true });
          native.pragma('busy_timeout = 0');
          if (step()) next(PAUSE_MS);
          else finish();
        } catch (err) {
          const code = String((err as { code?: unknown }).code ?? '');
          if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
            next(RETRY_MS); // another process is writing: later
          } else {
            // The index stays correct, only larger until later writes merge it.
            process.emitWarning(`search index upkeep stopped: ${(err as Error).message}`, { code: 'USHER_SEARCH_UPKEEP' });
            finish();
          }
        } finally {
          try {
            if (native.open && busyTimeout !== undefined) native.pragma(`busy_timeout = ${Number(busyTimeout)}`);
          } catch {
            // the connection is busy or closed: it keeps the value it has
          }
        }
      };
      next(START_DELAY_MS);
    });

  return {
    schedule: () => (pass ??= runPass()),
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      endPass?.();
    },
  };
}
