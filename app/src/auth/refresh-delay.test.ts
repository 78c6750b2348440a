import { describe, expect, it } from 'vitest';
import { refreshDelay } from './refresh-delay';

describe('when the App refreshes its session', () => {
  it('a minute before a long session ends', () => {
    expect(refreshDelay(24 * 3600_000)).toBe(24 * 3600_000 - 60_000);
    expect(refreshDelay(15 * 60_000)).toBe(14 * 60_000);
  });
  it('a quarter of its life before a short one ends', () => {
    expect(refreshDelay(4000)).toBe(3000);
    expect(refreshDelay(60_000)).toBe(45_000);
  });
  it('never sooner than a second', () => {
    expect(refreshDelay(0)).toBe(1000);
    expect(refreshDelay(800)).toBe(1000);
  });
});
