import { context as contextApi, createContextKey, type Context } from '@opentelemetry/api';
import { reportError } from '../diagnostics/report.js';
import { setContextValue } from './overlay-context.js';

/**
 * Marks a context in which no spans are recorded: the SDK runs its own exports in it, so an exporter's
 * HTTP requests never produce spans. The key's description is the one opentelemetry-js instrumentations
 * check (the API turns a description into a shared `Symbol.for`), so they honour it too.
 */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** A copy of `context` in which tracing is suppressed. */
export function suppressTracing(context: Context): Context {
  return setContextValue(context, SUPPRESS_TRACING_KEY, true);
}

/** Whether tracing is suppressed in `context`. */
export function isTracingSuppressed(context: Context): boolean {
  return context.getValue(SUPPRESS_TRACING_KEY) === true;
}

/**
 * Runs `fn` with tracing suppressed in the active context and returns what it returns: how otelite runs
 * its exports and their requests. A global context manager (a user's) that throws when asked for the
 * active context or to run `fn` is reported, and `fn` runs without it; what `fn` throws is thrown.
 */
export function runWithTracingSuppressed<T>(fn: () => T): T {
  let ran = false;
  try {
    return contextApi.with(suppressTracing(contextApi.active()), () => {
      ran = true;
      return fn();
    });
  } catch (error) {
    if (ran) throw error;
    reportError('context manager', error, 'exporting without it');
    return fn();
  }
}
