// Mail that really leaves: nodemailer over SMTP or sendmail, or the `log` transport (the embedded
// default), which writes each message and its links to the log so a fresh install works without
// a mail server. Templates are Liquid files, overridable from EMAIL_TEMPLATES_PATH.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type { Liquid as LiquidEngine } from 'liquidjs';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';

export type TemplateName = 'password-reset' | 'user-invitation' | 'user-registration';

export interface MailMessage {
  to: string;
  template: TemplateName;
  subject: string;
  data: Record<string, unknown>;
}

export interface DeliveryResult {
  ok: boolean;
  messageId?: string;
  error?: string;
}

export interface Mailer {
  /** Renders and sends; resolves with the outcome and never throws for a delivery failure. */
  send(message: MailMessage, project: ProjectInfo): Promise<DeliveryResult>;
  close(): void;
}

export interface ProjectInfo {
  projectName: string;
  projectColor: string;
  projectLogo: string | null;
  projectUrl: string;
}

const BUILT_IN_TEMPLATES = fileURLToPath(new URL('../../../templates/mail/', import.meta.url));

export function createMailer(config: Config, logger: Logger): Mailer {
  const roots = [config.email.templatesPath, BUILT_IN_TEMPLATES].filter((p): p is string => !!p && existsSync(p));
  // HTML parts escape every value they print (an email address or a project name is text, not
  // markup); text parts print values as they are. The text template is `<name>.txt.liquid`: named
  // in full, because liquidjs adds `.liquid` only to names without an extension of their own.
  // The template engine and the transport are loaded on the first mail, not at start-up: many
  // processes never send one, and both cost start-up time.
  let engines: { html: LiquidEngine; text: LiquidEngine; transport: Transporter } | null = null;
  const load = () => {
    if (engines) return engines;
    const { Liquid } = require('liquidjs') as typeof import('liquidjs');
    engines = {
      html: new Liquid({ root: roots, extname: '.liquid', cache: true, strictFilters: true, outputEscape: 'escape' }),
      text: new Liquid({ root: roots, extname: '.liquid', cache: true, strictFilters: true }),
      transport: createTransport(config),
    };
    return engines;
  };

  return {
    async send(message, project) {
      const data = { ...project, ...message.data };
      try {
        const { html, text, transport } = load();
        const [htmlPart, textPart] = await Promise.all([
          html.renderFile(message.template, data),
          text.renderFile(`${message.template}.txt.liquid`, data),
        ]);
        const info = await transport.sendMail({
          from: { name: project.projectName, address: config.email.from },
          to: message.to,
          subject: message.subject,
          html: htmlPart,
          text: textPart,
        });
        if (config.email.transport === 'log') {
          logger.info({ to: message.to, subject: message.subject, text: textPart }, 'email (log transport: not sent)');
        }
        return { ok: true, messageId: info.messageId };
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        logger.error({ to: message.to, template: message.template, error }, 'email delivery failed');
        return { ok: false, error };
      }
    },
    close() {
      engines?.transport.close();
    },
  };
}

const require = createRequire(import.meta.url);

function createTransport(config: Config): Transporter {
  const nodemailer = require('nodemailer') as typeof import('nodemailer');
  switch (config.email.transport) {
    case 'smtp': {
      const { host, port, user, password, secure, ignoreTls, name } = config.email.smtp;
      return nodemailer.createTransport({
        // A few connections kept open and reused: a thousand invitations do not open a thousand.
        pool: true,
        maxConnections: 4,
        host,
        port,
        secure,
        ignoreTLS: ignoreTls,
        name,
        auth: user ? { user, pass: password } : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
      });
    }
    case 'sendmail':
      return nodemailer.createTransport({ sendmail: true, path: config.email.sendmailPath, newline: 'unix' });
    default:
      return nodemailer.createTransport({ jsonTransport: true });
  }
}
