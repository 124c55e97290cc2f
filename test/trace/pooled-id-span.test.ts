import { fromBinary } from '@bufbuild/protobuf';
import { context as apiContext, createTraceState, trace, type Span, type SpanContext } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSpansToProtobuf, useFastSpans } from '../../src/export/otlp/encoding/binary-encoder.js';
import { encodeSpansToJson } from '../../src/export/otlp/encoding/json-encoder.js';
import { simpleSpans } from '../../src/export/otlp/encoding/simple-spans.js';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type IdGenerator,
  type Sampler,
} from '../../src/index.js';
import { parseTraceParent } from '../../src/propagation/trace-context.js';
import { ExportTraceServiceRequestSchema } from '../../src/proto.js';
import type { FinishedSpan } from '../../src/trace/finished-span.js';
import { PooledIdSpan } from '../../src/trace/pooled-id-span.js';
import { RecordingSpan } from '../../src/trace/span.js';
import { useGlobalContextManager } from '../support/global-context-manager.js';
import { finishedSpan } from '../export/otlp/span-fixtures.js';

useGlobalContextManager();

/** What a span's ids are on the wire, from bytes decoded with the generated schema. */
interface WireIds {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  flags: number;
  traceState: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function decodeIds(bytes: Uint8Array): WireIds[] {
  const request = fromBinary(ExportTraceServiceRequestSchema, bytes);
  return request.resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) =>
      s.spans.map((span) => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        flags: span.flags,
        traceState: span.traceState,
      })),
    ),
  );
}

function expected(span: FinishedSpan): WireIds {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    flags: 0x100 | context.traceFlags | (span.parentSpanContext?.isRemote ? 0x200 : 0),
    traceState: context.traceState?.serialize() ?? '',
  };
}

function setup(options: { sampler?: Sampler; idGenerator?: IdGenerator } = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ ...options, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('pooled-ids') };
}

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;

