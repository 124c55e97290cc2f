import {
  context,
  createContextKey,
  ROOT_CONTEXT,
  type Attributes,
  type Context,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import { SPAN_KIND_SERVER, STATUS_ERROR } from '../../../../internal/api-enum-values.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { enterContext } from '../../context/async-local-storage-context-manager.js';
import { OverlayContext, overlayDeleting, setContextValue } from '../../../../context/overlay-context.js';
import { SPAN_KEY, type BuiltAttributeCount, type Tracer as OteliteTracer } from '../../../../trace/tracer.js';
import { RecordingSpan } from '../../../../trace/span.js';
import { reportError, warnOnce } from '../../../../diagnostics/report.js';
import { recordHeadersFromMessage, recordHeadersFromRecord } from '../../../../instrumentation/http/captured-headers.js';
import { addressOf, defaultPortOf, portOf } from '../../../../instrumentation/http/host-and-port.js';
import {
  DEFAULT_HTTP_INSTRUMENTATION_SETTINGS,
  isIncomingRequestIgnored,
  runRequestHook,
  type HttpInstrumentationSettings,
} from './http-instrumentation-options.js';
import { extractWithGlobalPropagator, registeredGlobalPropagator } from '../../../../instrumentation/http/api-globals.js';
import { CompositePropagator } from '../../../../propagation/composite.js';
import { BAGGAGE_HEADER, W3CBaggagePropagator } from '../../../../propagation/baggage.js';
import { TRACE_PARENT_HEADER, TRACE_STATE_HEADER, W3CTraceContextPropagator } from '../../../../propagation/trace-context.js';
import { getHttpTracer } from '../../../../instrumentation/http/http-tracer.js';
import { isNodeHttpCoveredElsewhere } from './opentelemetry-js-instrumentations.js';
import { redactQuery } from '../../../../instrumentation/http/redact.js';
import { ERROR_TYPE_ABORTED, normalizeMethod, spanNameForMethod } from '../../../../instrumentation/http/semantic-attributes.js';
import { noticeResponseEnds, stopNoticingResponseEnds } from './response-end-time.js';
import { endOrDeferRequestSpan, serverSpanJoiner, setOwnServerSpanStarting, type JoinableRequest } from './joined-server-span.js';
import { setServerSpanJoiner } from '../../../../trace/server-span-join.js';
import { EXPORT_REQUEST_HEADER } from '../../../../transport/exporter-requests.js';

/**
 * Server spans for `node:http` and `node:https` servers, from Node's diagnostics channels:
 *
 * - `http.server.request.start` (request, response, socket, server): the span starts, its parent
 *   extracted from the request headers by the global propagator, and the context holding it is entered
 *   for the rest of the request's synchronous dispatch, so the `'request'` listener and everything it
 *   awaits or schedules run with the server span active.
 * - `http.server.response.finish`: the span ends with the response status, at the time the application
 *   called the response's `end()` (see response-end-time.ts). Node publishes the channel from the
 *   socket's write callback, an event-loop turn or, with the loop busy right after `end()`, many later:
 *   the client may have its answer long before.
 * - the socket's `'close'` event with the response not finished (client went away, socket destroyed):
 *   the span ends with status Error and `error.type` `aborted`. One listener per socket, not per
 *   response; a span started without the channels (`traceHandler`, Bun) listens to its response's
 *   `'close'` instead.
 *
 * Per-request state lives on the response, under a symbol key, removed when the span ends: one
 * {@link ServerRequest} record for a recording span, only the handler's context for a non-recording one.
 */

/**
 * What is known about one traced, recording server request while it runs, in one record allocated per
 * request: the state, the span, and the context the request's handler runs in, which it *is*: the
 * extracted parent context plus two slots, the server span under the API's span key and the record
 * itself under {@link RPC_METADATA_KEY}. It is thus also the request's RPC metadata in
 * opentelemetry-js's shape (`{ type: 'http', span, route? }`): framework instrumentations (Express,
 * Fastify, Koa, Hapi, ...) find it in the active context and set `route`, which names the span when it
 * ends. As a context it is immutable (its two slots never change); `setValue` and `deleteValue` make
 * overlays over it.
 *
 * A request whose span does not record has no record: its response holds its context (the parent
 * plus the non-recording span) and nothing else is kept or hooked for it.
 */
class ServerRequest implements Context, JoinableRequest {
  // The fields are declared here and set in the constructor, in this order: field initializers would
  // be a separate function V8 calls for every request.
  /** opentelemetry-js's `RPCType.HTTP`. */
  declare readonly type: 'http';
  declare readonly span: Span;
  /** The route template, set by a framework instrumentation, a joined framework span or {@link setHttpRoute}. */
  declare route: string | undefined;
  /** The span name without a route: the method, or `HTTP`. */
  declare readonly baseName: string;
  declare openJoined: number;
  declare deferredEnd: number | undefined;
  declare deferTimer: ReturnType<typeof setTimeout> | undefined;
  declare finished: boolean;
  declare childRoute: string | undefined;
  /** `performance.now()` when the application called the response's `end()`, if it has. */
  declare finishedAt: number | undefined;
  /** The extracted parent context: it answers for every other key. */
  declare readonly parent: Context;
  /**
   * The response, until the span ends: an async resource that outlives the request keeps its context,
   * and with it this record, but not the response (nor its socket and buffers).
   */
  declare response: TracedResponse | undefined;
  /**
   * The socket whose `'close'` ends the span of a response that never finishes (see
   * {@link watchSocket}); `undefined` when the response's own `'close'` listener does.
   */
  declare socket: TracedSocket | undefined;
  /** The next recording request in flight on the same socket. */
  declare next: ServerRequest | undefined;

  constructor(span: Span, baseName: string, parent: Context, response: TracedResponse) {
    this.type = 'http';
    this.span = span;
    this.route = undefined;
    this.baseName = baseName;
    this.openJoined = 0;
    this.deferredEnd = undefined;
    this.deferTimer = undefined;
    this.finished = false;
    this.childRoute = undefined;
    this.finishedAt = undefined;
    this.parent = parent;
    this.response = response;
    this.socket = undefined;
    this.next = undefined;
  }

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === RPC_METADATA_KEY) return this;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new OverlayContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return overlayDeleting(this, key);
  }
}

