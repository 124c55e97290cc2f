import {
  TAG_SPAN_PARENT_SPAN_ID,
  TAG_SPAN_SPAN_ID,
  TAG_SPAN_TRACE_ID,
  TAG_SPAN_TRACE_STATE,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import { RecordingSpan, type SpanContextParts } from '../../../trace/span.js';
import { isAsciiHex, isHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../wire/hex-id.js';
import { varint32Size } from '../wire/wire-size.js';
import {
  type BatchSpanIds,
  newContextParts,
  nextSize,
  pushSize,
  sizeOptionalString,
  writeAsciiIdField,
  writeRecordedString,
} from './binary-encoder.js';
import { otlpFlags, otlpString } from './otlp-field-values.js';

/**
 * The protobuf writer's span ids read a batch at a time (installed by the Node entry through
 * `useBatchSpanIds`; the web entries keep the writer's per-id way, so their bundles carry none of
 * this): before the size pass every span's context parts are read and the ids of all spans that have
 * hex ids of the right lengths are joined into one string, which `TextEncoder` turns into ASCII bytes
 * in one call; the bytes are checked four hex digits at a time and the write pass decodes them from
 * there (reading the id strings char by char cost ~130 instructions per id byte, checked and decoded).
 * The bytes are the per-id way's.
 *
 * @example
 * ```ts
 * useBatchSpanIds(asciiBatchSpanIds);
 * ```
 */
export const asciiBatchSpanIds: BatchSpanIds = { read: readIds, size: sizeIds, write: writeIds, release, nest };

/**
 * The ids of the batch's spans, read before the size pass (see {@link readIds}): per span, its context
 * parts in `idParts` ({@link ID_PARTS} entries: trace id, span id, parent span id, flags, trace state;
 * or the error reading them threw), and in `idOffsets` where its ids start in `idAscii`, the ASCII
 * bytes of all the ids (trace id, span id, then the parent's, if any), or {@link IDS_INVALID}.
 */
let idParts: unknown[] = [];
let idOffsets = new Int32Array(256);
let idAscii = new Uint8Array(0);
let idView = new DataView(idAscii.buffer);
const ID_PARTS = 5;
/** An `idOffsets` entry: the span's ids could not be read or are not hex ids of the right lengths. */
const IDS_INVALID = -1;
/** Beyond this many entries the id arrays are released after the call, so one huge batch does not pin memory. */
const MAX_RETAINED_PARTS = 1 << 20;
/** Marks ids whose reading threw (the error is in the span's first `idParts` entry). */
const READ_FAILED: unique symbol = Symbol();
/** Id fields: the tag, a one-byte length, then the id bytes (16 for a trace id, 8 for a span id). */
const SIZE_IDS =
  varint32Size(TAG_SPAN_TRACE_ID) + 1 + TRACE_ID_HEX_LENGTH / 2 + varint32Size(TAG_SPAN_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_PARENT_SPAN_ID_FIELD = varint32Size(TAG_SPAN_PARENT_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
/** Filled by `RecordingSpan.readContextParts` for each span read (one call reads one span at a time). */
const contextParts = newContextParts();
const utf8 = new TextEncoder();

function readIds(spans: readonly FinishedSpan[]): void {
  const count = spans.length;
  if (idOffsets.length < count) idOffsets = new Int32Array(Math.max(count, idOffsets.length * 2));
  const parts = contextParts;
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < count; i++) {
    const base = i * ID_PARTS;
    try {
      RecordingSpan.readContextParts(spans[i], parts);
    } catch (error) {
      idParts[base] = error;
      idParts[base + 1] = idParts[base + 2] = READ_FAILED;
      idOffsets[i] = IDS_INVALID;
      continue;
    }
    const traceId = parts.traceId;
    const spanId = parts.spanId;
    const parentSpanId = parts.parentSpanId;
    idParts[base] = traceId;
    idParts[base + 1] = spanId;
    idParts[base + 2] = parentSpanId;
    idParts[base + 3] = otlpFlags(parts.traceFlags, parts.parentIsRemote);
    idParts[base + 4] = parts.traceState;
    if (
      typeof traceId === 'string' &&
      traceId.length === TRACE_ID_HEX_LENGTH &&
      typeof spanId === 'string' &&
      spanId.length === SPAN_ID_HEX_LENGTH &&
      (parentSpanId === undefined || (typeof parentSpanId === 'string' && parentSpanId.length === SPAN_ID_HEX_LENGTH))
    ) {
      idOffsets[i] = length;
      pieces.push(traceId, spanId);
      length += TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH;
      if (parentSpanId !== undefined) {
        pieces.push(parentSpanId);
        length += SPAN_ID_HEX_LENGTH;
      }
    } else {
      idOffsets[i] = IDS_INVALID;
    }
  }
  if (idAscii.length < length) {
    idAscii = new Uint8Array(Math.max(length, idAscii.length * 2));
    idView = new DataView(idAscii.buffer);
  }
  const ascii = idView;
  const { read, written } = utf8.encodeInto(pieces.join(''), idAscii);
  // A code unit ≥ 0x80 (never in a hex id) shifts every byte after it: then each span's ids are checked as strings.
  const shifted = read !== length || written !== length;
  for (let i = 0; i < count; i++) {
    const offset = idOffsets[i];
    if (offset === IDS_INVALID) continue;
    const base = i * ID_PARTS;
    const idLength =
      idParts[base + 2] === undefined ? TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH : TRACE_ID_HEX_LENGTH + 2 * SPAN_ID_HEX_LENGTH;
    if (shifted ? !stringIdsValid(idParts[base], idParts[base + 1], idParts[base + 2]) : !isAsciiHex(ascii, offset, idLength / 4)) {
      idOffsets[i] = IDS_INVALID;
    }
  }
  if (shifted) rewriteValidIds(count);
}

/** After a non-ASCII id: writes the ASCII bytes of the spans whose ids are valid again, each after the last. */
function rewriteValidIds(count: number): void {
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < count; i++) {
    if (idOffsets[i] === IDS_INVALID) continue;
    const base = i * ID_PARTS;
    idOffsets[i] = length;
    for (let p = 0; p < 3; p++) {
      const id = idParts[base + p];
      if (typeof id !== 'string') continue;
      pieces.push(id);
      length += id.length;
    }
  }
  utf8.encodeInto(pieces.join(''), idAscii);
}

function stringIdsValid(traceId: unknown, spanId: unknown, parentSpanId: unknown): boolean {
  return (
    isHexId(traceId, TRACE_ID_HEX_LENGTH) &&
    isHexId(spanId, SPAN_ID_HEX_LENGTH) &&
    (parentSpanId === undefined || isHexId(parentSpanId, SPAN_ID_HEX_LENGTH))
  );
}

/** The error a span whose ids {@link readIds} rejected is dropped with (the per-id way's). */
function invalidIdsError(traceId: unknown, spanId: unknown, parentSpanId: unknown): unknown {
  if (spanId === READ_FAILED) return traceId;
  if (!isHexId(traceId, TRACE_ID_HEX_LENGTH)) return new Error(`invalid trace id ${JSON.stringify(traceId)}`);
  if (!isHexId(spanId, SPAN_ID_HEX_LENGTH)) return new Error(`invalid span id ${JSON.stringify(spanId)}`);
  return new Error(`invalid parent span id ${JSON.stringify(parentSpanId)}`);
}

/** Records the span's flags and where its ids start in `idAscii`, negative (-1 - offset) when a parent span id follows them. */
function sizeIds(index: number): number {
  const idOffset = idOffsets[index];
  const base = index * ID_PARTS;
  if (idOffset === IDS_INVALID) throw invalidIdsError(idParts[base], idParts[base + 1], idParts[base + 2]);
  const hasParent = idParts[base + 2] !== undefined;
  pushSize(idParts[base + 3] as number);
  pushSize(hasParent ? -1 - idOffset : idOffset);
  const traceState = idParts[base + 4] as SpanContextParts['traceState'];
  return (
    (hasParent ? SIZE_IDS + SIZE_PARENT_SPAN_ID_FIELD : SIZE_IDS) +
    sizeOptionalString(TAG_SPAN_TRACE_STATE, traceState === undefined ? '' : otlpString(traceState.serialize()))
  );
}

function writeIds(): void {
  const idEntry = nextSize();
  const idOffset = idEntry < 0 ? -1 - idEntry : idEntry;
  const ascii = idView;
  writeAsciiIdField(TAG_SPAN_TRACE_ID, ascii, idOffset, TRACE_ID_HEX_LENGTH);
  writeAsciiIdField(TAG_SPAN_SPAN_ID, ascii, idOffset + TRACE_ID_HEX_LENGTH, SPAN_ID_HEX_LENGTH);
  writeRecordedString(TAG_SPAN_TRACE_STATE);
  if (idEntry < 0)
    writeAsciiIdField(TAG_SPAN_PARENT_SPAN_ID, ascii, idOffset + TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH, SPAN_ID_HEX_LENGTH);
}

function release(): void {
  idParts.fill(undefined);
  if (idParts.length > MAX_RETAINED_PARTS) {
    idParts = [];
    idOffsets = new Int32Array(256);
    idAscii = new Uint8Array(0);
    idView = new DataView(idAscii.buffer);
  }
}

function nest(): () => void {
  const saved = { idParts, idOffsets, idAscii, idView };
  idParts = [];
  idOffsets = new Int32Array(256);
  idAscii = new Uint8Array(0);
  idView = new DataView(idAscii.buffer);
  return () => {
    ({ idParts, idOffsets, idAscii, idView } = saved);
  };
}
