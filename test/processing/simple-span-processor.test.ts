
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

function setup(exporter: SpanExporter, options?: SimpleSpanProcessorOptions, sampler: Sampler = new AlwaysOnSampler()) {
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
});
