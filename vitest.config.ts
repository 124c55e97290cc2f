import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Suites that need servers or runtimes installed by .ci/run have their own configs and npm scripts:
    // test/compat (npm run test:compat), test/e2e/backends (npm run test:jaeger), test/runtimes (npm run test:runtimes), test/viewer
    // (npm run test:viewer), test/frameworks (npm run test:next).
    exclude: ['test/compat/**', 'test/e2e/backends/**', 'test/runtimes/**', 'test/viewer/**', 'test/frameworks/**', '**/node_modules/**'],
    // Two cores on the reference machine: keep the pool small and the suite fast.
    // Core modules take their defaults from the installed platform; on Node that is the Node platform.
    setupFiles: ['test/support/install-node-platform.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // A generous bound: on a loaded 2-core machine a fuzz test can take several times its usual time;
    // a timeout is a hang detector, not a speed check.
    testTimeout: 60_000,
    coverage: { exclude: ['gen/**', 'dist/**', 'bench/**'] },
  },
});
