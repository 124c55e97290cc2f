import type { ReceivedSpan } from './received-span.js';
import { StoredTrace } from './trace-store.js';

/**
 * One quiet trace as one line of JSON (what `otelite receive --json` prints): the list row's fields
 * and the spans in start order, with their attributes as plain values (64-bit integers beyond 2^53 as
 * strings, bytes as base64), ending with a newline.
 *
 * @example
 * ```ts
 * process.stdout.write(formatTraceJson(spans, { continued: false }));
 * // {"traceId":"4bf9…","rootName":"GET /cart","services":["checkout"],"spanCount":2,…,"spans":[…]}
 * ```
 */
export function formatTraceJson(spans: readonly ReceivedSpan[], options: { continued: boolean }): string {
  const trace = new StoredTrace(spans[0]?.traceId ?? '');
  for (const span of spans) trace.add(span);
  const { version: _version, ...summary } = trace.summary();
  const sorted = [...spans].sort((a, b) =>
    a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
  );
  const line = {
    ...summary,
    startTime: summary.startMs > 0 ? new Date(summary.startMs).toISOString() : null,
    continued: options.continued,
    spans: sorted.map((span) => ({
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      kind: span.kind,
      service: span.serviceName,
      startTimeUnixNano: span.startTimeUnixNano.toString(),
      endTimeUnixNano: span.endTimeUnixNano.toString(),
      durationMs: Number.isNaN(span.durationMillis) ? null : span.durationMillis,
      status: span.status,
      attributes: span.attributes,
      events: span.span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString() })),
      scope: span.scope,
    })),
  };
  return `${JSON.stringify(line, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  )}\n`;
}
