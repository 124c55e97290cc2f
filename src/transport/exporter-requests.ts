/**
 * Recognising the OTLP exporter's own HTTP requests without a context.
 *
 * The exporter sends every request inside a context with tracing suppressed, which instrumentation
 * checks with `isTracingSuppressed(context.active())`. A `node:diagnostics_channel` subscriber
 * (`http.client.request.start`, ...) may not see that context, so the exporter also marks each
 * `ClientRequest` it creates, and the keep-alive agent it owns, here. Both sets are weak: nothing is
 * kept alive by being marked.
 */

const requests = new WeakSet<object>();
const agents = new WeakSet<object>();

/** Records `request` (a `ClientRequest`) as one of the exporter's own. */
export function markExporterRequest(request: object): void {
  requests.add(request);
}

/** Records `agent` (an `http.Agent`) as owned by an exporter: every request made through it is the exporter's. */
export function markExporterAgent(agent: object): void {
  agents.add(agent);
}

/**
 * Whether `request` (an `http.ClientRequest`) was sent by an otelite OTLP exporter, and so must not be
 * traced. True from the moment the request object exists (its agent is the exporter's), so it already
 * holds when `http.client.request.start` is published. Never throws.
 *
 * @example
 * ```ts
 * diagnosticsChannel.subscribe('http.client.request.start', ({ request }) => {
 *   if (isExporterRequest(request)) return;
 *   // ... start a client span
 * });
 * ```
 */
export function isExporterRequest(request: unknown): boolean {
  if (typeof request !== 'object' || request === null) return false;
  if (requests.has(request)) return true;
  const agent = (request as { agent?: unknown }).agent;
  if (typeof agent === 'object' && agent !== null && agents.has(agent)) return true;
  // Another otelite instance's export (marked by its header).
  try {
    const getHeader = (request as { getHeader?: unknown }).getHeader;
    return typeof getHeader === 'function' && getHeader.call(request, EXPORT_REQUEST_HEADER) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The request header every otelite OTLP exporter sends (value `1`), so that any otelite instance
 * seeing the request (the Node side of a process whose edge sandbox exports through its `fetch`, a
 * service receiving OTLP, another SDK copy) recognises it as telemetry export and makes no span of
 * it: no client span for the call, no server span for the received request.
 */
export const EXPORT_REQUEST_HEADER = 'otelite-export';

/**
 * Whether a request's headers carry {@link EXPORT_REQUEST_HEADER}: a `Headers` object, a
 * `node:http` header record (lower-case names), or undici's flat `[name, value, ...]` list. Never throws.
 *
 * @example
 * ```ts
 * server.on('request', (req, res) => {
 *   if (isExportRequestHeaders(req.headers)) return forward(req, res); // not traced
 * });
 * ```
 */
export function isExportRequestHeaders(headers: unknown): boolean {
  try {
    if (typeof headers !== 'object' || headers === null) return false;
    if (Array.isArray(headers)) {
      for (let i = 0; i < headers.length - 1; i += 2) {
        const name: unknown = headers[i];
        if (typeof name === 'string' && name.length === EXPORT_REQUEST_HEADER.length && name.toLowerCase() === EXPORT_REQUEST_HEADER) {
          return true;
        }
      }
      return false;
    }
    const get = (headers as { get?: unknown }).get;
    if (typeof get === 'function') return (headers as Headers).get(EXPORT_REQUEST_HEADER) !== null;
    return (headers as Record<string, unknown>)[EXPORT_REQUEST_HEADER] !== undefined;
  } catch {
    return false;
  }
}
