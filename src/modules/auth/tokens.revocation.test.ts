// The revocation matrix (issue 3, item 5): four kinds of credential by the events that must reach
// them, checked on the very next request. Suspension, archiving and deletion refuse every
// credential; a role change keeps them working with the new role's rights; a password change ends
// every session but the one that made it (the static token stays); a logout ends that session.
//
// Every change is made through the API, as a client makes it (an admin's PATCH or DELETE, the
// user's own PATCH /users/me with the credential under test), so the paths tested are the ones
// that run.
//
// It runs twice: in one process, and across two app instances over one database (SQLite file, and
// PostgreSQL when TEST_PG_URL is set), the change made through instance A and the next request
// sent to instance B, after B has already served the credential once (so a cache in B would show).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { decodeJwt } from 'jose';
import { buildApp } from '../../app.js';
import type { Db } from '../../db/index.js';
import { createTestDb, DIALECTS, secondConnection, type TestDb } from '../../../test/db.js';
import { describeEachDb, testConfig, type TestApp } from '../../../test/harness.js';
import { makeRole, makeUser, type RoleFixture, type UserFixture } from '../../../test/fixtures.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase 2';
const ENV = { RATE_LIMITER_LOGIN_ENABLED: 'false' };
const SESSION = 'directus_session_token';
const ME = '/users/me?fields=id';
const ALL_USERS = '/users?fields=id';

/** One Usher instance, as a test talks to it. */
type Node = Pick<TestApp, 'db' | 'request'>;

interface Cluster {
  /** Where the change is made. */
  a: Node;
  /** Where the next request goes (the same instance as `a` in the one-process run). */
  b: Node;
  adminRole: RoleFixture;
  /** The static token of an admin who is not the user under test: makes the admin's changes. */
  adminToken: string;
}

type Kind = 'json-mode access token' | 'session cookie' | 'refresh token' | 'static token';
const KINDS: Kind[] = ['json-mode access token', 'session cookie', 'refresh token', 'static token'];

/** A credential a user holds, and how to present it. */
interface Held {
  /** The session the credential belongs to (null for a static token). */
  session(): string | null;
  /**
   * The next request with this credential: GET `url`. A refresh token is presented to
   * /auth/refresh first; when that succeeds, the access token it gave makes the GET.
   */
  use(node: Node, url?: string): Promise<LightMyRequestResponse>;
  /** Any request with this credential (a refresh token refreshes first, as in `use`). */
  send(node: Node, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Signs this credential's session out (a static token has none: another session is used). */
  logout(node: Node): Promise<LightMyRequestResponse>;
}

async function login(node: Node, user: UserFixture, mode: 'json' | 'session'): Promise<LightMyRequestResponse> {
  const res = await node.request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode } });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

const sessionClaim = (jwt: string) => decodeJwt(jwt).session as string;
const logoutJson = (node: Node, refresh_token: string) => node.request({ method: 'POST', url: '/auth/logout', payload: { refresh_token } });

async function hold(kind: Kind, c: Cluster, user: UserFixture): Promise<Held> {
  switch (kind) {
    case 'json-mode access token': {
      const { access_token, refresh_token } = (await login(c.a, user, 'json')).json().data;
      return {
        session: () => sessionClaim(access_token),
        use: (node, url = ME) => node.request({ url, as: access_token }),
        send: (node, opts) => node.request({ ...opts, as: access_token }),
        logout: (node) => logoutJson(node, refresh_token),
      };
    }
    case 'session cookie': {
      const cookie = (await login(c.a, user, 'session')).cookies.find((x) => x.name === SESSION)!.value;
      return {
        session: () => sessionClaim(cookie),
        use: (node, url = ME) => node.request({ url, cookies: { [SESSION]: cookie } }),
        send: (node, opts) => node.request({ ...opts, cookies: { [SESSION]: cookie } }),
        logout: (node) => node.request({ method: 'POST', url: '/auth/logout', payload: { mode: 'session' }, cookies: { [SESSION]: cookie } }),
      };
    }
    case 'refresh token': {
      let { access_token, refresh_token } = (await login(c.a, user, 'json')).json().data;
      const send = async (node: Node, opts: InjectOptions) => {
        const res = await node.request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token } });
        if (res.statusCode !== 200) return res;
        ({ access_token, refresh_token } = res.json().data);
        return node.request({ ...opts, as: access_token });
      };
      return {
        session: () => sessionClaim(access_token),
        use: (node, url = ME) => send(node, { url }),
        send,
        logout: (node) => logoutJson(node, refresh_token),
      };
    }
    case 'static token':
      return {
        session: () => null,
        use: (node, url = ME) => node.request({ url, as: user.token }),
        send: (node, opts) => node.request({ ...opts, as: user.token }),
        logout: async (node) => {
          const other = (await login(c.a, user, 'json')).json().data;
          return logoutJson(node, other.refresh_token);
        },
      };
  }
}

type Outcome = { refused: string } | 'kept' | 'new rights';

interface Event {
  name: string;
  /** Makes the change through instance A. */
  apply(c: Cluster, user: UserFixture, held: Held): Promise<void>;
  outcome(kind: Kind): Outcome;
}

