// The admin App: built into dist/app and served by Usher at /admin (src/modules/app-static).
// Everything is bundled (no CDN), so the App works offline.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npx vite --config app/vite.config.ts` next to a running Usher on :8055.
    proxy: Object.fromEntries(
      ['/auth', '/users', '/roles', '/permissions', '/activity', '/revisions', '/settings', '/server'].map((p) => [p, 'http://localhost:8055']),
    ),
  },
});
