// Koa (+ @koa/router) with instrumentation-koa, or Hapi with instrumentation-hapi (COMPAT_FRAMEWORK),
// under --require otelite/register.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');

const framework = process.env.COMPAT_FRAMEWORK;
async function start() {
  if (framework === 'koa') {
    const { KoaInstrumentation } = require('@opentelemetry/instrumentation-koa');
    registerInstrumentations({ instrumentations: [new KoaInstrumentation()] });
    const Koa = require('koa');
    const Router = require('@koa/router');
    const app = new Koa();
    const router = new Router();
    router.get('/users/:id', (context) => {
      context.body = { id: context.params.id };
    });
    app.use(router.routes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return { origin: `http://127.0.0.1:${server.address().port}`, stop: () => server.close() };
  }
  const { HapiInstrumentation } = require('@opentelemetry/instrumentation-hapi');
  registerInstrumentations({ instrumentations: [new HapiInstrumentation()] });
  const Hapi = require('@hapi/hapi');
  const server = Hapi.server({ port: 0, host: '127.0.0.1' });
  server.route({ method: 'GET', path: '/users/{id}', handler: (request) => ({ id: request.params.id }) });
  await server.start();
  return { origin: server.info.uri, stop: () => server.stop() };
}

start().then(async ({ origin, stop }) => {
  const user = await (await fetch(`${origin}/users/5`)).json();
  await stop();
  console.log(JSON.stringify({ user }));
});
