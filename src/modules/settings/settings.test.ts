// GET /settings and PATCH /settings: the user-related settings of reference §1.6, readable by app
// users (the minimal rights), changeable by admins only, each value checked before anything is
// written, and every change in the audit trail with what it was before.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeCallers, unchanged, type Callers } from '../users/users.test-support.js';

const admin = (t: { admin: { token: string | null } }) => t.admin.token;
const FIELDS = [
  'id', 'project_name', 'project_url', 'project_color', 'project_logo', 'default_language', 'default_appearance', 'default_theme_light', 'default_theme_dark',
  'auth_login_attempts', 'auth_password_policy', 'public_registration', 'public_registration_verify_email', 'public_registration_role', 'public_registration_email_filter',
];

describeEachDb('/settings', (t) => {
  let c: Callers;
  beforeAll(async () => {
    c = await makeCallers(t(), 'settings');
  });

  runScenarios(t, [
    { name: 'an API-only user reads no settings (403)', url: '/settings', as: () => c.apiOnly.token, status: 403, code: 'FORBIDDEN' },
    { name: 'anonymous reads no settings (403)', url: '/settings', status: 403, code: 'FORBIDDEN' },
    { name: 'a user without a role reads no settings (403)', url: '/settings', as: () => c.noRole.token, status: 403, code: 'FORBIDDEN' },
    unchanged({ name: 'an app user cannot change settings (403)', method: 'PATCH', url: '/settings', as: () => c.app.token, body: { project_name: 'Mine' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous cannot change settings (403)', method: 'PATCH', url: '/settings', body: { project_name: 'Mine' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'an unknown setting: 400 INVALID_PAYLOAD', method: 'PATCH', url: '/settings', as: admin, body: { storage_asset_presets: [] }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'a project name of null: 400', method: 'PATCH', url: '/settings', as: admin, body: { project_name: null }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'an appearance that is not auto, light or dark: 400', method: 'PATCH', url: '/settings', as: admin, body: { default_appearance: 'sepia' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a password policy that is no regular expression: 400', method: 'PATCH', url: '/settings', as: admin, body: { auth_password_policy: '/([a-z/' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a password policy that can hang the server (nested quantifiers): 400', method: 'PATCH', url: '/settings', as: admin, body: { auth_password_policy: '/^(a+)+$/' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'negative login attempts: 400', method: 'PATCH', url: '/settings', as: admin, body: { auth_login_attempts: -1 }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a registration role that does not exist: 400 INVALID_FOREIGN_KEY', method: 'PATCH', url: '/settings', as: admin, body: { public_registration_role: '00000000-0000-4000-8000-000000000000' }, status: 400, code: 'INVALID_FOREIGN_KEY' }),
    unchanged({ name: 'a registration flag that is not a boolean: 400', method: 'PATCH', url: '/settings', as: admin, body: { public_registration: 'yes' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'one bad value among good ones: 400, none written', method: 'PATCH', url: '/settings', as: admin, body: { project_name: 'Fine', default_appearance: 'sepia' }, status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'a body that is not an object: 400', method: 'PATCH', url: '/settings', as: admin, body: ['project_name'], status: 400, code: 'INVALID_PAYLOAD' }),
  ]);

  it('admins and app users read every user-related setting, with Directus’s defaults', async () => {
    for (const who of [t().admin.token, c.app.token]) {
      const res = await t().request({ url: '/settings', as: who });
      expect(res.statusCode, res.body).toBe(200);
      expect(Object.keys(res.json().data).sort()).toEqual([...FIELDS].sort());
      expect(res.json().data).toMatchObject({ auth_login_attempts: 25, public_registration: false, public_registration_verify_email: true, default_appearance: 'auto' });
    }
  });

  it('an admin changes several at once; the answer and a later read show them; the revision keeps what they were', async () => {
    const payload = { project_name: 'People', project_color: '#123456', auth_login_attempts: 10, auth_password_policy: '/^.{12,}$/', public_registration: true, public_registration_email_filter: { email: { _ends_with: '@acme.test' } } };
    const res = await t().request({ method: 'PATCH', url: '/settings', as: t().admin.token, payload });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject(payload);
    expect((await t().request({ url: '/settings', as: c.app.token })).json().data).toMatchObject(payload);
    const log = await t().request({ url: '/activity?filter[collection][_eq]=directus_settings&sort=-id&limit=1&fields=action,user,revisions.before,revisions.delta', as: t().admin.token });
    const [entry] = log.json().data;
    expect(entry).toMatchObject({ action: 'update', user: t().admin.id });
    expect(entry.revisions[0].before).toMatchObject({ auth_login_attempts: 25, public_registration: false, auth_password_policy: null });
    expect(entry.revisions[0].delta).toMatchObject({ auth_login_attempts: 10, public_registration: true });
    // Back to the defaults for the other tests of this file.
    await t().request({ method: 'PATCH', url: '/settings', as: t().admin.token, payload: { auth_login_attempts: 25, auth_password_policy: null, public_registration: false } });
  });
});
