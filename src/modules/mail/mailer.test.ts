// The mailer on its own, with each transport for real: `log` (the embedded default) writes the
// message and its link to the log; `sendmail` pipes the message to a sendmail program (here a
// script that keeps what it reads); `smtp` to a server that is not there fails without throwing and
// says so in the log. Templates carry the project's name, colour, logo and URL, in an HTML and a
// plain-text part, and EMAIL_TEMPLATES_PATH overrides them one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { simpleParser } from 'mailparser';
import { testConfig } from '../../../test/harness.js';
import { createMailer, type MailMessage, type ProjectInfo } from './mailer.js';

const PROJECT: ProjectInfo = { projectName: 'Acme <People>', projectColor: '#0a7d43', projectLogo: 'https://acme.test/logo.png', projectUrl: 'https://people.acme.test' };
const INVITE: MailMessage = {
  to: 'new.person@example.com',
  template: 'user-invitation',
  subject: "You've been invited",
  data: { url: 'https://people.acme.test/admin/accept-invite?token=abc123&x=1', email: 'new.person@example.com', expiresIn: '7 days' },
};

/** A pino logger whose lines are kept, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'usher-mailer-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A sendmail stand-in that is a real program: it writes the message it is piped to `out`. */
function sendmailScript(out: string): string {
  const path = join(dir, `sendmail-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(path, `#!/bin/sh\ncat > '${out}'\n`);
  chmodSync(path, 0o755);
  return path;
}

async function sendThroughSendmail(env: Record<string, string>, message: MailMessage) {
  const out = join(dir, `mail-${Math.random().toString(36).slice(2)}.eml`);
  const { logger } = capturingLogger();
  const mailer = createMailer(testConfig({ EMAIL_TRANSPORT: 'sendmail', EMAIL_SENDMAIL_PATH: sendmailScript(out), ...env }), logger);
  const result = await mailer.send(message, PROJECT);
  mailer.close();
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  expect(existsSync(out)).toBe(true);
  return simpleParser(readFileSync(out));
}

describe('the log transport (the default)', () => {
  it('sends nothing, and writes the recipient, subject and plain text with its link to the log', async () => {
    const { logger, lines } = capturingLogger();
    const config = testConfig({});
    expect(config.email.transport).toBe('log');
    const mailer = createMailer(config, logger);
    const result = await mailer.send(INVITE, PROJECT);
    mailer.close();
    expect(result.ok).toBe(true);
    const line = lines.find((l) => l.msg === 'email (log transport: not sent)');
    expect(line).toMatchObject({ to: INVITE.to, subject: INVITE.subject });
    expect(String(line!.text)).toContain(String(INVITE.data.url));
  });
});

describe('the sendmail transport', () => {
  it('pipes a multipart message: HTML and text, from the project, with its name, colour, logo and URL', async () => {
    const mail = await sendThroughSendmail({ EMAIL_FROM: 'people@acme.test' }, INVITE);
    expect(mail.subject).toBe("You've been invited");
    expect(mail.to && 'value' in mail.to ? mail.to.value[0]?.address : null).toBe('new.person@example.com');
    expect(mail.from?.value[0]).toEqual({ address: 'people@acme.test', name: 'Acme <People>' });
    const html = String(mail.html);
    expect(html).toContain('background:#0a7d43');
    expect(html).toContain('src="https://acme.test/logo.png"');
    expect(html).toContain('href="https://people.acme.test"');
    // Values are text in HTML: the project's name is escaped, the link's & too.
    expect(html).toContain('Acme &lt;People&gt;');
    expect(html).not.toContain('<People>');
    expect(html).toContain('href="https://people.acme.test/admin/accept-invite?token=abc123&amp;x=1"');
    // The text part prints values as they are, and has no markup.
    expect(mail.text).toContain('You have been invited to Acme <People> as new.person@example.com.');
    expect(mail.text).toContain('https://people.acme.test/admin/accept-invite?token=abc123&x=1');
    expect(mail.text).toContain('expires in 7 days');
    expect(mail.text).not.toContain('<p>');
  });

  for (const [template, data] of [
    ['password-reset', { url: 'https://people.acme.test/admin/reset-password?token=r1', email: 'a@example.com', expiresIn: '1 hour' }],
    ['user-registration', { url: 'https://people.acme.test/users/register/verify-email?token=v1', email: 'a@example.com', expiresIn: '7 days' }],
  ] as const) {
    it(`${template}: both parts carry the link`, async () => {
      const mail = await sendThroughSendmail({}, { to: 'a@example.com', template, subject: template, data });
      expect(mail.text).toContain(data.url);
      expect(String(mail.html)).toContain(`href="${data.url}"`);
    });
  }
});

describe('EMAIL_TEMPLATES_PATH', () => {
  it('overrides a template with a file of the same name; the others stay built in', async () => {
    const templates = mkdtempSync(join(dir, 'templates-'));
    writeFileSync(join(templates, 'user-invitation.liquid'), '<h1>Welcome aboard {{ email }}</h1><a href="{{ url }}">Join {{ projectName }}</a>');
    writeFileSync(join(templates, 'user-invitation.txt.liquid'), 'Welcome aboard {{ email }}: {{ url }}');
    const mail = await sendThroughSendmail({ EMAIL_TEMPLATES_PATH: templates }, INVITE);
    expect(String(mail.html)).toContain('<h1>Welcome aboard new.person@example.com</h1>');
    expect(mail.text).toBe('Welcome aboard new.person@example.com: https://people.acme.test/admin/accept-invite?token=abc123&x=1');
    const reset = await sendThroughSendmail(
      { EMAIL_TEMPLATES_PATH: templates },
      { to: 'a@example.com', template: 'password-reset', subject: 'Password Reset Request', data: { url: 'https://x.test/r?token=1', email: 'a@example.com', expiresIn: '1 hour' } },
    );
    expect(reset.text).toContain('https://x.test/r?token=1');
    expect(reset.text).not.toContain('Welcome aboard');
  });
});

describe('a delivery that fails', () => {
  it('resolves with the error (it never throws) and logs it, without the message body', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const { logger, lines } = capturingLogger();
    const mailer = createMailer(testConfig({ EMAIL_TRANSPORT: 'smtp', EMAIL_SMTP_HOST: '127.0.0.1', EMAIL_SMTP_PORT: String(port), EMAIL_SMTP_IGNORE_TLS: 'true' }), logger);
    const result = await mailer.send(INVITE, PROJECT);
    mailer.close();
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED|connect/i);
    const line = lines.find((l) => l.msg === 'email delivery failed');
    expect(line).toMatchObject({ to: INVITE.to, template: 'user-invitation' });
    expect(JSON.stringify(lines)).not.toContain('abc123');
  });
});
