import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  const valid: [string, number][] = [
    ['900', 900],
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['15m', 900_000],
    [' 15 m ', 900_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1y', 31_557_600_000],
    ['15 minutes', 900_000],
    ['7 days', 604_800_000],
    ['1 Hour', 3_600_000],
    ['30 secs', 30_000],
    ['0', 0],
  ];
  for (const [text, ms] of valid) {
    it(`"${text}" is ${ms} ms`, () => expect(parseDuration(text)).toBe(ms));
  }

  for (const text of ['', 'soon', '-5m', '5 fortnights', '5mm', 'm', '1e3', '1.2.3s']) {
    it(`"${text}" is not a duration`, () => expect(parseDuration(text)).toBeNull());
  }
});
