// Rules add up, but a field one rule grants on update is writable only on the rows that rule opens
// (authorizeWrite checks the policy's per-field conditions, as reads do), for every writer: users,
// roles and permissions. Presets of a create or update rule go under the payload.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../test/harness.js';
import { makeRole, makeUser, type RoleFixture, type UserFixture } from '../../test/fixtures.js';
import { grant } from '../modules/users/users.test-support.js';

describeEachDb('write rights per field and row', (t) => {
  let team: RoleFixture;
  let other: RoleFixture;
  let lead: UserFixture; // first_name on every user; title only in their own role
  let mate: UserFixture;
  let stranger: UserFixture;

  const patch = (as: string, url: string, payload: unknown) => t().request({ method: 'PATCH', url, as, payload: payload as object });
  const user = (id: string) => t().db.kysely.selectFrom('directus_users').select(['first_name', 'title']).where('id', '=', id).executeTakeFirstOrThrow();
  const role = (id: string) => t().db.kysely.selectFrom('directus_roles').select(['name', 'description', 'icon']).where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    team = await makeRole(t().db, { name: 'Team', app: false });
    other = await makeRole(t().db, { name: 'Other', app: false });
    await grant(t(), team.id, 'directus_users', 'update', { fields: 'first_name' });
    await grant(t(), team.id, 'directus_users', 'update', { fields: 'title', permissions: { role: { _eq: '$CURRENT_ROLE' } } });
    await grant(t(), team.id, 'directus_roles', 'update', { fields: 'description' });
    await grant(t(), team.id, 'directus_roles', 'update', { fields: 'name', permissions: { id: { _eq: '$CURRENT_ROLE' } } });
    await grant(t(), team.id, 'directus_roles', 'create', { fields: 'name,description', presets: { icon: 'badge', description: 'made by a lead' } });
    await grant(t(), team.id, 'directus_permissions', 'update', { fields: 'fields', permissions: { role: { _eq: '$CURRENT_ROLE' } } });
    await grant(t(), team.id, 'directus_permissions', 'update', { fields: 'presets' });
    lead = await makeUser(t().db, { email: 'lead@example.com', role: team.id });
    mate = await makeUser(t().db, { email: 'mate@example.com', role: team.id, title: 'Mate' });
    stranger = await makeUser(t().db, { email: 'stranger@example.com', role: other.id, title: 'Stranger' });
  });

  describe('users', () => {
    it('a field granted on every row is written on any row', async () => {
      expect((await patch(lead.token!, `/users/${stranger.id}`, { first_name: 'Renamed' })).statusCode).toBe(204);
      expect((await user(stranger.id)).first_name).toBe('Renamed');
    });

    it("a field granted on the rule's rows only is written there, and 403 elsewhere", async () => {
      expect((await patch(lead.token!, `/users/${mate.id}`, { title: 'Lead of team' })).statusCode).toBe(204);
      expect((await user(mate.id)).title).toBe('Lead of team');
      const res = await patch(lead.token!, `/users/${stranger.id}`, { title: 'Hijacked' });
      expect(res.statusCode).toBe(403);
      expect(res.json().errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await user(stranger.id)).title).toBe('Stranger');
    });

    it('both fields together on a row only one rule opens for both: 403, nothing written', async () => {
      const res = await patch(lead.token!, `/users/${stranger.id}`, { first_name: 'Both', title: 'Both' });
      expect(res.statusCode).toBe(403);
      expect(await user(stranger.id)).toEqual({ first_name: 'Renamed', title: 'Stranger' });
    });

    it('a batch where one key is outside the narrower rule: 403 and no key changes', async () => {
      const res = await patch(lead.token!, '/users', { keys: [mate.id, stranger.id], data: { title: 'Batch' } });
      expect(res.statusCode).toBe(403);
      expect((await user(mate.id)).title).toBe('Lead of team');
      expect((await user(stranger.id)).title).toBe('Stranger');
    });
  });

  describe('roles', () => {
    it('description (every role) is written on another role; name (own role only) is 403 there', async () => {
      expect((await patch(lead.token!, `/roles/${other.id}`, { description: 'Described' })).statusCode).toBe(204);
      expect((await role(other.id)).description).toBe('Described');
      expect((await patch(lead.token!, `/roles/${other.id}`, { name: 'Taken over' })).statusCode).toBe(403);
      expect((await role(other.id)).name).toBe('Other');
    });

    it('name is written on their own role', async () => {
      expect((await patch(lead.token!, `/roles/${team.id}`, { name: 'Team A' })).statusCode).toBe(204);
      expect((await role(team.id)).name).toBe('Team A');
    });

    it("a create rule's presets go under the payload, which wins", async () => {
      const res = await t().request({ method: 'POST', url: '/roles', as: lead.token!, payload: { name: 'Preset one' } });
      expect(res.statusCode, res.body).toBe(204);
      const made = await t().db.kysely.selectFrom('directus_roles').select(['icon', 'description']).where('name', '=', 'Preset one').executeTakeFirstOrThrow();
      expect(made).toEqual({ icon: 'badge', description: 'made by a lead' });
      await t().request({ method: 'POST', url: '/roles', as: lead.token!, payload: { name: 'Preset two', description: 'mine' } });
      const second = await t().db.kysely.selectFrom('directus_roles').select(['description']).where('name', '=', 'Preset two').executeTakeFirstOrThrow();
      expect(second.description).toBe('mine');
    });
  });

  describe('permissions', () => {
    it("fields (own role's rows only) is 403 on another role's row; presets (every row) is written there", async () => {
      const [row] = await t().db.kysely.insertInto('directus_permissions').values({ role: other.id, collection: 'directus_users', action: 'read', fields: 'id' }).returning('id').execute();
      const id = Number(row!.id);
      expect((await patch(lead.token!, `/permissions/${id}`, { fields: ['*'] })).statusCode).toBe(403);
      expect((await patch(lead.token!, `/permissions/${id}`, { presets: { x: 1 } })).statusCode).toBe(204);
      const stored = await t().db.kysely.selectFrom('directus_permissions').select(['fields', 'presets']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(stored).toEqual({ fields: 'id', presets: '{"x":1}' });
    });
  });

  it('GET /permissions/me/:collection/:id answers update per row as the writes do', async () => {
    const res = await t().request({ url: `/permissions/me/directus_roles/${other.id}`, as: lead.token! });
    // update: description is granted on every role, so the row may be updated (some field).
    expect(res.json().data).toEqual({ update: { access: true }, delete: { access: false }, share: { access: false } });
  });
});