// The protobuf writer both ways: with the Node entry's batch id reader (simple-spans.ts) and the plain per-id way.
describe.each([
  { path: "the Node entry's batch id reader", fast: true },
  { path: 'the plain per-id way', fast: false },
])('ids kept as pooled bytes, written by $path', ({ fast }) => {
  beforeAll(() => useFastSpans(fast ? simpleSpans : undefined));
  afterAll(() => useFastSpans(simpleSpans));

  it('writes the bytes spanContext() shows, for roots across several pool refills, read before or after encoding', () => {
    // The default sampler (ParentBased over AlwaysOn, from the environment) lets a root draw its trace id late.
    const { exporter, tracer } = setup();
    const readBefore = new Map<FinishedSpan, SpanContext>();
    for (let i = 0; i < 1200; i++) {
      const span = tracer.startSpan(`root ${i % 7}`);
      if (i % 3 === 0) readBefore.set(span as unknown as FinishedSpan, { ...span.spanContext() });
      span.end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBe(1200);
    expect(spans.every((span) => span instanceof PooledIdSpan)).toBe(true);
    const wire = decodeIds(encodeSpansToProtobuf(spans));
    expect(wire.length).toBe(1200);
    const traceIds = new Set<string>();
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      const before = readBefore.get(span);
      if (before !== undefined) expect(span.spanContext()).toEqual(before);
      expect(wire[i]).toEqual(expected(span));
      expect(wire[i].traceId).toMatch(HEX_TRACE_ID);
      expect(wire[i].spanId).toMatch(HEX_SPAN_ID);
      expect(wire[i].parentSpanId).toBe('');
      traceIds.add(wire[i].traceId);
    }
    expect(traceIds.size).toBe(1200);
  });

  it('writes children of local spans and spans under remote parents with their parents ids', () => {
    const { exporter, tracer } = setup();
    const remote = parseTraceParent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') as SpanContext;
    const remoteContext = trace.setSpanContext(apiContext.active(), { ...remote, isRemote: true });
    const roots: Span[] = [];
    for (let i = 0; i < 400; i++) {
      const root = i % 2 === 0 ? tracer.startSpan('root') : tracer.startSpan('server', {}, remoteContext);
      const child = tracer.startSpan('child', {}, trace.setSpan(apiContext.active(), root));
      const grandchild = tracer.startSpan('grandchild', {}, trace.setSpan(apiContext.active(), child));
      grandchild.end();
      child.end();
      root.end();
      roots.push(root);
    }
    const spans = exporter.getFinishedSpans();
    const wire = decodeIds(encodeSpansToProtobuf(spans));
    expect(wire.length).toBe(1200);
    for (let i = 0; i < spans.length; i++) expect(wire[i]).toEqual(expected(spans[i]));
    // The spans of one request: grandchild, child, root (end order).
    for (let i = 0; i < spans.length; i += 3) {
      const [grandchild, child, root] = [wire[i], wire[i + 1], wire[i + 2]];
      expect(child.traceId).toBe(root.traceId);
      expect(grandchild.traceId).toBe(root.traceId);
      expect(child.parentSpanId).toBe(root.spanId);
      expect(grandchild.parentSpanId).toBe(child.spanId);
      if ((i / 3) % 2 === 1) {
        expect(root.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        expect(root.parentSpanId).toBe('00f067aa0ba902b7');
        expect(root.flags & 0x300).toBe(0x300);
      }
    }
    expect(new Set(wire.map((w) => w.spanId)).size).toBe(1200);
  });

  it('writes the same bytes again after the context is read, and next to spans whose ids are not hex', () => {
    const { exporter, tracer } = setup();
    const remote = trace.setSpanContext(apiContext.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    for (let i = 0; i < 50; i++) {
      const root = tracer.startSpan('root');
      tracer.startSpan('child', {}, i % 2 === 0 ? trace.setSpan(apiContext.active(), root) : remote).end();
      root.end();
    }
    const spans = exporter.getFinishedSpans();
    const first = encodeSpansToProtobuf(spans);
    // A span whose id is not hex makes the batch reader read every span again through its context.
    const bad = finishedSpan({ spanId: 'zz00000000000000' });
    const mixed = decodeIds(encodeSpansToProtobuf([spans[0], bad, ...spans.slice(1)]));
    const contexts = spans.map((span) => ({ ...span.spanContext() }));
    expect(decodeIds(first)).toEqual(spans.map(expected));
    expect(mixed).toEqual(spans.map(expected));
    expect(encodeSpansToProtobuf(spans)).toEqual(first);
    expect(spans.map((span) => span.spanContext())).toEqual(contexts);
  });

  it('calls a user IdGenerator as before and writes its ids', () => {
    let next = 0;
    const idGenerator: IdGenerator = {
      generateTraceId: () => (++next).toString(16).padStart(32, 'a'),
      generateSpanId: () => (++next).toString(16).padStart(16, 'b'),
    };
    const { exporter, tracer } = setup({ idGenerator });
    const root = tracer.startSpan('root');
    tracer.startSpan('child', {}, trace.setSpan(apiContext.active(), root)).end();
    root.end();
    expect(root.spanContext()).toMatchObject({ traceId: `${'a'.repeat(31)}1`, spanId: `${'b'.repeat(15)}2` });
    const spans = exporter.getFinishedSpans();
    expect(spans.some((span) => span instanceof PooledIdSpan)).toBe(false);
    const wire = decodeIds(encodeSpansToProtobuf(spans));
    expect(wire).toEqual(spans.map(expected));
    expect(wire[0]).toMatchObject({ traceId: `${'a'.repeat(31)}1`, spanId: `${'b'.repeat(15)}3`, parentSpanId: `${'b'.repeat(15)}2` });
  });

  it('gives a sampler that reads the trace id the hex the span then carries, and writes a trace state it sets', () => {
    const seen: string[] = [];
    const traceState = createTraceState('vendor=value');
    const sampler: Sampler = {
      shouldSample: (_context, traceId) => {
        seen.push(traceId);
        return { decision: 2, traceState };
      },
      toString: () => 'Reading',
    };
    const { exporter, tracer } = setup({ sampler });
    for (let i = 0; i < 3; i++) tracer.startSpan('root').end();
    const spans = exporter.getFinishedSpans();
    expect(seen.every((id) => HEX_TRACE_ID.test(id))).toBe(true);
    expect(spans.map((span) => span.spanContext().traceId)).toEqual(seen);
    const wire = decodeIds(encodeSpansToProtobuf(spans));
    expect(wire).toEqual(spans.map(expected));
    expect(wire.map((w) => w.traceState)).toEqual(['vendor=value', 'vendor=value', 'vendor=value']);
  });
});

describe('spanContext() of a span with pooled ids', () => {
  it('is a plain object with own enumerable string ids, equal on every call, spread and JSON alike', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('root');
    expect(span).toBeInstanceOf(PooledIdSpan);
    const first = span.spanContext();
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.keys(first)).toEqual(['traceId', 'spanId', 'traceFlags', 'traceState']);
    expect(first.traceId).toMatch(HEX_TRACE_ID);
    expect(first.spanId).toMatch(HEX_SPAN_ID);
    expect(first.traceFlags).toBe(0x03); // sampled, and the random flag as before
    expect({ ...span.spanContext() }).toEqual(first);
    expect(JSON.parse(JSON.stringify(span.spanContext()))).toEqual({ traceId: first.traceId, spanId: first.spanId, traceFlags: 3 });
    span.end();
    expect(span.spanContext()).toEqual(first);
  });

  it('is what the JSON encoder and the context parts readers see', () => {
    const { exporter, tracer } = setup();
    const root = tracer.startSpan('root');
    const child = tracer.startSpan('child', {}, trace.setSpan(apiContext.active(), root));
    child.end();
    root.end();
    const spans = exporter.getFinishedSpans();
    const json = JSON.parse(new TextDecoder().decode(encodeSpansToJson(spans)));
    const written = json.resourceSpans[0].scopeSpans[0].spans;
    expect(written.map((s: { traceId: string; spanId: string }) => [s.traceId, s.spanId])).toEqual(
      spans.map((s) => [s.spanContext().traceId, s.spanContext().spanId]),
    );
    expect(written[0].parentSpanId).toBe(root.spanContext().spanId);
    const parts = { traceId: '', spanId: '', traceFlags: 0, traceState: undefined, parentSpanId: undefined, parentIsRemote: undefined };
    RecordingSpan.readContextParts(spans[1], parts);
    expect(parts).toMatchObject({ traceId: root.spanContext().traceId, spanId: root.spanContext().spanId, parentSpanId: undefined });
  });

  it('gives dropped spans and spans under a user-built ParentBased sampler stable hex ids', () => {
    for (const sampler of [
      new AlwaysOffSampler(),
      new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      new TraceIdRatioBasedSampler({ ratio: 0 }),
    ]) {
      const { exporter, tracer } = setup({ sampler });
      const span = tracer.startSpan('dropped');
      const context = span.spanContext();
      if (sampler instanceof ParentBasedSampler) {
        expect(span).toBeInstanceOf(PooledIdSpan);
      } else {
        expect(span.isRecording()).toBe(false);
      }
      expect(context.traceId).toMatch(HEX_TRACE_ID);
      expect(context.spanId).toMatch(HEX_SPAN_ID);
      expect(span.spanContext()).toEqual(context);
      span.end();
      if (sampler instanceof ParentBasedSampler) {
        expect(decodeIds(encodeSpansToProtobuf(exporter.getFinishedSpans()))[0]).toMatchObject({
          traceId: context.traceId,
          spanId: context.spanId,
        });
      }
    }
  });
});
