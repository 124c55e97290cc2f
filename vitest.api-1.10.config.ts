import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The unit suite again with the peer at @opentelemetry/api 1.10 (npm run test:api-1.10): every import of
// `@opentelemetry/api` in src/ and test/ resolves to the second install of the peer, the npm alias
// `@opentelemetry/api-1.10` (package.json). Third-party packages loaded from node_modules keep their own
// resolution. test/package/api-peer-version.test.ts proves which version a run loaded.
export default mergeConfig(
  base,
  defineConfig({
    resolve: { alias: [{ find: /^@opentelemetry\/api(\/experimental)?$/, replacement: '@opentelemetry/api-1.10$1' }] },
    test: { env: { OTELITE_EXPECTED_API_VERSION: '1.10.0' } },
  }),
);
