import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import type { ExportTraceServiceRequest } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import { reportError, warnOnce } from '../../../diagnostics/report.js';
import { decodeExportRequest, type OtlpEncoding } from './decode-export-request.js';
import {
  encodeExportResponse,
  encodeRpcStatus,
  RPC_CODE_INVALID_ARGUMENT,
  RPC_CODE_RESOURCE_EXHAUSTED,
  type EncodedBody,
} from './encode-response.js';
import { toReceivedSpans, type ReceivedSpan } from './received-span.js';
import { createTracePrinter, type TraceTreeSink, type TracePrinter } from './trace-printer.js';
import { formatTraceJson } from './trace-json.js';
import { createTraceViewer, type TraceViewer } from './viewer-server.js';

/** Options of {@link startReceiver}. Every field is optional. */
export interface ReceiverOptions {
  /** TCP port to listen on. Default {@link DEFAULT_RECEIVER_PORT} (4318, the OTLP/HTTP port); 0 picks a free port. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'`: only this machine can send. */
  host?: string;
  /**
   * Called with each accepted request after its spans were recorded and buffered for printing, before
   * the response is sent; `spans` are its valid spans, flattened. Errors thrown or rejected here are
   * reported through `diag`, never to the sender.
   */
  onSpans?: (request: ExportTraceServiceRequest, spans: readonly ReceivedSpan[]) => void | Promise<void>;
  /** Where trace trees print. Default `process.stdout`; `false` prints nothing. */
  print?: TraceTreeSink | false;
  /** Colour the trees. Default: only when `print` is a TTY with colours (honours NO_COLOR/FORCE_COLOR). */
  color?: boolean;
  /**
   * What prints for each quiet trace: `'tree'` (default, see {@link formatTraceTree}) or `'json'`, one
   * line of JSON per trace (see `docs/viewer.md`) for scripts and CI logs.
   */
  printFormat?: 'tree' | 'json';
  /**
   * Serve the web trace viewer on the same port: `GET /` is the page, `GET /api/...` its data (see
   * `docs/viewer.md`). Default false here; `otelite receive` turns it on unless `--no-ui`.
   */
  ui?: boolean;
  /** Spans the viewer keeps at most, over all traces; past it the oldest traces are evicted. Default 50 000. */
  maxStoredSpans?: number;
  /** How long a trace must be quiet before it prints, in ms. Default 500; 0 prints each request at once. */
  traceIdleMillis?: number;
  /** Largest accepted body in bytes, before and after gunzip (guards against gzip bombs). Default 16 MiB. */
  maxBodyBytes?: number;
  /** Traces buffered for printing at most; past it the oldest prints early. Default 1000. */
  maxPendingTraces?: number;
  /** Spans buffered for printing at most, over all traces; past it the oldest traces print early. Default 10 000. */
  maxPendingSpans?: number;
  /** Spans kept for {@link Receiver.spans}, newest last; older ones are forgotten. Default 10 000; 0 keeps none. */
  maxRetainedSpans?: number;
}

/** Counters of a {@link Receiver} since it started. */
export interface ReceiverStats {
  /** Requests answered 200. */
  requests: number;
  /** Spans accepted. */
  spans: number;
  /** Spans dropped for malformed ids (reported to the sender as a partial success). */
  rejectedSpans: number;
  /** Requests answered with a 4xx status. */
  failedRequests: number;
}

/** A running receiver, as returned by {@link startReceiver}. */
export interface Receiver {
  /** The base URL, e.g. `http://127.0.0.1:4318` (what `OTEL_EXPORTER_OTLP_ENDPOINT` takes). */
  readonly url: string;
  /** The traces endpoint, `${url}/v1/traces` (what `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` takes). */
  readonly tracesUrl: string;
  /** The web viewer's address, `${url}/`, when {@link ReceiverOptions.ui} is on. */
  readonly uiUrl: string | undefined;
  readonly host: string;
  /** The port actually listened on (the chosen one when `port: 0`). */
  readonly port: number;
  /** The spans received so far (at most `maxRetainedSpans`, oldest first). A copy. */
  spans(): ReceivedSpan[];
  /** The retained spans grouped by trace id, in order of arrival. */
  traces(): Map<string, ReceivedSpan[]>;
  /** Counters since start. */
  stats(): ReceiverStats;
  /** Forgets the retained spans (counters stay). */
  clear(): void;
  /** Prints every trace still waiting for its quiet period, now. */
  flush(): void;
  /**
   * Stops listening, closes open connections (a request still in flight is cut: flush the exporter
   * first), then prints what is pending. Idempotent: every call returns the same promise.
   */
  close(): Promise<void>;
}

