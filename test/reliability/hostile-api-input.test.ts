import { SpanStatusCode, type Attributes, type AttributeValue, type Span } from '@opentelemetry/api';
import { memoryUsage } from 'node:process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withEnvironment } from '../support/environment.js';
import {
  BatchSpanProcessor,
  failureCounts,
  InMemorySpanExporter,
  OTLPTraceExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ExportResult,
  type FinishedSpan,
  type SpanExporter,
  type SpanLimits,
} from '../../src/index.js';
import { startFaultInjectingReceiver } from './fault-injecting-receiver.js';
import {
  collectDiagnostics,
  CountingExporter,
  endSpans,
  guardApplication,
  sleep,
  timed,
  type ApplicationGuard,
  type DiagCollector,
} from './pipeline-harness.js';

/**
 * Hostile input at the API: whatever instrumentation or application code passes, the SDK neither
 * throws into it nor breaks its promises, behaves as the specification says (invalid attributes are
 * dropped, a span after `end()` ignores calls, a shut-down provider hands out non-recording spans) and
 * keeps memory bounded (the batch queue never exceeds its bound; a hung exporter is cut off by the
 * export timeout). Also: exporters that throw, reject, or never answer.
 */

const TEN_MB = 10 * 1024 * 1024;

let guard: ApplicationGuard;
let diagnostics: DiagCollector;
const providers: TracerProvider[] = [];

beforeAll(() => {
  guard = guardApplication();
  diagnostics = collectDiagnostics();
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
  expect(guard.unhandledRejections).toEqual([]);
  expect(guard.uncaughtExceptions).toEqual([]);
});

afterAll(() => {
  diagnostics.uninstall();
  guard.uninstall();
});

function inMemory(spanLimits?: SpanLimits): {
  provider: TracerProvider;
  exporter: InMemorySpanExporter;
  tracer: ReturnType<TracerProvider['getTracer']>;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanLimits, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  providers.push(provider);
  return { provider, exporter, tracer: provider.getTracer('hostile') };
}

/** Calls `fn` as hostile code would, and requires that nothing is thrown back. */
function noThrow(fn: () => unknown): void {
  expect(fn).not.toThrow();
}

const HOSTILE_VALUES: Record<string, unknown> = {
  undefined: undefined,
  null: null,
  object: { nested: true },
  date: new Date(0),
  function: () => 1,
  symbol: Symbol('s'),
  bigint: 10n,
  'mixed array': [1, 'a', true],
  'array of objects': [{}],
  'nested array': [[1]],
  'throwing getter object': Object.defineProperty({}, 'x', {
    get: () => {
      throw new Error('getter');
    },
    enumerable: true,
  }),
};

