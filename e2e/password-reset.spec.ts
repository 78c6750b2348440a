import { expect, test, uniqueEmail } from './fixtures';

test('reset a forgotten password through the mailed link', async ({ page, api, usher, shot }) => {
  const email = uniqueEmail('forgot');
  const role = await api.createRole({ name: `Members ${email}` });
  await api.createUser({ email, password: 'Old-password-123', role: role.id });

  await page.goto('login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await shot(page, 'request-reset');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText('Check your email')).toBeVisible();

  const mail = await usher.smtp.waitFor((m) => m.to.includes(email.toLowerCase()), 10_000);
  const link = (mail.text.match(/https?:\/\/\S+reset-password\S+/) ?? [])[0]!;
  expect(link.startsWith(`${usher.url}/admin/reset-password?token=`)).toBe(true);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await shot(page, 'reset-password');
  await page.getByRole('textbox', { name: 'New password' }).fill('New-password-456');
  await page.getByRole('textbox', { name: 'Repeat the password' }).fill('New-password-456');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Password changed' })).toBeVisible();

  // The link is spent.
  await page.goto(link);
  await page.getByRole('textbox', { name: 'New password' }).fill('Another-password-789');
  await page.getByRole('textbox', { name: 'Repeat the password' }).fill('Another-password-789');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Ask for a new link' })).toBeVisible();

  await page.goto('login');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('New-password-456');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();
});