/**
 * The key of a response's traced state: the {@link ServerRequest} of a recording span, the context of
 * a non-recording one, `null` for a request deliberately left untraced, `undefined` (or no property)
 * for one not seen or already ended. A symbol-keyed property rather than a WeakMap entry: adding,
 * reading and clearing it costs a fraction of the WeakMap operations, and the collector has no
 * ephemeron to trace per request.
 */
const STATE = Symbol('otelite http server request');

/** A response as the server instrumentation sees it. */
type TracedResponse = ServerResponse & { [STATE]?: Context | null };

/**
 * The key of a socket's recording requests in flight, oldest first, linked by `next`: `null` once the
 * socket has our `'close'` listener and none is in flight, `undefined` (no property) before.
 */
const IN_FLIGHT = Symbol('otelite http server requests in flight');

/**
 * The key of a socket's peer address, read once per connection (see {@link peerAddressOf}): `undefined`
 * (no property) until a recording request on it needed it.
 */
const PEER_ADDRESS = Symbol('otelite http server peer address');

/** A server socket as the server instrumentation sees it. */
type TracedSocket = Socket & { [IN_FLIGHT]?: ServerRequest | null; [PEER_ADDRESS]?: string };

/** The sockets with a `'close'` listener of ours, so that disabling can hand their requests over. */
const watchedSockets = new Set<TracedSocket>();

