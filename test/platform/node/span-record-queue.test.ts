import { fromBinary } from '@bufbuild/protobuf';
import { context, createTraceState, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPendingAtExit } from '../../../src/export/export-at-exit.js';
import { AlwaysOnSampler } from '../../../src/sampling/always-on.js';
import { TracerProvider } from '../../../src/trace/tracer-provider.js';
import { captureDiagEachTest } from '../../support/diag-capture.js';
import { failureCounts } from '../../../src/diagnostics/report.js';
import { encodeSpansToProtobuf, useFastSpans } from '../../../src/export/otlp/encoding/binary-encoder.js';
import { simpleSpans } from '../../../src/export/otlp/encoding/simple-spans.js';
import { toExportTraceServiceRequest } from '../../../src/export/otlp/encoding/to-export-request.js';
import { OTLPTraceExporter } from '../../../src/export/otlp/otlp-trace-exporter.js';
import { createSpanRecordQueue } from '../../../src/platform/node/span-record-queue.js';
import { ExportResultCode } from '../../../src/export/span-exporter.js';
import { BatchSpanProcessor } from '../../../src/processing/batch-span-processor.js';
import { ExportTraceServiceRequestSchema } from '../../../src/proto.js';
import type { Resource } from '../../../src/resource/resource.js';
import type { FinishedSpan } from '../../../src/trace/finished-span.js';
import type { InstrumentationScope } from '../../../src/trace/instrumentation-scope.js';
import type { HttpResponse, HttpTransport } from '../../../src/transport/http-transport.js';
import { spanBatch } from '../../export/otlp/span-arbitrary.js';
import { finishedSpan, kitchenSinkSpan, LINK_SPAN_ID, LINK_TRACE_ID, spanEvent } from '../../export/otlp/span-fixtures.js';

const OK: HttpResponse = {
  statusCode: 200,
  statusMessage: 'OK',
  retryAfter: undefined,
  contentType: undefined,
  body: new Uint8Array(0),
  bodyError: undefined,
  bodyTooLarge: false,
};
const UNAVAILABLE: HttpResponse = { ...OK, statusCode: 503, statusMessage: 'Service Unavailable' };

/** A transport that keeps every body it is asked to send and answers from `answers` (then 200). */
function capturingTransport(answers: HttpResponse[] = []): { bodies: Buffer[]; transport: () => HttpTransport } {
  const bodies: Buffer[] = [];
  const transport: HttpTransport = {
    prepare: async (payload) => payload,
    send: async (body) => {
      bodies.push(Buffer.from(body));
      return answers.shift() ?? OK;
    },
    close() {},
  };
  return { bodies, transport: () => transport };
}

function useNodeWriterPaths(installed: boolean): void {
  useFastSpans(installed ? simpleSpans : undefined);
}

const isSampled = (span: FinishedSpan): boolean => (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;

/** Spans through a batch processor in front of the OTLP exporter; the request bodies it sent. */
async function exportThroughProcessor(
  spans: readonly FinishedSpan[],
  batch: { maxExportBatchSize?: number; maxQueueSize?: number } = {},
  exporterOptions: { maxRequestBytes?: number } = {},
): Promise<Buffer[]> {
  const { bodies, transport } = capturingTransport();
  const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport, ...exporterOptions });
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 4096, ...batch });
  for (const span of spans) processor.onEnd(span);
  await processor.shutdown();
  return bodies;
}

const RESOURCE_A: Resource = { attributes: { 'service.name': 'a' }, schemaUrl: 'https://a.test/schema' };
const RESOURCE_B: Resource = { attributes: { 'service.name': 'b', 'host.cpus': 2 } };
const SCOPE_1: InstrumentationScope = { name: 'one', version: '1.0.0', schemaUrl: 'https://one.test', attributes: { k: 'v' } };
const SCOPE_2: InstrumentationScope = { name: 'two' };

/** Spans of two resources and two scopes, interleaved, with events, links, status, limits' counts. */
function mixedSpans(count: number): FinishedSpan[] {
  const pairs = [
    [RESOURCE_A, SCOPE_1],
    [RESOURCE_B, SCOPE_2],
    [RESOURCE_A, SCOPE_2],
    [RESOURCE_B, SCOPE_1],
  ] as const;
  return Array.from({ length: count }, (_, i) =>
    finishedSpan({
      name: `span ${i}`,
      kind: i % 2 === 0 ? SpanKind.SERVER : SpanKind.CLIENT,
      resource: pairs[i % 4][0],
      instrumentationScope: pairs[(i >> 1) % 4][1],
      attributes: { 'http.request.method': 'GET', 'url.path': `/items/${i}`, n: i, ok: i % 3 === 0 },
      events: i % 3 === 0 ? [spanEvent('exception', 2_000_000 + i, { 'exception.message': 'boom' }, 1)] : [],
      links:
        i % 4 === 1
          ? [{ context: { traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID, traceFlags: 1 }, attributes: { l: 1 }, droppedAttributesCount: 2 }]
          : [],
      status: i % 5 === 0 ? { code: SpanStatusCode.ERROR, message: 'failed' } : { code: SpanStatusCode.UNSET },
      droppedAttributesCount: i % 7,
      droppedEventsCount: i % 2,
      droppedLinksCount: i % 3,
    }),
  );
}

