import type { Attributes } from '@opentelemetry/api';
import type { ExportTraceServiceRequest } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { AnyValue, InstrumentationScope as ScopeMessage, KeyValue } from '../../../../gen/opentelemetry/proto/common/v1/common_pb.js';
import type { Resource as ResourceMessage } from '../../../../gen/opentelemetry/proto/resource/v1/resource_pb.js';
import type {
  ResourceSpans,
  ScopeSpans,
  Span,
  Span_Event,
  Span_Link,
  Status,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_pb.js';
import { ENCODE_ERROR_KIND } from './encode-error-kind.js';
import { reportError } from '../../../diagnostics/report.js';
import type { Resource } from '../../../resource/resource.js';
import { clockNanosToUnixNanoBigInt } from '../../../trace/clock.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../trace/finished-span.js';
import type { InstrumentationScope } from '../../../trace/instrumentation-scope.js';
import { hexIdToBytes, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../wire/hex-id.js';
import {
  isEncodableClockNanos,
  otlpCount,
  otlpFlags,
  otlpSpanKind,
  otlpStatusCode,
  otlpString,
  otlpTraceState,
} from './otlp-field-values.js';
import { ResourceScopeGroups } from './resource-scope-groups.js';

const EMPTY_BYTES = new Uint8Array(0);

/**
 * Maps finished spans onto the generated OTLP `ExportTraceServiceRequest` message (plain message
 * objects, equal to what the generated schema's `fromBinary` returns for the same data).
 *
 * Spans are grouped by resource (the same `Resource` object gives one `ResourceSpans`), then by
 * instrumentation scope (the same scope object gives one `ScopeSpans`), in order of first
 * appearance; spans keep their batch order inside a scope. Mapping rules:
 * - ids: hex → bytes; the parent span id is empty for a root span. A span whose trace, span,
 *   parent or link ids are not hex of the right length is dropped and reported through
 *   `reportError('export.otlp.encode', …)`; so is a span whose fields throw when read.
 * - `flags`: W3C trace flags in the low byte, `CONTEXT_HAS_IS_REMOTE` always, `CONTEXT_IS_REMOTE`
 *   when the parent (or, for a link, the linked context) is remote.
 * - kind: API kind + 1 (API INTERNAL = 0 → OTLP INTERNAL = 1); status codes map one to one; the
 *   status is always present.
 * - times: clock nanoseconds → epoch nanoseconds, exactly; a span with a time that is not a finite
 *   number, or lies outside the unsigned 64-bit epoch range, is dropped and reported.
 * - attribute values: string, boolean, safe integer → `intValue`, other numbers → `doubleValue`,
 *   `Uint8Array` → `bytesValue`, arrays → `arrayValue` whose elements follow the same rules (an
 *   element of another type, `null` or `undefined` becomes an empty `AnyValue`). An attribute whose
 *   value is of any other type (or `null`/`undefined`) is left out.
 * - strings: a lone surrogate (which UTF-8 cannot carry) becomes U+FFFD, as on the wire.
 * - instrumentation scope schema URL → `ScopeSpans.schemaUrl`; resource schema URL → `ResourceSpans.schemaUrl`.
 *
 * Never throws.
 *
 * @example
 * ```ts
 * import { toBinary } from '@bufbuild/protobuf';
 * import { ExportTraceServiceRequestSchema } from 'otelite/proto';
 * import { toExportTraceServiceRequest } from 'otelite';
 *
 * const request = toExportTraceServiceRequest(exporter.getFinishedSpans());
 * console.log(request.resourceSpans[0]?.scopeSpans[0]?.spans.length);
 * const bytes = toBinary(ExportTraceServiceRequestSchema, request);
 * ```
 */
export function toExportTraceServiceRequest(spans: readonly FinishedSpan[]): ExportTraceServiceRequest {
  const request: ExportTraceServiceRequest = {
    $typeName: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
    resourceSpans: [],
  };
  try {
    const groups = new ResourceScopeGroups(newResourceSpans, newScopeSpans);
    request.resourceSpans = groups.resources;
    for (let i = 0; i < spans.length; i++) {
      const finished = spans[i];
      try {
        const span = toSpanMessage(finished);
        groups.scopeGroup(finished.resource, finished.instrumentationScope).spans.push(span);
      } catch (error) {
        reportError(ENCODE_ERROR_KIND, error, 'span dropped from the OTLP batch');
      }
    }
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error);
  }
  return request;
}

function newResourceSpans(resource: Resource): ResourceSpans {
  return {
    $typeName: 'opentelemetry.proto.trace.v1.ResourceSpans',
    resource: toResourceMessage(resource),
    scopeSpans: [],
    schemaUrl: otlpString(resource.schemaUrl),
  };
}

function newScopeSpans(resourceSpans: ResourceSpans, scope: InstrumentationScope): ScopeSpans {
  const scopeSpans: ScopeSpans = {
    $typeName: 'opentelemetry.proto.trace.v1.ScopeSpans',
    scope: toScopeMessage(scope),
    spans: [],
    schemaUrl: otlpString(scope.schemaUrl),
  };
  resourceSpans.scopeSpans.push(scopeSpans);
  return scopeSpans;
}

/** The OTLP `Resource` message for a resource (attributes; no dropped count or entity refs). */
export function toResourceMessage(resource: Resource): ResourceMessage {
  return {
    $typeName: 'opentelemetry.proto.resource.v1.Resource',
    attributes: toKeyValues(resource.attributes),
    droppedAttributesCount: 0,
    entityRefs: [],
  };
}

/** The OTLP `InstrumentationScope` message for a scope (its schema URL goes on `ScopeSpans`). */
export function toScopeMessage(scope: InstrumentationScope): ScopeMessage {
  return {
    $typeName: 'opentelemetry.proto.common.v1.InstrumentationScope',
    name: otlpString(scope.name),
    version: otlpString(scope.version),
    attributes: scope.attributes === undefined ? [] : toKeyValues(scope.attributes),
    droppedAttributesCount: 0,
  };
}

function toSpanMessage(finished: FinishedSpan): Span {
  const context = finished.spanContext();
  const parent = finished.parentSpanContext;
  const status = finished.status;
  const statusMessage: Status = {
    $typeName: 'opentelemetry.proto.trace.v1.Status',
    message: otlpString(status.message),
    code: otlpStatusCode(status.code),
  };
  return {
    $typeName: 'opentelemetry.proto.trace.v1.Span',
    traceId: idBytes(context.traceId, TRACE_ID_HEX_LENGTH, 'trace id'),
    spanId: idBytes(context.spanId, SPAN_ID_HEX_LENGTH, 'span id'),
    traceState: otlpTraceState(context),
    parentSpanId: parent === undefined ? EMPTY_BYTES : idBytes(parent.spanId, SPAN_ID_HEX_LENGTH, 'parent span id'),
    flags: otlpFlags(context.traceFlags, parent?.isRemote),
    name: otlpString(finished.name),
    kind: otlpSpanKind(finished.kind),
    startTimeUnixNano: unixNanos(finished.startTimeNanos, 'start time'),
    endTimeUnixNano: unixNanos(finished.endTimeNanos, 'end time'),
    attributes: toKeyValues(finished.attributes),
    droppedAttributesCount: otlpCount(finished.droppedAttributesCount),
    events: finished.events.map(toEventMessage),
    droppedEventsCount: otlpCount(finished.droppedEventsCount),
    links: finished.links.map(toLinkMessage),
    droppedLinksCount: otlpCount(finished.droppedLinksCount),
    status: statusMessage,
  };
}

function toEventMessage(event: SpanEvent): Span_Event {
  return {
    $typeName: 'opentelemetry.proto.trace.v1.Span.Event',
    timeUnixNano: unixNanos(event.timeNanos, 'event time'),
    name: otlpString(event.name),
    attributes: event.attributes === undefined ? [] : toKeyValues(event.attributes),
    droppedAttributesCount: otlpCount(event.droppedAttributesCount),
  };
}

function toLinkMessage(link: SpanLink): Span_Link {
  const context = link.context;
  return {
    $typeName: 'opentelemetry.proto.trace.v1.Span.Link',
    traceId: idBytes(context.traceId, TRACE_ID_HEX_LENGTH, 'link trace id'),
    spanId: idBytes(context.spanId, SPAN_ID_HEX_LENGTH, 'link span id'),
    traceState: otlpTraceState(context),
    attributes: link.attributes === undefined ? [] : toKeyValues(link.attributes),
    droppedAttributesCount: otlpCount(link.droppedAttributesCount),
    flags: otlpFlags(context.traceFlags, context.isRemote),
  };
}

function toKeyValues(attributes: Attributes): KeyValue[] {
  const keyValues: KeyValue[] = [];
  for (const key in attributes) {
    const value = toAnyValue(attributes[key], false);
    if (value === undefined) continue;
    keyValues.push({ $typeName: 'opentelemetry.proto.common.v1.KeyValue', key: otlpString(key), value, keyStrindex: 0 });
  }
  return keyValues;
}

/** An attribute value as `AnyValue`; `undefined` when it has no OTLP form (see the rules above). */
function toAnyValue(value: unknown, inArray: boolean): AnyValue | undefined {
  switch (typeof value) {
    case 'string':
      return anyValue({ case: 'stringValue', value: otlpString(value) });
    case 'boolean':
      return anyValue({ case: 'boolValue', value });
    case 'number':
      return Number.isSafeInteger(value) ? anyValue({ case: 'intValue', value: BigInt(value) }) : anyValue({ case: 'doubleValue', value });
    case 'object':
      if (value instanceof Uint8Array) return anyValue({ case: 'bytesValue', value });
      if (!inArray && Array.isArray(value)) {
        const values: AnyValue[] = [];
        for (let i = 0; i < value.length; i++) values.push(toAnyValue(value[i], true) ?? anyValue({ case: undefined }));
        return anyValue({ case: 'arrayValue', value: { $typeName: 'opentelemetry.proto.common.v1.ArrayValue', values } });
      }
  }
  return inArray ? anyValue({ case: undefined }) : undefined;
}

function anyValue(value: AnyValue['value']): AnyValue {
  return { $typeName: 'opentelemetry.proto.common.v1.AnyValue', value };
}

function idBytes(id: string, hexLength: number, what: string): Uint8Array {
  const bytes = hexIdToBytes(id, hexLength);
  if (bytes === undefined) throw new Error(`invalid ${what} ${JSON.stringify(id)}`);
  return bytes;
}

function unixNanos(clockNanos: number, what: string): bigint {
  if (!isEncodableClockNanos(clockNanos)) throw new Error(`invalid ${what} ${String(clockNanos)}`);
  return clockNanosToUnixNanoBigInt(clockNanos);
}
