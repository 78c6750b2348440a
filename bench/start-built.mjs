// `usher start` from the compiled build (dist/) and nothing else. bin/usher.mjs falls back to the
// TypeScript sources through tsx when a source file is newer than the build, which would time the
// wrong thing if src/ changes while the bench runs; bench/run.ts builds dist/ first.
import { runCli } from '../dist/cli/index.js';

const code = await runCli(['start']);
if (code >= 0) process.exit(code);
