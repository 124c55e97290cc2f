import { createContextKey, type Context } from '@opentelemetry/api';
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
