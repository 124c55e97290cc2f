import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AlwaysOnSampler,
  ExportResultCode,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
  type ExportOptions,
  type ExportResult,
  type FinishedSpan,
  type Sampler,
  type CallbackExportResult,
  type CallbackSpanExporter,
  type SimpleSpanProcessorOptions,
  type SpanExporter,
} from '../../src/index.js';
import { captureDiagEachTest } from '../support/diag-capture.js';

const warnings = captureDiagEachTest();

afterEach(() => {
  vi.useRealTimers();
});

/** Each export waits until `release()` resolves it. */
class ManualExporter implements SpanExporter {
  names: string[] = [];
  signals: AbortSignal[] = [];
  active = 0;
  maxActive = 0;
  shutdowns = 0;
  #waiting: Array<() => void> = [];

  export(spans: readonly FinishedSpan[], options?: ExportOptions): Promise<ExportResult> {
    this.names.push(...spans.map((span) => span.name));
    if (options?.signal) this.signals.push(options.signal);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise((resolve) =>
      this.#waiting.push(() => {
        this.active--;
        resolve({ code: ExportResultCode.SUCCESS });
      }),
    );
  }

  release(): void {
    this.#waiting.shift()?.();
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }
}

function setup(
  exporter: SpanExporter | CallbackSpanExporter,
  options?: SimpleSpanProcessorOptions,
  sampler: Sampler = new AlwaysOnSampler(),
) {
  const processor = new SimpleSpanProcessor(exporter, options);
  const provider = new TracerProvider({ sampler, spanProcessors: [processor] });
  return { processor, provider, tracer: provider.getTracer('simple-test') };
}

/** Lets every pending promise callback run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('SimpleSpanProcessor', () => {
  it('exports each sampled span when it ends', async () => {
    const exporter = new InMemorySpanExporter();
    const { processor, tracer } = setup(exporter);
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    await processor.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['a', 'b']);
  });

  it('chains exports so they never overlap, and forceFlush waits for all of them', async () => {
    const exporter = new ManualExporter();
    const { processor, tracer } = setup(exporter);
    for (const name of ['a', 'b', 'c']) tracer.startSpan(name).end();
    await settle();
    expect(exporter.names).toEqual(['a']);
    let flushed = false;
    const flush = processor.forceFlush().then(() => {
      flushed = true;
    });
    for (let i = 0; i < 3; i++) {
      exporter.release();
      await settle();
    }
    await flush;
    expect(flushed).toBe(true);
    expect(exporter.names).toEqual(['a', 'b', 'c']);
    expect(exporter.maxActive).toBe(1);
  });

  it('does not export unsampled spans', async () => {
    const exporter = new InMemorySpanExporter();
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };
    const { processor, tracer } = setup(exporter, {}, recordOnly);
    tracer.startSpan('recorded').end();
    await processor.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('bounds each export by exportTimeoutMillis, aborting its signal', async () => {
    vi.useFakeTimers();
    const exporter = new ManualExporter();
    const { processor, tracer } = setup(exporter, { exportTimeoutMillis: 500 });
    tracer.startSpan('stuck').end();
    tracer.startSpan('next').end();
    const flushed = processor.forceFlush();
    await vi.advanceTimersByTimeAsync(500);
    expect(exporter.signals[0].aborted).toBe(true);
    expect(exporter.names).toEqual(['stuck', 'next']);
    await vi.advanceTimersByTimeAsync(500);
    await expect(flushed).resolves.toBeUndefined();
  });

  it('drops spans past maxQueueSize waiting exports and counts them', async () => {
    const exporter = new ManualExporter();
    const { processor, tracer } = setup(exporter, { maxQueueSize: 2 });
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    expect(processor.droppedSpansCount).toBe(3);
    expect(warnings.some((message) => message.includes('SimpleSpanProcessor dropped spans'))).toBe(true);
    await settle();
    exporter.release();
    await settle();
    exporter.release();
    await processor.forceFlush();
    expect(exporter.names).toEqual(['s0', 's1']);
  });

  it('shuts down once, after pending exports, and then ignores spans', async () => {
    const exporter = new InMemorySpanExporter();
    const { processor, tracer } = setup(exporter);
    tracer.startSpan('before').end();
    const first = processor.shutdown();
    expect(processor.shutdown()).toBe(first);
    await first;
    tracer.startSpan('after').end();
    await processor.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['before']);
  });

  it("hands the span to the exporter inside end(): otelite's InMemorySpanExporter holds it at once", () => {
    const exporter = new InMemorySpanExporter();
    const { tracer } = setup(exporter);
    const parent = tracer.startSpan('parent');
    tracer.startSpan('first').end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['first']);
    tracer.startSpan('second').end();
    parent.end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['first', 'second', 'parent']);
  });

  it('calls a callback exporter inside end(), never twice at once, sending what waited in one export', async () => {
    const calls: string[][] = [];
    const callbacks: Array<(result: CallbackExportResult) => void> = [];
    let active = 0;
    let maxActive = 0;
    // An opentelemetry-js-style exporter, answering only when told; no forceFlush, no shutdown.
    const exporter: CallbackSpanExporter = {
      export(spans: never[], resultCallback: (result: CallbackExportResult) => void): void {
        calls.push((spans as FinishedSpan[]).map((span) => span.name));
        maxActive = Math.max(maxActive, ++active);
        callbacks.push((result) => {
          active--;
          resultCallback(result);
        });
      },
    };
    const { processor, tracer } = setup(exporter);
    tracer.startSpan('a').end();
    expect(calls).toEqual([['a']]);
    tracer.startSpan('b').end();
    tracer.startSpan('c').end();
    expect(calls).toEqual([['a']]);
    let flushed = false;
    const flush = processor.forceFlush().then(() => {
      flushed = true;
    });
    callbacks.shift()!({ code: 0 });
    await settle();
    expect(calls).toEqual([['a'], ['b', 'c']]);
    expect(flushed).toBe(false);
    callbacks.shift()!({ code: 1, error: new Error('refused') });
    await flush;
    expect(maxActive).toBe(1);
    expect(warnings.some((message) => message.includes('refused'))).toBe(true);
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });

  it('hands every span at once to an in-memory exporter that answers later; forceFlush waits for each answer', async () => {
    const held: string[] = [];
    const answers: Array<() => void> = [];
    const exporter = {
      getFinishedSpans: () => held.slice(),
      export(spans: never[], resultCallback: (result: CallbackExportResult) => void): void {
        held.push(...(spans as FinishedSpan[]).map((span) => span.name));
        answers.push(() => resultCallback({ code: 0 }));
      },
      shutdown: () => Promise.resolve(),
    };
    const { processor, tracer } = setup(exporter);
    tracer.startSpan('x').end();
    tracer.startSpan('y').end();
    expect(exporter.getFinishedSpans()).toEqual(['x', 'y']);
    let flushed = false;
    const flush = processor.forceFlush().then(() => {
      flushed = true;
    });
    answers[0]!();
    await settle();
    expect(flushed).toBe(false);
    answers[1]!();
    await flush;
    expect(flushed).toBe(true);
  });
});
