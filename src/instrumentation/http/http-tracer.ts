import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { VERSION } from '../../version.js';

/** The instrumentation scope of every HTTP span otelite records. */
export const HTTP_TRACER_NAME = 'otelite/http';
/** The scope version: otelite's package version. */
export const HTTP_TRACER_VERSION = VERSION;

let cachedProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;

/**
 * The tracer of the global tracer provider for {@link HTTP_TRACER_NAME}, cached per provider: the hot
 * path pays one identity check instead of a `getTracer` call, and a provider registered (or replaced
 * after `trace.disable()`) later is still picked up.
 */
export function getHttpTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== cachedProvider || cachedTracer === undefined) {
    cachedTracer = provider.getTracer(HTTP_TRACER_NAME, HTTP_TRACER_VERSION);
    cachedProvider = provider;
  }
  return cachedTracer;
}
