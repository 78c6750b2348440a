// PATCH /users in its three batch forms (an array of items with ids, {keys, data}, {query, data}),
// by each kind of caller: the read-back is always an array (or 204), and a batch is all or nothing.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, type TestApp } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeUser, type UserFixture } from '../../../test/fixtures.js';
import { newId } from '../../util/crypto.js';
import { expectUnchanged, makeCallers, unchanged, userRow, userWithRights, type Callers } from './users.test-support.js';

const admin = (t: TestApp) => t.admin.token;

describeEachDb('PATCH /users (batch forms)', (t) => {
  let c: Callers;
  let a: UserFixture;
  let b: UserFixture;
  let editor: UserFixture; // update first_name on everyone, read only self

  beforeAll(async () => {
    c = await makeCallers(t(), 'batch');
    a = await makeUser(t().db, { email: 'batch-a@example.com', title: 'team-x' });
    b = await makeUser(t().db, { email: 'batch-b@example.com', title: 'team-x' });
    editor = await userWithRights(t(), 'batch-editor@example.com', { update: { fields: 'first_name' } });
  });

  runScenarios(t, [
    {
      name: 'admin, array of items: 200 with an array',
      method: 'PATCH',
      url: '/users?fields=id,first_name,last_name&sort=email',
      as: admin,
      body: () => [
        { id: a.id, first_name: 'Ay' },
        { id: b.id, last_name: 'Bee' },
      ],
      status: 200,
      expect: () => ({ data: [{ id: a.id, first_name: 'Ay' }, { id: b.id, last_name: 'Bee' }] }),
    },
    {
      name: 'admin, {keys, data}: 200 with an array, even for one key',
      method: 'PATCH',
      url: '/users?fields=id,location',
      as: admin,
      body: () => ({ keys: [a.id], data: { location: 'Lyon' } }),
      status: 200,
      expect: () => ({ data: [{ id: a.id, location: 'Lyon' }] }),
    },
    {
      name: 'admin, {query, data}: the matching users change, 200 with an array',
      method: 'PATCH',
      url: '/users?fields=email,location&sort=email',
      as: admin,
      body: { query: { filter: { title: { _eq: 'team-x' } } }, data: { location: 'Oslo' } },
      status: 200,
      expect: { data: [{ email: 'batch-a@example.com', location: 'Oslo' }, { email: 'batch-b@example.com', location: 'Oslo' }] },
      after: (_t, res) => void expect(res.json().data).toHaveLength(2),
    },
    { name: 'admin, {query, data} matching nobody: 204', method: 'PATCH', url: '/users', as: admin, body: { query: { filter: { title: { _eq: 'nobody' } } }, data: { location: 'Nowhere' } }, status: 204 },
    unchanged({ name: 'keys and query together: 400 INVALID_PAYLOAD', method: 'PATCH', url: '/users', as: admin, body: () => ({ keys: [a.id], query: { filter: {} }, data: { location: 'Both' } }), status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'neither form: 400 INVALID_PAYLOAD', method: 'PATCH', url: '/users', as: admin, body: { location: 'What' }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'an array item without an id: 400 INVALID_PAYLOAD', method: 'PATCH', url: '/users', as: admin, body: () => [{ id: a.id, location: 'Rome' }, { location: 'Rome' }], status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: '{keys, data} without data: 400 INVALID_PAYLOAD', method: 'PATCH', url: '/users', as: admin, body: () => ({ keys: [a.id] }), status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'array: one invalid item and no item changes', method: 'PATCH', url: '/users', as: admin, body: () => [{ id: a.id, location: 'Rome' }, { id: b.id, status: 'gone' }], status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'array: one unknown id and no item changes (403)', method: 'PATCH', url: '/users', as: admin, body: () => [{ id: a.id, location: 'Rome' }, { id: newId(), location: 'Rome' }], status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: '{keys, data}: one unknown key and no key changes (403)', method: 'PATCH', url: '/users', as: admin, body: () => ({ keys: [a.id, newId()], data: { location: 'Rome' } }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: '{keys, data}: one email for two users is not unique', method: 'PATCH', url: '/users', as: admin, body: () => ({ keys: [a.id, b.id], data: { email: 'same@example.com' } }), status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: 'array: the same new email for two users (in two cases) is not unique', method: 'PATCH', url: '/users', as: admin, body: () => [{ id: a.id, email: 'Twin@example.com' }, { id: b.id, email: 'twin@EXAMPLE.com' }], status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: '{keys, data}: one static token for two users is not unique', method: 'PATCH', url: '/users', as: admin, body: () => ({ keys: [a.id, b.id], data: { token: 'one-token-for-two-users-one-token-for-two' } }), status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: 'array: the same new static token for two users is not unique', method: 'PATCH', url: '/users', as: admin, body: () => [{ id: a.id, token: 'one-token-for-two-users-one-token-for-two' }, { id: b.id, token: 'one-token-for-two-users-one-token-for-two' }], status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: 'app user without rows, array naming another user: 403', method: 'PATCH', url: '/users', as: () => c.app.token, body: () => [{ id: c.app.id, first_name: 'Me' }, { id: a.id, first_name: 'You' }], status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'API-only user, {keys, data} on themselves: 403', method: 'PATCH', url: '/users', as: () => c.apiOnly.token, body: () => ({ keys: [c.apiOnly.id], data: { first_name: 'Api' } }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'user without role, {keys, data}: 403', method: 'PATCH', url: '/users', as: () => c.noRole.token, body: () => ({ keys: [c.noRole.id], data: { first_name: 'None' } }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous, {query, data}: 403', method: 'PATCH', url: '/users', body: { query: { filter: {} }, data: { first_name: 'Anon' } }, status: 403, code: 'FORBIDDEN' }),
    {
      name: 'app user without rows, {query, data}: the query sees only their own row, so only it changes',
      method: 'PATCH',
      url: '/users?fields=id,first_name',
      as: () => c.app.token,
      body: { query: { filter: {} }, data: { first_name: 'OnlyMe' } },
      status: 200,
      expect: () => ({ data: [{ id: c.app.id, first_name: 'OnlyMe' }] }),
      after: async (t) => {
        expect((await userRow(t, a.id))?.first_name).not.toBe('OnlyMe');
        const res = await t.request({ url: '/users?fields=id&filter[first_name][_eq]=OnlyMe', as: t.admin.token });
        expect(res.json().data).toEqual([{ id: c.app.id }]);
      },
    },
    {
      name: 'an update row without read on the result: 204, the change made',
      method: 'PATCH',
      url: '/users',
      as: () => editor.token,
      body: () => ({ keys: [a.id, b.id], data: { first_name: 'ByEditor' } }),
      status: 204,
      after: async (t) => {
        expect((await userRow(t, a.id))?.first_name).toBe('ByEditor');
        expect((await userRow(t, b.id))?.first_name).toBe('ByEditor');
      },
    },
  ]);

  it('a batch of a valid and a forbidden change writes neither, whichever comes first', async () => {
    for (const body of [
      [{ id: a.id, first_name: 'First' }, { id: b.id, status: 'suspended' }],
      [{ id: b.id, status: 'suspended' }, { id: a.id, first_name: 'First' }],
    ]) {
      const res = await expectUnchanged(t(), () => t().request({ method: 'PATCH', url: '/users', as: editor.token, payload: body }));
      expect(res.statusCode, res.body).toBe(403);
    }
  });
});
