import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.js';
import { errors } from '../../errors.js';
import { createPostgresDb, createSqliteDb, type Db } from '../../db/index.js';
import { createLogger } from '../../logger.js';
import { createTestDb, DIALECTS, TEST_PG_URL, type TestDb } from '../../../test/db.js';
import { testConfig } from '../../../test/harness.js';

const silent = () => pino({ level: 'silent' });

/** A logger whose JSON lines are kept in `lines`, made like the server's own. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

for (const dialect of DIALECTS) {
  describe(`/server [${dialect}]`, () => {
    let t: TestDb;
    let app: FastifyInstance;
    beforeAll(async () => {
      t = await createTestDb(dialect);
      app = await buildApp(testConfig(), { db: t.db, logger: silent() });
    });
    afterAll(async () => {
      await app?.close();
      await t?.cleanup();
    });

    it('GET /server/ping answers pong as plain text, without a token', async () => {
      const res = await app.inject({ url: '/server/ping' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('pong');
    });

    it('GET /server/health answers {"status":"ok"}, uncached, when the database answers', async () => {
      const res = await app.inject({ url: '/server/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      expect(res.headers['content-type']).toMatch(/^application\/health\+json/);
      expect(res.headers['cache-control']).toBe('no-cache');
    });

    it('GET /server/health answers 503 {"status":"error"} once the database is gone', async () => {
      // A second handle on the same database, so that closing it leaves the test's own one alone.
      const own = dialect === 'sqlite' ? createSqliteDb(t.location) : createPostgresDb({ connectionString: TEST_PG_URL, schema: t.location, max: 1 });
      const broken = await buildApp(testConfig(), { db: own, logger: silent() });
      try {
        expect((await broken.inject({ url: '/server/health' })).statusCode).toBe(200);
        // As at start-up (bootstrap), the query builder has run before the database goes away.
        await own.kysely.selectFrom('directus_settings').select('id').execute();
        await own.destroy(); // closes the SQLite handle / ends the PostgreSQL pool
        const res = await broken.inject({ url: '/server/health' });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({ status: 'error' });
        expect(res.headers['cache-control']).toBe('no-cache');
      } finally {
        await broken.close();
      }
    });
  });
}

describe('/server/health with an unreachable PostgreSQL server', () => {
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    db = createPostgresDb({ host: '127.0.0.1', port: 1, database: 'usher', user: 'usher', max: 1 });
    app = await buildApp(testConfig({ DB_CLIENT: 'pg', DB_HOST: '127.0.0.1', DB_PORT: '1' }), { db, logger: silent() });
  });
  afterAll(async () => {
    await app.close();
    await db.destroy();
  });

  it('answers 503 {"status":"error"} while /server/ping still answers', async () => {
    const health = await app.inject({ url: '/server/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'error' });
    expect((await app.inject({ url: '/server/ping' })).body).toBe('pong');
  });
});

describe('request ids, unexpected errors and the request log', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let lines: Record<string, unknown>[];
  beforeAll(async () => {
    t = await createTestDb('sqlite');
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  afterEach(async () => {
    await app?.close();
  });

  async function appWithBrokenRoutes(): Promise<FastifyInstance> {
    const capture = capturingLogger();
    lines = capture.lines;
    const built = await buildApp(testConfig(), { db: t.db, logger: capture.logger });
    built.get('/test/boom', async () => {
      throw new Error('connection to 10.0.0.7 refused: password for user "usher_rw" rejected');
    });
    built.get('/test/forbidden', async () => {
      throw errors.forbidden();
    });
    built.get('/test/sync-boom', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'role')");
    });
    return built;
  }

  it('every response carries an x-request-id, unique per request', async () => {
    app = await appWithBrokenRoutes();
    const responses = await Promise.all(['/server/ping', '/server/health', '/no/such/route', '/test/forbidden', '/test/boom'].map((url) => app.inject({ url })));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 404, 403, 500]);
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps a well-formed x-request-id from the caller and replaces a malformed one', async () => {
    app = await appWithBrokenRoutes();
    const kept = await app.inject({ url: '/server/ping', headers: { 'x-request-id': 'lb-1234_abcd' } });
    expect(kept.headers['x-request-id']).toBe('lb-1234_abcd');
    const replaced = await app.inject({ url: '/server/ping', headers: { 'x-request-id': 'bad id\u0000<script>' } });
    expect(replaced.headers['x-request-id']).not.toContain('<script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[\w-]+$/);
  });

  it('an unknown route is 404 ROUTE_NOT_FOUND in the Directus envelope', async () => {
    app = await appWithBrokenRoutes();
    const res = await app.inject({ url: '/no/such/route?access_token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ errors: [{ message: "Route /no/such/route doesn't exist.", extensions: { code: 'ROUTE_NOT_FOUND', path: '/no/such/route' } }] });
  });

  it('an unexpected error is a generic 500 INTERNAL_SERVER_ERROR, logged in full with the request id', async () => {
    app = await appWithBrokenRoutes();
    const res = await app.inject({ url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ errors: [{ message: 'An unexpected error occurred.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(res.body).not.toContain('usher_rw');
    expect(res.body).not.toContain('10.0.0.7');

    const requestId = res.headers['x-request-id'];
    const logged = lines.find((l) => l.msg === 'unexpected error');
    expect(logged).toMatchObject({ level: 50, reqId: requestId });
    const err = logged!.err as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.message).toContain('password for user "usher_rw" rejected');
    expect(err.stack).toContain('server.test.ts');
  });

  it('a synchronous throw is handled the same way', async () => {
    app = await appWithBrokenRoutes();
    const res = await app.inject({ url: '/test/sync-boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(res.body).not.toContain('role');
    expect(lines.find((l) => l.msg === 'unexpected error')).toMatchObject({ reqId: res.headers['x-request-id'], err: { type: 'TypeError' } });
  });

  it('writes one request line per request, with the request id and without the query string', async () => {
    app = await appWithBrokenRoutes();
    const res = await app.inject({ url: '/server/ping?access_token=very-secret-token-value' });
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ level: 30, reqId: res.headers['x-request-id'], method: 'GET', path: '/server/ping', status: 200 });
    expect(JSON.stringify(lines)).not.toContain('very-secret-token-value');
  });
});
