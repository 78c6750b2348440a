// Multi-row INSERTs of many rows given as arrays of values, for the writes that log thousands of
// rows at once (a deletion of 10,000 users, an invitation of 1,000 addresses).
//
// Kysely's builder makes a node for every value and walks them all to compile each statement: for
// the 20,000 activity and revision rows of a deletion of 10,000 users, a fifth of the time the
// inserts took (136 -> 110 ms median of 4 on one machine, issue 7). Here the statement text is made once
// per shape (kept for full chunks), and the values are passed as they are, through Kysely's own
// executor, so the connection or transaction is the caller's. The text is the same INSERT on both
// databases; only the placeholders differ (? and $n).
import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

/** Rows per statement: well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;
const MAX_ROWS = 1_000;

const texts = new Map<string, string>();

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function insertText(postgres: boolean, table: string, columns: readonly string[], rows: number, returning: readonly string[], keep: boolean): string {
  const key = `${postgres ? 'pg' : 'sqlite'}\0${table}\0${columns.join('\0')}\0${rows}\0${returning.join('\0')}`;
  const known = texts.get(key);
  if (known) return known;
  let n = 0;
  const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  const text =
    `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')}` +
    (returning.length > 0 ? ` returning ${returning.map(quote).join(', ')}` : '');
  if (keep) texts.set(key, text);
  return text;
}

/**
 * Inserts `rows` (each the values of `columns`, in order) in as few statements as the databases
 * allow; answers the `returning` columns of every row inserted, statement by statement.
 */
export async function insertRows<R = Record<string, unknown>>(
  db: Kysely<any>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  returning: readonly string[] = [],
): Promise<R[]> {
  if (columns.length === 0) throw new Error(`insertRows(${table}): no columns`);
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`insertRows(${table}): a row of ${row.length} values for ${columns.length} columns`);
  }
  const postgres = isPostgres(db);
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const parameters: unknown[] = [];
    for (const row of chunk) for (const value of row) parameters.push(value);
    const text = insertText(postgres, table, columns, chunk.length, returning, chunk.length === perStatement);
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, parameters));
    for (const row of result.rows) out.push(row);
  }
  return out;
}
