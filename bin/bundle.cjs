// Runs the built CLI, dist/bundle/cli/index.cjs (scripts/bundle-server.mjs makes it), with V8's
// code cache: the bytecode V8 compiled for the bundle in an earlier start, kept next to it.
//
// Compiling the 2 MB bundle, and then each function the start runs, is about a third of the time
// from spawn to the first healthy answer; with the cache V8 reads the bytecode instead (issue 7:
// 325 -> 232 ms median on one machine). Node 20 has no compile cache of its own for modules
// (module.enableCompileCache is Node 22), so the bundle is CommonJS, compiled here with vm.Script,
// which takes and makes cached data.
//
// The cache is written once the server is listening, when there was none or V8 refused it, and
// `npm run build` warms it (scripts/bundle-server.mjs). V8 refuses cached data made by another V8
// or with other V8 flags (--max-semi-space-size is one); it checks the source only by its length,
// so the file starts with a SHA-1 of the source it was made from and any other is not handed to
// V8. One file per Node version and command-line flags, so that starts with different flags do not
// overwrite each other's. Written to a temporary file and renamed, so processes starting together
// never read half a file; a dist/ the process may not write to only means no cache.
//
// `node bin/bundle.cjs <bundle> <usher arguments>` runs that bundle and nothing else (the bench,
// the bundle test and the build's warm-up); bin/usher.cjs also falls back to the sources.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'cli', 'index.cjs');
/** How long after the server starts listening the cache is made: the first requests compile a few more functions into it. */
const WRITE_DELAY_MS = 1000;

/** The cache file for this Node and these flags (a process's own by default). */
function cacheFileFor(bundle = BUNDLE, execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const key = createHash('sha1').update(`${process.version}\0${execArgv.join('\0')}\0${nodeOptions}`).digest('hex').slice(0, 12);
  return `${bundle}.${key}.v8cache`;
}

/**
 * Compiles and runs the bundle; answers its exports and what happened to the cache: 'accepted',
 * 'rejected' (by V8), 'missing' (none, or one made from another source) or 'off'.
 */
function loadBundle(bundle = BUNDLE) {
  // Node maps stack traces through index.cjs.map (--enable-source-maps) for modules it loads itself,
  // not for vm scripts: a process that asks for that gets the bundle as an ordinary module.
  if (process.sourceMapsEnabled) return { exports: require(bundle), cache: 'off', writeCache: () => {} };
  const bytes = readFileSync(bundle);
  const digest = createHash('sha1').update(bytes).digest();
  const cacheFile = cacheFileFor(bundle);
  let cachedData;
  try {
    const cached = readFileSync(cacheFile);
    if (cached.subarray(0, digest.length).equals(digest)) cachedData = cached.subarray(digest.length);
  } catch {
    // no cache yet
  }
  // The bundle is ASCII (esbuild's charset: 'ascii'), so latin1 decodes it exactly and fastest. The
  // wrapper is CommonJS's own, on a line of its own so that the bundle's lines keep their numbers.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${bytes.toString('latin1')}\n})`, {
    filename: bundle,
    lineOffset: -1,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bundleModule = { exports: {}, filename: bundle, id: bundle };
  script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle));
  const cache = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const writeCache = () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true });
    }
  };
  return { exports: bundleModule.exports, cache, writeCache };
}

/** `usher <argv>` from the bundle: exits with the CLI's code, or keeps serving (start) and caches the code V8 compiled. */
function runBundle(argv, bundle = BUNDLE) {
  const loaded = loadBundle(bundle);
  return loaded.exports.runCli(argv).then((code) => {
    if (code >= 0) process.exit(code);
    if (loaded.cache === 'missing' || loaded.cache === 'rejected') setTimeout(loaded.writeCache, WRITE_DELAY_MS).unref();
  });
}

module.exports = { BUNDLE, cacheFileFor, loadBundle, runBundle };

if (require.main === module) {
  // As bin/usher.cjs does, and for the same reason: before anything uses the pool.
  process.env.UV_THREADPOOL_SIZE ??= String(require('node:os').availableParallelism());
  const [bundle, ...argv] = process.argv.slice(2);
  Promise.resolve()
    .then(() => runBundle(argv, require('node:path').resolve(bundle)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
