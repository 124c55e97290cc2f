import {
  createContextKey,
  trace,
  type AttributeValue,
  type Attributes,
  type Context,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { reportError } from '../../../../diagnostics/report.js';
import type { ServerSpanJoiner } from '../../../../trace/server-span-join.js';

/**
 * One server span per request when a framework starts its own (Next.js does, through
 * `@opentelemetry/api`): otelite's HTTP server span *becomes* the framework's request span.
 *
 * Every otelite tracer asks the installed joiner (`setServerSpanJoiner`) before starting a SERVER span.
 * When the span would start with otelite's server span of a request in flight as its parent (directly,
 * through a span already joined, or through a remote parent carrying that span's id, as Next's second
 * pass after middleware does), the framework gets a {@link JoinedServerSpan} instead: it has the
 * request span's ids, so the framework's children are children of the request span; the framework's
 * attributes, events, links and status go to the request span; its `http.route` names it. Detection
 * is by the spans a framework starts, never by names.
 *
 * The request span ends with the response, as always; if a joined span is still open then (Next.js
 * sets the route of a route handler a few ms after the response), the end is recorded at that time but
 * applied once the joined spans have ended, or at the latest {@link JOINED_END_GRACE_MILLIS} later.
 */

/** The request state the joiner works with: a subset of the server instrumentation's per-request state. */
export interface JoinableRequest {
  readonly type: 'http';
  readonly span: Span;
  route: string | undefined;
  readonly baseName: string;
  /** Framework spans joined to this request and not ended yet. */
  openJoined: number;
  /** When the response ended: epoch ms (sub-ms precision), or the `performance.now()` reading of its `end()` call. */
  deferredEnd: number | undefined;
  /** The timer bounding the wait for the joined spans. */
  deferTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the request span has ended. */
  finished: boolean;
  /** The first route a direct child of a joined span reported (Next.js's 404 page), used when no other is known. */
  childRoute?: string | undefined;
}

/** How long a request span waits, after its response ended, for the framework spans joined to it. */
export const JOINED_END_GRACE_MILLIS = 5_000;

/** opentelemetry-js's RPC metadata key (a `Symbol.for`, so the same key as the server instrumentation's). */
const RPC_METADATA_KEY = createContextKey('OpenTelemetry SDK Context Key RPC_METADATA');

/**
 * Legacy HTTP attributes a framework adds whose stable equivalents otelite records itself (Next.js sets
 * these three): kept off the request span, where `http.target` would also bypass query redaction.
 */
const SUPERSEDED_ATTRIBUTES = new Set(['http.method', 'http.target', 'http.status_code', 'http.url']);

/**
 * Set while the server instrumentation starts its own span for a new request: that span is never joined
 * (a request whose remote parent happens to be another request's span is a request of its own).
 */
let ownServerSpanStarting = false;

/** Marks the start (`true`) and the end (`false`) of the server instrumentation starting its own span. */
export function setOwnServerSpanStarting(starting: boolean): void {
  ownServerSpanStarting = starting;
}

/** Requests with at least one joined span, by their server span id (Next's post-middleware pass finds them so). */
const joinedBySpanId = new Map<string, JoinableRequest>();

/**
 * The joiner the server instrumentation installs (see {@link joinServerSpan} and {@link noteJoinedChild}).
 */
export const serverSpanJoiner: ServerSpanJoiner = Object.freeze({ join: joinServerSpan, childStarting: noteJoinedChild });

/**
 * Next.js's attribute naming the route a span works on. Next gives its request span no route for the
 * 404 page (its `next.route` is on the child that resolves the page, `/_not-found`): a child's value is
 * the request's route when the framework's request span has given none.
 */
const NEXT_ROUTE = 'next.route';

/** A span starts under `parent`: a direct child of a joined span may tell the request's route (see {@link NEXT_ROUTE}). */
function noteJoinedChild(parent: Span, options: SpanOptions | undefined): void {
  if (!(parent instanceof JoinedServerSpan)) return;
  const route = options?.attributes?.[NEXT_ROUTE];
  const request = parent.request;
  if (typeof route === 'string' && route !== '' && request.childRoute === undefined) request.childRoute = route;
}

/**
 * Joins a SERVER span starting under a traced request's server span to that request, else `undefined`
 * (the span starts normally).
 */
export function joinServerSpan(_name: string, options: SpanOptions, parentContext: Context): Span | undefined {
  if (ownServerSpanStarting) return undefined;
  const request = requestOf(parentContext);
  if (request === undefined || request.finished || !request.span.isRecording()) return undefined;
  if (request.openJoined === 0 && request.deferredEnd === undefined) {
    joinedBySpanId.set(request.span.spanContext().spanId, request);
  }
  request.openJoined++;
  const joined = new JoinedServerSpan(request);
  if (options.attributes !== undefined) joined.setAttributes(options.attributes);
  if (options.links !== undefined) joined.addLinks(options.links);
  return joined;
}

function requestOf(parentContext: Context): JoinableRequest | undefined {
  const parentSpan = trace.getSpan(parentContext);
  if (parentSpan === undefined) return undefined;
  if (parentSpan instanceof JoinedServerSpan) return parentSpan.request;
  const meta = parentContext.getValue(RPC_METADATA_KEY) as Partial<JoinableRequest> | undefined;
  if (meta !== undefined && meta !== null && meta.type === 'http' && meta.span === parentSpan && 'openJoined' in meta) {
    return meta as JoinableRequest;
  }
  if (joinedBySpanId.size === 0) return undefined;
  const parent = parentSpan.spanContext();
  const request = joinedBySpanId.get(parent.spanId);
  return request !== undefined && request.span.spanContext().traceId === parent.traceId ? request : undefined;
}

/**
 * Called by the server instrumentation when the response of `request` has ended (its attributes and
 * status already set): ends the span now, or, while a joined framework span is open, once it ends.
 */
export function endOrDeferRequestSpan(request: JoinableRequest): void {
  if (request.openJoined === 0) {
    finishRequestSpan(request, undefined);
    return;
  }
  // The server instrumentation may have set the end already: when the application called end().
  request.deferredEnd ??= performance.timeOrigin + performance.now();
  const timer = setTimeout(finishRequestSpan, JOINED_END_GRACE_MILLIS, request, undefined);
  timer.unref?.();
  request.deferTimer = timer;
}

/** Names the request span by its route and ends it (at its deferred end time, if any). Once. */
function finishRequestSpan(request: JoinableRequest, _unused: undefined): void {
  if (request.finished) return;
  request.finished = true;
  try {
    if (request.deferTimer !== undefined) clearTimeout(request.deferTimer);
    request.deferTimer = undefined;
    // Only a request with a joined span was ever registered (most never are: no context object to build).
    if (joinedBySpanId.size !== 0) joinedBySpanId.delete(request.span.spanContext().spanId);
    const span = request.span;
    const route = request.route ?? request.childRoute;
    if (typeof route === 'string' && route !== '') {
      span.setAttribute('http.route', route);
      span.updateName(`${request.baseName} ${route}`);
    }
    span.end(request.deferredEnd);
  } catch (error) {
    reportError('instrumentation.http.server', error, 'end');
  }
}

/**
 * A framework's request span joined to otelite's server span of the same request: the ids are the
 * request span's; attributes, events, links, status and exceptions go to it; `http.route` becomes the
 * request's route; `end()` lets the request span end. Calls after the request span ended are ignored
 * quietly: the late ones are expected (a framework finishing after the response) and are otelite's to
 * handle, not the application's mistake.
 */
export class JoinedServerSpan implements Span {
  readonly request: JoinableRequest;
  #ended = false;

  constructor(request: JoinableRequest) {
    this.request = request;
  }

  spanContext(): SpanContext {
    return this.request.span.spanContext();
  }

  #open(): boolean {
    return !this.#ended && !this.request.finished;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (!this.#open() || SUPERSEDED_ATTRIBUTES.has(key)) return this;
    if (key === 'http.route') {
      if (typeof value === 'string' && value !== '') this.request.route = value;
      return this;
    }
    this.request.span.setAttribute(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (attributes === null || typeof attributes !== 'object') return this;
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      if (value !== undefined) this.setAttribute(key, value);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (this.#open()) this.request.span.addEvent(name, attributesOrStartTime, startTime);
    return this;
  }

  addLink(link: Link): this {
    if (this.#open()) this.request.span.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    if (this.#open()) this.request.span.addLinks(links);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.#open()) this.request.span.setStatus(status);
    return this;
  }

  /** The request span is named `{method} {route}` by otelite; a framework's name is not taken (it may hold a raw path). */
  updateName(_name: string): this {
    return this;
  }

  end(_endTime?: TimeInput): void {
    if (this.#ended) return;
    this.#ended = true;
    const request = this.request;
    request.openJoined--;
    if (request.openJoined === 0 && request.deferredEnd !== undefined) finishRequestSpan(request, undefined);
  }

  isRecording(): boolean {
    return this.#open() && this.request.span.isRecording();
  }

  recordException(exception: Exception, time?: TimeInput): void {
    if (this.#open()) this.request.span.recordException(exception, time);
  }
}
