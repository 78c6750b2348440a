#!/usr/bin/env -S node --max-semi-space-size=4
// Started through bin/usher.cjs, which sizes libuv's pool first (an ESM entry cannot: see there).
// Runs the built CLI (one bundled file, see scripts/bundle-server.mjs) when it has been built (npm
// start builds it) and is current, else the TypeScript sources through tsx, so `usher` works
// straight after `npm ci` too, and a checkout whose sources changed since the last build (after
// `git pull`) does not run yesterday's code.
//
// --max-semi-space-size=4 (MB, also in npm start): V8's young generation otherwise grows to 32 MB
// under load, a quarter of the server's memory, for no measurable gain in throughput (issue 7).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/bundle/cli/index.js', import.meta.url));
const src = fileURLToPath(new URL('../src', import.meta.url));

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

const useBuild = existsSync(dist) && (!existsSync(src) || !changedSince(src, statSync(dist).mtimeMs));
let runCli;
if (useBuild) {
  ({ runCli } = await import(dist));
} else {
  const { tsImport } = await import('tsx/esm/api');
  ({ runCli } = await tsImport('../src/cli/index.ts', import.meta.url));
}
const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exit(code);
