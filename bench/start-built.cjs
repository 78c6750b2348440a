// `usher start` from the built bundle (dist/bundle, what bin/usher.mjs runs) and nothing else.
// bin/usher.mjs falls back to the TypeScript sources through tsx when a source file is newer than
// the build, which would time the wrong thing if src/ changes while the bench runs; bench/run.ts
// builds first. CommonJS, and the pool sized first, as bin/usher.cjs does (see there why).
'use strict';
const { availableParallelism } = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());
import('../dist/bundle/cli/index.js').then(async ({ runCli }) => {
  const code = await runCli(['start']);
  if (code >= 0) process.exit(code);
}, (err) => {
  console.error(err);
  process.exit(1);
});
