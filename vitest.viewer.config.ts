import { defineConfig } from 'vitest/config';

// The trace viewer in a real browser: Debian's Chromium (playwright-core) against `otelite receive` fed
// by real otelite services (`npm run test:viewer`, after `npm run build`). Without /usr/bin/chromium it
// prints `SKIPPED viewer browser suite: ...`. Failure screenshots go to test-results/viewer/.
export default defineConfig({
  test: {
    include: ['test/viewer/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
