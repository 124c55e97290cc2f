// The ESM half of the ESM + CommonJS pair: the same script as cjs.cjs, with `import`.
//
//   npm run build && node examples/esm.mjs
//
// It prints its spans with the console exporter, so it needs no collector. There is no shutdown call:
// when the script runs out of work, otelite flushes the batch before the process exits.
import { trace } from '@opentelemetry/api';
import { ConsoleSpanExporter, init } from 'otelite';

init({ serviceName: 'esm-example', exporter: new ConsoleSpanExporter() });
const tracer = trace.getTracer('esm-example');

await tracer.startActiveSpan('prepare order', async (order) => {
  order.setAttribute('order.items', 3);
  await tracer.startActiveSpan('load cart', async (load) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    load.end();
  });
  tracer.startSpan('compute total').end();
  order.end();
});
