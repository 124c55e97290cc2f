import { context } from '@opentelemetry/api';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { suppressTracing } from '../../context/suppress-tracing.js';
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
        // Once the answer's status is known it decides: a 2xx is out, anything else (a 503 to retry) is not.
        let answeredStatus: number | undefined;
        if (progress !== undefined) {
          progress.sentWhole = () =>
            answeredStatus === undefined ? isWrittenToLiveSocket(req) : answeredStatus >= 200 && answeredStatus < 300;
        }
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
        req.on('response', (res) => {
          answeredStatus = res.statusCode ?? 0;
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
          );
        });
        req.end(body);
      });
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

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