describe.each([
  { path: 'plain writer', installed: false },
  { path: "the Node entry's writer paths", installed: true },
])('BatchSpanProcessor in front of OTLPTraceExporter keeps spans encoded ($path)', ({ installed }) => {
  afterEach(() => useNodeWriterPaths(false));

  it('sends exactly the bytes the object path gives, decoding to the mapped message (random spans, property)', async () => {
    useNodeWriterPaths(installed);
    await fc.assert(
      fc.asyncProperty(spanBatch, async (spans) => {
        const sampled = spans.filter(isSampled);
        const bodies = await exportThroughProcessor(spans);
        if (sampled.length === 0) {
          expect(bodies).toEqual([]);
          return;
        }
        const expected = Buffer.from(encodeSpansToProtobuf(sampled));
        const sent = bodies.length === 0 ? Buffer.alloc(0) : bodies[0];
        expect(bodies.length).toBeLessThanOrEqual(1);
        expect(sent).toEqual(expected);
        if (bodies.length === 1)
          expect(fromBinary(ExportTraceServiceRequestSchema, new Uint8Array(sent))).toEqual(toExportTraceServiceRequest(sampled));
      }),
      { numRuns: 100 },
    );
  });

  it('groups resources and scopes in one batch, with events, links, status and dropped counts, batch by batch', async () => {
    useNodeWriterPaths(installed);
    const spans = [kitchenSinkSpan(), ...mixedSpans(21)];
    const bodies = await exportThroughProcessor(spans, { maxExportBatchSize: 8 });
    expect(bodies.length).toBe(3);
    for (let b = 0; b < 3; b++) {
      const batch = spans.slice(b * 8, b * 8 + 8);
      expect(bodies[b]).toEqual(Buffer.from(encodeSpansToProtobuf(batch)));
      const decoded = fromBinary(ExportTraceServiceRequestSchema, new Uint8Array(bodies[b]));
      expect(decoded).toEqual(toExportTraceServiceRequest(batch));
      expect(decoded.resourceSpans.length).toBe(b === 0 ? 3 : 2);
    }
  });
});

