import type { Context, Span } from '@opentelemetry/api';
import type { FinishedSpan } from './finished-span.js';

/**
 * Hooks called by the tracer provider as spans start and end.
 *
 * Contract: `onStart` and `onEnd` are called synchronously on the application's hot path and must not
 * block or throw (the provider guards them anyway). `forceFlush` and `shutdown` never reject: failures
 * go to the diagnostic logger. `shutdown` is idempotent.
 */
export interface SpanProcessor {
  /** A span started; `span` is still writable. `parentContext` is the context it was started in. */
  onStart(span: Span, parentContext: Context): void;
  /** A span ended; it is read-only from here on. Called for recording spans only. */
  onEnd(span: FinishedSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
