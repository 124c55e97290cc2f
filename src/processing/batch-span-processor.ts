import type { Context, Span } from '@opentelemetry/api';
import { readEnvironmentVariable, type EnvironmentSource } from '../config/environment-variable.js';
import { readIntegerVariable } from '../config/typed-variables.js';
import { reportError, warnOnce } from '../diagnostics/report.js';
import type { CallbackSpanExporter } from '../export/callback-span-exporter.js';
import { EXPORT_SUCCESS } from '../export/export-result-code-values.js';
import type { SpanExporter } from '../export/span-exporter.js';
import { TRACE_FLAGS_SAMPLED } from '../internal/api-enum-values.js';
import type { FinishedSpan } from '../trace/finished-span.js';
import { RecordingSpan } from '../trace/span.js';
import { callExporter, exportSpans } from './export-spans.js';
import type { SpanProcessor } from '../trace/span-processor.js';
import { exportsUnsampledSpans } from './unsampled-spans.js';

/**
 * Options of {@link BatchSpanProcessor}. Each unset option comes from its `OTEL_BSP_*` variable, then
 * from the spec's default.
 */
export interface BatchSpanProcessorOptions {
  /** Most spans waiting for export; when full, newly ended spans are dropped and counted. `OTEL_BSP_MAX_QUEUE_SIZE`; default 2048. */
  maxQueueSize?: number;
  /** Most spans in one export; a full batch is exported at once. At most `maxQueueSize`. `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`; default 512. */
  maxExportBatchSize?: number;
  /**
   * Longest time, in milliseconds, an ended span waits before its (partial) batch is exported; 0 exports as
   * soon as possible. `OTEL_BSP_SCHEDULE_DELAY`; default 5000.
   */
  scheduledDelayMillis?: number;
  /**
   * Longest wait for one export, in milliseconds; then its signal is aborted and the processor moves on.
   * `OTEL_BSP_EXPORT_TIMEOUT`; default 30000.
   */
  exportTimeoutMillis?: number;
  /**
   * Longest time, in milliseconds, the end of the process is held while the spans still pending (queued,
   * or in an export that has not finished) are sent synchronously from the `exit` event: after
   * `process.exit()`, an uncaught exception or an unhandled rejection, when no asynchronous export can
   * run any more. Only exporters that can send synchronously take part (`OTLPTraceExporter` on Node: one
   * attempt per request, from a worker thread). The exit code and signal are unchanged. 0 disables it.
   * Default 2000. Read (and checked) only where the platform exports at exit: Node.js, Bun and Deno.
   */
  exportAtExitTimeoutMillis?: number;
}

/** The default of {@link BatchSpanProcessorOptions.exportAtExitTimeoutMillis}, in milliseconds. */
export const DEFAULT_EXPORT_AT_EXIT_TIMEOUT_MILLIS = 2000;

/** The batch settings in force, every field set. */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/** The spec's batch span processor defaults. */
export const DEFAULT_BATCH: Readonly<BatchSettings> = Object.freeze({
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30000,
});

/**
 * The `OTEL_BSP_*` variables over {@link DEFAULT_BATCH}. An invalid value, or a batch size above the
 * queue size, gives one warning and its fallback.
 *
 * @example
 * ```ts
 * // OTEL_BSP_SCHEDULE_DELAY=1000
 * readBatchEnvironment().scheduledDelayMillis; // 1000
 * ```
 */
export function readBatchEnvironment(environment: EnvironmentSource = readEnvironmentVariable): BatchSettings {
  const d = DEFAULT_BATCH;
  const maxQueueSize = readIntegerVariable(environment, 'OTEL_BSP_MAX_QUEUE_SIZE', d.maxQueueSize, 1);
  let maxExportBatchSize = readIntegerVariable(environment, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', d.maxExportBatchSize, 1);
  if (maxExportBatchSize > maxQueueSize) {
    warnOnce(`OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} exceeds the queue size ${maxQueueSize}; using ${maxQueueSize}.`);
    maxExportBatchSize = maxQueueSize;
  }
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis: readIntegerVariable(environment, 'OTEL_BSP_SCHEDULE_DELAY', d.scheduledDelayMillis, 0),
    exportTimeoutMillis: readIntegerVariable(environment, 'OTEL_BSP_EXPORT_TIMEOUT', d.exportTimeoutMillis, 1),
  };
}

/** Reads `OTEL_BSP_*` ({@link readBatchEnvironment}), where there is an environment. */
let batchFromEnvironment: (() => BatchSettings) | undefined;

/**
 * Makes `BatchSpanProcessor` take its defaults from `read` ({@link readBatchEnvironment}). Called by the
 * entry points of runtimes that have an environment (src/environment-readers.ts); the browser entry
 * does not, so a page bundles no `OTEL_BSP_*` parsing.
 * @internal
 *
 * @example
 * ```ts
 * useBatchEnvironment(() => readBatchEnvironment());
 * ```
 */
export function useBatchEnvironment(read: (() => BatchSettings) | undefined): void {
  batchFromEnvironment = read;
}

