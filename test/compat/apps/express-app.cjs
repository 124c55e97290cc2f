// Express 5 + @opentelemetry/instrumentation-express, with otelite's init() and its HTTP instrumentation.
// COMPAT_ORDER=before|after: registerInstrumentations before or after init(); COMPAT_PROVIDER=1 passes a
// tracerProvider (the global one before init, sdk.tracerProvider after).
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { trace } = require('@opentelemetry/api');
const { init } = require('otelite');

const order = process.env.COMPAT_ORDER ?? 'after';
const withProvider = process.env.COMPAT_PROVIDER === '1';
let sdk;
function instrument() {
  registerInstrumentations({
    instrumentations: [new ExpressInstrumentation()],
    ...(withProvider ? { tracerProvider: sdk === undefined ? trace.getTracerProvider() : sdk.tracerProvider } : {}),
  });
}
if (order === 'before') instrument();
sdk = init();
if (order === 'after') instrument();

const express = require('express');
const app = express();
app.use(express.json());
app.get('/users/:id', (request, response) => {
  response.json({ id: request.params.id });
});
app.get('/fail', () => {
  throw new Error('boom');
});

const server = app.listen(0, '127.0.0.1', async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const user = await (await fetch(`${origin}/users/42`)).json();
  const failStatus = (await fetch(`${origin}/fail`)).status;
  server.close();
  console.log(JSON.stringify({ user, failStatus }));
});
