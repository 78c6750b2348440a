import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import type { Mailer } from '../mail/mailer.js';
import type { MailQueue } from '../mail/mail-queue.js';

/** What the auth flows need; built once in app.ts. */
export interface AuthDeps {
  db: Db;
  config: Config;
  logger: Logger;
  mailer: Mailer;
  /** Sends after commit, in the background. */
  mailQueue: MailQueue;
  key: Uint8Array;
}

/** Where a request came from, for sessions and the activity log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
}
