import {
  isSpanContextValid,
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '../context/suppress-tracing.js';
import { reportError } from '../diagnostics/report.js';
import { parseTraceState } from './trace-state.js';
import { DASH, SPACE, TAB } from '../internal/char-codes.js';
import { detachString } from '../internal/detach-string.js';
import { LOWERCASE_HEX_DIGIT_VALUES as HEX_VALUES } from '../internal/hex-digit-values.js';
import {
  DEFINED_TRACE_FLAGS,
  LARGE_TRACE_STATE_ENTRY_LENGTH,
  MAX_PROPAGATED_TRACE_STATE_LENGTH,
  TRACE_PARENT_LENGTH,
} from './header-limits.js';
import { joinedHeaderValue } from './joined-header-value.js';

/** The `traceparent` header name (W3C Trace Context §3.2.1), in the recommended lowercase. */
export const TRACE_PARENT_HEADER = 'traceparent';
/** The `tracestate` header name (W3C Trace Context §3.3.1), in the recommended lowercase. */
export const TRACE_STATE_HEADER = 'tracestate';

export { MAX_PROPAGATED_TRACE_STATE_LENGTH };

/** `traceparent` flags for every defined-bits value, so inject never formats a number. */
const FLAGS_HEX = ['00', '01', '02', '03'];
const FIELDS: readonly string[] = Object.freeze([TRACE_PARENT_HEADER, TRACE_STATE_HEADER]);

function hexAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? HEX_VALUES[code] : -1;
}

/**
 * Parses one `traceparent` value into a remote span context, or returns `undefined` when the value is
 * invalid. Never throws; reads each character at most once.
 *
 * - Surrounding spaces and tabs are ignored (HTTP optional whitespace, RFC 9110 §5.5).
 * - Version: two lowercase hex digits and a dash; `ff` is invalid (§3.2.2.1).
 * - Version `00`: exactly 55 characters (§3.2.2.2). All of its trace-flags bits are kept in the span
 *   context; the undefined ones are zeroed on inject (§3.2.2.5.3 "Vendors MUST set those to zero").
 * - A higher version: at least 55 characters, the first four fields parsed by position, and the flags
 *   followed by the end or a dash (§3.2.4 "Versioning of traceparent"). Only the flags this version knows
 *   (sampled, random) are kept (§4.2 step 2.2); anything after the flags is ignored.
 * - Ids: lowercase hex, not all zeros (§3.2.2.3, §3.2.2.4).
 */
export function parseTraceParent(value: string): SpanContext | undefined {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === SPACE || value.charCodeAt(start) === TAB)) start++;
  while (end > start && (value.charCodeAt(end - 1) === SPACE || value.charCodeAt(end - 1) === TAB)) end--;
  const length = end - start;
  if (length < TRACE_PARENT_LENGTH) return undefined;

  const versionHigh = hexAt(value, start);
  const versionLow = hexAt(value, start + 1);
  if (versionHigh < 0 || versionLow < 0 || value.charCodeAt(start + 2) !== DASH) return undefined;
  const version = (versionHigh << 4) | versionLow;
  if (version === 0xff) return undefined;
  if (version === 0) {
    if (length !== TRACE_PARENT_LENGTH) return undefined;
  } else if (length > TRACE_PARENT_LENGTH && value.charCodeAt(start + TRACE_PARENT_LENGTH) !== DASH) {
    return undefined;
  }
  if (value.charCodeAt(start + 35) !== DASH || value.charCodeAt(start + 52) !== DASH) return undefined;

  let bits = 0;
  for (let i = start + 3; i < start + 35; i++) {
    const digit = hexAt(value, i);
    if (digit < 0) return undefined;
    bits |= digit;
  }
  if (bits === 0) return undefined;
  bits = 0;
  for (let i = start + 36; i < start + 52; i++) {
    const digit = hexAt(value, i);
    if (digit < 0) return undefined;
    bits |= digit;
  }
  if (bits === 0) return undefined;
  const flagsHigh = hexAt(value, start + 53);
  const flagsLow = hexAt(value, start + 54);
  if (flagsHigh < 0 || flagsLow < 0) return undefined;
  let traceFlags = (flagsHigh << 4) | flagsLow;
  if (version !== 0) traceFlags &= DEFINED_TRACE_FLAGS;

  let traceId = value.slice(start + 3, start + 35);
  let spanId = value.slice(start + 36, start + 52);
  if (value.length > 64) {
    // Do not let the ids pin a long (padded or future-version) header in memory.
    traceId = detachString(traceId);
    spanId = detachString(spanId);
  }
  return { traceId, spanId, traceFlags, isRemote: true };
}

