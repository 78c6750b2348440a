#!/usr/bin/env -S node --max-semi-space-size=4
// The `usher` command (npm start runs it). Sets libuv's pool size, then runs the built CLI (one
// bundled file, see scripts/bundle-server.mjs and bin/bundle.cjs) when it has been built (npm start
// builds it) and is current, else the TypeScript sources through tsx, so `usher` works straight
// after `npm ci` too, and a checkout whose sources changed since the last build (after `git pull`)
// does not run yesterday's code.
//
// One libuv thread per core unless told otherwise (libuv's default is 4, whatever the machine).
// Password hashing (argon2id: 19 MiB and several milliseconds of a core each) runs on those
// threads; more of them than cores only evict each other's memory from the caches: on 2 cores a
// verification costs about 4% more CPU with 4 threads than with 2 (29.2 against 28.2 ms in one
// session), which is the sign-in rate lost.
//
// CommonJS on purpose. libuv sizes its pool when something first uses it, and Node's ESM loader
// reads an ESM entry file through the pool before the file's first line runs: an .mjs entry that
// sets UV_THREADPOOL_SIZE gets 4 threads all the same (seen in /proc: four busy pool threads under
// a sign-in load). A CommonJS entry is read synchronously, so the setting here is in time.
//
// --max-semi-space-size=4 (MB, also in npm start): V8's young generation otherwise grows to 32 MB
// under load, a quarter of the server's memory, for no measurable gain in throughput (issue 7).
'use strict';
const { availableParallelism } = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());

const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { BUNDLE, runBundle } = require('./bundle.cjs');

const SRC = join(__dirname, '..', 'src');

/** True when a source file the build compiles (tests are not compiled) is newer than `time`. */
function changedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (changedSince(path, time)) return true;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && statSync(path).mtimeMs > time) {
      return true;
    }
  }
  return false;
}

const fail = (err) => {
  console.error(err);
  process.exit(1);
};
const argv = process.argv.slice(2);
if (existsSync(BUNDLE) && (!existsSync(SRC) || !changedSince(SRC, statSync(BUNDLE).mtimeMs))) {
  Promise.resolve().then(() => runBundle(argv)).catch(fail);
} else {
  import('tsx/esm/api')
    .then(({ tsImport }) => tsImport('../src/cli/index.ts', pathToFileURL(__filename).href))
    .then(({ runCli }) => runCli(argv))
    .then((code) => {
      if (code >= 0) process.exit(code);
    })
    .catch(fail);
}
