/** Timestamps are stored as ISO-8601 UTC text made here, so they sort the same on every database. */
export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}
