/**
 * The server of the `account` case: a hello-world `node:http` server in one variant of the
 * accounting ladder, run by the case under `valgrind --tool=callgrind`:
 *
 *   node bench/account/server.mjs <variant> <receiver-base-url> <otelite-dist>
 *
 * Variants (each one the full otelite setup with one part switched off through public configuration,
 * or a step below it; nothing in otelite's own code changes):
 * - `untraced`: no tracing.
 * - `channel`: a no-op subscriber on `http.server.request.start` and on `http.server.response.finish`
 *   (what publishing to the two channels otelite uses costs, with a subscriber called).
 * - `context`: `channel` plus an `AsyncLocalStorage` store entered from the start subscriber.
 * - `unsampled`: otelite `init()` with the AlwaysOff sampler (extract, sampler, non-recording span,
 *   its context entered; nothing recorded).
 * - `no-queue`: `init()` recording every span, no exporter (`OTEL_TRACES_EXPORTER=none`): span start,
 *   response hooks, span end, no processor.
 * - `no-export`: `init()` with an exporter that succeeds at once: plus the batch processor's queue.
 * - `no-send`: `init()` with otelite's `OTLPTraceExporter` whose transport answers 200 at once without
 *   sending: the exporter's encode (and its bookkeeping), no socket.
 * - `no-extract`: `init()` with `propagators: []`, exporting as usual.
 * - `full`: `init({ endpoint })`, every span exported as OTLP/protobuf to the receiver.
 * - `floor`: not otelite: the floor tracer (bench/experiments/floor-tracer.cjs), the same spans written by
 *   hand for this one shape and exported to the receiver; the least a tracer producing them pays.
 *
 * Sends `{ port, pid }` when listening; replies to `{ type: 'flush' }` by flushing, then
 * `{ requests, encodedSpans }`.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { subscribe } from 'node:diagnostics_channel';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [variant, receiverBase, oteliteDist] = process.argv.slice(2);
const SERVICE = { 'service.name': 'otelite-bench', 'service.version': '1.0.0' };
const SUCCESS = Object.freeze({ code: 0 });
let encodedSpans = 0;

const load = (file) => import(pathToFileURL(path.join(oteliteDist, 'src', file)).href);

async function setUp() {
  if (variant === 'untraced') return async () => {};
  if (variant === 'channel' || variant === 'context') {
    const storage = new AsyncLocalStorage();
    const enter = variant === 'context';
    subscribe('http.server.request.start', (message) => {
      if (enter) storage.enterWith(message.request);
    });
    subscribe('http.server.response.finish', () => {});
    return async () => {};
  }
  if (variant === 'floor') {
    const { installFloorTracer } = createRequire(import.meta.url)('../experiments/floor-tracer.cjs');
    const scope = { name: 'otelite/http', version: '0.1.0' };
    const flushFloor = await installFloorTracer({ endpoint: receiverBase, resourceAttributes: SERVICE, scope });
    return () => flushFloor();
  }
  const { init, AlwaysOffSampler } = await load('index.js');
  const options = { endpoint: receiverBase, resourceAttributes: SERVICE, shutdownHooks: false };
  if (variant === 'unsampled') options.sampler = new AlwaysOffSampler();
  else if (variant === 'no-queue') process.env.OTEL_TRACES_EXPORTER = 'none';
  else if (variant === 'no-export') options.exporter = { export: async () => SUCCESS, shutdown: async () => {} };
  else if (variant === 'no-send') {
    // The OTLP exporter itself, encoding as it does for `full`, with a transport that answers 200 at
    // once instead of posting: full − no-send is then the transport and the receiver's reply only.
    const { OTLPTraceExporter } = await load('index.js');
    const OK = { statusCode: 200, statusMessage: 'OK', retryAfter: undefined, contentType: undefined };
    const answered = { ...OK, body: new Uint8Array(0), bodyError: undefined, bodyTooLarge: false };
    let bodyBytes = 0;
    const transport = {
      prepare: async (payload) => payload,
      send: async (body) => {
        bodyBytes += body.length;
        return answered;
      },
      close() {},
    };
    const exporter = new OTLPTraceExporter({ url: `${receiverBase}/v1/traces`, transport: () => transport });
    options.exporter = {
      async export(spans, exportOptions) {
        const before = bodyBytes;
        const result = await exporter.export(spans, exportOptions);
        // Every span of the batch went into a request body the transport was handed.
        if (result.code === 0 && bodyBytes > before) encodedSpans += spans.length;
        return result;
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush(),
    };
  } else if (variant === 'no-extract') options.propagators = [];
  else if (variant !== 'full') throw new Error(`unknown variant ${variant}`);
  const sdk = init(options);
  return () => sdk.forceFlush();
}

const flush = await setUp();
let requests = 0;
const server = http.createServer((request, response) => {
  requests++;
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('hello world');
});
// Under callgrind the client's connections can sit idle for many seconds (flushes, switching
// instrumentation): the server must not close them.
server.keepAliveTimeout = 0;
server.requestTimeout = 0;
/**
 * `count` POSTs of an empty OTLP request (a valid `ExportTraceServiceRequest` with no spans) to the
 * receiver, one at a time, over a keep-alive agent of its own: the HTTP client side of `node:http`
 * that the exporting variants use. See `clientWarmUp` in the case.
 */
async function clientRequests(count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/v1/traces', receiverBase);
  for (let i = 0; i < count; i++) {
    await new Promise((resolve, reject) => {
      const request = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': 0 } },
        (response) => {
          response.resume();
          response.on('end', resolve);
        },
      );
      request.on('error', reject);
      request.end();
    });
  }
  agent.destroy();
}

process.on('message', async (message) => {
  if (message?.type === 'client') {
    await clientRequests(message.count);
    process.send({ requests, encodedSpans });
  } else if (message?.type === 'flush') {
    await flush();
    process.send({ requests, encodedSpans });
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, pid: process.pid }));
