import { fromBinary } from '@bufbuild/protobuf';
import { context as apiContext, ROOT_CONTEXT, trace, type SpanContext } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSpansToProtobuf, useBatchSpanIds } from '../../src/export/otlp/encoding/binary-encoder.js';
import { asciiBatchSpanIds } from '../../src/export/otlp/encoding/span-id-batch.js';
import { InMemorySpanExporter } from '../../src/export/in-memory-span-exporter.js';
import { SimpleSpanProcessor } from '../../src/processing/simple-span-processor.js';
import { W3CTraceContextPropagator } from '../../src/propagation/trace-context.js';
import { ExportTraceServiceRequestSchema } from '../../src/proto.js';
import { AlwaysOnSampler } from '../../src/sampling/always-on.js';
import { ParentBasedSampler } from '../../src/sampling/parent-based.js';
import type { IdGenerator } from '../../src/trace/id-generator.js';
import { drawNumericIds, RandomNumericIds } from '../../src/trace/numeric-span-ids.js';
import { newContextParts } from '../../src/export/otlp/encoding/binary-encoder.js';
import { RecordingSpan } from '../../src/trace/span.js';
import type { FinishedSpan } from '../../src/trace/finished-span.js';
import { TracerProvider } from '../../src/trace/tracer-provider.js';
import { useNumericIds } from '../../src/trace/tracer.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function recordingProvider(options: ConstructorParameters<typeof TracerProvider>[0] = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ ...options, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('numeric-ids') };
}

/** Whether `span` holds its ids as numbers (what the writer reads). */
function hasNumericIds(span: unknown): boolean {
  const parts = { ...newContextParts(), takesNumericIds: true };
  RecordingSpan.readContextParts(span as FinishedSpan, parts);
  return parts.numericIds !== undefined;
}

