/**
 * Would exporting on a worker thread take the encoder's cost off the main thread? Issue 26 lists
 * "export work on a worker thread" as a candidate design. A worker can only encode what the main thread
 * hands it, and a hand-off copies: `postMessage` serializes its payload synchronously on the sending
 * thread. This experiment compares, per span, on the main thread:
 *
 * - `encode`: otelite's `encodeSpansToProtobuf` of a batch of 512 HTTP server spans (the Node entry's
 *   encoder, with its per-scope memo), i.e. what the main thread pays today;
 * - `snapshot + postMessage`: copying each span's fields into a plain object (the least a worker needs:
 *   name, ids, kind, times, status, attributes) and posting the batch to a worker on a MessageChannel,
 *   i.e. the least a worker-thread export would leave on the main thread before the worker does any
 *   encoding.
 *
 *   node bench/experiments/handoff-cost.mjs [rounds=15]
 *
 * Wall time per span, median and min–max over the rounds (each round runs each way for ~200 ms). No
 * target; the figures go to the accounting in BENCHMARKS.md.
 */

import { Worker } from 'node:worker_threads';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { importOtelite } from '../lib/otelite.mjs';

const SPANS = 512;
const rounds = Number(process.argv[2] ?? 15);

const { module: otelite } = await importOtelite();
const { module: otlp } = await importOtelite('otlp');
const spans = [];
const exporter = {
  export(batch, done) {
    spans.push(...batch);
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};
const provider = new otelite.TracerProvider({
  resource: otelite.resourceFromAttributes({ 'service.name': 'handoff', 'service.version': '1.0.0' }),
  spanProcessors: [new otelite.SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('handoff', '1.0.0');
for (let i = 0; i < SPANS; i++) {
  // The attributes the HTTP server instrumentation records for the saturated case's request.
  const span = tracer.startSpan(
    'GET',
    {
      kind: 1,
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/',
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'server.port': 41_000,
        'network.peer.address': '127.0.0.1',
        'network.peer.port': 50_000 + (i % 32),
        'network.protocol.version': '1.1',
      },
    },
    ROOT_CONTEXT,
  );
  span.setAttribute('http.response.status_code', 200);
  span.end();
}
await provider.forceFlush();
if (spans.length !== SPANS) throw new Error(`recorded ${spans.length} spans, not ${SPANS}`);

function snapshot(span) {
  const context = span.spanContext();
  return {
    name: span.name,
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
  };
}

// The worker only receives (and drops) each batch, so what is timed is the sending thread's part.
const worker = new Worker('require("node:worker_threads").parentPort.once("message", ({ port }) => port.on("message", () => {}));', {
  eval: true,
});
const { port1, port2 } = new MessageChannel();
worker.postMessage({ port: port2 }, [port2]);

const ways = {
  encode: () => otlp.encodeSpansToProtobuf(spans).length,
  'snapshot + postMessage': () => {
    const batch = new Array(spans.length);
    for (let i = 0; i < spans.length; i++) batch[i] = snapshot(spans[i]);
    port1.postMessage(batch);
    return batch.length;
  },
};

function perSpanNanos(way) {
  const started = process.hrtime.bigint();
  let calls = 0;
  while (process.hrtime.bigint() - started < 200_000_000n) {
    way();
    calls++;
  }
  return Number(process.hrtime.bigint() - started) / calls / SPANS;
}

for (const way of Object.values(ways)) perSpanNanos(way); // warm-up
const results = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) for (const [name, way] of Object.entries(ways)) results[name].push(perSpanNanos(way));
console.log(`${process.version}, ${SPANS} HTTP server spans per batch, ${rounds} rounds; ns per span, median (min–max)`);
for (const [name, values] of Object.entries(results)) {
  values.sort((a, b) => a - b);
  console.log(`${name}: ${Math.round(values[values.length >> 1])} (${Math.round(values[0])}–${Math.round(values.at(-1))})`);
}
const encode = results.encode[results.encode.length >> 1];
const handoff = results['snapshot + postMessage'][results['snapshot + postMessage'].length >> 1];
console.log(`hand-off / encode: ${(handoff / encode).toFixed(2)}×`);
port1.close();
await worker.terminate();
