import { fromBinary, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { ExportTraceServiceResponseSchema } from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';

/**
 * Reading what an OTLP/HTTP receiver answers: the `ExportTraceServiceResponse` of a 200 (which may
 * carry a partial success) and the `google.rpc.Status` of a failure. Neither function throws: a body
 * that cannot be read yields `undefined`.
 */

/** What a receiver said about the spans it did not accept although it answered 200. */
export interface PartialSuccess {
  /** Spans the receiver rejected; 0 when it only sends a warning. */
  readonly rejectedSpans: number;
  /** The receiver's explanation, possibly empty. */
  readonly errorMessage: string;
}

/** Server messages are shortened to this many characters before they go into logs. */
const MAX_MESSAGE_LENGTH = 1024;

/**
 * Decodes the body of a 200 response and returns its `partial_success` when that is populated (rejected
 * spans or a message), `undefined` when it is not, the body is empty, or the body cannot be decoded.
 *
 * @example
 * ```ts
 * const partial = decodePartialSuccess(body, false);
 * if (partial) console.log(`${partial.rejectedSpans} spans rejected: ${partial.errorMessage}`);
 * ```
 */
export function decodePartialSuccess(body: Uint8Array | undefined, json: boolean): PartialSuccess | undefined {
  if (body === undefined || body.length === 0) return undefined;
  try {
    const response = json
      ? fromJson(ExportTraceServiceResponseSchema, JSON.parse(new TextDecoder().decode(body)) as JsonValue, {
          ignoreUnknownFields: true,
        })
      : fromBinary(ExportTraceServiceResponseSchema, body);
    const partial = response.partialSuccess;
    if (partial === undefined) return undefined;
    const rejectedSpans = Number(partial.rejectedSpans);
    if (rejectedSpans === 0 && partial.errorMessage === '') return undefined;
    return { rejectedSpans, errorMessage: shorten(partial.errorMessage) };
  } catch {
    return undefined;
  }
}

/**
 * Field numbers of `google.rpc.Status`, from googleapis `google/rpc/status.proto`
 * (`int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3;`). The message is not
 * part of `gen/` (opentelemetry-proto does not import it), so its two scalar fields are read by hand.
 */
const STATUS_CODE_FIELD = 1;
const STATUS_MESSAGE_FIELD = 2;

/** The parts of a `google.rpc.Status` error body worth logging. */
export interface ErrorStatus {
  /** The gRPC status code, when the receiver set one (the OTLP specification does not use it). */
  readonly code: number | undefined;
  /** The developer-facing message, shortened for logging. */
  readonly message: string;
}

/**
 * Decodes the body of a 4xx/5xx response: a binary `google.rpc.Status`, or with `json`, its JSON form
 * (`{ "code": 3, "message": "..." }`). Returns `undefined` when the body is empty, unreadable or carries
 * no message.
 *
 * @example
 * ```ts
 * const status = decodeErrorStatus(body, false);
 * const reason = status ? `: ${status.message}` : '';
 * ```
 */
export function decodeErrorStatus(body: Uint8Array | undefined, json: boolean): ErrorStatus | undefined {
  if (body === undefined || body.length === 0) return undefined;
  try {
    return json ? decodeJsonStatus(body) : decodeBinaryStatus(body);
  } catch {
    return undefined;
  }
}

function decodeBinaryStatus(body: Uint8Array): ErrorStatus | undefined {
  const reader = new BinaryReader(body);
  let code: number | undefined;
  let message = '';
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === STATUS_CODE_FIELD && wireType === WireType.Varint) {
      code = reader.int32();
    } else if (fieldNo === STATUS_MESSAGE_FIELD && wireType === WireType.LengthDelimited) {
      message = reader.string();
    } else {
      reader.skip(wireType, fieldNo);
    }
  }
  return message === '' ? undefined : { code, message: shorten(message) };
}

function decodeJsonStatus(body: Uint8Array): ErrorStatus | undefined {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { code, message } = parsed as { code?: unknown; message?: unknown };
  if (typeof message !== 'string' || message === '') return undefined;
  return { code: typeof code === 'number' ? code : undefined, message: shorten(message) };
}

function shorten(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}
