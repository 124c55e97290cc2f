/**
 * Instructions per span of the OTLP/protobuf export path on Node, the two ways a batch processor in front
 * of otelite's exporter can hold its spans: `objects` (the spans queued, the batch written at export by
 * `encodeSpansToProtobuf`'s one-pass writer) and `records` (each span written when it ends into its
 * batch's buffer by the encoded span queue, platform/node/span-record-queue.ts, the request framed at
 * export). 512 root HTTP server spans (pooled ids, 8 attributes, as the saturated server's), made by the
 * tracer of the unbundled `dist/src` modules; each round hands them to the queue (or an array) and
 * exports the batch through an `OTLPTraceExporter` whose transport sends nothing. Counted by callgrind
 * on the main thread inside `Array.prototype.findLastIndex` only (as encode-cost.mjs), after warm-up.
 *
 *   node bench/experiments/record-cost.mjs            # both ways, under callgrind
 *   node bench/experiments/record-cost.mjs --run records 200
 *
 * Needs valgrind and a built dist/ (`BENCH_OTELITE_DIST` picks another build).
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OTELITE_DIST } from '../lib/otelite.mjs';

const SPANS = 512;
const WARM_ROUNDS = 400;
const MEASURED_ROUNDS = 200;

if (process.argv[2] === '--run') {
  await run(process.argv[3], Number(process.argv[4] ?? MEASURED_ROUNDS));
} else {
  for (const way of ['objects', 'records']) {
    const dir = mkdtempSync(join(tmpdir(), 'record-cost-'));
    try {
      execFileSync(
        'valgrind',
        [
          '--tool=callgrind',
          '--separate-threads=yes',
          '--collect-atstart=no',
          '--toggle-collect=Builtins_ArrayPrototypeFindLastIndex',
          `--callgrind-out-file=${join(dir, 'cg.%p')}`,
          process.execPath,
          fileURLToPath(import.meta.url),
          '--run',
          way,
          String(MEASURED_ROUNDS),
        ],
        { stdio: ['ignore', 'inherit', 'pipe'] },
      );
      const main = readdirSync(dir).find((file) => file.endsWith('-01'));
      const totals = readFileSync(join(dir, main), 'utf8').match(/^(?:summary|totals): (\d+)/m);
      console.log(`${way}: ${Math.round(Number(totals[1]) / MEASURED_ROUNDS / SPANS)} instructions per span (main thread)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function run(way, rounds) {
  const load = (path) => import(pathToFileURL(join(OTELITE_DIST, 'src', `${path}.js`)).href);
  const { useLazyIdSpans } = await load('trace/tracer');
  const { PooledIdSpan } = await load('trace/pooled-id-span');
  const { TracerProvider } = await load('trace/tracer-provider');
  const { AlwaysOnSampler } = await load('sampling/always-on');
  const { useFastSpans } = await load('export/otlp/encoding/binary-encoder');
  const { simpleSpans } = await load('export/otlp/encoding/simple-spans');
  const { OTLPTraceExporter, useOtlpExitExport } = await load('export/otlp/otlp-trace-exporter');
  const { createExitExport } = await load('export/otlp/otlp-exit-export');
  const { createSpanRecordQueue } = await load('platform/node/span-record-queue');
  useLazyIdSpans(PooledIdSpan);
  useFastSpans(simpleSpans);
  useOtlpExitExport(createExitExport);
  const captured = [];
  const provider = new TracerProvider({
    // A sampler that never reads the trace id: roots draw all their ids late, as the saturated server's.
    sampler: new AlwaysOnSampler(),
    resource: { attributes: { 'service.name': 'otelite-bench', 'service.version': '1.0.0' } },
    spanProcessors: [{ onStart() {}, onEnd: (span) => captured.push(span), forceFlush: async () => {}, shutdown: async () => {} }],
  });
  const tracer = provider.getTracer('otelite-http', '0.1.0');
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan('GET', {
      kind: 1,
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/',
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'server.port': 8080,
        'network.peer.address': '127.0.0.1',
        'user_agent.original': 'wrk',
        'http.response.status_code': 200,
      },
    });
    span.end();
  }
  if (captured.length !== SPANS) throw new Error(`captured ${captured.length} spans`);
  if (!(captured[0] instanceof PooledIdSpan)) throw new Error('not pooled-id spans');
  const transport = { prepare: async (payload) => payload, send: async () => ({ statusCode: 200, body: new Uint8Array(0) }), close() {} };
  const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport: () => transport });
  const queue = createSpanRecordQueue(exporter, SPANS);
  if (queue === undefined) throw new Error('no queue');
  let bytes = 0;
  const sizing = {
    prepare: async (payload) => {
      bytes += payload.length;
      return payload;
    },
    send: transport.send,
    close() {},
  };
  const round =
    way === 'records'
      ? () => {
          for (let i = 0; i < SPANS; i++) queue.add(captured[i]);
          void queue.export(queue.take(), {});
        }
      : () => {
          const batch = [];
          for (let i = 0; i < SPANS; i++) batch.push(captured[i]);
          void exporter.export(batch);
        };
  for (let i = 0; i < WARM_ROUNDS; i++) {
    round();
    await new Promise((resolve) => setImmediate(resolve));
  }
  Object.assign(transport, sizing);
  // One round per findLastIndex call, the exports' promises settled between them (outside the count).
  for (let i = 0; i < rounds; i++) {
    [0].findLastIndex(() => {
      round();
      return false;
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(`${way}: ${(bytes / rounds / SPANS).toFixed(1)} B of protobuf per span`);
  process.exit(0);
}
