import { diag } from '@opentelemetry/api';
import { LOG_WINDOW_MILLIS, MAX_LOGS_PER_WINDOW, MAX_QUOTED_LENGTH } from './log-limits.js';
import { type LogWindow, mayLog } from './report.js';

/**
 * The report of a call on a span that has already ended (a late `setAttribute('http.route')` from a
 * framework, an `addEvent` after `end()`). Such calls are ignored; this says which span and which call,
 * so that the late caller can be found. Only the ended-span branch of a span method reaches this module:
 * a live span pays nothing for it.
 *
 * Every ignored call is counted ({@link endedSpanCallCount}); at most {@link MAX_ENDED_SPAN_LOGS_PER_WINDOW}
 * are logged (through `diag.warn`) per {@link ENDED_SPAN_LOG_WINDOW_MILLIS}, then one line says how
 * many more were not logged.
 */

/** How long one rate-limit window lasts, in milliseconds. */
export const ENDED_SPAN_LOG_WINDOW_MILLIS = LOG_WINDOW_MILLIS;
/** How many ignored calls are logged per window; the rest are only counted. */
export const MAX_ENDED_SPAN_LOGS_PER_WINDOW = MAX_LOGS_PER_WINDOW;

/** What a report needs of the span: read only when a call is ignored. */
export interface EndedSpanIdentity {
  readonly name: string;
  spanContext(): { readonly spanId: string };
}

/** Every ignored call counts here, logged or not (the same rate limit as `reportError`'s, apart from it). */
const endedCalls: LogWindow = { count: 0, windowStart: 0, loggedInWindow: 0, suppressedInWindow: 0 };

/**
 * Counts a call on an ended span and, within the rate limit, logs it naming the span and the call:
 * `a call on a span that has already ended was ignored: setAttribute('http.route') on span "GET" (span id 00f067aa0ba902b7).`
 * `argument` is the call's identifying argument (attribute key, event name, new name), quoted in the
 * message and cut to a bounded length. Never throws.
 *
 * @example
 * ```ts
 * if (ended) {
 *   reportEndedSpanCall(this, 'setAttribute', key);
 *   return this;
 * }
 * ```
 */
export function reportEndedSpanCall(span: EndedSpanIdentity, call: string, argument?: unknown): void {
  try {
    if (
      !mayLog(endedCalls, (count) => diag.warn(`otelite: ${count} more calls on ended spans were ignored, not logged in the last window`))
    ) {
      return;
    }
    const quoted = typeof argument === 'string' ? `'${excerpt(argument)}'` : '';
    diag.warn(
      `otelite: a call on a span that has already ended was ignored: ${call}(${quoted}) on span "${excerpt(String(span.name))}" (span id ${span.spanContext().spanId}).`,
    );
  } catch {
    // A broken logger or a hostile span must not break the caller.
  }
}

/** How many calls on ended spans were ignored since the process started (logged or not). */
export function endedSpanCallCount(): number {
  return endedCalls.count;
}

function excerpt(text: string): string {
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
}
