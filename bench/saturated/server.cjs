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
 * - `opentelemetry-js-3`: the 3.x anchor (Node >= 22.15): sdk-trace 3.x + exporter-trace-otlp-proto 0.301
 *   + instrumentation-http 0.301 + context-async-hooks 3.x from test/compat/line-3, set up as 3.x
 *   documents it (no sdk-trace-node, no `register()`: provider, context manager and propagators set
 *   globally), with the same batch defaults.
 * - `context-only`: no SDK; an `AsyncLocalStorage` store entered at each request's start (from the same
 *   diagnostics channel otelite uses), so that the request's callbacks see it. This is the least any
 *   tracer that propagates context into the handler pays (on Node 20 it turns async_hooks on), reported
 *   as a reference floor, with no target.
 * - `floor`: the floor tracer (bench/experiments/floor-tracer.cjs): the same spans as otelite's, written
 *   by hand for this one shape and exported as OTLP/protobuf to the same receiver; the least any tracer
 *   producing them pays on the main thread. A reference, with no target.
 *
 * CommonJS on purpose: instrumentation-http patches `http` through require-in-the-middle, so tracing is
 * set up first and `http` is required after it. Sends `{ port, pid }` when listening; replies to
 * `{ type: 'served' }` with `{ requests }`, and to `{ type: 'flush' }` by waiting for every connection to
 * close, flushing, then `{ requests }`.
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

function setUpOpenTelemetryJs3() {
  const { createRequire } = require('node:module');
  const requireLine3 = createRequire(path.join(__dirname, '../../test/compat/line-3/package.json'));
  const { context, propagation, trace } = requireLine3('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = requireLine3('@opentelemetry/context-async-hooks');
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = requireLine3('@opentelemetry/core');
  const { TracerProvider, BatchSpanProcessor } = requireLine3('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } = requireLine3('@opentelemetry/exporter-trace-otlp-proto');
  const { HttpInstrumentation } = requireLine3('@opentelemetry/instrumentation-http');
  const { registerInstrumentations } = requireLine3('@opentelemetry/instrumentation');
  const { resourceFromAttributes } = requireLine3('@opentelemetry/resources');
  const provider = new TracerProvider({
    resource: resourceFromAttributes(SERVICE),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${receiverBase}/v1/traces` }) })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
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

async function setUpFloor() {
  const { installFloorTracer } = require('../experiments/floor-tracer.cjs');
  return installFloorTracer({ endpoint: receiverBase, resourceAttributes: SERVICE, scope: { name: 'otelite/http', version: '0.1.0' } });
}

/**
 * Resolves once `server` has no open connection left (at most 10 s, well inside the case's 60-s wait for
 * a flush): after a load generator stops, the requests it had in flight may have run their handler (and
 * been counted) while their response, and so their span, ends only when the socket closes. Under
 * callgrind that can be after the flush began, and the window would then read fewer spans than requests.
 */
function drained(server) {
  const deadline = Date.now() + 10_000;
  return new Promise((resolve) => {
    const check = () =>
      server.getConnections((error, count) => {
        if (error || count === 0 || Date.now() > deadline) setImmediate(resolve);
        else setTimeout(check, 5);
      });
    check();
  });
}

async function main() {
  let flush = async () => {};
  if (variant === 'opentelemetry-js') flush = setUpOpenTelemetryJs();
  else if (variant === 'opentelemetry-js-3') flush = setUpOpenTelemetryJs3();
  else if (variant === 'otelite' || variant === 'otelite-unsampled') flush = await setUpOtelite();
  else if (variant === 'context-only') enterAStorePerRequest();
  else if (variant === 'floor') flush = await setUpFloor();
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
      await drained(server);
      await flush();
      process.send({ requests });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, pid: process.pid }));
}

main().catch((error) => process.send({ error: String(error?.stack ?? error) }));
