// The official Directus SDK (v16) against a real, listening Usher: roles and permissions as an
// admin script manages them (readRoles, createRole, updateRole, deleteRole, readPermissions,
// createPermission), and what a member then may do (readItemPermissions, and the rule in force).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDirectus,
  createPermission,
  createRole,
  deleteRole,
  readItemPermissions,
  readPermissions,
  readRoles,
  readUsers,
  rest,
  staticToken,
  updateRole,
} from '@directus/sdk';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { DIALECTS } from '../../../test/db.js';
import { makeUser } from '../../../test/fixtures.js';

for (const dialect of DIALECTS) {
  describe(`@directus/sdk 16: roles and permissions [${dialect}]`, () => {
    let app: TestApp;
    let url: string;

    beforeAll(async () => {
      app = await createTestApp(dialect);
      await app.app.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await app?.close();
    });

    const as = (token: string) => createDirectus(url).with(staticToken(token)).with(rest());

    it('createRole, readRoles, updateRole, createPermission, readPermissions, readItemPermissions, deleteRole', async () => {
      const admin = as(app.admin.token!);
      const role = (await admin.request(createRole({ name: 'Support', icon: 'support_agent', app_access: false }))) as { id: string; name: string };
      expect(role).toMatchObject({ name: 'Support', icon: 'support_agent', app_access: false, admin_access: false });

      const roles = await admin.request(readRoles({ filter: { name: { _eq: 'Support' } }, fields: ['id', 'name'] }));
      expect(roles).toEqual([{ id: role.id, name: 'Support' }]);
      const updated = await admin.request(updateRole(role.id, { description: 'Helps people' }, { fields: ['description'] }));
      expect(updated).toEqual({ description: 'Helps people' });

      const agent = await makeUser(app.db, { email: 'agent@example.com', role: role.id, title: 'Agent' });
      const other = await makeUser(app.db, { email: 'customer@example.com', title: 'Customer' });
      const rule = await admin.request(
        createPermission({ role: role.id, collection: 'directus_users', action: 'update', fields: ['title'], permissions: { title: { _eq: 'Customer' } } } as never),
      );
      expect(rule).toMatchObject({ role: role.id, collection: 'directus_users', action: 'update', fields: ['title'] });
      await admin.request(createPermission({ role: role.id, collection: 'directus_users', action: 'read', fields: ['id', 'email'] } as never));
      const rules = await admin.request(readPermissions({ filter: { role: { _eq: role.id } }, fields: ['action'], sort: ['action'] }));
      expect(rules).toEqual([{ action: 'read' }, { action: 'update' }]);

      const member = as(agent.token!);
      expect(await member.request(readItemPermissions('directus_users', other.id))).toEqual({ update: { access: true }, delete: { access: false }, share: { access: false } });
      expect(await member.request(readItemPermissions('directus_users', agent.id))).toEqual({ update: { access: false }, delete: { access: false }, share: { access: false } });
      const seen = await member.request(readUsers({ fields: ['email'], sort: ['email'] }));
      expect(seen.map((u) => (u as { email: string }).email)).toEqual(expect.arrayContaining(['agent@example.com', 'customer@example.com']));

      await admin.request(deleteRole(role.id));
      expect(await admin.request(readRoles({ filter: { id: { _eq: role.id } } }))).toEqual([]);
      // Its member lost the role and was suspended: their token no longer works.
      await expect(member.request(readUsers())).rejects.toMatchObject({ errors: [{ extensions: { code: 'INVALID_CREDENTIALS' } }] });
    });
  });
}
