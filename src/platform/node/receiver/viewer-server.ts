import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeEvent, TraceListResponse } from '../../../viewer-page/viewer-api.js';
import { reportError } from '../../../diagnostics/report.js';
import type { ReceivedSpan } from './received-span.js';
import { toOtlpJson } from './otlp-json.js';
import { loadPageAssets, type PageAssets } from './page-assets.js';
import { traceResponse } from './span-view.js';
import { matchesTrace, parseTraceQuery } from './trace-query.js';
import { TraceStore } from './trace-store.js';

/** Options of {@link createTraceViewer}. */
export interface TraceViewerOptions {
  /** Spans stored at most (see {@link TraceStore}). */
  maxSpans?: number;
  /** The interface the receiver listens on: on a loopback one, requests must name a loopback host. */
  host: string;
  /** The page's files; default the built ones found by {@link loadPageAssets}. */
  assets?: PageAssets | undefined;
}

/** The web viewer behind the receiver's `GET` routes: the page, its JSON API and its event stream. */
export interface TraceViewer {
  readonly store: TraceStore;
  /** Stores the spans of one request and tells the open pages. */
  add(spans: readonly ReceivedSpan[]): void;
  /** Answers a viewer route and returns true, or returns false for a path the viewer does not serve. */
  handle(request: IncomingMessage, response: ServerResponse, path: string): boolean;
  /** Ends the event streams and stops their timers. */
  close(): void;
}

/**
 * The page may load its own script and style and talk to its own origin, nothing else: no inline
 * script, no other host, no form posts, no framing. Span content is rendered as text by the page; this
 * is the second line.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Open event streams at most; one more gets 503. */
const MAX_EVENT_CLIENTS = 64;
/** Changes are sent at most this often. */
const EVENT_INTERVAL_MILLIS = 150;
const HEARTBEAT_MILLIS = 15_000;
/** Changed trace ids sent per event at most; past it `truncated` says "reload what you show". */
const MAX_CHANGED_IDS = 500;
/** An event stream whose client reads slower than this many unsent bytes is closed. */
const MAX_STREAM_BACKLOG = 1024 * 1024;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Creates the viewer the receiver serves on its own port.
 *
 * @example
 * ```ts
 * const viewer = createTraceViewer({ host: '127.0.0.1', maxSpans: 50_000 });
 * viewer.add(spans);
 * if (!viewer.handle(request, response, '/')) response.writeHead(404).end();
 * ```
 */
export function createTraceViewer(options: TraceViewerOptions): TraceViewer {
  return new WebTraceViewer(options);
}

