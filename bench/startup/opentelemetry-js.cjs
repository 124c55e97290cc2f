/**
 * One cold start of opentelemetry-js set up for the same job as otelite's `init()`: sdk-trace-node's
 * provider with a batch processor and the OTLP/protobuf exporter, a resource, `register()` (context
 * manager, propagators) and instrumentation-http, timed from this module's first line to ready.
 * Prints `{ readyMillis, cpuMillis, sinceProcessStartMillis }`.
 */
'use strict';
const start = performance.now();
const cpuStart = process.cpuUsage();
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'otelite-bench' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces' }))],
});
provider.register();
registerInstrumentations({ tracerProvider: provider, instrumentations: [new HttpInstrumentation()] });
const ready = performance.now();
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ readyMillis: ready - start, cpuMillis: (cpu.user + cpu.system) / 1000, sinceProcessStartMillis: ready }));
process.exit(0);
