// The bench's command line, parsed and checked once. TEST_PG_URL is the one variable read here: the
// bench is a tool beside the server, not part of it, and uses the test suite's PostgreSQL setting.
import { parseArgs } from 'node:util';

export type BenchDb = 'sqlite' | 'pg';

export interface BenchOptions {
  db: BenchDb;
  pgUrl: string | undefined;
  users: number;
  /** Seconds per measured run. */
  duration: number;
  /** Seconds of warm-up per scenario before its first measured run. */
  warmup: number;
  connections: number[];
  /** Measured runs per scenario and connection count; the table shows the median one. */
  repeat: number;
  /** Skip the bare Fastify ceiling (its ratios are then left blank). */
  ceiling: boolean;
  /** Run Usher with RESPONSE_CACHE_ENABLED=false: every read is computed. */
  responseCache: boolean;
  /** Keep the data folder (and the PostgreSQL database) after the run, to look at it. */
  keep: boolean;
  /** Run the server under `node --cpu-prof` and write the profile here. */
  cpuProfDir: string | undefined;
  /** Scenario keys to run (all when empty). */
  only: string[];
  /** 1,000,000 users, and only the list and search scenarios. */
  large: boolean;
  /** Run the same requests against Directus 10 in the same session, alternating the two. */
  vsDirectus: boolean;
  /** Users seeded into Directus (default: the same as --users). */
  directusUsers: number;
  /** Where Directus 10 is installed (../shared/peers/README.md): PEERS_DIR or ~/.cache/usher-peers. */
  peersDir: string;
  /** The folder with directus10-start.sh and directus10-stop.sh. */
  peersScripts: string;
  /** Two Usher processes on one PostgreSQL: throughput and cross-process revocation (needs --db pg). */
  scale: boolean;
  /** The search term of the search scenario. */
  searchTerm: string;
}

const USAGE = `usage: npm run bench -- [options]
  --db sqlite|pg        database to run on (default sqlite)
  --pg-url URL          PostgreSQL server for --db pg (default: TEST_PG_URL); a fresh database
                        is created there and dropped afterwards
  --users N             users to seed (default 100000)
  --duration S          seconds per measured run (default 10)
  --warmup S            seconds of warm-up per scenario (default 3)
  --connections LIST    comma-separated connection counts (default 10; e.g. 10,50)
  --repeat N            measured runs per row; the table shows the median (default 1)
  --no-ceiling          skip the bare Fastify hello-world ceiling
  --no-response-cache   run Usher with RESPONSE_CACHE_ENABLED=false (every read computed)
  --keep                keep the data folder / database afterwards
  --cpu-prof DIR        run the server under node --cpu-prof, writing the profile to DIR
  --only KEYS           comma-separated scenario keys to run (see SCENARIO KEYS below)
  --large               1,000,000 users (unless --users is given), list and search scenarios only
  --search TERM         the search scenario's term (default 1234: about 20 matches in 100,000)
  --vs-directus         also run Directus 10.13.4 (installed per ../shared/peers/README.md), alternating
  --directus-users N    users seeded into Directus (default: the same as --users)
  --peers-dir DIR       where Directus is installed (default PEERS_DIR or ~/.cache/usher-peers)
  --peers-scripts DIR   directus10-start.sh / -stop.sh (default ../shared/peers)
  --scale               two Usher processes on one PostgreSQL (needs --db pg): throughput of one vs
                        two, and revocations / permission changes across them
  --help`;

export class UsageError extends Error {}

/** A failure the bench explains in its message (a failed build, a server that would not start). */
export class BenchError extends Error {}

export function parseBenchArgs(argv: string[], env: Record<string, string | undefined>): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string' },
      users: { type: 'string', default: '100000' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      repeat: { type: 'string', default: '1' },
      'no-ceiling': { type: 'boolean', default: false },
      'no-response-cache': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      only: { type: 'string', default: '' },
      large: { type: 'boolean', default: false },
      search: { type: 'string', default: '1234' },
      'vs-directus': { type: 'boolean', default: false },
      'directus-users': { type: 'string' },
      'peers-dir': { type: 'string' },
      'peers-scripts': { type: 'string' },
      scale: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return null;
  }
  const db = values.db;
  if (db !== 'sqlite' && db !== 'pg') throw new UsageError(`--db must be sqlite or pg, got "${db}"`);
  const pgUrl = values['pg-url'] ?? env.TEST_PG_URL;
  if (db === 'pg' && !pgUrl) throw new UsageError('--db pg needs --pg-url or TEST_PG_URL');
  if (db === 'pg') checkLoopback(pgUrl!);
  if (values.scale && db !== 'pg') throw new UsageError('--scale needs --db pg (two processes share one PostgreSQL)');
  if (values.scale && values['vs-directus']) throw new UsageError('--scale and --vs-directus are separate runs');
  const usersGiven = argv.some((a) => a === '--users' || a.startsWith('--users='));
  const users = usersGiven || !values.large ? wholeNumber('--users', values.users, 0, 10_000_000) : 1_000_000;
  if (!/^[\p{L}\p{N} .@_-]{3,50}$/u.test(values.search)) throw new UsageError('--search: 3 to 50 letters, digits, spaces or . @ _ -');
  const home = env.HOME ?? '/root';
  return {
    db,
    pgUrl,
    users,
    large: values.large,
    searchTerm: values.search,
    vsDirectus: values['vs-directus'],
    directusUsers: values['directus-users'] === undefined ? users : wholeNumber('--directus-users', values['directus-users'], 0, 10_000_000),
    peersDir: values['peers-dir'] ?? env.PEERS_DIR ?? `${home}/.cache/usher-peers`,
    peersScripts: values['peers-scripts'] ?? new URL('../../shared/peers', import.meta.url).pathname,
    scale: values.scale,
    duration: wholeNumber('--duration', values.duration, 1, 600),
    warmup: wholeNumber('--warmup', values.warmup, 0, 120),
    connections: values.connections.split(',').map((c) => wholeNumber('--connections', c.trim(), 1, 1000)),
    repeat: wholeNumber('--repeat', values.repeat, 1, 20),
    ceiling: !values['no-ceiling'],
    responseCache: !values['no-response-cache'],
    keep: values.keep,
    cpuProfDir: values['cpu-prof'],
    only: values.only.split(',').map((k) => k.trim()).filter(Boolean),
  };
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name} expects a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** The bench creates and drops a database: only on this machine's own PostgreSQL. */
function checkLoopback(url: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new UsageError(`--pg-url is not a URL: "${url}"`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]', '::1', ''].includes(host)) {
    throw new UsageError(`--pg-url must point at this machine (127.0.0.1), got host "${host}"`);
  }
}

export { USAGE };