/** A request that must succeed: the change really happened. */
async function ok(res: Promise<LightMyRequestResponse>, status = 200): Promise<void> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
}

const adminPatch = (c: Cluster, user: UserFixture, payload: object) =>
  ok(c.a.request({ method: 'PATCH', url: `/users/${user.id}?fields=id`, as: c.adminToken, payload }));
const changeOwnPassword = (node: Node, send: Held['send']) =>
  ok(send(node, { method: 'PATCH', url: '/users/me?fields=id', payload: { password: NEW_PASSWORD } }));

const EVENTS: Event[] = [
  {
    name: 'suspend',
    apply: (c, user) => adminPatch(c, user, { status: 'suspended' }),
    // A refresh says why, as Directus does; every other request only that the credential is no good.
    outcome: (kind) => ({ refused: kind === 'refresh token' ? 'USER_SUSPENDED' : 'INVALID_CREDENTIALS' }),
  },
  {
    name: 'archive',
    apply: (c, user) => adminPatch(c, user, { status: 'archived' }),
    outcome: () => ({ refused: 'INVALID_CREDENTIALS' }),
  },
  {
    name: 'delete',
    apply: (c, user) => ok(c.a.request({ method: 'DELETE', url: `/users/${user.id}`, as: c.adminToken }), 204),
    outcome: () => ({ refused: 'INVALID_CREDENTIALS' }),
  },
  {
    name: 'role change (admin -> app role)',
    apply: async (c, user) => {
      const editors = await makeRole(c.a.db, { app: true });
      await adminPatch(c, user, { role: editors.id });
    },
    outcome: () => 'new rights',
  },
  {
    name: 'password change made by this session',
    // PATCH /users/me with the credential under test (a static token has no session: every
    // session ends, the static token stays).
    apply: (c, _user, held) => changeOwnPassword(c.a, held.send),
    outcome: () => 'kept',
  },
  {
    name: 'password change made by another session',
    apply: async (c, user) => {
      const other = (await login(c.a, user, 'json')).json().data.access_token as string;
      await changeOwnPassword(c.a, (node, opts) => node.request({ ...opts, as: other }));
    },
    outcome: (kind) => (kind === 'static token' ? 'kept' : { refused: 'INVALID_CREDENTIALS' }),
  },
  {
    name: 'password change made by an admin',
    apply: (c, user) => adminPatch(c, user, { password: NEW_PASSWORD }),
    outcome: (kind) => (kind === 'static token' ? 'kept' : { refused: 'INVALID_CREDENTIALS' }),
  },
  {
    name: 'logout',
    apply: async (_c, _user, held) => {
      const res = await held.logout(_c.a);
      expect(res.statusCode, res.body).toBe(204);
    },
    outcome: (kind) => (kind === 'static token' ? 'kept' : { refused: 'INVALID_CREDENTIALS' }),
  },
];

