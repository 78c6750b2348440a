// The last active admin cannot be deleted, set to another status, or moved to a non-admin role or to
// no role (422 UNPROCESSABLE_CONTENT), alone or within a batch; with two admins, one can go.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { expectUnchanged, userRow } from './users.test-support.js';

describeEachDb('the last admin', (t) => {
  let plainRole: string;
  let otherAdminRole: string;
  let bystander: UserFixture;
  let n = 0;

  beforeAll(async () => {
    plainRole = (await makeRole(t().db, { name: 'Plain' })).id;
    otherAdminRole = (await makeRole(t().db, { name: 'Other admins', admin: true })).id;
    bystander = await makeUser(t().db, { email: 'bystander@example.com', role: plainRole });
  });

  async function secondAdmin(status = 'active'): Promise<UserFixture> {
    n += 1;
    return makeUser(t().db, { email: `admin-${n}@example.com`, role: t().adminRole.id, status });
  }

  async function refused(method: 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    const res = await expectUnchanged(t(), () => t().request({ method, url, as: t().admin.token, ...(payload === undefined ? {} : { payload: payload as object }) }));
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors[0].extensions.code).toBe('UNPROCESSABLE_CONTENT');
  }

  describe('alone, it stays', () => {
    it('DELETE /users/:id is 422', () => refused('DELETE', `/users/${t().admin.id}`));
    for (const status of ['draft', 'invited', 'unverified', 'suspended', 'archived']) {
      it(`status ${status} is 422`, () => refused('PATCH', `/users/${t().admin.id}`, { status }));
    }
    it('status suspended through /users/me is 422', () => refused('PATCH', '/users/me', { status: 'suspended' }));
    it('a non-admin role is 422', () => refused('PATCH', `/users/${t().admin.id}`, { role: plainRole }));
    it('role null is 422', () => refused('PATCH', `/users/${t().admin.id}`, { role: null }));
    it('in a DELETE batch with another user: 422, neither goes', () => refused('DELETE', '/users', [bystander.id, t().admin.id]));
    it('in a DELETE {keys} batch: 422', () => refused('DELETE', '/users', { keys: [t().admin.id, bystander.id] }));
    it('in a DELETE {query} batch: 422', () => refused('DELETE', '/users', { query: { filter: { email: { _in: ['admin@example.com', 'bystander@example.com'] } } } }));
    it('in a PATCH array with a harmless change: 422, neither changes', () =>
      refused('PATCH', '/users', [
        { id: bystander.id, first_name: 'Harmless' },
        { id: t().admin.id, role: null },
      ]));
    it('in a PATCH {keys, data}: 422', () => refused('PATCH', '/users', { keys: [bystander.id, t().admin.id], data: { status: 'suspended' } }));
    it('in a PATCH {query, data}: 422', () => refused('PATCH', '/users', { query: { filter: { role: { _eq: t().adminRole.id } } }, data: { role: plainRole } }));
    it('a suspended user in an admin role does not count as a second admin', async () => {
      const dormant = await secondAdmin('suspended');
      await refused('PATCH', `/users/${t().admin.id}`, { status: 'suspended' });
      await t().db.kysely.deleteFrom('directus_users').where('id', '=', dormant.id).execute();
    });
    it('moving to another admin role is fine: still an admin', async () => {
      const res = await t().request({ method: 'PATCH', url: `/users/${t().admin.id}`, as: t().admin.token, payload: { role: otherAdminRole } });
      expect(res.statusCode, res.body).toBe(200);
      expect((await userRow(t(), t().admin.id))?.role).toBe(otherAdminRole);
      const back = await t().request({ method: 'PATCH', url: `/users/${t().admin.id}`, as: t().admin.token, payload: { role: t().adminRole.id } });
      expect(back.statusCode).toBe(200);
    });
  });

  describe('with two admins, one can go', () => {
    it('delete the other one', async () => {
      const other = await secondAdmin();
      const res = await t().request({ method: 'DELETE', url: `/users/${other.id}`, as: t().admin.token });
      expect(res.statusCode, res.body).toBe(204);
      expect(await userRow(t(), other.id)).toBeUndefined();
    });

    it('an admin deletes themselves while another remains; then that one is the last', async () => {
      const leaving = await secondAdmin();
      const res = await t().request({ method: 'DELETE', url: `/users/${leaving.id}`, as: leaving.token });
      expect(res.statusCode, res.body).toBe(204);
      expect(await userRow(t(), leaving.id)).toBeUndefined();
      await refused('DELETE', `/users/${t().admin.id}`);
    });

    it('suspend one, demote one, set one to role null', async () => {
      for (const change of [{ status: 'suspended' }, { role: plainRole }, { role: null }]) {
        const other = await secondAdmin();
        const res = await t().request({ method: 'PATCH', url: `/users/${other.id}`, as: t().admin.token, payload: change });
        expect(res.statusCode, res.body).toBe(200);
        // Now the other one is no admin: the harness admin is the last again.
        await refused('PATCH', `/users/${t().admin.id}`, { status: 'draft' });
      }
    });

    it('but not both in one batch', async () => {
      const other = await secondAdmin();
      await refused('DELETE', '/users', [other.id, t().admin.id]);
      await refused('PATCH', '/users', { keys: [other.id, t().admin.id], data: { role: plainRole } });
      await refused('PATCH', '/users', [
        { id: other.id, status: 'archived' },
        { id: t().admin.id, role: null },
      ]);
    });
  });

  it('two admins suspending each other at the same moment: one change goes through, the other is 422 (at least one admin stays)', async () => {
    // Exactly two active admins: the harness admin and this one (earlier tests left others).
    const adminRoles = t().db.kysely.selectFrom('directus_roles').select('id').where('admin_access', '=', true);
    await t().db.kysely.updateTable('directus_users').set({ status: 'suspended' }).where('role', 'in', adminRoles).where('id', '<>', t().admin.id).execute();
    const other = await secondAdmin();
    const [a, b] = await Promise.all([
      t().request({ method: 'PATCH', url: `/users/${other.id}`, as: t().admin.token, payload: { status: 'suspended' } }),
      t().request({ method: 'PATCH', url: `/users/${t().admin.id}`, as: other.token, payload: { status: 'suspended' } }),
    ]);
    expect([a.statusCode, b.statusCode].sort(), `${a.body} ${b.body}`).toEqual([200, 422]);
    const statuses = [(await userRow(t(), other.id))?.status, (await userRow(t(), t().admin.id))?.status];
    expect(statuses.filter((s) => s === 'active')).toHaveLength(1);
    // Put the harness admin back for any test after this one.
    await t().db.kysely.updateTable('directus_users').set({ status: 'active' }).where('id', '=', t().admin.id).execute();
  });
});
