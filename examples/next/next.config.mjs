/** @type {import('next').NextConfig} */
export default {
  // One otelite module in the Node.js server: the preloaded SDK and instrumentation.ts's import are the same.
  serverExternalPackages: ['otelite'],
};
