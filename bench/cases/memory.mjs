/**
 * memory: heap bytes per span held by a batch span processor whose exporter has stalled (its export
 * never resolves, as with a collector that stopped answering). 16,384 spans with 5 attributes are ended;
 * with the shared batch settings but a queue as large (queue 16,384, batch 512) the processor holds all
 * of them, queued or handed to the stalled export. heapUsed after forced GCs, before and after, divided
 * by 16,384: `heapUsed` after `gc()` varies by ±100–200 KB from process to process for the same reachable
 * heap, which over the 2,048 spans of a default-sized queue was ±90 B per span; over 16,384 it is ±12 B.
 * Attribute values are created before the first reading, so only what each SDK allocates is counted.
 * Run with --expose-gc, one fresh process per side per round.
 */

import { importOtelite, missingOtelite } from '../lib/otelite.mjs';
import { BATCH, TRACER_NAME, TRACER_VERSION } from '../lib/workload.mjs';
import { createOpenTelemetryJsProvider, createOteliteProvider } from '../lib/providers.mjs';
import { createLine3BatchProcessor, createLine3Provider } from '../lib/line-3.mjs';

const SPANS = 16_384;
/** The shared batch settings, with a queue that holds every measured span. */
const MEMORY_BATCH = { ...BATCH, maxQueueSize: SPANS };
const WARMUP_SPANS = 4096;

/** An exporter that never finishes an export and keeps every batch, as an in-flight request would. */
function stalledExporter(callbackStyle) {
  const held = [];
  return {
    held,
    export(spans) {
      held.push(spans);
      return callbackStyle ? undefined : new Promise(() => {});
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}

async function settledHeapUsed() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

function fillQueue(tracer, values) {
  for (let i = 0; i < values.length; i++) {
    const span = tracer.startSpan('GET /users/:id', {
      attributes: {
        'http.request.method': 'GET',
        'url.path': values[i],
        'server.address': 'api.example.com',
        'server.port': 8080,
        'http.response.status_code': 200,
      },
    });
    span.end();
  }
}

/** `makeProvider(exporter)` builds one side's provider with a batch processor around `exporter`. */
async function measure(makeProvider, callbackStyle) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const warmValues = Array.from({ length: WARMUP_SPANS }, (_, i) => `/users/${i}`);
  const warm = await makeProvider(stalledExporter(callbackStyle));
  // Warm-up on a provider of its own (left stalled: a shutdown would wait out the export timeout).
  fillQueue(warm.getTracer(TRACER_NAME, TRACER_VERSION), warmValues);

  const values = Array.from({ length: SPANS }, (_, i) => `/items/${i}`);
  const exporter = stalledExporter(callbackStyle);
  const provider = await makeProvider(exporter);
  const tracer = provider.getTracer(TRACER_NAME, TRACER_VERSION);
  const before = await settledHeapUsed();
  fillQueue(tracer, values);
  const after = await settledHeapUsed();
  const handedToExporter = exporter.held.reduce((sum, batch) => sum + batch.length, 0);
  if (tracer === undefined || values.length !== SPANS) throw new Error('unreachable');
  return { value: (after - before) / SPANS, heapBefore: before, heapAfter: after, handedToExporter };
}

export default {
  id: 'memory',
  title: 'memory',
  unit: 'B/queued span',
  target: { ratio: 0.4, lowerIsBetter: true, text: '≤ 0.40×' },
  execArgv: ['--expose-gc'],
  rounds: (settings) => (settings.quick ? 1 : 5),
  childSettings: () => ({}),
  conclude: (sides) => ({
    lines: [
      `handed to the stalled export (rest queued): ${Object.entries(sides)
        .map(([side, { runs }]) => `${side} ${runs[0].handedToExporter}`)
        .join(', ')} of ${SPANS}`,
    ],
  }),
  pending: () => missingOtelite({ index: ['TracerProvider', 'BatchSpanProcessor', 'AlwaysOnSampler'] }),
  sides: {
    async otelite() {
      const { module: otelite } = await importOtelite();
      return measure((exporter) => createOteliteProvider(otelite, new otelite.BatchSpanProcessor(exporter, MEMORY_BATCH)), false);
    },
    async 'opentelemetry-js'() {
      const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
      return measure((exporter) => createOpenTelemetryJsProvider(new BatchSpanProcessor(exporter, MEMORY_BATCH)), true);
    },
    /** The 3.x anchor (bench/lib/line-3.mjs), run on Node 24 against an otelite side there. */
    async 'opentelemetry-js-3'() {
      return measure((exporter) => createLine3Provider(createLine3BatchProcessor(exporter, MEMORY_BATCH)), true);
    },
  },
};
