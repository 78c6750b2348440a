import { linkParam } from '../test/smtp';
import { ADMIN, expect, signIn, test, uniqueEmail } from './fixtures';

test('invite two people from a role page; one opens the mail, sets a password and lands signed in', async ({ page, api, usher, browser, shot }) => {
  const tag = uniqueEmail('inv').split('@')[0]!;
  const role = await api.createRole({ name: `Reviewers ${tag}` });
  const [first, second] = [`${tag}-ada@example.com`, `${tag}-grace@example.com`];

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: /Roles & Permissions/ }).click();
  await expect(page.getByRole('heading', { name: 'Roles & Permissions' })).toBeVisible();
  await shot(page, 'roles');
  await page.getByRole('link', { name: role.name }).click();
  await expect(page.getByRole('heading', { name: role.name, level: 1 })).toBeVisible();
  await shot(page, 'role-detail');

  await page.getByRole('button', { name: 'Invite Users' }).click();
  const dialog = page.getByRole('dialog', { name: `Invite users to ${role.name}` });
  await dialog.getByLabel('Email addresses').fill(`${first}, not-an-address`);
  await dialog.getByRole('button', { name: 'Invite' }).click();
  await expect(dialog.getByText('"not-an-address" is not an email address')).toBeVisible();
  await dialog.getByLabel('Email addresses').fill(`${first}, ${second}, ${ADMIN.email}`);
  await shot(page, 'role-invite-users');
  await dialog.getByRole('button', { name: 'Invite' }).click();
  const results = dialog.getByRole('table', { name: 'Invitation results' });
  await expect(results.getByRole('row', { name: new RegExp(first) })).toContainText('Invited');
  await expect(results.getByRole('row', { name: new RegExp(second) })).toContainText('Invited');
  await expect(results.getByRole('row', { name: new RegExp(ADMIN.email) })).toContainText('Skipped');
  await shot(page, 'role-invite-results');
  await dialog.getByRole('button', { name: 'Done' }).click();
  const members = page.getByRole('table', { name: `Users in ${role.name}` });
  await expect(members).toContainText(first);
  await expect(members).toContainText(second);

  // The invited user's page shows the invitation, delivered.
  await members.getByRole('link', { name: first }).click();
  await expect(page.getByTestId('invite-details')).toContainText('Sent');
  await expect(page.getByTestId('invite-details')).toContainText('delivered to the mail server');
  await shot(page, 'user-detail-invited');

  // Ada opens her mail in her own browser.
  const mail = await usher.smtp.waitFor((m) => m.to.includes(first.toLowerCase()), 10_000);
  const token = linkParam(mail.html || mail.text, 'token');
  expect(token).toBeTruthy();
  const link = (mail.text.match(/https?:\/\/\S+accept-invite\S+/) ?? [])[0]!;
  expect(link.startsWith(`${usher.url}/admin/accept-invite?token=`)).toBe(true);
  const ada = await browser.newContext({ reducedMotion: 'reduce' });
  const invitee = await ada.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { name: 'Accept your invitation' })).toBeVisible();
  await expect(invitee.getByRole('textbox', { name: 'Email' })).toHaveValue(first);
  await shot(invitee, 'accept-invite');
  await invitee.getByRole('textbox', { name: 'New password' }).fill('Ada-Lovelace-1815');
  await invitee.getByRole('textbox', { name: 'Repeat the password' }).fill('Ada-Lovelace-1816');
  await invitee.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(invitee.getByText('The two passwords are not the same')).toBeVisible();
  await invitee.getByRole('textbox', { name: 'Repeat the password' }).fill('Ada-Lovelace-1815');
  await invitee.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(invitee.getByRole('heading', { name: 'User Library' })).toBeVisible();
  await expect(invitee.getByRole('button', { name: /Account menu/ })).toContainText(first.split('@')[0]!);
  expect((await api.findUserByEmail(first, 'status'))?.status).toBe('active');
  await ada.close();

  // The role list counts them.
  await page.getByRole('link', { name: /Roles & Permissions/ }).click();
  await expect(page.getByRole('row', { name: new RegExp(role.name) })).toContainText('2');

  // Grace's invitation: resent (a new mail; the first link stops working), then revoked.
  await page.getByRole('link', { name: role.name }).click();
  await page.getByRole('table', { name: `Users in ${role.name}` }).getByRole('link', { name: second }).click();
  await expect(page.getByTestId('invite-details')).toContainText('pending');
  const firstMail = await usher.smtp.waitFor((m) => m.to.includes(second.toLowerCase()), 10_000);
  await page.getByRole('button', { name: 'Resend' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Invitation resent' })).toBeVisible();
  const resent = await usher.smtp.waitFor((m) => m !== firstMail && m.to.includes(second.toLowerCase()), 10_000);
  const oldLink = (firstMail.text.match(/https?:\/\/\S+accept-invite\S+/) ?? [])[0]!;
  const newLink = (resent.text.match(/https?:\/\/\S+accept-invite\S+/) ?? [])[0]!;
  expect(newLink).not.toBe(oldLink);
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: 'Revoke the invitation?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Invitation revoked' })).toBeVisible();
  await expect(page.getByTestId('invite-details')).toContainText('revoked');
  await shot(page, 'user-detail-invite-revoked');
  const grace = await browser.newContext({ reducedMotion: 'reduce' });
  const graces = await grace.newPage();
  for (const link of [oldLink, newLink]) {
    await graces.goto(link);
    await expect(graces.getByText('This invitation link does not work')).toBeVisible();
  }
  await shot(graces, 'accept-invite-revoked');
  await grace.close();
});

