import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { AttributeValue, Attributes, SpanContext } from '@opentelemetry/api';
import { createTraceState } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureCounts } from '../../../src/diagnostics/report.js';
import { encodeSpansToProtobuf, fieldTag } from '../../../src/export/otlp/binary-encoder.js';
import { toExportTraceServiceRequest } from '../../../src/export/otlp/to-export-request.js';
import { ExportTraceServiceRequestSchema, SpanSchema } from '../../../src/proto.js';
import type { Resource } from '../../../src/resource/resource.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../src/trace/finished-span.js';
import type { InstrumentationScope } from '../../../src/trace/instrumentation-scope.js';
import { finishedSpan, kitchenSinkSpan, TRACE_ID } from './span-fixtures.js';
import { context as apiContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '../../../src/export/in-memory-span-exporter.js';
import { SimpleSpanProcessor } from '../../../src/processing/simple-span-processor.js';
import { TracerProvider } from '../../../src/trace/tracer-provider.js';

/** The fast bytes decode, with the generated schema, to exactly the mapped message. */
function expectSameAsMapping(spans: readonly FinishedSpan[]): Uint8Array {
  const bytes = encodeSpansToProtobuf(spans);
  const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes);
  const mapped = toExportTraceServiceRequest(spans);
  expect(decoded).toEqual(mapped);
  return bytes;
}

