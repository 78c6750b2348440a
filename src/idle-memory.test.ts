// The idle collection runs once after a burst of work, when the loop goes quiet, and never for a
// loop that was never busy. Real timers and a real busy loop: what it samples is the event loop's
// own utilisation.
import { afterEach, describe, expect, it } from 'vitest';
import { startIdleMemoryRelease } from './idle-memory.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Keeps the event loop running JavaScript for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
});

describe('startIdleMemoryRelease', () => {
  it('collects once after work, when the loop has gone idle, and not again until there is work', async () => {
    const releases: { gcMs: number; rssBefore: number; rssAfter: number }[] = [];
    stop = startIdleMemoryRelease({ everyMs: 100, onRelease: (info) => releases.push(info) });
    // Work: most of two intervals spent running JavaScript, in slices so the timer can sample.
    for (let i = 0; i < 8; i++) {
      spin(20);
      await sleep(5);
    }
    expect(releases).toHaveLength(0);
    await sleep(450);
    expect(releases).toHaveLength(1);
    expect(releases[0]!.gcMs).toBeGreaterThan(0);
    expect(releases[0]!.rssBefore).toBeGreaterThan(0);
    await sleep(400);
    expect(releases).toHaveLength(1);
  });

  it('never collects for a loop that was never busy', async () => {
    let released = 0;
    stop = startIdleMemoryRelease({ everyMs: 50, onRelease: () => released++ });
    await sleep(400);
    expect(released).toBe(0);
  });

  it('gives the heap back: a collection after garbage leaves less heap in use', async () => {
    const used: number[] = [];
    stop = startIdleMemoryRelease({ everyMs: 100, onRelease: () => used.push(process.memoryUsage().heapUsed) });
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item ${i}` }));
    spin(150);
    const before = process.memoryUsage().heapUsed;
    garbage = null;
    await sleep(450);
    expect(garbage).toBeNull();
    expect(used).toHaveLength(1);
    expect(used[0]!).toBeLessThan(before - 5 * 2 ** 20);
  });
});
