import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from './vitest.compat.config.js';

// The compatibility suite's second line (npm run test:compat-3, Node >= 22.15): opentelemetry-js 3.x /
// 0.301 with @opentelemetry/api 1.10, from the separate project test/compat/line-3 (its own exactly
// pinned package.json and lockfile: npm ci --prefix test/compat/line-3). The same tests and apps as line
// 2 (compat-harness.ts runs the apps from line 3's install when OTELITE_COMPAT_LINE=3), plus the tests
// only this line can run (test/compat/line-3/*.test.ts).
const LINE_3 = fileURLToPath(new URL('./test/compat/line-3/node_modules/', import.meta.url));

// Spread, not mergeConfig: mergeConfig would concatenate line 2's exclude list (which leaves out line-3/).
export default defineConfig({
  ...base,
  // Tests that load opentelemetry-js in the test process (exporters.test.ts) and src/ itself get line 3's
  // packages. sdk-trace 3.x replaces sdk-trace-base under a new name, with the same exports except that
  // BasicTracerProvider became TracerProvider.
  resolve: {
    alias: [
      { find: /^@opentelemetry\/api$/, replacement: `${LINE_3}@opentelemetry/api` },
      { find: /^@opentelemetry\/sdk-trace-base$/, replacement: `${LINE_3}@opentelemetry/sdk-trace` },
      {
        find: /^@opentelemetry\/(exporter-trace-otlp-proto|exporter-trace-otlp-http|resources)$/,
        replacement: `${LINE_3}@opentelemetry/$1`,
      },
    ],
  },
  test: {
    ...base.test,
    exclude: ['**/node_modules/**', 'test/compat/line-3/run/**'],
    env: { OTELITE_COMPAT_LINE: '3' },
  },
});
