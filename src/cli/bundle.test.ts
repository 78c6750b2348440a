// The bundled server (scripts/bundle-server.mjs -> dist/bundle/cli/index.js), which bin/usher.mjs
// runs once built: it starts, serves the API, finds the built App at dist/app, and finds the mail
// templates, all of which it locates from its own file's URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnUsher, type UsherProcess } from '../../test/usher-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist', 'bundle', 'cli', 'index.js');
const TOKEN = 'bundle-test-admin-token-0123456789abcdef';


describe('the bundled server', () => {
  let usher: UsherProcess | undefined;
  const output = () => usher!.output();

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-server.mjs')], { cwd: ROOT, stdio: 'inherit' });
    expect(existsSync(BUNDLE)).toBe(true);
    const script = `const { runCli } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)}); const code = await runCli(['start']); if (code >= 0) process.exit(code);`;
    usher = await spawnUsher(
      ['--input-type=module', '-e', script],
      {
        SECRET: 'bundle-test-secret-that-is-at-least-32-characters',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'Bundle-admin-password-1',
        ADMIN_TOKEN: TOKEN,
        EMAIL_TRANSPORT: 'log',
        LOG_LEVEL: 'info',
      },
      { timeoutMs: 30_000 },
    );
  }, 60_000);

  afterAll(async () => {
    await usher?.stop();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${usher!.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('answers the API', async () => {
    const res = await api('/users/me?fields=email');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { email: 'admin@example.com' } });
  });

  it('looks for the App in dist/app', async () => {
    const res = await fetch(`${usher!.url}/admin/`);
    if (existsSync(join(ROOT, 'dist', 'app', 'index.html'))) {
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root"');
    } else {
      // Not built (a fresh checkout under test): the warning names the folder it looked in.
      expect(res.status).toBe(503);
      expect(output()).toContain(JSON.stringify(join(ROOT, 'dist', 'app')));
    }
  });

  it('finds the mail templates', async () => {
    const roles = (await (await api('/roles?fields=id&limit=1')).json()) as { data: { id: string }[] };
    const res = await api('/users/invite', { method: 'POST', body: JSON.stringify({ email: 'bundled-invitee@example.com', role: roles.data[0]!.id }) });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!output().includes('bundled-invitee@example.com","subject"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(output()).toContain(`"subject":"You've been invited"`);
  });
});
