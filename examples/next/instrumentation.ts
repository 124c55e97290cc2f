// Next.js runs register() once in the Node.js runtime and once in the edge runtime (middleware); the
// `edge-light` export condition gives otelite's edge build there. With the `--import otelite/register`
// preload (package.json scripts), the Node.js SDK is already running and init() returns it.
export async function register() {
  const { init } = await import('otelite');
  init({ serviceName: 'next-example' });
}
