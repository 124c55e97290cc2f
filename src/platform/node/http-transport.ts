import { context } from '@opentelemetry/api';
import { Agent as HttpAgent, request as httpRequest, validateHeaderName, validateHeaderValue } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { suppressTracing } from '../../context/suppress-tracing.js';
import { warnOnce } from '../../diagnostics/report.js';
import { installExitListener } from './exit-listener.js';
import { postSynchronously, type SynchronousPostOutcome } from './post-synchronously.js';
import { VERSION } from '../../version.js';
import { markExporterAgent, markExporterRequest } from '../../export/otlp/exporter-requests.js';

/**
 * OTLP/HTTP on Node's built-in `node:http` / `node:https`: one keep-alive agent with a bounded number of
 * sockets, a `POST` per call, optional gzip, a per-request timeout, and a bounded read of the response.
 * An `https:` URL verifies the receiver's certificate (Node's default; never turned off here).
 */

/** The `User-Agent` of every export request. */
export const USER_AGENT = `otelite/${VERSION}`;

/** The OTLP specification's recommended limit on a response body, in bytes (4 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** TLS material for an `https:` receiver; certificate verification itself always stays on. */
export type TlsOptions = Pick<HttpsAgentOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'pfx' | 'servername'>;

/** Settings of one transport; the exporter resolves them once. */
export interface HttpTransportOptions {
  /** Where requests go (`http:` or `https:`). */
  readonly url: URL;
  /** Extra request headers, already validated; values are secrets and are never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: 'application/x-protobuf' | 'application/json';
  readonly compression: 'gzip' | 'none';
  /** Time allowed for one request, from sending to the last byte of the response, in milliseconds. */
  readonly timeoutMillis: number;
  /** Sockets the keep-alive agent may open at once. */
  readonly maxSockets: number;
  /** A longer response body is discarded unread (the status code still counts), in bytes. */
  readonly maxResponseBytes: number;
  /** Extra TLS material for `https:`. */
  readonly tls?: TlsOptions;
}

/** What came back for one request. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  /** The `Retry-After` header, when present. */
  readonly retryAfter: string | undefined;
  /** The response's `Content-Type`, when present. */
  readonly contentType: string | undefined;
  /** The whole body, or `undefined` when it was discarded (too long, or the connection broke mid-body). */
  readonly body: Uint8Array | undefined;
  /** Why `body` is missing, when it is. */
  readonly bodyError: string | undefined;
  /** Whether `body` was discarded for exceeding `maxResponseBytes`. */
  readonly bodyTooLarge: boolean;
}

/** One destination's HTTP client. */
export interface HttpTransport {
  /** Turns an encoded payload into the bytes to send (gzipped when configured); do it once per payload, not per attempt. */
  prepare(payload: Uint8Array): Promise<Uint8Array>;
  /**
   * Posts `body` (from {@link HttpTransport.prepare}). Resolves with any HTTP response; rejects on a
   * network error, on the per-request timeout (an error named `TimeoutError`), or when `signal` aborts
   * (with an error named `AbortError`).
   */
  send(body: Uint8Array, signal: AbortSignal): Promise<HttpResponse>;
  /** Closes the agent's sockets. Requests in flight are cut off. */
  close(): void;
  /**
   * Posts an encoded `payload` (not from `prepare`: compression happens on the way) and blocks until it
   * is answered, fails or `timeoutMillis` passes: for the `exit` event only (see
   * `platform/node/post-synchronously.ts`). One attempt, no retry. Never throws.
   */
  postSynchronously?(payload: Uint8Array, timeoutMillis: number): SynchronousPostOutcome;
}

const gzipAsync = promisify(gzip);

