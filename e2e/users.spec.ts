import { ADMIN, expect, signIn, test, uniqueEmail } from './fixtures';

test('create a user with only an email', async ({ page, api, shot }) => {
  const email = uniqueEmail('created');
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Create User' }).click();
  await expect(page).toHaveURL(/\/admin\/users\/\+$/);
  await shot(page, 'user-create');

  // Nothing filled in: the email is the one thing asked for.
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Enter an email address; it is the only required field')).toBeVisible();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page.getByRole('heading', { name: email })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'User created' })).toBeVisible();
  const id = page.url().split('/').pop()!;
  expect((await api.getUser(id, 'email')).email).toBe(email);

  await page.getByRole('link', { name: 'User Library' }).click();
  await page.getByLabel('Search').fill(email);
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(email).replace(/\./g, '\\.')}`));
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText(email);
});

test('configure a user: every field saved, API errors at the field, unsaved changes kept', async ({ page, api, shot }) => {
  const email = uniqueEmail('configure');
  const other = await api.createRole({ name: `Editors ${email}` });
  const user = await api.createUser({ email });
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`users/${user.id}`);
  await expect(page.getByRole('heading', { name: email })).toBeVisible();

  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name').fill('Hopper');
  await page.getByLabel('Title').fill('Rear Admiral');
  await page.getByLabel('Location').fill('Arlington');
  await page.getByLabel('Description').fill('Wrote the first compiler.');
  await page.getByRole('combobox', { name: 'Tags' }).fill('navy');
  await page.getByRole('combobox', { name: 'Tags' }).press('Enter');
  await page.getByRole('combobox', { name: 'Tags' }).fill('cobol');
  await page.getByRole('combobox', { name: 'Tags' }).press('Enter');
  await page.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: other.name }).click();
  await page.getByRole('combobox', { name: 'Appearance' }).click();
  await page.getByRole('option', { name: 'Dark' }).click();
  await page.getByLabel('Email notifications').click();
  await expect(page.getByLabel('Email notifications')).not.toBeChecked();

  // Leaving now asks first.
  await page.getByRole('link', { name: 'User Library' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await shot(page, 'user-detail-unsaved-changes');
  await leave.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(page.getByLabel('First name')).toHaveValue('Grace');

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Grace Hopper was updated' })).toBeVisible();
  const saved = await api.getUser(user.id);
  expect(saved).toMatchObject({
    first_name: 'Grace', last_name: 'Hopper', title: 'Rear Admiral', location: 'Arlington', description: 'Wrote the first compiler.',
    tags: ['navy', 'cobol'], role: other.id, appearance: 'dark', email_notifications: false,
  });

  await page.reload();
  await expect(page.getByLabel('Title')).toHaveValue('Rear Admiral');
  // The change is in the user's recent activity.
  await expect(page.getByRole('region', { name: 'Recent activity' })).toContainText('Admin User updated this user');
  await expect(page.getByRole('combobox', { name: 'Role' })).toHaveValue(other.name);
  await shot(page, 'user-detail');

  // The API refuses a duplicate email: the message is at the field.
  await page.getByRole('textbox', { name: 'Email' }).fill(ADMIN.email);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Already in use; choose another one.')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Could not save' })).toContainText('already in use');
  await shot(page, 'user-detail-field-error');
  expect((await api.getUser(user.id, 'email')).email).toBe(email);
  // Leave without saving this time.
  await page.getByRole('link', { name: 'User Library' }).click();
  await page.getByRole('dialog', { name: 'Leave without saving?' }).getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();
});

test('set a token, use it, and clear it', async ({ page, api, usher, shot, context }) => {
  const email = uniqueEmail('token');
  const role = await api.createRole({ name: `Scripts ${email}` });
  const user = await api.createUser({ email, status: 'active', role: role.id });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`users/${user.id}`);
  await expect(page.getByTestId('token-state')).toHaveText('No token is set.');

  await page.getByRole('button', { name: 'Generate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Copy the new token' });
  const token = (await dialog.getByTestId('new-token').textContent())!.trim();
  expect(token.length).toBeGreaterThanOrEqual(32);
  await shot(page, 'user-token-shown-once');
  await dialog.getByRole('button', { name: 'Copy token' }).click();
  await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('token-state')).toHaveText('A token is set.');

  // The token works as the user's credential.
  const me = await fetch(`${usher.url}/users/me?fields=email`, { headers: { authorization: `Bearer ${token}` } });
  expect(me.status).toBe(200);
  expect(((await me.json()) as { data: { email: string } }).data.email).toBe(email);

  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('dialog', { name: 'Clear the token?' }).getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('token-state')).toHaveText('No token is set.');
  const after = await fetch(`${usher.url}/users/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(after.status).toBe(401);
});

