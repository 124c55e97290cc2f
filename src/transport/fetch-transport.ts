import { runWithTracingSuppressed } from '../context/suppress-tracing.js';
import { warnOnce } from '../diagnostics/report.js';
import { EXPORT_REQUEST_HEADER } from './exporter-requests.js';
import {
  abortError,
  timeoutError,
  USER_AGENT,
  type HttpResponse,
  type HttpTransport,
  type HttpTransportOptions,
} from './http-transport.js';

/** Options of {@link createFetchTransport} that only a platform knows. */
export interface FetchTransportSettings {
  /**
   * Requests whose body is at most this many bytes are sent with `keepalive: true`, so they outlive the
   * page that sent them (browsers allow 64 KiB in flight for all keep-alive requests together). Default
   * 0: never (runtimes without pages do not need it).
   */
  readonly keepaliveMaxBytes?: number;
  /** Whether to send a `User-Agent` header (browsers forbid setting it). Default `true`. */
  readonly sendUserAgent?: boolean;
  /**
   * Whether to mark each request with the `otelite-export` header, so that any otelite instance seeing
   * it makes no span of it. Default: as `sendUserAgent`; browsers (`false`) do not, since a custom
   * header would need the collector's CORS allow-list to name it.
   */
  readonly markExportRequests?: boolean;
}

/**
 * OTLP/HTTP over the web-standard `fetch`: a `POST` per call, optional gzip through `CompressionStream`
 * (sent uncompressed, with one warning, where the runtime has none), a per-request timeout, and a
 * bounded read of the response. Used everywhere except Node, whose `node:http` transport keeps its
 * sockets in a bounded keep-alive agent. `tls` settings cannot be given to `fetch` and are ignored
 * with one warning.
 *
 * @example
 * ```ts
 * const transport = createFetchTransport({
 *   url: new URL('http://localhost:4318/v1/traces'), headers: {}, contentType: 'application/x-protobuf',
 *   compression: 'gzip', timeoutMillis: 10_000, maxSockets: 2, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
 * });
 * const response = await transport.send(await transport.prepare(payload), AbortSignal.timeout(30_000));
 * ```
 */
export function createFetchTransport(options: HttpTransportOptions, settings: FetchTransportSettings = {}): HttpTransport {
  const { url, contentType, timeoutMillis, maxResponseBytes } = options;
  let compression = options.compression;
  if (compression === 'gzip' && typeof runtimeCompressionStream() !== 'function') {
    warnOnce('OTLP exporter: no CompressionStream here; requests are sent uncompressed.');
    compression = 'none';
  }
  if (options.tls !== undefined) warnOnce('OTLP exporter: tls options need the Node.js transport; fetch ignores them.');
  if (options.tlsFiles !== undefined) {
    warnOnce('OTLP exporter: fetch ignores the *CERTIFICATE/*CLIENT_KEY files (Node.js only).');
  }
  const keepaliveMaxBytes = settings.keepaliveMaxBytes ?? 0;
  const headers: Record<string, string> = { ...options.headers, 'content-type': contentType };
  if (settings.sendUserAgent !== false) headers['user-agent'] = USER_AGENT;
  if (settings.markExportRequests ?? settings.sendUserAgent !== false) headers[EXPORT_REQUEST_HEADER] = '1';
  if (compression === 'gzip') headers['content-encoding'] = 'gzip';
  else delete headers['content-encoding'];
  const inFlight = new Set<AbortController>();

  return {
    async prepare(payload) {
      return compression === 'gzip' ? gzipBytes(payload) : payload;
    },

    async send(body, signal) {
      if (signal.aborted) throw abortError();
      const controller = new AbortController();
      inFlight.add(controller);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMillis);
      timer.unref?.();
      const onAbort = (): void => controller.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const failure = (error: unknown): unknown => {
        if (timedOut) return timeoutError(timeoutMillis);
        if (signal.aborted || controller.signal.aborted) return abortError();
        // fetch rejects with a TypeError when the request got no response (refused, reset, DNS, CORS);
        // marked so that the exporter retries it as the OTLP specification says for transient errors.
        if (error instanceof TypeError && (error as { code?: unknown }).code === undefined) {
          return Object.assign(new TypeError(`network error: ${error.message}`, { cause: error }), { code: 'ERR_NETWORK' });
        }
        return error;
      };
      try {
        const init: RequestInit = {
          method: 'POST',
          headers,
          body: body as BodyInit,
          signal: controller.signal,
        };
        if (body.length <= keepaliveMaxBytes) init.keepalive = true;
        // The exporter's own request is never traced.
        const response = await runWithTracingSuppressed(() => fetch(url, init));
        const read = await readBody(response, maxResponseBytes);
        return {
          statusCode: response.status,
          statusMessage: response.statusText,
          retryAfter: response.headers.get('retry-after') ?? undefined,
          contentType: response.headers.get('content-type') ?? undefined,
          ...read,
        };
      } catch (error) {
        throw failure(error);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        inFlight.delete(controller);
      }
    },

    close() {
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
    },
  };
}

/**
 * The runtime's `CompressionStream`, if it has one. Read from `globalThis` rather than named, so edge
 * bundlers (Next.js) that flag the bare identifier as unsupported in their runtime do not warn at build.
 */
function runtimeCompressionStream(): typeof CompressionStream | undefined {
  return (globalThis as { CompressionStream?: typeof CompressionStream }).CompressionStream;
}

/** `payload` gzipped through the web-standard `CompressionStream`. */
async function gzipBytes(payload: Uint8Array): Promise<Uint8Array> {
  const Compression = runtimeCompressionStream() as typeof CompressionStream;
  const stream = new Blob([payload as BlobPart]).stream().pipeThrough(new Compression('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads at most `maxBytes` of the response body; a longer one is cancelled and reported missing. */
async function readBody(response: Response, maxBytes: number): Promise<Pick<HttpResponse, 'body' | 'bodyError' | 'bodyTooLarge'>> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { body: undefined, bodyError: `the response body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, bodyTooLarge: true };
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return { body: new Uint8Array(0), bodyError: undefined, bodyTooLarge: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { body: undefined, bodyError: `the response body exceeds the ${maxBytes}-byte limit`, bodyTooLarge: true };
      }
      chunks.push(value);
    }
  } catch {
    return { body: undefined, bodyError: 'the connection closed before the response body ended', bodyTooLarge: false };
  }
  if (chunks.length === 1) return { body: chunks[0], bodyError: undefined, bodyTooLarge: false };
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { body, bodyError: undefined, bodyTooLarge: false };
}
