import type { Context, Span } from '@opentelemetry/api';
import { reportError } from '../diagnostics/report.js';
import type { FinishedSpan } from './finished-span.js';
import { callAsync } from '../internal/settle-within.js';
import type { SpanProcessor } from './span-processor.js';

/**
 * Several processors acting as one, in the order given. Each call is guarded separately, so one
 * throwing or rejecting processor neither breaks the application nor starves the others.
 * @internal The tracer provider composes its `spanProcessors` with it.
 */
export class MultiSpanProcessor implements SpanProcessor {
  readonly #processors: readonly SpanProcessor[];

  constructor(processors: readonly SpanProcessor[]) {
    this.#processors = processors.slice();
  }

  onStart(span: Span, parentContext: Context): void {
    for (const processor of this.#processors) {
      try {
        processor.onStart(span, parentContext);
      } catch (error) {
        reportError('processor.onStart', error);
      }
    }
  }

  onEnd(span: FinishedSpan): void {
    for (const processor of this.#processors) {
      try {
        processor.onEnd(span);
      } catch (error) {
        reportError('processor.onEnd', error);
      }
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.all(
      this.#processors.map((processor) =>
        callAsync(() => processor.forceFlush()).catch((error: unknown) => reportError('processor.forceFlush', error)),
      ),
    );
  }

  async shutdown(): Promise<void> {
    await Promise.all(
      this.#processors.map((processor) =>
        callAsync(() => processor.shutdown()).catch((error: unknown) => reportError('processor.shutdown', error)),
      ),
    );
  }
}
