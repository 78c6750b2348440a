// Gives memory back to the system once the server goes idle after a burst of work.
//
// A busy Node process grows its heap, and V8 hands the pages back only when its memory reducer
// runs, some 10 to 30 s after the last large collection, or never if a trickle of requests keeps
// resetting it. A server that sits idle between bursts (most Usher instances, most of the day)
// would hold its peak for that long. So: the event loop's utilisation is sampled every few
// seconds; after an interval with work in it, the first interval with almost none triggers one full
// collection (about 25 ms on a 50 MB heap, at a moment nothing is waiting). A steady trickle never
// counts as work, and a steady load never counts as idle, so neither pays for collections it does
// not need. (SQLite's page cache is not dropped with it: the allocator keeps freed pages in the
// process anyway. It is kept small instead: DB_SQLITE_CACHE_MB.)
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface IdleMemoryOptions {
  /** How often the event loop is sampled. */
  everyMs: number;
  /** Below this share of an interval spent running, the interval is idle; at or above, it was work. */
  idleBelow?: number;
  workAbove?: number;
  /** Called after each release, with what it did (logged at debug level by the server). */
  onRelease?: (info: { gcMs: number; rssBefore: number; rssAfter: number }) => void;
}

export function startIdleMemoryRelease(opts: IdleMemoryOptions): () => void {
  const idleBelow = opts.idleBelow ?? 0.01;
  const workAbove = opts.workAbove ?? 0.05;
  const gc = fullCollector();
  let last = performance.eventLoopUtilization();
  let worked = false;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (utilization >= workAbove) worked = true;
    if (!worked || utilization >= idleBelow) return;
    worked = false;
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    gc();
    const gcMs = performance.now() - started;
    // The loop's own time for this sample is not work: start the next interval after it.
    last = performance.eventLoopUtilization();
    opts.onRelease?.({ gcMs, rssBefore, rssAfter: process.memoryUsage.rss() });
  }, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * V8's `gc()`, which Node exposes only under --expose-gc: the flag set now takes effect in a new
 * context, whose global `gc` collects the whole isolate's heap. Made once.
 */
let collector: (() => void) | null = null;
function fullCollector(): () => void {
  if (collector) return collector;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (collector = exposed);
  v8.setFlagsFromString('--expose-gc');
  collector = vm.runInNewContext('gc') as () => void;
  return collector;
}
