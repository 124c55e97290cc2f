// otelite as a Next.js user sets it up: one call in instrumentation.ts. Next.js runs register() once in
// each runtime; in the edge runtime the `edge-light` export condition gives otelite's edge build.
export async function register() {
  const { init } = await import('otelite');
  init({ serviceName: 'otelite-next' });
}
