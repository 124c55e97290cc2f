import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { runWithTracingSuppressed } from '../../context/suppress-tracing.js';
import { postSynchronously } from './post-synchronously.js';
import { withTlsFiles } from './tls-files.js';
import { EXPORT_REQUEST_HEADER, markExporterAgent, markExporterRequest } from '../../transport/exporter-requests.js';
import {
  abortError,
  timeoutError,
  USER_AGENT,
  type HttpResponse,
  type HttpTransport,
  type HttpTransportOptions,
} from '../../transport/http-transport.js';

/**
 * OTLP/HTTP on Node's built-in `node:http` / `node:https`: one keep-alive agent with a bounded number of
 * sockets, a `POST` per call, optional gzip, a per-request timeout, and a bounded read of the response.
 * An `https:` URL verifies the receiver's certificate (Node's default; never turned off here).
 */

/** `tls` in the shape `node:https` takes (the portable `TlsOptions` is a subset of it). */
type NodeTlsOptions = Pick<HttpsAgentOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'pfx' | 'servername'>;

/** gzip, off the main thread; `node:zlib` is loaded by the first transport that compresses, not with otelite. */
function gzipAsync(payload: Uint8Array): Promise<Uint8Array> {
  const { gzip } = process.getBuiltinModule('node:zlib');
  return new Promise((resolve, reject) => gzip(payload, (error, compressed) => (error ? reject(error) : resolve(compressed))));
}

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
  const tls = secure ? withTlsFiles(options.tls, options.tlsFiles) : options.tls;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets };
  // node:https (and node:tls with it) only for an https: endpoint, when the transport is made. Both through
  // getBuiltinModule, never an ES `import`: Node builds an ES module facade of a built-in by reading every
  // export, and node:http's (Node 22 on) include lazy WebSocket getters that load undici, node:http2,
  // node:tls and node:crypto (~35 ms of CPU on the bench machine, nodejs/node#57649).
  const https = secure ? process.getBuiltinModule('node:https') : undefined;
  const http = process.getBuiltinModule('node:http');
  const agent =
    https === undefined ? new http.Agent(agentOptions) : new https.Agent({ ...(tls as NodeTlsOptions | undefined), ...agentOptions });
  markExporterAgent(agent);
  const request = https === undefined ? http.request : https.request;

  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    ...options.headers,
    'content-type': contentType,
    [EXPORT_REQUEST_HEADER]: '1',
  };
  if (compression === 'gzip') headers['content-encoding'] = 'gzip';
  else delete headers['content-encoding'];

  return {
    async prepare(payload) {
      return compression === 'gzip' ? new Uint8Array(await gzipAsync(payload)) : payload;
    },

    send(body, signal, progress) {
      if (signal.aborted) return Promise.reject(abortError());
      const requestOptions: RequestOptions = {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(body.length) },
      };
      // The exporter's own request is never traced: suppressed context for in-process instrumentation,
      // and a mark for diagnostics_channel subscribers.
      let req: ClientRequest;
      try {
        req = runWithTracingSuppressed(() => request(url, requestOptions));
      } catch (error) {
        return Promise.reject(error);
      }
      markExporterRequest(req);
      const exchange = new Exchange(req, signal, timeoutMillis, maxResponseBytes);
      if (progress !== undefined) progress.sentWhole = exchange.sentWhole;
      const answer = exchange.start();
      req.end(body);
      return answer;
    },

    close() {
      agent.destroy();
    },

    postSynchronously(payload, timeoutMillis) {
      return postSynchronously({ url, headers, payload, compression, tls: secure ? tls : undefined }, timeoutMillis);
    },
  };
}

/**
 * One request in flight: its timer, its abort listener, the answer so far and how far the request got.
 *
 * Its listeners are small arrows closing over the exchange alone (not over one context that also holds
 * the body, the options and the `progress` object), the timer callback is a module-level function, and a
 * settled exchange lets go of the request, the signal, the timer and the promise's callbacks. Something
 * long-lived keeps each exchange reachable until a mark-compact (through `progress.sentWhole` or a
 * listener): with those references kept, every export's request, response, body and closures were
 * promoted at each scavenge of a saturated server (~25 KB per scavenge, several mark-compacts per 3 s on
 * Node 20); released, an exchange holds nothing of size (~5 KB per scavenge, as with no transport at all).
 */
class Exchange {
  #req: ClientRequest | undefined;
  #signal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resolve: ((response: HttpResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** The answer's status once known; `FAILED` once the request failed, timed out or was aborted before it. */
  #status: number | undefined;
  #chunks: Buffer[] | undefined;
  #size = 0;
  /** Whether the response body was read, cut off or refused (no more body events count). */
  #bodyDone = false;
  readonly #timeoutMillis: number;
  readonly #maxBytes: number;
  readonly #onAbort: () => void;
  /** For `RequestProgress.sentWhole`: whether the request is out (see {@link RequestProgress}). */
  readonly sentWhole: () => boolean;

