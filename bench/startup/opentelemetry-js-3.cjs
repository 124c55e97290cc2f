/**
 * One cold start of opentelemetry-js 3.x set up for the same job as otelite's `init()` (the 3.x anchor,
 * bench/lib/line-3.mjs; Node >= 22.15): sdk-trace 3.x's provider with a batch processor and the
 * OTLP/protobuf exporter, a resource, the AsyncLocalStorage context manager and W3C propagators set
 * globally (3.x has no sdk-trace-node and no `register()`), and instrumentation-http, timed from this
 * module's first line to ready. The packages come from test/compat/line-3. Prints
 * `{ readyMillis, cpuMillis, sinceProcessStartMillis }`.
 */
'use strict';
const start = performance.now();
const cpuStart = process.cpuUsage();
const { createRequire } = require('node:module');
const { join } = require('node:path');
const requireLine3 = createRequire(join(__dirname, '../../test/compat/line-3/package.json'));
const { context, propagation, trace } = requireLine3('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = requireLine3('@opentelemetry/context-async-hooks');
const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = requireLine3('@opentelemetry/core');
const { TracerProvider, BatchSpanProcessor } = requireLine3('@opentelemetry/sdk-trace');
const { OTLPTraceExporter } = requireLine3('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = requireLine3('@opentelemetry/instrumentation-http');
const { registerInstrumentations } = requireLine3('@opentelemetry/instrumentation');
const { resourceFromAttributes } = requireLine3('@opentelemetry/resources');
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'otelite-bench' }),
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces' }) })],
});
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
registerInstrumentations({ tracerProvider: provider, instrumentations: [new HttpInstrumentation()] });
const ready = performance.now();
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ readyMillis: ready - start, cpuMillis: (cpu.user + cpu.system) / 1000, sinceProcessStartMillis: ready }));
process.exit(0);
