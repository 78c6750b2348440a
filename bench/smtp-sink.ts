// A local SMTP server that accepts every message and only counts them: Usher's invitations go
// out over real SMTP during the bench (queued after the answer), and the bench waits until all of
// them have arrived before it measures anything else.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOST } from './server.js';

export interface CountingSink {
  port: number;
  count(): number;
  /** Waits until `n` messages have arrived in total; answers the seconds waited, or null on timeout. */
  waitFor(n: number, timeoutS: number): Promise<number | null>;
  /** The environment that sends Usher's mail here. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    port,
    count: () => received,
    async waitFor(n, timeoutS) {
      const started = performance.now();
      while (received < n) {
        if ((performance.now() - started) / 1000 > timeoutS) return null;
        await sleep(50);
      }
      return (performance.now() - started) / 1000;
    },
    env: () => ({
      EMAIL_TRANSPORT: 'smtp',
      EMAIL_SMTP_HOST: HOST,
      EMAIL_SMTP_PORT: String(port),
      EMAIL_SMTP_IGNORE_TLS: 'true',
      EMAIL_SMTP_SECURE: 'false',
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
