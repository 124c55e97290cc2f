import { create, toJson, type JsonObject } from '@bufbuild/protobuf';
import {
  ExportTraceServiceRequestSchema,
  type ExportTraceServiceRequest,
} from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import {
  AnyValueSchema,
  ArrayValueSchema,
  KeyValueListSchema,
  KeyValueSchema,
  type AnyValue,
  type KeyValue,
} from '../../../../gen/opentelemetry/proto/common/v1/common_pb.js';
import {
  ResourceSpansSchema,
  ScopeSpansSchema,
  type ResourceSpans,
  type ScopeSpans,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_pb.js';
import type { ReceivedSpan, ReceivedValue } from './received-span.js';

/**
 * The spans of one trace as an OTLP/JSON `ExportTraceServiceRequest` (hex ids, integer enums), which
 * `otelite receive --load` and any OTLP/HTTP receiver read back. Spans are grouped under their
 * resource and scope again. The spans themselves are exact; the resource attributes are rebuilt from
 * their plain values, so a double with an integral value comes back as an int.
 */
export function toOtlpJson(spans: readonly ReceivedSpan[]): JsonObject {
  const resources = new Map<object, { resource: ResourceSpans; scopes: Map<object, ScopeSpans> }>();
  const request: ExportTraceServiceRequest = create(ExportTraceServiceRequestSchema, { resourceSpans: [] });
  for (const span of spans) {
    let group = resources.get(span.resourceAttributes);
    if (group === undefined) {
      const resource = create(ResourceSpansSchema, { resource: { attributes: toKeyValues(span.resourceAttributes) } });
      request.resourceSpans.push(resource);
      group = { resource, scopes: new Map() };
      resources.set(span.resourceAttributes, group);
    }
    let scope = group.scopes.get(span.scope);
    if (scope === undefined) {
      scope = create(ScopeSpansSchema, { scope: { name: span.scope.name, version: span.scope.version } });
      group.resource.scopeSpans.push(scope);
      group.scopes.set(span.scope, scope);
    }
    scope.spans.push(span.span);
  }
  const json = toJson(ExportTraceServiceRequestSchema, request, { enumAsInteger: true }) as JsonObject;
  idsToHex(json);
  return json;
}

function toKeyValues(record: Readonly<Record<string, ReceivedValue>>): KeyValue[] {
  return Object.keys(record).map((key) => create(KeyValueSchema, { key, value: toAnyValue(record[key]!) }));
}

function toAnyValue(value: ReceivedValue): AnyValue {
  const any = (v: AnyValue['value']): AnyValue => create(AnyValueSchema, { value: v });
  if (typeof value === 'string') return any({ case: 'stringValue', value });
  if (typeof value === 'boolean') return any({ case: 'boolValue', value });
  if (typeof value === 'bigint') return any({ case: 'intValue', value });
  if (typeof value === 'number')
    return Number.isInteger(value) ? any({ case: 'intValue', value: BigInt(value) }) : any({ case: 'doubleValue', value });
  if (value === null) return any({ case: undefined });
  if (value instanceof Uint8Array) return any({ case: 'bytesValue', value });
  if (Array.isArray(value)) {
    return any({ case: 'arrayValue', value: create(ArrayValueSchema, { values: value.map(toAnyValue) }) });
  }
  return any({ case: 'kvlistValue', value: create(KeyValueListSchema, { values: toKeyValues(value) }) });
}

/** OTLP/JSON writes trace and span ids as hex, where the canonical protobuf JSON mapping writes base64. */
function idsToHex(json: JsonObject): void {
  const hex = (object: JsonObject, name: string): void => {
    const value = object[name];
    if (typeof value === 'string') object[name] = Buffer.from(value, 'base64').toString('hex');
  };
  for (const resourceSpans of (json['resourceSpans'] ?? []) as JsonObject[]) {
    for (const scopeSpans of (resourceSpans['scopeSpans'] ?? []) as JsonObject[]) {
      for (const span of (scopeSpans['spans'] ?? []) as JsonObject[]) {
        hex(span, 'traceId');
        hex(span, 'spanId');
        hex(span, 'parentSpanId');
        for (const link of (span['links'] ?? []) as JsonObject[]) {
          hex(link, 'traceId');
          hex(link, 'spanId');
        }
      }
    }
  }
}
