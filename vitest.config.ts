import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source (src/index.ts) so a test run never
// depends on a stale build; the e2e tests still run the built CLI as a user would.
const src = (p: string) => new URL(`./${p}/src/index.ts`, import.meta.url).pathname;

export default defineConfig({
  resolve: {
    alias: {
      '@eve-bench/device-agent': src('device-agent'),
      '@eve-bench/search': src('search'),
      '@eve-bench/bench-controller': src('bench-controller'),
    },
  },
  test: {
    include: ['*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
