import type { AnyValue, KeyValue } from '../../../../gen/opentelemetry/proto/common/v1/common_pb.js';
import type { AttributeView, SpanView, TraceResponse } from '../../../viewer-page/viewer-api.js';
import type { ReceivedSpan, ReceivedValue } from './received-span.js';
import { valueText } from './trace-query.js';
import type { StoredTrace } from './trace-store.js';

/** The JSON of `GET /api/traces/:id`: the summary and every span, in start order, as the page reads them. */
export function traceResponse(trace: StoredTrace): TraceResponse {
  const ids = new Set<string>();
  for (const span of trace.spans) ids.add(span.spanId);
  const spans = [...trace.spans].sort((a, b) =>
    a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
  );
  return { summary: trace.summary(), spans: spans.map((span) => spanView(span, trace.start, ids)) };
}

function spanView(span: ReceivedSpan, traceStart: bigint, ids: ReadonlySet<string>): SpanView {
  const proto = span.span;
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    orphan: span.parentSpanId !== '' && !ids.has(span.parentSpanId),
    name: span.name,
    kind: span.kind,
    service: span.serviceName,
    offsetMs: offsetOf(span.startTimeUnixNano, traceStart),
    durationMs: Number.isNaN(span.durationMillis) ? null : span.durationMillis,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    status: { code: span.status.code, message: span.status.message },
    traceState: proto.traceState,
    attributes: recordView(span.attributes),
    events: proto.events.map((event) => ({
      name: event.name,
      offsetMs: offsetOf(event.timeUnixNano, traceStart),
      timeUnixNano: event.timeUnixNano.toString(),
      attributes: keyValuesView(event.attributes),
    })),
    links: proto.links.map((link) => ({
      traceId: Buffer.from(link.traceId).toString('hex'),
      spanId: Buffer.from(link.spanId).toString('hex'),
      traceState: link.traceState,
      attributes: keyValuesView(link.attributes),
    })),
    scope: { name: span.scope.name, version: span.scope.version },
    resource: recordView(span.resourceAttributes),
    droppedAttributesCount: proto.droppedAttributesCount,
    droppedEventsCount: proto.droppedEventsCount,
    droppedLinksCount: proto.droppedLinksCount,
  };
}

function offsetOf(time: bigint, traceStart: bigint): number {
  return time > 0n && traceStart > 0n ? Number(time - traceStart) / 1e6 : 0;
}

function recordView(record: Readonly<Record<string, ReceivedValue>>): AttributeView[] {
  return Object.keys(record).map((key) => [key, valueText(record[key]!), typeOf(record[key]!)]);
}

function typeOf(value: ReceivedValue): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'object') return 'map';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

function keyValuesView(keyValues: readonly KeyValue[]): AttributeView[] {
  return keyValues.map(({ key, value }) => [key, anyValueText(value), anyValueType(value)]);
}

function anyValueType(value: AnyValue | undefined): string {
  switch (value?.value.case) {
    case 'stringValue':
      return 'string';
    case 'boolValue':
      return 'bool';
    case 'intValue':
      return 'int';
    case 'doubleValue':
      return 'double';
    case 'bytesValue':
      return 'bytes';
    case 'arrayValue':
      return 'array';
    case 'kvlistValue':
      return 'map';
    default:
      return 'empty';
  }
}

/** An AnyValue as text; nested values as JSON. Depth is bounded by the decoder's own recursion limit. */
function anyValueText(value: AnyValue | undefined): string {
  const v = value?.value;
  switch (v?.case) {
    case 'stringValue':
      return v.value;
    case 'boolValue':
    case 'intValue':
    case 'doubleValue':
      return String(v.value);
    case 'bytesValue':
      return Buffer.from(v.value).toString('base64');
    case 'arrayValue':
      return `[${v.value.values.map((item) => JSON.stringify(anyValueText(item))).join(',')}]`;
    case 'kvlistValue':
      return `{${v.value.values.map((entry) => `${JSON.stringify(entry.key)}:${JSON.stringify(anyValueText(entry.value))}`).join(',')}}`;
    default:
      return '';
  }
}