function defineMatrix(cluster: () => Cluster): void {
  for (const event of EVENTS) {
    describe(event.name, () => {
      for (const kind of KINDS) {
        const outcome = event.outcome(kind);
        const expected = outcome === 'kept' ? 'keeps working' : outcome === 'new rights' ? 'runs with the new role’s rights' : `is refused (401 ${outcome.refused})`;
        it(`${kind} ${expected} on the very next request`, async () => {
          const c = cluster();
          const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
          const held = await hold(kind, c, user);

          // B serves the credential once before the change: an admin sees everyone.
          const before = await held.use(c.b, ALL_USERS);
          expect(before.statusCode, before.body).toBe(200);
          expect(before.json().data.length).toBeGreaterThan(1);

          await event.apply(c, user, held);

          if (outcome === 'new rights') {
            const after = await held.use(c.b, ALL_USERS);
            expect(after.statusCode, after.body).toBe(200);
            expect(after.json().data).toEqual([{ id: user.id }]);
          } else if (outcome === 'kept') {
            const after = await held.use(c.b);
            expect(after.statusCode, after.body).toBe(200);
            expect(after.json().data).toEqual({ id: user.id });
          } else {
            const after = await held.use(c.b);
            expect(after.statusCode, after.body).toBe(401);
            expect(after.json().errors[0].extensions.code).toBe(outcome.refused);
            // And it stays refused.
            expect((await held.use(c.b)).statusCode).toBe(401);
          }
        });
      }
    });
  }

  describe('around the matrix', () => {
    it('after a password change the old password no longer signs in and the new one does', async () => {
      const c = cluster();
      const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      await adminPatch(c, user, { password: NEW_PASSWORD });
      const old = await c.b.request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD } });
      expect(old.statusCode).toBe(401);
      const fresh = await c.b.request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: NEW_PASSWORD } });
      expect(fresh.statusCode, fresh.body).toBe(200);
    });

    it('a password change ends every other session of the user, of every kind, and only theirs', async () => {
      const c = cluster();
      const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      const bystander = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      const keeper = await hold('session cookie', c, user);
      const others = await Promise.all([hold('json-mode access token', c, user), hold('session cookie', c, user), hold('refresh token', c, user)]);
      const theirs = await hold('json-mode access token', c, bystander);
      await changeOwnPassword(c.a, keeper.send);
      expect((await keeper.use(c.b)).statusCode).toBe(200);
      for (const other of others) expect((await other.use(c.b)).statusCode).toBe(401);
      expect((await theirs.use(c.b)).statusCode).toBe(200);
    });

    it('a logout ends that session only: the user’s other sessions go on', async () => {
      const c = cluster();
      const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      const leaving = await hold('json-mode access token', c, user);
      const staying = await Promise.all([hold('json-mode access token', c, user), hold('session cookie', c, user), hold('refresh token', c, user)]);
      expect((await leaving.logout(c.a)).statusCode).toBe(204);
      expect((await leaving.use(c.b)).statusCode).toBe(401);
      for (const other of staying) expect((await other.use(c.b)).statusCode).toBe(200);
    });

    it('a cookie-mode logout ends the access token issued with it', async () => {
      const c = cluster();
      const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      const res = await c.a.request({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: PASSWORD, mode: 'cookie' } });
      const access = res.json().data.access_token as string;
      const refreshCookie = res.cookies.find((x) => x.name === 'directus_refresh_token')!.value;
      expect((await c.b.request({ url: ME, as: access })).statusCode).toBe(200);
      const out = await c.a.request({ method: 'POST', url: '/auth/logout', cookies: { directus_refresh_token: refreshCookie } });
      expect(out.statusCode, out.body).toBe(204);
      expect((await c.b.request({ url: ME, as: access })).statusCode).toBe(401);
      const again = await c.b.request({ method: 'POST', url: '/auth/refresh', payload: { mode: 'cookie' }, cookies: { directus_refresh_token: refreshCookie } });
      expect(again.statusCode).toBe(401);
    });

    it('a role change to a role with no rights at all: the next request is forbidden', async () => {
      const c = cluster();
      const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      const held = await hold('json-mode access token', c, user);
      expect((await held.use(c.b, ALL_USERS)).statusCode).toBe(200);
      const nothing = await makeRole(c.a.db, { app: false });
      await adminPatch(c, user, { role: nothing.id });
      const res = await held.use(c.b, ALL_USERS);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('a refresh token refused for a suspended user stays dead when the user is made active again', async () => {
      const c = cluster();
      const user = await makeUser(c.a.db, { password: PASSWORD, role: c.adminRole.id });
      const held = await hold('refresh token', c, user);
      await adminPatch(c, user, { status: 'suspended' });
      expect((await held.use(c.b)).statusCode).toBe(401);
      await adminPatch(c, user, { status: 'active' });
      const res = await held.use(c.b);
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    });
  });
}

// One process: the change and the next request go to the same app.
describeEachDb(
  'the revocation matrix, in one process',
  (t) => {
    defineMatrix(() => ({ a: t(), b: t(), adminRole: t().adminRole, adminToken: t().admin.token! }));
  },
  ENV,
);


function nodeOf(app: FastifyInstance, db: Db): Node {
  return {
    db,
    request: ({ as, headers, ...opts }: InjectOptions & { as?: string | null }) =>
      app.inject({ ...opts, headers: { ...(headers ?? {}), ...(as ? { authorization: `Bearer ${as}` } : {}) } }),
  };
}

// Two instances over one database: the change through A, the next request to B.
for (const dialect of DIALECTS) {
  describe(`the revocation matrix, across two app instances on one ${dialect} database`, () => {
    let testDb: TestDb | undefined;
    let dbB: Db | undefined;
    const apps: FastifyInstance[] = [];
    let cluster: Cluster | undefined;

    beforeAll(async () => {
      testDb = await createTestDb(dialect);
      dbB = secondConnection(testDb);
      const logger = pino({ level: 'silent' });
      const appA = await buildApp(testConfig(ENV), { db: testDb.db, logger });
      const appB = await buildApp(testConfig(ENV), { db: dbB, logger });
      apps.push(appA, appB);
      await Promise.all(apps.map((a) => a.ready()));
      const adminRole = await makeRole(testDb.db, { name: 'Administrator', admin: true });
      const admin = await makeUser(testDb.db, { email: 'admin@example.com', role: adminRole.id });
      cluster = { a: nodeOf(appA, testDb.db), b: nodeOf(appB, dbB), adminRole, adminToken: admin.token! };
    });

    afterAll(async () => {
      for (const app of apps) await app.close();
      await dbB?.destroy();
      await testDb?.cleanup();
    });

    it('the two instances are separate apps with separate connections to one database', async () => {
      const c = cluster!;
      expect(apps[0]).not.toBe(apps[1]);
      expect(c.a.db).not.toBe(c.b.db);
      // A row written through A is read through B.
      const user = await makeUser(c.a.db, { role: c.adminRole.id });
      const row = await c.b.db.kysely.selectFrom('directus_users').select('id').where('id', '=', user.id).executeTakeFirst();
      expect(row).toEqual({ id: user.id });
    });

    defineMatrix(() => {
      if (!cluster) throw new Error('cluster not ready');
      return cluster;
    });
  });
}
