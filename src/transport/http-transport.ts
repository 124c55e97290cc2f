import { warnOnce } from '../diagnostics/report.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './transport-limits.js';

/**
 * The contract between the OTLP exporter and the HTTP client of a platform: `node:http(s)` on Node
 * (`src/platform/node/http-transport.ts`), `fetch` everywhere else (`fetch-transport.ts`).
 */

/** The `User-Agent` of every export request. */
export const USER_AGENT = `otelite/${VERSION}`;

export { DEFAULT_MAX_RESPONSE_BYTES };

/** PEM text or DER bytes, one or several. */
export type TlsMaterial = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/**
 * TLS material for an `https:` receiver; certificate verification itself always stays on. Used by the
 * Node transport; `fetch` has no such settings, so elsewhere it is ignored with one warning.
 */
export interface TlsOptions {
  /** Certificate authorities to trust instead of the runtime's list. */
  ca?: TlsMaterial;
  /** The client certificate chain. */
  cert?: TlsMaterial;
  /** The client private key. */
  key?: TlsMaterial;
  /** The passphrase of `key` or `pfx`. */
  passphrase?: string;
  /** A PKCS#12 bundle of key and certificate. */
  pfx?: TlsMaterial;
  /** The server name for SNI and certificate checks, when it differs from the URL's host. */
  servername?: string;
}

/** A PEM file named by an environment variable. */
export interface TlsFile {
  /** The path, as the variable gives it. */
  readonly path: string;
  /** The variable that named it, for messages. */
  readonly variable: string;
}

/**
 * The PEM files `OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`, `_CLIENT_CERTIFICATE` and `_CLIENT_KEY` name,
 * read by a transport that can read files (Node's); `fetch` ignores them with one warning.
 */
export interface TlsFiles {
  readonly ca?: TlsFile;
  readonly cert?: TlsFile;
  readonly key?: TlsFile;
}

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
  /** Connections the transport may open at once. */
  readonly maxSockets: number;
  /** A longer response body is discarded unread (the status code still counts), in bytes. */
  readonly maxResponseBytes: number;
  /** Extra TLS material for `https:`. */
  readonly tls?: TlsOptions;
  /** TLS material to read from files for `https:`, for what `tls` does not give. @internal */
  readonly tlsFiles?: TlsFiles;
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

/**
 * How far one request got, for the `exit` event: filled in by a transport that can tell, read
 * synchronously while the process exits (see `UNSENT_AT_EXIT` in `processing/export-at-exit.ts`).
 */
export interface RequestProgress {
  /**
   * Whether the request is out: accepted (a 2xx answer), or, with no answer yet, written whole to a
   * connection that is still open (it then reaches the receiver as the process ends, without any more
   * work on its side). An answer that is not a 2xx means not out: the spans are sent again.
   */
  sentWhole?: () => boolean;
}

/** One destination's HTTP client. */
export interface HttpTransport {
  /** Turns an encoded payload into the bytes to send (gzipped when configured); do it once per payload, not per attempt. */
  prepare(payload: Uint8Array): Promise<Uint8Array>;
  /**
   * Posts `body` (from {@link HttpTransport.prepare}). Resolves with any HTTP response; rejects on a
   * network error, on the per-request timeout (an error named `TimeoutError`), or when `signal` aborts
   * (with an error named `AbortError`). A transport that can tell how far the request got fills in
   * `progress` (see {@link RequestProgress}).
   */
  send(body: Uint8Array, signal: AbortSignal, progress?: RequestProgress): Promise<HttpResponse>;
  /** Closes the transport's connections. Requests in flight are cut off. */
  close(): void;
  /**
   * Posts an encoded `payload` (not from `prepare`: compression happens on the way) and blocks until it
   * is answered, fails or `timeoutMillis` passes: for the `exit` event only (see
   * `platform/node/post-synchronously.ts`). One attempt, no retry. Never throws. Only the Node transport
   * has it.
   */
  postSynchronously?(payload: Uint8Array, timeoutMillis: number): SynchronousPostOutcome;
}

/** How a synchronous post at exit ended. */
export type SynchronousPostOutcome =
  | { readonly kind: 'answered'; readonly statusCode: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'timed-out' };

/** Makes the transport of one exporter. */
export type HttpTransportFactory = (options: HttpTransportOptions) => HttpTransport;

/** A field name: one or more RFC 9110 `tchar` (visible ASCII except delimiters). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A field value: tab, visible ASCII, space and obs-text (0x80-0xff); no other control characters. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Validates user headers (names as RFC 9110 tokens, values without control characters, as Node checks
 * them when sending) and lower-cases their names. An invalid header is dropped with a warning that
 * names the key, never the value.
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
    if (typeof value !== 'string' || !TOKEN.test(key) || !FIELD_VALUE.test(value)) {
      warnOnce(`OTLP exporter header "${name}" is not a valid HTTP header; not sent.`);
      continue;
    }
    result[key] = value;
  }
  return result;
}

/** An error named `AbortError`, as the transports reject with when the caller's signal aborts. */
export function abortError(): Error {
  const error = new Error('the export was aborted');
  error.name = 'AbortError';
  return error;
}

/** An error named `TimeoutError`, as the transports reject with when one request takes too long. */
export function timeoutError(timeoutMillis: number): Error {
  const error = new Error(`the request timed out after ${timeoutMillis} ms`);
  error.name = 'TimeoutError';
  return error;
}