test('archive a user, find them with Show archived, and unarchive', async ({ page, api, shot }) => {
  const email = uniqueEmail('archive');
  const user = await api.createUser({ email, first_name: 'Archie', last_name: 'Ve' });
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`users/${user.id}`);
  await page.getByRole('button', { name: 'Archive User' }).click();
  const dialog = page.getByRole('dialog', { name: 'Archive this user?' });
  await shot(page, 'user-archive-confirm');
  await dialog.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'User archived' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unarchive' })).toBeVisible();
  expect((await api.getUser(user.id, 'status')).status).toBe('archived');

  await page.getByRole('link', { name: 'User Library' }).click();
  await page.getByLabel('Search').fill(email);
  await expect(page.getByText('No users match')).toBeVisible();
  await page.getByLabel('Show archived').click();
  await expect(page.getByLabel('Show archived')).toBeChecked();
  await expect(page).toHaveURL(/archived=1/);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('Archie Ve');
  await shot(page, 'user-library-archived');

  await page.getByRole('link', { name: 'Archie Ve' }).click();
  await page.getByRole('button', { name: 'Unarchive' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'User unarchived' })).toBeVisible();
  expect((await api.getUser(user.id, 'status')).status).toBe('draft');
});

test('select several users and delete them', async ({ page, api, shot }) => {
  const tag = uniqueEmail('bulk').split('@')[0]!;
  const ids: string[] = [];
  for (const n of [1, 2, 3]) ids.push((await api.createUser({ email: `${tag}-${n}@example.com`, last_name: `Bulk ${n}` })).id);
  const keep = await api.createUser({ email: `${tag}-keep@example.com`, last_name: 'Keeper' });

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByLabel('Search').fill(tag);
  const table = page.getByRole('table', { name: 'Users' });
  await expect(table.getByRole('row')).toHaveCount(5);
  await expect(page.getByRole('button', { name: /Delete User/ })).toHaveCount(0);
  for (const n of [1, 2, 3]) await page.getByRole('checkbox', { name: `Select Bulk ${n}` }).check();
  await page.getByRole('button', { name: 'Delete User (3)' }).click();

  const dialog = page.getByRole('dialog', { name: 'Delete 3 users?' });
  await expect(dialog).toContainText('permanently deletes 3 users');
  await shot(page, 'user-library-delete-confirm');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '3 users deleted' })).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('Keeper');
  const left = await api.call<unknown[]>('GET', `/users?fields=id&filter=${encodeURIComponent(JSON.stringify({ id: { _in: [...ids, keep.id] } }))}`);
  expect(left).toEqual([{ id: keep.id }]);
});

test('the list state lives in the URL: filters, sort and pages survive a reload', async ({ page, api, shot }) => {
  const tag = uniqueEmail('page').split('@')[0]!;
  const role = await api.createRole({ name: `Pagers ${tag}` });
  await api.call('POST', '/users', Array.from({ length: 30 }, (_, i) => ({ email: `${tag}-${String(i).padStart(2, '0')}@example.com`, role: role.id })));
  await api.createUser({ email: `${tag}-suspended@example.com`, status: 'suspended', role: role.id });

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByLabel('Search').fill(tag);
  const table = page.getByRole('table', { name: 'Users' });
  await expect(page.getByText('31 users · page 1 of 2')).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(26);

  await page.getByRole('button', { name: 'Page 2' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(table.getByRole('row')).toHaveCount(7);
  await page.reload();
  await expect(page.getByText('31 users · page 2 of 2')).toBeVisible();

  await page.getByRole('button', { name: 'Sort by Email' }).click();
  await expect(page).toHaveURL(/sort=-email/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(table.getByRole('row').nth(1)).toContainText(`${tag}-suspended@example.com`);

  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Suspended' }).click();
  await expect(page).toHaveURL(/status=suspended/);
  await expect(page.getByText('1 user', { exact: true })).toBeVisible();
  await page.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: role.name }).click();
  await expect(page).toHaveURL(new RegExp(`role=${role.id}`));
  await page.reload();
  await expect(page.getByLabel('Search')).toHaveValue(tag);
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('Suspended');
  await expect(table.getByRole('row')).toHaveCount(2);
  await shot(page, 'user-library-filtered');
});
