import { context, propagation, trace, type Attributes, type Span, type TextMapSetter } from '@opentelemetry/api';
import { SPAN_KIND_CLIENT, STATUS_ERROR } from '../../../../internal/api-enum-values.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { isTracingSuppressed } from '../../../../context/suppress-tracing.js';
import { reportError, warnOnce } from '../../../../diagnostics/report.js';
import { isExporterRequest } from '../../../../transport/exporter-requests.js';
import { existingClientSpanFor } from '../../../../instrumentation/http/existing-client-span.js';
import { recordHeadersFromMessage, recordHeadersFromRecord } from '../../../../instrumentation/http/captured-headers.js';
import { errorMessageOf, errorTypeOf } from '../../../../instrumentation/http/error-type.js';
import { addressOf, defaultPortOf, portOf } from '../../../../instrumentation/http/host-and-port.js';
import {
  isOutgoingRequestIgnored,
  runRequestHook,
  type HttpInstrumentationSettings,
  type OutgoingRequestInfo,
} from './http-instrumentation-options.js';
import { getHttpTracer } from '../../../../instrumentation/http/http-tracer.js';
import { isNodeHttpCoveredElsewhere } from './opentelemetry-js-instrumentations.js';
import { redactUrl } from '../../../../instrumentation/http/redact.js';
import { ERROR_TYPE_ABORTED, normalizeMethod, spanNameForMethod } from '../../../../instrumentation/http/semantic-attributes.js';
import { earlyRequestAttributes } from './early-request-attributes.js';

/**
 * Client spans for `node:http` and `node:https` requests.
 *
 * Where Node publishes `http.client.request.created` (22.14+, 23.2+), the span starts there, in the
 * caller's context, and the trace headers are set on the request before anything is sent. Node 20 has
 * no such channel and publishes `http.client.request.start` only after the headers went out, so there
 * otelite wraps `request` and `get` of `node:http` and `node:https` (and calls
 * `module.syncBuiltinESMExports()` so ESM named imports see the wrappers). This is one of the two
 * places otelite replaces someone else's functions (the other: the listener methods of an emitter the
 * application passes to the context manager's `bind`); ARCHITECTURE.md lists both. The wrappers call the
 * original and start the span on the returned request; a
 * request created some other way (a `request` function captured before `instrumentHttp`, or
 * `new http.ClientRequest`) still gets a span at `http.client.request.start`, without trace headers.
 * `disable()` puts the originals back (unless something else has wrapped them since; then the wrappers
 * stay and pass straight through).
 *
 * Two kinds of request have their header block written inside the `ClientRequest` constructor, before
 * any channel or wrapper could add to it: headers given as an array (`['name', 'value', ...]`), and an
 * `Expect` header (`100-continue`), which Node sends at once. For those the wrappers (installed on every
 * Node version for this reason) start the span first and pass the request a copy of its headers with
 * the trace headers in it; every other request passes through untouched where the channel exists. Such a
 * span starts with the attributes read from the call's arguments (`early-request-attributes.ts`), so
 * samplers see its method, `url.full`, `server.address` and `server.port` as for any other request.
 *
 * Either way the request is then followed through `http.client.response.finish` (status, protocol
 * version) and `http.client.request.error` (status Error, `error.type`, end). The span ends when the
 * request emits `'close'`, which Node does after the response's `'end'` (its body fully read) or when
 * the exchange is torn down early; a response closed before it was complete ends the span with status
 * Error and `error.type` `aborted`. A response whose body is never read keeps its span open.
 *
 * Trace headers always replace a value already there (`setHeader`, or a replaced entry in a copied
 * list): a request never carries two `traceparent`s.
 */

/** A client request being traced: its span, and its response once one arrived. */
interface ClientRequestState {
  readonly span: Span;
  response: IncomingMessage | undefined;
}

/** Requests seen, by request; `null` marks one deliberately left untraced (or unsampled). */
const states = new WeakMap<ClientRequest, ClientRequestState | null>();

