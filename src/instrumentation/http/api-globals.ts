import { ROOT_CONTEXT, defaultTextMapGetter, propagation, type Context, type TextMapPropagator } from '@opentelemetry/api';

/**
 * What `@opentelemetry/api` 1.x registers globally: one object under `Symbol.for('opentelemetry.js.api.1')`
 * shared by every copy of the API, holding the registered tracer provider, propagator, context manager.
 */
interface ApiGlobals {
  readonly trace?: unknown;
  readonly propagation?: unknown;
}

const API_GLOBALS_KEY = Symbol.for('opentelemetry.js.api.1');

/**
 * The API's global registry (see {@link ApiGlobals}), or `undefined` before anything is registered.
 * Reading it is two property loads; the API's own accessors (`trace.getTracerProvider()`,
 * `propagation.extract`) also check the registry's version on every call (API 1.9: a version-set
 * lookup each time), which the HTTP instrumentation's hot path does only when the registry's entry changed.
 *
 * @example
 * ```ts
 * const registered = registeredApiGlobals()?.trace;
 * ```
 */
export function registeredApiGlobals(): ApiGlobals | undefined {
  return (globalThis as { [API_GLOBALS_KEY]?: ApiGlobals })[API_GLOBALS_KEY];
}

let seenGlobals: ApiGlobals | undefined;
let seenPropagation: unknown;
/** The propagator `propagation.extract` used while {@link seenPropagation} was registered; `undefined` to call it. */
let seenPropagator: TextMapPropagator | undefined;

/**
 * `propagation.extract(ROOT_CONTEXT, carrier)`: the same global propagator with the same default getter,
 * found through the API once per registration (see {@link registeredApiGlobals}) rather than on each
 * call. Where the API has no way to ask for it, simply `propagation.extract`.
 *
 * @example
 * ```ts
 * const parent = extractWithGlobalPropagator(request.headers);
 * ```
 */
export function extractWithGlobalPropagator(carrier: unknown): Context {
  const propagator = registeredGlobalPropagator();
  if (propagator === undefined) return propagation.extract(ROOT_CONTEXT, carrier);
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/**
 * The global propagator `propagation.extract` uses, found as {@link extractWithGlobalPropagator} finds
 * it (once per registration); `undefined` where the API has no way to ask for it.
 *
 * @example
 * ```ts
 * const fields = registeredGlobalPropagator()?.fields();
 * ```
 */
export function registeredGlobalPropagator(): TextMapPropagator | undefined {
  const globals = registeredApiGlobals();
  const registered = globals?.propagation;
  if (globals !== seenGlobals || registered !== seenPropagation || seenGlobals === undefined) {
    seenGlobals = globals;
    seenPropagation = registered;
    const api = propagation as unknown as { _getGlobalPropagator?: () => TextMapPropagator };
    // The method every API 1.x has (private in its types): exactly what extract() delegates to.
    seenPropagator = typeof api._getGlobalPropagator === 'function' ? api._getGlobalPropagator() : undefined;
  }
  return seenPropagator;
}
