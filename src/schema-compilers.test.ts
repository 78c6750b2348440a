// The schema compilers Usher gives Fastify (src/schema-compilers.ts): they check and serialise as
// Fastify's own do, and compile a route's schema only when the route is first called.
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { pino } from 'pino';
import { lazySchemaCompilers } from './schema-compilers.js';
import { buildApp } from './app.js';
import { createTestDb } from '../test/db.js';
import { testConfig } from '../test/harness.js';

const Body = Type.Object({ name: Type.String({ minLength: 2 }), age: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false });
const Answer = Type.Object({ name: Type.String(), age: Type.Integer() });

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function appWith(register: (app: FastifyInstance) => void): FastifyInstance {
  app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() } });
  register(app);
  return app;
}

describe('lazy schema compilers', () => {
  it('answer every request as Fastify’s own compilers do: checks, coercion, defaults, removed fields, error messages', async () => {
    const register = (a: FastifyInstance) => {
      a.post('/people', { schema: { body: Body, response: { 200: Type.Object({ got: Body }) } } }, async (request) => ({ got: request.body }));
      a.post('/tags', { schema: { body: Type.Array(Type.String()) } }, async (request) => ({ got: request.body }));
      a.post('/count', { schema: { body: Type.Integer() } }, async (request) => ({ got: request.body }));
      a.get('/h', { schema: { headers: Type.Object({ 'x-usher-n': Type.Integer() }) } }, async (request) => ({ n: request.headers['x-usher-n'] }));
      a.get('/n/:id', { schema: { params: Type.Object({ id: Type.Integer() }), querystring: Type.Object({ limit: Type.Integer({ default: 25 }), tags: Type.Optional(Type.Array(Type.String())) }) } }, async (request) => ({ params: request.params, query: request.query }));
    };
    const lazy = appWith(register);
    const own = Fastify();
    register(own);
    const requests = [
      { method: 'POST', url: '/people', payload: { name: 'x' } },
      { method: 'POST', url: '/people', payload: { name: 'Ada', admin: true } },
      { method: 'POST', url: '/people', payload: { name: 'Ada', age: -1 } },
      { method: 'POST', url: '/people', payload: { name: 'Ada', age: '36' } },
      { method: 'POST', url: '/people', payload: { age: 36 } },
      { method: 'POST', url: '/people', payload: [] },
      { method: 'POST', url: '/tags', payload: '"abc"', headers: { 'content-type': 'application/json' } },
      { method: 'POST', url: '/tags', payload: ['a', 'b'] },
      { method: 'POST', url: '/count', payload: '"5"', headers: { 'content-type': 'application/json' } },
      { method: 'POST', url: '/count', payload: '"five"', headers: { 'content-type': 'application/json' } },
      { method: 'GET', url: '/h', headers: { 'X-Usher-N': '3' } },
      { method: 'GET', url: '/h' },
      { method: 'GET', url: '/n/7?limit=50&tags=a&tags=b' },
      { method: 'GET', url: '/n/7' },
      { method: 'GET', url: '/n/seven?limit=50' },
      { method: 'GET', url: '/n/7?limit=many' },
    ] as const;
    try {
      for (const request of requests) {
        const [mine, theirs] = await Promise.all([lazy.inject(request), own.inject(request)]);
        expect({ request, status: mine.statusCode, body: mine.body }).toEqual({ request, status: theirs.statusCode, body: theirs.body });
      }
      // And the answers are what they should be, not merely equal.
      expect((await lazy.inject(requests[0])).json()).toMatchObject({ code: 'FST_ERR_VALIDATION', message: 'body/name must NOT have fewer than 2 characters' });
      expect((await lazy.inject(requests[1])).json()).toEqual({ got: { name: 'Ada' } });
      expect((await lazy.inject(requests[6])).json()).toEqual({ got: ['abc'] });
      expect((await lazy.inject(requests[8])).json()).toEqual({ got: 5 });
      expect((await lazy.inject(requests[10])).json()).toEqual({ n: 3 });
      expect((await lazy.inject(requests[13])).json()).toEqual({ params: { id: 7 }, query: { limit: 25 } });
    } finally {
      await own.close();
    }
  });

  it('coerce querystrings and params as Fastify’s Ajv options say', async () => {
    appWith((a) => a.get('/n/:id', { schema: { params: Type.Object({ id: Type.Integer() }), querystring: Type.Object({ limit: Type.Integer() }) } }, async (request) => ({ params: request.params, query: request.query })));
    const res = await app!.inject({ method: 'GET', url: '/n/7?limit=50' });
    expect(res.json()).toEqual({ params: { id: 7 }, query: { limit: 50 } });
    expect((await app!.inject({ method: 'GET', url: '/n/seven?limit=50' })).statusCode).toBe(400);
  });

  it('serialise answers through the response schema: fields it does not name are left out', async () => {
    appWith((a) => a.get('/me', { schema: { response: { 200: Answer } } }, async () => ({ name: 'Ada', age: 36, password: 'secret' })));
    const res = await app!.inject({ method: 'GET', url: '/me' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"name":"Ada","age":36}');
  });

  it('refuse a headers schema with upper-case names when its route is added (Fastify would lowercase it for its own compilers only)', async () => {
    appWith((a) => a.get('/h', { schema: { headers: Type.Object({ 'X-Usher-N': Type.Integer() }) } }, async () => ({})));
    await expect(app!.ready()).rejects.toThrow(/header names in a schema must be lowercase \(X-Usher-N\)/);
  });

  it('compile nothing at start: a schema that cannot compile fails its own route’s first request, not ready()', async () => {
    const broken = { type: 'object', properties: { id: { $ref: '#/definitions/missing' } } };
    appWith((a) => {
      a.post('/broken', { schema: { body: broken } }, async () => ({ ok: true }));
      a.get('/fine', { schema: { response: { 200: Answer } } }, async () => ({ name: 'Ada', age: 36 }));
    });
    await app!.ready();
    expect((await app!.inject({ method: 'GET', url: '/fine' })).statusCode).toBe(200);
    const res = await app!.inject({ method: 'POST', url: '/broken', payload: { id: 1 } });
    expect(res.statusCode).toBe(500);
    // Fastify's own compilers refuse the same app before it serves anything.
    const eager = Fastify();
    eager.post('/broken', { schema: { body: broken } }, async () => ({ ok: true }));
    await expect(eager.ready()).rejects.toThrow(/missing/);
    await eager.close();
  });
});

describe('every schema of Usher’s routes', () => {
  it('compiles with Fastify’s own compilers, which compile them all in ready()', async () => {
    const testDb = await createTestDb('sqlite');
    const app = await buildApp(testConfig(), { db: testDb.db, logger: pino({ level: 'silent' }), eagerSchemas: true });
    let routes = 0;
    const known: boolean[] = [];
    try {
      await app.ready();
      routes = app.printRoutes({ commonPrefix: false }).split('\n').filter((line) => line.includes('(')).length;
      for (const [method, url] of [['GET', '/users/me'], ['POST', '/users'], ['PATCH', '/users/:id'], ['POST', '/auth/login'], ['POST', '/users/invite'], ['GET', '/roles']] as const) {
        known.push(app.hasRoute({ method, url }));
      }
    } finally {
      await app.close();
      await testDb.cleanup();
    }
    // Every route, whether or not the App is built (its files add routes of their own).
    expect(routes).toBeGreaterThan(30);
    expect(known.every(Boolean)).toBe(true);
  });
});
