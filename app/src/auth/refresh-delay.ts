/**
 * When to refresh a session that lives `expiresMs`: a minute before it expires, or a quarter of its
 * life before when it is short, and never sooner than a second from now.
 */
export function refreshDelay(expiresMs: number): number {
  const margin = Math.min(60_000, expiresMs / 4);
  return Math.max(1000, Math.floor(expiresMs - margin));
}
