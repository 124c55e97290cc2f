// The CommonJS half of the ESM + CommonJS pair: the same script as esm.mjs, with `require`.
//
//   npm run build && node examples/cjs.cjs
//
// It prints its spans with the console exporter, so it needs no collector. There is no shutdown call:
// when the script runs out of work, otelite flushes the batch before the process exits.
const { trace } = require('@opentelemetry/api');
const { ConsoleSpanExporter, init } = require('otelite');

init({ serviceName: 'cjs-example', exporter: new ConsoleSpanExporter() });
const tracer = trace.getTracer('cjs-example');

tracer.startActiveSpan('prepare order', async (order) => {
  order.setAttribute('order.items', 3);
  await tracer.startActiveSpan('load cart', async (load) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    load.end();
  });
  tracer.startSpan('compute total').end();
  order.end();
});