test('change a role from the user page and from Users in Role', async ({ page, api, shot }) => {
  const tag = uniqueEmail('move').split('@')[0]!;
  const from = await api.createRole({ name: `From ${tag}` });
  const to = await api.createRole({ name: `To ${tag}` });
  const u1 = await api.createUser({ email: `${tag}-one@example.com`, first_name: 'One', role: from.id });
  const u2 = await api.createUser({ email: `${tag}-two@example.com`, first_name: 'Two', role: from.id });

  await signIn(page, ADMIN.email, ADMIN.password);
  // From the user page.
  await page.goto(`users/${u1.id}`);
  await page.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: to.name }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'was updated' })).toBeVisible();
  expect((await api.getUser(u1.id, 'role')).role).toBe(to.id);

  // From Users in Role: add Two to "To", then remove One from it.
  await page.goto(`settings/roles/${to.id}`);
  const members = page.getByRole('table', { name: `Users in ${to.name}` });
  await expect(members).toContainText('One');
  await page.getByRole('textbox', { name: 'Add an existing user' }).or(page.getByRole('combobox', { name: 'Add an existing user' })).fill(`${tag}-two`);
  await page.getByRole('option', { name: new RegExp(`${tag}-two`) }).click();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Added to role' })).toBeVisible();
  await expect(members).toContainText('Two');
  expect((await api.getUser(u2.id, 'role')).role).toBe(to.id);
  await shot(page, 'role-users-in-role');

  await members.getByRole('button', { name: 'Remove One from role' }).click();
  await page.getByRole('dialog', { name: /Remove One from/ }).getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Removed from role' })).toBeVisible();
  await expect(members).not.toContainText('One');
  expect((await api.getUser(u1.id, 'role')).role).toBeNull();
});

test('edit a role and its permissions', async ({ page, api, shot }) => {
  const tag = uniqueEmail('perm').split('@')[0]!;
  const role = await api.createRole({ name: `Auditors ${tag}` });
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`settings/roles/${role.id}`);

  await page.getByLabel('Description').fill('Reads the audit trail.');
  await page.getByLabel('Require 2FA').click();
  await page.getByRole('combobox', { name: 'IP access' }).or(page.getByRole('textbox', { name: 'IP access' })).fill('10.0.0.0/8');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Role saved' })).toBeVisible();
  const saved = await api.call<Record<string, unknown>>('GET', `/roles/${role.id}?fields=description,enforce_tfa,ip_access`);
  expect(saved).toEqual({ description: 'Reads the audit trail.', enforce_tfa: true, ip_access: ['10.0.0.0/8'] });

  // All access to reading activity.
  const cell = (collection: string, action: string) => page.getByRole('button', { name: new RegExp(`^${collection} ${action}: `) });
  await cell('Activity', 'read').click();
  await page.getByRole('menuitem', { name: 'All access' }).click();
  await expect(cell('Activity', 'read')).toHaveAttribute('data-state', 'all');

  // Custom read on users: some fields, and a row filter checked as it is typed.
  await cell('Users', 'read').click();
  await page.getByRole('menuitem', { name: 'Use custom' }).click();
  const dialog = page.getByRole('dialog', { name: 'Users: custom read access' });
  await dialog.getByRole('button', { name: 'Select none' }).click();
  for (const f of ['id', 'first_name', 'last_name', 'email', 'status']) await dialog.getByRole('checkbox', { name: f, exact: true }).check();
  const filter = dialog.getByRole('textbox', { name: /Item filter/ });
  await filter.fill('{"status": {"_equals": "active"}}');
  await expect(dialog.getByText('"_equals" is not a filter operator')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled();
  await filter.fill('{"nickname": {"_eq": "x"}}');
  await expect(dialog.getByText('"nickname" is not a field of users')).toBeVisible();
  await filter.fill('{"status": {"_eq": "active"}, "role": {"name": {"_eq": "Auditors"}}}');
  await shot(page, 'role-permission-custom');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(cell('Users', 'read')).toHaveAttribute('data-state', 'custom');
  await shot(page, 'role-permissions');

  const rows = await api.call<Record<string, unknown>[]>('GET', `/permissions?filter=${encodeURIComponent(JSON.stringify({ role: { _eq: role.id } }))}&sort=collection`);
  expect(rows.map((r) => [r.collection, r.action, r.fields, r.permissions])).toEqual([
    ['directus_activity', 'read', ['*'], {}],
    ['directus_users', 'read', ['id', 'first_name', 'last_name', 'email', 'status'], { status: { _eq: 'active' }, role: { name: { _eq: 'Auditors' } } }],
  ]);

  // And back to none.
  await cell('Activity', 'read').click();
  await page.getByRole('menuitem', { name: 'No access' }).click();
  await expect(cell('Activity', 'read')).toHaveAttribute('data-state', 'none');
});
