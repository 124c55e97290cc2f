import { defineConfig } from 'vitest/config';

// The compatibility suite (npm run test:compat): otelite next to the real opentelemetry-js packages a
// migrating team already uses, and the servers they talk to. Kept out of `npm test` (see vitest.config.ts).
export default defineConfig({
  test: {
    include: ['test/compat/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
