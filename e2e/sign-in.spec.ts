import { generateSync } from 'otplib';
import { ADMIN, expect, signIn, test, uniqueEmail } from './fixtures';

test('an admin signs in, a deep link survives a reload, and signs out', async ({ page, shot }) => {
  await page.goto('users/+');
  // Not signed in: the login page, which comes back here afterwards.
  await expect(page).toHaveURL(/\/admin\/login\?redirect=%2Fusers%2F%2B/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await shot(page, 'login');

  await page.getByRole('textbox', { name: 'Email' }).fill(ADMIN.email);
  await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert', { name: 'Sign-in failed' })).toContainText('Wrong email or password');
  await shot(page, 'login-wrong-password');

  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/users\/\+$/);
  await expect(page.getByRole('heading', { name: 'Create User' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Create User' })).toBeVisible();

  await page.getByRole('link', { name: 'User Library' }).click();
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Users' })).toContainText(ADMIN.email);
  await shot(page, 'user-library');

  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto('users');
  await expect(page).toHaveURL(/\/admin\/login/);
});

test('a user sets up 2FA on their own page, then signs in with a one-time code', async ({ page, api, shot }) => {
  const email = uniqueEmail('tfa');
  const password = 'Tfa-user-password-1';
  const role = await api.createRole({ name: `Staff ${email}` });
  await api.createUser({ email, password, role: role.id, first_name: 'Tess', last_name: 'Factor' });

  await signIn(page, email, password);
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'My account' }).click();
  await expect(page.getByRole('heading', { name: 'Tess Factor' })).toBeVisible();
  await shot(page, 'user-detail-own');

  await page.getByRole('button', { name: 'Set up 2FA' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
  await dialog.getByLabel('Your password').fill(password);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await shot(page, 'tfa-setup-qr');
  const secret = (await dialog.getByTestId('tfa-secret').textContent())!.trim();
  // The authenticator app: a code for now.
  await dialog.getByLabel('Code from the app').fill(generateSync({ secret }));
  await dialog.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(dialog.getByTestId('recovery-codes').locator('code')).toHaveCount(10);
  const codes = (await dialog.getByTestId('recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await shot(page, 'tfa-recovery-codes');
  await dialog.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByTestId('tfa-state')).toHaveText('On');

  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // Sign in again: the password, then the code step.
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Enter your one-time code' })).toBeVisible();
  await shot(page, 'login-otp');
  await page.getByLabel('One-time code').fill('000000');
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByRole('alert', { name: 'Sign-in failed' })).toContainText('That code is not right');
  // The code the app shows in the next 30 s window (the one used to turn 2FA on is spent).
  await page.getByLabel('One-time code').fill(generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();

  // Turn it off again, confirming with a recovery code.
  await page.goto('users');
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'My account' }).click();
  await page.getByRole('button', { name: 'Turn off 2FA' }).click();
  const off = page.getByRole('dialog', { name: 'Turn off two-factor authentication' });
  await off.getByLabel('Code').fill(codes[0]!);
  await off.getByRole('button', { name: 'Turn off' }).click();
  await expect(page.getByTestId('tfa-state')).toHaveText('Off');
});

test('a role that requires 2FA sends its users to set it up before anything else', async ({ page, api, shot }) => {
  const email = uniqueEmail('forced');
  const password = 'Forced-tfa-password-1';
  const role = await api.createRole({ name: `Secure ${email}`, enforce_tfa: true });
  await api.createUser({ email, password, role: role.id });

  await page.goto('login');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/tfa-setup$/);
  await shot(page, 'tfa-setup-required');
  // Nothing else opens until it is done.
  await page.goto('users');
  await expect(page).toHaveURL(/\/admin\/tfa-setup$/);

  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  const secret = (await page.getByTestId('tfa-secret').textContent())!.trim();
  await page.getByLabel('Code from the app').fill(generateSync({ secret }));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();
});
