import { fromBinary, fromJson } from '@bufbuild/protobuf';
import type { JsonValue } from '@bufbuild/protobuf';
import {
  ExportTraceServiceRequestSchema,
  type ExportTraceServiceRequest,
} from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';

/** The two OTLP/HTTP body encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

/**
 * Decodes the body of an OTLP/HTTP `POST /v1/traces` request (already decompressed) into the generated
 * `ExportTraceServiceRequest`.
 *
 * OTLP/JSON differs from the canonical protobuf JSON mapping in one way that matters here: trace and span
 * ids (`traceId`, `spanId`, `parentSpanId`, and the ids of links) are hex strings, not base64. They are
 * converted before the generated schema reads the document. Unknown fields are ignored, as the OTLP
 * specification asks of receivers. Throws on a body that cannot be decoded.
 *
 * @example
 * ```ts
 * const request = decodeExportRequest(body, 'json');
 * console.log(request.resourceSpans.length);
 * ```
 */
export function decodeExportRequest(body: Uint8Array, encoding: OtlpEncoding): ExportTraceServiceRequest {
  if (encoding === 'protobuf') {
    // A plain Uint8Array view, so that bytes fields decode as Uint8Array and not as Buffer.
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return fromBinary(ExportTraceServiceRequestSchema, bytes, { readUnknownFields: false });
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  const json = JSON.parse(text) as JsonValue;
  hexIdsToBase64(json);
  return fromJson(ExportTraceServiceRequestSchema, json, { ignoreUnknownFields: true });
}

/** OTLP/JSON accepts the proto field names as well as the lowerCamelCase JSON names. */
function field(object: Record<string, unknown>, jsonName: string, protoName: string): unknown {
  return jsonName in object ? object[jsonName] : object[protoName];
}

/** Rewrites, in place, the hex trace and span ids of an OTLP/JSON document as the base64 the schema reads. */
function hexIdsToBase64(document: JsonValue): void {
  if (!asObject(document)) return;
  for (const resourceSpans of objects(field(document, 'resourceSpans', 'resource_spans'))) {
    for (const scopeSpans of objects(field(resourceSpans, 'scopeSpans', 'scope_spans'))) {
      for (const span of objects(scopeSpans['spans'])) {
        convertId(span, 'traceId', 'trace_id', TRACE_ID_HEX);
        convertId(span, 'spanId', 'span_id', SPAN_ID_HEX);
        convertId(span, 'parentSpanId', 'parent_span_id', SPAN_ID_HEX);
        for (const link of objects(span['links'])) {
          convertId(link, 'traceId', 'trace_id', TRACE_ID_HEX);
          convertId(link, 'spanId', 'span_id', SPAN_ID_HEX);
        }
      }
    }
  }
}

/** A trace id is 16 bytes: 32 hex digits. (Its base64 form has 24 characters, so the two never clash.) */
const TRACE_ID_HEX = /^[0-9a-fA-F]{32}$/;
/** A span id is 8 bytes: 16 hex digits (base64: 12 characters). */
const SPAN_ID_HEX = /^[0-9a-fA-F]{16}$/;

function convertId(object: Record<string, unknown>, jsonName: string, protoName: string, hex: RegExp): void {
  for (const name of [jsonName, protoName]) {
    const value = object[name];
    // Anything else is left for the schema to read as base64 (some senders use the canonical protobuf
    // JSON mapping); an id of the wrong size is then rejected per span, see toReceivedSpans.
    if (typeof value === 'string' && hex.test(value)) {
      object[name] = Buffer.from(value, 'hex').toString('base64');
    }
  }
}

function asObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(asObject) : [];
}
