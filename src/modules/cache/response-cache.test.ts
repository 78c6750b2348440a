// The response cache (issue 7): kept answers are reused only while nothing they read has changed,
// whoever changed it: this app, another app instance over the same database, or plain SQL. Each
// test first proves the answer was served from the cache (the hit counter moves and the answer
// is the same), then makes a change and expects the very next answer to show it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import pino from 'pino';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.js';
import type { Db } from '../../db/index.js';
import { createTestDb, DIALECTS, secondConnection, type TestDb } from '../../../test/db.js';
import { describeEachDb, testConfig } from '../../../test/harness.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { grant } from '../users/users.test-support.js';
import { collectionCacheable, createResponseCache } from './response-cache.js';

describe('createResponseCache', () => {
  const body = (n: number) => Buffer.alloc(n, 'x');

  it('gives back what it kept at the same version, and nothing at another', () => {
    const cache = createResponseCache(1024);
    cache.set('k', 1, body(10));
    expect(cache.get('k', 1)?.length).toBe(10);
    expect(cache.get('k', 2)).toBeUndefined();
    // A stale entry is dropped when found stale.
    expect(cache.get('k', 1)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, hits: 1, misses: 2 });
  });

  it('stays within its budget, dropping the least recently used first', () => {
    // Entries of 100 bytes (key included) in a budget of 800: eight fit.
    const cache = createResponseCache(800);
    for (let i = 0; i < 8; i++) cache.set(`k${i}`, 1, body(98));
    expect(cache.stats()).toMatchObject({ entries: 8, bytes: 800 });
    cache.get('k0', 1);
    cache.set('k8', 1, body(98));
    expect(cache.stats().bytes).toBeLessThanOrEqual(800);
    expect(cache.get('k0', 1)).toBeDefined();
    expect(cache.get('k1', 1)).toBeUndefined();
    expect(cache.get('k2', 1)).toBeDefined();
    expect(cache.get('k8', 1)).toBeDefined();
  });

  it('keeps no answer larger than an eighth of its budget, and nothing with a budget of 0', () => {
    const big = createResponseCache(800);
    big.set('k', 1, body(101));
    expect(big.get('k', 1)).toBeUndefined();
    const none = createResponseCache(0);
    none.set('k', 1, body(1));
    expect(none.get('k', 1)).toBeUndefined();
  });

  it('keeps reads of the versioned collections only', () => {
    expect(collectionCacheable('directus_users')).toBe(true);
    expect(collectionCacheable('directus_roles')).toBe(true);
    expect(collectionCacheable('directus_permissions')).toBe(true);
    // The activity log changes without touching the versioned tables.
    expect(collectionCacheable('directus_activity')).toBe(false);
    expect(collectionCacheable('directus_revisions')).toBe(false);
  });
});

