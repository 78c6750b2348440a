// Bundles the server's sources (src/, TypeScript; tsc checks them first in `npm run build`) into
// one file, dist/bundle/cli/index.js, which bin/usher.mjs runs. One file loads in about a fifth of the time Node takes to resolve and load
// the few hundred modules it is made of (Fastify, Kysely, TypeBox and their dependencies): the
// server is healthy about 280 ms after it is spawned instead of about 550 ms (issue 7).
//
// Left out, and loaded from node_modules as before: native addons, and the modules Usher loads only
// when a setting asks for them (PostgreSQL, Redis, SMTP and templates).
//
// The bundle sits as deep under the project as the modules it replaces (dist/<dir>/<dir>/), so the
// paths they work out from import.meta.url (templates/mail, dist/app) stay the same; the test in
// src/cli/bundle.test.ts starts it and checks both.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'pg', 'pg-native', 'ioredis', 'nodemailer', 'liquidjs', 'pino-pretty', 'thread-stream'];

await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/cli/index.ts'],
  outfile: 'dist/bundle/cli/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  // Smaller, and ASCII only: V8 keeps the whole source in memory, as two bytes a character if one
  // character anywhere is not Latin-1 (a name in a dependency's comment was enough: 6.8 MB instead
  // of 3.4). Whitespace and syntax are minified, identifiers are not (index.js.map maps positions
  // back to src/ under --enable-source-maps). Not keepNames: it wraps every named closure in a
  // defineProperty call where it is made, some on every request (cached GET /users/me: 12,990 ->
  // 18,788 req/s without it). The dependencies' licence comments go to index.js.LEGAL.txt.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'external',
  charset: 'ascii',
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as usherCreateRequire } from 'node:module'; const require = usherCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
