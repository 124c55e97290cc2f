import { context, propagation, ROOT_CONTEXT, trace, type Attributes, type Span, type TracerProvider } from '@opentelemetry/api';
import { SPAN_KIND_SERVER, STATUS_ERROR } from '../../internal/api-enum-values.js';
import { reportError } from '../../diagnostics/report.js';
import { getHttpTracer, HTTP_TRACER_NAME, HTTP_TRACER_VERSION } from '../http/http-tracer.js';
import { redactQuery } from '../http/redact.js';
import { addressOf, defaultPortOf, portOf } from '../http/host-and-port.js';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  normalizeMethod,
  spanNameForMethod,
} from '../http/semantic-attributes.js';
import { HEADERS_GETTER } from './headers-carrier.js';
import { endSpanWithError } from '../http/end-span-with-error.js';

/** A web-standard request handler: `Bun.serve`'s and `Deno.serve`'s `fetch`, a Worker's `fetch`, Hono's `app.fetch`. */
export type FetchHandler = (request: Request, ...rest: any[]) => Response | Promise<Response>;

/** Options of {@link traceFetchHandler}. */
export interface TraceFetchHandlerOptions {
  /** Requests for which no span is made (health checks, say). Errors it throws count as "trace it". Default none. */
  ignoreRequest?: (request: Request) => boolean;
  /**
   * Called with the promise of a flush once a response is ready, so a runtime that ends the request's
   * work with the response keeps the export alive: on Workers, `(promise, env, ctx) => ctx.waitUntil(promise)`.
   * Default: when one of the handler's extra arguments has a `waitUntil` method (a Worker's `ctx`), that
   * one; else nothing is flushed (a batch processor exports on its schedule).
   */
  waitUntil?: (flush: Promise<void>, ...rest: any[]) => void;
  /** Whose spans: default the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** `client.address` of a request, when the runtime knows it (`server.requestIP(request)` on Bun). Default none. */
  clientAddress?: (request: Request, ...rest: any[]) => string | undefined;
}

/**
 * Wraps a web-standard `fetch` handler `(request, ...rest) => Response | Promise<Response>` so each request
 * gets a SERVER span: its trace context is taken from the request's `traceparent`/`tracestate`/`baggage`
 * (the global propagator), the handler runs with the span active (across `await` where the context
 * manager carries context: Node, Bun, Deno, Workers with `nodejs_compat`; only its synchronous part with
 * the stack context manager), and the span ends when the response is returned, with
 * `http.response.status_code` (5xx is an error) or the thrown error (which is rethrown unchanged). The
 * handler's return value, `this` and arguments pass through as they are.
 *
 * @example
 * ```ts
 * Bun.serve({ port: 3000, fetch: traceFetchHandler((request) => new Response('hello')) });
 * Deno.serve(traceFetchHandler((request) => new Response('hello')));
 * export default { fetch: traceFetchHandler(async (request, env, ctx) => fetch('https://example.com')) };
 * ```
 */
export function traceFetchHandler<H extends FetchHandler>(handler: H, options: TraceFetchHandlerOptions = {}): H {
  if (typeof handler !== 'function') return handler;
  const given: TraceFetchHandlerOptions = options !== null && typeof options === 'object' ? options : {};
  const traced = function (this: unknown, request: Request, ...rest: unknown[]): Response | Promise<Response> {
    let span: Span | undefined;
    let spanContext;
    try {
      if (!(request instanceof Request) || isIgnored(given, request)) return handler.call(this, request, ...rest);
      const parent = propagation.extract(ROOT_CONTEXT, request.headers, HEADERS_GETTER);
      span = startServerSpan(given, request, rest, parent);
      spanContext = trace.setSpan(parent, span);
    } catch (error) {
      reportError('instrumentation.fetch.server', error, 'starting the span');
      span?.end();
      return handler.call(this, request, ...rest);
    }
    const started = span;
    let result: Response | Promise<Response>;
    try {
      result = context.with(spanContext, handler as FetchHandler, this, request, ...rest);
    } catch (error) {
      endWithError(started, error);
      flush(given, rest);
      throw error;
    }
    if (result instanceof Promise || typeof (result as { then?: unknown })?.then === 'function') {
      return Promise.resolve(result).then(
        (response) => {
          endWithResponse(started, response);
          flush(given, rest);
          return response;
        },
        (error: unknown) => {
          endWithError(started, error);
          flush(given, rest);
          throw error;
        },
      );
    }
    endWithResponse(started, result);
    flush(given, rest);
    return result;
  };
  Object.defineProperty(traced, 'length', { value: handler.length, configurable: true });
  return traced as H;
}

