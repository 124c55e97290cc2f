import { SpanKind, SpanStatusCode, TraceFlags, context, trace, type Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  SamplingDecision,
  createTraceState,
  SimpleSpanProcessor,
  TracerProvider,
  type FinishedSpan,
  type SpanLimits,
} from '../../src/index.js';
import { clockNanosToHrTime, toClockNanos } from '../../src/trace/clock.js';
import { captureDiagEachTest } from '../support/diag-capture.js';

const warnings = captureDiagEachTest();

function setup(spanLimits?: SpanLimits) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    spanLimits,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('span-test', '1.0.0');
  return { exporter, provider, tracer };
}

async function finish(provider: TracerProvider, exporter: InMemorySpanExporter): Promise<FinishedSpan[]> {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

describe('span attributes', () => {
  it('keeps every valid value type, including arrays with null and undefined entries', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('attributes');
    span.setAttribute('string', 'text');
    span.setAttribute('number', 1.5);
    span.setAttribute('integer', 42);
    span.setAttribute('boolean', false);
    span.setAttribute('empty', '');
    span.setAttribute('strings', ['a', null as unknown as string, undefined as unknown as string, 'b']);
    span.setAttribute('numbers', [1, 2, 3]);
    span.setAttribute('booleans', [true, false]);
    span.setAttribute('emptyArray', []);
    span.setAttributes({ fromObject: 'yes', nan: Number.NaN });
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes).toEqual({
      string: 'text',
      number: 1.5,
      integer: 42,
      boolean: false,
      empty: '',
      strings: ['a', null, undefined, 'b'],
      numbers: [1, 2, 3],
      booleans: [true, false],
      emptyArray: [],
      fromObject: 'yes',
      nan: Number.NaN,
    });
    expect(finished.droppedAttributesCount).toBe(0);
  });

  it('drops invalid values and keys with a warning, without throwing or counting them', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('invalid');
    const values: unknown[] = [null, undefined, { a: 1 }, [1, 'mixed'], [{}], () => 1, Symbol('s'), 10n, new Date()];
    for (const [index, value] of values.entries()) {
      expect(() => span.setAttribute(`bad.${index}`, value as string)).not.toThrow();
    }
    expect(() => span.setAttribute('', 'empty key')).not.toThrow();
    expect(() => span.setAttribute(42 as unknown as string, 'number key')).not.toThrow();
    expect(() => span.setAttributes(null as unknown as Record<string, string>)).not.toThrow();
    expect(() => span.setAttributes('text' as unknown as Record<string, string>)).not.toThrow();
    span.setAttribute('good', 'kept');
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes).toEqual({ good: 'kept' });
    expect(finished.droppedAttributesCount).toBe(0);
    expect(warnings.some((message) => message.includes('attribute value was dropped'))).toBe(true);
  });

  it('copies arrays so later changes by the caller do not leak in', async () => {
    const { exporter, provider, tracer } = setup();
    const list = ['a', 'b'];
    const span = tracer.startSpan('copy');
    span.setAttribute('list', list);
    list.push('c');
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes.list).toEqual(['a', 'b']);
  });

  it('treats keys that exist on Object.prototype as ordinary keys', async () => {
    const { exporter, provider, tracer } = setup({ attributeCountLimit: 3 });
    const span = tracer.startSpan('prototype keys');
    span.setAttribute('constructor', 'c');
    span.setAttribute('toString', 't');
    span.setAttribute('__proto__', 'p');
    span.setAttribute('hasOwnProperty', 'dropped');
    span.setAttribute('__proto__', 'updated');
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(Object.getPrototypeOf(finished.attributes)).toBe(Object.prototype);
    expect(Object.entries(finished.attributes)).toEqual([
      ['constructor', 'c'],
      ['toString', 't'],
      ['__proto__', 'updated'],
    ]);
    expect(finished.droppedAttributesCount).toBe(1);
  });

  it('ignores setAttribute after end', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('late');
    span.setAttribute('before', 1);
    span.end();
    span.setAttribute('after', 2);
    span.setAttributes({ after2: 3 });
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes).toEqual({ before: 1 });
  });
});