  constructor(req: ClientRequest, signal: AbortSignal, timeoutMillis: number, maxBytes: number) {
    this.#req = req;
    this.#signal = signal;
    this.#timeoutMillis = timeoutMillis;
    this.#maxBytes = maxBytes;
    this.#onAbort = () => this.#fail(abortError());
    this.sentWhole = () => this.#isOut();
  }

  /** Arms the timer and the listeners; the promise settles with the answer, or the request's failure. */
  start(): Promise<HttpResponse> {
    const req = this.#req as ClientRequest;
    const answer = new Promise<HttpResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#timer = setTimeout(onTimeout, this.#timeoutMillis, this);
    this.#timer.unref();
    (this.#signal as AbortSignal).addEventListener('abort', this.#onAbort, { once: true });
    req.on('error', (error) => this.#settle(error, undefined));
    req.on('response', (res) => this.#answered(res));
    return answer;
  }

  /** The per-request timeout (see `onTimeout`). */
  timedOut(): void {
    this.#fail(timeoutError(this.#timeoutMillis));
  }

  /** Once the answer's status is known it decides: a 2xx is out, anything else (a 503 to retry) is not. */
  #isOut(): boolean {
    const status = this.#status;
    if (status === undefined) return this.#req !== undefined && isWrittenToLiveSocket(this.#req);
    return status >= 200 && status < 300;
  }

  #fail(error: Error): void {
    const req = this.#req;
    this.#settle(error, undefined);
    req?.destroy(error);
  }

  #answered(res: IncomingMessage): void {
    if (this.#resolve === undefined) return;
    this.#status = res.statusCode ?? 0;
    // A connection lost mid-body: the status code is still known (and `close` follows).
    res.on('error', ignore);
    const declared = Number(res.headers['content-length']);
    if (declared > this.#maxBytes) {
      res.destroy();
      this.#bodyEnded(res, undefined, `the response body of ${declared} bytes exceeds the ${this.#maxBytes}-byte limit`, true);
      return;
    }
    this.#chunks = [];
    res.on('data', (chunk: Buffer) => this.#received(res, chunk));
    res.on('end', () => this.#bodyEnded(res, this.#joinedBody(), undefined, false));
    res.on('close', () => this.#bodyEnded(res, undefined, 'the connection closed before the response body ended', false));
  }

  #received(res: IncomingMessage, chunk: Buffer): void {
    if (this.#bodyDone) return;
    this.#size += chunk.length;
    if (this.#size > this.#maxBytes) {
      this.#chunks = undefined;
      res.destroy();
      this.#bodyEnded(res, undefined, `the response body exceeds the ${this.#maxBytes}-byte limit`, true);
      return;
    }
    this.#chunks?.push(chunk);
  }

  #joinedBody(): Uint8Array {
    const chunks = this.#chunks ?? [];
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#size);
  }

  #bodyEnded(res: IncomingMessage, body: Uint8Array | undefined, bodyError: string | undefined, bodyTooLarge: boolean): void {
    if (this.#bodyDone) return;
    this.#bodyDone = true;
    this.#chunks = undefined;
    this.#settle(undefined, {
      statusCode: res.statusCode ?? 0,
      statusMessage: res.statusMessage ?? '',
      retryAfter: singleHeader(res.headers['retry-after']),
      contentType: singleHeader(res.headers['content-type']),
      body,
      bodyError,
      bodyTooLarge,
    });
  }

  /** Settles once (with `error`, or else `response`) and lets go of the request, the signal and the timer. */
  #settle(error: unknown, response: HttpResponse | undefined): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    // A failure before the answer's status is known: not out (a 2xx status stays the answer).
    if (response === undefined && this.#status === undefined) this.#status = FAILED;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#req = undefined;
    this.#signal = undefined;
    this.#timer = undefined;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (response === undefined) reject(error);
    else resolve(response);
  }
}

/** `Exchange`'s status once it failed: never a 2xx, so never out. */
const FAILED = -1;

function onTimeout(exchange: Exchange): void {
  exchange.timedOut();
}

function ignore(): void {}

/**
 * Whether every byte of `req` (headers and body) has been handed to the kernel, on a socket that is
 * neither destroyed nor errored: the request then reaches the receiver even if this process ends now.
 * `writableFinished` holds once `end()` was called, nothing waits in the request's own buffer (as it does
 * while the socket connects) and the socket's write queue is empty (a write libuv has not completed
 * counts in `writableLength` until it has).
 */
function isWrittenToLiveSocket(req: ClientRequest): boolean {
  const socket = req.socket;
  return req.writableFinished && socket !== null && !socket.destroyed && !socket.connecting;
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
