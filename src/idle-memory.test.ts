// When the idle collection runs: once after a burst of work, when the loop goes quiet; never for a
// loop that was never busy; never twice within the minimum gap. The samples are given (the state
// machine is what is tested, not the machine's load); one test runs the real thing end to end.
import { afterEach, describe, expect, it } from 'vitest';
import { startIdleMemoryRelease } from './idle-memory.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
});

/**
 * Feeds `samples` to the sampler, one per interval (the extra sample a collection takes right after
 * itself reads 0 and uses none of them), and resolves, once they are used up, to how many times it
 * collected.
 */
function run(samples: number[], opts: { minGapMs?: number } = {}): Promise<number> {
  stop?.();
  return new Promise((resolve) => {
    let collected = 0;
    let afterCollect = false;
    const left = [...samples];
    stop = startIdleMemoryRelease({
      everyMs: 5,
      minGapMs: opts.minGapMs ?? 0,
      sample: () => {
        if (afterCollect) {
          afterCollect = false;
          return 0;
        }
        if (left.length === 0) resolve(collected);
        return left.shift() ?? 0;
      },
      collect: () => {
        collected++;
        afterCollect = true;
      },
    });
  });
}

describe('startIdleMemoryRelease: when it collects', () => {
  it('once after work, at the first idle interval, and not again until there is work', async () => {
    // work, work, idle -> collect; idle, idle: nothing; work, idle -> collect
    expect(await run([0.6, 0.4, 0.001, 0.001, 0.001, 0.3, 0.002])).toBe(2);
  });

  it('never for a loop that was never busy, nor for a trickle under 5%', async () => {
    expect(await run([0, 0.001, 0.04, 0.002, 0.049, 0.0])).toBe(0);
  });

  it('never while the loop is busy, however long', async () => {
    expect(await run([0.5, 0.2, 0.9, 0.05, 0.3, 0.02])).toBe(0);
  });

  it('at most once per minimum gap', async () => {
    expect(await run([0.5, 0.001, 0.5, 0.001, 0.5, 0.001], { minGapMs: 60_000 })).toBe(1);
    expect(await run([0.5, 0.001, 0.5, 0.001, 0.5, 0.001], { minGapMs: 0 })).toBe(3);
  });
});

describe('startIdleMemoryRelease with V8', () => {
  it('collects the whole heap: garbage made before the idle moment is gone after it', async () => {
    const used: number[] = [];
    let samples = [0.5, 0.001];
    stop = startIdleMemoryRelease({
      everyMs: 20,
      sample: () => samples.shift() ?? 0,
      onRelease: () => used.push(process.memoryUsage().heapUsed),
    });
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item ${i}` }));
    const before = process.memoryUsage().heapUsed;
    garbage = null;
    for (let i = 0; i < 50 && used.length === 0; i++) await sleep(20);
    expect(garbage).toBeNull();
    expect(used).toHaveLength(1);
    expect(used[0]!).toBeLessThan(before - 5 * 2 ** 20);
    samples = [];
  });
});
