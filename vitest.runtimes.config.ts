import { defineConfig } from 'vitest/config';

// The runtime suites: real programs on Bun, Deno, workerd and Chromium exporting to otelite's receiver
// (`npm run test:runtimes`, after `npm run build`). A runtime that cannot be installed is skipped with
// `SKIPPED <runtime>: <reason>`. The Node 22/24 runs of the normal suite are in .ci/run.
export default defineConfig({
  test: {
    include: ['test/runtimes/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
