// Durations as Directus reads them (through the `ms` package), so a Directus .env works unchanged.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: [RegExp, number][] = [
  [/^(ms|msecs?|milliseconds?)$/, 1],
  [/^(s|secs?|seconds?)$/, SECOND],
  [/^(m|mins?|minutes?)$/, MINUTE],
  [/^(h|hrs?|hours?)$/, HOUR],
  [/^(d|days?)$/, DAY],
  [/^(w|weeks?)$/, 7 * DAY],
  [/^(y|yrs?|years?)$/, 365.25 * DAY],
];

/**
 * Parses a duration: a bare number of milliseconds or a number with a unit (`500ms`, `10s`,
 * `15m`, `1h`, `7d`, `2w`, `1y`, or the long forms `15 minutes`, `7 days`). Returns null when the
 * text is not a duration; negative durations are not durations here.
 */
export function parseDuration(text: string): number | null {
  const m = /^(\d*\.?\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (!m) return null;
  const unit = m[2]!.toLowerCase() || 'ms';
  const factor = UNITS.find(([re]) => re.test(unit))?.[1];
  if (factor === undefined) return null;
  return Math.round(Number(m[1]) * factor);
}