function isIgnored(options: TraceFetchHandlerOptions, request: Request): boolean {
  if (typeof options.ignoreRequest !== 'function') return false;
  try {
    return options.ignoreRequest(request) === true;
  } catch (error) {
    reportError('instrumentation.fetch.server', error, 'ignoreRequest');
    return false;
  }
}

function startServerSpan(
  options: TraceFetchHandlerOptions,
  request: Request,
  rest: unknown[],
  parent: ReturnType<typeof propagation.extract>,
): Span {
  const url = new URL(request.url);
  const method = normalizeMethod(request.method);
  const scheme = url.protocol.slice(0, -1);
  const host = request.headers.get('host') ?? url.host;
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: scheme,
    [ATTR_URL_PATH]: url.pathname,
    [ATTR_SERVER_ADDRESS]: addressOf(host),
    [ATTR_SERVER_PORT]: portOf(host, defaultPortOf(scheme)),
  };
  if (method !== request.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = request.method;
  if (url.search.length > 1) attributes[ATTR_URL_QUERY] = redactQuery(url.search.slice(1));
  const userAgent = request.headers.get('user-agent');
  if (userAgent !== null) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  const client = clientAddressOf(options, request, rest);
  if (client !== undefined) attributes[ATTR_CLIENT_ADDRESS] = client;
  const tracer =
    options.tracerProvider !== undefined ? options.tracerProvider.getTracer(HTTP_TRACER_NAME, HTTP_TRACER_VERSION) : getHttpTracer();
  return tracer.startSpan(spanNameForMethod(method), { kind: SPAN_KIND_SERVER, attributes }, parent);
}

function clientAddressOf(options: TraceFetchHandlerOptions, request: Request, rest: unknown[]): string | undefined {
  const forwarded = request.headers.get('x-forwarded-for');
  if (forwarded !== null) return forwarded.split(',')[0]?.trim() || undefined;
  if (typeof options.clientAddress !== 'function') return undefined;
  try {
    const address = options.clientAddress(request, ...rest);
    return typeof address === 'string' && address !== '' ? address : undefined;
  } catch (error) {
    reportError('instrumentation.fetch.server', error, 'clientAddress');
    return undefined;
  }
}

function endWithResponse(span: Span, response: unknown): void {
  try {
    const status = response instanceof Response ? response.status : undefined;
    if (status !== undefined) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(status));
        span.setStatus({ code: STATUS_ERROR });
      }
    }
    span.end();
  } catch (error) {
    reportError('instrumentation.fetch.server', error, 'ending the span');
  }
}

function endWithError(span: Span, error: unknown): void {
  endSpanWithError(span, error, 'instrumentation.fetch.server');
}

/** Hands a flush of the global provider to `waitUntil` (the option's, or a Worker `ctx`'s). */
function flush(options: TraceFetchHandlerOptions, rest: unknown[]): void {
  try {
    let waitUntil: ((flush: Promise<void>) => void) | undefined;
    if (typeof options.waitUntil === 'function') {
      const given = options.waitUntil;
      waitUntil = (promise) => given(promise, ...rest);
    } else {
      const holder = rest.find((value) => typeof (value as { waitUntil?: unknown } | null)?.waitUntil === 'function') as
        | { waitUntil(promise: Promise<unknown>): void }
        | undefined;
      if (holder !== undefined) waitUntil = (promise) => holder.waitUntil(promise);
    }
    if (waitUntil === undefined) return;
    waitUntil(forceFlushOf(options.tracerProvider ?? trace.getTracerProvider()));
  } catch (error) {
    reportError('instrumentation.fetch.server', error, 'waitUntil');
  }
}

/** The provider's `forceFlush()` (through the API's proxy provider), never rejecting. */
function forceFlushOf(provider: TracerProvider): Promise<void> {
  const delegate = (provider as { getDelegate?: () => TracerProvider }).getDelegate?.() ?? provider;
  const forceFlush = (delegate as { forceFlush?: () => Promise<unknown> }).forceFlush;
  if (typeof forceFlush !== 'function') return Promise.resolve();
  return Promise.resolve()
    .then(() => forceFlush.call(delegate))
    .then(
      () => undefined,
      (error: unknown) => reportError('instrumentation.fetch.server', error, 'flushing'),
    );
}