/**
 * Where a processor registers to send at exit (`processing/batch-exit-export.ts`, which the Node entry
 * installs): `register` checks `options.exportAtExitTimeoutMillis` and the exporter, and at exit sends
 * what `take` hands over (the processor's exporter, its unfinished export and its queue, which it then
 * counts as taken), counting a failed send through `failed`. Returns how to unregister, if registered.
 */
export interface ExitRegistry {
  register(
    processor: BatchSpanProcessor,
    exporter: SpanExporter | CallbackSpanExporter,
    options: BatchSpanProcessorOptions,
    take: (processor: BatchSpanProcessor) => PendingAtExit,
    failed: (processor: BatchSpanProcessor, count: number) => void,
  ): (() => void) | undefined;
}

/** What a processor holds at exit: its exporter, the batch of its unfinished export, its queue. */
export type PendingAtExit = readonly [
  exporter: SpanExporter | CallbackSpanExporter,
  exporting: readonly FinishedSpan[] | undefined,
  queue: readonly FinishedSpan[],
];

/** Where the platform exports at exit, its registry (see {@link useExitRegistry}). */
let exitRegistry: ExitRegistry | undefined;

/**
 * Makes every `BatchSpanProcessor` built from now on whose exporter can send at exit register itself
 * in `registry`, so that the platform's `exit` listener sends what is pending. Called by the Node entry
 * point (also Bun's and Deno's base), whose platform runs that listener; the web entries do not, so a
 * page bundles none of it.
 * @internal
 *
 * @example
 * ```ts
 * useExitRegistry(batchExitRegistry);
 * ```
 */
export function useExitRegistry(registry: ExitRegistry | undefined): void {
  exitRegistry = registry;
}

/**
 * Collects sampled spans as they end and exports them in batches: as soon as `maxExportBatchSize`
 * spans are waiting, or `scheduledDelayMillis` after the first one of a partial batch arrived. The
 * queue is bounded: when it holds `maxQueueSize` spans, newly ended spans are dropped, counted in
 * {@link BatchSpanProcessor.droppedSpansCount} and warned about once. Exports never overlap, each is
 * bounded by `exportTimeoutMillis`, and each runs with tracing suppressed. Timers are `unref`'d, so a
 * waiting batch never keeps the process alive: call `shutdown()` (or `forceFlush()`) before exiting.
 * What is still pending when the process exits anyway is sent synchronously from the `exit` event, when
 * the exporter can (see `exportAtExitTimeoutMillis`).
 * Exporters of both contracts are accepted: otelite's promise-returning ones and opentelemetry-js's
 * callback ones (see {@link CallbackSpanExporter}).
 *
 * @example
 * ```ts
 * const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
 * const provider = new TracerProvider({ spanProcessors: [processor] });
 * // ... on exit:
 * await provider.shutdown();
 * ```
 */