describe('the encoded span queue', () => {
  it('is made only for OTLPTraceExporter sending protobuf with its own export', () => {
    const url = 'http://127.0.0.1:4318/v1/traces';
    expect(createSpanRecordQueue(new OTLPTraceExporter({ url }), 512)).toBeDefined();
    expect(createSpanRecordQueue(new OTLPTraceExporter({ url, protocol: 'http/json' }), 512)).toBeUndefined();
    class Wrapped extends OTLPTraceExporter {
      override export(spans: readonly FinishedSpan[]) {
        return super.export(spans);
      }
    }
    expect(createSpanRecordQueue(new Wrapped({ url }), 512)).toBeUndefined();
    const patched = new OTLPTraceExporter({ url });
    patched.export = async () => ({ code: ExportResultCode.SUCCESS });
    expect(createSpanRecordQueue(patched, 512)).toBeUndefined();
    expect(createSpanRecordQueue({ export: async () => ({ code: ExportResultCode.SUCCESS }) }, 512)).toBeUndefined();
  });

  it('encodes each span when it ends: a change to its data afterwards is not sent', async () => {
    const { bodies, transport } = capturingTransport();
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 });
    const attributes: Record<string, string> = { when: 'at end' };
    const span = finishedSpan({ attributes });
    const atEnd = Buffer.from(encodeSpansToProtobuf([span]));
    processor.onEnd(span);
    attributes.when = 'changed after end';
    await processor.forceFlush();
    expect(bodies).toEqual([atEnd]);
  });

  it('keeps the queue bounded in spans: drops and counts the newest past maxQueueSize', async () => {
    const spans = mixedSpans(10);
    const { bodies, transport } = capturingTransport();
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 6, maxExportBatchSize: 4 });
    // The exporter is busy with the first full batch while the rest arrives: 4 in export + 6 queued at most.
    for (const span of spans) processor.onEnd(span);
    for (const span of mixedSpans(3)) processor.onEnd(span);
    await processor.forceFlush();
    const sent = bodies.map((body) => fromBinary(ExportTraceServiceRequestSchema, body));
    const sentCount = sent.flatMap((request) => request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))).length;
    expect(sentCount + processor.droppedSpansCount).toBe(13);
    expect(processor.droppedSpansCount).toBeGreaterThan(0);
    expect(bodies.slice(0, 1)).toEqual([Buffer.from(encodeSpansToProtobuf(spans.slice(0, 4)))]);
  });

  it('splits a batch over maxRequestBytes into requests within it, and drops a span that alone exceeds it, naming it', async () => {
    const before = failureCounts().export ?? 0;
    const big = finishedSpan({ name: 'too big', attributes: { blob: 'x'.repeat(5000) } });
    const spans = [...mixedSpans(6), big, ...mixedSpans(6)];
    const bodies = await exportThroughProcessor(spans, {}, { maxRequestBytes: 1200 });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(1200);
    const names = bodies.flatMap((body) =>
      fromBinary(ExportTraceServiceRequestSchema, body).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)),
      ),
    );
    expect(names.sort()).toEqual(
      spans
        .filter((s) => s !== big)
        .map((s) => s.name)
        .sort(),
    );
    expect((failureCounts().export ?? 0) - before).toBeGreaterThanOrEqual(1);
  });

  it('reuses the buffers of exported batches: batch after batch, the bytes of the object path', async () => {
    const { bodies, transport } = capturingTransport();
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxExportBatchSize: 5 });
    const oneScope = (tag: string) => Array.from({ length: 5 }, (_, i) => finishedSpan({ name: `${tag} ${i}` }));
    // Mixed batches and batches of one resource and scope in turn, in the same reused buffers.
    const batches = [
      mixedSpans(5),
      oneScope('a'),
      [kitchenSinkSpan(), ...mixedSpans(4)],
      oneScope('b'),
      oneScope('c'),
      mixedSpans(5).reverse(),
      oneScope('d'),
      mixedSpans(3),
    ];
    for (const batch of batches) {
      for (const span of batch) processor.onEnd(span);
      await processor.forceFlush();
    }
    expect(bodies).toEqual(batches.map((batch) => Buffer.from(encodeSpansToProtobuf(batch))));
  });

  it('sends the same bytes again on a retry', async () => {
    const { bodies, transport } = capturingTransport([UNAVAILABLE]);
    const exporter = new OTLPTraceExporter({
      url: 'http://127.0.0.1:4318/v1/traces',
      transport,
      retry: { maxAttempts: 3, initialBackoffMillis: 1, maxBackoffMillis: 1 },
    });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 });
    const spans = mixedSpans(5);
    for (const span of spans) processor.onEnd(span);
    await processor.forceFlush();
    expect(bodies.length).toBe(2);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]).toEqual(Buffer.from(encodeSpansToProtobuf(spans)));
    expect(processor.failedSpansCount).toBe(0);
  });

  it('counts the spans of a failed export', async () => {
    const { transport } = capturingTransport([{ ...OK, statusCode: 400, statusMessage: 'Bad Request' }]);
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 });
    for (const span of mixedSpans(5)) processor.onEnd(span);
    await processor.forceFlush();
    expect(processor.failedSpansCount).toBe(5);
  });
});

