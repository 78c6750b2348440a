// The audit trail: create, update, status change, delete, invite, accept and login each leave an
// activity row with the actor, the time, the IP and the user agent; revisions keep the record after
// each change, what changed, and (Usher's `before`) what those fields were before; no password
// hash, static token (or its hash) or TFA secret is ever stored in any of them.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { makeRole, makeUser } from '../../../test/fixtures.js';
import { sha256 } from '../../util/crypto.js';

const UA = 'usher-activity-test/1.0';
const TOKEN = 'activity-static-token-activity-static-token';

interface Revision {
  data: Record<string, unknown> | null;
  delta: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
}
interface Activity {
  id: number;
  action: string;
  user: string | null;
  timestamp: string;
  ip: string | null;
  user_agent: string | null;
  collection: string;
  item: string;
  comment: string | null;
  revisions: Revision[];
}

describeEachDb('activity and revisions', (t) => {
  let role: string;

  beforeAll(async () => {
    role = (await makeRole(t().db, { name: 'Logged' })).id;
  });

  const send = (opts: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; as?: string | null; payload?: unknown }) =>
    t().request({ method: opts.method ?? 'GET', url: opts.url, as: opts.as ?? null, headers: { 'user-agent': UA }, ...(opts.payload === undefined ? {} : { payload: opts.payload as object }) });

  /** The log of one item, oldest first, with revisions. */
  async function logOf(item: string, as = t().admin.token): Promise<Activity[]> {
    const res = await send({ url: `/activity?filter[item][_eq]=${item}&sort=id&fields=*,revisions.data,revisions.delta,revisions.before&limit=-1`, as });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  }

  function expectFromHere(a: Activity, user: string | null, since: number) {
    expect(a).toMatchObject({ user, ip: '127.0.0.1', user_agent: UA, collection: 'directus_users' });
    expect(Date.parse(a.timestamp)).toBeGreaterThanOrEqual(since - 1000);
    expect(Date.parse(a.timestamp)).toBeLessThanOrEqual(Date.now() + 1000);
  }

  /** Every stored activity and revision, as text: no secret may appear in it. */
  async function everythingLogged(): Promise<string> {
    const k = t().db.kysely;
    return JSON.stringify([await k.selectFrom('directus_activity').selectAll().execute(), await k.selectFrom('directus_revisions').selectAll().execute()]);
  }

  it('create, update, status change and delete: who, when, from where; before and after without secrets', async () => {
    const since = Date.now();
    const created = await send({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'logged@example.com', first_name: 'Before', password: 'Logged-password-1', token: TOKEN, role } });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().data.id as string;
    // A TFA secret set out of band, so the next revision would carry it if anything did.
    await t().db.kysely.updateTable('directus_users').set({ tfa_secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }).where('id', '=', id).execute();
    expect((await send({ method: 'PATCH', url: `/users/${id}`, as: t().admin.token, payload: { first_name: 'After', password: 'Logged-password-2', token: `${TOKEN}-2` } })).statusCode).toBe(200);
    expect((await send({ method: 'PATCH', url: `/users/${id}`, as: t().admin.token, payload: { status: 'suspended' } })).statusCode).toBe(200);
    expect((await send({ method: 'DELETE', url: `/users/${id}`, as: t().admin.token })).statusCode).toBe(204);

    const log = await logOf(id);
    expect(log.map((a) => a.action)).toEqual(['create', 'update', 'update', 'delete']);
    for (const a of log) expectFromHere(a, t().admin.id, since);
    const [create, update, status, del] = log as [Activity, Activity, Activity, Activity];

    expect(create.revisions[0]!.data).toMatchObject({ id, email: 'logged@example.com', first_name: 'Before', status: 'active', role, password: '**********', token: '**********' });
    expect(update.revisions[0]!.delta).toEqual({ first_name: 'After', password: '**********', token: '**********' });
    expect(update.revisions[0]!.data).toMatchObject({ first_name: 'After', tfa_secret: '**********' });
    // Before: the changed fields as they were, secrets masked the same way.
    expect(update.revisions[0]!.before).toEqual({ first_name: 'Before', password: '**********', token: '**********' });
    expect(status.comment).toBe('status: active -> suspended');
    expect(status.revisions[0]!.delta).toEqual({ status: 'suspended' });
    expect(status.revisions[0]!.before).toEqual({ status: 'active' });
    expect(update.revisions[0]!.data).toMatchObject({ status: 'active' });
    expect(create.revisions[0]!.before).toBeNull();
    expect(del.revisions[0]!.data).toEqual({ id, email: 'logged@example.com' });

    const logged = await everythingLogged();
    // Nor the search text PostgreSQL keeps beside each user (usher_search).
    for (const secret of ['$argon2', 'Logged-password-1', 'Logged-password-2', TOKEN, sha256(TOKEN), sha256(`${TOKEN}-2`), 'JBSWY3DPEHPK3PXP', 'email_lower', 'usher_search']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('invite, accept and login: the invitee is the actor of the acceptance and the login', async () => {
    const since = Date.now();
    const invited = await send({ method: 'POST', url: '/users/invite', as: t().admin.token, payload: { email: 'logged-invitee@example.com', role } });
    expect(invited.statusCode, invited.body).toBe(200);
    const user = (await t().db.kysely.selectFrom('directus_users').select('id').where('email_lower', '=', 'logged-invitee@example.com').executeTakeFirstOrThrow()).id;
    // The mail goes to the log transport; take a token straight from the table instead.
    const token = 'invite-token-for-the-activity-test-0123456789';
    await t().db.kysely.updateTable('usher_one_time_tokens').set({ token: sha256(token) }).where('user', '=', user).execute();
    expect((await send({ method: 'POST', url: '/users/invite/accept', payload: { token, password: 'Invitee-password-1' } })).statusCode).toBe(204);
    expect((await send({ method: 'POST', url: '/auth/login', payload: { email: 'logged-invitee@example.com', password: 'Invitee-password-1' } })).statusCode).toBe(200);

    const [invite, accept, login] = (await logOf(user)) as [Activity, Activity, Activity];
    expect([invite.action, accept.action, login.action]).toEqual(['invite', 'accept', 'login']);
    expectFromHere(invite, t().admin.id, since);
    expect(invite.revisions[0]!.data).toMatchObject({ email: 'logged-invitee@example.com', status: 'invited', role });
    expectFromHere(accept, user, since);
    expect(accept.revisions[0]!.delta).toEqual({ status: 'active', password: '**********' });
    expect(accept.revisions[0]!.data).toMatchObject({ status: 'active', password: '**********' });
    expectFromHere(login, user, since);
    expect(await everythingLogged()).not.toContain('$argon2');
  });

  it('GET /activity and /revisions: admins see everything; everyone else only what they did', async () => {
    const appRole = await makeRole(t().db, { name: 'Readers' });
    const apiRole = await makeRole(t().db, { name: 'API readers', app: false });
    const callers = {
      app: await makeUser(t().db, { email: 'reader-app@example.com', role: appRole.id, password: 'Reader-password-1' }),
      api: await makeUser(t().db, { email: 'reader-api@example.com', role: apiRole.id, password: 'Reader-password-1' }),
      none: await makeUser(t().db, { email: 'reader-none@example.com', role: null, password: 'Reader-password-1' }),
    };
    // Each does one thing that is logged: signs in; the app user also edits their own profile.
    for (const u of Object.values(callers)) expect((await send({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: 'Reader-password-1' } })).statusCode).toBe(200);
    expect((await send({ method: 'PATCH', url: '/users/me', as: callers.app.token, payload: { first_name: 'Reader' } })).statusCode).toBe(200);

    const all = await send({ url: '/activity?fields=user&limit=-1', as: t().admin.token });
    const actors = new Set((all.json().data as { user: string | null }[]).map((a) => a.user));
    for (const id of [t().admin.id, callers.app.id, callers.api.id, callers.none.id]) expect(actors).toContain(id);
    const allRevisions = await send({ url: '/revisions?fields=item&limit=-1', as: t().admin.token });
    expect((allRevisions.json().data as unknown[]).length).toBeGreaterThan(3);

    for (const [who, u] of Object.entries(callers)) {
      const mine = await send({ url: '/activity?fields=user,action&limit=-1&meta=total_count', as: u.token });
      expect(mine.statusCode, `${who}: ${mine.body}`).toBe(200);
      const rows = mine.json().data as { user: string; action: string }[];
      expect(rows.length, who).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.user)), who).toEqual(new Set([u.id]));
      expect(mine.json().meta.total_count).toBe(rows.length);

      const revisions = await send({ url: '/revisions?fields=item,activity.user&limit=-1', as: u.token });
      expect(revisions.statusCode, `${who}: ${revisions.body}`).toBe(200);
      for (const r of revisions.json().data as { activity: { user: string } }[]) expect(r.activity.user).toBe(u.id);
    }
    const appRevisions = await send({ url: '/revisions?fields=delta&limit=-1', as: callers.app.token });
    expect(appRevisions.json().data).toContainEqual({ delta: { first_name: 'Reader' } });

    // Someone else's activity by id is 403, as for a missing one.
    const adminRow = await send({ url: `/activity?filter[user][_eq]=${t().admin.id}&fields=id&limit=1`, as: t().admin.token });
    const adminActivity = adminRow.json().data[0].id as number;
    expect((await send({ url: `/activity/${adminActivity}`, as: callers.app.token })).statusCode).toBe(403);
    expect((await send({ url: `/activity/${adminActivity}`, as: t().admin.token })).statusCode).toBe(200);

    for (const url of ['/activity', '/revisions']) {
      const anon = await send({ url });
      expect(anon.statusCode, url).toBe(403);
      expect(anon.json().errors[0].extensions.code).toBe('FORBIDDEN');
    }
  });

  it('a registration and its verification are logged, the first by nobody, the second by the new user', async () => {
    await t().db.kysely.updateTable('directus_settings').set({ public_registration: true, public_registration_verify_email: true, public_registration_role: role }).execute();
    try {
      expect((await send({ method: 'POST', url: '/users/register', payload: { email: 'logged-register@example.com', password: 'Register-password-1' } })).statusCode).toBe(204);
      const user = (await t().db.kysely.selectFrom('directus_users').select('id').where('email_lower', '=', 'logged-register@example.com').executeTakeFirstOrThrow()).id;
      const token = 'registration-token-for-the-activity-test-0123';
      await t().db.kysely.updateTable('usher_one_time_tokens').set({ token: sha256(token) }).where('user', '=', user).execute();
      expect((await send({ url: `/users/register/verify-email?token=${token}` })).statusCode).toBe(302);
      const [create, verify] = (await logOf(user)) as [Activity, Activity];
      expect(create).toMatchObject({ action: 'create', user: null, ip: '127.0.0.1', user_agent: UA });
      expect(create.revisions[0]!.data).toMatchObject({ email: 'logged-register@example.com', status: 'unverified', password: '**********' });
      expect(verify).toMatchObject({ action: 'update', user, comment: 'status: unverified -> active', ip: '127.0.0.1', user_agent: UA });
      expect(verify.revisions[0]!.delta).toEqual({ status: 'active' });
    } finally {
      await t().db.kysely.updateTable('directus_settings').set({ public_registration: false }).execute();
    }
  });
});