const CREATED = 'http.client.request.created';
const START = 'http.client.request.start';
const RESPONSE_FINISH = 'http.client.response.finish';
const REQUEST_ERROR = 'http.client.request.error';

let activeSettings: HttpInstrumentationSettings | undefined;

/**
 * The span a wrapper started for a request whose headers Node writes in its constructor, while that
 * constructor runs (so the `http.client.request.created` subscriber uses it instead of starting one).
 */
let prepared: PreparedRequest | undefined;

/** A span started before its request existed, and the `Host` header its list of headers gives, if any. */
interface PreparedRequest {
  readonly span: Span;
  readonly host: string | undefined;
  /** `url.full`, `server.address`, `server.port` as read from the call's arguments, which a header list hides from the request. */
  readonly attributes: Attributes | undefined;
}

const requestHeaderSetter: TextMapSetter<ClientRequest> = {
  set(request, key, value) {
    request.setHeader(key, value);
  },
};

/** Whether this Node publishes `http.client.request.created` (before the request's headers are sent). */
export function hasClientRequestCreatedChannel(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 2) || (major === 22 && minor >= 14);
}

/** Traces `node:http(s)` requests with `settings`; a second call only replaces the settings. */
export function enableNodeClientInstrumentation(settings: HttpInstrumentationSettings): void {
  const wasEnabled = activeSettings !== undefined;
  activeSettings = settings;
  if (wasEnabled) return;
  patchClientModules();
  if (hasClientRequestCreatedChannel()) {
    subscribe(CREATED, onCreated);
  } else {
    subscribe(START, onStart);
  }
  subscribe(RESPONSE_FINISH, onResponseFinish);
  subscribe(REQUEST_ERROR, onRequestError);
}

/** Stops tracing `node:http(s)` requests and removes the `request`/`get` wrappers. Spans in flight still end. */
export function disableNodeClientInstrumentation(): void {
  if (activeSettings === undefined) return;
  activeSettings = undefined;
  if (hasClientRequestCreatedChannel()) {
    unsubscribe(CREATED, onCreated);
  } else {
    unsubscribe(START, onStart);
  }
  unpatchClientModules();
  unsubscribe(RESPONSE_FINISH, onResponseFinish);
  unsubscribe(REQUEST_ERROR, onRequestError);
}

function onCreated(message: unknown): void {
  const early = prepared;
  prepared = undefined;
  const request = (message as { request: ClientRequest }).request;
  // The first https request is how otelite learns that the application loaded node:https (see
  // patchClientModules): its wrapper goes on now, for the requests after this one.
  if (httpsWaiting && (request as { protocol?: unknown }).protocol === 'https:') patchHttps();
  traceClientRequest(request, true, early);
}

function onStart(message: unknown): void {
  const request = (message as { request: ClientRequest }).request;
  // Requests made through the wrappers were handled at creation; this catches the others, too late to
  // inject trace headers.
  if (!states.has(request)) traceClientRequest(request, false);
}

/**
 * Starts the span of a newly created `request` and, when `inject` is set, adds the trace headers. With
 * `prepared`, the span was started (and its headers given) before the request existed: it only gets
 * its name and attributes here.
 */
