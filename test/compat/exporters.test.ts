// opentelemetry-js's exporters inside otelite's processors, against otelite's real OTLP receiver.
//
// A migrating team keeps its exporters (`@opentelemetry/exporter-trace-otlp-proto`, `-http`, vendor
// exporters built on their serializers) and its test pattern (sdk-trace-base's InMemorySpanExporter):
// here each runs, unchanged, under otelite's SimpleSpanProcessor and BatchSpanProcessor, with spans that
// carry events, a recorded exception, a link and an error status. What the receiver decodes from the
// real request bytes is compared with what otelite recorded.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  diag,
  trace,
  type DiagLogger,
  type HrTime,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes as jsResourceFromAttributes } from '@opentelemetry/resources';
import * as jsSdkTrace from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter as JsInMemorySpanExporter,
  SimpleSpanProcessor as JsSimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  failureCounts,
  resourceFromAttributes,
  type CallbackSpanExporter,
  type FinishedSpan,
  type SpanExporter,
  type SpanProcessor,
} from '../../src/index.js';
import { startReceiver, type ReceivedSpan, type Receiver } from '../../src/platform/node/receiver/index.js';
import { LINE } from './compat-harness.js';

// Line 3 (vitest.compat-3.config.ts) resolves these imports to the 3.x / 0.301 packages: sdk-trace 3.x
// in place of sdk-trace-base, where BasicTracerProvider is named TracerProvider.
const SDK_TRACE = LINE === '3' ? '@opentelemetry/sdk-trace 3.x' : 'sdk-trace-base';
const JsTracerProvider: typeof BasicTracerProvider =
  BasicTracerProvider ?? (jsSdkTrace as unknown as { TracerProvider: typeof BasicTracerProvider }).TracerProvider;
/** sdk-trace's SimpleSpanProcessor around `exporter`: 3.x takes an options object (`{ exporter }`), 2.x the exporter. */
function jsSimpleSpanProcessor(exporter: ConstructorParameters<typeof JsSimpleSpanProcessor>[0]): JsSimpleSpanProcessor {
  return LINE === '3' ? new JsSimpleSpanProcessor({ exporter } as never) : new JsSimpleSpanProcessor(exporter);
}

let receiver: Receiver;
const diagnostics: string[] = [];
const logger: DiagLogger = {
  error: (message) => diagnostics.push(`error ${message}`),
  warn: (message) => diagnostics.push(`warn ${message}`),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

beforeAll(async () => {
  receiver = await startReceiver({ port: 0, host: '127.0.0.1', print: false });
  diag.setLogger(logger);
});

afterAll(async () => {
  diag.disable();
  await receiver.close();
});

afterEach(() => {
  receiver.clear();
  diagnostics.length = 0;
});

/** A second ago, with nanoseconds: an explicit event time. */
const EVENT_TIME: HrTime = [Math.floor(Date.now() / 1000) - 1, 123_456_789];

/**
 * The spans every case records: a SERVER root with a child that has a timed event, a recorded exception,
 * a link to the root and an error status. Returns the otelite spans, in the order they ended.
 */
function recordTrace(provider: TracerProvider): FinishedSpan[] {
  const tracer = provider.getTracer('compat-scope', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const root = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } });
  const child = tracer.startSpan(
    'load order',
    { attributes: { 'order.id': 42 }, links: [{ context: root.spanContext(), attributes: { 'link.reason': 'retry' } }] },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent('cache miss', { 'cache.key': 'order:42' }, EVENT_TIME);
  child.recordException(new TypeError('order 42 is malformed'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'malformed order' });
  child.end();
  root.end();
  return [child, root].map((span) => span as unknown as FinishedSpan);
}