describe('encodeSpansToProtobuf', () => {
  it('takes field tags from the generated descriptors', () => {
    // Span.flags is field 16, fixed32 (wire type 5): the one two-byte tag in the schema.
    expect(fieldTag(SpanSchema.field.flags)).toBe((SpanSchema.field.flags.number << 3) | 5);
    expect(fieldTag(SpanSchema.field.traceId)).toBe((SpanSchema.field.traceId.number << 3) | 2);
    expect(fieldTag(SpanSchema.field.startTimeUnixNano)).toBe((SpanSchema.field.startTimeUnixNano.number << 3) | 1);
    expect(fieldTag(SpanSchema.field.kind)).toBe(SpanSchema.field.kind.number << 3);
  });

  it('encodes a span using every feature to bytes that decode to the mapped message', () => {
    const bytes = expectSameAsMapping([kitchenSinkSpan()]);
    const span = fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans[0].scopeSpans[0].spans[0];
    expect(Buffer.from(span.traceId).toString('hex')).toBe(TRACE_ID);
    expect(span.flags).toBe(0x301);
    expect(span.attributes.find((kv) => kv.key === 'unicode')?.value?.value).toEqual({ case: 'stringValue', value: 'héllo wörld 🌍 ✓' });
  });

  it('encodes no larger than the generated encoder does', () => {
    const spans = [kitchenSinkSpan(), finishedSpan(), finishedSpan({ name: 'x', attributes: { a: 1, b: 'two' } })];
    const fast = encodeSpansToProtobuf(spans);
    const generated = toBinary(ExportTraceServiceRequestSchema, toExportTraceServiceRequest(spans));
    expect(fast.length).toBeLessThanOrEqual(generated.length);
  });

  it('groups several resources and scopes like the mapping, reusing cached resource and scope bytes across batches', () => {
    const resourceA: Resource = { attributes: { 'service.name': 'a', n: 1 }, schemaUrl: 'https://a.test' };
    const resourceB: Resource = { attributes: { 'service.name': 'b' } };
    const scope1: InstrumentationScope = { name: 'one', version: '1', schemaUrl: 'https://one.test', attributes: { x: true } };
    const scope2: InstrumentationScope = { name: 'two' };
    const spans = [
      finishedSpan({ resource: resourceA, instrumentationScope: scope1 }),
      finishedSpan({ resource: resourceB, instrumentationScope: scope2 }),
      finishedSpan({ resource: resourceA, instrumentationScope: scope2 }),
      finishedSpan({ resource: resourceA, instrumentationScope: scope1 }),
      finishedSpan({ resource: resourceB, instrumentationScope: scope1 }),
    ];
    expectSameAsMapping(spans);
    expectSameAsMapping(spans.slice().reverse());
    const decoded = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf(spans));
    expect(decoded.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => ss.spans.length))).toEqual([[2, 1], [1, 1]]);
  });

  it('encodes spans recorded by the SDK (TracerProvider + InMemorySpanExporter)', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('sdk-test', '0.1.0');
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: { 'http.route': '/x', count: 3 } });
    const child = tracer.startSpan('child', { links: [{ context: parent.spanContext(), attributes: { why: 'test' } }] }, trace.setSpan(apiContext.active(), parent));
    child.addEvent('step', { n: 1.5 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    child.end();
    parent.end();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, expectSameAsMapping(spans));
    const [encodedChild, encodedParent] = decoded.resourceSpans[0].scopeSpans[0].spans;
    expect(encodedChild.parentSpanId).toEqual(encodedParent.spanId);
    // Local parent: has-is-remote set, is-remote clear; the low byte is the span's own W3C flags.
    expect(encodedChild.flags).toBe(0x100 | spans[0].spanContext().traceFlags);
    expect(encodedChild.links[0].spanId).toEqual(encodedParent.spanId);
    expect(decoded.resourceSpans[0].scopeSpans[0].scope?.name).toBe('sdk-test');
    await provider.shutdown();
  });

  it('encodes an empty batch as an empty request', () => {
    expect(encodeSpansToProtobuf([])).toHaveLength(0);
  });

  it('encodes long ASCII strings, long and non-ASCII keys, and many attribute keys', () => {
    const attributes: Attributes = { ['k'.repeat(300)]: 'v'.repeat(70_000), 'ключ': 'значение', '': 'empty key' };
    for (let i = 0; i < 5000; i++) attributes[`key.${i}`] = i;
    expectSameAsMapping([finishedSpan({ name: 'n'.repeat(200), attributes })]);
  });

  it('encodes lone surrogates the way the generated encoder does', () => {
    expectSameAsMapping([finishedSpan({ name: 'a\ud800b', attributes: { s: '\udc00', t: 'x\ud83d' } })]);
  });

  it('encodes integers at the int64 and varint boundaries', () => {
    const values = [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, 2 ** 53 - 1, -1, -128, -(2 ** 31), -(2 ** 32), -(2 ** 53 - 1)];
    const attributes: Attributes = {};
    values.forEach((value, i) => (attributes[`v${i}`] = value));
    attributes.list = values;
    const bytes = expectSameAsMapping([finishedSpan({ attributes, droppedAttributesCount: 2 ** 32 - 1, droppedEventsCount: 300 })]);
    const span = fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.attributes.slice(0, values.length).map((kv) => kv.value?.value.value)).toEqual(values.map(BigInt));
  });

  it('drops and reports spans it cannot encode, and encodes the rest', () => {
    const before = failureCounts()['export.otlp.encode'] ?? 0;
    const throwing = { ...finishedSpan({ name: 'throws' }), spanContext: (): SpanContext => { throw new Error('boom'); } };
    const badTraceState = finishedSpan({ name: 'bad trace state' });
    const context = badTraceState.spanContext();
    const brokenContext: SpanContext = {
      ...context,
      traceState: { ...createTraceState('a=b'), serialize: () => { throw new Error('no'); } },
    };
    const spans = [
      finishedSpan({ name: 'first', attributes: { a: 'x' } }),
      finishedSpan({ name: 'bad id', spanId: '00f067aa0ba902b' }),
      throwing,
      { ...badTraceState, spanContext: () => brokenContext },
      finishedSpan({ name: 'bad event', events: [{ name: 'e', timeNanos: Number.POSITIVE_INFINITY, attributes: {}, droppedAttributesCount: 0 }] }),
      finishedSpan({ name: 'bad link', links: [{ context: { traceId: 'no', spanId: 'no', traceFlags: 0 }, attributes: {}, droppedAttributesCount: 0 }] }),
      finishedSpan({ name: 'last', attributes: { b: [1, 2] } }),
    ];
    const bytes = expectSameAsMapping(spans);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes);
    expect(decoded.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['first', 'last']);
    // Each encoding (fast and the mapping it is compared with) reports the five dropped spans.
    expect(failureCounts()['export.otlp.encode']).toBe(before + 10);
  });

  it('never throws, even for junk input', () => {
    expect(() => encodeSpansToProtobuf([null as never, undefined as never, {} as never])).not.toThrow();
    expect(encodeSpansToProtobuf([null as never, finishedSpan({ name: 'ok' })]).length).toBeGreaterThan(0);
  });

  it('decodes to the mapped message for random spans (property)', () => {
    const hexId = (length: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }));
    const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
      text,
      fc.boolean(),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
      fc.maxSafeInteger(),
      fc.double(),
    );
    const attributeValue: fc.Arbitrary<AttributeValue | Uint8Array | undefined> = fc.oneof(
      scalar,
      fc.array(fc.oneof(text, fc.constant(null), fc.constant(undefined)), { maxLength: 4 }) as fc.Arbitrary<AttributeValue>,
      fc.array(fc.oneof(fc.double(), fc.maxSafeInteger()), { maxLength: 4 }),
      fc.array(fc.boolean(), { maxLength: 3 }),
      fc.uint8Array({ maxLength: 6 }),
      fc.constant(undefined),
    );
    const attributes = fc.dictionary(text, attributeValue, { maxKeys: 6 }) as fc.Arbitrary<Attributes>;
    const count = fc.oneof(fc.constant(0), fc.nat(), fc.integer({ min: -5, max: 5 }));
    const time = fc.oneof(fc.integer({ min: -1e9, max: 1e15 }), fc.double({ min: -1e9, max: 1e15, noNaN: true }));
    const traceState = fc.option(fc.constantFrom('a=b', 'vendor=1,other=two', 'k=' + 'v'.repeat(100)), { nil: undefined });
    const context = fc.record({
      traceId: hexId(32),
      spanId: hexId(16),
      traceFlags: fc.integer({ min: 0, max: 255 }),
      isRemote: fc.option(fc.boolean(), { nil: undefined }),
      traceState,
    });
    const event: fc.Arbitrary<SpanEvent> = fc.record({ name: text, timeNanos: time, attributes, droppedAttributesCount: count });
    const apiContext: fc.Arbitrary<SpanContext> = context.map((c) => ({
      ...c,
      traceState: c.traceState === undefined ? undefined : createTraceState(c.traceState),
    }));
    const link: fc.Arbitrary<SpanLink> = fc.record({
      context: apiContext,
      attributes,
      droppedAttributesCount: count,
    });
    const resources: Resource[] = [
      { attributes: { 'service.name': 'r1' } },
      { attributes: { 'service.name': 'r2', n: 3 }, schemaUrl: 'https://r2.test' },
    ];
    const scopes: InstrumentationScope[] = [{ name: 's1' }, { name: 's2', version: '9', schemaUrl: 'https://s2.test', attributes: { q: [1, 2] } }];
    const span = fc
      .record({
        name: text,
        kind: fc.integer({ min: 0, max: 5 }),
        context,
        parent: fc.option(apiContext, { nil: undefined }),
        startTimeNanos: time,
        duration: fc.nat(),
        attributes,
        events: fc.array(event, { maxLength: 3 }),
        links: fc.array(link, { maxLength: 2 }),
        statusCode: fc.integer({ min: 0, max: 3 }),
        statusMessage: fc.option(text, { nil: undefined }),
        resource: fc.constantFrom(...resources),
        scope: fc.constantFrom(...scopes),
        droppedAttributesCount: count,
        droppedEventsCount: count,
        droppedLinksCount: count,
      })
      .map((s) =>
        finishedSpan({
          name: s.name,
          kind: s.kind,
          traceId: s.context.traceId,
          spanId: s.context.spanId,
          traceFlags: s.context.traceFlags,
          traceState: s.context.traceState,
          parent: s.parent,
          startTimeNanos: s.startTimeNanos,
          endTimeNanos: s.startTimeNanos + s.duration,
          attributes: s.attributes,
          events: s.events,
          links: s.links,
          status: { code: s.statusCode, message: s.statusMessage },
          resource: s.resource,
          instrumentationScope: s.scope,
          droppedAttributesCount: s.droppedAttributesCount,
          droppedEventsCount: s.droppedEventsCount,
          droppedLinksCount: s.droppedLinksCount,
        }),
      );
    fc.assert(
      fc.property(fc.array(span, { maxLength: 6 }), (spans) => {
        const decoded = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf(spans));
        const mapped = toExportTraceServiceRequest(spans);
        expect(decoded).toEqual(mapped);
        expect(decoded.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length).toBe(spans.length);
      }),
      { numRuns: 100 },
    );
  });
});