describeEachDb('response cache', (t) => {
  const hits = () => t().app.responseCache!.stats().hits;

  /** GETs `url` twice; the second must come from the cache and equal the first. */
  async function servedTwice(url: string, as: string) {
    const first = await t().request({ method: 'GET', url, as });
    expect(first.statusCode).toBe(200);
    const before = hits();
    const second = await t().request({ method: 'GET', url, as });
    expect(second.statusCode).toBe(200);
    expect(hits()).toBe(before + 1);
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    return second.json() as { data: any };
  }

  it('serves a repeated read from the cache, and a write through the API is seen at once', async () => {
    const user = await makeUser(t().db, { title: 'Before', role: t().adminRole.id });
    const url = `/users/${user.id}?fields=id,title`;
    expect((await servedTwice(url, t().admin.token!)).data.title).toBe('Before');
    const patch = await t().request({ method: 'PATCH', url: `/users/${user.id}`, as: t().admin.token!, payload: { title: 'After' } });
    expect(patch.statusCode).toBe(200);
    const next = await t().request({ method: 'GET', url, as: t().admin.token! });
    expect(next.json().data.title).toBe('After');
  });

  it('a write in plain SQL, outside Usher, is seen on the next request', async () => {
    const user = await makeUser(t().db, { title: 'Plain', role: t().adminRole.id });
    const url = `/users?filter[id][_eq]=${user.id}&fields=id,title,role.name`;
    expect((await servedTwice(url, t().admin.token!)).data[0]).toMatchObject({ title: 'Plain', role: { name: 'Administrator' } });
    await sql`update directus_users set title = 'Changed' where id = ${user.id}`.execute(t().db.kysely);
    expect((await t().request({ method: 'GET', url, as: t().admin.token! })).json().data[0].title).toBe('Changed');
    // A related row counts too: the role's name, read through role.name.
    await servedTwice(url, t().admin.token!);
    await sql`update directus_roles set name = 'Admins' where id = ${t().adminRole.id}`.execute(t().db.kysely);
    expect((await t().request({ method: 'GET', url, as: t().admin.token! })).json().data[0].role.name).toBe('Admins');
    await sql`update directus_roles set name = 'Administrator' where id = ${t().adminRole.id}`.execute(t().db.kysely);
  });

  it('/users/me is kept per caller: two users never see each other', async () => {
    const a = await makeUser(t().db, { email: 'me-a@example.com', role: t().adminRole.id });
    const b = await makeUser(t().db, { email: 'me-b@example.com', role: t().adminRole.id });
    expect((await servedTwice('/users/me?fields=email', a.token!)).data.email).toBe('me-a@example.com');
    expect((await servedTwice('/users/me?fields=email', b.token!)).data.email).toBe('me-b@example.com');
  });

  it('callers with different rights get their own answers to the same URL', async () => {
    const role = await makeRole(t().db, { name: 'Cache readers', app: false });
    await grant(t(), role.id, 'directus_users', 'read', { fields: 'id,email' });
    const reader = await makeUser(t().db, { role: role.id });
    const target = await makeUser(t().db, { title: 'Secret title', role: t().adminRole.id });
    const url = `/users/${target.id}`;
    const admin = await servedTwice(url, t().admin.token!);
    expect(admin.data.title).toBe('Secret title');
    const seen = await servedTwice(url, reader.token!);
    expect(Object.keys(seen.data).sort()).toEqual(['email', 'id']);
  });

  it('a permission change reaches the next answer', async () => {
    const role = await makeRole(t().db, { name: 'Widening', app: false });
    await grant(t(), role.id, 'directus_users', 'read', { fields: 'id' });
    const reader = await makeUser(t().db, { role: role.id });
    const url = `/users/${reader.id}`;
    expect(Object.keys((await servedTwice(url, reader.token!)).data)).toEqual(['id']);
    const rule = await t().db.kysely.selectFrom('directus_permissions').select('id').where('role', '=', role.id).executeTakeFirstOrThrow();
    const patched = await t().request({ method: 'PATCH', url: `/permissions/${rule.id}`, as: t().admin.token!, payload: { fields: 'id,email' } });
    expect(patched.statusCode).toBe(200);
    const next = await t().request({ method: 'GET', url, as: reader.token! });
    expect(Object.keys(next.json().data).sort()).toEqual(['email', 'id']);
  });

  it('a read whose filter names $NOW is never kept', async () => {
    const url = '/users?fields=id&filter[last_access][_lte]=$NOW';
    const before = t().app.responseCache!.stats();
    await t().request({ method: 'GET', url, as: t().admin.token! });
    await t().request({ method: 'GET', url, as: t().admin.token! });
    const after = t().app.responseCache!.stats();
    expect(after.hits).toBe(before.hits);
    expect(after.entries).toBe(before.entries);
  });

  it('a $NOW written with a JSON escape is still seen, and the read not kept', async () => {
    const filter = encodeURIComponent('{"last_access":{"_lte":"\\u0024NOW"}}');
    const url = `/users?fields=id&filter=${filter}`;
    const before = t().app.responseCache!.stats();
    for (let i = 0; i < 2; i++) expect((await t().request({ method: 'GET', url, as: t().admin.token! })).statusCode).toBe(200);
    expect(t().app.responseCache!.stats().hits).toBe(before.hits);
    expect(t().app.responseCache!.stats().entries).toBe(before.entries);
  });

  it('a $NOW spelled with percent escapes, or with a JSON escape left unencoded, is still seen', async () => {
    const urls = [
      '/users?fields=id&filter[last_access][_lte]=%24%4E%4F%57',
      '/users?fields=id&filter[last_access][_lte]=$%4EOW',
      '/users?fields=id&filter={"last_access":{"_lte":"\\u0024\\u004eOW"}}',
    ];
    for (const url of urls) {
      const before = t().app.responseCache!.stats();
      for (let i = 0; i < 2; i++) expect((await t().request({ method: 'GET', url, as: t().admin.token! })).statusCode, url).toBe(200);
      expect(t().app.responseCache!.stats().hits, url).toBe(before.hits);
      expect(t().app.responseCache!.stats().entries, url).toBe(before.entries);
    }
  });

  it('a $NOW spelled with JSON escapes in a URL sent as typed (no percent escapes at all) is still seen', async () => {
    // light-my-request percent-encodes the quotes of a JSON filter; a client on a socket need not.
    const address = await t().app.listen({ port: 0, host: '127.0.0.1' });
    const raw = (path: string) =>
      new Promise<string>((done, fail) => {
        const socket = connect(Number(new URL(address).port), '127.0.0.1', () =>
          socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t().admin.token!}\r\nConnection: close\r\n\r\n`),
        );
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('end', () => done(text));
        socket.on('error', fail);
      });
    const path = '/users?fields=id&filter={"last_access":{"_lte":"\\u0024\\u004eOW"}}';
    expect(path).not.toMatch(/%|NOW/);
    const before = t().app.responseCache!.stats();
    for (let i = 0; i < 2; i++) expect(await raw(path)).toMatch(/^HTTP\/1\.1 200 /);
    expect(t().app.responseCache!.stats().hits).toBe(before.hits);
    expect(t().app.responseCache!.stats().entries).toBe(before.entries);
  });

  it('a read whose rules name $NOW is never kept', async () => {
    const role = await makeRole(t().db, { name: 'Clocked', app: false });
    await grant(t(), role.id, 'directus_users', 'read', { fields: 'id', permissions: { _or: [{ last_access: { _lte: '$NOW' } }, { id: { _eq: '$CURRENT_USER' } }] } });
    const reader = await makeUser(t().db, { role: role.id });
    const before = t().app.responseCache!.stats();
    for (let i = 0; i < 2; i++) {
      const res = await t().request({ method: 'GET', url: '/users?fields=id', as: reader.token! });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toContainEqual({ id: reader.id });
    }
    expect(t().app.responseCache!.stats().hits).toBe(before.hits);
  });

  it('a permission changed in plain SQL reaches the next answer', async () => {
    const role = await makeRole(t().db, { name: 'Plain rules', app: false });
    await grant(t(), role.id, 'directus_users', 'read', { fields: 'id' });
    const reader = await makeUser(t().db, { role: role.id });
    const url = `/users/${reader.id}`;
    expect(Object.keys((await servedTwice(url, reader.token!)).data)).toEqual(['id']);
    await sql`update directus_permissions set fields = 'id,email' where role = ${role.id}`.execute(t().db.kysely);
    expect(Object.keys((await t().request({ method: 'GET', url, as: reader.token! })).json().data).sort()).toEqual(['email', 'id']);
    await sql`delete from directus_permissions where role = ${role.id}`.execute(t().db.kysely);
    expect((await t().request({ method: 'GET', url, as: reader.token! })).statusCode).toBe(403);
  });

  it('errors are not kept: a bad query answers 400 each time', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await t().request({ method: 'GET', url: '/users?fields=nope', as: t().admin.token! });
      expect(res.statusCode).toBe(400);
    }
  });
});

describeEachDb(
  'response cache switched off',
  (t) => {
    it('RESPONSE_CACHE_ENABLED=false keeps nothing and still answers', async () => {
      expect(t().app.responseCache).toBeNull();
      const res = await t().request({ method: 'GET', url: '/users/me?fields=email', as: t().admin.token! });
      expect(res.json().data.email).toBe('admin@example.com');
    });
  },
  { RESPONSE_CACHE_ENABLED: 'false' },
);

// Another Usher process over the same database: a change made through instance A (or by plain SQL
// on A's connection) is seen by instance B, which has the old answer cached, on its next request.
for (const dialect of DIALECTS) {
  describe(`response cache across two app instances on one ${dialect} database`, () => {
    let testDb: TestDb | undefined;
    let dbB: Db | undefined;
    let appA: FastifyInstance;
    let appB: FastifyInstance;
    let token = '';
    let userId = '';

    beforeAll(async () => {
      testDb = await createTestDb(dialect);
      dbB = secondConnection(testDb);
      const logger = pino({ level: 'silent' });
      appA = await buildApp(testConfig(), { db: testDb.db, logger });
      appB = await buildApp(testConfig(), { db: dbB, logger });
      await Promise.all([appA.ready(), appB.ready()]);
      const role = await makeRole(testDb.db, { name: 'Administrator', admin: true });
      const admin = await makeUser(testDb.db, { email: 'admin@example.com', role: role.id, title: 'One' });
      token = admin.token!;
      userId = admin.id;
    });

    afterAll(async () => {
      await appA?.close();
      await appB?.close();
      await dbB?.destroy();
      await testDb?.cleanup();
    });

    const getB = (url: string) => appB.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    it('B serves from its cache until A writes, then reads again', async () => {
      const url = `/users/${userId}?fields=title`;
      await getB(url);
      const hits = appB.responseCache!.stats().hits;
      expect((await getB(url)).json().data.title).toBe('One');
      expect(appB.responseCache!.stats().hits).toBe(hits + 1);
      const patch = await appA.inject({ method: 'PATCH', url: `/users/${userId}`, headers: { authorization: `Bearer ${token}` }, payload: { title: 'Two' } });
      expect(patch.statusCode).toBe(200);
      expect((await getB(url)).json().data.title).toBe('Two');
    });

    it('a write in plain SQL on the other connection is seen by B at once', async () => {
      const url = '/users/me?fields=title';
      await getB(url);
      await getB(url);
      await sql`update directus_users set title = 'Three' where id = ${userId}`.execute(testDb!.db.kysely);
      expect((await getB(url)).json().data.title).toBe('Three');
    });

    it('a rolled-back write leaves the kept answers in use and right', async () => {
      const url = '/users/me?fields=title';
      const before = (await getB(url)).json().data.title;
      const hits = appB.responseCache!.stats().hits;
      await testDb!.db.kysely
        .transaction()
        .execute(async (trx) => {
          await sql`update directus_users set title = 'Never' where id = ${userId}`.execute(trx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect((await getB(url)).json().data.title).toBe(before);
      // Nothing was committed, so the answer kept before the rollback still stands.
      expect(appB.responseCache!.stats().hits).toBe(hits + 1);
    });
  });
}
