import type { FinishedSpan } from '../trace/finished-span.js';
import { ExportResultCode, type ExportResult, type SpanExporter } from './span-exporter.js';

const SUCCESS: ExportResult = Object.freeze({ code: ExportResultCode.SUCCESS });
const SHUT_DOWN: ExportResult = Object.freeze({
  code: ExportResultCode.FAILED,
  error: new Error('the InMemorySpanExporter has been shut down'),
});

/**
 * Keeps exported spans in memory, for tests and examples. Spans accumulate until {@link reset} (they
 * are not bounded: do not use it in production). After `shutdown()` it keeps nothing more and `export`
 * fails.
 *
 * @example
 * ```ts
 * const exporter = new InMemorySpanExporter();
 * const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * provider.getTracer('test').startSpan('work').end();
 * await provider.forceFlush();
 * exporter.getFinishedSpans()[0].name; // 'work'
 * ```
 */
export class InMemorySpanExporter implements SpanExporter {
  #spans: FinishedSpan[] = [];
  #stopped = false;

  export(spans: readonly FinishedSpan[]): Promise<ExportResult> {
    if (this.#stopped) return Promise.resolve(SHUT_DOWN);
    for (const span of spans) this.#spans.push(span);
    return Promise.resolve(SUCCESS);
  }

  /** The spans exported so far (since the last {@link reset}), oldest first. A copy. */
  getFinishedSpans(): FinishedSpan[] {
    return this.#spans.slice();
  }

  /** Forgets the spans exported so far. */
  reset(): void {
    this.#spans = [];
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Stops collecting; the spans kept so far stay readable until {@link reset}. */
  shutdown(): Promise<void> {
    this.#stopped = true;
    return Promise.resolve();
  }
}