/**
 * Holds the {@link ServerRequest} in a handler's context. The key is opentelemetry-js's RPC
 * metadata key (`@opentelemetry/core`'s `setRPCMetadata`/`getRPCMetadata`): `createContextKey` makes
 * `Symbol.for(description)`, so the same description is the same key, without depending on that package.
 */
export const RPC_METADATA_KEY = createContextKey('OpenTelemetry SDK Context Key RPC_METADATA');

const REQUEST_START = 'http.server.request.start';
const RESPONSE_FINISH = 'http.server.response.finish';

let activeSettings: HttpInstrumentationSettings | undefined;

/** Subscribes the server channels with `settings`; a second call only replaces the settings. */
export function enableServerInstrumentation(settings: HttpInstrumentationSettings): void {
  const wasEnabled = activeSettings !== undefined;
  activeSettings = settings;
  if (wasEnabled) return;
  subscribe(REQUEST_START, onRequestStart);
  subscribe(RESPONSE_FINISH, onResponseFinish);
  setServerSpanJoiner(serverSpanJoiner);
}

/**
 * Unsubscribes the server channels. Spans already started still end: their responses get a `'close'`
 * listener, as without channels.
 */
export function disableServerInstrumentation(): void {
  if (activeSettings === undefined) return;
  activeSettings = undefined;
  unsubscribe(REQUEST_START, onRequestStart);
  unsubscribe(RESPONSE_FINISH, onResponseFinish);
  setServerSpanJoiner(undefined);
  stopNoticingResponseEnds();
  // The finish channel no longer ends the requests in flight: their responses' 'close' does.
  for (const socket of watchedSockets) {
    let request = socket[IN_FLIGHT];
    // Unwatched, as if never seen: enabled again, the instrumentation adds its listener again.
    socket.removeListener('close', onSocketClose);
    socket[IN_FLIGHT] = undefined;
    while (request !== undefined && request !== null) {
      const next = request.next;
      request.socket = undefined;
      request.next = undefined;
      const response = request.response;
      if (response !== undefined && response[STATE] === request) response.on('close', onResponseClose);
      request = next;
    }
  }
  watchedSockets.clear();
}

function onRequestStart(message: unknown): void {
  const settings = activeSettings;
  if (settings === undefined) return;
  let requestContext: Context;
  try {
    const { request, response, socket } = message as { request: IncomingMessage; response: ServerResponse; socket?: Socket };
    requestContext = startServerSpan(request, response, settings, socket);
  } catch (error) {
    reportError('instrumentation.http.server', error);
    return;
  }
  // Entered even when untraced: a keep-alive socket would otherwise hand the previous request's
  // context to this one. Outside the try: on Node 24 entering constructs the store's AsyncContextFrame
  // (a Map subclass), and V8 compiles a subclass construction inlined into a try block the generic way
  // (a runtime lookup of the parent constructor, ~16 L1 data misses per request). enterContext calls
  // only Node's AsyncLocalStorage.enterWith, which does not throw; the check that may call a user's
  // context manager has a try of its own.
  const entered = enterContext(requestContext);
  if (!entered || !confirmed) checkEnteredContext(requestContext, entered);
}

/** A response finished (Node publishes it for every response, traced or not): ends a recording span. */
function onResponseFinish(message: unknown): void {
  try {
    const response = (message as { response: TracedResponse }).response;
    const state = response[STATE];
    // Nothing to end for an untraced or non-recording request; its context stays with its response.
    if (!(state instanceof ServerRequest)) return;
    response[STATE] = undefined;
    forgetInSocket(state);
    endServerSpan(state, response, false);
  } catch (error) {
    reportError('instrumentation.http.server', error);
  }
}

/** Read once: the global `performance` is an accessor (a slow global load on every response otherwise). */
const monotonic = performance;

/** A response's `end()` was called: the span's end time, unless the response turns out aborted. */
function onResponseEnd(response: ServerResponse): void {
  const state = (response as TracedResponse)[STATE];
  if (state instanceof ServerRequest && state.finishedAt === undefined) state.finishedAt = monotonic.now();
}

