import { create, toBinary, toJsonString } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ExportTraceServiceResponseSchema } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { OtlpEncoding } from './decode-export-request.js';

/** `google.rpc.Code.INVALID_ARGUMENT`, the code of a body the receiver cannot decode. */
export const RPC_CODE_INVALID_ARGUMENT = 3;
/** `google.rpc.Code.RESOURCE_EXHAUSTED`, the code of a body over the size limit. */
export const RPC_CODE_RESOURCE_EXHAUSTED = 8;

/** An encoded HTTP response body with its content type. */
export interface EncodedBody {
  contentType: string;
  body: Uint8Array | string;
}

/**
 * Encodes the `ExportTraceServiceResponse` of a successful export, in the encoding of the request.
 * `rejectedSpans > 0` adds a `partial_success` naming how many spans were dropped and why.
 *
 * @example
 * ```ts
 * const { contentType, body } = encodeExportResponse('json', 0, '');
 * // contentType 'application/json', body '{}'
 * ```
 */
export function encodeExportResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string): EncodedBody {
  const response = create(
    ExportTraceServiceResponseSchema,
    rejectedSpans > 0 ? { partialSuccess: { rejectedSpans: BigInt(rejectedSpans), errorMessage } } : {},
  );
  return encoding === 'protobuf'
    ? { contentType: 'application/x-protobuf', body: toBinary(ExportTraceServiceResponseSchema, response) }
    : { contentType: 'application/json', body: toJsonString(ExportTraceServiceResponseSchema, response) };
}

/**
 * Encodes a `google.rpc.Status` (`code`, `message`) as OTLP/HTTP asks for a failed request: protobuf
 * bytes for a protobuf request, `{ "code": 3, "message": "..." }` for a JSON request.
 *
 * @example
 * ```ts
 * encodeRpcStatus('json', RPC_CODE_INVALID_ARGUMENT, 'the body is not valid JSON');
 * ```
 */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string): EncodedBody {
  if (encoding === 'json') return { contentType: 'application/json', body: JSON.stringify({ code, message }) };
  // google.rpc.Status is not among the generated messages; its first two fields are small enough to write
  // by hand: 1 `int32 code`, 2 `string message`.
  const body = new BinaryWriter().tag(1, WireType.Varint).int32(code).tag(2, WireType.LengthDelimited).string(message).finish();
  return { contentType: 'application/x-protobuf', body };
}