describe('span limits', () => {
  it('drops new keys past the attribute count but still updates existing keys', async () => {
    const { exporter, provider, tracer } = setup({ attributeCountLimit: 2 });
    const span = tracer.startSpan('count', { attributes: { a: 1, b: 2, c: 3 } });
    span.setAttribute('d', 4);
    span.setAttribute('a', 10);
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes).toEqual({ a: 10, b: 2 });
    expect(finished.droppedAttributesCount).toBe(2);
  });

  it('truncates strings, also inside arrays, to the value length limit', async () => {
    const { exporter, provider, tracer } = setup({ attributeValueLengthLimit: 3 });
    const span = tracer.startSpan('length', {
      attributes: { long: 'abcdef', short: 'ab', list: ['abcdef', 'x', null as unknown as string] },
    });
    span.setAttribute('number', 123456);
    span.addEvent('event', { long: 'abcdef' });
    span.addLink({ context: span.spanContext(), attributes: { long: 'abcdef', list: ['abcdef'] } });
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes).toEqual({ long: 'abc', short: 'ab', list: ['abc', 'x', null], number: 123456 });
    expect(finished.events[0].attributes).toEqual({ long: 'abc' });
    expect(finished.links[0].attributes).toEqual({ long: 'abc', list: ['abc'] });
  });

  it('keeps the latest events, dropping the oldest past the event limit', async () => {
    const { exporter, provider, tracer } = setup({ eventCountLimit: 2 });
    const span = tracer.startSpan('events');
    for (const name of ['one', 'two', 'three', 'four']) span.addEvent(name);
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.events.map((event) => event.name)).toEqual(['three', 'four']);
    expect(finished.droppedEventsCount).toBe(2);
  });

  it('counts every event as dropped when the event limit is 0', async () => {
    const { exporter, provider, tracer } = setup({ eventCountLimit: 0 });
    const span = tracer.startSpan('no events');
    span.addEvent('one');
    span.recordException(new Error('boom'));
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.events).toEqual([]);
    expect(finished.droppedEventsCount).toBe(2);
  });

  it('keeps the first links past the link limit, from start options and addLink(s)', async () => {
    const { exporter, provider, tracer } = setup({ linkCountLimit: 2 });
    const other = tracer.startSpan('other');
    const context = other.spanContext();
    const span = tracer.startSpan('links', { links: [{ context, attributes: { n: 1 } }] });
    span.addLink({ context, attributes: { n: 2 } });
    span.addLinks([
      { context, attributes: { n: 3 } },
      { context, attributes: { n: 4 } },
    ]);
    span.end();
    other.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.links.map((link) => link.attributes.n)).toEqual([1, 2]);
    expect(finished.links[0].context).toEqual(context);
    expect(finished.droppedLinksCount).toBe(2);
  });

  it('limits attributes per event and per link, counting the dropped ones', async () => {
    const { exporter, provider, tracer } = setup({ attributePerEventCountLimit: 1, attributePerLinkCountLimit: 2 });
    const span = tracer.startSpan('per item');
    span.addEvent('event', { a: 1, b: 2, c: 3 });
    span.addLink({ context: span.spanContext(), attributes: { a: 1, b: 2, c: 3 }, droppedAttributesCount: 5 });
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.events[0].attributes).toEqual({ a: 1 });
    expect(finished.events[0].droppedAttributesCount).toBe(2);
    expect(finished.links[0].attributes).toEqual({ a: 1, b: 2 });
    expect(finished.links[0].droppedAttributesCount).toBe(6);
  });

  it('keeps nothing and counts everything with an attribute count limit of 0', async () => {
    const { exporter, provider, tracer } = setup({ attributeCountLimit: 0 });
    const span = tracer.startSpan('none', { attributes: { a: 1 } });
    span.setAttribute('b', 2);
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.attributes).toEqual({});
    expect(finished.droppedAttributesCount).toBe(2);
  });
});

