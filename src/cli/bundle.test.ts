// The bundled server (scripts/bundle-server.mjs -> dist/bundle/cli/index.cjs), which bin/usher.cjs
// runs once built through bin/bundle.cjs: it starts, serves the API, finds the built App at
// dist/app, and finds the mail templates, all of which it locates from its own file's URL; and V8
// takes the code cache the build warmed, never one made from other source.
//
// Built into dist/bundle-test/cli, as deep as dist/bundle/cli, so that the bundle `usher` runs is
// not rewritten under the other test files' processes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { spawnUsher, type UsherProcess } from '../../test/usher-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT, 'dist', 'bundle-test', 'cli');
const BUNDLE = join(OUT_DIR, 'index.cjs');
const RUNNER = join(ROOT, 'bin', 'bundle.cjs');
const TOKEN = 'bundle-test-admin-token-0123456789abcdef';
const { cacheFileFor, npmStartFlags } = createRequire(import.meta.url)('../../bin/bundle.cjs') as {
  cacheFileFor: (bundle: string, execArgv: string[], nodeOptions: string) => string;
  npmStartFlags: () => string[];
};
/** The Node flags of npm start, which the build warms the cache for. */
const START_FLAGS = npmStartFlags();
const ENV = {
  SECRET: 'bundle-test-secret-that-is-at-least-32-characters',
  ADMIN_EMAIL: 'admin@example.com',
  ADMIN_PASSWORD: 'Bundle-admin-password-1',
  ADMIN_TOKEN: TOKEN,
  EMAIL_TRANSPORT: 'log',
  LOG_LEVEL: 'info',
};

/** What bin/bundle.cjs did with the cache in a process started with `flags`: accepted, rejected, missing or off. */
function cacheState(flags: string[]): string {
  return execFileSync(process.execPath, [...flags, join(ROOT, 'test', 'fixtures', 'code-cache-state.cjs'), BUNDLE], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}


beforeAll(() => {
  rmSync(join(ROOT, 'dist', 'bundle-test'), { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-server.mjs'), 'dist/bundle-test/cli'], { cwd: ROOT, stdio: 'inherit' });
  expect(existsSync(BUNDLE)).toBe(true);
}, 60_000);

afterAll(() => rmSync(join(ROOT, 'dist', 'bundle-test'), { recursive: true, force: true }));

describe('the bundled server', () => {
  let usher: UsherProcess | undefined;
  const output = () => usher!.output();

  beforeAll(async () => {
    usher = await spawnUsher([...START_FLAGS, RUNNER, BUNDLE, 'start'], ENV, { timeoutMs: 30_000 });
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

describe('the code cache', () => {
  const warmed = () => cacheFileFor(BUNDLE, START_FLAGS, '');

  it('is warmed by the build for the flags of npm start, and V8 takes it', () => {
    expect(statSync(warmed()).size).toBeGreaterThan(100_000);
    expect(cacheState(START_FLAGS)).toBe('accepted');
  });

  it('is one file per set of flags, and V8 refuses one made with other flags', () => {
    expect(cacheFileFor(BUNDLE, [], '')).not.toBe(warmed());
    expect(cacheFileFor(BUNDLE, START_FLAGS, '--max-old-space-size=200')).not.toBe(warmed());
    const other = cacheFileFor(BUNDLE, ['--stack-size=900'], '');
    expect(cacheState(['--stack-size=900'])).toBe('missing');
    copyFileSync(warmed(), other);
    try {
      expect(cacheState(['--stack-size=900'])).toBe('rejected');
    } finally {
      rmSync(other);
    }
  });

  it('is off with --enable-source-maps, which Node honours for modules it loads itself only', () => {
    expect(cacheState([...START_FLAGS, '--enable-source-maps'])).toBe('off');
  });

  describe('is never handed to V8 when it is not whole, this bundle’s, and its owner’s alone', () => {
    let original: Buffer;
    beforeAll(() => {
      original = readFileSync(warmed());
    });
    afterEach(() => {
      writeFileSync(warmed(), original);
      chmodSync(warmed(), 0o644);
    });

    it('made from another bundle (its first digest)', () => {
      const other = Buffer.from(original);
      other.fill(0, 0, 20);
      writeFileSync(warmed(), other);
      expect(cacheState(START_FLAGS)).toBe('missing');
    });

    it('damaged (a few bytes of its data changed; V8 itself would take them, or crash)', () => {
      const damaged = Buffer.from(original);
      for (const at of [0.3, 0.6, 0.9]) damaged.fill(0x5a, Math.floor(damaged.length * at), Math.floor(damaged.length * at) + 64);
      writeFileSync(warmed(), damaged);
      expect(cacheState(START_FLAGS)).toBe('missing');
      writeFileSync(warmed(), original.subarray(0, original.length - 1000));
      expect(cacheState(START_FLAGS)).toBe('missing');
    });

    it('writable by others', () => {
      chmodSync(warmed(), 0o666);
      expect(cacheState(START_FLAGS)).toBe('missing');
      chmodSync(warmed(), 0o644);
      expect(cacheState(START_FLAGS)).toBe('accepted');
    });

    it('and the next start replaces such a file with one V8 takes', { timeout: 30_000 }, async () => {
      const damaged = Buffer.from(original);
      damaged.fill(0x5a, 1000, 1064);
      writeFileSync(warmed(), damaged);
      const server = await spawnUsher([...START_FLAGS, RUNNER, BUNDLE, 'start'], ENV, { timeoutMs: 30_000 });
      try {
        const deadline = Date.now() + 15_000;
        while (readFileSync(warmed()).equals(damaged) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      } finally {
        await server.stop();
      }
      expect(cacheState(START_FLAGS)).toBe('accepted');
      expect(statSync(warmed()).mode & 0o777).toBe(0o644);
    });
  });
});
