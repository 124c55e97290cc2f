import type { Span } from '@opentelemetry/api';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { CapturedHeader } from '../../../../instrumentation/http/captured-headers.js';
import { reportError } from '../../../../diagnostics/report.js';
import { resolvePropagateTraceHeaderUrls, type PropagateTraceHeaderUrls } from '../../../../instrumentation/propagate-trace-header-urls.js';

/** An outgoing request as {@link HttpInstrumentationOptions.ignoreOutgoingRequest} and the request hook see it. */
export interface OutgoingRequestInfo {
  readonly direction: 'outgoing';
  /** Which client sent it: `fetch` (undici, the global `fetch`) or `http` (`node:http` / `node:https`). */
  readonly api: 'fetch' | 'http';
  /** The method as sent, such as `GET`. */
  readonly method: string;
  /** The absolute URL, userinfo removed and sensitive query values redacted (the `url.full` attribute). */
  readonly url: string;
  /**
   * The client's own request object: an `http.ClientRequest` for `http`, undici's internal request for
   * `fetch` (its shape belongs to undici and may change between Node versions).
   */
  readonly request: ClientRequest | object;
}

/** An incoming request as the request hook sees it. */
export interface IncomingRequestInfo {
  readonly direction: 'incoming';
  readonly request: IncomingMessage;
}

/** Options of `instrumentHttp`. Every callback is guarded: a throw is reported through `diag`, never propagated. */
export interface HttpInstrumentationOptions {
  /**
   * Return true for incoming requests that get no server span (health checks, for example); their
   * handlers run in the root context. Called once per request, before anything else is done with it.
   * Default: none is ignored.
   */
  ignoreIncomingRequest?: (request: IncomingMessage) => boolean;
  /**
   * Return true for outgoing requests that get no client span and no injected trace headers. Default:
   * none is ignored (the OTLP exporter's own requests are never traced, whatever this says).
   */
  ignoreOutgoingRequest?: (info: OutgoingRequestInfo) => boolean;
  /**
   * Limits which destinations get the trace headers (`traceparent`, `tracestate`, `baggage`): origins or
   * whole URLs (strings), regular expressions matched against the whole URL (`url.full`), or a function
   * given the URL. Other requests still get their CLIENT span, without the headers. Default: every
   * destination, as opentelemetry-js does (see "Trace headers" in docs/getting-started.md).
   */
  propagateTraceHeaderUrls?: PropagateTraceHeaderUrls;
  /**
   * Request headers recorded as `http.request.header.<lowercased name>` (string arrays), on server and
   * client spans. Names are case-insensitive. Default: none (headers often carry credentials).
   */
  captureRequestHeaders?: readonly string[];
  /**
   * Response headers recorded as `http.response.header.<lowercased name>` (string arrays), on server and
   * client spans. Names are case-insensitive. Default: none.
   */
  captureResponseHeaders?: readonly string[];
  /**
   * Called with every recording span right after it starts, to add attributes. Default: none.
   */
  requestHook?: (span: Span, info: IncomingRequestInfo | OutgoingRequestInfo) => void;
}

/** The options with defaults applied and header lists turned into lookups, resolved once per `instrumentHttp`. */
export interface HttpInstrumentationSettings {
  readonly ignoreIncomingRequest: ((request: IncomingMessage) => boolean) | undefined;
  readonly ignoreOutgoingRequest: ((info: OutgoingRequestInfo) => boolean) | undefined;
  readonly requestHeaders: readonly CapturedHeader[];
  readonly responseHeaders: readonly CapturedHeader[];
  readonly requestHook: ((span: Span, info: IncomingRequestInfo | OutgoingRequestInfo) => void) | undefined;
  /** Whether a request to this URL gets the trace headers; `undefined`: every request does. */
  readonly propagateTo: ((url: string | URL) => boolean) | undefined;
}

/** The settings in force when no options are given (and for the explicit wrappers without `instrumentHttp`). */
export const DEFAULT_HTTP_INSTRUMENTATION_SETTINGS: HttpInstrumentationSettings = Object.freeze({
  ignoreIncomingRequest: undefined,
  ignoreOutgoingRequest: undefined,
  requestHeaders: Object.freeze([]),
  responseHeaders: Object.freeze([]),
  requestHook: undefined,
  propagateTo: undefined,
});

/** Applies the defaults to `options` and prepares the header lookups. */
export function resolveHttpInstrumentationSettings(options: HttpInstrumentationOptions = {}): HttpInstrumentationSettings {
  return Object.freeze({
    ignoreIncomingRequest: typeof options.ignoreIncomingRequest === 'function' ? options.ignoreIncomingRequest : undefined,
    ignoreOutgoingRequest: typeof options.ignoreOutgoingRequest === 'function' ? options.ignoreOutgoingRequest : undefined,
    requestHeaders: toCapturedHeaders(options.captureRequestHeaders, 'http.request.header.'),
    responseHeaders: toCapturedHeaders(options.captureResponseHeaders, 'http.response.header.'),
    requestHook: typeof options.requestHook === 'function' ? options.requestHook : undefined,
    propagateTo: resolvePropagateTraceHeaderUrls(options.propagateTraceHeaderUrls),
  });
}

function toCapturedHeaders(names: readonly string[] | undefined, prefix: string): readonly CapturedHeader[] {
  if (!Array.isArray(names)) return Object.freeze([]);
  const seen = new Set<string>();
  const result: CapturedHeader[] = [];
  for (const raw of names) {
    if (typeof raw !== 'string') continue;
    const name = raw.trim().toLowerCase();
    if (name === '' || seen.has(name)) continue;
    seen.add(name);
    result.push(Object.freeze({ name, attribute: prefix + name }));
  }
  return Object.freeze(result);
}

// --- the guarded calls into the user's callbacks

/**
 * The guarded calls into the user's `instrumentHttp` callbacks: a callback that throws is reported
 * (kind `instrumentation.http.hook`) and treated as if it had said "trace it" / done nothing.
 */

/** Whether `ignoreIncomingRequest` says to skip `request`; false when it is unset or throws. */
export function isIncomingRequestIgnored(settings: HttpInstrumentationSettings, request: IncomingMessage): boolean {
  const ignore = settings.ignoreIncomingRequest;
  if (ignore === undefined) return false;
  try {
    return ignore(request) === true;
  } catch (error) {
    reportError('instrumentation.http.hook', error, 'ignoreIncomingRequest');
    return false;
  }
}

/** Whether `ignoreOutgoingRequest` says to skip the request `info` describes; false when it is unset or throws. */
export function isOutgoingRequestIgnored(settings: HttpInstrumentationSettings, info: OutgoingRequestInfo): boolean {
  const ignore = settings.ignoreOutgoingRequest;
  if (ignore === undefined) return false;
  try {
    return ignore(info) === true;
  } catch (error) {
    reportError('instrumentation.http.hook', error, 'ignoreOutgoingRequest');
    return false;
  }
}

/** Calls `requestHook` with a freshly started recording span, if a hook is set. */
export function runRequestHook(settings: HttpInstrumentationSettings, span: Span, info: IncomingRequestInfo | OutgoingRequestInfo): void {
  const hook = settings.requestHook;
  if (hook === undefined) return;
  try {
    hook(span, info);
  } catch (error) {
    reportError('instrumentation.http.hook', error, 'requestHook');
  }
}
