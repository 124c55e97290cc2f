import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { VERSION } from '../../version.js';
import { registeredApiGlobals } from './api-globals.js';

/** The instrumentation scope of every HTTP span otelite records. */
export const HTTP_TRACER_NAME = 'otelite/http';
/** The scope version: otelite's package version. */
export const HTTP_TRACER_VERSION = VERSION;

let cachedProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;
/** The API registry and its `trace` entry when {@link cachedProvider} was read (see api-globals.ts). */
let cachedGlobals: object | undefined;
let cachedRegistered: unknown;

/**
 * The tracer of the global tracer provider for {@link HTTP_TRACER_NAME}, cached per provider: the hot
 * path pays one identity check instead of a `getTracer` call, and a provider registered (or replaced
 * after `trace.disable()`) later is still picked up.
 */
export function getHttpTracer(): Tracer {
  // While the registry holds the same entry, the API answers with the same provider: no need to ask it.
  const globals = registeredApiGlobals();
  const registered = globals?.trace;
  if (globals === cachedGlobals && registered === cachedRegistered && registered !== undefined && cachedTracer !== undefined) {
    return cachedTracer;
  }
  cachedGlobals = globals;
  cachedRegistered = registered;
  const provider = trace.getTracerProvider();
  if (provider !== cachedProvider || cachedTracer === undefined) {
    cachedTracer = provider.getTracer(HTTP_TRACER_NAME, HTTP_TRACER_VERSION);
    cachedProvider = provider;
  }
  return cachedTracer;
}
