// otelite's init() (through --import otelite/register) next to opentelemetry-js's own HTTP
// instrumentations: COMPAT_KEEP=undici keeps @opentelemetry/instrumentation-undici, COMPAT_KEEP=http
// keeps @opentelemetry/instrumentation-http. A server records the trace headers of every request it gets.
import { context, trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const keep = process.env.COMPAT_KEEP;
if (keep === 'undici') {
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');
  registerInstrumentations({ instrumentations: [new UndiciInstrumentation()] });
} else if (keep === 'http') {
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
}
// Loaded after the instrumentation, as an application's modules are.
const http = require('node:http');
const undici = require('undici');

const received = [];
const server = http.createServer((request, response) => {
  const values = (name) =>
    request.rawHeaders.filter((_value, index) => index % 2 === 1 && request.rawHeaders[index - 1].toLowerCase() === name);
  received.push({ path: request.url, traceparent: values('traceparent'), baggage: values('baggage') });
  response.end('ok');
});
server.listen(0, '127.0.0.1', async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const tracer = trace.getTracer('compat-app');
  await tracer.startActiveSpan('caller', async (span) => {
    const { propagation } = await import('@opentelemetry/api');
    const withBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ tenant: { value: 'blue' } }));
    await context.with(withBaggage, async () => {
      await (await fetch(`${origin}/by-fetch`)).text();
      const { body } = await undici.request(`${origin}/by-undici-request`);
      await body.text();
      await new Promise((resolve, reject) => {
        http.get(`${origin}/by-http-get`, (response) => response.resume().on('end', resolve)).on('error', reject);
      });
    });
    span.end();
  });
  server.close();
  console.log(JSON.stringify({ received }));
});
