import type { Attributes } from '@opentelemetry/api';
import { reportError } from '../../../diagnostics/report.js';
import type { Resource } from '../../../resource/resource.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../trace/finished-span.js';
import type { InstrumentationScope } from '../../../trace/instrumentation-scope.js';
import { isHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../wire/hex-id.js';
import {
  isEncodableTime,
  otlpCount,
  otlpFlags,
  otlpSpanKind,
  otlpStatusCode,
  otlpString,
  otlpTraceState,
  type TimeKey,
  unixNanoParts,
} from './otlp-field-values.js';
import { cachePerObject, ResourceScopeGroups } from './resource-scope-groups.js';
import { ENCODE_ERROR_KIND } from './encode-error-kind.js';
import { utf8Encoder } from '../../../internal/utf8-encoder.js';

/**
 * A JSON object as built here: a field holding its default value is `undefined`, which `JSON.stringify`
 * leaves out, so no field is written only to be tested first.
 */
type Json = { [key: string]: unknown };

/**
 * Resource and scope messages in proto3 JSON, built once per object, by hand like the spans (the
 * fields of `toResourceMessage` / `toScopeMessage`: attributes, and a scope's name and version), so
 * that the JSON encoder needs no generated schema at run time (the browser build ships none).
 */
const resourceJson = cachePerObject((resource: Resource): Json => ({ attributes: toJsonAttributes(resource.attributes) }));
const scopeJson = cachePerObject(
  (scope: InstrumentationScope): Json => ({
    name: text(scope.name),
    version: text(scope.version),
    attributes: toJsonAttributes(scope.attributes),
  }),
);

/**
 * Encodes finished spans as an OTLP/JSON `ExportTraceServiceRequest` (the body of an
 * `application/json` export), as UTF-8 bytes.
 *
 * The content is exactly {@link toExportTraceServiceRequest} of the same spans (same grouping, same
 * dropping rules), written as the OTLP specification asks for JSON: lowerCamelCase keys, trace and
 * span ids as lowercase hex (not base64), enums (`kind`, `status.code`) as integers, 64-bit integers
 * (times, `intValue`) as decimal strings, `bytesValue` as base64, NaN and infinities as the strings
 * proto3 JSON uses. Fields holding their default value (empty strings, zero counts, empty lists, the
 * parent span id of a root span) are omitted, as proto3 JSON does; OTLP receivers read an absent
 * field as its default. Every object is built directly (no reflection, no generated schema); resource
 * and scope objects once per resource and scope.
 *
 * Never throws: a span that cannot be encoded is dropped and reported through
 * `reportError('export.otlp.encode', …)`; the rest of the batch is encoded.
 *
 * @example
 * ```ts
 * import { encodeSpansToJson } from 'otelite';
 *
 * const body = encodeSpansToJson(spans);
 * await fetch('http://127.0.0.1:4318/v1/traces', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body,
 * });
 * ```
 */
export function encodeSpansToJson(spans: readonly FinishedSpan[]): Uint8Array {
  try {
    const groups = new ResourceScopeGroups(newResourceEntry, newScopeEntry);
    const resourceSpans = groups.resources;
    for (let i = 0; i < spans.length; i++) {
      try {
        const span = spans[i];
        const json = toJsonSpan(span);
        (groups.scopeGroup(span.resource, span.instrumentationScope).spans as Json[]).push(json);
      } catch (error) {
        reportError(ENCODE_ERROR_KIND, error, 'span dropped from the OTLP batch');
      }
    }
    return utf8Encoder.encode(JSON.stringify(resourceSpans.length === 0 ? {} : { resourceSpans }));
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'JSON batch dropped');
    return utf8Encoder.encode('{}');
  }
}

function newResourceEntry(resource: Resource): Json {
  return { resource: resourceJson(resource), scopeSpans: [], schemaUrl: text(resource.schemaUrl) };
}

function newScopeEntry(resourceEntry: Json, scope: InstrumentationScope): Json {
  const entry: Json = { scope: scopeJson(scope), spans: [], schemaUrl: text(scope.schemaUrl) };
  (resourceEntry.scopeSpans as Json[]).push(entry);
  return entry;
}

