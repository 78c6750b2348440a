// Runs the built CLI, dist/bundle/cli/index.cjs (scripts/bundle-server.mjs makes it), with V8's
// code cache: the bytecode V8 compiled for the bundle in an earlier start, kept next to it.
//
// Compiling the 2 MB bundle, and then each function the start runs, is about a third of the time
// from spawn to the first healthy answer; with the cache V8 reads the bytecode instead (issue 7:
// about 320 -> 200 ms median on one machine). Node 20 has no compile cache of its own for modules
// (module.enableCompileCache is Node 22), so the bundle is CommonJS, compiled here with vm.Script,
// which takes and makes cached data.
//
// V8 trusts cached data it is given: it refuses data made by another V8 or with other V8 flags
// (--max-semi-space-size is one), but it tells sources apart only by their length, and a release
// build does not checksum the data, whose damage can crash the process. So the file starts with
// two SHA-1 digests, of the script it was made from (the wrapper below and the bundle) and of the
// data itself, and is handed to V8 only when both match; and only when the bundle's owner wrote it
// and nobody else may. One file per Node version and command-line flags, so that starts with
// different flags do not overwrite each other's (each is about 2 MB; a build removes them all).
//
// `npm run build` warms the cache (scripts/bundle-server.mjs), so dist/ may be read-only where Usher
// runs; where the process may write, it also writes the cache a second after the server listens
// when there was none or it was refused: to a file of its own, flushed to disk, then renamed into
// place, so that processes starting together never read half a file.
//
// `node bin/bundle.cjs <bundle> <usher arguments>` runs that bundle and nothing else (the bench,
// the bundle test and the build's warm-up); bin/usher.cjs also falls back to the sources.
'use strict';
const { createHash, randomBytes } = require('node:crypto');
const { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'cli', 'index.cjs');
/** How long after the server starts listening the cache is made: the first requests compile a few more functions into it. */
const WRITE_DELAY_MS = 1000;
// CommonJS's own wrapper, on a line of its own so that the bundle's lines keep their numbers.
const HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const TAIL = '\n})';
const DIGEST = 20;

/** The cache file for this Node and these flags (a process's own by default). */
function cacheFileFor(bundle = BUNDLE, execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const key = createHash('sha1').update(`${process.version}\0${execArgv.join('\0')}\0${nodeOptions}`).digest('hex').slice(0, 12);
  return `${bundle}.${key}.v8cache`;
}

/** The Node flags `npm start` runs the server with (package.json), which the build warms the cache for. */
function npmStartFlags() {
  const start = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).scripts.start;
  const flags = /node ((?:--\S+ )*)bin\/usher\.cjs start/.exec(start)?.[1];
  if (flags === undefined) throw new Error(`cannot find the Node flags in package.json's start script: ${start}`);
  return flags.trim().split(' ').filter(Boolean);
}

const sha1 = (...parts) => parts.reduce((hash, part) => hash.update(part), createHash('sha1')).digest();

/** The cached data in `file` if it was made from the script whose digest is `scriptDigest`, is whole, and is the owner's alone; else undefined. */
function readCache(file, scriptDigest, owner) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    if (stat.uid !== owner || (stat.mode & 0o022) !== 0 || stat.size <= 2 * DIGEST) return undefined;
    const bytes = Buffer.allocUnsafe(stat.size);
    if (readSync(fd, bytes, 0, stat.size, 0) !== stat.size) return undefined;
    const data = bytes.subarray(2 * DIGEST);
    if (!bytes.subarray(0, DIGEST).equals(scriptDigest) || !bytes.subarray(DIGEST, 2 * DIGEST).equals(sha1(data))) return undefined;
    return data;
  } catch {
    return undefined; // none yet
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeCache(file, scriptDigest, makeData) {
  const tmp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    const data = makeData();
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      for (const part of [scriptDigest, sha1(data), data]) writeSync(fd, part);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    // A dist/ this process may not write to, or a full disk: no cache, nothing else changes.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
  }
}

/**
 * Compiles and runs the bundle; answers its exports and what happened to the cache: 'accepted',
 * 'rejected' (by V8), 'missing' (none, or none this process may use) or 'off'.
 */
function loadBundle(bundle = BUNDLE) {
  // Node maps stack traces through index.cjs.map (--enable-source-maps) for modules it loads itself,
  // not for vm scripts: a process that asks for that gets the bundle as an ordinary module.
  if (process.sourceMapsEnabled) return { exports: require(bundle), cache: 'off', writeCache: () => {} };
  const bytes = readFileSync(bundle);
  const scriptDigest = sha1(HEAD, bytes, TAIL);
  const cacheFile = cacheFileFor(bundle);
  const cachedData = readCache(cacheFile, scriptDigest, statSync(bundle).uid);
  // The bundle is ASCII (esbuild's charset: 'ascii'), so latin1 decodes it exactly and fastest.
  const script = new vm.Script(HEAD + bytes.toString('latin1') + TAIL, {
    filename: bundle,
    lineOffset: -1,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bundleModule = { exports: {}, filename: bundle, id: bundle };
  script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle));
  const cache = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: bundleModule.exports, cache, writeCache: () => writeCache(cacheFile, scriptDigest, () => script.createCachedData()) };
}

/** `usher <argv>` from the bundle: exits with the CLI's code, or keeps serving (start) and caches the code V8 compiled. */
function runBundle(argv, bundle = BUNDLE) {
  const loaded = loadBundle(bundle);
  return loaded.exports.runCli(argv).then((code) => {
    if (code >= 0) process.exit(code);
    if (loaded.cache === 'missing' || loaded.cache === 'rejected') setTimeout(loaded.writeCache, WRITE_DELAY_MS).unref();
  });
}

module.exports = { BUNDLE, cacheFileFor, loadBundle, npmStartFlags, runBundle };

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