/** The `traceparent` value for a valid span context: version `00`, lowercase, only the defined flags. */
export function formatTraceParent(spanContext: SpanContext): string {
  return (
    '00-' +
    spanContext.traceId.toLowerCase() +
    '-' +
    spanContext.spanId.toLowerCase() +
    '-' +
    FLAGS_HEX[spanContext.traceFlags & DEFINED_TRACE_FLAGS]
  );
}

/**
 * Cuts a serialized `tracestate` to {@link MAX_PROPAGATED_TRACE_STATE_LENGTH} characters by whole entries
 * (§3.3.1.5): entries longer than 128 characters go first, right-most first, then entries from the end.
 */
export function truncateTraceState(serialized: string): string {
  if (serialized.length <= MAX_PROPAGATED_TRACE_STATE_LENGTH) return serialized;
  const entries = serialized.split(',');
  let total = serialized.length;
  const kept = entries.map(() => true);
  for (let i = entries.length - 1; i >= 0 && total > MAX_PROPAGATED_TRACE_STATE_LENGTH; i--) {
    if (entries[i].length > LARGE_TRACE_STATE_ENTRY_LENGTH) {
      kept[i] = false;
      total -= entries[i].length + 1;
    }
  }
  for (let i = entries.length - 1; i >= 0 && total > MAX_PROPAGATED_TRACE_STATE_LENGTH; i--) {
    if (kept[i]) {
      kept[i] = false;
      total -= entries[i].length + 1;
    }
  }
  return entries.filter((_, i) => kept[i]).join(',');
}

/**
 * The W3C Trace Context Level 2 propagator: reads and writes the `traceparent` and `tracestate` headers.
 *
 * Extract: one `traceparent` value (several values in the carrier are invalid: combined per RFC 9110
 * they no longer match the format) parsed by {@link parseTraceParent}; a valid one becomes the remote
 * span context of the returned context, with the `tracestate` lines (joined in order with commas)
 * attached when they form a valid list. An invalid `traceparent` leaves the context unchanged and
 * `tracestate` is not read (§3.3 "MUST NOT attempt to parse tracestate").
 *
 * Inject: nothing for an invalid span context or when tracing is suppressed in the context (the SDK
 * suppresses tracing around its own exports, so their requests carry no trace headers, as in
 * opentelemetry-js); otherwise `traceparent` version `00` and `tracestate` when not empty. The
 * `tracestate` of a local span context is cut to {@link MAX_PROPAGATED_TRACE_STATE_LENGTH} characters;
 * that of a remote one (an extracted context passed straight through, with no span of ours in between)
 * is sent whole, as the spec forbids changing `tracestate` when `traceparent` is not changed (§3.4).
 *
 * Never throws: a failing getter, setter or carrier is reported through `reportError` and ignored.
 *
 * @example
 * ```ts
 * import { propagation } from '@opentelemetry/api';
 * import { W3CTraceContextPropagator } from 'otelite';
 *
 * propagation.setGlobalPropagator(new W3CTraceContextPropagator());
 * ```
 */
export class W3CTraceContextPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    try {
      const spanContext = trace.getSpanContext(context);
      if (spanContext === undefined || !isSpanContextValid(spanContext) || isTracingSuppressed(context)) return;
      setter.set(carrier, TRACE_PARENT_HEADER, formatTraceParent(spanContext));
      const traceState = spanContext.traceState;
      if (traceState !== undefined) {
        const serialized = traceState.serialize();
        if (typeof serialized === 'string' && serialized.length > 0) {
          // A remote span context is being passed through unchanged, and then its tracestate must not
          // be modified either (§3.4 "Mutating the traceparent Field"): only a local one is cut.
          setter.set(carrier, TRACE_STATE_HEADER, spanContext.isRemote === true ? serialized : truncateTraceState(serialized));
        }
      }
    } catch (error) {
      reportError('propagator.inject', error, 'tracecontext');
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    try {
      const traceParent = singleValue(getter.get(carrier, TRACE_PARENT_HEADER));
      if (traceParent === undefined) return context;
      const spanContext = parseTraceParent(traceParent);
      if (spanContext === undefined) return context;
      const traceStateHeader = joinedHeaderValue(getter.get(carrier, TRACE_STATE_HEADER));
      const traceState = traceStateHeader === undefined ? undefined : parseTraceState(traceStateHeader);
      if (traceState === undefined) return trace.setSpanContext(context, spanContext);
      // A new literal rather than adding a property keeps one object shape for span contexts.
      const { traceId, spanId, traceFlags } = spanContext;
      return trace.setSpanContext(context, { traceId, spanId, traceFlags, isRemote: true, traceState });
    } catch (error) {
      reportError('propagator.extract', error, 'tracecontext');
      return context;
    }
  }

  fields(): string[] {
    return FIELDS.slice();
  }
}

/** The one string of a header, or `undefined` when absent or given more than once. */
function singleValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}
