import type { Context, Span } from '@opentelemetry/api';
import type { SpanProcessor } from '../../processing/span-processor.js';
import type { FinishedSpan } from '../../trace/finished-span.js';

/** The request context edge runtimes publish on `globalThis` (Next.js, Vercel): `get()` gives the current request's. */
interface RequestContext {
  get(): { waitUntil?: (promise: Promise<unknown>) => void } | undefined;
}

/** Next.js's (`next start`, `next dev`, its edge sandbox) and Vercel's request contexts. */
const REQUEST_CONTEXT_SYMBOLS = [Symbol.for('@next/request-context'), Symbol.for('@vercel/request-context')];

/**
 * The current request's `waitUntil`, from the request context the runtime publishes on `globalThis`,
 * or `undefined` outside a request or where there is none. Never throws.
 *
 * @example
 * ```ts
 * currentWaitUntil()?.(flushPromise);
 * ```
 */
export function currentWaitUntil(): ((promise: Promise<unknown>) => void) | undefined {
  for (const symbol of REQUEST_CONTEXT_SYMBOLS) {
    try {
      const requestContext = (globalThis as Record<symbol, RequestContext | undefined>)[symbol];
      const waitUntil = requestContext?.get()?.waitUntil;
      if (typeof waitUntil === 'function') return waitUntil;
    } catch {
      // A runtime's context that cannot be read: try the next one.
    }
  }
  return undefined;
}

/**
 * A span processor for runtimes that end a request's work with its response (edge functions): when
 * a local root span ends (no parent, or a remote one: the request's span in this runtime), it flushes
 * the SDK and hands the flush to the request's `waitUntil`, so the export outlives the response. Where
 * no `waitUntil` is found, it does nothing and the batch processor exports on its schedule.
 *
 * @example
 * ```ts
 * const processor = new WaitUntilFlushProcessor(() => sdk.forceFlush());
 * ```
 */
export class WaitUntilFlushProcessor implements SpanProcessor {
  readonly #flush: () => Promise<void>;

  constructor(flush: () => Promise<void>) {
    this.#flush = flush;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: FinishedSpan): void {
    const parent = span.parentSpanContext;
    if (parent !== undefined && parent.isRemote !== true) return;
    const waitUntil = currentWaitUntil();
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
