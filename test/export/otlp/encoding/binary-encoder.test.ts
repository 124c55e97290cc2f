import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import { createTraceState } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failureCounts } from '../../../../src/diagnostics/report.js';
import { encodeSpansToProtobuf, useFastSpans } from '../../../../src/export/otlp/encoding/binary-encoder.js';
import { simpleSpans } from '../../../../src/export/otlp/encoding/simple-spans.js';
import {
  TAG_SPAN_END_TIME_UNIX_NANO,
  TAG_SPAN_KIND,
  TAG_SPAN_PARENT_SPAN_ID,
  TAG_SPAN_SPAN_ID,
  TAG_SPAN_START_TIME_UNIX_NANO,
  TAG_SPAN_STATUS,
  TAG_SPAN_TRACE_ID,
  TAG_STATUS_CODE,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import { useProtobufFallbackEncoder, useProtobufFallbackEncoderLoader } from '../../../../src/export/otlp/encoding/protobuf-fallback.js';
import { encodeWithSchema } from '../../../../src/export/otlp/encoding/schema-fallback-encoder.js';
import { toExportTraceServiceRequest } from '../../../../src/export/otlp/encoding/to-export-request.js';
import { ExportTraceServiceRequestSchema } from '../../../../src/proto.js';
import type { Resource } from '../../../../src/resource/resource.js';
import type { FinishedSpan } from '../../../../src/trace/finished-span.js';
import type { InstrumentationScope } from '../../../../src/trace/instrumentation-scope.js';
import { finishedSpan, kitchenSinkSpan, RESOURCE, SCOPE, spanEvent, TRACE_ID } from '../span-fixtures.js';
import { spanBatch } from '../span-arbitrary.js';
import { context as apiContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '../../../../src/export/in-memory-span-exporter.js';
import { SimpleSpanProcessor } from '../../../../src/processing/simple-span-processor.js';
import { TracerProvider } from '../../../../src/trace/tracer-provider.js';

/** The fast bytes decode, with the generated schema, to exactly the mapped message. */
function expectSameAsMapping(spans: readonly FinishedSpan[]): Uint8Array {
  const bytes = encodeSpansToProtobuf(spans);
  const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes);
  const mapped = toExportTraceServiceRequest(spans);
  expect(decoded).toEqual(mapped);
  return bytes;
}

/**
 * Installs (or takes out) the writer's fast path the Node entry installs: the simple span writer
 * (simple-spans.ts), with a batch's span ids read in one go (span-id-batch.ts), cached span name fields
 * (name-field-cache.ts) and the per-scope attribute memo (span-attribute-memo.ts). Without it the
 * writer runs as in the web entries.
 */
function useNodeWriterPaths(installed: boolean): void {
  useFastSpans(installed ? simpleSpans : undefined);
}

// Every test runs on both ways: the plain one (web entries) and with the Node entry's fast paths.
describe.each([
  { path: 'plain, as in the web entries', installed: false },
  { path: "with the Node entry's fast paths", installed: true },
])('encodeSpansToProtobuf ($path)', ({ installed }) => {
  beforeAll(() => useNodeWriterPaths(installed));
  afterAll(() => useNodeWriterPaths(false));

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
    expect(decoded.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => ss.spans.length))).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });

  it('encodes spans recorded by the SDK (TracerProvider + InMemorySpanExporter)', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('sdk-test', '0.1.0');
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: { 'http.route': '/x', count: 3 } });
    const child = tracer.startSpan(
      'child',
      { links: [{ context: parent.spanContext(), attributes: { why: 'test' } }] },
      trace.setSpan(apiContext.active(), parent),
    );
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
    const attributes: Attributes = { ['k'.repeat(300)]: 'v'.repeat(70_000), ключ: 'значение', '': 'empty key' };
    for (let i = 0; i < 5000; i++) attributes[`key.${i}`] = i;
    expectSameAsMapping([finishedSpan({ name: 'n'.repeat(200), attributes })]);
  });

  it("encodes span and event names (through the Node entry's name field cache or not) as the mapping gives them: repeated, changed, long, non-ASCII, past the bound", () => {
    const names = [
      'GET /items/{id}',
      'GET /items/{id}',
      'db.query 1',
      '',
      'n'.repeat(64),
      'n'.repeat(65),
      'héllo 🌍',
      'a\ud800b',
      'GET /items/{id}',
    ];
    for (let i = 0; i < 1100; i++) names.push(`route ${i % 1050}`);
    const spans = names.map((name, i) =>
      finishedSpan({ name, events: [spanEvent(names[(i + 3) % names.length], 2_000_000), spanEvent(name, 3_000_000)] }),
    );
    const bytes = expectSameAsMapping(spans);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((span) => span.name)).toEqual(names.map((name) => name.replace('\ud800', '\ufffd')));
    expect(decoded.map((span) => span.events[1].name)).toEqual(decoded.map((span) => span.name));
    expectSameAsMapping(spans.slice(0, 20));
  });

  it('encodes lone surrogates the way the generated encoder does', () => {
    expectSameAsMapping([finishedSpan({ name: 'a\ud800b', attributes: { s: '\udc00', t: 'x\ud83d' } })]);
  });

  it('encodes integers at the int64 and varint boundaries', () => {
    const values = [
      0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 35,
      2 ** 49,
      2 ** 53 - 1,
      -1,
      -128,
      -(2 ** 31),
      -(2 ** 32),
      -(2 ** 53 - 1),
    ];
    const attributes: Attributes = {};
    values.forEach((value, i) => (attributes[`v${i}`] = value));
    attributes.list = values;
    const bytes = expectSameAsMapping([finishedSpan({ attributes, droppedAttributesCount: 2 ** 32 - 1, droppedEventsCount: 300 })]);
    const span = fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.attributes.slice(0, values.length).map((kv) => kv.value?.value.value)).toEqual(values.map(BigInt));
  });

  it('encodes repeated attributes from its per-scope memo exactly, whatever changes from span to span', () => {
    const scopeA: InstrumentationScope = { name: 'memo-a' };
    const scopeB: InstrumentationScope = { name: 'memo-b' };
    const http = { 'http.request.method': 'GET', 'url.scheme': 'http', 'server.port': 8080, 'app.flag': true, 'app.ratio': 0.5 };
    const long = 'u'.repeat(300);
    const attributeSets: Attributes[] = [
      http,
      http,
      http,
      { ...http, 'http.request.method': 'POST' },
      { ...http, 'http.request.method': 'POST' },
      { 'url.scheme': 'http', 'http.request.method': 'POST', 'server.port': 8080, 'app.flag': true, 'app.ratio': 0.5 },
      { ...http, 'server.port': -0 },
      { ...http, 'server.port': 0 },
      { ...http, 'server.port': Number.NaN },
      { ...http, 'server.port': Number.NaN },
      { ...http, 'server.port': 2 ** 53 },
      { ...http, 'server.port': 2 ** 53 },
      { ...http, 'app.flag': false },
      { ...http, 'app.flag': 'true' },
      { ...http, 'app.flag': 'true' },
      { ...http, 'url.scheme': ['http', 'https'] },
      { ...http, 'url.scheme': ['http', 'https'] },
      { ...http, 'url.scheme': undefined },
      { ...http, 'url.scheme': undefined },
      { ...http, 'url.scheme': long },
      { ...http, 'url.scheme': long },
      { ...http, 'url.scheme': 'héllo 🌍' },
      { ...http, 'url.scheme': 'héllo 🌍' },
      { 'http.request.method': 'GET' },
      {},
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i % 3 === 0 ? 'v' : i])),
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i % 3 === 0 ? 'v' : i])),
      http,
    ];
    // One scope, then two interleaved scopes; in one batch, then one span per batch (the memo outlives batches).
    const oneScope = attributeSets.map((attributes) => finishedSpan({ attributes, instrumentationScope: scopeA }));
    const twoScopes = attributeSets.map((attributes, i) =>
      finishedSpan({ attributes, instrumentationScope: i % 2 === 0 ? scopeA : scopeB }),
    );
    for (const spans of [oneScope, twoScopes]) {
      expectSameAsMapping(spans);
      for (const span of spans) expectSameAsMapping([span]);
    }
    const decoded = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf(oneScope));
    const methods = decoded.resourceSpans[0].scopeSpans[0].spans.map(
      (span) => span.attributes.find((kv) => kv.key === 'http.request.method')?.value?.value.value,
    );
    expect(methods.slice(0, 6)).toEqual(['GET', 'GET', 'GET', 'POST', 'POST', 'POST']);
  });

  it('encodes the new value of an attribute object changed between batches (the memo holds values, not objects)', () => {
    const attributes: Record<string, string | number> = { 'http.route': '/a', 'http.response.status_code': 200 };
    const span = finishedSpan({ attributes });
    const values = () =>
      fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf([span, span])).resourceSpans[0].scopeSpans[0].spans.map((s) =>
        s.attributes.map((kv) => kv.value?.value.value),
      );
    expect(values()).toEqual([
      ['/a', 200n],
      ['/a', 200n],
    ]);
    attributes['http.route'] = '/b';
    attributes['http.response.status_code'] = 404;
    expect(values()).toEqual([
      ['/b', 404n],
      ['/b', 404n],
    ]);
    expectSameAsMapping([span]);
  });

  it("checks every id (one at a time, or a batch's at once on Node): upper-case hex passes, non-hex and non-ASCII ids drop only their span", () => {
    const before = failureCounts()['export.otlp.encode'] ?? 0;
    const upper = '0AF7651916CD43DD8448EB211C80319C';
    const spans = [
      finishedSpan({ name: 'a', traceId: upper, spanId: 'B7AD6B7169203331' }),
      finishedSpan({ name: 'same trace', traceId: upper }),
      finishedSpan({ name: 'non-ascii span id', traceId: upper, spanId: 'b7ad6b71692033é1' }),
      finishedSpan({ name: 'non-hex trace id', traceId: '0af7651916cd43dd8448eb211c80319g' }),
      finishedSpan({ name: 'non-ascii trace id', traceId: '0af7651916cd43dd8448eb211c8031\u0100c' }),
      // Code units whose low byte is a hex digit ('0', 'a'): the Node batch decodes a string's low bytes, so it checks for ASCII first.
      finishedSpan({ name: 'non-ascii trace id, hex low byte', traceId: '0af7651916cd43dd8448eb211c8031\u01300' }),
      finishedSpan({ name: 'non-ascii span id, hex low byte', traceId: upper, spanId: 'b7ad6b71692033\u0161a' }),
      finishedSpan({ name: 'bad parent', parent: { traceId: upper, spanId: 'zz', traceFlags: 1 } }),
      finishedSpan({
        name: 'child',
        traceId: upper,
        parent: { traceId: upper, spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true },
      }),
    ];
    const bytes = expectSameAsMapping(spans);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((span) => span.name)).toEqual(['a', 'same trace', 'child']);
    expect(decoded.map((span) => Buffer.from(span.traceId).toString('hex'))).toEqual([
      upper.toLowerCase(),
      upper.toLowerCase(),
      upper.toLowerCase(),
    ]);
    expect(Buffer.from(decoded[0].spanId).toString('hex')).toBe('b7ad6b7169203331');
    expect(Buffer.from(decoded[2].parentSpanId).toString('hex')).toBe('b7ad6b7169203331');
    // Each encoding (fast and the mapping it is compared with) reports the six dropped spans.
    expect(failureCounts()['export.otlp.encode']).toBe(before + 12);
  });

  it('drops and reports spans it cannot encode, and encodes the rest', () => {
    const before = failureCounts()['export.otlp.encode'] ?? 0;
    const throwing = {
      ...finishedSpan({ name: 'throws' }),
      spanContext: (): SpanContext => {
        throw new Error('boom');
      },
    };
    const badTraceState = finishedSpan({ name: 'bad trace state' });
    const context = badTraceState.spanContext();
    const brokenContext: SpanContext = {
      ...context,
      traceState: {
        ...createTraceState('a=b'),
        serialize: () => {
          throw new Error('no');
        },
      },
    };
    const spans = [
      finishedSpan({ name: 'first', attributes: { a: 'x' } }),
      finishedSpan({ name: 'bad id', spanId: '00f067aa0ba902b' }),
      throwing,
      { ...badTraceState, spanContext: () => brokenContext },
      finishedSpan({ name: 'bad event', events: [spanEvent('e', Number.POSITIVE_INFINITY)] }),
      finishedSpan({
        name: 'bad link',
        links: [{ context: { traceId: 'no', spanId: 'no', traceFlags: 0 }, attributes: {}, droppedAttributesCount: 0 }],
      }),
      finishedSpan({ name: 'last', attributes: { b: [1, 2] } }),
    ];
    const bytes = expectSameAsMapping(spans);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes);
    expect(decoded.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['first', 'last']);
    // Each encoding (fast and the mapping it is compared with) reports the five dropped spans.
    expect(failureCounts()['export.otlp.encode']).toBe(before + 10);
  });

  it('falls back to the installed generated encoder (as the Node entry installs) when span data changes between its passes', () => {
    useProtobufFallbackEncoder(encodeWithSchema);
    try {
      const before = failureCounts()['export.otlp.encode'] ?? 0;
      const bytes = encodeSpansToProtobuf([finishedSpan({ name: 'steady' }), shiftySpan()]);
      const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes);
      expect(decoded.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['steady', 'shifty']);
      expect(failureCounts()['export.otlp.encode']).toBe(before + 1);
    } finally {
      useProtobufFallbackEncoder(undefined);
    }
  });

  it('loads a fallback installed as a loader (as the Node entry does) on the first encoding, once, and uses it after the load settles', async () => {
    let loads = 0;
    let settle: (encoder: typeof encodeWithSchema) => void = () => {};
    useProtobufFallbackEncoderLoader(() => {
      loads++;
      return new Promise((resolve) => {
        settle = resolve;
      });
    });
    try {
      expect(loads).toBe(0);
      const before = failureCounts()['export.otlp.encode'] ?? 0;
      // Still loading: the fast writer once more, which fails on this span too, so the batch is dropped.
      expect(encodeSpansToProtobuf([finishedSpan({ name: 'steady' }), shiftySpan()])).toEqual(new Uint8Array(0));
      expect(failureCounts()['export.otlp.encode']).toBe(before + 2);
      settle(encodeWithSchema);
      await Promise.resolve();
      const decoded = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf([finishedSpan({ name: 'steady' }), shiftySpan()]));
      expect(decoded.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['steady', 'shifty']);
      expect(failureCounts()['export.otlp.encode']).toBe(before + 3);
      expect(loads).toBe(1);
    } finally {
      useProtobufFallbackEncoder(undefined);
    }
  });

  it('reports a fallback loader that fails, keeps encoding with the fast writer, and ignores a load that settles after another install', async () => {
    const before = failureCounts()['export.otlp.encode'] ?? 0;
    useProtobufFallbackEncoderLoader(() => Promise.reject(new Error('no schema here')));
    try {
      expectSameAsMapping([finishedSpan({ name: 'fine' })]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(failureCounts()['export.otlp.encode']).toBe(before + 1);
      expect(encodeSpansToProtobuf([shiftySpan()])).toEqual(new Uint8Array(0));
      expect(failureCounts()['export.otlp.encode']).toBe(before + 3);

      let settle: (encoder: typeof encodeWithSchema) => void = () => {};
      useProtobufFallbackEncoderLoader(() => new Promise((resolve) => (settle = resolve)));
      encodeSpansToProtobuf([finishedSpan({ name: 'starts the load' })]);
      useProtobufFallbackEncoder(undefined);
      settle(encodeWithSchema);
      await Promise.resolve();
      expect(encodeSpansToProtobuf([shiftySpan()])).toEqual(new Uint8Array(0));
      expect(failureCounts()['export.otlp.encode']).toBe(before + 5);
    } finally {
      useProtobufFallbackEncoder(undefined);
    }
  });

  it('without an installed fallback (the web builds) encodes again with the fast writer, and drops the batch when that fails too', () => {
    const before = failureCounts()['export.otlp.encode'] ?? 0;
    expect(encodeSpansToProtobuf([finishedSpan({ name: 'steady' }), shiftySpan()])).toEqual(new Uint8Array(0));
    expect(failureCounts()['export.otlp.encode']).toBe(before + 2);
    // A span that misreads only once is encoded by the second attempt.
    let reads = 0;
    const once = Object.defineProperty(
      { ...finishedSpan({ name: 'once', events: [spanEvent('e', 1_000_000)], startTimeNanos: 2 ** 60 }), droppedEventsCount: 1 },
      'droppedAttributesCount',
      {
        get: () => (reads++ === 1 ? 100_000 : 0),
      },
    ) as FinishedSpan;
    const decoded = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf([finishedSpan({ name: 'steady' }), once]));
    expect(decoded.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['steady', 'once']);
    expect(failureCounts()['export.otlp.encode']).toBe(before + 3);
  });

  it('encodes a re-entrant call (span data that encodes while being encoded) on scratch state of its own', () => {
    let inner: Uint8Array | undefined;
    const outerSpan = finishedSpan({ name: 'outer', attributes: { a: 'x', list: [1, 2] } });
    const reentrant = Object.defineProperty({ ...finishedSpan({ name: 'reentrant', attributes: { b: 'y' } }) }, 'name', {
      get: () => {
        inner ??= encodeSpansToProtobuf([finishedSpan({ name: 'inner', attributes: { c: 'z' } })]);
        return 'reentrant';
      },
    }) as FinishedSpan;
    const bytes = encodeSpansToProtobuf([outerSpan, reentrant]);
    expect(bytes).toEqual(toBinary(ExportTraceServiceRequestSchema, toExportTraceServiceRequest([outerSpan, reentrant])));
    expect(inner).toBeDefined();
    const decodedInner = fromBinary(ExportTraceServiceRequestSchema, inner as Uint8Array);
    expect(decodedInner.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['inner']);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes);
    expect(decoded.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(['outer', 'reentrant']);
  });

  it('encodes correctly when called again from inside an encoding (trace state serializer)', () => {
    let inner: Uint8Array | undefined;
    const base = finishedSpan({ name: 'outer', traceState: 'a=b' });
    const context = base.spanContext();
    const reentrant: SpanContext = {
      ...context,
      traceState: {
        ...createTraceState('a=b'),
        serialize: () => {
          inner ??= encodeSpansToProtobuf([finishedSpan({ name: 'inner' })]);
          return 'a=b';
        },
      },
    };
    const spans = [{ ...base, spanContext: () => reentrant }, finishedSpan({ name: 'after' })];
    expectSameAsMapping(spans);
    expect(inner).toBeDefined();
    expect(fromBinary(ExportTraceServiceRequestSchema, inner!).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('inner');
  });

  it('never throws, even for junk input', () => {
    expect(() => encodeSpansToProtobuf([null as never, undefined as never, {} as never])).not.toThrow();
    expect(encodeSpansToProtobuf([null as never, finishedSpan({ name: 'ok' })]).length).toBeGreaterThan(0);
  });

  it('decodes to the mapped message for random spans (property)', () => {
    fc.assert(
      fc.property(spanBatch, (spans) => {
        const decoded = fromBinary(ExportTraceServiceRequestSchema, encodeSpansToProtobuf(spans));
        const mapped = toExportTraceServiceRequest(spans);
        expect(decoded).toEqual(mapped);
        expect(decoded.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length).toBe(spans.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe("the Node entry's fast paths (attribute memo, batch span ids, name field cache)", () => {
  afterEach(() => useNodeWriterPaths(false));

  /** The bytes of each batch in turn, with the fast paths or without. */
  function encodeEach(batches: readonly (readonly FinishedSpan[])[], fast: boolean): Buffer[] {
    useNodeWriterPaths(fast);
    return batches.map((spans) => Buffer.from(encodeSpansToProtobuf(spans)));
  }

  it('gives exactly the plain bytes, batch after batch, for random spans (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          spanBatch.filter((spans) => spans.length > 0),
          { minLength: 1, maxLength: 4 },
        ),
        (batches) => {
          // Each batch twice in a row, so the memo's repeated fields and the cached names are used, not only recorded.
          const twice = batches.flatMap((spans) => [spans, spans]);
          const plain = encodeEach(twice, false);
          expect(encodeEach(twice, true)).toEqual(plain);
          expect(plain.every((bytes) => bytes.length > 0)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('relies on one-byte tags where the simple span writer stores them as bytes', () => {
    const oneByteTags = [
      TAG_SPAN_TRACE_ID,
      TAG_SPAN_SPAN_ID,
      TAG_SPAN_PARENT_SPAN_ID,
      TAG_SPAN_KIND,
      TAG_SPAN_START_TIME_UNIX_NANO,
      TAG_SPAN_END_TIME_UNIX_NANO,
      TAG_SPAN_STATUS,
      TAG_STATUS_CODE,
    ];
    expect(oneByteTags.every((tag) => tag > 0 && tag < 0x80)).toBe(true);
  });

  it('gives exactly the plain bytes when a span differs from the repeated ones only at the end, by one more or one fewer attribute, or by order', () => {
    const base = { a: 'x', b: 1, c: true, d: 'y' };
    const shapes = [
      base,
      base,
      base,
      { ...base, e: 'z' },
      base,
      { a: 'x', b: 1, c: true },
      base,
      { ...base, d: 'changed' },
      base,
      { b: 1, a: 'x', c: true, d: 'y' },
      base,
      base,
      {},
      base,
      { ...base, d: -0 },
      { ...base, d: 0 },
      { ...base, d: 0 },
      { ...base, d: Number.NaN },
      { ...base, d: Number.NaN },
    ];
    const spans = shapes.map((attributes, i) => finishedSpan({ name: `span ${i}`, attributes }));
    const batches = [spans, spans, spans.slice(5)];
    const plain = encodeEach(batches, false);
    expect(encodeEach(batches, true)).toEqual(plain);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, plain[0]).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((span) => span.attributes.map((kv) => kv.key).join())).toEqual(shapes.map((shape) => Object.keys(shape).join()));
  });

  it("gives exactly the plain bytes for spans on both sides of the simple span writer's bounds, mixed in one batch", () => {
    const remote = { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true };
    const local = { traceId: TRACE_ID, spanId: 'c7ad6b7169203331', traceFlags: 0, isRemote: false };
    const attributes = { 'http.request.method': 'GET', 'server.port': 8080, ok: true, ratio: 0.5, list: ['a', 'b'] };
    const spans = [
      // Taken by the simple writer: every kind, parents or none, trace state, status codes and messages.
      ...[0, 1, 2, 3, 4, 7].map((kind) => finishedSpan({ name: `kind ${kind}`, kind: kind as SpanKind, attributes })),
      finishedSpan({ name: 'remote parent', parent: remote, attributes }),
      finishedSpan({ name: 'local parent', parent: local, traceFlags: 0 }),
      finishedSpan({ name: 'trace state', traceState: 'vendor=value,other=1', parent: remote }),
      finishedSpan({ name: 'error', status: { code: SpanStatusCode.ERROR } }),
      finishedSpan({ name: 'ok', status: { code: SpanStatusCode.OK } }),
      finishedSpan({ name: 'message', status: { code: SpanStatusCode.ERROR, message: 'broke: ünïcode' } }),
      finishedSpan({ name: 'message, unset code', status: { code: SpanStatusCode.UNSET, message: 'm' } }),
      finishedSpan({ name: 'ünïcode name', attributes: { key: 'välue' } }),
      // Events and links (written the general way's, between the attributes and the status).
      finishedSpan({ name: 'event', events: [spanEvent('e', 2_000_000)] }),
      finishedSpan({ name: 'link', links: [{ context: remote, attributes: {}, droppedAttributesCount: 0 }] }),
      finishedSpan({
        name: 'all of it',
        parent: remote,
        traceState: 'vendor=value',
        attributes,
        events: [spanEvent('first', 2_000_000), spanEvent('second', 3_000_000)],
        links: [{ context: local, attributes: { 'link.kind': 'follows' }, droppedAttributesCount: 0 }],
        status: { code: SpanStatusCode.ERROR, message: 'failed after the events' },
      }),
      // Left to the general way: dropped counts, long or empty names, times far out.
      finishedSpan({ name: 'dropped', droppedAttributesCount: 2, droppedEventsCount: 1, droppedLinksCount: 3 }),
      finishedSpan({ name: 'x'.repeat(65) }),
      finishedSpan({ name: '' }),
      finishedSpan({ name: 'far', startTimeNanos: 2 ** 60, endTimeNanos: 2 ** 60 }),
      finishedSpan({ name: 'after the others', parent: remote, attributes }),
    ];
    const batches = [spans, spans, spans.slice(3), [...spans].reverse()];
    const plain = encodeEach(batches, false);
    expect(encodeEach(batches, true)).toEqual(plain);
    useNodeWriterPaths(true);
    const bytes = expectSameAsMapping(spans);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((span) => span.name)).toEqual(spans.map((span) => span.name));
    expect(decoded.find((span) => span.name === 'trace state')?.traceState).toBe('vendor=value,other=1');
    expect(decoded.find((span) => span.name === 'message')?.status?.message).toBe('broke: ünïcode');
  });

  it('gives exactly the plain bytes for HTTP server spans recorded by the SDK', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('http-server', '1.0.0');
    for (let i = 0; i < 20; i++) {
      tracer
        .startSpan(`GET /users/:id`, {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': 'GET',
            'url.scheme': 'http',
            'network.protocol.version': '1.1',
            'server.address': 'localhost',
            'server.port': 8080,
            'http.route': '/users/:id',
            'url.path': `/users/${i}`,
            'http.response.status_code': i % 5 === 0 ? 404 : 200,
          },
        })
        .end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(20);
    const batches = [spans, spans.slice(0, 7), spans.slice(7)];
    const plain = encodeEach(batches, false);
    expect(encodeEach(batches, true)).toEqual(plain);
    const decoded = fromBinary(ExportTraceServiceRequestSchema, plain[0]).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((span) => span.attributes.find((kv) => kv.key === 'url.path')?.value?.value.value)).toEqual(
      spans.map((span) => span.attributes['url.path']),
    );
  });
});

describe("the Node entry's one-pass batch writer", () => {
  afterEach(() => useNodeWriterPaths(false));

  /** The bytes of each batch in turn, with the fast paths or without. */
  function encodeEach(batches: readonly (readonly FinishedSpan[])[], fast: boolean): Buffer[] {
    useNodeWriterPaths(fast);
    return batches.map((spans) => Buffer.from(encodeSpansToProtobuf(spans)));
  }

  /** The length prefixes of the spans of the request's first scope, read off the wire. */
  function spanLengths(request: Uint8Array): number[] {
    const readVarint = (bytes: Uint8Array, at: number): [number, number] => {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[at++];
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return [value, at];
      }
    };
    /** The content of the first field `tag` of the message `bytes[from, to)`. */
    const fieldsOf = (bytes: Uint8Array, from: number, to: number, tag: number): [number, number][] => {
      const found: [number, number][] = [];
      let at = from;
      while (at < to) {
        const [key, afterKey] = readVarint(bytes, at);
        expect(key & 7).toBe(2);
        const [length, start] = readVarint(bytes, afterKey);
        if (key === tag) found.push([start, start + length]);
        at = start + length;
      }
      return found;
    };
    const [resourceSpans] = fieldsOf(request, 0, request.length, 0x0a);
    const [scopeSpans] = fieldsOf(request, resourceSpans[0], resourceSpans[1], 0x12);
    return fieldsOf(request, scopeSpans[0], scopeSpans[1], 0x12).map(([start, end]) => end - start);
  }

  it('gives exactly the plain bytes for spans whose length crosses the two bytes kept for it (127/128 and 16,383/16,384 bytes), ids moved with them', () => {
    const remote = { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true };
    const span = (padding: number, withParent: boolean): FinishedSpan =>
      finishedSpan({
        name: 'n',
        parent: withParent ? remote : undefined,
        traceState: withParent ? 'v=1' : undefined,
        attributes: padding < 0 ? {} : { p: 'x'.repeat(padding) },
      });
    // The length of a span with `padding` bytes of attribute value, measured by the plain way.
    const lengthWith = (padding: number, withParent: boolean): number =>
      spanLengths(encodeEach([[span(padding, withParent)]], false)[0])[0];
    const spans: FinishedSpan[] = [];
    for (const withParent of [false, true]) {
      for (const target of [127, 128, 16_383, 16_384]) {
        // Attribute values around the one that gives `target` bytes (the span grows by one byte per byte,
        // apart from a few at the length prefixes' steps).
        const base = lengthWith(0, withParent);
        for (let padding = target - base - 8; padding <= target - base + 3; padding++) spans.push(span(padding, withParent));
      }
      spans.push(span(-1, withParent));
    }
    const lengths = spanLengths(encodeEach([spans], false)[0]);
    for (const length of [126, 127, 128, 129, 16_382, 16_383, 16_384, 16_385]) expect(lengths).toContain(length);
    expect(lengths.some((length) => length < 100)).toBe(true);
    // One batch with them all, then each one alone, then in reverse order: as the plain way writes them.
    const batches = [spans, ...spans.map((one) => [one]), [...spans].reverse()];
    expect(encodeEach(batches, true)).toEqual(encodeEach(batches, false));
    useNodeWriterPaths(true);
    expectSameAsMapping(spans);
  });

  it('takes a batch of one resource and scope in one pass, and leaves other batches and spans to the two passes, bytes alike', () => {
    // The spans the two passes' size pass met.
    let sized = 0;
    const counting = { ...simpleSpans, size: (span: FinishedSpan, index: number) => (sized++, simpleSpans.size(span, index)) };
    const attributes = { 'http.request.method': 'GET', 'server.port': 8080 };
    const oneScope = Array.from({ length: 40 }, (_, i) => finishedSpan({ name: `GET /${i % 3}`, attributes }));
    const otherScope: InstrumentationScope = { name: 'other', version: '2.0.0', schemaUrl: 'https://example.test/other' };
    const mixed = [...oneScope.slice(0, 5), finishedSpan({ name: 'other scope', instrumentationScope: otherScope }), ...oneScope.slice(5)];
    const farOut = [...oneScope, finishedSpan({ name: 'far', startTimeNanos: 2 ** 60, endTimeNanos: 2 ** 60 })];
    const badId = [...oneScope, finishedSpan({ name: 'bad id', spanId: 'not hex at all!!' })];
    // Both schema URLs (after the spans, in the scope's and the resource's messages).
    const scoped = oneScope.map((one) => ({ ...one, resource: RESOURCE, instrumentationScope: SCOPE }));
    const cases: [readonly FinishedSpan[], boolean][] = [
      [oneScope, false],
      [mixed, true],
      // After a mixed batch the next one is checked first, then written in one pass again.
      [oneScope, false],
      [farOut, true],
      [badId, true],
      [scoped, false],
    ];
    for (const [spans, twoPasses] of cases) {
      const plain = encodeEach([spans], false);
      useFastSpans(counting);
      sized = 0;
      expect(Buffer.from(encodeSpansToProtobuf(spans))).toEqual(plain[0]);
      expect(sized).toBe(twoPasses ? spans.length : 0);
    }
  });
});

/**
 * A span whose dropped-attributes count reads differently on every other read (so the two passes
 * disagree). It has a dropped event and a start time far out, so the Node entry's one-pass and simple
 * span writers (which read the count once) leave it to the general way.
 */
function shiftySpan(): FinishedSpan {
  let reads = 0;
  // A dropped event count and a far time send it the general way, which reads droppedAttributesCount in both passes.
  return Object.defineProperty(
    { ...finishedSpan({ name: 'shifty', events: [spanEvent('e', 1_000_000)], startTimeNanos: 2 ** 60 }), droppedEventsCount: 1 },
    'droppedAttributesCount',
    {
      get: () => (reads++ % 2 === 0 ? 0 : 100_000),
    },
  ) as FinishedSpan;
}
