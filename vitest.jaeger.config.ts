import { defineConfig } from 'vitest/config';

// The Jaeger v2 backend suite (npm run test:jaeger): test/e2e/backends/, against a real Jaeger built
// from its Go module by test/e2e/backends/jaeger.mjs. One file at a time: each starts its own Jaeger,
// and the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/backends/**/*.test.ts'],
    globalSetup: ['test/e2e/backends/jaeger-global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