/**
 * A response closed: ends the span if the finish channel has not (aborted, or traced without channels).
 * Listened to only for requests traced without the channels (see {@link watchSocket}).
 */
function onResponseClose(this: TracedResponse): void {
  try {
    const state = this[STATE];
    if (state === undefined) return;
    this[STATE] = undefined;
    if (state instanceof ServerRequest) endServerSpan(state, this, !this.writableFinished);
  } catch (error) {
    reportError('instrumentation.http.server', error);
  }
}

/**
 * Makes `socket`'s `'close'` end the span of `request` if its response never finishes: the finish
 * channel ends it otherwise. One listener per socket, not per response, so that a keep-alive connection
 * pays for it once; the socket keeps its recording requests in flight in order (pipelined requests
 * are answered in order, so the finished one is the first).
 */
function watchSocket(request: ServerRequest, socket: TracedSocket): void {
  request.socket = socket;
  let last = socket[IN_FLIGHT];
  if (last === undefined) {
    socket.on('close', onSocketClose);
    watchedSockets.add(socket);
    socket[IN_FLIGHT] = request;
    return;
  }
  if (last === null) {
    socket[IN_FLIGHT] = request;
    return;
  }
  while (last.next !== undefined) last = last.next;
  last.next = request;
}

/** Takes `request` out of its socket's requests in flight. */
function forgetInSocket(request: ServerRequest): void {
  const socket = request.socket;
  if (socket === undefined) return;
  request.socket = undefined;
  let previous = socket[IN_FLIGHT];
  if (previous === request) {
    socket[IN_FLIGHT] = request.next ?? null;
  } else {
    while (previous !== undefined && previous !== null && previous.next !== request) previous = previous.next;
    if (previous !== undefined && previous !== null) previous.next = request.next;
  }
  request.next = undefined;
}

/**
 * A watched socket closed: the requests still in flight on it will not finish. Each span ends as its
 * response's `'close'` would have ended it: with status Error and `error.type` `aborted` unless the
 * response had finished writing.
 */
function onSocketClose(this: TracedSocket): void {
  let request = this[IN_FLIGHT];
  this[IN_FLIGHT] = null;
  watchedSockets.delete(this);
  while (request !== undefined && request !== null) {
    const next = request.next;
    request.socket = undefined;
    request.next = undefined;
    const response = request.response;
    try {
      if (response !== undefined && response[STATE] === request) {
        response[STATE] = undefined;
        endServerSpan(request, response, !response.writableFinished);
      }
    } catch (error) {
      reportError('instrumentation.http.server', error);
    }
    request = next;
  }
}

/**
 * The context a traced request's handler should run in, if the request has already been seen by the
 * server instrumentation: `null` for a request it left untraced, `undefined` for one it has not seen.
 */
function existingServerContext(response: ServerResponse): Context | null | undefined {
  return (response as TracedResponse)[STATE];
}

/**
 * The context a wrapped request listener (`traceHandler`, the `'request'` event wrapper) runs in: the
 * server span's if the channel already started one, else that of a span started now with the enabled
 * instrumentation's settings (or the defaults); `null` to run it as is (left untraced, or a failure,
 * reported under `where`).
 */
export function handlerContextOf(request: IncomingMessage, response: ServerResponse, where: string): Context | null {
  try {
    const existing = existingServerContext(response);
    if (existing !== undefined) return existing;
    return startServerSpan(request, response, activeSettings ?? DEFAULT_HTTP_INSTRUMENTATION_SETTINGS, undefined);
  } catch (error) {
    reportError('instrumentation.http.server', error, where);
    return null;
  }
}

/**
 * Starts the server span of `request` (unless `ignoreIncomingRequest` says not to) and returns the
 * context its handler should run in: the extracted parent plus the span, or the root context for an
 * ignored request. A recording span ends when the response finishes (the finish channel) or, when it
 * never does, when `socket` closes; without a `socket` (no channels), when the response closes.
 */
