// For people: the App used from the keyboard alone (sign in, select, open a dialog, stay inside it,
// leave it), a visible focus ring, screens from a phone to a wide monitor without sideways
// scrolling, and the password policy said in words where a password is chosen.
import { expect, signIn, test, uniqueEmail, ADMIN } from './fixtures';
import type { Page } from '@playwright/test';

/** The focused element: its accessible name, whether it is inside a dialog, and its focus ring. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return null;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      label: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '',
      inDialog: !!el.closest('[role="dialog"]'),
      ring: (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || (style.boxShadow !== 'none' && style.boxShadow !== ''),
    };
  });
}

test('sign in, select users and open the delete dialog with the keyboard alone; focus stays in the dialog and comes back', async ({ page, api, shot }) => {
  const tag = uniqueEmail('kbd').split('@')[0]!;
  for (const i of [1, 2]) await api.createUser({ email: `${tag}-${i}@example.com`, first_name: `Keyboard ${i}` });

  await page.goto('login');
  await expect(page.getByRole('textbox', { name: 'Email' })).toBeFocused();
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: 'Password' })).toBeFocused();
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();

  // Search by keyboard, then tick a row's checkbox with Space.
  await page.getByRole('searchbox', { name: 'Search' }).focus();
  await page.keyboard.type(tag);
  // The search lands in the address (after a short pause); a new list clears the selection.
  await expect(page).toHaveURL(new RegExp(`[?&]q=${tag}`));
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row')).toHaveCount(3);
  const box = page.getByRole('checkbox', { name: 'Select Keyboard 1' });
  await expect(box).toBeVisible();
  await box.focus();
  const ring = await focused(page);
  expect(ring?.ring, JSON.stringify(ring)).toBe(true);
  await page.keyboard.press('Space');
  await expect(box).toBeChecked();

  const del = page.getByRole('button', { name: /Delete User/ });
  await del.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await shot(page, 'keyboard-delete-dialog');
  // Tab as often as you like: focus stays inside the dialog.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect((await focused(page))?.inDialog).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(del).toBeFocused();
  // Nothing was deleted.
  expect(await api.findUserByEmail(`${tag}-1@example.com`, 'id')).toBeDefined();
});

for (const [name, size] of [
  ['phone', { width: 390, height: 844 }],
  ['laptop', { width: 1366, height: 768 }],
  ['wide', { width: 1920, height: 1080 }],
] as const) {
  test(`the User Library, a User Detail and a role page fit a ${name} screen (${size.width}×${size.height})`, async ({ page, api, shot }) => {
    await page.setViewportSize(size);
    const user = await api.createUser({ email: uniqueEmail(`fit-${name}`), first_name: 'Fitting', last_name: 'Everywhere', title: 'Tester' });
    const role = await api.createRole({ name: `Fit ${name} ${Date.now().toString(36)}` });
    await signIn(page, ADMIN.email, ADMIN.password);
    for (const [path, label] of [
      ['users', 'user-library'],
      [`users/${user.id}`, 'user-detail'],
      [`settings/roles/${role.id}`, 'role-detail'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
      await shot(page, `${name}-${label}`);
    }
  });
}

test('where a password is chosen, the project’s password policy is said in words and checked before sending', async ({ page, api, shot }) => {
  await api.call('PATCH', '/settings', { auth_password_policy: '/^.{14,}$/' });
  try {
    await page.goto('reset-password?token=not-a-real-token-but-the-form-shows');
    await expect(page.getByText('Use at least 14 characters.')).toBeVisible();
    await page.getByLabel('New password').fill('short-one-1');
    await page.getByLabel('Repeat the password').fill('short-one-1');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByText("This password doesn't meet the password policy. Use at least 14 characters.")).toBeVisible();
    await shot(page, 'reset-password-policy-hint');
  } finally {
    await api.call('PATCH', '/settings', { auth_password_policy: null });
  }
});
