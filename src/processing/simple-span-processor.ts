import { TraceFlags, type Context, type Span } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import type { SpanExporter } from '../export/span-exporter.js';
import type { FinishedSpan } from '../trace/finished-span.js';
import { callExporter, exportSpans } from './export-spans.js';
import type { SpanProcessor } from './span-processor.js';

/** Options of {@link SimpleSpanProcessor}. */
export interface SimpleSpanProcessorOptions {
  /** Longest wait for one export (and for the exporter's `forceFlush`/`shutdown`), in milliseconds; its signal is aborted then. Default 30000. */
  exportTimeoutMillis?: number;
  /** Most ended spans waiting for their export; more are dropped and counted in `droppedSpansCount`. Default 2048. */
  maxQueueSize?: number;
}

const DEFAULT_EXPORT_TIMEOUT_MILLIS = 30_000;
const DEFAULT_MAX_QUEUE_SIZE = 2048;

/**
 * Exports each sampled span as it ends, one export at a time (exports are chained, never overlap).
 * Meant for tests, development and exporters that batch themselves; use {@link BatchSpanProcessor} in
 * production. `forceFlush` resolves once every pending export has finished.
 *
 * @example
 * ```ts
 * const exporter = new InMemorySpanExporter();
 * const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * ```
 */
export class SimpleSpanProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter;
  readonly #exportTimeoutMillis: number;
  readonly #maxQueueSize: number;
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #dropped = 0;
  #shutdown: Promise<void> | undefined;

  constructor(exporter: SpanExporter, options: SimpleSpanProcessorOptions = {}) {
    this.#exporter = exporter;
    this.#exportTimeoutMillis = positive(options?.exportTimeoutMillis, DEFAULT_EXPORT_TIMEOUT_MILLIS, 'exportTimeoutMillis');
    this.#maxQueueSize = positive(options?.maxQueueSize, DEFAULT_MAX_QUEUE_SIZE, 'maxQueueSize');
  }

  /** Spans dropped because `maxQueueSize` exports were already waiting. */
  get droppedSpansCount(): number {
    return this.#dropped;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: FinishedSpan): void {
    if (this.#shutdown !== undefined || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#pending >= this.#maxQueueSize) {
      this.#dropped++;
      warnOnce('SimpleSpanProcessor dropped spans: too many exports were waiting (see droppedSpansCount).');
      return;
    }
    this.#pending++;
    this.#tail = this.#tail.then(() => this.#exportOne(span));
  }

  /** Resolves once every span ended so far has been exported (or given up on) and the exporter has flushed. */
  async forceFlush(): Promise<void> {
    await this.#tail;
    await callExporter(this.#exporter, 'forceFlush', this.#exportTimeoutMillis);
  }

  /** Flushes, then shuts the exporter down. Idempotent: later calls return the first call's promise. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      await this.#tail;
      await callExporter(this.#exporter, 'shutdown', this.#exportTimeoutMillis);
    })();
    return this.#shutdown;
  }

  async #exportOne(span: FinishedSpan): Promise<void> {
    await exportSpans(this.#exporter, [span], this.#exportTimeoutMillis);
    this.#pending--;
  }

}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value > 0 && (Number.isInteger(value) || value === Infinity)) return value;
  warnOnce(`SimpleSpanProcessor option ${name}=${String(value)} is not a positive integer; using ${fallback}.`);
  return fallback;
}