function traceClientRequest(request: ClientRequest, inject: boolean, early?: PreparedRequest): void {
  const settings = activeSettings;
  if (settings === undefined) return;
  try {
    if (states.has(request)) return;
    const parent = context.active();
    if (early === undefined && (isTracingSuppressed(parent) || isExporterRequest(request) || isNodeHttpCoveredElsewhere())) {
      states.set(request, null);
      return;
    }
    const originalMethod = request.method;
    const protocol = request.protocol;
    // Headers given as a list are not readable through getHeader().
    const hostHeader = request.getHeader('host') ?? early?.host;
    const authority = typeof hostHeader === 'string' ? hostHeader : request.host;
    const url = redactUrl(`${protocol}//${authority}${request.path}`);
    if (
      settings.ignoreOutgoingRequest !== undefined &&
      isOutgoingRequestIgnored(settings, { direction: 'outgoing', api: 'http', method: originalMethod, url, request })
    ) {
      states.set(request, null);
      return;
    }
    if (early === undefined && existingClientSpanFor(parent, `${protocol}//${authority}`) !== undefined) {
      // The caller's own client span for this request: no second span, its trace headers.
      if (inject && (settings.propagateTo === undefined || settings.propagateTo(url))) injectTraceHeaders(request, parent);
      states.set(request, null);
      return;
    }
    const method = normalizeMethod(originalMethod);
    const attributes: Attributes = {
      'http.request.method': method,
      'url.full': url,
      'server.address': request.host ?? addressOf(authority),
      'server.port': typeof hostHeader === 'string' ? portOf(hostHeader, defaultPortOf(protocol)) : defaultPortOf(protocol),
    };
    if (method !== originalMethod) attributes['http.request.method_original'] = originalMethod;
    let span: Span;
    if (early === undefined) {
      span = getHttpTracer().startSpan(spanNameForMethod(method), { kind: SPAN_KIND_CLIENT, attributes }, parent);
      if (inject && (settings.propagateTo === undefined || settings.propagateTo(url))) {
        injectTraceHeaders(request, trace.setSpan(parent, span));
      }
    } else {
      span = early.span;
      span.updateName(spanNameForMethod(method));
      span.setAttributes(early.attributes === undefined ? attributes : { ...attributes, ...early.attributes });
    }
    if (!span.isRecording()) {
      states.set(request, null);
      return;
    }
    states.set(request, { span, response: undefined });
    if (settings.requestHeaders.length > 0) recordHeadersFromMessage(span, settings.requestHeaders, request);
    if (settings.requestHook !== undefined) {
      const info: OutgoingRequestInfo = { direction: 'outgoing', api: 'http', method: originalMethod, url, request };
      runRequestHook(settings, span, info);
    }
    request.on('close', onRequestClose);
  } catch (error) {
    reportError('instrumentation.http.client', error);
  }
}

function injectTraceHeaders(request: ClientRequest, spanContext: ReturnType<typeof trace.setSpan>): void {
  try {
    // Headers given as an array are written at construction; nothing can be added then.
    if (request.headersSent) return;
    propagation.inject(spanContext, request, requestHeaderSetter);
  } catch (error) {
    reportError('instrumentation.http.client', error, 'inject');
  }
}

function onResponseFinish(message: unknown): void {
  try {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const state = states.get(request);
    if (state === undefined || state === null) return;
    state.response = response;
    const span = state.span;
    const status = response.statusCode ?? 0;
    span.setAttribute('http.response.status_code', status);
    span.setAttribute('network.protocol.version', response.httpVersion);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: STATUS_ERROR });
    }
    const settings = activeSettings;
    if (settings !== undefined && settings.responseHeaders.length > 0) {
      recordHeadersFromRecord(span, settings.responseHeaders, response.headers);
    }
  } catch (error) {
    reportError('instrumentation.http.client', error);
  }
}

function onRequestError(message: unknown): void {
  try {
    const { request, error } = message as { request: ClientRequest; error: unknown };
    const state = states.get(request);
    if (state === undefined || state === null) return;
    states.set(request, null);
    const span = state.span;
    span.setAttribute('error.type', errorTypeOf(error));
    span.setStatus({ code: STATUS_ERROR, message: errorMessageOf(error) });
    span.end();
  } catch (error) {
    reportError('instrumentation.http.client', error);
  }
}

function onRequestClose(this: ClientRequest): void {
  try {
    const state = states.get(this);
    if (state === undefined || state === null) return;
    states.set(this, null);
    const span = state.span;
    if (state.response === undefined || !state.response.complete) {
      span.setAttribute('error.type', ERROR_TYPE_ABORTED);
      span.setStatus({
        code: STATUS_ERROR,
        message:
          state.response === undefined
            ? 'The request was closed before a response arrived'
            : 'The response was closed before it was complete',
      });
    }
    span.end();
  } catch (error) {
    reportError('instrumentation.http.client', error);
  }
}

