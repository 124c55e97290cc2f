import {
  context,
  createContextKey,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapSetter,
} from '@opentelemetry/api';
import { SPAN_KIND_CLIENT, STATUS_ERROR } from '../../../../internal/api-enum-values.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isTracingSuppressed } from '../../../../context/suppress-tracing.js';
import { isExportRequestHeaders } from '../../../../transport/exporter-requests.js';
import { existingClientSpanFor } from '../../../../instrumentation/http/existing-client-span.js';
import { reportError } from '../../../../diagnostics/report.js';
import { recordHeadersFromRawList } from '../../../../instrumentation/http/captured-headers.js';
import { errorMessageOf, errorTypeOf } from '../../../../instrumentation/http/error-type.js';
import { addressOf, defaultPortOf, portOf } from '../../../../instrumentation/http/host-and-port.js';
import {
  DEFAULT_HTTP_INSTRUMENTATION_SETTINGS,
  isOutgoingRequestIgnored,
  runRequestHook,
  type HttpInstrumentationSettings,
  type OutgoingRequestInfo,
} from './http-instrumentation-options.js';
import { getHttpTracer } from '../../../../instrumentation/http/http-tracer.js';
import { isFetchCoveredElsewhere } from './opentelemetry-js-instrumentations.js';
import { redactUrl } from '../../../../instrumentation/http/redact.js';
import { normalizeMethod, spanNameForMethod } from '../../../../instrumentation/http/semantic-attributes.js';

/**
 * Client spans for `fetch` (Node's bundled undici, and the undici package), from undici's diagnostics
 * channels:
 *
 * - `undici:request:create`: the span starts as a child of the caller's active context, and
 *   `traceparent`/`tracestate`/`baggage` are added to the outgoing request with `request.addHeader`.
 * - `undici:request:headers`: the response status is recorded (>= 400 sets status Error).
 * - `undici:request:trailers`: the span ends. undici publishes it once the whole response body has been
 *   received, so a span ends when the body is complete, not when the headers arrive; a body the caller
 *   never reads (nor cancels) keeps its span open until undici gives up on it, and a span never ended
 *   is dropped with its request object (nothing is retained).
 * - `undici:request:error`: status Error, `error.type`, and the span ends (connection failures, aborts,
 *   timeouts, a body cancelled midway).
 *
 * Redirects are separate undici requests, so each hop gets its own span.
 */

/** The parts of undici's internal request object this module uses (undici 6 and later). */
interface UndiciRequest {
  readonly origin: unknown;
  readonly method: string;
  readonly path: string;
  readonly headers: unknown;
  addHeader(name: string, value: string): unknown;
}

const CREATE = 'undici:request:create';
const HEADERS = 'undici:request:headers';
const TRAILERS = 'undici:request:trailers';
const ERROR = 'undici:request:error';

/** Recording spans of requests in flight, by undici request. */
const spans = new WeakMap<object, Span>();

/** Marks a context whose fetches are traced even when `instrumentHttp` is not enabled (`tracedFetch`). */
export const EXPLICIT_FETCH_KEY = createContextKey('otelite traced fetch');

let activeSettings: HttpInstrumentationSettings | undefined;
let subscribed = false;
/** Once `tracedFetch` has been used, the channels stay subscribed so its calls keep being traced. */
let explicitlyUsed = false;

/**
 * Sets a trace header on an undici request, replacing any value already there (from the caller's own
 * headers, or another instrumentation): `addHeader` alone would send two, which the next service
 * reads as one invalid comma-joined value. undici 6 and later keep the headers as a flat
 * `[name, value, ...]` list.
 */
const undiciHeaderSetter: TextMapSetter<UndiciRequest> = {
  set(request, key, value) {
    const headers = request.headers;
    if (Array.isArray(headers)) {
      let replaced = false;
      for (let i = headers.length - 2; i >= 0; i -= 2) {
        const name: unknown = headers[i];
        if (typeof name !== 'string' || name.length !== key.length || name.toLowerCase() !== key) continue;
        if (replaced) {
          headers.splice(i, 2);
        } else {
          headers[i + 1] = value;
          replaced = true;
        }
      }
      if (replaced) return;
    }
    request.addHeader(key, value);
  },
};

/** Traces every fetch with `settings`; a second call only replaces the settings. */
export function enableFetchInstrumentation(settings: HttpInstrumentationSettings): void {
  activeSettings = settings;
  subscribeChannels();
}

/** Stops tracing fetches (except those inside `tracedFetch`). */
export function disableFetchInstrumentation(): void {
  activeSettings = undefined;
  if (!explicitlyUsed) unsubscribeChannels();
}

/** Makes sure fetches run in a context marked with {@link EXPLICIT_FETCH_KEY} are traced. */
export function enableExplicitFetchTracing(): void {
  explicitlyUsed = true;
  subscribeChannels();
}

function subscribeChannels(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe(CREATE, onCreate);
  subscribe(HEADERS, onHeaders);
  subscribe(TRAILERS, onTrailers);
  subscribe(ERROR, onError);
}

function unsubscribeChannels(): void {
  if (!subscribed) return;
  subscribed = false;
  unsubscribe(CREATE, onCreate);
  unsubscribe(HEADERS, onHeaders);
  unsubscribe(TRAILERS, onTrailers);
  unsubscribe(ERROR, onError);
}

