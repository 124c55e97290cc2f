import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureCounts } from '../../../../src/diagnostics/report.js';
import { toExportTraceServiceRequest } from '../../../../src/export/otlp/encoding/to-export-request.js';
import { Span_SpanKind, SpanFlags, Status_StatusCode } from '../../../../src/proto.js';
import type { InstrumentationScope } from '../../../../src/trace/instrumentation-scope.js';
import type { Resource } from '../../../../src/resource/resource.js';
import { clockNanosToUnixNanoBigInt } from '../../../../src/trace/clock.js';
import { finishedSpan, kitchenSinkSpan, LINK_SPAN_ID, LINK_TRACE_ID, PARENT_ID, SPAN_ID, TRACE_ID } from '../span-fixtures.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('toExportTraceServiceRequest', () => {
  it('maps every span field', () => {
    const request = toExportTraceServiceRequest([kitchenSinkSpan()]);
    expect(request.resourceSpans).toHaveLength(1);
    const resourceSpans = request.resourceSpans[0];
    expect(resourceSpans.schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
    expect(resourceSpans.resource?.attributes.map((kv) => [kv.key, kv.value?.value])).toEqual([
      ['service.name', { case: 'stringValue', value: 'checkout' }],
      ['host.cpus', { case: 'intValue', value: 2n }],
    ]);
    const scopeSpans = resourceSpans.scopeSpans[0];
    expect(scopeSpans.schemaUrl).toBe('https://example.test/scope');
    expect(scopeSpans.scope?.name).toBe('lib');
    expect(scopeSpans.scope?.version).toBe('1.2.3');
    expect(scopeSpans.scope?.attributes[0]?.value?.value).toEqual({ case: 'stringValue', value: 'http' });

    const span = scopeSpans.spans[0];
    expect(hex(span.traceId)).toBe(TRACE_ID);
    expect(hex(span.spanId)).toBe(SPAN_ID);
    expect(hex(span.parentSpanId)).toBe(PARENT_ID);
    expect(span.traceState).toBe('vendor=value,other=x');
    expect(span.flags).toBe(0x01 | SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK | SpanFlags.CONTEXT_IS_REMOTE_MASK);
    expect(span.flags).toBe(0x301);
    expect(span.name).toBe('GET /cart ✓');
    expect(span.kind).toBe(Span_SpanKind.SERVER);
    expect(span.startTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(123_456_789.4));
    expect(span.endTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(9_876_543_210));
    expect(span.endTimeUnixNano - span.startTimeUnixNano).toBe(9_876_543_210n - 123_456_789n);
    expect(span.droppedAttributesCount).toBe(3);
    expect(span.droppedEventsCount).toBe(4);
    expect(span.droppedLinksCount).toBe(5);
    expect(span.status?.code).toBe(Status_StatusCode.ERROR);
    expect(span.status?.message).toBe('card declined');

    const attributes = Object.fromEntries(span.attributes.map((kv) => [kv.key, kv.value?.value]));
    expect(Object.keys(attributes)).not.toContain('skipped');
    expect(attributes.str).toEqual({ case: 'stringValue', value: 'value' });
    expect(attributes.unicode).toEqual({ case: 'stringValue', value: 'héllo wörld 🌍 ✓' });
    expect(attributes.empty).toEqual({ case: 'stringValue', value: '' });
    expect(attributes.yes).toEqual({ case: 'boolValue', value: true });
    expect(attributes.no).toEqual({ case: 'boolValue', value: false });
    expect(attributes.zero).toEqual({ case: 'intValue', value: 0n });
    expect(attributes.negative).toEqual({ case: 'intValue', value: -42n });
    expect(attributes.large).toEqual({ case: 'intValue', value: 9007199254740991n });
    expect(attributes.veryNegative).toEqual({ case: 'intValue', value: -9007199254740991n });
    expect(attributes.double).toEqual({ case: 'doubleValue', value: 3.25 });
    expect(attributes.beyondSafe).toEqual({ case: 'doubleValue', value: 2 ** 60 });
    expect(attributes.nan).toEqual({ case: 'doubleValue', value: Number.NaN });
    expect(attributes.bytes).toEqual({ case: 'bytesValue', value: new Uint8Array([0, 1, 254, 255]) });
    const arrayOf = (name: string) => {
      const value = attributes[name];
      if (value?.case !== 'arrayValue') throw new Error(`${name} is not an array`);
      return value.value.values.map((element) => element.value);
    };
    expect(arrayOf('strings')).toEqual([
      { case: 'stringValue', value: 'a' },
      { case: 'stringValue', value: 'b' },
      { case: 'stringValue', value: 'ü' },
    ]);
    expect(arrayOf('numbers')).toEqual([
      { case: 'intValue', value: 1n },
      { case: 'doubleValue', value: 2.5 },
      { case: 'intValue', value: -3n },
    ]);
    expect(arrayOf('bools')).toEqual([
      { case: 'boolValue', value: true },
      { case: 'boolValue', value: false },
    ]);
    expect(arrayOf('withHoles')).toEqual([{ case: 'stringValue', value: 'x' }, { case: undefined }, { case: undefined }]);

    expect(span.events).toHaveLength(2);
    expect(span.events[0].name).toBe('exception');
    expect(span.events[0].timeUnixNano).toBe(clockNanosToUnixNanoBigInt(5_000_000));
    expect(span.events[0].droppedAttributesCount).toBe(1);
    expect(span.events[0].attributes.map((kv) => [kv.key, kv.value?.value])).toEqual([
      ['exception.type', { case: 'stringValue', value: 'Error' }],
      ['code', { case: 'intValue', value: 7n }],
    ]);
    expect(span.events[1].name).toBe('');

    expect(span.links).toHaveLength(2);
    const [remoteLink, localLink] = span.links;
    expect(hex(remoteLink.traceId)).toBe(LINK_TRACE_ID);
    expect(hex(remoteLink.spanId)).toBe(LINK_SPAN_ID);
    expect(remoteLink.traceState).toBe('l=1');
    expect(remoteLink.flags).toBe(0x301);
    expect(remoteLink.droppedAttributesCount).toBe(2);
    expect(remoteLink.attributes.map((kv) => [kv.key, kv.value?.value])).toEqual([
      ['link.kind', { case: 'stringValue', value: 'follows' }],
      ['weight', { case: 'doubleValue', value: 1.5 }],
    ]);
    expect(localLink.flags).toBe(0x100);
    expect(localLink.traceState).toBe('');
  });

  it('maps a root span with an empty parent span id and the has-is-remote flag only', () => {
    const [span] = toExportTraceServiceRequest([finishedSpan({ traceFlags: 0 })]).resourceSpans[0].scopeSpans[0].spans;
    expect(span.parentSpanId).toHaveLength(0);
    expect(span.flags).toBe(SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK);
    expect(span.traceState).toBe('');
    expect(span.status).toMatchObject({ code: Status_StatusCode.UNSET, message: '' });
  });

  it('keeps the sampled bit and marks a local parent as not remote', () => {
    const parent = { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1, isRemote: false };
    const [span] = toExportTraceServiceRequest([finishedSpan({ parent, traceFlags: 1 })]).resourceSpans[0].scopeSpans[0].spans;
    expect(span.flags).toBe(0x101);
  });

  it('maps every API span kind to the OTLP kind one above it', () => {
    const kinds = [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
    const request = toExportTraceServiceRequest(kinds.map((kind) => finishedSpan({ kind })));
    expect(request.resourceSpans[0].scopeSpans[0].spans.map((span) => span.kind)).toEqual([
      Span_SpanKind.INTERNAL,
      Span_SpanKind.SERVER,
      Span_SpanKind.CLIENT,
      Span_SpanKind.PRODUCER,
      Span_SpanKind.CONSUMER,
    ]);
  });

  it('maps OK status', () => {
    const [span] = toExportTraceServiceRequest([finishedSpan({ status: { code: SpanStatusCode.OK } })]).resourceSpans[0].scopeSpans[0]
      .spans;
    expect(span.status?.code).toBe(Status_StatusCode.OK);
  });

  it('groups by resource object, then by scope object, in order of first appearance', () => {
    const resourceA: Resource = { attributes: { 'service.name': 'a' } };
    const resourceB: Resource = { attributes: { 'service.name': 'b' }, schemaUrl: 'https://b.test' };
    const scope1: InstrumentationScope = { name: 'one' };
    const scope2: InstrumentationScope = { name: 'two', version: '2' };
    const spans = [
      finishedSpan({ name: 'a1', resource: resourceA, instrumentationScope: scope1 }),
      finishedSpan({ name: 'b2', resource: resourceB, instrumentationScope: scope2 }),
      finishedSpan({ name: 'a2', resource: resourceA, instrumentationScope: scope2 }),
      finishedSpan({ name: 'a1-again', resource: resourceA, instrumentationScope: scope1 }),
      finishedSpan({ name: 'b1', resource: resourceB, instrumentationScope: scope1 }),
    ];
    const request = toExportTraceServiceRequest(spans);
    const shape = request.resourceSpans.map((resourceSpans) => ({
      service: resourceSpans.resource?.attributes[0]?.value?.value.value,
      schemaUrl: resourceSpans.schemaUrl,
      scopes: resourceSpans.scopeSpans.map((scopeSpans) => ({
        scope: scopeSpans.scope?.name,
        version: scopeSpans.scope?.version,
        spans: scopeSpans.spans.map((span) => span.name),
      })),
    }));
    expect(shape).toEqual([
      {
        service: 'a',
        schemaUrl: '',
        scopes: [
          { scope: 'one', version: '', spans: ['a1', 'a1-again'] },
          { scope: 'two', version: '2', spans: ['a2'] },
        ],
      },
      {
        service: 'b',
        schemaUrl: 'https://b.test',
        scopes: [
          { scope: 'two', version: '2', spans: ['b2'] },
          { scope: 'one', version: '', spans: ['b1'] },
        ],
      },
    ]);
  });

  it('drops and reports spans with invalid ids or times, keeping the rest of the batch', () => {
    const before = failureCounts()['export.otlp.encode'] ?? 0;
    const spans = [
      finishedSpan({ name: 'short trace id', traceId: 'abc' }),
      finishedSpan({ name: 'kept' }),
      finishedSpan({ name: 'bad span id', spanId: 'zzzzzzzzzzzzzzzz' }),
      finishedSpan({ name: 'bad parent', parent: { traceId: TRACE_ID, spanId: '123', traceFlags: 0 } }),
      finishedSpan({
        name: 'bad link',
        links: [{ context: { traceId: TRACE_ID, spanId: 'x', traceFlags: 0 }, attributes: {}, droppedAttributesCount: 0 }],
      }),
      finishedSpan({ name: 'NaN time', startTimeNanos: Number.NaN }),
      finishedSpan({ name: 'kept too' }),
    ];
    const request = toExportTraceServiceRequest(spans);
    expect(request.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['kept', 'kept too']);
    expect(failureCounts()['export.otlp.encode']).toBe(before + 5);
  });

  it('drops a span whose fields throw when read, and never throws itself', () => {
    const broken = {
      ...finishedSpan({ name: 'broken' }),
      spanContext: () => {
        throw new Error('boom');
      },
    };
    const request = toExportTraceServiceRequest([broken, finishedSpan({ name: 'fine' })]);
    expect(request.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['fine']);
    expect(toExportTraceServiceRequest([]).resourceSpans).toEqual([]);
    expect(toExportTraceServiceRequest([null as never]).resourceSpans).toEqual([]);
  });
});
