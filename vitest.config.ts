import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores on the reference machine: keep the pool small and the suite fast.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 15_000,
    coverage: { exclude: ['gen/**', 'dist/**', 'bench/**'] },
  },
});
