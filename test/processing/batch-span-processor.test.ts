import { context } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AlwaysOnSampler,
  AsyncLocalStorageContextManager,
  BatchSpanProcessor,
  ExportResultCode,
  SamplingDecision,
  TracerProvider,
  isTracingSuppressed,
  type BatchSpanProcessorOptions,
  type ExportOptions,
  type ExportResult,
  type FinishedSpan,
  type CallbackExportResult,
  type CallbackSpanExporter,
  type Sampler,
  type SpanExporter,
} from '../../src/index.js';
import { captureDiagEachTest } from '../support/diag-capture.js';
import { throwingContextManager } from '../support/global-context-manager.js';

const warnings = captureDiagEachTest();

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** An exporter that records every call; each export waits for `release()` when `manual` is set. */
class RecordingExporter implements SpanExporter {
  batches: string[][] = [];
  signals: AbortSignal[] = [];
  suppressed: boolean[] = [];
  active = 0;
  maxActive = 0;
  shutdowns = 0;
  flushes = 0;
  #waiting: Array<() => void> = [];

  constructor(readonly mode: 'instant' | 'manual' | 'hang' = 'instant') {}

  export(spans: readonly FinishedSpan[], options?: ExportOptions): Promise<ExportResult> {
    this.batches.push(spans.map((span) => span.name));
    if (options?.signal) this.signals.push(options.signal);
    this.suppressed.push(isTracingSuppressed(context.active()));
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const done = (): ExportResult => {
      this.active--;
      return { code: ExportResultCode.SUCCESS };
    };
    if (this.mode === 'instant') return Promise.resolve(done());
    if (this.mode === 'hang') return new Promise(() => {});
    return new Promise((resolve) => this.#waiting.push(() => resolve(done())));
  }

  release(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }

  get exported(): number {
    return this.batches.reduce((sum, batch) => sum + batch.length, 0);
  }

  forceFlush(): Promise<void> {
    this.flushes++;
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }
}

function setup(options: BatchSpanProcessorOptions, exporter = new RecordingExporter(), sampler: Sampler = new AlwaysOnSampler()) {
  const processor = new BatchSpanProcessor(exporter, options);
  const provider = new TracerProvider({ sampler, spanProcessors: [processor] });
  const tracer = provider.getTracer('bsp-test');
  let n = 0;
  const endSpans = (count: number): void => {
    for (let i = 0; i < count; i++) tracer.startSpan(`s${n++}`).end();
  };
  return { exporter, processor, provider, endSpans };
}

describe('BatchSpanProcessor', () => {
  it('exports a partial batch once the scheduled delay has passed', async () => {
    const { exporter, endSpans } = setup({ scheduledDelayMillis: 1000, maxExportBatchSize: 10 });
    endSpans(3);
    await vi.advanceTimersByTimeAsync(999);
    expect(exporter.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.batches).toEqual([['s0', 's1', 's2']]);
    endSpans(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exporter.batches).toEqual([['s0', 's1', 's2'], ['s3']]);
  });

  it('exports a full batch at once, without waiting for the delay', async () => {
    const { exporter, endSpans } = setup({ scheduledDelayMillis: 60_000, maxExportBatchSize: 3 });
    endSpans(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(exporter.batches).toEqual([
      ['s0', 's1', 's2'],
      ['s3', 's4', 's5'],
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exporter.batches[2]).toEqual(['s6']);
  });

  it('hands every export an array of its own, which spans ending later never change', async () => {
    const held: Array<readonly FinishedSpan[]> = [];
    const exporter = new RecordingExporter();
    const holding: SpanExporter = {
      export(spans, options) {
        held.push(spans);
        return exporter.export(spans, options);
      },
      shutdown: () => exporter.shutdown(),
    };
    const { endSpans, provider } = setup({ scheduledDelayMillis: 1000, maxExportBatchSize: 3 }, holding as RecordingExporter);
    endSpans(4); // a full batch at once, one span left in the queue
    await vi.advanceTimersByTimeAsync(0);
    endSpans(1);
    await vi.advanceTimersByTimeAsync(1000); // the partial batch of the two
    endSpans(3);
    await vi.advanceTimersByTimeAsync(0);
    await provider.forceFlush();
    expect(held.map((batch) => batch.map((span) => span.name))).toEqual([
      ['s0', 's1', 's2'],
      ['s3', 's4'],
      ['s5', 's6', 's7'],
    ]);
    expect(new Set(held).size).toBe(3);
  });

  it('drops the newest spans when the queue is full, counts them and warns once', async () => {
    const exporter = new RecordingExporter('manual');
    const { processor, endSpans } = setup({ maxQueueSize: 4, maxExportBatchSize: 2, scheduledDelayMillis: 60_000 }, exporter);
    endSpans(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(exporter.batches).toEqual([['s0', 's1']]);
    endSpans(7); // s2..s5 fill the queue while the first export waits; s6..s8 are dropped
    expect(processor.droppedSpansCount).toBe(3);
    expect(warnings.filter((message) => message.includes('queue was full'))).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      exporter.release();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(exporter.batches).toEqual([
      ['s0', 's1'],
      ['s2', 's3'],
      ['s4', 's5'],
    ]);
  });

  it('never runs two exports at once, even with a slow exporter', async () => {
    const exporter = new RecordingExporter('manual');
    const { processor, endSpans } = setup({ maxExportBatchSize: 2, scheduledDelayMillis: 10 }, exporter);
    endSpans(5);
    const flushed = processor.forceFlush();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(20);
      expect(exporter.active).toBeLessThanOrEqual(1);
      exporter.release();
    }
    await flushed;
    expect(exporter.maxActive).toBe(1);
    expect(exporter.exported).toBe(5);
  });

  it('forceFlush exports everything pending in batches, then flushes the exporter, then resolves', async () => {
    const { exporter, processor, endSpans } = setup({ maxExportBatchSize: 4, maxQueueSize: 100, scheduledDelayMillis: 60_000 });
    endSpans(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(exporter.batches).toEqual([]);
    endSpans(7);
    await processor.forceFlush();
    expect(exporter.exported).toBe(10);
    expect(exporter.batches.every((batch) => batch.length <= 4)).toBe(true);
    expect(exporter.flushes).toBe(1);
  });

  it('shutdown flushes once, shuts the exporter down once, returns the same promise and then ignores spans', async () => {
    const { exporter, processor, endSpans } = setup({ scheduledDelayMillis: 60_000 });
    endSpans(2);
    const first = processor.shutdown();
    const second = processor.shutdown();
    expect(second).toBe(first);
    await first;
    await processor.shutdown();
    await processor.forceFlush();
    expect(exporter.batches).toEqual([['s0', 's1']]);
    expect(exporter.shutdowns).toBe(1);
    endSpans(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(exporter.exported).toBe(2);
  });

  it('gives up on an export after exportTimeoutMillis, aborting its signal, and moves on', async () => {
    const exporter = new RecordingExporter('hang');
    const { processor, endSpans } = setup({ exportTimeoutMillis: 1000, scheduledDelayMillis: 60_000, maxExportBatchSize: 1 }, exporter);
    endSpans(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(exporter.batches).toEqual([['s0']]);
    expect(exporter.signals[0].aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exporter.signals[0].aborted).toBe(true);
    expect(exporter.batches).toEqual([['s0'], ['s1']]);
    const flushed = processor.forceFlush();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(flushed).resolves.toBeUndefined();
    expect(warnings.some((message) => message.includes('did not finish within 1000 ms'))).toBe(true);
  });

  it('exports only sampled spans', async () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };
    const { exporter, processor, endSpans } = setup({}, new RecordingExporter(), recordOnly);
    endSpans(3);
    await processor.forceFlush();
    expect(exporter.batches).toEqual([]);
  });

  it('exports with tracing suppressed', async () => {
    const { exporter, processor, endSpans } = setup({});
    endSpans(1);
    await processor.forceFlush();
    expect(exporter.suppressed).toEqual([true]);
  });

  it('exports without the global context manager when it throws, and reports it', async () => {
    const exported: string[] = [];
    const exporter: SpanExporter = {
      export: (spans) => {
        exported.push(...spans.map((span) => span.name));
        return Promise.resolve({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    const { processor, endSpans } = setup({}, exporter as RecordingExporter);
    endSpans(2);
    context.disable();
    const broken = new Error('no active context here');
    context.setGlobalContextManager(throwingContextManager(broken));
    try {
      await expect(processor.forceFlush()).resolves.toBeUndefined();
    } finally {
      context.disable();
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    }
    expect(exported).toEqual(['s0', 's1']);
    expect(warnings).toContainEqual(expect.stringMatching(/context manager failed \(exporting without it\): .*no active context here/));
  });

  it('takes its settings from OTEL_BSP_* when options leave them unset', async () => {
    vi.stubEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '2');
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '100');
    const { exporter, endSpans } = setup({});
    endSpans(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(exporter.batches).toEqual([['s0', 's1']]);
    await vi.advanceTimersByTimeAsync(100);
    expect(exporter.batches).toEqual([['s0', 's1'], ['s2']]);
  });

  it('ignores invalid options with a warning and caps the batch at the queue size', async () => {
    const { exporter, endSpans } = setup({
      maxQueueSize: 3,
      maxExportBatchSize: 10,
      scheduledDelayMillis: -5,
      exportTimeoutMillis: Number.NaN,
    });
    expect(warnings.some((message) => message.includes('scheduledDelayMillis=-5'))).toBe(true);
    expect(warnings.some((message) => message.includes('exportTimeoutMillis=NaN'))).toBe(true);
    expect(warnings.some((message) => message.includes('exceeds maxQueueSize=3'))).toBe(true);
    endSpans(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(exporter.batches).toEqual([['s0', 's1', 's2']]);
  });

  it('survives an exporter that throws or rejects', async () => {
    const exporter: SpanExporter = {
      export: () => {
        throw new Error('exporter bug');
      },
      shutdown: () => Promise.reject(new Error('shutdown bug')),
      forceFlush: () => {
        throw new Error('flush bug');
      },
    };
    const { processor, endSpans } = setup({ maxExportBatchSize: 1 }, exporter as RecordingExporter);
    endSpans(2);
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
    expect(warnings.some((message) => message.includes('exporter bug'))).toBe(true);
  });

  it("takes a callback exporter (opentelemetry-js's contract) without forceFlush or shutdown, counting FAILED results", async () => {
    const batches: string[][] = [];
    const suppressed: boolean[] = [];
    const exporter: CallbackSpanExporter = {
      export(spans: never[], resultCallback: (result: CallbackExportResult) => void): void {
        batches.push((spans as FinishedSpan[]).map((span) => span.name));
        suppressed.push(isTracingSuppressed(context.active()));
        const failed = batches.length === 2;
        setTimeout(() => resultCallback(failed ? { code: 1, error: new Error('quota exceeded') } : { code: 0 }), 10);
      },
    };
    const processor = new BatchSpanProcessor(exporter, { maxExportBatchSize: 2, scheduledDelayMillis: 1000 });
    const tracer = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [processor] }).getTracer('callback');
    for (const name of ['a', 'b', 'c', 'd', 'e']) tracer.startSpan(name).end();
    const flushed = processor.forceFlush();
    await vi.advanceTimersByTimeAsync(100);
    await flushed;
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(suppressed).toEqual([true, true, true]);
    expect(processor.failedSpansCount).toBe(2);
    expect(warnings.some((message) => message.includes('quota exceeded'))).toBe(true);
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });
});
