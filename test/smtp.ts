// A real SMTP server on loopback for tests that send mail: nodemailer talks SMTP to it exactly as it
// would to a production relay, and every message is parsed (mailparser) and kept for assertions.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface CapturedMail {
  /** The envelope recipients (RCPT TO), lowercased. */
  to: string[];
  /** The envelope sender (MAIL FROM). */
  from: string;
  subject: string;
  html: string;
  text: string;
  /** The raw message as received. */
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every message received so far, oldest first. */
  readonly mails: CapturedMail[];
  /** The environment that points Usher's mailer at this server. */
  env(): Record<string, string>;
  /** Resolves with the first mail (already received or still to come) that matches, or rejects after `timeoutMs`. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Mails sent to `address` (compared case-insensitively). */
  mailsTo(address: string): CapturedMail[];
  /** Forgets the messages received so far. */
  clear(): void;
  close(): Promise<void>;
}

/** The value of `name` in the query string of the first link in `text` that carries it. */
export function linkParam(text: string, name: string): string | null {
  for (const match of text.matchAll(/https?:\/\/[^\s"'<>]+/g)) {
    try {
      const value = new URL(match[0].replace(/&amp;/g, '&')).searchParams.get(name);
      if (value) return value;
    } catch {
      // not a URL after all
    }
  }
  return null;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: CapturedMail[] = [];
  const waiters = new Set<{ predicate: (m: CapturedMail) => boolean; resolve: (m: CapturedMail) => void }>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mail: CapturedMail = {
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              text: parsed.text ?? '',
              raw: raw.toString('utf8'),
              parsed,
            };
            mails.push(mail);
            for (const w of [...waiters]) {
              if (w.predicate(mail)) {
                waiters.delete(w);
                w.resolve(mail);
              }
            }
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  const host = '127.0.0.1';

  return {
    host,
    port,
    mails,
    env: () => ({ EMAIL_TRANSPORT: 'smtp', EMAIL_SMTP_HOST: host, EMAIL_SMTP_PORT: String(port), EMAIL_SMTP_IGNORE_TLS: 'true' }),
    waitFor(predicate, timeoutMs = 5000) {
      const already = mails.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise<CapturedMail>((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (m: CapturedMail) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching mail within ${timeoutMs} ms (received ${mails.length}: ${mails.map((m) => `${m.to.join(',')} "${m.subject}"`).join('; ')})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    mailsTo: (address) => mails.filter((m) => m.to.includes(address.toLowerCase())),
    clear: () => void mails.splice(0, mails.length),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
