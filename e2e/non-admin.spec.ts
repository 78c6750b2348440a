import { ADMIN, expect, signIn, test, uniqueEmail } from './fixtures';

test("a non-admin sees only what their role allows", async ({ page, api, shot }) => {
  const tag = uniqueEmail('editor').split('@')[0]!;
  const role = await api.createRole({ name: `Editors ${tag}` });
  // Editors may read every user's name, email, status and role, and nothing else.
  await api.addPermission({ role: role.id, collection: 'directus_users', action: 'read', fields: ['id', 'first_name', 'last_name', 'email', 'status', 'role', 'last_access'] });
  await api.addPermission({ role: role.id, collection: 'directus_roles', action: 'read', fields: ['id', 'name'] });
  const email = `${tag}@example.com`;
  const password = 'Editor-password-1';
  const me = await api.createUser({ email, password, role: role.id, first_name: 'Eddie', last_name: 'Tor' });
  const admin = await api.findUserByEmail(ADMIN.email, 'id');

  await signIn(page, email, password);
  await expect(page.getByRole('table', { name: 'Users' })).toContainText(ADMIN.email);
  await expect(page.getByRole('link', { name: 'Create User' })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('link', { name: /Roles & Permissions/ })).toHaveCount(0);
  await shot(page, 'non-admin-user-library');

  // Their own page: profile and preferences editable, status and role not, with the reason.
  await page.goto(`users/${me.id}`);
  await expect(page.getByRole('heading', { name: 'Eddie Tor' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Status' })).toBeDisabled();
  await expect(page.getByRole('combobox', { name: 'Role' })).toBeDisabled();
  await expect(page.getByText('Only admins can change this.').first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Preferences' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Archive User' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Token' })).toHaveCount(0);
  await page.getByLabel('Title').fill('Copy editor');
  await page.getByRole('combobox', { name: 'Appearance' }).click();
  await page.getByRole('option', { name: 'Dark' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'was updated' })).toBeVisible();
  // Their appearance preference applies at once.
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await shot(page, 'non-admin-own-page-dark');
  expect(await api.getUser(me.id, 'title,appearance')).toEqual({ title: 'Copy editor', appearance: 'dark' });

  // Someone else's page: read only, no preferences.
  await page.goto(`users/${admin!.id}`);
  await expect(page.getByText('You can view this user but not change them.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Preferences' })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'First name' })).toBeDisabled();
  await shot(page, 'non-admin-other-user');

  // Create User is not offered; the form, reached by its address, says why and saves nothing.
  await page.goto('users/+');
  await expect(page.getByText("Your role can't create users.")).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create', exact: true })).toHaveCount(0);
  await shot(page, 'non-admin-create-user');

  // Settings say plainly they are not for this role, the list and a role's page alike.
  await page.goto('settings/roles');
  await expect(page.getByText('Settings are not available to you')).toBeVisible();
  await shot(page, 'non-admin-settings');
  await page.goto(`settings/roles/${role.id}`);
  await expect(page.getByText('Settings are not available to you')).toBeVisible();
  await shot(page, 'non-admin-role-page');
});
