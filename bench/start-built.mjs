// `usher start` from the built bundle (dist/bundle, what bin/usher.mjs runs) and nothing else.
// bin/usher.mjs falls back to the TypeScript sources through tsx when a source file is newer than
// the build, which would time the wrong thing if src/ changes while the bench runs; bench/run.ts
// builds first.
import { availableParallelism } from 'node:os';

// As bin/usher.mjs does, before anything uses libuv's pool.
process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());
const { runCli } = await import('../dist/bundle/cli/index.js');

const code = await runCli(['start']);
if (code >= 0) process.exit(code);