// --- Wrapping request/get of node:http and node:https (every request on Node 20; header lists and Expect on every version)

type HttpModule = typeof import('node:http');
type RequestFunction = HttpModule['request'];
type GetFunction = HttpModule['get'];

interface Patch {
  readonly module: HttpModule;
  readonly originalRequest: RequestFunction;
  readonly originalGet: GetFunction;
  readonly request: RequestFunction;
  readonly get: GetFunction;
}

let patches: Patch[] = [];
/** node:https is still to be wrapped: at its first request (see patchClientModules). */
let httpsWaiting = false;

function patchClientModules(): void {
  if (patches.length > 0) return;
  try {
    // The modules' own (mutable) export objects, which ESM namespace imports are not.
    const http = process.getBuiltinModule('node:http');
    patches = [patchModule(http)];
    // node:https brings node:tls and, from Node 22 on, OpenSSL's set-up (~2 ms of CPU on Node 20, ~13 ms on
    // Node 24), so an application that never loads it must not pay that for otelite. Where Node
    // publishes `http.client.request.created`, every request is traced and given its headers from that
    // channel, and the wrapper is only needed for header lists and `Expect`: it goes on when https is
    // already loaded, else at the first https request (which the channel traces). Older Nodes need the
    // wrapper for every request, so it goes on now.
    if (hasClientRequestCreatedChannel() && !isBuiltinLoaded('https')) httpsWaiting = true;
    else patches.push(patchModule(process.getBuiltinModule('node:https') as unknown as HttpModule));
    syncBuiltinESMExports();
  } catch (error) {
    reportError('instrumentation.http.client', error, 'wrapping node:http');
  }
}

function patchHttps(): void {
  httpsWaiting = false;
  try {
    patches.push(patchModule(process.getBuiltinModule('node:https') as unknown as HttpModule));
    syncBuiltinESMExports();
  } catch (error) {
    reportError('instrumentation.http.client', error, 'wrapping node:https');
  }
}

