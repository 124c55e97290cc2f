import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The Next.js suite (test/frameworks/next): `npx vitest run --config test/frameworks/next/vitest.config.ts`.
// One `next build` per run, shared by every server the suite starts; files run one after another.
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['test/frameworks/next/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