describe('attribute values', () => {
  it('drops every invalid value without throwing, keeps valid ones (NaN and ±Infinity are numbers)', async () => {
    const { provider, exporter, tracer } = inMemory();
    const span = tracer.startSpan('attributes');
    for (const [key, value] of Object.entries(HOSTILE_VALUES)) noThrow(() => span.setAttribute(key, value as AttributeValue));
    noThrow(() => span.setAttributes(HOSTILE_VALUES as Attributes));
    noThrow(() => span.setAttributes(null as unknown as Attributes));
    noThrow(() => span.setAttributes('text' as unknown as Attributes));
    noThrow(() => span.setAttribute('nan', NaN));
    noThrow(() => span.setAttribute('infinity', -Infinity));
    noThrow(() => span.setAttribute('with holes', ['a', null, undefined, 'b'] as AttributeValue));
    noThrow(() => span.setAttribute('', 'empty key'));
    noThrow(() => span.setAttribute('__proto__', 'proto'));
    noThrow(() => span.addEvent('event', HOSTILE_VALUES as Attributes));
    noThrow(() => span.addLink({ context: span.spanContext(), attributes: HOSTILE_VALUES as Attributes }));
    noThrow(() => span.end());
    await provider.forceFlush();
    const [finished] = exporter.getFinishedSpans();
    expect(Object.keys(finished.attributes).sort()).toEqual(['__proto__', 'infinity', 'nan', 'with holes']);
    expect(finished.attributes.nan).toBeNaN();
    expect(finished.attributes['with holes']).toEqual(['a', null, undefined, 'b']);
    expect(Object.getPrototypeOf(finished.attributes)).toBe(Object.prototype);
    expect(finished.events[0].attributes).toEqual({});
    expect(finished.links[0].attributes).toEqual({});
  });

  it('start attributes with hostile values take the same path: only valid ones kept', async () => {
    const { provider, exporter, tracer } = inMemory();
    noThrow(() => tracer.startSpan('start', { attributes: { ...(HOSTILE_VALUES as Attributes), ok: 'yes' } }).end());
    noThrow(() => tracer.startSpan('start', { attributes: null as unknown as Attributes }).end());
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.attributes)).toEqual([{ ok: 'yes' }, {}]);
  });

  it('a 10 MB string is kept whole without a length limit and cut to the limit with one (strings in arrays too)', async () => {
    const huge = 'x'.repeat(TEN_MB);
    const unlimited = inMemory();
    noThrow(() => unlimited.tracer.startSpan('big', { attributes: { huge } }).end());
    const limited = inMemory({ attributeValueLengthLimit: 1024 });
    noThrow(() => {
      const span = limited.tracer.startSpan('big', { attributes: { huge } });
      span.setAttribute('set', huge);
      span.setAttribute('array', [huge, 'short']);
      span.addEvent('event', { huge });
      span.end();
    });
    await unlimited.provider.forceFlush();
    await limited.provider.forceFlush();
    expect((unlimited.exporter.getFinishedSpans()[0].attributes.huge as string).length).toBe(TEN_MB);
    const [cut] = limited.exporter.getFinishedSpans();
    expect((cut.attributes.huge as string).length).toBe(1024);
    expect((cut.attributes.set as string).length).toBe(1024);
    expect((cut.attributes.array as string[]).map((value) => value.length)).toEqual([1024, 5]);
    expect((cut.events[0].attributes.huge as string).length).toBe(1024);
  });

  it('a value cut to the length limit does not keep the original 10 MB string alive', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const { provider, exporter, tracer } = inMemory({ attributeValueLengthLimit: 1024 });
    collectGarbage();
    const before = memoryUsage().heapUsed;
    for (let i = 0; i < 10; i++) {
      // A fresh 10 MB string per span, referenced nowhere else once the span holds its cut prefix.
      const span = tracer.startSpan('big', { attributes: { start: 'x'.repeat(TEN_MB) + i } });
      span.setAttribute('set', 'y'.repeat(TEN_MB) + i);
      span.setAttribute('array', ['z'.repeat(TEN_MB) + i]);
      span.end();
    }
    await provider.forceFlush();
    collectGarbage();
    const retained = memoryUsage().heapUsed - before;
    expect(exporter.getFinishedSpans()).toHaveLength(10);
    // 30 values of 1 KiB each; pinning the originals would retain 300 MB.
    expect(retained).toBeLessThan(20 * 1024 * 1024);
  });

  it('hostile but valid values travel over OTLP intact: NaN, Infinity, null in arrays, a 10 MB string', async () => {
    const receiver = await startFaultInjectingReceiver();
    try {
      const exporter = withEnvironment({}, () => new OTLPTraceExporter({ url: receiver.url }));
      const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
      providers.push(provider);
      const span = provider.getTracer('hostile').startSpan('values', {
        attributes: { nan: NaN, infinity: Infinity, holes: ['a', null as unknown as string], big: 'y'.repeat(TEN_MB) },
      });
      span.end();
      await provider.forceFlush();
      const sent = receiver.requests[0].message!.resourceSpans[0].scopeSpans[0].spans[0];
      const byKey = Object.fromEntries(sent.attributes.map((attribute) => [attribute.key, attribute.value?.value]));
      expect(byKey.nan).toMatchObject({ case: 'doubleValue' });
      expect(Number.isNaN(byKey.nan?.value)).toBe(true);
      expect(byKey.infinity).toEqual({ case: 'doubleValue', value: Infinity });
      expect((byKey.big?.value as string).length).toBe(TEN_MB);
      expect(byKey.holes?.case).toBe('arrayValue');
    } finally {
      await receiver.close();
    }
  });
});