describe('span events', () => {
  it('accepts attributes and a time, or a time in place of attributes', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('events', { startTime: 1_000 });
    span.addEvent('with attributes', { key: 'value' }, 1_500);
    span.addEvent('time only', 2_000);
    span.addEvent('hrtime', [Math.floor(performance.timeOrigin / 1000), 0]);
    span.addEvent('date', new Date(performance.timeOrigin + 3_000));
    span.addEvent('now');
    span.addEvent(42 as unknown as string, 'not attributes' as unknown as Record<string, string>);
    span.end(4_000);
    const [finished] = await finish(provider, exporter);
    const events = finished.events;
    expect(events.map((event) => event.name)).toEqual(['with attributes', 'time only', 'hrtime', 'date', 'now', '42']);
    expect(events[0].attributes).toEqual({ key: 'value' });
    expect(events[0].timeNanos).toBe(toClockNanos(1_500));
    expect(events[1].timeNanos).toBe(toClockNanos(2_000));
    expect(events[1].attributes).toEqual({});
    expect(Math.abs(events[3].timeNanos - 3_000e6)).toBeLessThan(1e6);
    expect(events[5].attributes).toEqual({});
  });
});

describe('ReadableSpan parity', () => {
  it('gives each event its epoch HrTime (`time`, as opentelemetry-js has it) without storing it', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('timed');
    const at: [number, number] = [Math.floor(Date.now() / 1000), 250_000_000];
    span.addEvent('explicit', {}, at);
    span.recordException(new Error('late'));
    span.end();
    const [finished] = await finish(provider, exporter);
    const [explicit, exception] = finished.events;
    expect(explicit.time).toEqual(clockNanosToHrTime(explicit.timeNanos));
    expect(explicit.time).toEqual(at);
    expect(exception.time).toEqual(clockNanosToHrTime(exception.timeNanos));
    expect(exception.time[0] * 1e3 + exception.time[1] / 1e6).toBeGreaterThanOrEqual(
      finished.startTime[0] * 1e3 + finished.startTime[1] / 1e6,
    );
    expect(Object.keys(explicit).sort()).toEqual(['attributes', 'droppedAttributesCount', 'name', 'timeNanos']);
  });

  it('says whether it has ended', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('ending') as unknown as FinishedSpan & Span;
    expect(span.ended).toBe(false);
    span.end();
    expect(span.ended).toBe(true);
  });
});

describe('span status', () => {
  it('makes Ok final, keeps the Error description, ignores Unset and drops Ok descriptions', async () => {
    const { exporter, provider, tracer } = setup();
    const errorSpan = tracer.startSpan('error');
    errorSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'first' });
    errorSpan.setStatus({ code: SpanStatusCode.UNSET });
    errorSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'second' });
    errorSpan.end();
    const okSpan = tracer.startSpan('ok');
    okSpan.setStatus({ code: SpanStatusCode.OK, message: 'ignored description' });
    okSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
    okSpan.setStatus({ code: SpanStatusCode.UNSET });
    okSpan.end();
    const errorThenOk = tracer.startSpan('error then ok');
    errorThenOk.setStatus({ code: SpanStatusCode.ERROR });
    errorThenOk.setStatus({ code: SpanStatusCode.OK });
    errorThenOk.end();
    const untouched = tracer.startSpan('untouched');
    untouched.setStatus(null as unknown as { code: SpanStatusCode });
    untouched.setStatus({ code: 99 as SpanStatusCode });
    untouched.end();
    const finished = await finish(provider, exporter);
    expect(finished.map((span) => span.status)).toEqual([
      { code: SpanStatusCode.ERROR, message: 'second' },
      { code: SpanStatusCode.OK },
      { code: SpanStatusCode.OK },
      { code: SpanStatusCode.UNSET },
    ]);
  });
});

describe('recordException', () => {
  it('records type, message and stacktrace of an Error', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('exception');
    const error = new TypeError('bad input');
    span.recordException(error);
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.events).toHaveLength(1);
    expect(finished.events[0].name).toBe('exception');
    expect(finished.events[0].attributes).toEqual({
      'exception.type': 'TypeError',
      'exception.message': 'bad input',
      'exception.stacktrace': error.stack,
    });
  });

  it('accepts strings, coded errors and plain objects, and lets caller attributes win', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('exceptions');
    span.recordException('plain text');
    span.recordException({ code: 'ECONNREFUSED', message: 'refused' });
    span.recordException({ name: 'CustomError', message: 'custom' }, 1_000);
    (span as unknown as { recordException(e: unknown, a: unknown): void }).recordException(new Error('x'), {
      'exception.type': 'Overridden',
      'extra.key': 'extra',
    });
    expect(() => span.recordException(null as unknown as string)).not.toThrow();
    expect(() => span.recordException({} as Error)).not.toThrow();
    const hostile = {
      get message(): string {
        throw new Error('getter throws');
      },
    };
    expect(() => span.recordException(hostile as unknown as Error)).not.toThrow();
    span.end();
    const [finished] = await finish(provider, exporter);
    const attributes = finished.events.map((event) => event.attributes);
    expect(attributes[0]).toEqual({ 'exception.message': 'plain text' });
    expect(attributes[1]).toEqual({ 'exception.type': 'ECONNREFUSED', 'exception.message': 'refused' });
    expect(attributes[2]).toEqual({ 'exception.type': 'CustomError', 'exception.message': 'custom' });
    expect(finished.events[2].timeNanos).toBe(toClockNanos(1_000));
    expect(attributes[3]['exception.type']).toBe('Overridden');
    expect(attributes[3]['extra.key']).toBe('extra');
    expect(attributes[3]['exception.message']).toBe('x');
    expect(finished.events).toHaveLength(4);
  });
});

