/**
 * memory: heap bytes per span held by a batch span processor whose exporter has stalled (its export
 * never resolves, as with a collector that stopped answering), at two queue sizes, in the same process:
 * - queue 16,384: one processor (batch 512, queue 16,384) and 16,384 ended spans, all held (512 in the
 *   stalled export, the rest queued);
 * - the default queue of 2,048: eight processors with the shared batch settings (queue 2,048, batch
 *   512), each on its own provider, and 2,048 ended spans through each, all held (512 in its stalled
 *   export, 1,536 queued). Every processor's own allocations for its default-sized queue are counted,
 *   once per 2,048 spans, as an application with one processor has them.
 * Each figure is heapUsed after forced GCs, before and after, divided by the 16,384 spans held:
 * `heapUsed` after `gc()` varies by ±100–200 KB from process to process for the same reachable heap,
 * which over one default queue of 2,048 spans was ±50–100 B per span; over 16,384 spans it is ±6–12 B.
 * Attribute values, providers and processors are created before the first reading, so only what each
 * SDK allocates per span counts. Run with --expose-gc, one fresh process per side per round.
 */

import { formatNumber, formatRatio } from '../lib/format.mjs';
import { importOtelite, missingOtelite } from '../lib/otelite.mjs';
import { summarize } from '../lib/stats.mjs';
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

/** Default-sized queues measured together, so that the heap's noise is spread over `SPANS` spans. */
const DEFAULT_QUEUES = SPANS / BATCH.maxQueueSize;

/**
 * `makeProvider(exporter, batch)` builds one side's provider with a batch processor around `exporter`
 * with the given batch settings.
 */
async function measure(makeProvider, callbackStyle) {
  const large = await measureLargeQueue(makeProvider, callbackStyle);
  const queue2048 = await measureDefaultQueues(makeProvider, callbackStyle);
  return { ...large, queue2048 };
}

/** `DEFAULT_QUEUES` providers with the default queue of 2,048, each filled to it. */
async function measureDefaultQueues(makeProvider, callbackStyle) {
  const providers = [];
  for (let i = 0; i < DEFAULT_QUEUES; i++) {
    const exporter = stalledExporter(callbackStyle);
    const provider = await makeProvider(exporter, BATCH);
    const values = Array.from({ length: BATCH.maxQueueSize }, (_, k) => `/orders/${i}/${k}`);
    providers.push({ exporter, tracer: provider.getTracer(TRACER_NAME, TRACER_VERSION), values });
  }
  const before = await settledHeapUsed();
  for (const { tracer, values } of providers) fillQueue(tracer, values);
  const after = await settledHeapUsed();
  const handedToExporter = providers.reduce((sum, { exporter }) => sum + exporter.held.reduce((n, batch) => n + batch.length, 0), 0);
  return { value: (after - before) / SPANS, heapBefore: before, heapAfter: after, handedToExporter, queues: DEFAULT_QUEUES };
}

/** One provider with a queue of `SPANS`, filled to it. */
async function measureLargeQueue(makeProvider, callbackStyle) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const warmValues = Array.from({ length: WARMUP_SPANS }, (_, i) => `/users/${i}`);
  const warm = await makeProvider(stalledExporter(callbackStyle), MEMORY_BATCH);
  // Warm-up on a provider of its own (left stalled: a shutdown would wait out the export timeout).
  fillQueue(warm.getTracer(TRACER_NAME, TRACER_VERSION), warmValues);

  const values = Array.from({ length: SPANS }, (_, i) => `/items/${i}`);
  const exporter = stalledExporter(callbackStyle);
  const provider = await makeProvider(exporter, MEMORY_BATCH);
  const tracer = provider.getTracer(TRACER_NAME, TRACER_VERSION);
  const before = await settledHeapUsed();
  fillQueue(tracer, values);
  const after = await settledHeapUsed();
  const handedToExporter = exporter.held.reduce((sum, batch) => sum + batch.length, 0);
  if (tracer === undefined || values.length !== SPANS) throw new Error('unreachable');
  return { value: (after - before) / SPANS, heapBefore: before, heapAfter: after, handedToExporter };
}

const TARGET = 0.35;

export default {
  id: 'memory',
  title: 'memory',
  unit: 'B/queued span',
  target: { ratio: TARGET, lowerIsBetter: true, text: `≤ ${TARGET.toFixed(2)}× at queue 16,384 and at the default 2,048` },
  execArgv: ['--expose-gc'],
  rounds: (settings) => (settings.quick ? 1 : 5),
  childSettings: () => ({}),
  /** The default queue's figure and its ratio (the case's `value` is the 16,384 queue's). */
  conclude(sides, anchor = 'opentelemetry-js') {
    const queue2048 = Object.fromEntries(
      Object.entries(sides).map(([side, { runs }]) => [side, summarize(runs.map((r) => r.queue2048.value))]),
    );
    const held = Object.entries(sides)
      .map(
        ([side, { runs }]) =>
          `${side} ${runs[0].handedToExporter} (queue 16,384), ${runs[0].queue2048.handedToExporter} (8 default queues)`,
      )
      .join(', ');
    const ratio = queue2048.otelite && queue2048[anchor] ? queue2048.otelite.median / queue2048[anchor].median : NaN;
    const ratioRange =
      queue2048.otelite && queue2048[anchor]
        ? summarize(sides.otelite.runs.map((r, i) => r.queue2048.value / sides[anchor].runs[i].queue2048.value))
        : undefined;
    const range = (summary) => (summary.values.length > 1 ? ` (${formatNumber(summary.min)}–${formatNumber(summary.max)})` : '');
    return {
      lines: [
        `default queue 2,048 (${DEFAULT_QUEUES} processors × 2,048 spans): ${Object.entries(queue2048)
          .map(([side, summary]) => `${side} ${formatNumber(summary.median)}${range(summary)} B/queued span`)
          .join('   ')}   ratio ${Number.isFinite(ratio) ? formatRatio(ratio) : '–'}   target ≤ ${TARGET.toFixed(2)}×`,
        `handed to the stalled exports (rest queued) of ${SPANS} spans: ${held}`,
      ],
      details: { queue2048: { sides: queue2048, ratio, ratioRange } },
      met: Number.isFinite(ratio) ? ratio <= TARGET : undefined,
    };
  },
  pending: () => missingOtelite({ index: ['TracerProvider', 'BatchSpanProcessor', 'AlwaysOnSampler'] }),
  sides: {
    async otelite() {
      const { module: otelite } = await importOtelite();
      return measure((exporter, batch) => createOteliteProvider(otelite, new otelite.BatchSpanProcessor(exporter, batch)), false);
    },
    async 'opentelemetry-js'() {
      const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
      return measure((exporter, batch) => createOpenTelemetryJsProvider(new BatchSpanProcessor(exporter, batch)), true);
    },
    /** The 3.x anchor (bench/lib/line-3.mjs), run on Node 24 against an otelite side there. */
    async 'opentelemetry-js-3'() {
      return measure((exporter, batch) => createLine3Provider(createLine3BatchProcessor(exporter, batch)), true);
    },
  },
};
