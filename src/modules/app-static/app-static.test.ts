// The App at /admin, through the real buildApp: built files, the page for every deep link, a 404
// for a missing file, and a clear 503 (with the API unaffected) when the App was never built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.js';
import { testConfig } from '../../../test/harness.js';
import { createTestDb, type TestDb } from '../../../test/db.js';
import { defaultAppDir } from './app-static.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/admin/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

async function appWith(appDir: string): Promise<{ app: FastifyInstance; db: TestDb }> {
  const db = await createTestDb('sqlite');
  const app = await buildApp(testConfig(), { db: db.db, logger: pino({ level: 'silent' }), appDir });
  await app.ready();
  return { app, db };
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the built App at /admin', () => {
  let app: FastifyInstance;
  let db: TestDb;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usher-app-'));
    temps.push(dir);
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    ({ app, db } = await appWith(dir));
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it.each(['/admin', '/admin/', '/admin/login', '/admin/users/+', '/admin/users/0b5f3c4e-1111-4111-8111-123456789abc', '/admin/settings/roles/x?tab=1', '/admin/accept-invite?token=abc'])(
    'answers %s with the page, uncached, unframeable, without a Referer',
    async (url) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('serves a built asset with a long cache (its name carries its hash)', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toBe('console.log("app")');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing file with 404 in the error envelope, not the page', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/assets/index-old999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors[0].extensions.code).toBe('ROUTE_NOT_FOUND');
  });

  it('sends / to the App', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/admin/');
  });

  it('leaves the API as it was', async () => {
    expect((await app.inject({ method: 'GET', url: '/server/health' })).json()).toEqual({ status: 'ok' });
    const res = await app.inject({ method: 'GET', url: '/users' });
    expect(res.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/adminx' })).statusCode).toBe(404);
  });
});

describe('the App not built', () => {
  let app: FastifyInstance;
  let db: TestDb;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usher-noapp-'));
    temps.push(dir);
    ({ app, db } = await appWith(join(dir, 'missing')));
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('answers /admin paths with a 503 that says how to build it', async () => {
    for (const url of ['/admin', '/admin/users/abc']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(503);
      expect(res.json().errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.json().errors[0].message).toContain('npm run build');
    }
  });

  it('gives a browser a page with the same advice', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/users', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
  });

  it('keeps the API working', async () => {
    expect((await app.inject({ method: 'GET', url: '/server/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/server/info' })).statusCode).toBe(200);
  });
});

describe('defaultAppDir', () => {
  it('points at dist/app beside the sources', () => {
    expect(defaultAppDir()).toBe(join(import.meta.dirname, '..', '..', '..', 'dist', 'app'));
  });
});
