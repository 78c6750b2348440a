// Bundles the server's sources (src/, TypeScript; tsc checks them first in `npm run build`) into
// one file, dist/bundle/cli/index.cjs, which bin/usher.cjs runs through bin/bundle.cjs, then warms
// V8's code cache for it (see bin/bundle.cjs). One file loads in about a fifth of the time Node
// takes to resolve and load the few hundred modules it is made of (Fastify, Kysely, TypeBox and
// their dependencies): the server is healthy about 280 ms after it is spawned instead of about
// 550 ms, and about 230 ms with the code cache (issue 7).
//
// CommonJS, because only a script (vm.Script) takes cached data on Node 20. import.meta.url, which
// the sources use to find files beside them, becomes the bundle's own file URL; any other use of
// import.meta, or any other esbuild warning, fails the build.
//
// `node scripts/bundle-server.mjs [dir]` writes to dist/<a>/<b> instead of dist/bundle/cli (the
// bundle test builds its own, leaving the one `usher` runs alone).
//
// Left out, and loaded from node_modules as before: native addons, and the modules Usher loads only
// when a setting asks for them (PostgreSQL, Redis, SMTP and templates).
//
// The bundle sits as deep under the project as the modules it replaces (dist/<dir>/<dir>/), so the
// paths they work out from import.meta.url (templates/mail, dist/app) stay the same; the test in
// src/cli/bundle.test.ts starts it and checks both.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = resolve(ROOT, process.argv[2] ?? 'dist/bundle/cli');
const BUNDLE = join(OUT_DIR, 'index.cjs');
const { cacheFileFor, npmStartFlags } = createRequire(import.meta.url)('../bin/bundle.cjs');

const place = relative(ROOT, OUT_DIR).split(sep);
if (place.length !== 3 || place[0] !== 'dist') throw new Error(`bundle-server: ${OUT_DIR} is not dist/<a>/<b> (the bundle finds templates/ and dist/app from there)`);

const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'pg', 'pg-native', 'ioredis', 'nodemailer', 'liquidjs', 'pino-pretty', 'thread-stream'];

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/cli/index.ts'],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  // Smaller, and ASCII only: V8 keeps the whole source in memory, as two bytes a character if one
  // character anywhere is not Latin-1 (a name in a dependency's comment was enough: 6.8 MB instead
  // of 3.4); bin/bundle.cjs also relies on it to decode the file as Latin-1. Whitespace and syntax
  // are minified, identifiers are not (index.cjs.map maps positions back to src/ under
  // --enable-source-maps). Not keepNames: it wraps every named closure in a defineProperty call
  // where it is made, some on every request (cached GET /users/me: 12,990 -> 18,788 req/s without
  // it). The dependencies' licence comments go to index.cjs.LEGAL.txt.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'external',
  charset: 'ascii',
  define: { 'import.meta.url': 'usherImportMetaUrl' },
  banner: { js: "'use strict';const usherImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
if (result.warnings.length > 0) {
  console.error(`bundle-server: ${result.warnings.length} esbuild warning(s), above; the bundle may not run as the sources do`);
  process.exit(1);
}

// What earlier builds left: the ES module bundle of before, and code caches made from other source
// (bin/bundle.cjs would not use them, but they would stay).
for (const name of readdirSync(OUT_DIR)) {
  if (name.startsWith('index.js') || name.endsWith('.v8cache') || name.endsWith('.tmp')) rmSync(join(OUT_DIR, name), { force: true });
}

// Best effort: without it the first start is slower and writes the cache itself (src/cli/bundle.test.ts checks that it works).
try {
  await warmCodeCache();
} catch (err) {
  console.warn(`bundle-server: no code cache warmed (${err.message.trim()}); the first start makes it`);
}

/**
 * Starts the bundle as `npm start` does (with the same Node flags, which V8's check includes) on a
 * throwaway SQLite database, installed first so that the start is an ordinary one, and stops it
 * once it has written the code cache.
 */
async function warmCodeCache() {
  const flags = npmStartFlags();
  const runner = [...flags, join(ROOT, 'bin', 'bundle.cjs'), BUNDLE];
  const dir = mkdtempSync(join(tmpdir(), 'usher-warm-'));
  const env = {
    PATH: process.env.PATH ?? '',
    DB_CLIENT: 'sqlite3',
    DB_FILENAME: join(dir, 'usher.db'),
    SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    EMAIL_TRANSPORT: 'log',
  };
  try {
    const installed = spawnSync(process.execPath, [...runner, 'bootstrap'], { cwd: dir, env, encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`usher bootstrap failed:\n${installed.stdout}${installed.stderr}${installed.error?.message ?? ''}`);
    const server = spawn(process.execPath, [...runner, 'start'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((done) => server.once('exit', done));
    // The environment above has no NODE_OPTIONS.
    const cacheFile = cacheFileFor(BUNDLE, flags, '');
    const deadline = Date.now() + 30_000;
    while (!existsSync(cacheFile) && server.exitCode === null && server.signalCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const written = existsSync(cacheFile);
    server.kill('SIGTERM');
    await exited;
    if (!written) throw new Error(`the warm-up start wrote no ${cacheFile}:\n${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
