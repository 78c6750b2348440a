// Before any browser test: Chromium must be there (missing, the run fails; it never skips), and
// the App must be built from the current sources (the same `vite build` that `npm run build` runs).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM } from '../playwright.config';

const ROOT = resolve(import.meta.dirname, '..');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH); the browser tests cannot run without it.`);
  }
  const index = join(ROOT, 'dist', 'app', 'index.html');
  const sources = Math.max(newest(join(ROOT, 'app', 'src')), newest(join(ROOT, 'app', 'index.html')), newest(join(ROOT, 'app', 'vite.config.ts')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    process.stdout.write('e2e: building the App (vite build)\n');
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'app', 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
}