describe('names, misuse and lifecycle', () => {
  it('non-string span and event names become strings; a name whose toString throws falls back', async () => {
    const { provider, exporter, tracer } = inMemory();
    const evil = {
      toString: () => {
        throw new Error('no name');
      },
    };
    for (const name of [123, undefined, null, { toString: () => 'object name' }, evil, Symbol('sym')]) {
      noThrow(() => {
        const span = tracer.startSpan(name as unknown as string);
        span.addEvent(name as unknown as string);
        span.updateName(name as unknown as string);
        span.end();
      });
    }
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(6);
    for (const span of spans) {
      expect(typeof span.name).toBe('string');
      expect(typeof span.events[0].name).toBe('string');
    }
    expect(spans.map((span) => span.name).slice(0, 4)).toEqual(['123', 'undefined', 'null', 'object name']);
  });

  it('ending twice exports once and keeps the first end time', async () => {
    const { provider, exporter, tracer } = inMemory();
    const span = tracer.startSpan('twice');
    span.end(Date.now() + 1000);
    noThrow(() => span.end(Date.now() + 9000));
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    const [finished] = exporter.getFinishedSpans();
    // The first end, about a second after the start, not the second one nine seconds after it.
    expect((finished.endTimeNanos - finished.startTimeNanos) / 1e9).toBeCloseTo(1, 1);
    expect(diagnostics.count('end() was called on a span that has already ended')).toBe(1);
  });

  it('every call on an ended span is ignored: the exported span does not change', async () => {
    const { provider, exporter, tracer } = inMemory();
    const span: Span = tracer.startSpan('ended', { attributes: { kept: 1 } });
    span.end();
    await provider.forceFlush();
    const [finished] = exporter.getFinishedSpans();
    const before = JSON.stringify({
      name: finished.name,
      attributes: finished.attributes,
      events: finished.events,
      links: finished.links,
      status: finished.status,
      end: finished.endTime,
    });
    noThrow(() => {
      span.setAttribute('late', 1);
      span.setAttributes({ later: 2 });
      span.addEvent('late');
      span.addLink({ context: span.spanContext() });
      span.addLinks([{ context: span.spanContext() }]);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'late' });
      span.updateName('renamed');
      span.recordException(new Error('late'));
    });
    expect(span.isRecording()).toBe(false);
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(
      JSON.stringify({
        name: finished.name,
        attributes: finished.attributes,
        events: finished.events,
        links: finished.links,
        status: finished.status,
        end: finished.endTime,
      }),
    ).toBe(before);
  });

  it('after shutdown, tracers hand out non-recording spans that still carry a valid context; nothing is exported', async () => {
    const { provider, exporter, tracer } = inMemory();
    await provider.shutdown();
    let span: Span | undefined;
    noThrow(() => (span = tracer.startSpan('late')));
    noThrow(() => provider.getTracer('new').startActiveSpan('late', (s) => s.end()));
    expect(span!.isRecording()).toBe(false);
    expect(span!.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    noThrow(() => span!.end());
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await expect(provider.shutdown()).resolves.toBeUndefined();
  });

  it('hostile span options are tolerated: bad kind, start time, links and attributes', async () => {
    const { provider, exporter, tracer } = inMemory();
    const hostileOptions = [
      { kind: 99 },
      { kind: -1 },
      { startTime: NaN },
      { startTime: 'yesterday' },
      { links: 'not links' },
      { links: [null, { context: null }, { context: { traceId: 'x', spanId: 'y', traceFlags: 1 } }] },
      { attributes: 'text' },
      { root: 'yes' },
    ];
    for (const options of hostileOptions) noThrow(() => tracer.startSpan('options', options as never).end());
    noThrow(() => (tracer.startActiveSpan as (name: string) => unknown)('no function'));
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(hostileOptions.length);
    for (const span of spans) {
      expect(span.kind).toBeGreaterThanOrEqual(0);
      expect(span.kind).toBeLessThanOrEqual(4);
      expect(Number.isFinite(span.startTimeNanos)).toBe(true);
      expect(span.endTimeNanos).toBeGreaterThanOrEqual(span.startTimeNanos);
    }
  });
});

// ------------------------------------------------------------------ hostile exporters

/** An exporter that misbehaves in one of the ways the contract forbids, counting its calls. */
function hostileExporter(
  behaviour: 'throws' | 'rejects' | 'never resolves' | 'returns garbage',
): SpanExporter & { calls: number; spans: number } {
  return {
    calls: 0,
    spans: 0,
    export(spans: readonly FinishedSpan[]): Promise<ExportResult> {
      this.calls++;
      this.spans += spans.length;
      switch (behaviour) {
        case 'throws':
          throw new Error('export exploded');
        case 'rejects':
          return Promise.reject(new Error('export rejected'));
        case 'never resolves':
          return new Promise<ExportResult>(() => undefined);
        case 'returns garbage':
          return Promise.resolve(undefined as unknown as ExportResult);
      }
    },
    forceFlush: behaviour === 'never resolves' ? () => new Promise<void>(() => undefined) : undefined,
    shutdown(): Promise<void> {
      if (behaviour === 'throws') throw new Error('shutdown exploded');
      if (behaviour === 'rejects') return Promise.reject(new Error('shutdown rejected'));
      if (behaviour === 'never resolves') return new Promise<void>(() => undefined);
      return Promise.resolve();
    },
  };
}

