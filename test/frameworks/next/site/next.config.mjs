import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The suite's npm project (test/frameworks/next), whose node_modules the app resolves from. */
const projectRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** @type {import('next').NextConfig} */
export default {
  // The suite checks spans, not types: no type-check pass in `next build` (it costs CPU on a shared machine).
  typescript: { ignoreBuildErrors: true },
  // One otelite in the Node.js process: instrumentation.ts's import('otelite') is the same module
  // instance as a `--import otelite/register` preload (the set-up that traces the first request).
  serverExternalPackages: ['otelite'],
  outputFileTracingRoot: projectRoot,
  turbopack: { root: projectRoot },
  // A build directory per bundler, so that the webpack and Turbopack builds can coexist.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
};
