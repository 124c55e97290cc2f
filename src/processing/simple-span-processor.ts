import { TraceFlags, type Context, type Span } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import type { CallbackSpanExporter } from '../export/callback-span-exporter.js';
import type { SpanExporter } from '../export/span-exporter.js';
import type { FinishedSpan } from '../trace/finished-span.js';
import { RecordingSpan } from '../trace/span.js';
import { callExporter, exportSpans } from './export-spans.js';
import type { SpanProcessor } from '../trace/span-processor.js';
import { exportsUnsampledSpans } from './unsampled-spans.js';

/** Options of {@link SimpleSpanProcessor}. */
export interface SimpleSpanProcessorOptions {
  /**
   * Longest wait for one export (and for the exporter's `forceFlush`/`shutdown`), in milliseconds; its signal
   * is aborted then. Default 30000.
   */
  exportTimeoutMillis?: number;
  /** Most ended spans whose export has not finished yet; more are dropped and counted in `droppedSpansCount`. Default 2048. */
  maxQueueSize?: number;
}

const DEFAULT_EXPORT_TIMEOUT_MILLIS = 30_000;
const DEFAULT_MAX_QUEUE_SIZE = 2048;

/**
 * Exports each sampled span as it ends. The span reaches the exporter synchronously, inside `onEnd`, so
 * `span.end()` followed by `exporter.getFinishedSpans()` sees it, with otelite's `InMemorySpanExporter`
 * and with opentelemetry-js's alike. Exporters of both contracts are accepted (see
 * {@link CallbackSpanExporter}).
 *
 * Exports never overlap: while one is in flight, spans that end wait (at most `maxQueueSize`, counted
 * in `droppedSpansCount` beyond) and go to the exporter together as soon as it has answered. The one
 * exception is an exporter that keeps spans in memory for inspection, recognised by its
 * `getFinishedSpans()` method: it only appends, so every span is handed to it inside its own `onEnd`,
 * whatever is still in flight. `forceFlush` resolves once every span ended before the call has been
 * exported (or given up on) and the exporter has flushed. Meant for tests, development and exporters
 * that batch themselves; use {@link BatchSpanProcessor} in production.
 *
 * @example
 * ```ts
 * const exporter = new InMemorySpanExporter();
 * const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * provider.getTracer('test').startSpan('work').end();
 * exporter.getFinishedSpans()[0].name; // 'work', at once
 * ```
 */
export class SimpleSpanProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter | CallbackSpanExporter;
  readonly #exportTimeoutMillis: number;
  readonly #maxQueueSize: number;
  /** Whether the exporter keeps spans in memory (has `getFinishedSpans`), so exports may overlap. */
  readonly #appendsOnly: boolean;
  /** Spans that ended while an export was in flight, waiting for the next one. */
  #waiting: FinishedSpan[] = [];
  #inFlight = false;
  /** Spans accepted (handed over or waiting) and spans whose export has finished, ever. */
  #accepted = 0;
  #finished = 0;
  /** `forceFlush` calls waiting for `#finished` to reach their target, in order of target. */
  #flushWaiters: Array<{ target: number; resolve: () => void }> = [];
  #dropped = 0;
  #shutdown: Promise<void> | undefined;

  constructor(exporter: SpanExporter | CallbackSpanExporter, options: SimpleSpanProcessorOptions = {}) {
    this.#exporter = exporter;
    this.#exportTimeoutMillis = positive(options?.exportTimeoutMillis, DEFAULT_EXPORT_TIMEOUT_MILLIS, 'exportTimeoutMillis');
    this.#maxQueueSize = positive(options?.maxQueueSize, DEFAULT_MAX_QUEUE_SIZE, 'maxQueueSize');
    this.#appendsOnly = typeof (exporter as { getFinishedSpans?: unknown } | null)?.getFinishedSpans === 'function';
  }

  /** Spans dropped because `maxQueueSize` spans were already waiting for their export. */
  get droppedSpansCount(): number {
    return this.#dropped;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: FinishedSpan): void {
    if (this.#shutdown !== undefined || ((RecordingSpan.traceFlagsOf(span) & TraceFlags.SAMPLED) === 0 && !exportsUnsampledSpans(this)))
      return;
    if (this.#accepted - this.#finished >= this.#maxQueueSize) {
      this.#dropped++;
      warnOnce('SimpleSpanProcessor dropped spans: too many exports were waiting (see droppedSpansCount).');
      return;
    }
    this.#accepted++;
    if (this.#appendsOnly) {
      void exportSpans(this.#exporter, [span], this.#exportTimeoutMillis).then(() => this.#exported(1));
    } else if (this.#inFlight) {
      this.#waiting.push(span);
    } else {
      this.#export([span]);
    }
  }

  /** Resolves once every span ended so far has been exported (or given up on) and the exporter has flushed. */
  async forceFlush(): Promise<void> {
    await this.#exportsUpTo(this.#accepted);
    await callExporter(this.#exporter, 'forceFlush', this.#exportTimeoutMillis);
  }

  /** Flushes, then shuts the exporter down. Idempotent: later calls return the first call's promise. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      await this.#exportsUpTo(this.#accepted);
      await callExporter(this.#exporter, 'shutdown', this.#exportTimeoutMillis);
    })();
    return this.#shutdown;
  }

  /** Starts one export now (the exporter's `export` runs before this returns). */
  #export(spans: FinishedSpan[]): void {
    this.#inFlight = true;
    void exportSpans(this.#exporter, spans, this.#exportTimeoutMillis).then(() => {
      this.#inFlight = false;
      const waiting = this.#waiting;
      if (waiting.length > 0) {
        this.#waiting = [];
        this.#export(waiting);
      }
      this.#exported(spans.length);
    });
  }

  #exported(count: number): void {
    this.#finished += count;
    const waiters = this.#flushWaiters;
    while (waiters.length > 0 && waiters[0].target <= this.#finished) waiters.shift()!.resolve();
  }

  #exportsUpTo(target: number): Promise<void> {
    if (this.#finished >= target) return Promise.resolve();
    return new Promise<void>((resolve) => this.#flushWaiters.push({ target, resolve }));
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value > 0 && (Number.isInteger(value) || value === Infinity)) return value;
  warnOnce(`SimpleSpanProcessor option ${name}=${String(value)} is not a positive integer; using ${fallback}.`);
  return fallback;
}