export function startServerSpan(
  request: IncomingMessage,
  response: ServerResponse,
  settings: HttpInstrumentationSettings,
  socket: Socket | undefined,
): Context {
  // request.headers costs nothing more here: Node's server builds it for every request right after this
  // channel (it reads host and expect), so reading the raw list instead would only add work.
  const headers = request.headers;
  // An otelite exporter's request (see isExportRequestHeaders; a header record needs no more than this read).
  if (isNodeHttpCoveredElsewhere() || headers[EXPORT_REQUEST_HEADER] !== undefined || isIncomingRequestIgnored(settings, request)) {
    (response as TracedResponse)[STATE] = null;
    return ROOT_CONTEXT;
  }
  const parent = extractRequestParent(headers);
  const originalMethod = request.method ?? 'GET';
  // GET, most requests, without the set lookup of normalizeMethod.
  const method = originalMethod === 'GET' ? originalMethod : normalizeMethod(originalMethod);
  const baseName = spanNameForMethod(method);
  const tracer = getHttpTracer() as Tracer & Partial<Pick<OteliteTracer, 'startSpanWithDeferredAttributes'>>;
  let span: Span;
  setOwnServerSpanStarting(true);
  try {
    if (tracer.startSpanWithDeferredAttributes !== undefined) {
      span = tracer.startSpanWithDeferredAttributes(baseName, SPAN_KIND_SERVER, parent, buildRequestAttributes, request);
    } else {
      span = tracer.startSpan(
        baseName,
        { kind: SPAN_KIND_SERVER, attributes: requestAttributes(request, headers, method, originalMethod) },
        parent,
      );
    }
  } finally {
    setOwnServerSpanStarting(false);
  }
  if (!span.isRecording()) {
    // A span that records nothing has no route to take and no end to wait for: one overlay context
    // (see overlay-context.ts), without the RPC metadata.
    const spanContext = setContextValue(parent, SPAN_KEY, span);
    (response as TracedResponse)[STATE] = spanContext;
    return spanContext;
  }
  const state = new ServerRequest(span, baseName, parent, response);
  (response as TracedResponse)[STATE] = state;
  if (settings.requestHeaders.length > 0) recordHeadersFromRecord(span, settings.requestHeaders, headers);
  if (settings.requestHook !== undefined) runRequestHook(settings, span, { direction: 'incoming', request });
  noticeResponseEnds(response, onResponseEnd);
  if (socket !== undefined && socket !== null) watchSocket(state, socket as TracedSocket);
  else response.on('close', onResponseClose);
  return state;
}

/**
 * The start attributes of `request`'s server span, built when the tracer asks for them. The request
 * comes as the builder's argument, not through module variables: storing a request (a young object)
 * into the module's context (an old one) took V8's write-barrier slow path twice per request.
 * `request.headers` is Node's getter, built by then, and GET needs no normalizing.
 */
function buildRequestAttributes(request: IncomingMessage, built: BuiltAttributeCount): Attributes {
  const originalMethod = request.method ?? 'GET';
  const method = originalMethod === 'GET' ? originalMethod : normalizeMethod(originalMethod);
  return requestAttributes(request, request.headers, method, originalMethod, built);
}

/** The global propagator {@link extractRequestParent} last looked at (`null`: none yet). */
let checkedPropagator: TextMapPropagator | undefined | null = null;
/** Whether it is otelite's W3C propagation, which extracts nothing without a `traceparent` or `baggage` header. */
let extractsOnlyW3C = false;

/**
 * The parent context of a request with `headers`: what the global propagator extracts. Without a
 * `traceparent` or a `baggage` header, otelite's W3C propagators (the default) extract nothing, so the
 * root context is the answer without the call (two property reads instead of the propagators' lookups
 * through the API's getter).
 */
