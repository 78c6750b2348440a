// The `usher` process entry: runs the CLI with the process's arguments and exits with its code
// (a long-running command such as `start` answers -1 and keeps the process alive).
import { availableParallelism } from 'node:os';

// As bin/usher.mjs does, before anything uses libuv's pool.
process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());
const { runCli } = await import('./index.js');
const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exit(code);
