import { fromJson, toJson } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSpansToJson } from '../../../../src/export/otlp/encoding/json-encoder.js';
import { toExportTraceServiceRequest } from '../../../../src/export/otlp/encoding/to-export-request.js';
import { ExportTraceServiceRequestSchema } from '../../../../src/proto.js';
import { clockNanosToUnixNanoBigInt } from '../../../../src/trace/clock.js';
import { finishedSpan, kitchenSinkSpan, LINK_SPAN_ID, LINK_TRACE_ID, PARENT_ID, SPAN_ID, TRACE_ID } from '../span-fixtures.js';
import { spanBatch } from '../span-arbitrary.js';

/** Parsed OTLP/JSON, read loosely by the assertions. */
type Json = any;

function parse(bytes: Uint8Array): Json {
  expect(bytes).toBeInstanceOf(Uint8Array);
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/** OTLP/JSON ids are hex; proto3 JSON (and so `fromJson`) wants base64: convert them back. */
function hexIdsToBase64(json: Json): Json {
  const copy = structuredClone(json);
  const toBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  for (const resourceSpans of copy.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) if (span[key] !== undefined) span[key] = toBase64(span[key]);
        for (const link of span.links ?? []) for (const key of ['traceId', 'spanId']) link[key] = toBase64(link[key]);
      }
    }
  }
  return copy;
}

describe('encodeSpansToJson', () => {
  it('writes OTLP/JSON: camelCase keys, hex ids, integer enums, string int64s, base64 bytes', () => {
    const json = parse(encodeSpansToJson([kitchenSinkSpan()]));
    const resourceSpans = json.resourceSpans[0];
    expect(resourceSpans.schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
    expect(resourceSpans.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'host.cpus', value: { intValue: '2' } },
    ]);
    const scopeSpans = resourceSpans.scopeSpans[0];
    expect(scopeSpans.scope).toEqual({
      name: 'lib',
      version: '1.2.3',
      attributes: [{ key: 'scope.kind', value: { stringValue: 'http' } }],
    });
    expect(scopeSpans.schemaUrl).toBe('https://example.test/scope');

    const span = scopeSpans.spans[0];
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.spanId).toBe(SPAN_ID);
    expect(span.parentSpanId).toBe(PARENT_ID);
    expect(span.traceState).toBe('vendor=value,other=x');
    expect(span.flags).toBe(0x301);
    expect(span.name).toBe('GET /cart ✓');
    expect(span.kind).toBe(2);
    expect(span.startTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(123_456_789.4).toString());
    expect(span.endTimeUnixNano).toBe(clockNanosToUnixNanoBigInt(9_876_543_210).toString());
    expect(span.droppedAttributesCount).toBe(3);
    expect(span.droppedEventsCount).toBe(4);
    expect(span.droppedLinksCount).toBe(5);
    expect(span.status).toEqual({ code: 2, message: 'card declined' });

    const attributes = Object.fromEntries(span.attributes.map((kv: Json) => [kv.key, kv.value]));
    expect(attributes.str).toEqual({ stringValue: 'value' });
    expect(attributes.unicode).toEqual({ stringValue: 'héllo wörld 🌍 ✓' });
    expect(attributes.yes).toEqual({ boolValue: true });
    expect(attributes.negative).toEqual({ intValue: '-42' });
    expect(attributes.large).toEqual({ intValue: '9007199254740991' });
    expect(attributes.double).toEqual({ doubleValue: 3.25 });
    expect(attributes.nan).toEqual({ doubleValue: 'NaN' });
    expect(attributes.bytes).toEqual({ bytesValue: Buffer.from([0, 1, 254, 255]).toString('base64') });
    expect(attributes.strings).toEqual({ arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }, { stringValue: 'ü' }] } });
    expect(attributes.withHoles).toEqual({ arrayValue: { values: [{ stringValue: 'x' }, {}, {}] } });

    expect(span.events[0]).toEqual({
      timeUnixNano: clockNanosToUnixNanoBigInt(5_000_000).toString(),
      name: 'exception',
      attributes: [
        { key: 'exception.type', value: { stringValue: 'Error' } },
        { key: 'code', value: { intValue: '7' } },
      ],
      droppedAttributesCount: 1,
    });
    expect(span.links[0]).toEqual({
      traceId: LINK_TRACE_ID,
      spanId: LINK_SPAN_ID,
      traceState: 'l=1',
      attributes: [
        { key: 'link.kind', value: { stringValue: 'follows' } },
        { key: 'weight', value: { doubleValue: 1.5 } },
      ],
      droppedAttributesCount: 2,
      flags: 0x301,
    });
    expect(span.links[1]).toEqual({ traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID, flags: 0x100 });
  });

  it('omits default values, including the parent span id of a root span', () => {
    const json = parse(encodeSpansToJson([finishedSpan({ name: 'root', traceFlags: 0 })]));
    const span = json.resourceSpans[0].scopeSpans[0].spans[0];
    expect(Object.keys(span).sort()).toEqual([
      'endTimeUnixNano',
      'flags',
      'kind',
      'name',
      'spanId',
      'startTimeUnixNano',
      'status',
      'traceId',
    ]);
    expect(span.status).toEqual({});
    expect(span.kind).toBe(1);
  });

  it('writes ids in lowercase hex whatever their case in the span context', () => {
    const json = parse(encodeSpansToJson([finishedSpan({ traceId: TRACE_ID.toUpperCase(), spanId: 'ABCDEF0123456789' })]));
    const span = json.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.spanId).toBe('abcdef0123456789');
  });

  it('decodes back with the generated schema to the mapped message once ids are base64 again', () => {
    const spans = [kitchenSinkSpan(), finishedSpan({ name: 'second' })];
    const json = parse(encodeSpansToJson(spans));
    const decoded = fromJson(ExportTraceServiceRequestSchema, hexIdsToBase64(json));
    expect(decoded).toEqual(toExportTraceServiceRequest(spans));
  });

  it('writes exactly the proto3 JSON of the mapped message, with hex ids, for random spans (property)', () => {
    fc.assert(
      fc.property(spanBatch, (spans) => {
        const json = parse(encodeSpansToJson(spans));
        const mapped = toExportTraceServiceRequest(spans);
        const generated = toJson(ExportTraceServiceRequestSchema, mapped, { useProtoFieldName: false, enumAsInteger: true });
        expect(hexIdsToBase64(json)).toEqual(generated);
        expect(fromJson(ExportTraceServiceRequestSchema, hexIdsToBase64(json))).toEqual(mapped);
      }),
      { numRuns: 100 },
    );
  });

  it('writes an empty request for an empty batch and never throws', () => {
    expect(parse(encodeSpansToJson([]))).toEqual({});
    expect(() => encodeSpansToJson([null as never])).not.toThrow();
    const json = parse(encodeSpansToJson([finishedSpan({ name: 'bad', traceId: 'xyz' }), finishedSpan({ name: 'good' })]));
    expect(json.resourceSpans[0].scopeSpans[0].spans.map((span: Json) => span.name)).toEqual(['good']);
  });
});