function nanosOf(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/** Asserts that what arrived is exactly what otelite recorded. */
function expectArrived(received: ReceivedSpan[], recorded: FinishedSpan[]): void {
  const [child, root] = recorded;
  const byName = new Map(received.map((span) => [span.name, span]));
  expect([...byName.keys()].sort()).toEqual(['GET /orders/:id', 'load order']);
  const rootIn = byName.get('GET /orders/:id')!;
  const childIn = byName.get('load order')!;

  expect(rootIn.traceId).toBe(root.spanContext().traceId);
  expect(rootIn.spanId).toBe(root.spanContext().spanId);
  expect(rootIn.parentSpanId).toBe('');
  expect(rootIn.kind).toBe('SERVER');
  expect(rootIn.attributes).toEqual({ 'http.request.method': 'GET' });
  expect(rootIn.startTimeUnixNano).toBe(nanosOf(root.startTime));
  expect(rootIn.endTimeUnixNano).toBe(nanosOf(root.endTime));
  expect(rootIn.serviceName).toBe('compat-service');
  expect(rootIn.scope).toEqual({ name: 'compat-scope', version: '1.2.3' });
  // W3C flags in the low byte (sampled + random by default), plus OTLP's "has is_remote" bit.
  expect(rootIn.span.flags & 0xff).toBe(TraceFlags.SAMPLED | 0x02);
  expect(rootIn.span.flags & 0x100).toBe(0x100);

  expect(childIn.parentSpanId).toBe(root.spanContext().spanId);
  expect(childIn.kind).toBe('INTERNAL');
  expect(childIn.attributes).toEqual({ 'order.id': 42 });
  expect(childIn.status).toEqual({ code: 'ERROR', message: 'malformed order' });
  const events = childIn.span.events;
  expect(events.map((event) => event.name)).toEqual(['cache miss', 'exception']);
  // The explicit time, to the nanosecond, and exactly the instant otelite holds.
  expect(events[0].timeUnixNano).toBe(nanosOf(EVENT_TIME));
  expect(events[0].timeUnixNano).toBe(nanosOf(child.events[0].time));
  expect(events[1].timeUnixNano).toBe(nanosOf(child.events[1].time));
  const attributesOf = (index: number) =>
    Object.fromEntries(events[index].attributes.map((attribute) => [attribute.key, attribute.value?.value.value]));
  expect(attributesOf(0)).toEqual({ 'cache.key': 'order:42' });
  const exception = attributesOf(1);
  expect(exception['exception.type']).toBe('TypeError');
  expect(exception['exception.message']).toBe('order 42 is malformed');
  expect(String(exception['exception.stacktrace'])).toContain('TypeError: order 42 is malformed');
  expect(childIn.span.links).toHaveLength(1);
  const link = childIn.span.links[0];
  expect(Buffer.from(link.spanId).toString('hex')).toBe(root.spanContext().spanId);
  expect(link.attributes.map((attribute) => [attribute.key, attribute.value?.value.value])).toEqual([['link.reason', 'retry']]);
}

const OTLP_EXPORTERS: Array<[string, (url: string) => CallbackSpanExporter]> = [
  ['@opentelemetry/exporter-trace-otlp-proto', (url) => new ProtoTraceExporter({ url })],
  ['@opentelemetry/exporter-trace-otlp-http (JSON)', (url) => new JsonTraceExporter({ url })],
];
const PROCESSORS: Array<[string, (exporter: SpanExporter | CallbackSpanExporter) => SpanProcessor & { failedSpansCount?: number }]> = [
  ['SimpleSpanProcessor', (exporter) => new SimpleSpanProcessor(exporter)],
  ['BatchSpanProcessor', (exporter) => new BatchSpanProcessor(exporter)],
];

function provider(processor: SpanProcessor): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'compat-service' }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [processor],
  });
}

describe.each(OTLP_EXPORTERS)('%s', (_name, makeExporter) => {
  it.each(PROCESSORS)("inside otelite's %s delivers spans with events, an exception and a link", async (_processorName, makeProcessor) => {
    const failuresBefore = failureCounts().export ?? 0;
    const processor = makeProcessor(makeExporter(receiver.tracesUrl));
    const tracerProvider = provider(processor);
    const recorded = recordTrace(tracerProvider);
    await tracerProvider.forceFlush();
    // forceFlush resolves once the exporter has its response, and the receiver records before it responds.
    expectArrived(receiver.spans(), recorded);
    expect(failureCounts().export ?? 0).toBe(failuresBefore);
    expect(processor.failedSpansCount ?? 0).toBe(0);
    await tracerProvider.shutdown();
    expect(diagnostics.filter((line) => line.startsWith('error'))).toEqual([]);
  });
});

describe(`${SDK_TRACE}'s InMemorySpanExporter`, () => {
  it('under SimpleSpanProcessor holds each span as soon as end() returns, parent and child alike', async () => {
    const exporter = new JsInMemorySpanExporter();
    const tracerProvider = provider(new SimpleSpanProcessor(exporter));
    const tracer = tracerProvider.getTracer('unit-test');
    const parent = tracer.startSpan('parent');
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent));
    child.recordException(new Error('kaput'));
    child.end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['child']);
    parent.end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['child', 'parent']);
    const [finishedChild, finishedParent] = exporter.getFinishedSpans();
    expect(finishedChild.parentSpanContext?.spanId).toBe(finishedParent.spanContext().spanId);
    expect(finishedChild.events[0].name).toBe('exception');
    expect(finishedChild.events[0].time).toEqual(expect.arrayContaining([expect.any(Number), expect.any(Number)]));
    await tracerProvider.forceFlush();
    await tracerProvider.shutdown();
    expect(diagnostics).toEqual([]);
  });

  it('under BatchSpanProcessor gets every span on forceFlush, its callback results counted as successes', async () => {
    const exporter = new JsInMemorySpanExporter();
    const processor = new BatchSpanProcessor(exporter);
    const tracerProvider = provider(processor);
    recordTrace(tracerProvider);
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracerProvider.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['load order', 'GET /orders/:id']);
    expect(processor.failedSpansCount).toBe(0);
    await tracerProvider.shutdown();
    expect(diagnostics).toEqual([]);
  });

  it('after its shutdown, its FAILED callback results are counted, and nothing throws', async () => {
    const exporter = new JsInMemorySpanExporter();
    const processor = new BatchSpanProcessor(exporter);
    const tracerProvider = provider(processor);
    await exporter.shutdown();
    recordTrace(tracerProvider);
    await tracerProvider.forceFlush();
    expect(processor.failedSpansCount).toBe(2);
    expect(diagnostics.some((line) => line.includes('Exporter has been stopped'))).toBe(true);
    await tracerProvider.shutdown();
  });
});

