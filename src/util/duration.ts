const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration as Directus writes them: a bare number of milliseconds or a number with a
 * unit (`500ms`, `10s`, `15m`, `1h`, `7d`, `2w`). Returns null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'ms').toLowerCase();
  return Math.round(Number(m[1]) * UNITS[unit]!);
}