describe('the encoded span queue with real spans (pooled ids)', () => {
  const messages = captureDiagEachTest();
  afterEach(() => useNodeWriterPaths(false));

  /** Spans of a real tracer: roots (pooled ids), children, children of remote parents with a trace state, non-ASCII names. */
  function tracedSpans(count: number, seed: number): FinishedSpan[] {
    const ended: FinishedSpan[] = [];
    const provider = new TracerProvider({
      sampler: new AlwaysOnSampler(),
      resource: { attributes: { 'service.name': 'queue-test' } },
      spanProcessors: [{ onStart() {}, onEnd: (span) => ended.push(span), forceFlush: async () => {}, shutdown: async () => {} }],
    });
    const tracers = [provider.getTracer('one', '1.0.0'), provider.getTracer('två ✓')];
    const remote = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState('vendor=é,other=1'),
    });
    for (let i = 0; i < count; i++) {
      const tracer = tracers[(i + seed) % 2];
      const kind = (i + seed) % 3;
      const parentContext = kind === 0 ? context.active() : remote;
      const span = tracer.startSpan(
        `op ${i} ✓ ${'x'.repeat((seed * 7 + i) % 150)}`,
        { kind: SpanKind.SERVER, attributes: { n: i, s: `é${i}` } },
        parentContext,
      );
      if (i % 4 === 1) {
        const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), span));
        child.addEvent('evt', { k: 'v' });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'nö' });
        child.end();
      }
      span.end();
    }
    return ended;
  }

  it.each([false, true])('sends the bytes of the object path, batch by batch (fast writer installed: %s)', async (installed) => {
    useNodeWriterPaths(installed);
    for (let seed = 0; seed < 6; seed++) {
      const spans = tracedSpans(40 + seed * 13, seed);
      const bodies = await exportThroughProcessor(spans, { maxExportBatchSize: 16 + seed });
      const size = 16 + seed;
      const expected: Buffer[] = [];
      for (let from = 0; from < spans.length; from += size)
        expected.push(Buffer.from(encodeSpansToProtobuf(spans.slice(from, from + size))));
      expect(bodies).toEqual(expected);
      for (let b = 0; b < bodies.length; b++) {
        expect(fromBinary(ExportTraceServiceRequestSchema, new Uint8Array(bodies[b]))).toEqual(
          toExportTraceServiceRequest(spans.slice(b * size, b * size + size)),
        );
      }
    }
    expect(messages).toEqual([]);
  });

  it('reports a span whose encoding throws, naming it, and drops it; the rest is sent', async () => {
    const { bodies, transport } = capturingTransport();
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 });
    const good = mixedSpans(3);
    const bad = finishedSpan({ name: 'the bad one' });
    Object.defineProperty(bad, 'status', {
      get() {
        throw new Error('status unreadable');
      },
    });
    expect(() => {
      processor.onEnd(good[0]);
      processor.onEnd(bad);
      processor.onEnd(good[1]);
      processor.onEnd(good[2]);
    }).not.toThrow();
    await processor.forceFlush();
    expect(bodies).toEqual([Buffer.from(encodeSpansToProtobuf(good))]);
    expect(messages.some((message) => message.includes('the bad one') && message.includes('status unreadable'))).toBe(true);
  });

  it('drops a span whose ids are not hex, as the object path does, and sends the rest', async () => {
    const spans = [
      finishedSpan({ name: 'ok 1' }),
      finishedSpan({ name: 'bad trace id', traceId: 'zz'.repeat(16) }),
      finishedSpan({ name: 'ok 2', parent: { traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID, traceFlags: 1, isRemote: true } }),
      finishedSpan({ name: 'bad span id', spanId: 'é'.repeat(16) }),
      finishedSpan({ name: 'ok 3' }),
    ];
    const bodies = await exportThroughProcessor(spans);
    expect(bodies).toEqual([Buffer.from(encodeSpansToProtobuf(spans))]);
    const names = fromBinary(ExportTraceServiceRequestSchema, new Uint8Array(bodies[0])).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => span.name)),
    );
    expect(names).toEqual(['ok 1', 'ok 2', 'ok 3']);
  });

  it('exports everything accepted at shutdown, and nothing after it', async () => {
    const { bodies, transport } = capturingTransport();
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxExportBatchSize: 4 });
    const spans = mixedSpans(10);
    for (const span of spans) processor.onEnd(span);
    await processor.shutdown();
    processor.onEnd(mixedSpans(1)[0]);
    await processor.forceFlush();
    expect(bodies).toEqual(
      [spans.slice(0, 4), spans.slice(4, 8), spans.slice(8)].map((batch) => Buffer.from(encodeSpansToProtobuf(batch))),
    );
  });

  it('at exit sends the unfinished export (its bytes as they were) and everything queued, the open batch included', () => {
    const posted: Buffer[] = [];
    const transport: HttpTransport = {
      prepare: async (payload) => payload,
      // Never answers: the first batch's export stays unfinished.
      send: () => new Promise(() => {}),
      close() {},
      postSynchronously(payload) {
        posted.push(Buffer.from(payload));
        return { kind: 'answered', statusCode: 200 };
      },
    };
    const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:4318/v1/traces', transport: () => transport });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxExportBatchSize: 4 });
    const spans = mixedSpans(11);
    return (async () => {
      for (const span of spans.slice(0, 4)) processor.onEnd(span);
      // The full batch's export starts (and never finishes).
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const span of spans.slice(4)) processor.onEnd(span);
      exportPendingAtExit();
      expect(posted).toEqual(
        [spans.slice(0, 4), spans.slice(4, 8), spans.slice(8)].map((batch) => Buffer.from(encodeSpansToProtobuf(batch))),
      );
      expect(processor.failedSpansCount).toBe(0);
    })();
  });
});
