// The `usher` process entry: runs the CLI with the process's arguments and exits with its code
// (a long-running command such as `start` answers -1 and keeps the process alive).
// `npm run dev` (through tsx) runs with libuv's pool at its default size: an ESM entry is read
// through the pool before its first line, too late to size it. bin/usher.cjs, which `npm start`
// and the `usher` command use, sizes it in time.
const { runCli } = await import('./index.js');
const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exit(code);