function extractRequestParent(headers: IncomingHttpHeaders): Context {
  const propagator = registeredGlobalPropagator();
  if (propagator !== checkedPropagator) {
    checkedPropagator = propagator;
    extractsOnlyW3C = isOteliteW3CPropagation(propagator);
  }
  if (extractsOnlyW3C && headers[TRACE_PARENT_HEADER] === undefined && headers[BAGGAGE_HEADER] === undefined) return ROOT_CONTEXT;
  return extractWithGlobalPropagator(headers);
}

/**
 * Whether `propagator` is otelite's trace-context or baggage propagator, or otelite's composite of
 * such: one that, from a carrier without `traceparent` and `baggage`, asks for nothing else and
 * extracts nothing. A composite's members are private: checked once by what they declare
 * (`fields()`) and by what they ask an empty carrier for and return; any other propagator (a
 * subclass, another SDK's, B3, ...) is always called.
 */
function isOteliteW3CPropagation(propagator: TextMapPropagator | undefined): boolean {
  if (propagator === undefined) return false;
  const prototype = Object.getPrototypeOf(propagator) as unknown;
  if (prototype === W3CTraceContextPropagator.prototype || prototype === W3CBaggagePropagator.prototype) return true;
  if (prototype !== CompositePropagator.prototype) return false;
  try {
    let asksOnlyW3C = true;
    const probe = {
      get(_carrier: unknown, key: string): undefined {
        if (key !== TRACE_PARENT_HEADER && key !== BAGGAGE_HEADER) asksOnlyW3C = false;
        return undefined;
      },
      keys(): string[] {
        asksOnlyW3C = false; // a member going through every header could find others
        return [];
      },
    };
    const extracted = propagator.extract(ROOT_CONTEXT, {}, probe);
    const declared = propagator.fields();
    return (
      asksOnlyW3C &&
      extracted === ROOT_CONTEXT &&
      declared.every((field) => field === TRACE_PARENT_HEADER || field === TRACE_STATE_HEADER || field === BAGGAGE_HEADER)
    );
  } catch {
    return false;
  }
}

/**
 * Makes a server span's attribute object: indistinguishable from `{}` (its prototype is
 * `Object.prototype`), but built by a constructor, so V8 sizes it by what such objects come to hold (its
 * slack tracking): the usual eight attributes, the status code set at the end included, fit in the object
 * itself. An object literal of four keys would keep the rest in a separate property array, grown again
 * when the status code comes.
 */
const RequestAttributes = function RequestAttributes() {} as unknown as new () => Attributes;
RequestAttributes.prototype = Object.prototype;

/**
 * The start attributes of a server span for `request` with `headers`, whose method normalizes to
 * `method`; their number goes to `built` when given (the span then need not count them).
 */
