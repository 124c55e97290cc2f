import { context, propagation, trace, type Attributes, type Span } from '@opentelemetry/api';
import { isTracingSuppressed } from '../../context/suppress-tracing.js';
import { reportError } from '../../diagnostics/report.js';
import { getHttpTracer } from '../http/http-tracer.js';
import { addressOf, defaultPortOf, portOf } from '../http/host-and-port.js';
import { redactUrl } from '../http/redact.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  normalizeMethod,
  spanNameForMethod,
} from '../http/semantic-attributes.js';
import { HEADERS_SETTER } from './headers-carrier.js';
import { endSpanWithError } from '../http/end-span-with-error.js';
import { existingClientSpanFor } from '../http/existing-client-span.js';
import { SPAN_KIND_CLIENT, STATUS_ERROR } from '../../internal/api-enum-values.js';

/** The `fetch` function's shape. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Settings of {@link fetchWithClientSpan}. */
export interface FetchClientSettings {
  /**
   * Whether the trace headers go to `url` (a browser sends them only to its own origin and to the origins
   * allowed here, since a cross-origin server must allow them in CORS). Default: always.
   */
  readonly propagateTo?: (url: URL) => boolean;
}

/**
 * Calls `fetchFunction(input, init)` with a CLIENT span for the request, a child of the active context:
 * `traceparent`/`tracestate`/`baggage` are added to a copy of the request's headers (the caller's
 * `init` and `Request` are never changed), the span ends when the response head arrives (with
 * `http.response.status_code`; 4xx and 5xx are errors) or with the error the call rejects with (passed
 * on unchanged). With tracing suppressed (an export's own request) it is the plain call.
 *
 * @example
 * ```ts
 * const response = await fetchWithClientSpan(fetch, 'https://inventory.internal/items', undefined, {});
 * ```
 */
export function fetchWithClientSpan(
  fetchFunction: FetchFunction,
  input: string | URL | Request,
  init: RequestInit | undefined,
  settings: FetchClientSettings,
): Promise<Response> {
  let span: Span;
  let request: { input: string | URL | Request; init: RequestInit | undefined };
  try {
    const active = context.active();
    if (isTracingSuppressed(active)) return fetchFunction(input, init);
    const started = startClientSpan(input, init, settings);
    if (started === undefined) return fetchFunction(input, init);
    if (started.span === undefined) return fetchFunction(started.request.input, started.request.init);
    span = started.span;
    request = started.request;
  } catch (error) {
    reportError('instrumentation.fetch.client', error, 'starting the span');
    return fetchFunction(input, init);
  }
  let pending: Promise<Response>;
  try {
    pending = fetchFunction(request.input, request.init);
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
  return Promise.resolve(pending).then(
    (response) => {
      endWithResponse(span, response);
      return response;
    },
    (error: unknown) => {
      endWithError(span, error);
      throw error;
    },
  );
}

function startClientSpan(
  input: string | URL | Request,
  init: RequestInit | undefined,
  settings: FetchClientSettings,
): { span: Span | undefined; request: { input: string | URL | Request; init: RequestInit | undefined } } | undefined {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const url = new URL(input instanceof Request ? input.url : String(input), base);
  const rawMethod = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const method = normalizeMethod(rawMethod);
  const scheme = url.protocol.slice(0, -1);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_FULL]: redactUrl(url.href),
    [ATTR_SERVER_ADDRESS]: addressOf(url.host),
    [ATTR_SERVER_PORT]: portOf(url.host, defaultPortOf(scheme)),
  };
  if (method !== rawMethod) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = rawMethod;
  const parent = context.active();
  // The caller's own client span for this call (Next.js's fetch span, a contrib instrumentation's): no
  // second span; the trace headers are that span's.
  const existing = existingClientSpanFor(parent, url.origin);
  const span = existing ?? getHttpTracer().startSpan(spanNameForMethod(method), { kind: SPAN_KIND_CLIENT, attributes }, parent);
  let request = { input, init };
  if (settings.propagateTo === undefined || settings.propagateTo(url)) {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    propagation.inject(trace.setSpan(parent, span), headers, HEADERS_SETTER);
    request = { input, init: { ...init, headers } };
  }
  return existing === undefined ? { span, request } : { span: undefined, request };
}

function endWithResponse(span: Span, response: Response): void {
  try {
    const status = response.status;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 400) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: STATUS_ERROR });
    }
    span.end();
  } catch (error) {
    reportError('instrumentation.fetch.client', error, 'ending the span');
  }
}

function endWithError(span: Span, error: unknown): void {
  endSpanWithError(span, error, 'instrumentation.fetch.client');
}
