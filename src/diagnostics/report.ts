import { diag } from '@opentelemetry/api';
import { LOG_WINDOW_MILLIS, MAX_LOGS_PER_WINDOW, MAX_REMEMBERED_WARNINGS } from './log-limits.js';

/**
 * The one place otelite reports its own trouble. Telemetry must never break the application, so every
 * failure inside the SDK ends here instead of in user code: it is counted, and logged through the
 * `@opentelemetry/api` diagnostic logger, at most {@link MAX_LOGS_PER_WINDOW} times per
 * {@link LOG_WINDOW_MILLIS} for each kind of failure.
 */

export { LOG_WINDOW_MILLIS, MAX_LOGS_PER_WINDOW, MAX_REMEMBERED_WARNINGS };

/** The counts of one rate-limited kind of message. @internal */
export interface LogWindow {
  count: number;
  windowStart: number;
  loggedInWindow: number;
  suppressedInWindow: number;
}

/**
 * Counts one occurrence in `counts` and says whether it may be logged: at most {@link MAX_LOGS_PER_WINDOW}
 * per {@link LOG_WINDOW_MILLIS}. When a window closes with occurrences held back, `heldBack` is called
 * with their number first. Shared by {@link reportError} and the ended-span report.
 * @internal
 *
 * @example
 * ```ts
 * if (mayLog(counts, (count) => diag.warn(`${count} more not logged`))) diag.warn(message);
 * ```
 */
export function mayLog(counts: LogWindow, heldBack: (count: number) => void): boolean {
  counts.count++;
  const now = Date.now();
  if (now - counts.windowStart >= LOG_WINDOW_MILLIS) {
    if (counts.suppressedInWindow > 0) heldBack(counts.suppressedInWindow);
    counts.windowStart = now;
    counts.loggedInWindow = 0;
    counts.suppressedInWindow = 0;
  }
  if (counts.loggedInWindow < MAX_LOGS_PER_WINDOW) {
    counts.loggedInWindow++;
    return true;
  }
  counts.suppressedInWindow++;
  return false;
}

const kinds = new Map<string, LogWindow>();
/** Errors already reported: an error passed up a chain (exporter, then processor) is counted and logged once. */
const reported = new WeakSet<object>();
const warnedOnce = new Set<string>();

/**
 * Counts a failure of the given kind (`'export'`, `'processor.onEnd'`, `'propagator.extract'`, ...)
 * and logs it through `diag.error`, rate-limited per kind. The same error object is reported once, however
 * many layers pass it on. Never throws.
 */
export function reportError(kind: string, error: unknown, detail?: string): void {
  try {
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return;
      reported.add(error);
    }
    let state = kinds.get(kind);
    if (state === undefined) {
      state = { count: 0, windowStart: Date.now(), loggedInWindow: 0, suppressedInWindow: 0 };
      kinds.set(kind, state);
    }
    if (mayLog(state, (count) => diag.error(`otelite: ${count} more "${kind}" failures were not logged in the last window`))) {
      diag.error(`otelite: ${kind} failed${detail ? ` (${detail})` : ''}: ${describe(error)}`);
    }
  } catch {
    // A broken logger must not break the caller either.
  }
}

/**
 * Logs `message` through `diag.warn` the first time it is seen in this process; later calls with the
 * same message do nothing. The memory of messages seen is bounded ({@link MAX_REMEMBERED_WARNINGS}):
 * past that many distinct messages, each new one is still logged but no longer remembered, so a
 * message first seen after the bound is logged every time it recurs. (Suppressing them instead would
 * hide a configuration warning behind a flood of unrelated ones.) Never throws.
 */
export function warnOnce(message: string): void {
  try {
    if (warnedOnce.has(message)) return;
    if (warnedOnce.size < MAX_REMEMBERED_WARNINGS) warnedOnce.add(message);
    diag.warn(`otelite: ${message}`);
  } catch {
    // ignore
  }
}

/**
 * Counts `count` failures of `kind` without logging each one: for losses counted in bulk (spans a
 * bounded buffer let go), whose caller explains them once with {@link warnOnce}. Never throws.
 */
export function countFailures(kind: string, count: number): void {
  if (!(count > 0)) return;
  let state = kinds.get(kind);
  if (state === undefined) {
    state = { count: 0, windowStart: Date.now(), loggedInWindow: 0, suppressedInWindow: 0 };
    kinds.set(kind, state);
  }
  state.count += count;
}

/** How many failures of each kind have been reported since the process started. */
export function failureCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [kind, state] of kinds) counts[kind] = state.count;
  return counts;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
