#!/usr/bin/env -S node --max-semi-space-size=4
// The `usher` command (npm start runs it): sets libuv's pool size, then runs bin/usher.mjs.
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
'use strict';
const { availableParallelism } = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());
import('./usher.mjs').catch((err) => {
  console.error(err);
  process.exit(1);
});
