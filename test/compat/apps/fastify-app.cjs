// Fastify 5 + @fastify/otel, started with `node --require otelite/register` (the SDK comes from OTEL_* only).
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { FastifyOtelInstrumentation } = require('@fastify/otel');

registerInstrumentations({ instrumentations: [new FastifyOtelInstrumentation({ registerOnInitialization: true })] });

const fastify = require('fastify')();
fastify.get('/users/:id', async (request) => ({ id: request.params.id }));

fastify.listen({ port: 0, host: '127.0.0.1' }).then(async (address) => {
  const user = await (await fetch(`${address}/users/7`)).json();
  await fastify.close();
  console.log(JSON.stringify({ user }));
});