describe('exporters that break the contract', () => {
  for (const behaviour of ['throws', 'rejects', 'returns garbage'] as const) {
    it(`an exporter that ${behaviour}: every batch is still offered, failures counted, flush and shutdown resolve`, async () => {
      const exporter = hostileExporter(behaviour);
      const processor = new BatchSpanProcessor(exporter, { maxExportBatchSize: 10, scheduledDelayMillis: 10 });
      const provider = new TracerProvider({ spanProcessors: [processor] });
      providers.push(provider);
      const before = failureCounts().export ?? 0;
      noThrow(() => endSpans(provider.getTracer('hostile'), 35));
      await expect(provider.forceFlush()).resolves.toBeUndefined();
      expect(exporter.calls).toBe(4);
      expect(exporter.spans).toBe(35);
      expect((failureCounts().export ?? 0) - before).toBe(4);
      await expect(provider.shutdown()).resolves.toBeUndefined();
    });
  }

  it('an exporter that never resolves: each export is cut off at exportTimeoutMillis, the queue stays within maxQueueSize, shutdown resolves', async () => {
    const hung = hostileExporter('never resolves');
    const exporter = new CountingExporter(hung);
    const processor = new BatchSpanProcessor(exporter, {
      maxQueueSize: 100,
      maxExportBatchSize: 50,
      scheduledDelayMillis: 10,
      exportTimeoutMillis: 200,
    });
    const provider = new TracerProvider({ spanProcessors: [processor], forceFlushTimeoutMillis: 2000 });
    providers.push(provider);
    const tracer = provider.getTracer('hostile');
    let ended = 0;
    let maxQueue = 0;
    // 3 000 spans over about 600 ms while every export hangs.
    for (let round = 0; round < 30; round++) {
      endSpans(tracer, 100);
      ended += 100;
      maxQueue = Math.max(maxQueue, ended - processor.droppedSpansCount - exporter.handedOver);
      await sleep(20);
    }
    expect(maxQueue).toBeLessThanOrEqual(100);
    expect(processor.droppedSpansCount).toBeGreaterThan(2000);
    // The processor moved on after each 200 ms timeout instead of waiting forever, one export at a time.
    expect(exporter.exports).toBeGreaterThanOrEqual(2);
    expect(exporter.exports).toBeLessThanOrEqual(10);
    const flush = await timed(() => provider.forceFlush());
    const shutdown = await timed(() => provider.shutdown());
    expect(flush.millis + shutdown.millis).toBeLessThan(2 * 2000);
    expect(failureCounts().export).toBeGreaterThan(0);
  });

  it('an exporter that never resolves behind a SimpleSpanProcessor: its waiting exports are bounded too', async () => {
    const hung = hostileExporter('never resolves');
    const processor = new SimpleSpanProcessor(hung, { exportTimeoutMillis: 100, maxQueueSize: 20 });
    const provider = new TracerProvider({ spanProcessors: [processor], forceFlushTimeoutMillis: 1000 });
    providers.push(provider);
    noThrow(() => endSpans(provider.getTracer('hostile'), 500));
    expect(processor.droppedSpansCount).toBeGreaterThanOrEqual(480);
    const shutdown = await timed(() => provider.shutdown());
    expect(shutdown.millis).toBeLessThan(1500);
    expect(hung.calls).toBeLessThanOrEqual(21);
  });

  it('a processor whose onEnd throws does not stop the next one', async () => {
    const exporter = new InMemorySpanExporter();
    const throwing = {
      onStart() {
        throw new Error('onStart');
      },
      onEnd() {
        throw new Error('onEnd');
      },
      forceFlush: () => Promise.reject(new Error('flush')),
      shutdown: () => {
        throw new Error('shutdown');
      },
    };
    const provider = new TracerProvider({ spanProcessors: [throwing as never, new SimpleSpanProcessor(exporter)] });
    providers.push(provider);
    noThrow(() => endSpans(provider.getTracer('hostile'), 3));
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    expect(exporter.getFinishedSpans()).toHaveLength(3);
    expect(failureCounts()['processor.onEnd']).toBeGreaterThanOrEqual(3);
  });
});