function requestAttributes(
  request: IncomingMessage,
  headers: IncomingHttpHeaders,
  method: string,
  originalMethod: string,
  built?: BuiltAttributeCount,
): Attributes {
  const encrypted = (request.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const scheme = encrypted ? 'https' : 'http';
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const attributes = new RequestAttributes();
  attributes['http.request.method'] = method;
  attributes['url.scheme'] = scheme;
  attributes['url.path'] = question === -1 ? pathOf(target) : pathOf(target.slice(0, question));
  attributes['network.protocol.version'] = protocolVersion(request);
  let count = 4;
  if (method !== originalMethod) {
    attributes['http.request.method_original'] = originalMethod;
    count++;
  }
  if (question !== -1) {
    attributes['url.query'] = redactQuery(target.slice(question + 1));
    count++;
  }
  const host = headers.host;
  if (host !== undefined) {
    attributes['server.address'] = addressOf(host);
    attributes['server.port'] = portOf(host, defaultPortOf(scheme));
    count += 2;
  }
  const forwardedFor = headers['x-forwarded-for'];
  const clientAddress =
    typeof forwardedFor === 'string' ? firstForwarded(forwardedFor) : peerAddressOf(request.socket as TracedSocket | null);
  if (clientAddress) {
    attributes['client.address'] = clientAddress;
    count++;
  }
  const userAgent = headers['user-agent'];
  if (userAgent !== undefined) {
    attributes['user_agent.original'] = userAgent;
    count++;
  }
  if (built !== undefined) built.count = count;
  return attributes;
}

function endServerSpan(state: ServerRequest, response: ServerResponse, aborted: boolean): void {
  state.response = undefined;
  const span = state.span;
  // Seen only after this span started: the other instrumentation's span stands for the request.
  if (!span.isRecording() || isNodeHttpCoveredElsewhere()) return;
  const status = response.statusCode;
  if (!aborted || response.headersSent) setStatusCode(span, status);
  const settings = activeSettings;
  if (settings !== undefined && settings.responseHeaders.length > 0) {
    recordHeadersFromMessage(span, settings.responseHeaders, response);
  }
  if (aborted) {
    span.setAttribute('error.type', ERROR_TYPE_ABORTED);
    span.setStatus({ code: STATUS_ERROR, message: 'The response was closed before it finished' });
  } else if (status >= 500) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: STATUS_ERROR });
  }
  // Ended when the application called end() (a performance.now() reading, placed on the span's own clock
  // anchor), not when the finish reached the channel; an aborted request ends now, as it always did.
  if (!aborted && state.finishedAt !== undefined) state.deferredEnd = state.finishedAt;
  // Named by its route and ended there, or once a framework span joined to it has ended.
  endOrDeferRequestSpan(state);
}

/**
 * `span.setAttribute('http.response.status_code', status)`, for otelite's own span without the generic
 * path: the key is looked up and stored here, at sites that only ever see server span attributes (a map
 * or two, so the lookup is a map check), where `setAttribute`'s sites see every attribute object of the
 * process and go through V8's megamorphic stubs (~350 instructions). The same attribute, count and limit.
 */
function setStatusCode(span: Span, status: number): void {
  if (span instanceof RecordingSpan) {
    const attributes = span.attributes as { 'http.response.status_code'?: unknown };
    // Stored values are never undefined; a key already there (a handler's) takes the generic path.
    if (attributes['http.response.status_code'] === undefined) {
      if (RecordingSpan.countAttribute(span)) attributes['http.response.status_code'] = status;
      return;
    }
  }
  span.setAttribute('http.response.status_code', status);
}

/**
 * `request.httpVersion` as a constant string for the usual versions, told from the parser's numbers:
 * Node builds a new string per request, which the span would keep until it is exported, and comparing
 * it with a constant compares characters.
 */
function protocolVersion(request: IncomingMessage): string {
  if (request.httpVersionMajor === 1) {
    const minor = request.httpVersionMinor;
    if (minor === 1) return '1.1';
    if (minor === 0) return '1.0';
  }
  return request.httpVersion;
}

/** The path of a request target: as is in origin form, without scheme and authority in absolute form. */
function pathOf(target: string): string {
  if (target.charCodeAt(0) === 0x2f /* / */) return target;
  const schemeEnd = target.indexOf('://');
  if (schemeEnd === -1) return target;
  const slash = target.indexOf('/', schemeEnd + 3);
  return slash === -1 ? '/' : target.slice(slash);
}

/**
 * `socket.remoteAddress`, kept on the socket after the first read: a connection's peer does not change,
 * and the getter costs a call chain per request (`_getpeername`, and the `_handle` getter twice, whose
 * symbol-keyed loads are megamorphic on Node 20). Node keeps the address it read on the socket too; an
 * address not known yet (`undefined`) is not kept.
 */
function peerAddressOf(socket: TracedSocket | null | undefined): string | undefined {
  if (socket === null || socket === undefined) return undefined;
  let address = socket[PEER_ADDRESS];
  if (address === undefined) {
    address = socket.remoteAddress;
    if (address !== undefined) socket[PEER_ADDRESS] = address;
  }
  return address;
}

