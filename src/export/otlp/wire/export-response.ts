import {
  TAG_EXPORT_TRACE_PARTIAL_SUCCESS_ERROR_MESSAGE,
  TAG_EXPORT_TRACE_PARTIAL_SUCCESS_REJECTED_SPANS,
  TAG_EXPORT_TRACE_SERVICE_RESPONSE_PARTIAL_SUCCESS,
} from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_wire.js';
import { WIRE_LENGTH_DELIMITED, WIRE_VARINT, WireReader } from './wire-reader.js';
import { MAX_MESSAGE_LENGTH } from './response-limits.js';

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
    const partial = json ? jsonPartialSuccess(body) : binaryPartialSuccess(body);
    if (partial === undefined) return undefined;
    if (partial.rejectedSpans === 0 && partial.errorMessage === '') return undefined;
    return { rejectedSpans: partial.rejectedSpans, errorMessage: shorten(partial.errorMessage) };
  } catch {
    return undefined;
  }
}

/*
 * The response is read by hand with the tags generated from the proto (gen/.../trace_service_wire.ts)
 * rather than through the generated schema, so that exporting needs none of the protobuf runtime's
 * reflection (the browser build ships without it). Unknown fields are skipped, as protobuf does.
 */

function binaryPartialSuccess(body: Uint8Array): PartialSuccess | undefined {
  const reader = new WireReader(body);
  let partial: PartialSuccess | undefined;
  while (!reader.done()) {
    const tag = reader.tag();
    // A message field seen twice merges, as protobuf does.
    if (tag === TAG_EXPORT_TRACE_SERVICE_RESPONSE_PARTIAL_SUCCESS) partial = readPartialSuccess(new WireReader(reader.bytes()), partial);
    else reader.skip(tag);
  }
  return partial;
}

function readPartialSuccess(reader: WireReader, previous: PartialSuccess | undefined): PartialSuccess {
  let rejectedSpans = previous?.rejectedSpans ?? 0;
  let errorMessage = previous?.errorMessage ?? '';
  while (!reader.done()) {
    const tag = reader.tag();
    if (tag === TAG_EXPORT_TRACE_PARTIAL_SUCCESS_REJECTED_SPANS) rejectedSpans = reader.varint();
    else if (tag === TAG_EXPORT_TRACE_PARTIAL_SUCCESS_ERROR_MESSAGE) errorMessage = reader.string();
    else reader.skip(tag);
  }
  return { rejectedSpans, errorMessage };
}

/** proto3 JSON: camelCase or proto field names; int64 as a number or a decimal string; throws when malformed. */
function jsonPartialSuccess(body: Uint8Array): PartialSuccess | undefined {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  const record = parsed as Record<string, unknown>;
  const partial = record.partialSuccess ?? record.partial_success;
  if (partial === undefined || partial === null) return undefined;
  if (typeof partial !== 'object' || Array.isArray(partial)) throw new Error('partialSuccess is not an object');
  const fields = partial as Record<string, unknown>;
  const rejected = fields.rejectedSpans ?? fields.rejected_spans ?? 0;
  const message = fields.errorMessage ?? fields.error_message ?? '';
  if (typeof message !== 'string') throw new Error('errorMessage is not a string');
  let rejectedSpans: number;
  if (typeof rejected === 'number' && Number.isInteger(rejected)) rejectedSpans = rejected;
  else if (typeof rejected === 'string' && /^-?\d+$/.test(rejected)) rejectedSpans = Number(rejected);
  else throw new Error('rejectedSpans is not an integer');
  return { rejectedSpans, errorMessage: message };
}

/**
 * Field numbers of `google.rpc.Status`, from googleapis `google/rpc/status.proto`
 * (`int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3;`). The message is not
 * part of `gen/` (opentelemetry-proto does not import it), so its two scalar fields are read by hand.
 */
const STATUS_CODE_TAG = (1 << 3) | WIRE_VARINT;
const STATUS_MESSAGE_TAG = (2 << 3) | WIRE_LENGTH_DELIMITED;

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
  const reader = new WireReader(body);
  let code: number | undefined;
  let message = '';
  while (!reader.done()) {
    const tag = reader.tag();
    if (tag === STATUS_CODE_TAG) code = reader.int32();
    else if (tag === STATUS_MESSAGE_TAG) message = reader.string();
    else reader.skip(tag);
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