/**
 * Creates the transport for one exporter.
 *
 * @example
 * ```ts
 * const transport = createHttpTransport({
 *   url: new URL('http://localhost:4318/v1/traces'), headers: {}, contentType: 'application/x-protobuf',
 *   compression: 'gzip', timeoutMillis: 10_000, maxSockets: 2, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
 * });
 * const response = await transport.send(await transport.prepare(payload), AbortSignal.timeout(30_000));
 * ```
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const { url, contentType, compression, timeoutMillis, maxResponseBytes } = options;
  const secure = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets };
  const agent = secure ? new HttpsAgent({ ...options.tls, ...agentOptions }) : new HttpAgent(agentOptions);
  markExporterAgent(agent);
  const request = secure ? httpsRequest : httpRequest;

  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...options.headers, 'content-type': contentType };
  if (compression === 'gzip') headers['content-encoding'] = 'gzip';
  else delete headers['content-encoding'];
  // Whoever builds a Node transport can also send at exit: the listener that does it goes in once.
  installExitListener();

  return {
    async prepare(payload) {
      return compression === 'gzip' ? new Uint8Array(await gzipAsync(payload)) : payload;
    },

    send(body, signal) {
      const requestOptions: RequestOptions = {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(body.length) },
      };
      return new Promise<HttpResponse>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortError());
          return;
        }
        let settled = false;
        const settle = (action: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          action();
        };
        // The exporter's own request is never traced: suppressed context for in-process instrumentation,
        // and a mark for diagnostics_channel subscribers.
        const req: ClientRequest = context.with(suppressTracing(context.active()), () => request(url, requestOptions));
        markExporterRequest(req);
        const onAbort = (): void => {
          const error = abortError();
          settle(() => reject(error));
          req.destroy(error);
        };
        const timer = setTimeout(() => {
          const error = timeoutError(timeoutMillis);
          settle(() => reject(error));
          req.destroy(error);
        }, timeoutMillis);
        timer.unref();
        signal.addEventListener('abort', onAbort, { once: true });
        req.on('error', (error) => settle(() => reject(error)));
        req.on('response', (res) =>
          readBody(res, maxResponseBytes, (responseBody, bodyError, bodyTooLarge) =>
            settle(() =>
              resolve({
                statusCode: res.statusCode ?? 0,
                statusMessage: res.statusMessage ?? '',
                retryAfter: singleHeader(res.headers['retry-after']),
                contentType: singleHeader(res.headers['content-type']),
                body: responseBody,
                bodyError,
                bodyTooLarge,
              }),
            ),
          ),
        );
        req.end(body);
      });
    },

    close() {
      agent.destroy();
    },

    postSynchronously(payload, timeoutMillis) {
      return postSynchronously({ url, headers, payload, compression, tls: secure ? options.tls : undefined }, timeoutMillis);
    },
  };
}

/**
 * Reads `res` into one buffer, at most `maxBytes`: a longer body (announced or actual) is not kept; the
 * response is destroyed at once and `done` gets `undefined` with the reason.
 */
function readBody(
  res: IncomingMessage,
  maxBytes: number,
  done: (body: Uint8Array | undefined, error: string | undefined, tooLarge: boolean) => void,
): void {
  const declared = Number(res.headers['content-length']);
  if (declared > maxBytes) {
    res.destroy();
    done(undefined, `the response body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, true);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  res.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > maxBytes) {
      finished = true;
      chunks.length = 0;
      res.destroy();
      done(undefined, `the response body exceeds the ${maxBytes}-byte limit`, true);
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () => {
    if (finished) return;
    finished = true;
    done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), undefined, false);
  });
  // A connection lost mid-body: the status code is still known.
  res.on('error', () => undefined);
  res.on('close', () => {
    if (finished) return;
    finished = true;
    done(undefined, 'the connection closed before the response body ended', false);
  });
}

/**
 * Validates user headers (names and values, as Node would when sending) and lower-cases their names.
 * An invalid header is dropped with a warning that names the key, never the value.
 *
 * @example
 * ```ts
 * normalizeHeaders({ Authorization: 'Bearer x' }); // { authorization: 'Bearer x' }
 * ```
 */
export function normalizeHeaders(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    try {
      if (typeof value !== 'string') throw new TypeError('not a string');
      validateHeaderName(key);
      validateHeaderValue(key, value);
    } catch {
      warnOnce(`OTLP exporter header "${name}" is not a valid HTTP header (or its value is not a valid string); it is not sent.`);
      continue;
    }
    result[key] = value;
  }
  return result;
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function abortError(): Error {
  const error = new Error('the export was aborted');
  error.name = 'AbortError';
  return error;
}

function timeoutError(timeoutMillis: number): Error {
  const error = new Error(`the request timed out after ${timeoutMillis} ms`);
  error.name = 'TimeoutError';
  return error;
}