describe('span end and times', () => {
  it('is idempotent, stops recording, and warns about later calls', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('end twice', { startTime: 1_000 });
    expect(span.isRecording()).toBe(true);
    span.end(2_000);
    expect(span.isRecording()).toBe(false);
    span.end(3_000);
    span.addEvent('late');
    span.updateName('renamed');
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.recordException(new Error('late'));
    span.addLink({ context: span.spanContext() });
    const finished = await finish(provider, exporter);
    expect(finished).toHaveLength(1);
    expect(finished[0].name).toBe('end twice');
    expect(finished[0].endTimeNanos).toBe(toClockNanos(2_000));
    expect(finished[0].events).toEqual([]);
    expect(finished[0].links).toEqual([]);
    expect(finished[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(warnings.some((message) => message.includes('already ended'))).toBe(true);
  });

  it('clamps an end before the start to a zero duration', async () => {
    const { exporter, provider, tracer } = setup();
    tracer.startSpan('backwards', { startTime: 5_000 }).end(4_000);
    const [finished] = await finish(provider, exporter);
    expect(finished.endTimeNanos).toBe(finished.startTimeNanos);
    expect(finished.duration).toEqual([0, 0]);
  });

  it('gives epoch HrTimes for start, end and duration', async () => {
    const { exporter, provider, tracer } = setup();
    const before = Date.now();
    const span = tracer.startSpan('times');
    span.end(span instanceof Object ? performance.now() + 1.5 : undefined);
    const [finished] = await finish(provider, exporter);
    const startMillis = finished.startTime[0] * 1000 + finished.startTime[1] / 1e6;
    expect(Math.abs(startMillis - before)).toBeLessThan(1000);
    expect(finished.duration[0]).toBe(0);
    expect(Math.abs(finished.duration[1] - 1.5e6)).toBeLessThan(1e6);
    const endMillis = finished.endTime[0] * 1000 + finished.endTime[1] / 1e6;
    expect(endMillis).toBeGreaterThanOrEqual(startMillis);
  });

  it('accepts explicit start times as HrTime, Date and epoch milliseconds', async () => {
    const { exporter, provider, tracer } = setup();
    const epochMillis = Date.now() - 10_000;
    tracer.startSpan('date', { startTime: new Date(epochMillis) }).end();
    tracer.startSpan('millis', { startTime: epochMillis }).end();
    tracer.startSpan('hrtime', { startTime: [Math.floor(epochMillis / 1000), (epochMillis % 1000) * 1e6] }).end();
    tracer.startSpan('garbage', { startTime: 'yesterday' as unknown as number }).end();
    const finished = await finish(provider, exporter);
    for (const span of finished.slice(0, 3)) {
      const startMillis = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
      expect(Math.abs(startMillis - epochMillis)).toBeLessThan(1);
    }
    expect(finished[3].startTimeNanos).toBeGreaterThan(0);
  });
});

describe('span identity', () => {
  it('reports name, kind, scope, resource and updated name', async () => {
    const { exporter, provider, tracer } = setup();
    const span = tracer.startSpan('first', { kind: SpanKind.CLIENT });
    span.updateName('second');
    span.updateName(undefined as unknown as string);
    span.end();
    const [finished] = await finish(provider, exporter);
    expect(finished.name).toBe('undefined');
    expect(finished.kind).toBe(SpanKind.CLIENT);
    expect(finished.instrumentationScope).toEqual({ name: 'span-test', version: '1.0.0', schemaUrl: undefined, attributes: undefined });
    expect(finished.resource.attributes['telemetry.sdk.name']).toBe('otelite');
    expect(finished.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
  });

  it('keeps every kind, its flags and its context across all the other state a span records', async () => {
    const { exporter, provider, tracer } = setup({ attributeCountLimit: 3000 });
    const kinds = [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
    for (const kind of kinds) {
      const span = tracer.startSpan(`kind ${kind}`, { kind, attributes: { first: 1 } });
      const atStart = span.spanContext();
      // Past 2^11 attributes the packed state no longer fits a small integer: nothing else may change.
      for (let i = 0; i < 3500; i++) span.setAttribute(`key ${i}`, i);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
      expect(span.isRecording()).toBe(true);
      span.end();
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext()).toEqual(atStart);
      expect(span.spanContext()).not.toBe(span.spanContext());
    }
    const finished = await finish(provider, exporter);
    expect(finished.map((span) => span.kind)).toEqual(kinds);
    for (const span of finished) {
      expect(Object.keys(span.attributes)).toHaveLength(3000);
      expect(span.droppedAttributesCount).toBe(501);
      expect(span.ended).toBe(true);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'failed' });
      expect(span.spanContext().traceFlags).toBe(TraceFlags.SAMPLED | 0x02);
    }
  });

  it("gives a child its recording parent's context: ids, the parent's own flags and trace state", async () => {
    const exporter = new InMemorySpanExporter();
    // The parent only records (not sampled); its children are sampled, and "restated" ones get a trace state of their own.
    const provider = new TracerProvider({
      sampler: {
        shouldSample: (_context, _traceId, name) =>
          name === 'parent'
            ? { decision: SamplingDecision.RECORD, traceState: createTraceState('vendor=parent') }
            : name === 'restated'
              ? { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: createTraceState('vendor=child') }
              : { decision: SamplingDecision.RECORD_AND_SAMPLED },
      },
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('parents');
    const parent = tracer.startSpan('parent');
    const parentContext = trace.setSpan(context.active(), parent);
    const child = tracer.startSpan('child', {}, parentContext) as unknown as FinishedSpan & Span;
    const restated = tracer.startSpan('restated', {}, parentContext) as unknown as FinishedSpan & Span;
    const root = tracer.startSpan('root', { root: true }, parentContext) as unknown as FinishedSpan & Span;
    expect(parent.spanContext().traceFlags).toBe(0x02);
    expect(parent.spanContext().traceState?.serialize()).toBe('vendor=parent');
    for (const span of [child, restated]) {
      expect(span.parentSpanContext).toEqual(parent.spanContext());
      expect(span.parentSpanContext?.traceState?.serialize()).toBe('vendor=parent');
      expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(span.spanContext().traceFlags).toBe(TraceFlags.SAMPLED | 0x02);
    }
    expect(child.spanContext().traceState?.serialize()).toBe('vendor=parent');
    expect(restated.spanContext().traceState?.serialize()).toBe('vendor=child');
    expect(root.parentSpanContext).toBeUndefined();
    // A remote parent's context is kept as given.
    const remote = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true };
    const remoteChild = tracer.startSpan('child', {}, trace.setSpanContext(context.active(), remote)) as unknown as FinishedSpan;
    expect(remoteChild.parentSpanContext).toBe(remote);
    await provider.shutdown();
  });

  it('never throws on misuse of any method', () => {
    const { tracer } = setup();
    const span: Span = tracer.startSpan(undefined as unknown as string, null as unknown as undefined);
    const anySpan = span as unknown as Record<string, (...args: unknown[]) => unknown>;
    const junk = [undefined, null, 0, Number.NaN, '', {}, [], () => 1, Symbol('x'), new Date(Number.NaN)];
    for (const method of [
      'setAttribute',
      'setAttributes',
      'addEvent',
      'addLink',
      'addLinks',
      'setStatus',
      'updateName',
      'recordException',
    ]) {
      for (const a of junk) {
        for (const b of junk) expect(() => anySpan[method].call(span, a, b)).not.toThrow();
      }
    }
    for (const time of junk) expect(() => tracer.startSpan('t', { startTime: time as number }).end(time as number)).not.toThrow();
    expect(() => span.end()).not.toThrow();
  });
});
