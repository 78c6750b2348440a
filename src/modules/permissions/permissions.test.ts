// /permissions by each kind of caller: create (one, many), read, update, delete, and every way a rule
// can be wrong (an unknown collection, action, field, filter, role); what app users may read of
// their own role's rules; a rule on directus_settings (read only); and that a change of rules made
// through one Usher process is in force on the very next request to another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../app.js';
import type { Db } from '../../db/index.js';
import { describeEachDb, testConfig } from '../../../test/harness.js';
import { createTestDb, DIALECTS, secondConnection, type TestDb } from '../../../test/db.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { makeCallers, unchanged, type Callers } from '../users/users.test-support.js';

const admin = (t: { admin: UserFixture }) => t.admin.token;

describeEachDb('/permissions', (t) => {
  let c: Callers;
  let role: string;

  beforeAll(async () => {
    c = await makeCallers(t(), 'perms');
    role = (await makeRole(t().db, { name: 'Ruled' })).id;
  });

  const rule = (extra: object = {}) => ({ role, collection: 'directus_users', action: 'read', fields: ['id'], ...extra });

  runScenarios(t, [
    unchanged({ name: 'an unknown collection: 400 FAILED_VALIDATION', method: 'POST', url: '/permissions', as: admin, body: () => rule({ collection: 'directus_files' }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'an unknown action: 400 FAILED_VALIDATION', method: 'POST', url: '/permissions', as: admin, body: () => rule({ action: 'share' }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a field the collection does not have: 400', method: 'POST', url: '/permissions', as: admin, body: () => rule({ fields: ['id', 'shoe_size'] }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a row filter on a field the collection does not have: 400', method: 'POST', url: '/permissions', as: admin, body: () => rule({ permissions: { shoe_size: { _eq: 1 } } }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a row filter with an unknown operator: 400', method: 'POST', url: '/permissions', as: admin, body: () => rule({ permissions: { email: { _like: 'x' } } }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a validation on a field the collection does not have: 400', method: 'POST', url: '/permissions', as: admin, body: () => rule({ action: 'create', validation: { nope: { _eq: 1 } } }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a role that does not exist: 400 INVALID_FOREIGN_KEY', method: 'POST', url: '/permissions', as: admin, body: { role: '00000000-0000-4000-8000-000000000000', collection: 'directus_users', action: 'read' }, status: 400, code: 'INVALID_FOREIGN_KEY' }),
    unchanged({ name: 'without a collection: 400', method: 'POST', url: '/permissions', as: admin, body: () => ({ role, action: 'read' }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a rule on directus_settings other than read: 400', method: 'POST', url: '/permissions', as: admin, body: () => ({ role, collection: 'directus_settings', action: 'update', fields: ['*'] }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a rule on directus_settings with a row filter: 400', method: 'POST', url: '/permissions', as: admin, body: () => ({ role, collection: 'directus_settings', action: 'read', permissions: { id: { _eq: 1 } } }), status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'an app user cannot create rules, not even for their own role (403)', method: 'POST', url: '/permissions', as: () => c.app.token, body: () => ({ role: c.app.role, collection: 'directus_users', action: 'read', fields: ['*'] }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'an API-only user cannot create rules (403)', method: 'POST', url: '/permissions', as: () => c.apiOnly.token, body: () => rule(), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous cannot create rules (403)', method: 'POST', url: '/permissions', body: () => rule(), status: 403, code: 'FORBIDDEN' }),
    { name: 'an API-only user reads no rules', url: '/permissions', as: () => c.apiOnly.token, status: 403, code: 'FORBIDDEN' },
    { name: 'anonymous reads no rules', url: '/permissions', status: 403, code: 'FORBIDDEN' },
  ]);

  it('admin: create one and many (array in, array out), read, update, delete', async () => {
    const one = await t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: rule({ permissions: { role: { name: { _eq: 'Ruled' } } }, fields: ['id', 'email'] }) });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().data).toMatchObject({ role, collection: 'directus_users', action: 'read', fields: ['id', 'email'], permissions: { role: { name: { _eq: 'Ruled' } } }, validation: null, presets: null });
    const id = one.json().data.id as number;
    const many = await t().request({ method: 'POST', url: '/permissions?fields=action', as: t().admin.token, payload: [rule({ action: 'update' }), rule({ action: 'delete', fields: null })] });
    expect(many.statusCode, many.body).toBe(200);
    expect(many.json().data.map((p: { action: string }) => p.action).sort()).toEqual(['delete', 'update']);

    const listed = await t().request({ url: `/permissions?filter[role][_eq]=${role}&fields=action&sort=action`, as: t().admin.token });
    expect(listed.json().data).toEqual([{ action: 'delete' }, { action: 'read' }, { action: 'update' }]);

    const patched = await t().request({ method: 'PATCH', url: `/permissions/${id}?fields=fields,permissions`, as: t().admin.token, payload: { fields: ['*'], permissions: null } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().data).toEqual({ fields: ['*'], permissions: null });

    const ids = (await t().request({ url: `/permissions?filter[role][_eq]=${role}&fields=id`, as: t().admin.token })).json().data.map((p: { id: number }) => p.id);
    expect((await t().request({ method: 'DELETE', url: '/permissions', as: t().admin.token, payload: ids })).statusCode).toBe(204);
    expect((await t().request({ url: `/permissions?filter[role][_eq]=${role}`, as: t().admin.token })).json().data).toEqual([]);
  });

  it('a public rule (role null) and rules of other roles: an app user reads only those of their own role', async () => {
    await t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: { role: null, collection: 'directus_roles', action: 'read', fields: ['name'] } });
    const mine = await t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: { role: c.app.role, collection: 'directus_users', action: 'read', fields: ['id', 'title'] } });
    expect(mine.statusCode, mine.body).toBe(200);
    const res = await t().request({ url: '/permissions?fields=role,collection', as: c.app.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([{ role: c.app.role, collection: 'directus_users' }]);
    expect((await t().request({ url: '/roles?fields=name', as: null })).json().data.length).toBeGreaterThan(0);
  });

  it('a read rule on directus_settings gives the fields it names, and never the right to change them', async () => {
    const viewers = await makeRole(t().db, { name: 'Settings viewers', app: false });
    const viewer = await makeUser(t().db, { email: 'settings-viewer@example.com', role: viewers.id });
    expect((await t().request({ url: '/settings', as: viewer.token })).statusCode).toBe(403);
    const res = await t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: { role: viewers.id, collection: 'directus_settings', action: 'read', fields: ['project_name', 'project_color'] } });
    expect(res.statusCode, res.body).toBe(200);
    const read = await t().request({ url: '/settings', as: viewer.token });
    expect(read.statusCode, read.body).toBe(200);
    expect(Object.keys(read.json().data).sort()).toEqual(['id', 'project_color', 'project_name']);
    const me = (await t().request({ url: '/permissions/me', as: viewer.token })).json().data;
    expect(me.directus_settings).toEqual({ create: { access: 'none' }, read: { access: 'partial', fields: ['project_name', 'project_color'], presets: null }, update: { access: 'none' }, delete: { access: 'none' } });
    expect((await t().request({ method: 'PATCH', url: '/settings', as: viewer.token, payload: { project_name: 'Mine' } })).statusCode).toBe(403);
  });
});

// Two Usher processes over one database: rules changed through A hold on B's very next request,
// after B has already served (and cached) the member's rules.
for (const dialect of DIALECTS) {
  describe(`a change of rules across two app instances on one ${dialect} database`, () => {
    let testDb: TestDb;
    let dbB: Db;
    const apps: FastifyInstance[] = [];
    let adminToken: string;
    let member: UserFixture;
    let role: string;

    beforeAll(async () => {
      testDb = await createTestDb(dialect);
      dbB = secondConnection(testDb);
      const logger = pino({ level: 'silent' });
      apps.push(await buildApp(testConfig(), { db: testDb.db, logger }), await buildApp(testConfig(), { db: dbB, logger }));
      await Promise.all(apps.map((a) => a.ready()));
      const adminRole = await makeRole(testDb.db, { name: 'Administrator', admin: true });
      adminToken = (await makeUser(testDb.db, { email: 'admin@example.com', role: adminRole.id })).token!;
      role = (await makeRole(testDb.db, { name: 'Members', app: false })).id;
      member = await makeUser(testDb.db, { email: 'member@example.com', role, title: 'Member' });
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
      await dbB?.destroy();
      await testDb?.cleanup();
    });

    const onA = (opts: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object }) =>
      apps[0]!.inject({ method: opts.method ?? 'GET', url: opts.url, payload: opts.payload, headers: { authorization: `Bearer ${adminToken}` } });
    const onB = (url: string) => apps[1]!.inject({ url, headers: { authorization: `Bearer ${member.token}` } });

    it('a rule granted, widened, narrowed and removed through A: B answers by the rule as it is now', async () => {
      expect((await onB('/users/me?fields=title')).json().data).toEqual({ id: member.id }); // no rule: only the id
      const created = await onA({ method: 'POST', url: '/permissions', payload: { role, collection: 'directus_users', action: 'read', fields: ['id', 'title'], permissions: { id: { _eq: '$CURRENT_USER' } } } });
      expect(created.statusCode, created.body).toBe(200);
      const id = created.json().data.id as number;
      expect((await onB('/users/me?fields=title')).json().data).toEqual({ title: 'Member' });
      expect((await onB('/users?fields=id')).json().data).toEqual([{ id: member.id }]);

      expect((await onA({ method: 'PATCH', url: `/permissions/${id}`, payload: { permissions: null } })).statusCode).toBe(200);
      expect((await onB('/users?fields=id&limit=-1')).json().data.length).toBe(2);

      expect((await onA({ method: 'PATCH', url: `/permissions/${id}`, payload: { fields: ['id'] } })).statusCode).toBe(200);
      expect((await onB('/users?fields=title')).statusCode).toBe(403);

      expect((await onA({ method: 'DELETE', url: `/permissions/${id}` })).statusCode).toBe(204);
      expect((await onB('/users?fields=id')).statusCode).toBe(403);
    });

    it('a role given admin access through A: its members are admins on B at once; taken away, they are not', async () => {
      expect((await onA({ method: 'PATCH', url: `/roles/${role}`, payload: { admin_access: true } })).statusCode).toBe(200);
      expect((await onB('/users?fields=id&limit=-1')).statusCode).toBe(200);
      expect((await onA({ method: 'PATCH', url: `/roles/${role}`, payload: { admin_access: false } })).statusCode).toBe(200);
      expect((await onB('/users?fields=id&limit=-1')).statusCode).toBe(403);
    });
  });
}
