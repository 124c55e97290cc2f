import { reportError } from '../../diagnostics/report.js';
import { matchesUrlList, resolvePropagateTraceHeaderUrls, type PropagateTraceHeaderUrls } from '../propagate-trace-header-urls.js';
import { fetchWithClientSpan, type FetchClientSettings, type FetchFunction } from './fetch-client-span.js';

/** Marks otelite's wrapper of `globalThis.fetch` with the function it wraps. */
const ORIGINAL = Symbol('otelite original fetch');

/** Options of {@link instrumentFetch}. */
export interface FetchInstrumentationOptions {
  /**
   * In a browser, the cross-origin URLs that also get the trace headers (their servers must allow
   * `traceparent`, `tracestate` and `baggage` in CORS): strings are origins (`https://api.example.com`),
   * regular expressions are matched against the whole URL. Same-origin requests always get them; outside
   * browsers every request does. Default none.
   */
  propagateTraceHeaderCorsUrls?: ReadonlyArray<string | RegExp>;
  /**
   * Limits which destinations get the trace headers, on every runtime: origins or whole URLs (strings),
   * regular expressions matched against the whole URL, or a function given the URL. Other requests still
   * get their CLIENT span, without the headers. In a browser it applies on top of the same-origin and CORS
   * rule. Default: every destination (as opentelemetry-js does); see "Trace headers" in docs/getting-started.md.
   */
  propagateTraceHeaderUrls?: PropagateTraceHeaderUrls;
}

/** `instrumentFetch()`'s handle. */
export interface FetchInstrumentation {
  /** Puts the original `globalThis.fetch` back (unless someone replaced it since). Idempotent. */
  disable(): void;
}

/**
 * Client spans for every `globalThis.fetch` call where the runtime publishes no `undici` diagnostics
 * channels (browsers, Workers, Bun, Deno): `globalThis.fetch` is replaced by a wrapper that makes a CLIENT
 * span and injects the trace headers (see {@link tracedFetch}); `disable()` restores it. Calls the
 * exporter makes (tracing suppressed) are not traced.
 *
 * @example
 * ```ts
 * const fetchInstrumentation = instrumentFetch({ propagateTraceHeaderCorsUrls: ['https://api.example.com'] });
 * // ... later
 * fetchInstrumentation.disable();
 * ```
 */
export function instrumentFetch(options: FetchInstrumentationOptions = {}): FetchInstrumentation {
  const holder = globalThis as { fetch?: FetchFunction };
  const original = holder.fetch;
  if (typeof original !== 'function') return { disable() {} };
  const settings = fetchSettings(options);
  const wrapper: FetchFunction = function fetch(input, init) {
    return fetchWithClientSpan(original, input, init, settings);
  };
  (wrapper as FetchFunction & { [ORIGINAL]?: FetchFunction })[ORIGINAL] = original;
  try {
    holder.fetch = wrapper;
  } catch (error) {
    reportError('instrumentation.fetch.client', error, 'replacing globalThis.fetch');
  }
  let disabled = false;
  return {
    disable() {
      if (disabled) return;
      disabled = true;
      if (holder.fetch === wrapper) holder.fetch = original;
    },
  };
}

/**
 * `fetch(input, init)` with a CLIENT span, a child of the active context, whether or not fetch is
 * instrumented: `traceparent`/`tracestate`/`baggage` are sent (in a browser only to the page's origin),
 * the span ends when the response head arrives (4xx and 5xx set status Error) or with the error, which
 * is passed on unchanged.
 *
 * @example
 * ```ts
 * const response = await tracedFetch('https://inventory.internal/items');
 * ```
 */
export function tracedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return fetchWithClientSpan(unwrappedFetch(), input, init, DEFAULT_SETTINGS);
}

const DEFAULT_SETTINGS: FetchClientSettings = /* @__PURE__ */ fetchSettings({});

/** The runtime's `fetch` as it was before any instrumentation, else the current one. */
function unwrappedFetch(): FetchFunction {
  return ((globalThis as { fetch: FetchFunction }).fetch as FetchFunction & { [ORIGINAL]?: FetchFunction })[ORIGINAL] ?? globalThis.fetch;
}

function fetchSettings(options: FetchInstrumentationOptions): FetchClientSettings {
  const limit = resolvePropagateTraceHeaderUrls(options?.propagateTraceHeaderUrls);
  const location = (globalThis as { location?: { origin?: string } }).location;
  const pageOrigin = typeof location?.origin === 'string' && location.origin !== 'null' ? location.origin : undefined;
  if (pageOrigin === undefined) return limit === undefined ? {} : { propagateTo: limit };
  const allowed = Array.isArray(options?.propagateTraceHeaderCorsUrls) ? options.propagateTraceHeaderCorsUrls : [];
  return {
    propagateTo: (url) => (url.origin === pageOrigin || matchesUrlList(allowed, url)) && (limit === undefined || limit(url)),
  };
}
