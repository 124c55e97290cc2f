import { fileURLToPath } from 'node:url';

/** This app's directory (inside the otelite repository, which has a lockfile of its own). */
const app = fileURLToPath(new URL('.', import.meta.url));

/** @type {import('next').NextConfig} */
export default {
  // One otelite module in the Node.js server: the preloaded SDK and instrumentation.ts's import are the same.
  serverExternalPackages: ['otelite'],
  turbopack: { root: app },
  outputFileTracingRoot: app,
};
