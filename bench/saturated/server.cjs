/**
 * The hello-world node:http server of the saturated-server case, in one of four variants:
 *
 *   node bench/saturated/server.cjs <variant> <receiver-base-url> <otelite-dist>
 *
 * - `untraced`: no tracing at all.
 * - `otelite`: `init({ endpoint })`, otelite's one-call setup (OTLP/protobuf, batch defaults).
 * - `otelite-unsampled`: the same `init()`, run with `OTEL_TRACES_SAMPLER=always_off` by the case.
 * - `opentelemetry-js`: sdk-trace-node + exporter-trace-otlp-proto + instrumentation-http, set up the
 *   documented way with the same batch defaults (queue 2048, batch 512, delay 5 s).
 * - `context-only`: no SDK; an `AsyncLocalStorage` store entered at each request's start (from the same
 *   diagnostics channel otelite uses), so that the request's callbacks see it. This is the least any
 *   tracer that propagates context into the handler pays (on Node 20 it turns async_hooks on), reported
 *   as a reference floor, with no target.
 *
 * CommonJS on purpose: instrumentation-http patches `http` through require-in-the-middle, so tracing is
 * set up first and `http` is required after it. Sends `{ port, pid }` when listening; replies to
 * `{ type: 'served' }` with `{ requests }`, and to `{ type: 'flush' }` by flushing, then `{ requests }`.
 * The case reads the server's CPU time from /proc/<pid>/stat, so the server does no bookkeeping for it.
 * SIGINT ends it with process.exit, so that a run under `node --cpu-prof` writes its profile.
 */

'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');

const [variant, receiverBase, oteliteDist] = process.argv.slice(2);
const SERVICE = { 'service.name': 'otelite-bench', 'service.version': '1.0.0' };

function setUpOpenTelemetryJs() {
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes(SERVICE),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${receiverBase}/v1/traces` }))],
  });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new HttpInstrumentation()] });
  return () => provider.forceFlush();
}

function enterAStorePerRequest() {
  const { AsyncLocalStorage } = require('node:async_hooks');
  const { subscribe } = require('node:diagnostics_channel');
  const storage = new AsyncLocalStorage();
  subscribe('http.server.request.start', ({ request }) => storage.enterWith(request));
}

async function setUpOtelite() {
  const otelite = await import(pathToFileURL(path.join(oteliteDist, 'src', 'index.js')).href);
  const sdk = otelite.init({ endpoint: receiverBase, resourceAttributes: SERVICE, shutdownHooks: false });
  return () => sdk.forceFlush();
}

async function main() {
  let flush = async () => {};
  if (variant === 'opentelemetry-js') flush = setUpOpenTelemetryJs();
  else if (variant === 'otelite' || variant === 'otelite-unsampled') flush = await setUpOtelite();
  else if (variant === 'context-only') enterAStorePerRequest();
  else if (variant !== 'untraced') throw new Error(`unknown variant ${variant}`);

  const http = require('http');
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('hello world');
  });
  process.on('message', async (message) => {
    if (message?.type === 'served') process.send({ requests });
    else if (message?.type === 'flush') {
      await flush();
      process.send({ requests });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, pid: process.pid }));
}

main().catch((error) => process.send({ error: String(error?.stack ?? error) }));
