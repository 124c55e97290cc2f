import type { Context, Span } from '@opentelemetry/api';
import type { FinishedSpan } from '../trace/finished-span.js';
import type { SpanProcessor } from '../trace/span-processor.js';

/**
 * A span processor for runtimes that end a request's work with its response (edge functions): when
 * a local root span ends (no parent, or a remote one: the request's span in this runtime), it flushes
 * the SDK and hands the flush to the request's `waitUntil`, so the export outlives the response. Where
 * no `waitUntil` is found, it does nothing and the batch processor exports on its schedule.
 *
 * @example
 * ```ts
 * const processor = new WaitUntilFlushProcessor(() => sdk.forceFlush(), () => requestContext.get()?.waitUntil);
 * ```
 */
export class WaitUntilFlushProcessor implements SpanProcessor {
  readonly #flush: () => Promise<void>;
  readonly #waitUntil: () => ((promise: Promise<unknown>) => void) | undefined;

  /** `flush` flushes the SDK (never rejects); `waitUntil` gives the current request's `waitUntil`, if any. */
  constructor(flush: () => Promise<void>, waitUntil: () => ((promise: Promise<unknown>) => void) | undefined) {
    this.#flush = flush;
    this.#waitUntil = waitUntil;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: FinishedSpan): void {
    const parent = span.parentSpanContext;
    if (parent !== undefined && parent.isRemote !== true) return;
    let waitUntil: ((promise: Promise<unknown>) => void) | undefined;
    try {
      waitUntil = this.#waitUntil();
    } catch {
      return;
    }
    if (waitUntil === undefined) return;
    // Queued after the other processors' onEnd (this one is added last), so the span is in the batch.
    const flush = Promise.resolve().then(this.#flush);
    try {
      waitUntil(flush);
    } catch {
      // A request already over: the batch processor's schedule still exports the span.
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
