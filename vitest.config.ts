import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The App's tests (app/) run in happy-dom when the file says `// @vitest-environment happy-dom`.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'app/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
