// Gives memory back to the system once the server goes idle after a burst of work.
//
// A busy Node process grows its heap, and V8 hands the pages back only when its memory reducer
// runs, some 10 to 30 s after the last large collection, or never if a trickle of requests keeps
// resetting it. A server that sits idle between bursts (most Usher instances, most of the day)
// would hold its peak for that long. So: the event loop's utilisation is sampled every few
// seconds; after an interval with work in it, the first interval with almost none triggers one full
// collection (about 25 ms on a 50 MB heap, at a moment nothing is waiting), at most one per
// `minGapMs`. A steady trickle never counts as work, and a steady load never counts as idle, so
// neither pays for collections it does not need. (SQLite's page cache is not dropped with it: the
// allocator keeps freed pages in the process anyway. It is kept small instead: DB_SQLITE_CACHE_MB.)
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface IdleMemoryOptions {
  /** How often the event loop is sampled. */
  everyMs: number;
  /** The shortest time between two collections (default 10 s). */
  minGapMs?: number;
  /** Below this share of an interval spent running, the interval is idle (default 1%). */
  idleBelow?: number;
  /** At or above this share, the interval had work in it (default 5%). */
  workAbove?: number;
  /** The share of the time since the last call that the event loop spent running (tests give their own). */
  sample?: () => number;
  /** The full collection (tests give their own); V8's own by default. */
  collect?: () => void;
  /** Called after each collection, with what it did (logged at debug level by the server). */
  onRelease?: (info: { gcMs: number; rssBefore: number; rssAfter: number }) => void;
}

/** Starts sampling; returns the function that stops it. Null when no collector is available. */
export function startIdleMemoryRelease(opts: IdleMemoryOptions): (() => void) | null {
  const collect = opts.collect ?? fullCollector();
  if (!collect) return null;
  const idleBelow = opts.idleBelow ?? 0.01;
  const workAbove = opts.workAbove ?? 0.05;
  const minGapMs = opts.minGapMs ?? 10_000;
  const sample = opts.sample ?? loopSampler();
  let worked = false;
  let lastRelease = -Infinity;
  const timer = setInterval(() => {
    const utilization = sample();
    if (utilization >= workAbove) worked = true;
    if (!worked || utilization >= idleBelow || performance.now() - lastRelease < minGapMs) return;
    worked = false;
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    collect();
    lastRelease = performance.now();
    const gcMs = lastRelease - started;
    // The collection's own time is not work: the next sample starts after it.
    sample();
    opts.onRelease?.({ gcMs, rssBefore, rssAfter: process.memoryUsage.rss() });
  }, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The event loop's utilisation since the previous call. */
function loopSampler(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

/**
 * V8's `gc()`, which Node exposes only under --expose-gc: the flag set for a moment takes effect in
 * a new context, whose global `gc` collects the whole isolate's heap. The flag is turned off again
 * at once, so no other context or worker gets a global `gc`. Null if this Node does not allow it.
 */
function fullCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
