import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { Resource } from '../resource/resource.js';
import type { InstrumentationScope } from './instrumentation-scope.js';

/**
 * An event recorded on a span. `timeNanos` is in clock nanoseconds (see {@link FinishedSpan}); `time` is
 * the same instant as an epoch `HrTime`, as opentelemetry-js's `TimedEvent` has it.
 */
export interface SpanEvent {
  readonly name: string;
  /** When the event happened, in clock nanoseconds (see {@link FinishedSpan}). */
  readonly timeNanos: number;
  /** When the event happened, as epoch `[seconds, nanoseconds]`, computed on access. */
  readonly time: HrTime;
  readonly attributes: Attributes;
  /** Attributes dropped by the per-event limit. */
  readonly droppedAttributesCount: number;
}

/** A link recorded on a span, with the attributes that survived the per-link limit. */
export interface SpanLink extends Link {
  readonly attributes: Attributes;
  /** Attributes dropped by the per-link limit. */
  readonly droppedAttributesCount: number;
}

/**
 * The read-only view of an ended span that processors and exporters receive.
 *
 * It offers everything opentelemetry-js's `ReadableSpan` (sdk-trace-base 2.x) offers, under the same
 * names, so its exporters and processors read it unchanged. Times are also kept natively: `startTimeNanos`,
 * `endTimeNanos` and each event's `timeNanos` are plain numbers of
 * *clock nanoseconds*: nanoseconds since a whole epoch millisecond taken at process start (the floor of
 * `performance.timeOrigin`), measured on the monotonic clock anchored to the wall clock, which cost
 * nothing to record. `startTime`, `endTime` and `duration` give the familiar epoch `HrTime`s when
 * asked; the OTLP encoder turns clock nanoseconds into epoch nanoseconds exactly.
 *
 * The SDK's span object implements this interface itself, so ending a span copies nothing. Treat every
 * field as immutable.
 */
export interface FinishedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  /** The span's own context: trace id, span id, trace flags and trace state. */
  spanContext(): SpanContext;
  /** The parent's context (with `isRemote` when it came from another process), or `undefined` for a root span. */
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTimeNanos: number;
  readonly endTimeNanos: number;
  /** Epoch start time as `HrTime`, computed on access. */
  readonly startTime: HrTime;
  /** Epoch end time as `HrTime`, computed on access. */
  readonly endTime: HrTime;
  /** `endTime - startTime` as `HrTime`, computed on access. */
  readonly duration: HrTime;
  /** Whether `end()` has been called: always `true` for a span a processor's `onEnd` receives. */
  readonly ended: boolean;
  readonly attributes: Attributes;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly status: SpanStatus;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  /** Attributes dropped by the span's attribute limit. */
  readonly droppedAttributesCount: number;
  /** Events dropped by the span's event limit. */
  readonly droppedEventsCount: number;
  /** Links dropped by the span's link limit. */
  readonly droppedLinksCount: number;
}
