import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
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
 * Resource and scope messages in proto3 JSON, built once per object, by hand like the spans (the
 * fields of `toResourceMessage` / `toScopeMessage`: attributes, and a scope's name and version), so
 * that the JSON encoder needs no generated schema at run time (the browser build ships none).
 */
const resourceJson = cachePerObject((resource: Resource): JsonValue => {
  const json: JsonObject = {};
  setList(json, 'attributes', toJsonAttributes(resource.attributes));
  return json;
});
const scopeJson = cachePerObject((scope: InstrumentationScope): JsonValue => {
  const json: JsonObject = {};
  setString(json, 'name', otlpString(scope.name));
  setString(json, 'version', otlpString(scope.version));
  setList(json, 'attributes', toJsonAttributes(scope.attributes));
  return json;
});

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
        (groups.scopeGroup(span.resource, span.instrumentationScope).spans as JsonObject[]).push(json);
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

function newResourceEntry(resource: Resource): JsonObject {
  const entry: JsonObject = { resource: resourceJson(resource), scopeSpans: [] };
  setString(entry, 'schemaUrl', otlpString(resource.schemaUrl));
  return entry;
}

function newScopeEntry(resourceEntry: JsonObject, scope: InstrumentationScope): JsonObject {
  const entry: JsonObject = { scope: scopeJson(scope), spans: [] };
  setString(entry, 'schemaUrl', otlpString(scope.schemaUrl));
  (resourceEntry.scopeSpans as JsonObject[]).push(entry);
  return entry;
}

function toJsonSpan(span: FinishedSpan): JsonObject {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const json: JsonObject = {
    traceId: hexId(context.traceId, TRACE_ID_HEX_LENGTH, 'trace id'),
    spanId: hexId(context.spanId, SPAN_ID_HEX_LENGTH, 'span id'),
  };
  setString(json, 'traceState', otlpTraceState(context));
  if (parent !== undefined) json.parentSpanId = hexId(parent.spanId, SPAN_ID_HEX_LENGTH, 'parent span id');
  json.flags = otlpFlags(context.traceFlags, parent?.isRemote);
  setString(json, 'name', otlpString(span.name));
  setNumber(json, 'kind', otlpSpanKind(span.kind));
  setTime(json, 'startTimeUnixNano', unixNanoDecimal(span.startTimeNanos, span, 'startTime'));
  setTime(json, 'endTimeUnixNano', unixNanoDecimal(span.endTimeNanos, span, 'endTime'));
  setList(json, 'attributes', toJsonAttributes(span.attributes));
  setNumber(json, 'droppedAttributesCount', otlpCount(span.droppedAttributesCount));
  const events = span.events;
  if (events.length > 0) {
    const list: JsonObject[] = [];
    for (let i = 0; i < events.length; i++) list.push(toJsonEvent(events[i]));
    json.events = list;
  }
  setNumber(json, 'droppedEventsCount', otlpCount(span.droppedEventsCount));
  const links = span.links;
  if (links.length > 0) {
    const list: JsonObject[] = [];
    for (let i = 0; i < links.length; i++) list.push(toJsonLink(links[i]));
    json.links = list;
  }
  setNumber(json, 'droppedLinksCount', otlpCount(span.droppedLinksCount));
  const status = span.status;
  const statusJson: JsonObject = {};
  setString(statusJson, 'message', otlpString(status.message));
  setNumber(statusJson, 'code', otlpStatusCode(status.code));
  json.status = statusJson;
  return json;
}

function toJsonEvent(event: SpanEvent): JsonObject {
  const json: JsonObject = {};
  setTime(json, 'timeUnixNano', unixNanoDecimal(event.timeNanos, event, 'time'));
  setString(json, 'name', otlpString(event.name));
  setList(json, 'attributes', toJsonAttributes(event.attributes));
  setNumber(json, 'droppedAttributesCount', otlpCount(event.droppedAttributesCount));
  return json;
}

function toJsonLink(link: SpanLink): JsonObject {
  const context = link.context;
  const json: JsonObject = {
    traceId: hexId(context.traceId, TRACE_ID_HEX_LENGTH, 'link trace id'),
    spanId: hexId(context.spanId, SPAN_ID_HEX_LENGTH, 'link span id'),
  };
  setString(json, 'traceState', otlpTraceState(context));
  setList(json, 'attributes', toJsonAttributes(link.attributes));
  setNumber(json, 'droppedAttributesCount', otlpCount(link.droppedAttributesCount));
  json.flags = otlpFlags(context.traceFlags, context.isRemote);
  return json;
}

function toJsonAttributes(attributes: Attributes | undefined): JsonObject[] {
  const list: JsonObject[] = [];
  if (attributes === undefined) return list;
  for (const key in attributes) {
    const value = toJsonValue(attributes[key], false);
    if (value === undefined) continue;
    const keyValue: JsonObject = {};
    setString(keyValue, 'key', otlpString(key));
    keyValue.value = value;
    list.push(keyValue);
  }
  return list;
}

/** An attribute value as an OTLP/JSON `AnyValue` (the same rules as the message mapping). */
function toJsonValue(value: unknown, inArray: boolean): JsonObject | undefined {
  if (typeof value === 'string') return { stringValue: otlpString(value) };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { intValue: String(value) };
    return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (typeof value === 'boolean') return { boolValue: value };
  if (value instanceof Uint8Array) return { bytesValue: base64(value) };
  if (!inArray && Array.isArray(value)) {
    const values: JsonObject[] = [];
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

/** Epoch nanoseconds of a clock time as a decimal string, from its two exact 32-bit halves. */
function unixNanoDecimal(clockNanos: number, holder: object, key: TimeKey): string {
  if (!isEncodableTime(clockNanos, holder, key)) throw new Error(`invalid ${TIME_NAMES[key]} ${String(clockNanos)}`);
  const [high, low] = unixNanoParts(clockNanos, holder, key);
  return String((BigInt(high) << 32n) | BigInt(low));
}

function setString(target: JsonObject, key: string, value: string): void {
  if (value !== '') target[key] = value;
}

/** A 64-bit time in decimal, omitted when zero like every proto3 JSON default. */
function setTime(target: JsonObject, key: string, decimal: string): void {
  if (decimal !== '0') target[key] = decimal;
}

function setNumber(target: JsonObject, key: string, value: number): void {
  if (value !== 0) target[key] = value;
}

function setList(target: JsonObject, key: string, list: JsonObject[]): void {
  if (list.length > 0) target[key] = list;
}
