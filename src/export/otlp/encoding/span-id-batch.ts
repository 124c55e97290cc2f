import {
  TAG_SPAN_PARENT_SPAN_ID,
  TAG_SPAN_SPAN_ID,
  TAG_SPAN_TRACE_ID,
  TAG_SPAN_TRACE_STATE,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import { RecordingSpan, type SpanContextParts } from '../../../trace/span.js';
import { isHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../wire/hex-id.js';
import { varint32Size } from '../wire/wire-size.js';
import {
  type BatchSpanIds,
  newContextParts,
  nextSize,
  pushSize,
  sizeOptionalString,
  writeIdFields,
  writeRecordedString,
} from './binary-encoder.js';
import { otlpFlags, otlpString } from './otlp-field-values.js';

/**
 * The protobuf writer's span ids read a batch at a time (installed by the Node entry through
 * `useBatchSpanIds`; the web entries keep the writer's per-id way, so their bundles carry none of
 * this): before the size pass every span's context parts are read and the ids of all spans that have
 * string ids of the right lengths are joined into one string, which one `Buffer#write(…, 'hex')` call
 * decodes into bytes. That call stops at the first pair that is not hex, so a full count proves every
 * id hex; it reads each UTF-16 code unit's low byte only, so the string is first checked to be ASCII
 * (its UTF-8 length equals its length). When either check fails, each span's ids are checked as
 * strings and the valid ones decoded again. The write pass copies the bytes. (Checking and decoding
 * ASCII bytes in JavaScript, four digits at a time, cost ~2.5 k instructions per span, ids read, checked
 * and written; this ~1 k.) The bytes are the per-id way's.
 *
 * @example
 * ```ts
 * useBatchSpanIds(bufferBatchSpanIds);
 * ```
 */
export const bufferBatchSpanIds: BatchSpanIds = { read: readIds, size: sizeIds, write: writeIds, release, nest };

/**
 * The ids of the batch's spans, read before the size pass (see {@link readIds}): per span, in
 * `idEntries` where its id bytes start in `idBytes` (trace id, span id, then the parent's, if any)
 * times {@link ENTRY_SCALE}, plus {@link HAS_PARENT} and {@link HAS_TRACE_STATE}; or
 * {@link IDS_INVALID}, the error to drop it with then in `idErrors`. Its flags are in `idFlags`, its
 * trace state (if any) in `traceStates`.
 */
let idEntries = new Int32Array(256);
let idFlags = new Int32Array(256);
let traceStates: (SpanContextParts['traceState'] | undefined)[] = [];
let idErrors: unknown[] = [];
let idBytes = Buffer.allocUnsafeSlow(0);
let idView = new DataView(idBytes.buffer);
/** Whether this call put anything in `traceStates` or `idErrors` (else {@link release} has nothing to clear). */
let heldObjects = false;
const HAS_PARENT = 1;
const HAS_TRACE_STATE = 2;
const ENTRY_SCALE = 4;
/** An `idEntries` entry: the span's ids could not be read or are not hex ids of the right lengths. */
const IDS_INVALID = -1;
/** Beyond this many spans the id arrays are released after the call, so one huge batch does not pin memory. */
const MAX_RETAINED_SPANS = 1 << 18;
/** Id fields: the tag, a one-byte length, then the id bytes (16 for a trace id, 8 for a span id). */
const SIZE_IDS =
  varint32Size(TAG_SPAN_TRACE_ID) + 1 + TRACE_ID_HEX_LENGTH / 2 + varint32Size(TAG_SPAN_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_PARENT_SPAN_ID_FIELD = varint32Size(TAG_SPAN_PARENT_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const TRACE_ID_BYTES = TRACE_ID_HEX_LENGTH / 2;
const SPAN_ID_BYTES = SPAN_ID_HEX_LENGTH / 2;
/** Filled by `RecordingSpan.readContextParts` for each span read (one call reads one span at a time). */
const contextParts = newContextParts();

function readIds(spans: readonly FinishedSpan[]): void {
  const count = spans.length;
  if (idEntries.length < count) {
    const capacity = Math.max(count, idEntries.length * 2);
    idEntries = new Int32Array(capacity);
    idFlags = new Int32Array(capacity);
  }
  const parts = contextParts;
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < count; i++) {
    try {
      RecordingSpan.readContextParts(spans[i], parts);
    } catch (error) {
      invalidate(i, error);
      continue;
    }
    const traceId = parts.traceId;
    const spanId = parts.spanId;
    const parentSpanId = parts.parentSpanId;
    const traceState = parts.traceState;
    idFlags[i] = otlpFlags(parts.traceFlags, parts.parentIsRemote);
    let entry = length * (ENTRY_SCALE / 2);
    if (traceState !== undefined) {
      traceStates[i] = traceState;
      heldObjects = true;
      entry |= HAS_TRACE_STATE;
    }
    if (
      typeof traceId === 'string' &&
      traceId.length === TRACE_ID_HEX_LENGTH &&
      typeof spanId === 'string' &&
      spanId.length === SPAN_ID_HEX_LENGTH
    ) {
      if (parentSpanId === undefined) {
        pieces.push(traceId, spanId);
        length += TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH;
        idEntries[i] = entry;
        continue;
      }
      if (typeof parentSpanId === 'string' && parentSpanId.length === SPAN_ID_HEX_LENGTH) {
        pieces.push(traceId, spanId, parentSpanId);
        length += TRACE_ID_HEX_LENGTH + 2 * SPAN_ID_HEX_LENGTH;
        idEntries[i] = entry | HAS_PARENT;
        continue;
      }
    }
    invalidate(i, invalidIdsError(traceId, spanId, parentSpanId));
  }
  const byteLength = length / 2;
  if (idBytes.length < byteLength) {
    idBytes = Buffer.allocUnsafeSlow(Math.max(byteLength, idBytes.length * 2));
    idView = new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.length);
  }
  const hex = pieces.join('');
  // A code unit past 0x7f (never in a hex id) could pass the hex decoding, which reads its low byte only.
  if (Buffer.byteLength(hex) !== length || idBytes.write(hex, 0, byteLength, 'hex') !== byteLength) decodeValidIds(spans);
}

/** After an id that is not ASCII hex: checks each span's ids as strings, and decodes those of the valid ones again, each after the last. */
function decodeValidIds(spans: readonly FinishedSpan[]): void {
  const parts = contextParts;
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < spans.length; i++) {
    if (idEntries[i] === IDS_INVALID) continue;
    try {
      RecordingSpan.readContextParts(spans[i], parts);
    } catch (error) {
      invalidate(i, error);
      continue;
    }
    const { traceId, spanId, parentSpanId } = parts;
    if (
      !isHexId(traceId, TRACE_ID_HEX_LENGTH) ||
      !isHexId(spanId, SPAN_ID_HEX_LENGTH) ||
      (parentSpanId !== undefined && !isHexId(parentSpanId, SPAN_ID_HEX_LENGTH))
    ) {
      invalidate(i, invalidIdsError(traceId, spanId, parentSpanId));
      continue;
    }
    idEntries[i] = length * (ENTRY_SCALE / 2) + (idEntries[i] & HAS_TRACE_STATE) + (parentSpanId === undefined ? 0 : HAS_PARENT);
    pieces.push(traceId, spanId);
    length += TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH;
    if (parentSpanId !== undefined) {
      pieces.push(parentSpanId);
      length += SPAN_ID_HEX_LENGTH;
    }
  }
  const byteLength = length / 2;
  if (idBytes.write(pieces.join(''), 0, byteLength, 'hex') !== byteLength) throw new Error('span ids changed while being read');
}

function invalidate(index: number, error: unknown): void {
  idEntries[index] = IDS_INVALID;
  idErrors[index] = error;
  heldObjects = true;
}

/** The error a span whose ids are not hex ids of the right lengths is dropped with (the per-id way's). */
function invalidIdsError(traceId: unknown, spanId: unknown, parentSpanId: unknown): Error {
  if (!isHexId(traceId, TRACE_ID_HEX_LENGTH)) return new Error(`invalid trace id ${JSON.stringify(traceId)}`);
  if (!isHexId(spanId, SPAN_ID_HEX_LENGTH)) return new Error(`invalid span id ${JSON.stringify(spanId)}`);
  return new Error(`invalid parent span id ${JSON.stringify(parentSpanId)}`);
}

/** Records the span's flags, then its `idEntries` entry (and its trace state, when it has one). */
function sizeIds(index: number): number {
  const entry = idEntries[index];
  if (entry === IDS_INVALID) throw idErrors[index];
  pushSize(idFlags[index]);
  pushSize(entry);
  const size = entry & HAS_PARENT ? SIZE_IDS + SIZE_PARENT_SPAN_ID_FIELD : SIZE_IDS;
  if ((entry & HAS_TRACE_STATE) === 0) return size;
  const traceState = traceStates[index] as NonNullable<SpanContextParts['traceState']>;
  return size + sizeOptionalString(TAG_SPAN_TRACE_STATE, otlpString(traceState.serialize()));
}

function writeIds(): void {
  const entry = nextSize();
  const from = (entry - (entry % ENTRY_SCALE)) / ENTRY_SCALE;
  const ids = idView;
  writeIdFields(TAG_SPAN_TRACE_ID, TRACE_ID_BYTES, TAG_SPAN_SPAN_ID, SPAN_ID_BYTES, ids, from);
  if (entry & HAS_TRACE_STATE) writeRecordedString(TAG_SPAN_TRACE_STATE);
  if (entry & HAS_PARENT) writeIdFields(TAG_SPAN_PARENT_SPAN_ID, SPAN_ID_BYTES, 0, 0, ids, from + TRACE_ID_BYTES + SPAN_ID_BYTES);
}

function release(): void {
  if (heldObjects) {
    traceStates.fill(undefined);
    idErrors.fill(undefined);
    heldObjects = false;
  }
  if (idEntries.length > MAX_RETAINED_SPANS) {
    idEntries = new Int32Array(256);
    idFlags = new Int32Array(256);
    traceStates = [];
    idErrors = [];
    idBytes = Buffer.allocUnsafeSlow(0);
    idView = new DataView(idBytes.buffer);
  }
}

function nest(): () => void {
  const saved = { idEntries, idFlags, traceStates, idErrors, idBytes, idView, heldObjects };
  idEntries = new Int32Array(256);
  idFlags = new Int32Array(256);
  traceStates = [];
  idErrors = [];
  idBytes = Buffer.allocUnsafeSlow(0);
  idView = new DataView(idBytes.buffer);
  heldObjects = false;
  return () => {
    ({ idEntries, idFlags, traceStates, idErrors, idBytes, idView, heldObjects } = saved);
  };
}
