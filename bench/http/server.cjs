/**
 * The hello-world node:http server of the HTTP case, in one of three variants:
 *
 *   node bench/http/server.cjs <uninstrumented|otelite|opentelemetry-js> <receiver-url> <otelite-dist>
 *
 * CommonJS on purpose: opentelemetry-js's HttpInstrumentation patches `http` through
 * require-in-the-middle, so tracing is set up first and `http` is required after it. Both traced
 * variants use the AlwaysOn sampler, the shared batch settings and an OTLP/protobuf exporter to the
 * local receiver, uncompressed. Sends `{ port }` when listening; replies to `{ type: 'usage' }` with
 * `{ requests, cpuMicros }` (requests served and CPU time used since start), and to `{ type: 'flush' }`
 * by flushing the provider, then `{ requests }`.
 */

'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');

const [variant, receiverUrl, oteliteDist] = process.argv.slice(2);
const BATCH = { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 };
const RESOURCE_ATTRIBUTES = { 'service.name': 'otelite-bench', 'service.version': '1.0.0' };

/** Sets up opentelemetry-js tracing the documented way; returns the provider. */
function setUpOpenTelemetryJs() {
  const { NodeTracerProvider, BatchSpanProcessor, AlwaysOnSampler } = require('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const exporter = new OTLPTraceExporter({ url: receiverUrl, compression: 'none' });
  const provider = new NodeTracerProvider({
    sampler: new AlwaysOnSampler(),
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    spanProcessors: [new BatchSpanProcessor(exporter, BATCH)],
  });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new HttpInstrumentation()] });
  return provider;
}

/** Sets up otelite tracing from its built output, the documented way; returns the provider. */
async function setUpOtelite() {
  const otelite = await import(pathToFileURL(path.join(oteliteDist, 'src', 'index.js')).href);
  const exporter = new otelite.OTLPTraceExporter({ url: receiverUrl, compression: 'none' });
  const provider = new otelite.TracerProvider({
    sampler: new otelite.AlwaysOnSampler(),
    resource: otelite.resourceFromAttributes(RESOURCE_ATTRIBUTES),
    spanProcessors: [new otelite.BatchSpanProcessor(exporter, BATCH)],
  });
  provider.register(); // global provider, AsyncLocalStorage context manager, W3C propagators
  otelite.instrumentHttp();
  return provider;
}

async function main() {
  let provider;
  if (variant === 'opentelemetry-js') provider = setUpOpenTelemetryJs();
  else if (variant === 'otelite') provider = await setUpOtelite();
  else if (variant !== 'uninstrumented') throw new Error(`unknown variant ${variant}`);

  const http = require('http');
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('hello world');
  });
  process.on('message', async (message) => {
    if (message?.type === 'usage') {
      const { user, system } = process.cpuUsage();
      process.send({ requests, cpuMicros: user + system });
    } else if (message?.type === 'flush') {
      if (provider) await provider.forceFlush();
      process.send({ requests });
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

main().catch((error) => process.send({ error: String(error?.stack ?? error) }));