class WebTraceViewer implements TraceViewer {
  readonly store: TraceStore;
  readonly #assets: PageAssets | undefined;
  readonly #loopbackOnly: boolean;
  readonly #clients = new Set<ServerResponse>();
  readonly #changed = new Set<string>();
  readonly #evicted = new Set<string>();
  #truncated = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(options: TraceViewerOptions) {
    this.store = new TraceStore({ maxSpans: options.maxSpans });
    this.#assets = 'assets' in options ? options.assets : loadPageAssets();
    this.#loopbackOnly = LOOPBACK_HOSTS.has(options.host);
  }

  add(spans: readonly ReceivedSpan[]): void {
    if (spans.length === 0) return;
    const { changed, evicted } = this.store.add(spans);
    if (this.#clients.size === 0) return;
    for (const traceId of changed) {
      if (this.#changed.size >= MAX_CHANGED_IDS) this.#truncated = true;
      else this.#changed.add(traceId);
    }
    for (const traceId of evicted) {
      this.#changed.delete(traceId);
      if (this.#evicted.size < MAX_CHANGED_IDS) this.#evicted.add(traceId);
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#sendChanges(), EVENT_INTERVAL_MILLIS);
      this.#timer.unref();
    }
  }

  handle(request: IncomingMessage, response: ServerResponse, path: string): boolean {
    const route = routeOf(path);
    if (route === undefined) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendText(response, 405, 'method not allowed: the viewer answers GET\n');
      return true;
    }
    if (this.#loopbackOnly && !LOOPBACK_HOSTS.has(hostnameOf(request.headers.host))) {
      // A page on another site whose name resolves here (DNS rebinding) must not read the traces.
      sendText(response, 403, 'forbidden: open the viewer as http://127.0.0.1 or http://localhost\n');
      return true;
    }
    try {
      this.#answer(request, response, route);
    } catch (error) {
      reportError('receiver.viewer', error);
      if (!response.headersSent) sendText(response, 500, 'internal error\n');
    }
    return true;
  }

  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#timer = undefined;
    this.#heartbeat = undefined;
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #answer(request: IncomingMessage, response: ServerResponse, route: Route): void {
    const url = new URL(request.url ?? '/', 'http://viewer');
    switch (route.kind) {
      case 'page': {
        if (this.#assets === undefined) {
          sendText(response, 503, 'the viewer page is not built: run `npm run build` in the otelite package\n');
          return;
        }
        const asset =
          route.file === 'index.html'
            ? { body: this.#assets.html, type: 'text/html; charset=utf-8' }
            : route.file === 'viewer.js'
              ? { body: this.#assets.script, type: 'text/javascript; charset=utf-8' }
              : { body: this.#assets.style, type: 'text/css; charset=utf-8' };
        send(response, 200, asset.type, asset.body);
        return;
      }
      case 'list': {
        const query = parseTraceQuery(url.searchParams);
        const matching = [];
        const services = new Set<string>();
        for (const trace of this.store.traces()) {
          for (const service of trace.services) services.add(service);
          if (matchesTrace(trace, query)) matching.push(trace.summary());
        }
        matching.sort((a, b) => b.startMs - a.startMs);
        const body: TraceListResponse = {
          traces: matching.slice(0, query.limit),
          matched: matching.length,
          services: [...services].sort(),
          stats: this.store.stats(),
        };
        sendJson(response, 200, body);
        return;
      }
      case 'trace':
      case 'otlp': {
        const trace = this.store.get(route.traceId);
        if (trace === undefined) {
          sendJson(response, 404, { error: `trace ${route.traceId} is not stored (never received, or evicted)` });
          return;
        }
        if (route.kind === 'trace') {
          sendJson(response, 200, traceResponse(trace));
        } else {
          response.setHeader('Content-Disposition', `attachment; filename="trace-${route.traceId}.json"`);
          sendJson(response, 200, toOtlpJson(trace.spans));
        }
        return;
      }
      case 'events':
        this.#openStream(request, response);
        return;
    }
  }

  #openStream(request: IncomingMessage, response: ServerResponse): void {
    if (this.#clients.size >= MAX_EVENT_CLIENTS) {
      sendText(response, 503, 'too many open viewer pages\n');
      return;
    }
    securityHeaders(response);
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
    response.write(`retry: 2000\n\n${this.#event([], [], false)}`);
    this.#clients.add(response);
    const forget = (): void => {
      this.#clients.delete(response);
    };
    request.on('close', forget);
    response.on('close', forget);
    response.on('error', forget);
    if (this.#heartbeat === undefined) {
      this.#heartbeat = setInterval(() => this.#broadcast(': ping\n\n'), HEARTBEAT_MILLIS);
      this.#heartbeat.unref();
    }
  }

  #sendChanges(): void {
    this.#timer = undefined;
    const text = this.#event([...this.#changed], [...this.#evicted], this.#truncated);
    this.#changed.clear();
    this.#evicted.clear();
    this.#truncated = false;
    this.#broadcast(text);
  }

  #event(changed: string[], evicted: string[], truncated: boolean): string {
    const data: ChangeEvent = { changed, evicted, truncated, stats: this.store.stats() };
    return `event: change\ndata: ${JSON.stringify(data)}\n\n`;
  }

  #broadcast(text: string): void {
    for (const client of this.#clients) {
      if (client.writableLength > MAX_STREAM_BACKLOG) {
        this.#clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(text);
    }
  }
}

type Route =
  | { kind: 'page'; file: 'index.html' | 'viewer.js' | 'viewer.css' }
  | { kind: 'list' }
  | { kind: 'trace' | 'otlp'; traceId: string }
  | { kind: 'events' };

const TRACE_ROUTE = /^\/api\/traces\/([0-9a-f]{32})(\/otlp\.json)?$/;

function routeOf(path: string): Route | undefined {
  if (path === '/' || path === '/index.html') return { kind: 'page', file: 'index.html' };
  if (path === '/viewer.js' || path === '/viewer.css') return { kind: 'page', file: path.slice(1) as 'viewer.js' | 'viewer.css' };
  if (path === '/api/traces') return { kind: 'list' };
  if (path === '/api/events') return { kind: 'events' };
  const match = TRACE_ROUTE.exec(path);
  if (match !== null) return { kind: match[2] === undefined ? 'trace' : 'otlp', traceId: match[1]! };
  return undefined;
}

function hostnameOf(host: string | undefined): string {
  if (host === undefined) return '';
  const text = host.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(0, text.indexOf(']') + 1);
  const colon = text.indexOf(':');
  return colon === -1 ? text : text.slice(0, colon);
}

function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
}

function send(response: ServerResponse, status: number, type: string, body: Buffer | string): void {
  securityHeaders(response);
  response.statusCode = status;
  response.setHeader('Content-Type', type);
  response.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  response.end(response.req?.method === 'HEAD' ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function sendText(response: ServerResponse, status: number, text: string): void {
  send(response, status, 'text/plain; charset=utf-8', text);
}