function firstForwarded(forwardedFor: string): string {
  const comma = forwardedFor.indexOf(',');
  return (comma === -1 ? forwardedFor : forwardedFor.slice(0, comma)).trim();
}

/**
 * Sets the route template of the current server request: `http.route` on its server span, and the
 * span name `{method} {route}`. Call it from the handler (or framework middleware) once the route is
 * known; it does nothing outside a traced request. Use a template (`/users/:id`), never the raw path.
 *
 * @example
 * ```ts
 * server.on('request', (req, res) => {
 *   if (req.url?.startsWith('/users/')) setHttpRoute('/users/:id');
 *   res.end();
 * });
 * ```
 */
export function setHttpRoute(route: string): void {
  try {
    if (typeof route !== 'string' || route === '') return;
    const state = context.active().getValue(RPC_METADATA_KEY) as { type?: unknown; route?: unknown } | null | undefined;
    if (state === undefined || state === null || state.type !== 'http') return;
    // The span is named when it ends; another instrumentation's metadata is honoured the same way.
    state.route = route;
  } catch (error) {
    reportError('instrumentation.http.server', error, 'setHttpRoute');
  }
}

// --- traceHandler: a request listener wrapped in its server span, with or without instrumentHttp()

/**
 * Wraps a `node:http`/`node:https` request listener so each request gets a server span and the
 * listener runs with it active, whether or not `instrumentHttp()` is enabled:
 *
 * - with `instrumentHttp()` enabled, the request already has its span (or was ignored), and the
 *   listener runs in that span's context: no second span;
 * - without it, the wrapper starts the span itself (default options) and ends it when the response
 *   closes (status from the response; closed before finishing: status Error, `error.type` `aborted`).
 *
 * It also works with a global context manager other than otelite's, since it uses `context.with`.
 *
 * @example
 * ```ts
 * const server = http.createServer(traceHandler(async (req, res) => {
 *   const upstream = await fetch('http://inventory.internal/items'); // a child of the server span
 *   res.end(await upstream.text());
 * }));
 * ```
 */
export function traceHandler<Request extends IncomingMessage, Response extends ServerResponse>(
  listener: (request: Request, response: Response) => unknown,
): (request: Request, response: Response) => void {
  return function tracedListener(this: unknown, request: Request, response: Response): void {
    const handlerContext = handlerContextOf(request, response, 'traceHandler');
    if (handlerContext === null) {
      listener.call(this, request, response);
    } else {
      context.with(handlerContext, listener, this, request, response);
    }
  };
}

// --- entering a request's context for the rest of its dispatch

/** Whether entering has been seen to change the global active context (checked once, not per request). */
let confirmed = false;

/**
 * After `requestContext` was entered (`entered`) for the rest of an incoming request's dispatch: the
 * `'request'` listener Node calls right after `http.server.request.start`, and everything it awaits or
 * schedules. A diagnostics-channel subscriber has no function to wrap, so this relies on otelite's
 * `AsyncLocalStorageContextManager` (the one `register()` installs), whose storage {@link enterContext}
 * enters. Until that is seen to change the global active context, each request checks it; with
 * another global context manager the span is still recorded, but handlers do not see it: one warning
 * says so, and `traceHandler` is the way out.
 */
function checkEnteredContext(requestContext: Context, entered: boolean): void {
  try {
    if (entered && context.active() === requestContext) {
      confirmed = true;
      return;
    }
    confirmed = false;
    warnOnce(
      'the global context manager is not an enabled otelite AsyncLocalStorageContextManager, so request handlers ' +
        "do not run inside their server span; register otelite's, or wrap handlers with traceHandler().",
    );
  } catch (error) {
    reportError('instrumentation.http.server', error, 'checking the active context');
  }
}
