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

    it("an admin may change anyone's", async () => {
      const res = await patch(`/users/${other.id}?fields=appearance,email_notifications`, t().admin.token, { appearance: 'auto', email_notifications: true });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ appearance: 'auto', email_notifications: true });
    });
  });
});