function onCreate(message: unknown): void {
  try {
    const active = context.active();
    const settings = activeSettings ?? (active.getValue(EXPLICIT_FETCH_KEY) === true ? DEFAULT_HTTP_INSTRUMENTATION_SETTINGS : undefined);
    if (settings === undefined || isTracingSuppressed(active) || isFetchCoveredElsewhere()) return;
    const request = (message as { request: UndiciRequest }).request;
    // An otelite exporter's request (this process's edge sandbox, another copy of otelite): never a span.
    if (isExportRequestHeaders(request.headers)) return;
    // The caller's own client span for this request (Next.js's fetch span, a contrib instrumentation's):
    // no second span, the trace headers are that span's.
    if (existingClientSpanFor(active, String(request.origin)) !== undefined) {
      injectHeaders(request, active, settings);
      return;
    }
    startFetchSpan(request, settings, active);
  } catch (error) {
    reportError('instrumentation.http.fetch', error);
  }
}

function startFetchSpan(request: UndiciRequest, settings: HttpInstrumentationSettings, parent: Context): void {
  const origin = String(request.origin);
  const originalMethod = request.method;
  const url = redactUrl(origin + request.path);
  if (
    settings.ignoreOutgoingRequest !== undefined &&
    isOutgoingRequestIgnored(settings, { direction: 'outgoing', api: 'fetch', method: originalMethod, url, request })
  ) {
    return;
  }
  const method = normalizeMethod(originalMethod);
  const schemeEnd = origin.indexOf('://');
  const authority = schemeEnd === -1 ? origin : origin.slice(schemeEnd + 3);
  const attributes: Attributes = {
    'http.request.method': method,
    'url.full': url,
    'server.address': addressOf(authority),
    'server.port': portOf(authority, defaultPortOf(schemeEnd === -1 ? 'http' : origin.slice(0, schemeEnd))),
  };
  if (method !== originalMethod) attributes['http.request.method_original'] = originalMethod;
  const span = getHttpTracer().startSpan(spanNameForMethod(method), { kind: SPAN_KIND_CLIENT, attributes }, parent);
  // Injected for unsampled spans too: downstream services continue the trace with sampled=0.
  injectHeaders(request, trace.setSpan(parent, span), settings);
  if (!span.isRecording()) return;
  spans.set(request, span);
  if (settings.requestHeaders.length > 0) recordHeadersFromRawList(span, settings.requestHeaders, request.headers);
  if (settings.requestHook !== undefined) {
    const info: OutgoingRequestInfo = { direction: 'outgoing', api: 'fetch', method: originalMethod, url, request };
    runRequestHook(settings, span, info);
  }
}

/** Adds the trace headers of `spanContext` to `request`, unless `propagateTraceHeaderUrls` leaves its URL out. */
function injectHeaders(request: UndiciRequest, spanContext: Context, settings: HttpInstrumentationSettings): void {
  try {
    if (settings.propagateTo !== undefined && !settings.propagateTo(redactUrl(String(request.origin) + request.path))) return;
    propagation.inject(spanContext, request, undiciHeaderSetter);
  } catch (error) {
    reportError('instrumentation.http.fetch', error, 'inject');
  }
}

function onHeaders(message: unknown): void {
  try {
    const { request, response } = message as { request: object; response: { statusCode: number; headers: unknown } };
    const span = spans.get(request);
    if (span === undefined) return;
    const status = response.statusCode;
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: STATUS_ERROR });
    }
    const settings = activeSettings ?? DEFAULT_HTTP_INSTRUMENTATION_SETTINGS;
    if (settings.responseHeaders.length > 0) recordHeadersFromRawList(span, settings.responseHeaders, response.headers);
  } catch (error) {
    reportError('instrumentation.http.fetch', error);
  }
}

function onTrailers(message: unknown): void {
  try {
    const request = (message as { request: object }).request;
    const span = spans.get(request);
    if (span === undefined) return;
    spans.delete(request);
    span.end();
  } catch (error) {
    reportError('instrumentation.http.fetch', error);
  }
}

function onError(message: unknown): void {
  try {
    const { request, error } = message as { request: object; error: unknown };
    const span = spans.get(request);
    if (span === undefined) return;
    spans.delete(request);
    span.setAttribute('error.type', errorTypeOf(error));
    span.setStatus({ code: STATUS_ERROR, message: errorMessageOf(error) });
    span.end();
  } catch (error) {
    reportError('instrumentation.http.fetch', error);
  }
}

// --- tracedFetch: one traced call, with or without instrumentHttp()

/**
 * `fetch(input, init)` with a client span, whether or not `instrumentHttp()` is enabled: the span is a
 * child of the active context, `traceparent`/`tracestate`/`baggage` are sent, and the span ends as
 * described for `instrumentHttp` (when the response body has been fully received, or on error). With
 * `instrumentHttp()` enabled it behaves exactly like `fetch` (one span, its options apply). It uses the
 * same undici diagnostics channels, so it needs a context manager that carries the active context
 * across `await` (otelite's `AsyncLocalStorageContextManager`, which `register()` installs).
 *
 * @example
 * ```ts
 * const response = await tracedFetch('http://inventory.internal/items', { method: 'GET' });
 * const items = await response.json(); // the span ends once the body is in
 * ```
 */
export function tracedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  let fetchContext;
  try {
    enableExplicitFetchTracing();
    fetchContext = context.active().setValue(EXPLICIT_FETCH_KEY, true);
  } catch (error) {
    reportError('instrumentation.http.fetch', error, 'tracedFetch');
    return fetch(input, init);
  }
  return context.with(fetchContext, fetch, undefined, input, init);
}
