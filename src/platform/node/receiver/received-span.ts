import type { ExportTraceServiceRequest } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { AnyValue, KeyValue } from '../../../../gen/opentelemetry/proto/common/v1/common_pb.js';
import { clone } from '@bufbuild/protobuf';
import { Span_SpanKind, SpanSchema, Status_StatusCode, type Span } from '../../../../gen/opentelemetry/proto/trace/v1/trace_pb.js';

/** An attribute value as received, in plain JavaScript: 64-bit integers beyond 2^53 stay `bigint`. */
export type ReceivedValue = string | number | boolean | bigint | Uint8Array | null | ReceivedValue[] | { [key: string]: ReceivedValue };

/** The span kinds of OTLP, by name. */
export type ReceivedSpanKind = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

/** A span the receiver accepted, flattened for reading and printing. */
export interface ReceivedSpan {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** 16 lowercase hex digits, or `''` for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: ReceivedSpanKind;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  /** End minus start in milliseconds (fractional); `NaN` when either time is missing or end precedes start. */
  readonly durationMillis: number;
  /** `message` is `''` unless the sender set one (OTLP only carries it with ERROR). */
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message: string };
  readonly attributes: Readonly<Record<string, ReceivedValue>>;
  /** The resource's `service.name`, or `'unknown_service'` when the sender did not set one. */
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, ReceivedValue>>;
  readonly scope: { readonly name: string; readonly version: string };
  /** The decoded span as generated from opentelemetry-proto, with its events and links (a copy). */
  readonly span: Span;
}

/** The spans of one request, split into the accepted ones and a count of those rejected. */
export interface ReceivedSpans {
  spans: ReceivedSpan[];
  /** Spans whose trace id is not 16 non-zero bytes, span id not 8 non-zero bytes, or parent id neither empty nor 8 bytes. */
  rejected: number;
}

const KIND_NAMES: Record<number, ReceivedSpanKind> = {
  [Span_SpanKind.UNSPECIFIED]: 'UNSPECIFIED',
  [Span_SpanKind.INTERNAL]: 'INTERNAL',
  [Span_SpanKind.SERVER]: 'SERVER',
  [Span_SpanKind.CLIENT]: 'CLIENT',
  [Span_SpanKind.PRODUCER]: 'PRODUCER',
  [Span_SpanKind.CONSUMER]: 'CONSUMER',
};

/**
 * Flattens a decoded `ExportTraceServiceRequest` into {@link ReceivedSpan}s: hex ids, named kind and
 * status, attributes as a plain object, the service name of the resource. Spans with malformed ids are
 * counted in `rejected` instead (the OTLP response reports them as a partial success).
 *
 * @example
 * ```ts
 * const { spans, rejected } = toReceivedSpans(decodeExportRequest(body, 'protobuf'));
 * for (const span of spans) console.log(span.serviceName, span.name, span.durationMillis);
 * ```
 */
export function toReceivedSpans(request: ExportTraceServiceRequest): ReceivedSpans {
  const spans: ReceivedSpan[] = [];
  let rejected = 0;
  for (const resourceSpans of request.resourceSpans) {
    const resourceAttributes = toRecord(resourceSpans.resource?.attributes ?? []);
    const service = resourceAttributes['service.name'];
    const serviceName = typeof service === 'string' && service !== '' ? service : 'unknown_service';
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' };
      for (const span of scopeSpans.spans) {
        if (
          !isValidId(span.traceId, 16) ||
          !isValidId(span.spanId, 8) ||
          (span.parentSpanId.length !== 0 && span.parentSpanId.length !== 8)
        ) {
          rejected++;
          continue;
        }
        const start = span.startTimeUnixNano;
        const end = span.endTimeUnixNano;
        spans.push({
          traceId: toHex(span.traceId),
          spanId: toHex(span.spanId),
          parentSpanId: isValidId(span.parentSpanId, 8) ? toHex(span.parentSpanId) : '',
          name: span.name,
          kind: KIND_NAMES[span.kind] ?? 'UNSPECIFIED',
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          durationMillis: start > 0n && end >= start ? Number(end - start) / 1e6 : Number.NaN,
          status: {
            code: span.status?.code === Status_StatusCode.ERROR ? 'ERROR' : span.status?.code === Status_StatusCode.OK ? 'OK' : 'UNSET',
            message: span.status?.message ?? '',
          },
          attributes: toRecord(span.attributes),
          serviceName,
          resourceAttributes,
          scope,
          // A copy: decoded bytes fields are views of the whole request body, which must not stay alive.
          span: clone(SpanSchema, span),
        });
      }
    }
  }
  return { spans, rejected };
}

function isValidId(bytes: Uint8Array, length: number): boolean {
  if (bytes.length !== length) return false;
  for (const byte of bytes) if (byte !== 0) return true;
  return false;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function toRecord(keyValues: readonly KeyValue[]): Record<string, ReceivedValue> {
  const record: Record<string, ReceivedValue> = {};
  for (const { key, value } of keyValues) {
    // defineProperty, so that a hostile `__proto__` key is data and not a prototype change.
    Object.defineProperty(record, key, { value: toValue(value), enumerable: true, writable: true, configurable: true });
  }
  return record;
}

function toValue(value: AnyValue | undefined): ReceivedValue {
  const v = value?.value;
  switch (v?.case) {
    case 'stringValue':
    case 'boolValue':
    case 'doubleValue':
    case 'bytesValue':
      return v.value;
    case 'intValue':
      return v.value >= BigInt(Number.MIN_SAFE_INTEGER) && v.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.value) : v.value;
    case 'arrayValue':
      return v.value.values.map(toValue);
    case 'kvlistValue':
      return toRecord(v.value.values);
    default:
      return null;
  }
}
