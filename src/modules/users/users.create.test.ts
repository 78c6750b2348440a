// POST /users by each kind of caller: the rules on a new user (email required, valid, unique
// without regard to case but stored as typed; status active by default and one of six; masked
// secrets; a static token of at least 32 characters; no tfa_secret; no unknown field), the object
// and array forms, the read-back, and that every refused request leaves the database as it was.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, type TestApp } from '../../../test/harness.js';
import { runScenarios } from '../../../test/scenario.js';
import { makeRole, type UserFixture } from '../../../test/fixtures.js';
import { newId, sha256 } from '../../util/crypto.js';
import { updateSettings } from '../settings/settings.repository.js';
import { countRows, expectUnchanged, makeCallers, unchanged, userRow, userWithRights, type Callers } from './users.test-support.js';

const TOKEN = 'a-static-token-of-exactly-40-characters!';
const admin = (t: { admin: UserFixture }) => t.admin.token;

/** `{ role: { users: { role: { users: ... } } } }`, `depth` relations deep. */
function deepRoleFilter(depth: number): unknown {
  let filter: unknown = { id: { _nnull: true } };
  for (let i = 0; i < depth; i++) filter = i % 2 === 0 ? { users: filter } : { role: filter };
  return filter;
}


describeEachDb('POST /users', (t) => {
  let c: Callers;
  let creator: UserFixture; // may create (email, first_name, password), reads only themselves
  let validated: UserFixture; // may create only @corp.example addresses, preset first_name
  let wide: UserFixture; // a rule granting create on every field
  let roleId: string;

  beforeAll(async () => {
    c = await makeCallers(t(), 'create');
    roleId = (await makeRole(t().db, { name: 'Target role' })).id;
    creator = await userWithRights(t(), 'creator@example.com', { create: { fields: 'email,first_name,password' } });
    validated = await userWithRights(t(), 'validated@example.com', {
      create: { fields: 'email', validation: { email: { _ends_with: '@corp.example' } }, presets: { first_name: 'Preset' } },
    });
    wide = await userWithRights(t(), 'wide@example.com', { create: { fields: '*' }, read: { fields: '*' } });
  });

  runScenarios(t, [
    {
      name: 'admin: 200 with the new user read back; email as typed, status active, secrets masked',
      method: 'POST',
      url: '/users?fields=id,email,status,role,password,token,tfa_secret,first_name',
      as: admin,
      body: { email: 'New.Person@Example.COM', password: 'A-good-password-1', token: TOKEN, first_name: 'New' },
      status: 200,
      expect: { data: { email: 'New.Person@Example.COM', status: 'active', role: null, password: '**********', token: '**********', tfa_secret: null, first_name: 'New' } },
      notContains: ['A-good-password-1', TOKEN, sha256(TOKEN)],
      after: async (t, res) => {
        const row = (await userRow(t, res.json().data.id))!;
        expect(row.email).toBe('New.Person@Example.COM');
        expect(row.password).toMatch(/^\$argon2id\$/);
        expect(row.token).toBe(sha256(TOKEN));
        expect(row.status).toBe('active');
      },
    },
    {
      name: 'admin: a given id, a role and status draft are kept; the read-back follows ?fields',
      method: 'POST',
      url: '/users?fields=email,status',
      as: admin,
      body: (t: TestApp) => ({ id: '6f1c1a8e-2b7a-4c1e-9d3f-111111111111', email: `draft-${t.dialect}@example.com`, status: 'draft', role: roleId }),
      status: 200,
      expect: (t) => ({ data: { email: `draft-${t.dialect}@example.com`, status: 'draft' } }),
      after: async (t, res) => {
        expect(Object.keys(res.json().data)).toEqual(['email', 'status']);
        expect((await userRow(t, '6f1c1a8e-2b7a-4c1e-9d3f-111111111111'))?.role).toBe(roleId);
      },
    },
    unchanged({ name: 'no email: 400 FAILED_VALIDATION', method: 'POST', url: '/users', as: admin, body: { first_name: 'Nobody' }, status: 400, code: 'FAILED_VALIDATION', expect: { errors: [{ extensions: { field: 'email', type: 'required' } }] } }),
    unchanged({ name: 'a malformed email: 400 FAILED_VALIDATION', method: 'POST', url: '/users', as: admin, body: { email: 'not-an-email' }, status: 400, code: 'FAILED_VALIDATION', expect: { errors: [{ extensions: { field: 'email' } }] } }),
    unchanged({ name: 'an email taken in another case: 400 RECORD_NOT_UNIQUE', method: 'POST', url: '/users', as: admin, body: { email: 'ADMIN@example.com' }, status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: 'a status outside the six: 400 FAILED_VALIDATION', method: 'POST', url: '/users', as: admin, body: { email: 'status@example.com', status: 'banana' }, status: 400, code: 'FAILED_VALIDATION', expect: { errors: [{ extensions: { field: 'status' } }] } }),
    unchanged({ name: 'a static token under 32 characters: 400 FAILED_VALIDATION', method: 'POST', url: '/users', as: admin, body: { email: 'short@example.com', token: 'x'.repeat(31) }, status: 400, code: 'FAILED_VALIDATION', expect: { errors: [{ extensions: { field: 'token' } }] } }),
    unchanged({ name: 'tfa_secret: 400 INVALID_PAYLOAD', method: 'POST', url: '/users', as: admin, body: { email: 'tfa@example.com', tfa_secret: 'JBSWY3DPEHPK3PXP' }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'an unknown field: 400 INVALID_PAYLOAD', method: 'POST', url: '/users', as: admin, body: { email: 'field@example.com', shoe_size: 44 }, status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'an unknown role: 400 INVALID_FOREIGN_KEY', method: 'POST', url: '/users', as: admin, body: { email: 'role@example.com', role: newId() }, status: 400, code: 'INVALID_FOREIGN_KEY' }),
    unchanged({ name: 'neither an object nor an array: 400 INVALID_PAYLOAD', method: 'POST', url: '/users', as: admin, body: ['just-a-string'], status: 400, code: 'INVALID_PAYLOAD' }),
    unchanged({ name: 'a bad ?fields is refused before anything is written', method: 'POST', url: '/users?fields=no_such_field', as: admin, body: { email: 'query@example.com' }, status: 400, code: 'INVALID_QUERY' }),
    unchanged({ name: 'a read-back filter through more than 10 relations: 400 INVALID_QUERY, nothing written', method: 'POST', url: `/users?filter=${encodeURIComponent(JSON.stringify(deepRoleFilter(60)))}`, as: admin, body: { email: 'deep@example.com' }, status: 400, code: 'INVALID_QUERY' }),
    {
      name: 'admin, array: 200 with an array read back (sorted as the query says, by id by default)',
      method: 'POST',
      url: '/users?fields=email&sort=email',
      as: admin,
      body: [{ email: 'batch-2@example.com' }, { email: 'batch-1@example.com' }],
      status: 200,
      expect: { data: [{ email: 'batch-1@example.com' }, { email: 'batch-2@example.com' }] },
      after: (_t, res) => void expect(res.json().data).toHaveLength(2),
    },
    unchanged({ name: 'array: one bad item and nothing is created', method: 'POST', url: '/users', as: admin, body: [{ email: 'batch-ok@example.com' }, { email: 'batch-bad' }], status: 400, code: 'FAILED_VALIDATION' }),
    unchanged({ name: 'array: the same email twice (in two cases) is not unique', method: 'POST', url: '/users', as: admin, body: [{ email: 'twice@example.com' }, { email: 'TWICE@example.com' }], status: 400, code: 'RECORD_NOT_UNIQUE' }),
    unchanged({ name: 'app user without rows: 403', method: 'POST', url: '/users', as: () => c.app.token, body: { email: 'by-app@example.com' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'API-only user: 403', method: 'POST', url: '/users', as: () => c.apiOnly.token, body: { email: 'by-api@example.com' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'user without role: 403', method: 'POST', url: '/users', as: () => c.noRole.token, body: { email: 'by-norole@example.com' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'anonymous: 403', method: 'POST', url: '/users', body: { email: 'by-anon@example.com' }, status: 403, code: 'FORBIDDEN' }),
    {
      name: 'a user with a create row but no read on the result: 204, and the user exists',
      method: 'POST',
      url: '/users',
      as: () => creator.token,
      body: { email: 'Made.By.Creator@example.com', first_name: 'Made' },
      status: 204,
      after: async (t, res) => {
        expect(res.body).toBe('');
        const row = await t.db.kysely.selectFrom('directus_users').selectAll().where('email_lower', '=', 'made.by.creator@example.com').executeTakeFirst();
        expect(row).toMatchObject({ email: 'Made.By.Creator@example.com', first_name: 'Made', status: 'active', role: null });
      },
    },
    unchanged({ name: 'a create row: a field outside it is 403', method: 'POST', url: '/users', as: () => creator.token, body: { email: 'titled@example.com', title: 'Boss' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'a create row on every field: status is still admin-only (403)', method: 'POST', url: '/users', as: () => wide.token, body: { email: 'wide-status@example.com', status: 'draft' }, status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'a create row on every field: role is still admin-only (403)', method: 'POST', url: '/users', as: () => wide.token, body: () => ({ email: 'wide-role@example.com', role: roleId }), status: 403, code: 'FORBIDDEN' }),
    unchanged({ name: 'a create row on every field: token is still admin-only (403)', method: 'POST', url: '/users', as: () => wide.token, body: { email: 'wide-token@example.com', token: TOKEN.replace('a-', 'b-') }, status: 403, code: 'FORBIDDEN' }),
    {
      name: 'a create row on every field, and read on all: 200 with the user read back',
      method: 'POST',
      url: '/users?fields=email,status',
      as: () => wide.token,
      body: { email: 'wide-ok@example.com', title: 'Made wide' },
      status: 200,
      expect: { data: { email: 'wide-ok@example.com', status: 'active' } },
    },
    unchanged({ name: "the rule's validation: a payload that fails it is 400 FAILED_VALIDATION", method: 'POST', url: '/users', as: () => validated.token, body: { email: 'outsider@example.com' }, status: 400, code: 'FAILED_VALIDATION' }),
    {
      name: "the rule's validation passes and its presets fill in what the payload leaves out",
      method: 'POST',
      url: '/users',
      as: () => validated.token,
      body: { email: 'insider@corp.example' },
      status: 204,
      after: async (t) => {
        const row = await t.db.kysely.selectFrom('directus_users').selectAll().where('email_lower', '=', 'insider@corp.example').executeTakeFirst();
        expect(row?.first_name).toBe('Preset');
      },
    },
  ]);

  it('a password against the policy: 400 FAILED_VALIDATION, never echoed, nothing created', async () => {
    await updateSettings(t().db.kysely, { auth_password_policy: '/^.{12,}$/' });
    try {
      const res = await expectUnchanged(t(), () =>
        t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'weak@example.com', password: 'Short-1' } }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].extensions).toMatchObject({ code: 'FAILED_VALIDATION', field: 'password' });
      expect(res.body).not.toContain('Short-1');
    } finally {
      await updateSettings(t().db.kysely, { auth_password_policy: null });
    }
  });

  it('a static token already held by someone else is not unique, and nothing is created', async () => {
    const first = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'token-1@example.com', token: 'shared-token-shared-token-shared-token-1' } });
    expect(first.statusCode, first.body).toBe(200);
    const users = await countRows(t(), 'directus_users');
    const res = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'token-2@example.com', token: 'shared-token-shared-token-shared-token-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    expect(await countRows(t(), 'directus_users')).toBe(users);
  });
  it('an external_identifier already held by someone else is 400 RECORD_NOT_UNIQUE (the unique index answers, never a 500), and nothing is created', async () => {
    const first = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'ext-1@example.com', external_identifier: 'cn=shared' } });
    expect(first.statusCode, first.body).toBe(200);
    const users = await countRows(t(), 'directus_users');
    const res = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: 'ext-2@example.com', external_identifier: 'cn=shared' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].extensions).toEqual({ code: 'RECORD_NOT_UNIQUE', collection: 'directus_users', field: 'external_identifier' });
    expect(await countRows(t(), 'directus_users')).toBe(users);
  });

  it('two creates racing for one email: one is made, the other is 400 RECORD_NOT_UNIQUE', async () => {
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { email: i % 2 ? 'RACE@example.com' : 'race@example.com' } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400, 400]);
    for (const r of results.filter((x) => x.statusCode === 400)) expect(r.json().errors[0].extensions.code, r.body).toBe('RECORD_NOT_UNIQUE');
  });
  it('an id already taken, or the same id twice in one batch, is 400 RECORD_NOT_UNIQUE (never a 500), and nothing is created', async () => {
    const users = await countRows(t(), 'directus_users');
    const taken = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: { id: t().admin.id, email: 'id-taken@example.com' } });
    expect(taken.statusCode, taken.body).toBe(400);
    expect(taken.json().errors[0].extensions).toMatchObject({ code: 'RECORD_NOT_UNIQUE', field: 'id' });
    const id = '5b0c6f0e-4c83-4f39-9d3a-0a4c6f1e2d33';
    const twice = await t().request({ method: 'POST', url: '/users', as: t().admin.token, payload: [{ id, email: 'twice-a@example.com' }, { id, email: 'twice-b@example.com' }] });
    expect(twice.statusCode, twice.body).toBe(400);
    expect(twice.json().errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    expect(await countRows(t(), 'directus_users')).toBe(users);
  });
});
