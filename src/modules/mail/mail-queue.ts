// Mail is sent after the transaction commits and never holds up the answer: jobs run a few at a
// time in the background. `drain()` lets shutdown and tests wait for what is queued.
export interface MailQueue {
  enqueue(job: () => Promise<unknown>): void;
  drain(): Promise<void>;
}

export function createMailQueue(concurrency = 4, onError: (err: unknown) => void = () => {}): MailQueue {
  const pending: (() => Promise<unknown>)[] = [];
  let running = 0;
  let waiters: (() => void)[] = [];

  const pump = () => {
    while (running < concurrency && pending.length > 0) {
      const job = pending.shift()!;
      running++;
      job()
        .catch(onError)
        .finally(() => {
          running--;
          if (running === 0 && pending.length === 0) {
            const w = waiters;
            waiters = [];
            w.forEach((resolve) => resolve());
          } else pump();
        });
    }
  };

  return {
    enqueue(job) {
      pending.push(job);
      pump();
    },
    drain() {
      if (running === 0 && pending.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