function toJsonSpan(span: FinishedSpan): Json {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const status = span.status;
  return {
    traceId: hexId(context.traceId, TRACE_ID_HEX_LENGTH, 'trace id'),
    spanId: hexId(context.spanId, SPAN_ID_HEX_LENGTH, 'span id'),
    traceState: text(otlpTraceState(context)),
    parentSpanId: parent === undefined ? undefined : hexId(parent.spanId, SPAN_ID_HEX_LENGTH, 'parent span id'),
    flags: otlpFlags(context.traceFlags, parent?.isRemote),
    name: text(span.name),
    kind: nonZero(otlpSpanKind(span.kind)),
    startTimeUnixNano: unixNanoDecimal(span.startTimeNanos, span, 'startTime'),
    endTimeUnixNano: unixNanoDecimal(span.endTimeNanos, span, 'endTime'),
    attributes: toJsonAttributes(span.attributes),
    droppedAttributesCount: count(span.droppedAttributesCount),
    events: nonEmpty(span.events.map(toJsonEvent)),
    droppedEventsCount: count(span.droppedEventsCount),
    links: nonEmpty(span.links.map(toJsonLink)),
    droppedLinksCount: count(span.droppedLinksCount),
    status: { message: text(status.message), code: nonZero(otlpStatusCode(status.code)) },
  };
}

function toJsonEvent(event: SpanEvent): Json {
  return {
    timeUnixNano: unixNanoDecimal(event.timeNanos, event, 'time'),
    name: text(event.name),
    attributes: toJsonAttributes(event.attributes),
    droppedAttributesCount: count(event.droppedAttributesCount),
  };
}

function toJsonLink(link: SpanLink): Json {
  const context = link.context;
  return {
    traceId: hexId(context.traceId, TRACE_ID_HEX_LENGTH, 'link trace id'),
    spanId: hexId(context.spanId, SPAN_ID_HEX_LENGTH, 'link span id'),
    traceState: text(otlpTraceState(context)),
    attributes: toJsonAttributes(link.attributes),
    droppedAttributesCount: count(link.droppedAttributesCount),
    flags: otlpFlags(context.traceFlags, context.isRemote),
  };
}

function toJsonAttributes(attributes: Attributes | undefined): Json[] | undefined {
  const list: Json[] = [];
  for (const key in attributes) {
    const value = toJsonValue(attributes[key], false);
    if (value !== undefined) list.push({ key: text(key), value });
  }
  return nonEmpty(list);
}

/** An attribute value as an OTLP/JSON `AnyValue` (the same rules as the message mapping). */
function toJsonValue(value: unknown, inArray: boolean): Json | undefined {
  if (typeof value === 'string') return { stringValue: otlpString(value) };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { intValue: String(value) };
    return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (typeof value === 'boolean') return { boolValue: value };
  if (value instanceof Uint8Array) return { bytesValue: base64(value) };
  if (!inArray && Array.isArray(value)) {
    const values: Json[] = [];
    for (let i = 0; i < value.length; i++) values.push(toJsonValue(value[i], true) ?? {});
    return { arrayValue: values.length === 0 ? {} : { values } };
  }
  return inArray ? {} : undefined;
}

/** Standard base64 with padding, as proto3 JSON writes `bytes` (web-standard `btoa`, in Node too). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A validated hex id, lowercase as OTLP/JSON wants it; throws (dropping the span) when invalid. */
function hexId(id: string, hexLength: number, what: string): string {
  if (!isHexId(id, hexLength)) throw new Error(`invalid ${what} ${JSON.stringify(id)}`);
  return id.toLowerCase();
}

const TIME_NAMES = { startTime: 'start time', endTime: 'end time', time: 'event time' } as const;

/**
 * Epoch nanoseconds of a clock time as a decimal string, from its two exact 32-bit halves; `undefined`
 * (omitted) when zero, like every proto3 JSON default.
 */
function unixNanoDecimal(clockNanos: number, holder: object, key: TimeKey): string | undefined {
  if (!isEncodableTime(clockNanos, holder, key)) throw new Error(`invalid ${TIME_NAMES[key]} ${String(clockNanos)}`);
  const [high, low] = unixNanoParts(clockNanos, holder, key);
  const nanos = (BigInt(high) << 32n) | BigInt(low);
  return nanos === 0n ? undefined : String(nanos);
}

/** A string field: {@link otlpString}, or `undefined` (omitted) when empty. */
function text(value: string | undefined): string | undefined {
  return otlpString(value) || undefined;
}

/** A dropped count: {@link otlpCount}, or `undefined` (omitted) when zero. */
function count(value: number): number | undefined {
  return otlpCount(value) || undefined;
}

function nonZero(value: number): number | undefined {
  return value || undefined;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
