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
 * - `no-send`: `init()` with an exporter that encodes the batch to OTLP/protobuf and succeeds.
 * - `no-extract`: `init()` with `propagators: []`, exporting as usual.
 * - `full`: `init({ endpoint })`, every span exported as OTLP/protobuf to the receiver.
 *
 * Sends `{ port, pid }` when listening; replies to `{ type: 'flush' }` by flushing, then
 * `{ requests, encodedSpans }`.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
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
  const { init, AlwaysOffSampler } = await load('index.js');
  const options = { endpoint: receiverBase, resourceAttributes: SERVICE, shutdownHooks: false };
  if (variant === 'unsampled') options.sampler = new AlwaysOffSampler();
  else if (variant === 'no-queue') process.env.OTEL_TRACES_EXPORTER = 'none';
  else if (variant === 'no-export') options.exporter = { export: async () => SUCCESS, shutdown: async () => {} };
  else if (variant === 'no-send') {
    const { encodeSpansToProtobuf } = await load('otlp.js');
    options.exporter = {
      async export(spans) {
        encodedSpans += encodeSpansToProtobuf(spans).length > 0 ? spans.length : 0;
        return SUCCESS;
      },
      shutdown: async () => {},
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
process.on('message', async (message) => {
  if (message?.type === 'flush') {
    await flush();
    process.send({ requests, encodedSpans });
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, pid: process.pid }));
