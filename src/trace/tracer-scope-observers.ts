import { reportError } from '../diagnostics/report.js';

/** Told the instrumentation scope name of each tracer a `TracerProvider` creates. */
export type TracerScopeObserver = (scopeName: string) => void;

const observers = new Set<TracerScopeObserver>();

/**
 * Calls `observer` with the scope name of every tracer an otelite `TracerProvider` creates from now on
 * (once per provider and scope: tracers are cached). The HTTP instrumentation uses it to notice
 * opentelemetry-js instrumentations, which ask for a tracer named after their package as soon as they
 * are set up. Returns a function that stops the observation.
 */
export function observeTracerScopes(observer: TracerScopeObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

/** Tells every observer about a newly created tracer's scope. Never throws. */
export function notifyTracerScope(scopeName: string): void {
  if (observers.size === 0) return;
  for (const observer of observers) {
    try {
      observer(scopeName);
    } catch (error) {
      reportError('trace.scopeObserver', error);
    }
  }
}