function decodeSpans(bytes: Uint8Array) {
  return fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

// As the Node entry installs them: roots draw numeric ids, the writer reads a batch's ids at once.
describe('span ids kept as numbers (Node entry)', () => {
  beforeAll(() => {
    useNumericIds(drawNumericIds);
    useBatchSpanIds(asciiBatchSpanIds);
  });
  afterAll(() => {
    useNumericIds(undefined);
    useBatchSpanIds(undefined);
  });

  it('writes the bytes of known chunks, and makes the same ids as hex', () => {
    const ids = new RandomNumericIds(0x0123ab, 0xcdef01, 0x000002, 0xfffffe, 0x10a0b0, 0x7f, 0x00ff00, 0xabcdef, 0x0001);
    expect(ids.traceIdHex()).toBe('0123abcdef01000002fffffe10a0b07f');
    expect(ids.spanIdHex()).toBe('00ff00abcdef0001');
  });

  it('writes ids from numbers that decode to what spanContext() gives, read before or after encoding, stable across reads', async () => {
    const { exporter, provider, tracer } = recordingProvider();
    const readEarly: SpanContext[] = [];
    // Enough roots to cross a refill of the random pool (1,024 roots per refill; fewer than the queue holds).
    for (let i = 0; i < 1500; i++) {
      const span = tracer.startSpan(`root ${i}`);
      if (i % 3 === 0) readEarly.push(span.spanContext());
      span.end();
    }
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const decoded = decodeSpans(encodeSpansToProtobuf(spans));
    expect(spans).toHaveLength(1500);
    expect(spans.every(hasNumericIds)).toBe(true);
    expect(decoded).toHaveLength(spans.length);
    const traceIds = new Set<string>();
    for (let i = 0; i < spans.length; i++) {
      const first = spans[i].spanContext();
      const again = spans[i].spanContext();
      expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(first.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(first.traceId).not.toBe('0'.repeat(32));
      expect(first.spanId).not.toBe('0'.repeat(16));
      expect(again).toEqual(first);
      expect(hex(decoded[i].traceId)).toBe(first.traceId);
      expect(hex(decoded[i].spanId)).toBe(first.spanId);
      expect(decoded[i].parentSpanId).toHaveLength(0);
      traceIds.add(first.traceId);
    }
    expect(traceIds.size).toBe(spans.length);
    for (let i = 0; i < readEarly.length; i++) expect(spans[i * 3].spanContext()).toEqual(readEarly[i]);
    // Every hex digit appears in every position of the trace ids (the chunks cover every byte).
    const digits = Array.from({ length: 32 }, () => new Set<string>());
    for (const id of traceIds) for (let p = 0; p < 32; p++) digits[p].add(id[p]);
    for (const seen of digits) expect(seen.size).toBe(16);
    await provider.shutdown();
  });

  it("encodes a child's parent span id and trace id from its numeric root, and a remote parent's from traceparent", async () => {
    const { exporter, provider, tracer } = recordingProvider({
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    });
    const root = tracer.startSpan('root');
    const child = tracer.startSpan('child', {}, trace.setSpan(apiContext.active(), root));
    child.end();
    root.end();
    const remote = new W3CTraceContextPropagator().extract(
      ROOT_CONTEXT,
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      { get: (carrier, key) => carrier[key as 'traceparent'], keys: (carrier) => Object.keys(carrier) },
    );
    tracer.startSpan('server', {}, remote).end();
    // A span in the context whose ids are not hex: the new span is a root; its trace id is drawn at start.
    const odd = trace.wrapSpanContext({ traceId: 'z'.repeat(32), spanId: 'z'.repeat(16), traceFlags: 1 });
    const underOdd = tracer.startSpan('under odd', {}, trace.setSpan(ROOT_CONTEXT, odd));
    underOdd.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map(hasNumericIds)).toEqual([false, true, false, false]);
    expect(underOdd.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    const [encodedChild, encodedRoot, encodedServer, encodedUnderOdd] = decodeSpans(encodeSpansToProtobuf(exporter.getFinishedSpans()));
    expect(hex(encodedRoot.spanId)).toBe(root.spanContext().spanId);
    expect(hex(encodedChild.traceId)).toBe(root.spanContext().traceId);
    expect(hex(encodedChild.parentSpanId)).toBe(root.spanContext().spanId);
    expect(hex(encodedChild.spanId)).toBe(child.spanContext().spanId);
    expect(hex(encodedServer.traceId)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(hex(encodedServer.parentSpanId)).toBe('b7ad6b7169203331');
    expect(hex(encodedUnderOdd.traceId)).toBe(underOdd.spanContext().traceId);
    expect(encodedUnderOdd.parentSpanId).toHaveLength(0);
    await provider.shutdown();
  });

  it("calls a user's IdGenerator for every span, as without numeric ids, and encodes its ids", async () => {
    let n = 0;
    const calls: string[] = [];
    const generator: IdGenerator = {
      generateTraceId: () => {
        calls.push('trace');
        return (++n).toString(16).padStart(32, '0');
      },
      generateSpanId: () => {
        calls.push('span');
        return (++n).toString(16).padStart(16, '0');
      },
    };
    const { exporter, provider, tracer } = recordingProvider({ idGenerator: generator });
    const root = tracer.startSpan('root');
    tracer.startSpan('child', {}, trace.setSpan(apiContext.active(), root)).end();
    root.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().some(hasNumericIds)).toBe(false);
    expect(calls).toEqual(['trace', 'span', 'span']);
    expect(root.spanContext()).toMatchObject({ traceId: `${'0'.repeat(31)}1`, spanId: `${'0'.repeat(15)}2` });
    const [encodedChild, encodedRoot] = decodeSpans(encodeSpansToProtobuf(exporter.getFinishedSpans()));
    expect(hex(encodedRoot.traceId)).toBe(`${'0'.repeat(31)}1`);
    expect(hex(encodedRoot.spanId)).toBe(`${'0'.repeat(15)}2`);
    expect(hex(encodedChild.spanId)).toBe(`${'0'.repeat(15)}3`);
    expect(hex(encodedChild.parentSpanId)).toBe(`${'0'.repeat(15)}2`);
    await provider.shutdown();
  });

  it('gives hex ids to readers that do not take numbers, and the per-id writer (web entries) writes the same bytes', async () => {
    const { exporter, provider, tracer } = recordingProvider();
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const parts = newContextParts();
    RecordingSpan.readContextParts(spans[0], parts);
    expect(parts.numericIds).toBeUndefined();
    expect(parts.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parts.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parts).toMatchObject({ traceId: spans[0].spanContext().traceId, spanId: spans[0].spanContext().spanId });
    expect(hasNumericIds(spans[1])).toBe(true);
    useBatchSpanIds(undefined);
    try {
      const perId = encodeSpansToProtobuf(spans);
      useBatchSpanIds(asciiBatchSpanIds);
      expect(encodeSpansToProtobuf(spans)).toEqual(perId);
      expect(decodeSpans(perId).map((span) => hex(span.spanId))).toEqual(spans.map((span) => span.spanContext().spanId));
    } finally {
      useBatchSpanIds(asciiBatchSpanIds);
    }
    await provider.shutdown();
  });
});