describe(`${SDK_TRACE}'s processors inside otelite's TracerProvider`, () => {
  it('export otelite spans through opentelemetry-js exporters (typed with a cast: their onEnd takes ReadableSpan)', async () => {
    const exporter = new JsInMemorySpanExporter();
    const tracerProvider = provider(jsSimpleSpanProcessor(exporter) as unknown as SpanProcessor);
    recordTrace(tracerProvider);
    await tracerProvider.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.events.length])).toEqual([
      ['load order', 2],
      ['GET /orders/:id', 0],
    ]);
    const otlp = provider(jsSimpleSpanProcessor(new ProtoTraceExporter({ url: receiver.tracesUrl })) as unknown as SpanProcessor);
    const recorded = recordTrace(otlp);
    await otlp.forceFlush();
    expectArrived(receiver.spans(), recorded);
    await Promise.all([tracerProvider.shutdown(), otlp.shutdown()]);
  });
});

/** The shape of a value: its type, and recursively the shapes of its properties or first element. */
function shapeOf(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.length === 0 ? ['empty'] : [shapeOf(value[0], depth + 1)];
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (depth > 3) return 'object';
  const shape: Record<string, unknown> = {};
  // Own and prototype getters both count: exporters read properties, not own keys.
  const keys = new Set<string>();
  for (let object: object | null = value; object !== null && object !== Object.prototype; object = Object.getPrototypeOf(object)) {
    for (const key of Object.getOwnPropertyNames(object)) if (key !== 'constructor') keys.add(key);
  }
  for (const key of [...keys].sort()) {
    const property = (value as Record<string, unknown>)[key];
    if (property !== undefined) shape[key] = shapeOf(property, depth + 1);
  }
  return shape;
}

/** The paths where `actual` lacks what `expected` has, or has it in another shape (extra properties are fine). */
function missingShapes(expected: unknown, actual: unknown, path = 'span'): string[] {
  if (expected === null || typeof expected !== 'object')
    return expected === actual ? [] : [`${path}: ${String(actual)} instead of ${String(expected)}`];
  if (actual === null || typeof actual !== 'object') return [`${path}: ${String(actual)} instead of an object`];
  return Object.entries(expected).flatMap(([key, shape]) =>
    missingShapes(shape, (actual as Record<string, unknown>)[key], Array.isArray(expected) ? `${path}[${key}]` : `${path}.${key}`),
  );
}

/** What opentelemetry-js's `ReadableSpan` declares (sdk-trace-base 2.x), with the parts of each that exporters read. */
function readableView(span: ReadableSpan | FinishedSpan): Record<string, unknown> {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events.map((event) => ({
      name: event.name,
      time: event.time,
      attributes: event.attributes,
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    ended: span.ended,
    resource: { attributes: span.resource.attributes, schemaUrl: span.resource.schemaUrl },
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

describe('FinishedSpan against ReadableSpan', () => {
  it(`offers every ReadableSpan property with the same shape as ${SDK_TRACE} gives it`, () => {
    const record = (tracerProvider: { getTracer: TracerProvider['getTracer'] }): Span => {
      const tracer = tracerProvider.getTracer('shape', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
      const parent = tracer.startSpan('parent', { root: true });
      const span = tracer.startSpan(
        'child',
        { kind: SpanKind.CLIENT, attributes: { a: 'b' }, links: [{ context: parent.spanContext(), attributes: { l: 1 } }] },
        trace.setSpan(ROOT_CONTEXT, parent),
      );
      span.addEvent('event', { e: true }, EVENT_TIME);
      span.recordException(new RangeError('out of range'));
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
      span.end();
      return span;
    };
    const jsExporter = new JsInMemorySpanExporter();
    const jsProvider = new JsTracerProvider({
      resource: jsResourceFromAttributes({ 'service.name': 'compat-service' }),
      spanProcessors: [jsSimpleSpanProcessor(jsExporter)],
    });
    record(jsProvider);
    const jsSpan = jsExporter.getFinishedSpans()[0];
    const oteliteSpan = record(provider(new SimpleSpanProcessor(new JsInMemorySpanExporter()))) as unknown as FinishedSpan;

    expect(missingShapes(shapeOf(readableView(jsSpan)), shapeOf(readableView(oteliteSpan)))).toEqual([]);
    expect(oteliteSpan.events[0].time).toEqual(EVENT_TIME);
    expect(oteliteSpan.resource.attributes['service.name']).toBe(jsSpan.resource.attributes['service.name']);
    expect(oteliteSpan.ended).toBe(true);
    expect(oteliteSpan.instrumentationScope).toMatchObject(jsSpan.instrumentationScope);
  });
});
