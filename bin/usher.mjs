#!/usr/bin/env node
// Runs the compiled CLI when it has been built (npm start builds it), else the TypeScript sources
// through tsx, so `usher` works straight after `npm ci` too.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
let runCli;
if (existsSync(dist)) {
  ({ runCli } = await import(dist));
} else {
  const { tsImport } = await import('tsx/esm/api');
  ({ runCli } = await tsImport('../src/cli/index.ts', import.meta.url));
}
const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exit(code);