/** The OTLP/HTTP default port. */
export const DEFAULT_RECEIVER_PORT = 4318;
/** Default {@link ReceiverOptions.host}. */
export const DEFAULT_RECEIVER_HOST = '127.0.0.1';
/** Default {@link ReceiverOptions.traceIdleMillis}. */
export const DEFAULT_TRACE_IDLE_MILLIS = 500;
/** Default {@link ReceiverOptions.maxBodyBytes}: 16 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

const DEFAULTS = Object.freeze({
  traceIdleMillis: DEFAULT_TRACE_IDLE_MILLIS,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxPendingTraces: 1000,
  maxPendingSpans: 10_000,
  maxRetainedSpans: 10_000,
});

const TRACES_PATH = '/v1/traces';

/**
 * Starts an OTLP/HTTP trace receiver on a real `node:http` server: it accepts `POST /v1/traces` with
 * `application/x-protobuf` or `application/json` bodies, optionally gzip-compressed, and answers with an
 * `ExportTraceServiceResponse` in the same encoding. Received traces print as trees (see
 * {@link formatTraceTree}) once quiet, and stay readable through the handle.
 *
 * Bad requests get clear answers and never crash the process: 404 for another path, 405 for another
 * method, 415 for an unsupported content type or content encoding, 413 for a body over `maxBodyBytes`
 * (compressed or inflated), 400 for a body that does not decode. 400 and 413 carry a `google.rpc.Status`
 * in the request's encoding (`{ "code": 3, "message": "..." }` for JSON, protobuf bytes for protobuf);
 * 404, 405 and 415 answer plain text.
 *
 * Rejects when the port cannot be listened on (e.g. `EADDRINUSE`).
 *
 * @example
 * ```ts
 * import { startReceiver } from 'otelite/receiver';
 *
 * const receiver = await startReceiver({ port: 0 });
 * // point an exporter at receiver.tracesUrl, make some requests, then:
 * receiver.flush();            // print the trees of everything received
 * console.log(receiver.spans().length);
 * await receiver.close();
 * ```
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const port = options.port ?? DEFAULT_RECEIVER_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`otelite receiver: port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  const host = options.host ?? DEFAULT_RECEIVER_HOST;
  const settings = {
    traceIdleMillis: resolveNumber(options.traceIdleMillis, 'traceIdleMillis', DEFAULTS.traceIdleMillis, 0),
    maxBodyBytes: resolveNumber(options.maxBodyBytes, 'maxBodyBytes', DEFAULTS.maxBodyBytes, 1),
    maxPendingTraces: resolveNumber(options.maxPendingTraces, 'maxPendingTraces', DEFAULTS.maxPendingTraces, 1),
    maxPendingSpans: resolveNumber(options.maxPendingSpans, 'maxPendingSpans', DEFAULTS.maxPendingSpans, 1),
    maxRetainedSpans: resolveNumber(options.maxRetainedSpans, 'maxRetainedSpans', DEFAULTS.maxRetainedSpans, 0),
  };
  const sink = options.print ?? process.stdout;
  const printer =
    sink === false
      ? undefined
      : createTracePrinter(sink, {
          traceIdleMillis: settings.traceIdleMillis,
          maxPendingTraces: settings.maxPendingTraces,
          maxPendingSpans: settings.maxPendingSpans,
          color: options.color,
          format: options.printFormat === 'json' ? formatTraceJson : undefined,
        });
  const viewer = options.ui === true ? createTraceViewer({ host, maxSpans: options.maxStoredSpans }) : undefined;
  const state = new ReceiverState(settings.maxRetainedSpans, settings.maxBodyBytes, printer, options.onSpans, viewer);
  const server = createServer((request, response) => {
    state.handle(request, response).catch((error: unknown) => {
      reportError('receiver.request', error);
      if (!response.headersSent) send(response, 500, { contentType: 'text/plain; charset=utf-8', body: 'internal error\n' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => reportError('receiver.server', error));
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  return new RunningReceiver(server, state, url, host, actualPort, viewer);
}

function resolveNumber(value: number | undefined, name: string, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < minimum) {
    warnOnce(`receiver option ${name} must be a number >= ${minimum}, got ${String(value)}; using ${fallback}.`);
    return fallback;
  }
  return value;
}

/** What the server's request handler shares with the handle: counters, retained spans, the printer. */
class ReceiverState {
  readonly stats: ReceiverStats = { requests: 0, spans: 0, rejectedSpans: 0, failedRequests: 0 };
  retained: ReceivedSpan[] = [];
  readonly #maxRetainedSpans: number;
  readonly #maxBodyBytes: number;
  readonly #printer: TracePrinter | undefined;
  readonly #onSpans: ReceiverOptions['onSpans'];
  readonly #viewer: TraceViewer | undefined;