/** Whether the built-in module `name` has been loaded (Node's list of them; false where it has none). */
function isBuiltinLoaded(name: string): boolean {
  const loaded = (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
  return loaded === undefined || loaded.includes(`NativeModule ${name}`);
}

function unpatchClientModules(): void {
  httpsWaiting = false;
  try {
    for (const patch of patches) {
      const module = patch.module as { request: RequestFunction; get: GetFunction };
      if (module.request === patch.request) module.request = patch.originalRequest;
      else warnOnce('node:http(s).request was wrapped again after instrumentHttp(); its wrapper stays, passing calls through.');
      if (module.get === patch.get) module.get = patch.originalGet;
    }
    patches = [];
    syncBuiltinESMExports();
  } catch (error) {
    reportError('instrumentation.http.client', error, 'unwrapping node:http');
  }
}

function patchModule(module: HttpModule): Patch {
  const originalRequest = module.request as (...args: unknown[]) => ClientRequest;
  const originalGet = module.get;
  const tracesAfterCreation = !hasClientRequestCreatedChannel();
  const defaultProtocol = (module as { globalAgent?: { protocol?: string } }).globalAgent?.protocol ?? 'http:';
  const request = function request(this: unknown, ...args: unknown[]): ClientRequest {
    const early = activeSettings === undefined ? undefined : withTraceHeadersBeforeCreation(args, defaultProtocol, activeSettings);
    if (early === undefined) {
      const clientRequest = originalRequest.apply(this, args);
      if (tracesAfterCreation) traceClientRequest(clientRequest, true);
      return clientRequest;
    }
    prepared = early.prepared;
    let clientRequest: ClientRequest;
    try {
      clientRequest = originalRequest.apply(this, early.args);
    } finally {
      prepared = undefined;
    }
    traceClientRequest(clientRequest, false, early.prepared);
    return clientRequest;
  } as RequestFunction;
  // What Node's own get() does, on top of the wrapped request(): headers must be set before end().
  const get = function get(this: unknown, ...args: unknown[]): ClientRequest {
    const clientRequest = (request as (...a: unknown[]) => ClientRequest).apply(this, args);
    clientRequest.end();
    return clientRequest;
  } as GetFunction;
  module.request = request;
  module.get = get;
  return { module, originalRequest: originalRequest as RequestFunction, originalGet, request, get };
}

/** A headers object as given in the options of `http.request`. */
type HeaderRecord = Record<string, unknown>;

/**
 * For a request whose headers Node writes in the constructor (an array of headers, or an `Expect`
 * header), starts its span in the caller's context and returns the call's arguments with a copy of the
 * headers that holds the trace headers. `undefined` for every other call (and with tracing suppressed).
 */
function withTraceHeadersBeforeCreation(
  args: unknown[],
  defaultProtocol: string,
  settings: HttpInstrumentationSettings,
): { prepared: PreparedRequest; args: unknown[] } | undefined {
  try {
    const index = isPlainOptions(args[0]) ? 0 : isPlainOptions(args[1]) ? 1 : -1;
    if (index === -1) return undefined;
    const options = args[index] as { headers?: unknown; method?: unknown };
    const headers = options.headers;
    const isList = Array.isArray(headers);
    if (!isList && !(typeof headers === 'object' && headers !== null && hasExpectHeader(headers as HeaderRecord))) {
      return undefined;
    }
    const parent = context.active();
    if (isTracingSuppressed(parent) || isNodeHttpCoveredElsewhere()) return undefined;
    const method = normalizeMethod(typeof options.method === 'string' ? options.method.toUpperCase() : 'GET');
    const target = earlyRequestAttributes(args, index, defaultProtocol);
    // Not to be given the headers (or no telling where it goes): the span is started at creation, as for
    // any other request.
    const url = target?.['url.full'];
    if (settings.propagateTo !== undefined && (typeof url !== 'string' || !settings.propagateTo(url))) return undefined;
    const span = getHttpTracer().startSpan(
      spanNameForMethod(method),
      { kind: SPAN_KIND_CLIENT, attributes: { 'http.request.method': method, ...target } },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    let copied: unknown;
    let host: string | undefined;
    if (isList) {
      const list = [...(headers as unknown[])];
      host = hostOfList(list);
      propagation.inject(spanContext, list, headerListSetter);
      copied = list;
    } else {
      const record: HeaderRecord = { ...(headers as HeaderRecord) };
      propagation.inject(spanContext, record, headerRecordSetter);
      copied = record;
    }
    const changed = [...args];
    changed[index] = { ...options, headers: copied };
    return { prepared: { span, host, attributes: target }, args: changed };
  } catch (error) {
    reportError('instrumentation.http.client', error, 'inject');
    return undefined;
  }
}

/** An options object (not a URL, a string or the callback). */
function isPlainOptions(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof URL);
}

function hostOfList(list: readonly unknown[]): string | undefined {
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (typeof name === 'string' && name.length === 4 && name.toLowerCase() === 'host') {
      const value = list[i + 1];
      return typeof value === 'string' ? value : undefined;
    }
  }
  return undefined;
}

function hasExpectHeader(headers: HeaderRecord): boolean {
  for (const name of Object.keys(headers)) {
    if (name.length === 6 && name.toLowerCase() === 'expect' && headers[name] !== undefined) return true;
  }
  return false;
}

/** Sets a header in a flat `[name, value, ...]` list, removing every earlier entry of that name. */
const headerListSetter: TextMapSetter<unknown[]> = {
  set(list, key, value) {
    for (let i = list.length - 2; i >= 0; i -= 2) {
      const name = list[i];
      if (typeof name === 'string' && name.toLowerCase() === key) list.splice(i, 2);
    }
    list.push(key, value);
  },
};

/** Sets a header in a copied headers object, removing any other spelling of its name. */
const headerRecordSetter: TextMapSetter<HeaderRecord> = {
  set(record, key, value) {
    for (const name of Object.keys(record)) {
      if (name !== key && name.toLowerCase() === key) delete record[name];
    }
    record[key] = value;
  },
};
