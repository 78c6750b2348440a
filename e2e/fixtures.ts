// What every browser test gets: its worker's Usher (real server, fresh database, SMTP sink), the
// App's address as baseURL, an admin API client for setting the scene, and `shot` to save a
// screenshot of each page it visits (e2e-results/screenshots).
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADMIN, startUsher, type Usher } from './usher';
import { Api } from './api';

const SHOTS = resolve(import.meta.dirname, '..', 'e2e-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

interface TestFixtures {
  /** Saves a full-page screenshot named after the page (and attaches it to the report). */
  shot: (page: Page, name: string) => Promise<void>;
  /** The admin, through the API (JSON-mode token), for preparing data a test is not about. */
  api: Api;
}

interface WorkerFixtures {
  usher: Usher;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  usher: [
    async ({}, use) => {
      const usher = await startUsher();
      await use(usher);
      await usher.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  baseURL: async ({ usher }, use) => {
    await use(`${usher.url}/admin/`);
  },
  api: async ({ usher }, use) => {
    await use(await Api.signIn(usher.url, ADMIN.email, ADMIN.password));
  },
  shot: async ({}, use, testInfo) => {
    await use(async (page, name) => {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      await testInfo.attach(name, { path, contentType: 'image/png' });
    });
  },
});

export { expect, ADMIN };

/** Signs in through the login page as a person does and waits for the User Library. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('login');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'User Library' })).toBeVisible();
}

/** A unique address per call, so tests never depend on each other's users. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}
