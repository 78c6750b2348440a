/**
 * Runs `fn` and answers no sooner than `ms` after starting, success or failure alike, so that the
 * time an answer takes does not tell whether an account exists or a password was close.
 */
export async function stalled<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    // A timer can fire a fraction of a millisecond early (the event loop's clock is cached), so
    // wait again until the full time has really passed.
    for (let left = ms - (performance.now() - start); left > 0; left = ms - (performance.now() - start)) {
      await new Promise((r) => setTimeout(r, Math.ceil(left)));
    }
  }
}
