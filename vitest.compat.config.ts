import { defineConfig } from 'vitest/config';

// The compatibility suite (npm run test:compat): real opentelemetry-js instrumentations, frameworks and
// a PostgreSQL server, each app in a child process of its own that loads the BUILT package by name.
export default defineConfig({
  test: {
    include: ['test/compat/**/*.test.ts'],
    // test/compat/line-3: the 3.x / 0.301 line's own tests, run by vitest.compat-3.config.ts only.
    exclude: ['**/node_modules/**', 'test/compat/line-3/**'],
    pool: 'forks',
    // Child processes and a database server on a shared 2-core machine: one file at a time.
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
