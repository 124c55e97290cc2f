/**
 * encode: 512 finished spans (64 traces of a root and 7 children; 8 attributes and 1 event each) to a
 * binary OTLP ExportTraceServiceRequest. otelite's `encodeSpansToProtobuf` vs opentelemetry-js's
 * `ProtobufTraceSerializer.serializeRequest`, each fed spans its own SDK produced from the same calls.
 * Reports microseconds per request, and the byte counts (otelite's must not be larger).
 */

import { measureCpu } from '../lib/measure.mjs';
import { countOtlpSpans } from '../lib/count-otlp-spans.mjs';
import { formatRatio } from '../lib/format.mjs';
import { importOtelite, missingOtelite } from '../lib/otelite.mjs';
import { TRACER_NAME, TRACER_VERSION } from '../lib/workload.mjs';
import { createOpenTelemetryJsProvider, createOteliteProvider } from '../lib/providers.mjs';
import { createLine3Provider, requireLine3 } from '../lib/line-3.mjs';

const SPAN_COUNT = 512;
const SPANS_PER_TRACE = 8;

/** Records the 512 spans with `tracer`; `trace`/`ROOT_CONTEXT` come from @opentelemetry/api. */
function recordSpans(tracer, trace, ROOT_CONTEXT) {
  for (let t = 0; t < SPAN_COUNT / SPANS_PER_TRACE; t++) {
    const root = tracer.startSpan(`GET /items/{id}`, { kind: 1, attributes: spanAttributes(t, 0) });
    root.addEvent('cache.lookup', { 'cache.key': `item:${t}` });
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    for (let c = 1; c < SPANS_PER_TRACE; c++) {
      const child = tracer.startSpan(`db.query ${c}`, { attributes: spanAttributes(t, c) }, parent);
      child.addEvent('cache.lookup', { 'cache.key': `item:${t}:${c}` });
      child.end();
    }
    root.end();
  }
}

/** 8 attributes: strings, ints, a double and a boolean. */
function spanAttributes(t, c) {
  return {
    'http.request.method': 'GET',
    'url.path': `/items/${t}`,
    'url.scheme': 'https',
    'server.address': 'api.example.com',
    'server.port': 443,
    'http.response.status_code': 200,
    'app.latency_ratio': 0.25 + c / 16,
    'app.cache.hit': (t + c) % 2 === 0,
  };
}

/** An exporter (for a simple processor) that keeps what it is given. */
function collector(callbackStyle) {
  const spans = [];
  return {
    spans,
    export(batch, resultCallback) {
      spans.push(...batch);
      if (callbackStyle) resultCallback({ code: 0 });
      return Promise.resolve({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}

async function measure(encode, spans, settings) {
  if (spans.length !== SPAN_COUNT) throw new Error(`expected ${SPAN_COUNT} spans, recorded ${spans.length}`);
  const bytes = encode(spans);
  const decodedSpans = countOtlpSpans(bytes);
  if (decodedSpans !== SPAN_COUNT) throw new Error(`encoded request holds ${decodedSpans} spans, not ${SPAN_COUNT}`);
  const result = await measureCpu(() => encode(spans), settings.measure);
  return { ...result, value: result.value / 1000, bytes: bytes.length };
}

/** otelite's encoder and the case's 512 spans, recorded by otelite. */
export async function recordOteliteSpans() {
  const { module: otelite } = await importOtelite();
  const { module: otlp } = await importOtelite('otlp');
  const { trace, ROOT_CONTEXT } = await import('@opentelemetry/api');
  const exporter = collector(false);
  const provider = createOteliteProvider(otelite, new otelite.SimpleSpanProcessor(exporter));
  recordSpans(provider.getTracer(TRACER_NAME, TRACER_VERSION), trace, ROOT_CONTEXT);
  await provider.forceFlush();
  return { encode: otlp.encodeSpansToProtobuf, spans: exporter.spans };
}

export default {
  id: 'encode',
  title: 'encode',
  unit: 'µs/512 spans',
  target: { ratio: 0.45, lowerIsBetter: true, text: '≤ 0.45×, bytes ≤' },
  rounds: (settings) => settings.cpuRounds,
  childSettings: (settings) => ({
    measure: { chunk: 2, ...(settings.quick ? { warmupMillis: 200, samples: 3 } : { warmupMillis: 400 }) },
  }),
  conclude(sides, anchor = 'opentelemetry-js') {
    const bytes = Object.fromEntries(Object.entries(sides).map(([side, { runs }]) => [side, runs[0].bytes]));
    const parts = Object.entries(bytes).map(([side, count]) => `${side} ${count.toLocaleString('en-US')} B`);
    const ratio = bytes.otelite / bytes[anchor];
    const lines = [`bytes: ${parts.join(', ')}${Number.isFinite(ratio) ? ` (${formatRatio(ratio)})` : ''}`];
    return { lines, details: { bytes }, met: Number.isFinite(ratio) ? bytes.otelite <= bytes[anchor] : undefined };
  },
  pending: () =>
    missingOtelite({
      index: ['TracerProvider', 'SimpleSpanProcessor', 'AlwaysOnSampler'],
      otlp: ['encodeSpansToProtobuf'],
    }),
  sides: {
    async otelite(settings) {
      const { encode, spans } = await recordOteliteSpans();
      return measure(encode, spans, settings);
    },
    async 'opentelemetry-js'(settings) {
      const { SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
      const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
      const { trace, ROOT_CONTEXT } = await import('@opentelemetry/api');
      const exporter = collector(true);
      const provider = await createOpenTelemetryJsProvider(new SimpleSpanProcessor(exporter));
      recordSpans(provider.getTracer(TRACER_NAME, TRACER_VERSION), trace, ROOT_CONTEXT);
      await provider.forceFlush();
      return measure((spans) => ProtobufTraceSerializer.serializeRequest(spans), exporter.spans, settings);
    },
    /** The 3.x anchor (bench/lib/line-3.mjs), run on Node 24 against an otelite side there. */
    async 'opentelemetry-js-3'(settings) {
      const { SimpleSpanProcessor } = requireLine3('@opentelemetry/sdk-trace');
      const { ProtobufTraceSerializer } = requireLine3('@opentelemetry/otlp-transformer');
      const { trace, ROOT_CONTEXT } = requireLine3('@opentelemetry/api');
      const exporter = collector(true);
      const provider = await createLine3Provider(new SimpleSpanProcessor({ exporter }));
      recordSpans(provider.getTracer(TRACER_NAME, TRACER_VERSION), trace, ROOT_CONTEXT);
      await provider.forceFlush();
      return measure((spans) => ProtobufTraceSerializer.serializeRequest(spans), exporter.spans, settings);
    },
  },
};
