import { toJson } from '@bufbuild/protobuf';
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
} from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import { reportError } from '../../diagnostics/report.js';
import type { FinishedSpan } from '../../trace/finished-span.js';
import { bytesToHex } from './hex-id.js';
import { ENCODE_ERROR_KIND, toExportTraceServiceRequest } from './to-export-request.js';

const utf8 = new TextEncoder();
const EMPTY_REQUEST = utf8.encode('{}');

/** The shape of the JSON objects whose ids are rewritten (everything else passes through untouched). */
interface JsonIds {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  links?: JsonIds[];
}

interface JsonRequest {
  resourceSpans?: { scopeSpans?: { spans?: JsonIds[] }[] }[];
}

/**
 * Encodes finished spans as an OTLP/JSON `ExportTraceServiceRequest` (the body of an
 * `application/json` export), as UTF-8 bytes.
 *
 * The content is exactly {@link toExportTraceServiceRequest} of the same spans, written as the OTLP
 * specification asks for JSON: lowerCamelCase keys, trace and span ids as lowercase hex (not
 * base64), enums (`kind`, `status.code`) as integers, 64-bit integers (times, `intValue`) as decimal
 * strings, `bytesValue` as base64. Fields holding their default value (empty strings, zero counts,
 * empty lists, the empty parent span id of a root span) are omitted, as proto3 JSON does; OTLP
 * receivers read an absent field as its default.
 *
 * Never throws: spans that cannot be encoded are dropped and reported through
 * `reportError('export.otlp.encode', …)`.
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
    const request = toExportTraceServiceRequest(spans);
    const json = toJson(ExportTraceServiceRequestSchema, request, { useProtoFieldName: false, enumAsInteger: true }) as JsonRequest;
    writeHexIds(request, json);
    return utf8.encode(JSON.stringify(json));
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'JSON batch dropped');
    return EMPTY_REQUEST.slice();
  }
}

/** Replaces the base64 ids that proto3 JSON writes with the hex ids OTLP/JSON requires. */
function writeHexIds(request: ExportTraceServiceRequest, json: JsonRequest): void {
  const resourceSpans = request.resourceSpans;
  for (let r = 0; r < resourceSpans.length; r++) {
    const scopeSpans = resourceSpans[r].scopeSpans;
    const jsonScopeSpans = json.resourceSpans?.[r]?.scopeSpans;
    for (let s = 0; s < scopeSpans.length; s++) {
      const spans = scopeSpans[s].spans;
      const jsonSpans = jsonScopeSpans?.[s]?.spans;
      if (jsonSpans === undefined) continue;
      for (let i = 0; i < spans.length; i++) {
        const span = spans[i];
        const jsonSpan = jsonSpans[i];
        setHex(jsonSpan, 'traceId', span.traceId);
        setHex(jsonSpan, 'spanId', span.spanId);
        setHex(jsonSpan, 'parentSpanId', span.parentSpanId);
        const links = span.links;
        for (let l = 0; l < links.length; l++) {
          const jsonLink = jsonSpan.links?.[l];
          if (jsonLink === undefined) continue;
          setHex(jsonLink, 'traceId', links[l].traceId);
          setHex(jsonLink, 'spanId', links[l].spanId);
        }
      }
    }
  }
}

function setHex(target: JsonIds, key: 'traceId' | 'spanId' | 'parentSpanId', bytes: Uint8Array): void {
  if (bytes.length > 0) target[key] = bytesToHex(bytes);
}
