import type { SpanContext } from '@opentelemetry/api';
import {
  SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK,
  SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK,
  SPAN_FLAGS_TRACE_FLAGS_MASK,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import { clockNanosToUnixNanoParts } from '../../../trace/clock.js';
import { TWO_POW_32 } from '../../../internal/numeric-constants.js';

/**
 * The conversions from `@opentelemetry/api` values to OTLP field values, shared by the message
 * mapping and the binary writer so that both produce the same thing.
 */

/** W3C trace flags plus "has is-remote" always, plus "is remote" when `isRemote` (OTLP `SpanFlags`). */
export function otlpFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (
    (traceFlags & SPAN_FLAGS_TRACE_FLAGS_MASK) |
    SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK |
    (isRemote === true ? SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK : 0)
  );
}

/** API `SpanKind` (INTERNAL = 0 … CONSUMER = 4) → OTLP `Span.SpanKind` (INTERNAL = 1 …); anything else → UNSPECIFIED (0). */
export function otlpSpanKind(kind: number): number {
  return kind >= 0 && kind <= 4 && (kind | 0) === kind ? kind + 1 : 0;
}

/** API `SpanStatusCode` → OTLP `Status.StatusCode` (the same numbers); anything unknown → UNSET (0). */
export function otlpStatusCode(code: number): number {
  return code === 1 || code === 2 ? code : 0;
}

/** A dropped count as a `uint32`: negative or missing → 0, fractions truncated, huge → 2^32 - 1. */
export function otlpCount(count: number): number {
  return count > 0 ? (count < 4294967296 ? count >>> 0 : 4294967295) : 0;
}

const TWO_POW_64 = TWO_POW_32 * TWO_POW_32;
/** Epoch nanoseconds of clock time 0, roughly (a double); only used to skip the exact check far from the limits. */
const ORIGIN_UNIX_NANOS = clockNanosToUnixNanoParts(0)[0] * TWO_POW_32 + clockNanosToUnixNanoParts(0)[1];
const SURELY_VALID_MIN = -ORIGIN_UNIX_NANOS + 1e9;
const SURELY_VALID_MAX = TWO_POW_64 - ORIGIN_UNIX_NANOS - 1e9;

/**
 * Whether a time in clock nanoseconds has an OTLP form: a finite number whose epoch nanoseconds fit
 * an unsigned 64-bit integer. Spans with other times are dropped rather than sent with made-up times.
 */
export function isEncodableClockNanos(clockNanos: number): boolean {
  if (clockNanos > SURELY_VALID_MIN && clockNanos < SURELY_VALID_MAX) return true;
  if (typeof clockNanos !== 'number' || !Number.isFinite(clockNanos)) return false;
  const high = clockNanosToUnixNanoParts(clockNanos)[0];
  return high >= 0 && high < TWO_POW_32;
}

/** `String.prototype.isWellFormed`/`toWellFormed` (ES2024; Node.js 20 has them, the ES2023 typings do not). */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * A string as it travels on the wire: UTF-8 cannot carry a lone surrogate, so it becomes U+FFFD,
 * exactly as `TextEncoder` (and so the binary encoder) writes it. A non-string becomes ''.
 */
export function otlpString(value: string | undefined): string {
  if (typeof value !== 'string') return '';
  const text = value as unknown as WellFormedString;
  return text.isWellFormed() ? value : text.toWellFormed();
}

/** The W3C `tracestate` of a span context as the OTLP `trace_state` string ('' when there is none). */
export function otlpTraceState(context: SpanContext): string {
  const traceState = context.traceState;
  return traceState === undefined ? '' : otlpString(traceState.serialize());
}
