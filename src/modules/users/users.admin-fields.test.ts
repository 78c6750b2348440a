// Admin-only fields and private preferences. status, role, token, provider, external_identifier and
// auth_data change only by an admin (on anyone, themselves included), whatever a permission row
// grants; the preference fields change only by their user or an admin.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';
import { sha256 } from '../../util/crypto.js';
import { expectUnchanged, makeCallers, userRow, userWithRights, type Callers } from './users.test-support.js';

const TOKEN = 'admin-only-field-token-admin-only-field-token';

describeEachDb('admin-only fields and preferences', (t) => {
  let c: Callers;
  let other: UserFixture;
  let everything: UserFixture; // create, read, update and delete on every field of every user
  let otherRole: string;
  let secondAdminRole: string;

  const adminOnly = (): Record<string, unknown> => ({
    status: 'suspended',
    role: otherRole,
    token: TOKEN,
    provider: 'ldap',
    external_identifier: 'cn=someone',
    auth_data: { sub: 'someone' },
  });

  beforeAll(async () => {
    c = await makeCallers(t(), 'fields');
    other = await makeUser(t().db, { email: 'fields-other@example.com', role: c.app.role });
    everything = await userWithRights(t(), 'everything@example.com', { create: {}, read: {}, update: {}, delete: {} });
    otherRole = (await makeRole(t().db, { name: 'Other role' })).id;
    secondAdminRole = (await makeRole(t().db, { name: 'Second admin role', admin: true })).id;
  });

  async function patch(url: string, as: string | null, payload: unknown) {
    return t().request({ method: 'PATCH', url, as, payload: payload as object });
  }

  describe('a non-admin gets 403 and nothing changes', () => {
    for (const field of ['status', 'role', 'token', 'provider', 'external_identifier', 'auth_data']) {
      it(`${field}: on another user, with a rule granting update on every field of every user`, async () => {
        const res = await expectUnchanged(t(), () => patch(`/users/${other.id}`, everything.token, { [field]: adminOnly()[field] }));
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().errors[0].extensions.code).toBe('FORBIDDEN');
      });

      it(`${field}: on themselves through /users/me, with the same rule`, async () => {
        const res = await expectUnchanged(t(), () => patch('/users/me', everything.token, { [field]: adminOnly()[field] }));
        expect(res.statusCode, res.body).toBe(403);
      });

      it(`${field}: an app user on themselves, with the minimal rights`, async () => {
        const res = await expectUnchanged(t(), () => patch('/users/me', c.app.token, { [field]: adminOnly()[field] }));
        expect(res.statusCode, res.body).toBe(403);
      });
    }

    it('mixed with allowed fields, in a batch: the whole request is refused', async () => {
      const res = await expectUnchanged(t(), () =>
        patch('/users', everything.token, [
          { id: other.id, first_name: 'Fine' },
          { id: everything.id, role: otherRole },
        ]),
      );
      expect(res.statusCode, res.body).toBe(403);
    });
  });

  it('an admin changes every admin-only field on another user', async () => {
    const res = await patch(`/users/${other.id}?fields=status,role,token,provider,external_identifier,auth_data`, t().admin.token, adminOnly());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ...adminOnly(), token: '**********' });
    expect((await userRow(t(), other.id))?.token).toBe(sha256(TOKEN));
  });

  it('an admin changes them on themselves too (staying an active admin)', async () => {
    const me = t().admin;
    const payload = { status: 'active', role: secondAdminRole, token: `${TOKEN}-mine`, provider: 'default', external_identifier: 'admin-ext', auth_data: { a: 1 } };
    const res = await patch('/users/me?fields=status,role,provider,external_identifier,auth_data', me.token, payload);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ status: 'active', role: secondAdminRole, provider: 'default', external_identifier: 'admin-ext', auth_data: { a: 1 } });
    // The old static token died with the change; the new one works. Put things back for the next tests.
    expect((await t().request({ url: '/users/me', as: me.token })).statusCode).toBe(401);
    const back = await patch('/users/me', `${TOKEN}-mine`, { role: t().adminRole.id, token: me.token });
    expect(back.statusCode, back.body).toBe(200);
    expect((await t().request({ url: '/users/me?fields=role', as: me.token })).json().data.role).toBe(t().adminRole.id);
  });

  describe("a rule's presets cannot set them either", () => {
    // Rows written straight into the table, as an older Usher (or a hand-made row) may have left
    // them: the API refuses to create such a rule (see the next test), the writes refuse to use one.
    let presetting: UserFixture;
    let prefPresetting: UserFixture;
    beforeAll(async () => {
      presetting = await userWithRights(t(), 'presets-admin-only@example.com', {
        create: { fields: 'email,first_name', presets: { role: otherRole, status: 'active' } },
        update: { fields: 'first_name', presets: { status: 'suspended' } },
      });
      prefPresetting = await userWithRights(t(), 'presets-prefs@example.com', { update: { fields: 'first_name', presets: { appearance: 'dark' } } });
    });

    it('create: a preset role or status is 403 and no user is made', async () => {
      const res = await expectUnchanged(t(), () => t().request({ method: 'POST', url: '/users', as: presetting.token, payload: { email: 'preset-made@example.com' } }));
      expect(res.statusCode, res.body).toBe(403);
    });

    it('update: a preset status is 403 and nothing changes', async () => {
      const res = await expectUnchanged(t(), () => patch('/users/me', presetting.token, { first_name: 'Preset' }));
      expect(res.statusCode, res.body).toBe(403);
    });

    it("update: a preset preference on another user is 403 (preferences are their user's)", async () => {
      const res = await expectUnchanged(t(), () => patch(`/users/${other.id}`, prefPresetting.token, { first_name: 'Preset' }));
      expect(res.statusCode, res.body).toBe(403);
    });

    it('POST /permissions refuses a rule on directus_users that presets an admin-only field', async () => {
      const res = await expectUnchanged(t(), () =>
        t().request({ method: 'POST', url: '/permissions', as: t().admin.token, payload: { role: otherRole, collection: 'directus_users', action: 'create', fields: ['email'], presets: { role: otherRole } } }),
      );
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].extensions).toMatchObject({ code: 'FAILED_VALIDATION', field: 'presets' });
    });
  });

  describe('preferences', () => {
    const prefs = {
      language: 'fr-FR',
      appearance: 'dark',
      theme_light: 'Directus Default',
      theme_dark: 'Directus Dark',
      theme_light_overrides: { primary: '#123456' },
      theme_dark_overrides: { primary: '#654321' },
      email_notifications: false,
    };

    it('a user changes their own through /users/me', async () => {
      const res = await patch(`/users/me?fields=${Object.keys(prefs).join(',')}`, c.app.token, prefs);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual(prefs);
    });

    for (const [field, value] of Object.entries(prefs)) {
      it(`${field}: not on another user, even with update on every field of every user (403)`, async () => {
        const res = await expectUnchanged(t(), () => patch(`/users/${other.id}`, everything.token, { [field]: value }));
        expect(res.statusCode, res.body).toBe(403);
      });
    }

    it('not in a batch that names themselves and someone else (403, nothing changes)', async () => {
      const res = await expectUnchanged(t(), () => patch('/users', everything.token, { keys: [everything.id, other.id], data: { appearance: 'light' } }));
      expect(res.statusCode, res.body).toBe(403);
    });

    it('the same rule lets them change their own preferences', async () => {
      const res = await patch('/users/me?fields=appearance', everything.token, { appearance: 'light' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ appearance: 'light' });
    });

    it("are read as null on other users' rows by a non-admin who may read every field of every user, and cannot be filtered, sorted or searched to find them", async () => {
      await patch(`/users/${other.id}`, t().admin.token, { language: 'xx-SECRET', appearance: 'dark', theme_light: 'Secret Theme' });
      const fields = ['id', ...Object.keys(prefs)].join(',');
      const res = await t().request({ url: `/users/${other.id}?fields=${fields}`, as: everything.token! });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ id: other.id, ...Object.fromEntries(Object.keys(prefs).map((k) => [k, null])) });
      const all = await t().request({ url: '/users?fields=*&limit=-1', as: everything.token! });
      expect(all.body).not.toContain('xx-SECRET');
      expect(all.body).not.toContain('Secret Theme');
      const filtered = await t().request({ url: '/users?fields=id&filter[language][_eq]=xx-SECRET', as: everything.token! });
      expect(filtered.statusCode, filtered.body).toBe(200);
      expect(filtered.json().data).toEqual([]);
      const searched = await t().request({ url: '/users?fields=id&search=xx-SECRET', as: everything.token! });
      expect(searched.json().data).toEqual([]);
      const sorted = await t().request({ url: `/users?fields=id&filter[id][_in]=${other.id},${everything.id}&sort=theme_light`, as: everything.token! });
      expect(sorted.statusCode, sorted.body).toBe(200);
      // The admin reads them all.
      const asAdmin = await t().request({ url: `/users/${other.id}?fields=language,theme_light`, as: t().admin.token });
      expect(asAdmin.json().data).toEqual({ language: 'xx-SECRET', theme_light: 'Secret Theme' });
    });

    it('are read by their own user', async () => {
      await patch('/users/me', everything.token, { appearance: 'light' });
      const res = await t().request({ url: '/users/me?fields=appearance', as: everything.token! });
      expect(res.json().data).toEqual({ appearance: 'light' });
    });

    it("an admin may change anyone's", async () => {
      const res = await patch(`/users/${other.id}?fields=appearance,email_notifications`, t().admin.token, { appearance: 'auto', email_notifications: true });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ appearance: 'auto', email_notifications: true });
    });
  });
});