  constructor(
    maxRetainedSpans: number,
    maxBodyBytes: number,
    printer: TracePrinter | undefined,
    onSpans: ReceiverOptions['onSpans'],
    viewer: TraceViewer | undefined,
  ) {
    this.#maxRetainedSpans = maxRetainedSpans;
    this.#maxBodyBytes = maxBodyBytes;
    this.#printer = printer;
    this.#onSpans = onSpans;
    this.#viewer = viewer;
  }

  flush(): void {
    this.#printer?.flush();
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?', 1)[0]!;
    if (path !== TRACES_PATH && this.#viewer?.handle(request, response, path) === true) return;
    if (path !== TRACES_PATH) return this.#fail(response, 404, plainText(`not found: this receiver accepts POST ${TRACES_PATH}\n`));
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      return this.#fail(response, 405, plainText(`method not allowed: use POST ${TRACES_PATH}\n`));
    }
    const encoding = encodingOf(request.headers['content-type']);
    if (encoding === undefined) {
      return this.#fail(response, 415, plainText('unsupported content type: use application/x-protobuf or application/json\n'));
    }
    const contentEncoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const gzipped = contentEncoding === 'gzip' || contentEncoding === 'x-gzip';
    if (!gzipped && contentEncoding !== 'identity' && contentEncoding !== '') {
      return this.#fail(response, 415, plainText('unsupported content encoding: use gzip or none\n'));
    }
    const tooLarge = (): void => {
      response.setHeader('Connection', 'close');
      this.#fail(
        response,
        413,
        encodeRpcStatus(encoding, RPC_CODE_RESOURCE_EXHAUSTED, `the body exceeds the ${this.#maxBodyBytes}-byte limit`),
      );
    };
    const declared = Number(request.headers['content-length']);
    if (declared > this.#maxBodyBytes) return tooLarge();

    let body = await readBody(request, this.#maxBodyBytes);
    if (body === undefined) return; // the sender went away
    if (body === TOO_LARGE) return tooLarge();
    if (gzipped) {
      const inflated = await inflate(body, this.#maxBodyBytes);
      if (inflated === TOO_LARGE) return tooLarge();
      if (inflated instanceof Error) {
        return this.#fail(
          response,
          400,
          encodeRpcStatus(encoding, RPC_CODE_INVALID_ARGUMENT, `the gzip body does not inflate: ${inflated.message}`),
        );
      }
      body = inflated;
    }

    let decoded: ExportTraceServiceRequest;
    let received: ReturnType<typeof toReceivedSpans>;
    try {
      decoded = decodeExportRequest(body, encoding);
      received = toReceivedSpans(decoded);
    } catch (error) {
      const what = encoding === 'json' ? 'an OTLP/JSON ExportTraceServiceRequest' : 'a protobuf ExportTraceServiceRequest';
      return this.#fail(
        response,
        400,
        encodeRpcStatus(encoding, RPC_CODE_INVALID_ARGUMENT, `the body is not ${what}: ${messageOf(error)}`),
      );
    }

    this.#accept(decoded, received.spans, received.rejected);
    const message = received.rejected > 0 ? `${received.rejected} span(s) with malformed trace or span ids were dropped` : '';
    send(response, 200, encodeExportResponse(encoding, received.rejected, message));
  }

