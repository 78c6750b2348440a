import { describe, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole, makeUser, type UserFixture } from '../../../test/fixtures.js';

describeEachDb('GET /users, /users/:id, /users/me', (t) => {
  let editor: UserFixture;
  let suspended: UserFixture;
  let apiOnly: UserFixture;
  let noRole: UserFixture;

  it('sets up users', async () => {
    const { db } = t();
    const editors = await makeRole(db, { name: 'Editors', app: true });
    const api = await makeRole(db, { name: 'API', app: false });
    editor = await makeUser(db, { email: 'Editor@Example.com', role: editors.id, first_name: 'Élodie', status: 'active' });
    suspended = await makeUser(db, { email: 'suspended@example.com', role: editors.id, status: 'suspended' });
    apiOnly = await makeUser(db, { email: 'api@example.com', role: api.id });
    noRole = await makeUser(db, { email: 'norole@example.com', role: null });
  });

  runScenarios(t, [
    {
      name: 'admin lists active users sorted by email, with the role name and meta',
      url: '/users?filter[status][_eq]=active&fields=id,email,role.name&sort=-email&meta=*',
      as: (t) => t.admin.token,
      status: 200,
      expect: (t) => ({
        data: [
          { email: 'norole@example.com', role: null },
          { email: 'Editor@Example.com', role: { name: 'Editors' } }, // sorted without regard to case
          { email: 'api@example.com', role: { name: 'API' } },
          { id: t.admin.id, email: 'admin@example.com', role: { name: 'Administrator' } },
        ],
        meta: { total_count: 5, filter_count: 4 },
      }),
    },
    {
      name: 'concealed fields read back masked or null, never the stored hash',
      url: (t) => `/users/${t.admin.id}?fields=id,token,password,tfa_secret`,
      as: (t) => t.admin.token,
      status: 200,
      expect: (t) => ({ data: { id: t.admin.id, token: '**********', password: null, tfa_secret: null } }),
      notContains: (t) => [t.admin.token!],
    },
    {
      name: 'the token can be sent as ?access_token=',
      url: (t) => `/users/me?fields=email&access_token=${t.admin.token}`,
      status: 200,
      expect: { data: { email: 'admin@example.com' } },
    },
    {
      name: 'a header and a query token together is a bad request',
      url: (t) => `/users/me?access_token=${t.admin.token}`,
      as: (t) => t.admin.token,
      status: 400,
      code: 'INVALID_PAYLOAD',
    },
    { name: 'an unknown token is refused', url: '/users/me', as: 'not-a-real-token-but-long-enough-123456', status: 401, code: 'INVALID_CREDENTIALS' },
    { name: 'a suspended user’s token is refused', url: '/users/me', as: () => suspended.token, status: 401, code: 'INVALID_CREDENTIALS' },
    { name: 'anonymous /users/me is 401', url: '/users/me', status: 401, code: 'INVALID_CREDENTIALS' },
    { name: 'anonymous /users is 403', url: '/users', status: 403, code: 'FORBIDDEN' },
    {
      name: 'an app user reads their own row through /users/me',
      url: '/users/me?fields=id,email,first_name,role',
      as: () => editor.token,
      status: 200,
      expect: () => ({ data: { id: editor.id, email: 'Editor@Example.com', first_name: 'Élodie', role: editor.role } }),
    },
    {
      name: 'an app user lists only themselves',
      url: '/users?fields=id',
      as: () => editor.token,
      status: 200,
      expect: () => ({ data: [{ id: editor.id }] }),
    },
    {
      name: 'an app user cannot read another user by id (403, as for a missing one)',
      url: (t) => `/users/${t.admin.id}`,
      as: () => editor.token,
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      name: 'an app user asking for a field they cannot read is refused',
      url: '/users/me?fields=token_version_does_not_exist',
      as: () => editor.token,
      status: 400,
      code: 'INVALID_QUERY',
    },
    {
      name: 'an API-only user without permissions gets only their id from /users/me',
      url: '/users/me',
      as: () => apiOnly.token,
      status: 200,
      expect: () => ({ data: { id: apiOnly.id } }),
    },
    { name: 'an API-only user without permissions cannot list users (403)', url: '/users', as: () => apiOnly.token, status: 403, code: 'FORBIDDEN' },
    { name: 'an API-only user cannot read another user by id (403)', url: (t) => `/users/${t.admin.id}`, as: () => apiOnly.token, status: 403, code: 'FORBIDDEN' },
    { name: 'an API-only user cannot read even their own row by id without a rule (403)', url: () => `/users/${apiOnly.id}`, as: () => apiOnly.token, status: 403, code: 'FORBIDDEN' },
    { name: 'a user without a role gets only their id from /users/me', url: '/users/me', as: () => noRole.token, status: 200, expect: () => ({ data: { id: noRole.id } }) },
    { name: 'a user without a role cannot read another user by id (403)', url: (t) => `/users/${t.admin.id}`, as: () => noRole.token, status: 403, code: 'FORBIDDEN' },
    { name: 'anonymous cannot read a user by id (403, as for a missing one)', url: (t) => `/users/${t.admin.id}`, status: 403, code: 'FORBIDDEN', notContains: ['admin@example.com'] },
    {
      name: 'a user without a role gets the public rights: none on users',
      url: '/users',
      as: () => noRole.token,
      status: 403,
      code: 'FORBIDDEN',
    },
    { name: 'a malformed id is 403, not 404 or 500', url: '/users/not-a-uuid', as: (t) => t.admin.token, status: 403, code: 'FORBIDDEN' },
    {
      name: 'case-insensitive filters fold non-ASCII letters',
      url: '/users?filter[first_name][_icontains]=ÉLO&fields=email',
      as: (t) => t.admin.token,
      status: 200,
      expect: { data: [{ email: 'Editor@Example.com' }] },
    },
    {
      name: 'SEARCH takes the query from the body',
      method: 'SEARCH',
      url: '/users',
      as: (t) => t.admin.token,
      body: { query: { filter: { email: { _ieq: 'editor@example.com' } }, fields: ['id'] } },
      status: 200,
      expect: () => ({ data: [{ id: editor.id }] }),
    },
    {
      name: 'roles list with their users',
      url: '/roles?filter[name][_eq]=Editors&fields=name,users',
      as: (t) => t.admin.token,
      status: 200,
      expect: () => ({ data: [{ name: 'Editors', users: expect.arrayContaining([editor.id, suspended.id]) }] }),
    },
  ]);

  describe('unknown routes', () => {
    it('answer 404 ROUTE_NOT_FOUND in the envelope with a request id', async () => {
      const res = await t().request({ method: 'GET', url: '/nowhere' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ errors: [{ message: "Route /nowhere doesn't exist.", extensions: { code: 'ROUTE_NOT_FOUND', path: '/nowhere' } }] });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
