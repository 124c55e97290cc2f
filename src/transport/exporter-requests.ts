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
  return typeof agent === 'object' && agent !== null && agents.has(agent);
}