  #accept(request: ExportTraceServiceRequest, spans: ReceivedSpan[], rejected: number): void {
    this.stats.requests++;
    this.stats.spans += spans.length;
    this.stats.rejectedSpans += rejected;
    if (this.#maxRetainedSpans > 0 && spans.length > 0) {
      this.retained.push(...spans.slice(-this.#maxRetainedSpans));
      if (this.retained.length > this.#maxRetainedSpans) this.retained.splice(0, this.retained.length - this.#maxRetainedSpans);
    }
    this.#printer?.add(spans);
    this.#viewer?.add(spans);
    if (this.#onSpans !== undefined) {
      try {
        const result = this.#onSpans(request, spans);
        if (result instanceof Promise) result.catch((error: unknown) => reportError('receiver.onSpans', error));
      } catch (error) {
        reportError('receiver.onSpans', error);
      }
    }
  }

  #fail(response: ServerResponse, status: number, body: EncodedBody): void {
    this.stats.failedRequests++;
    send(response, status, body);
  }
}

class RunningReceiver implements Receiver {
  readonly url: string;
  readonly tracesUrl: string;
  readonly uiUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly #server: Server;
  readonly #state: ReceiverState;
  readonly #viewer: TraceViewer | undefined;
  #closing: Promise<void> | undefined;

  constructor(server: Server, state: ReceiverState, url: string, host: string, port: number, viewer: TraceViewer | undefined) {
    this.#server = server;
    this.#state = state;
    this.#viewer = viewer;
    this.url = url;
    this.tracesUrl = url + TRACES_PATH;
    this.uiUrl = viewer === undefined ? undefined : `${url}/`;
    this.host = host;
    this.port = port;
  }

  spans(): ReceivedSpan[] {
    return [...this.#state.retained];
  }

  traces(): Map<string, ReceivedSpan[]> {
    const traces = new Map<string, ReceivedSpan[]>();
    for (const span of this.#state.retained) {
      const list = traces.get(span.traceId);
      if (list === undefined) traces.set(span.traceId, [span]);
      else list.push(span);
    }
    return traces;
  }

  stats(): ReceiverStats {
    return { ...this.#state.stats };
  }

  clear(): void {
    this.#state.retained = [];
  }

  flush(): void {
    this.#state.flush();
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => {
        this.#state.flush();
        resolve();
      });
      this.#viewer?.close();
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }
}

const TOO_LARGE = Symbol('too large');

/** Reads the whole body, stopping (and discarding the rest) once it passes `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        request.resume(); // drain without keeping; the 413 closes the connection
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onGone = (): void => {
      cleanup();
      resolve(undefined);
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onGone);
      request.off('close', onGone);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onGone);
    request.on('close', onGone);
  });
}

/** Gunzips on the thread pool, giving up as soon as the output passes `limit` bytes. */
function inflate(body: Buffer, limit: number): Promise<Buffer | typeof TOO_LARGE | Error> {
  return new Promise((resolve) => {
    gunzip(body, { maxOutputLength: limit }, (error, result) => {
      if (error === null) resolve(result);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) resolve(TOO_LARGE);
      else resolve(error);
    });
  });
}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

function plainText(text: string): EncodedBody {
  return { contentType: 'text/plain; charset=utf-8', body: text };
}

function send(response: ServerResponse, status: number, { contentType, body }: EncodedBody): void {
  response.statusCode = status;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  response.end(body);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