export class BatchSpanProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter | CallbackSpanExporter;
  readonly #maxQueueSize: number;
  readonly #maxExportBatchSize: number;
  readonly #scheduledDelayMillis: number;
  readonly #exportTimeoutMillis: number;
  #queue: FinishedSpan[] = [];
  /** Spans ever accepted into the queue, and spans ever taken out of it for export. */
  #accepted = 0;
  #taken = 0;
  #dropped = 0;
  #failed = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** All export work, chained so that exports never overlap; never rejects. */
  #chain: Promise<void> = Promise.resolve();
  #fullBatchQueued = false;
  #isShutdown = false;
  #shutdown: Promise<void> | undefined;
  /** The batch of the export running now (its spans are sent again at exit if it has not finished). */
  #exporting: FinishedSpan[] | undefined;
  #unregisterAtExit: (() => void) | undefined;

  constructor(exporter: SpanExporter | CallbackSpanExporter, options: BatchSpanProcessorOptions = {}) {
    this.#exporter = exporter;
    const settings = resolveBatchSettings(batchFromEnvironment?.() ?? DEFAULT_BATCH, options);
    this.#maxQueueSize = settings.maxQueueSize;
    this.#maxExportBatchSize = settings.maxExportBatchSize;
    this.#scheduledDelayMillis = settings.scheduledDelayMillis;
    this.#exportTimeoutMillis = settings.exportTimeoutMillis;
    this.#unregisterAtExit = exitRegistry?.register(
      this,
      exporter,
      options,
      BatchSpanProcessor.#takeAtExit,
      BatchSpanProcessor.#failedAtExit,
    );
  }

  /** Hands over what is pending (the process is exiting): the queue counts as taken, the export as over. */
  static #takeAtExit(processor: BatchSpanProcessor): PendingAtExit {
    const pending = [processor.#exporter, processor.#exporting, processor.#queue] as const;
    processor.#taken += processor.#queue.length;
    processor.#exporting = undefined;
    processor.#queue = [];
    return pending;
  }

  static #failedAtExit(processor: BatchSpanProcessor, count: number): void {
    processor.#failed += count;
  }

  /** How many ended spans were dropped because the queue was full, since this processor was built. */
  get droppedSpansCount(): number {
    return this.#dropped;
  }

  /** How many spans were handed to the exporter in exports that failed (after the exporter's own retries). */
  get failedSpansCount(): number {
    return this.#failed;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: FinishedSpan): void {
    if (this.#isShutdown || ((RecordingSpan.traceFlagsOf(span) & TRACE_FLAGS_SAMPLED) === 0 && !exportsUnsampledSpans(this))) return;
    const queue = this.#queue;
    if (queue.length >= this.#maxQueueSize) {
      this.#dropped++;
      warnOnce('BatchSpanProcessor dropped spans because its queue was full (see droppedSpansCount).');
      return;
    }
    queue.push(span);
    this.#accepted++;
    this.#schedule();
  }

  /**
   * Chains the export of the full batches. A method of its own, so that `onEnd`, which runs for every
   * span, makes no closure (a function context per call) for the one span in a batch that needs it.
   */
  #queueFullBatches(): void {
    this.#fullBatchQueued = true;
    this.#enqueue(() => this.#exportFullBatches());
  }

  /**
   * Exports every span that ended before the call (in batches of `maxExportBatchSize`), then flushes
   * the exporter. Resolves once done or given up on; never rejects.
   */
  forceFlush(): Promise<void> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    return this.#flush();
  }

  /**
   * Stops accepting spans, exports everything pending, then shuts the exporter down. Idempotent: later
   * calls return the first call's promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#shutdownOnce();
    return this.#shutdown;
  }

  async #shutdownOnce(): Promise<void> {
    this.#isShutdown = true;
    await this.#flush();
    this.#unregisterAtExit?.();
    await callExporter(this.#exporter, 'shutdown', this.#exportTimeoutMillis);
  }

  #flush(): Promise<void> {
    this.#clearTimer();
    const target = this.#accepted;
    return this.#enqueue(async () => {
      while (this.#taken < target && this.#queue.length > 0) await this.#exportBatch();
      await callExporter(this.#exporter, 'forceFlush', this.#exportTimeoutMillis);
    });
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(work).then(
      () => this.#afterWork(),
      (error: unknown) => {
        reportError('BatchSpanProcessor', error);
        this.#afterWork();
      },
    );
    this.#chain = next;
    return next;
  }

  async #exportFullBatches(): Promise<void> {
    while (this.#queue.length >= this.#maxExportBatchSize) await this.#exportBatch();
    this.#fullBatchQueued = false;
  }

  async #exportOnSchedule(): Promise<void> {
    if (this.#queue.length > 0) await this.#exportBatch();
  }

  #afterWork(): void {
    if (this.#queue.length > 0 && !this.#isShutdown) this.#schedule();
  }

  /** Exports the full batches now, or starts the timer for a partial one. */
  #schedule(): void {
    if (this.#queue.length >= this.#maxExportBatchSize) {
      if (!this.#fullBatchQueued) this.#queueFullBatches();
    } else if (this.#timer === undefined) {
      this.#startTimer();
    }
  }

  #startTimer(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue(() => this.#exportOnSchedule());
    }, this.#scheduledDelayMillis);
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Takes up to one batch off the front of the queue and exports it. */
  async #exportBatch(): Promise<void> {
    // Spliced off, never the queue itself with a new `[]` in its place: V8 starts a literal's array as
    // small integers, so `onEnd`'s first push into it would change its kind, which throws the optimized
    // `onEnd` (and `span.end()`, where it is inlined) back to baseline code for thousands of spans.
    const batch = this.#queue.splice(0, this.#maxExportBatchSize);
    this.#taken += batch.length;
    this.#exporting = batch;
    const result = await exportSpans(this.#exporter, batch, this.#exportTimeoutMillis);
    if (this.#exporting !== batch) return; // sent at exit meanwhile
    this.#exporting = undefined;
    if (result.code !== EXPORT_SUCCESS) this.#failed += batch.length;
  }
}

/**
 * Defaults, then the environment, then `options`, then validation: each option that is set (not
 * `undefined`) and valid replaces the environment's value; a bad option is ignored with a warning.
 */
function resolveBatchSettings(environment: BatchSettings, options: BatchSpanProcessorOptions): BatchSettings {
  const settings = { ...environment };
  const given = options !== null && typeof options === 'object' ? options : {};
  const check = (name: keyof BatchSettings, allowZero: boolean): void => {
    const value = given[name];
    if (value === undefined) return;
    if (typeof value === 'number' && Number.isInteger(value) && (allowZero ? value >= 0 : value > 0)) {
      settings[name] = value;
    } else {
      warnOnce(
        `BatchSpanProcessor option ${name}=${String(value)} is not a ${allowZero ? 'non-negative' : 'positive'} ` +
          `integer; using ${settings[name]}.`,
      );
    }
  };
  check('maxQueueSize', false);
  check('maxExportBatchSize', false);
  check('scheduledDelayMillis', true);
  check('exportTimeoutMillis', false);
  if (settings.maxExportBatchSize > settings.maxQueueSize) {
    warnOnce(
      `BatchSpanProcessor maxExportBatchSize=${settings.maxExportBatchSize} exceeds maxQueueSize=${settings.maxQueueSize}; ` +
        `using ${settings.maxQueueSize}.`,
    );
    settings.maxExportBatchSize = settings.maxQueueSize;
  }
  return settings;
}
