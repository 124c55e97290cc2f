import {
  TAG_SPAN_PARENT_SPAN_ID,
  TAG_SPAN_SPAN_ID,
  TAG_SPAN_TRACE_ID,
  TAG_SPAN_TRACE_STATE,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import { PooledIdSpan, type PooledIds } from '../../../trace/pooled-id-span.js';
import { RecordingSpan, type SpanContextParts } from '../../../trace/span.js';
import { isHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../wire/hex-id.js';
import { putString, putVarint32 } from '../wire/byte-writer.js';
import { utf8Length, varint32Size } from '../wire/wire-size.js';
import { ensureOutput, output, outputView } from './batch-output.js';
import { newContextParts, nextSize, pushSize, sizeOptionalString, writeIdFields, writeRecordedString } from './binary-encoder.js';
import { otlpFlags, otlpString } from './otlp-field-values.js';

/*
 * The protobuf writer's span ids read a batch at a time, for the Node entry's fast span writer
 * (simple-spans.ts; the web entries keep the writer's per-id way, so their bundles carry none of
 * this): before the size pass every span's context parts are read and the ids of all spans that have
 * string ids of the right lengths are joined into one string, which one `Buffer#write(…, 'hex')` call
 * decodes into bytes. That call stops at the first pair that is not hex, so a full count proves every
 * id hex; it reads each UTF-16 code unit's low byte only, so the string is first checked to be ASCII
 * (its UTF-8 length equals its length). When either check fails, each span's ids are checked as
 * strings and the valid ones decoded again. The write pass copies the bytes as 32-bit words. (Checking
 * and decoding TextEncoder's ASCII bytes in JavaScript, four digits at a time, cost ~3.5 k instructions
 * per span, ids read, checked and written; this ~2 k.) The bytes are the per-id way's.
 * A span whose ids wait as pooled random bytes (trace/pooled-id-span.ts, the Node default) has no span
 * id hex: a root's 24 id bytes are copied as six 32-bit words into a second buffer, `pooledWords`, and
 * written from there ({@link POOLED} in its entry); a span with a trace id string (a parent's, or
 * one its sampler read) has that and its parent's span id decoded with the rest, and its span id's two
 * words copied there ({@link POOLED_SPAN_ID}; where, in a `sizes` entry after its id entry).
 */

/**
 * Per span of the batch: in `idEntries` where its id bytes start in `idBytes` (trace id, span id, then
 * the parent's, if any; in `pooledWords` with {@link POOLED}) times {@link ENTRY_SCALE}, plus
 * {@link HAS_PARENT}, {@link HAS_TRACE_STATE}, {@link POOLED} and {@link POOLED_SPAN_ID}; or
 * {@link IDS_INVALID}. Its OTLP flags are in `idFlags`, its trace state (if any) in `traceStates`.
 */
let idEntries = new Int32Array(256);
let idFlags = new Int32Array(256);
let idBytes = Buffer.allocUnsafeSlow(0);
let idView = new DataView(idBytes.buffer);
/** Pooled id words (a root's trace and span ids, 6 words; another span's span id, 2), and the same bytes for writing. */
let pooledWords = new Int32Array(6 * 64);
let pooledView = new DataView(pooledWords.buffer);
let traceStates: SpanContextParts['traceState'][] = [];
/** Whether this call put anything in `traceStates` (else {@link releaseIds} has nothing to clear). */
let heldTraceStates = false;
/** An id entry bit: the span has a parent span id. */
export const HAS_PARENT = 1;
/** An id entry bit: the span has a trace state. */
export const HAS_TRACE_STATE = 2;
/** An id entry bit: the span's ids are in `pooledWords`, a root's (no parent). */
const POOLED = 4;
/** An id entry bit: the span's span id is in `pooledWords` (at `pooledSpanIdAt`), its other ids in `idBytes`. */
const POOLED_SPAN_ID = 8;
const ENTRY_SCALE = 16;
/** An id entry: the span's ids could not be read or are not hex ids of the right lengths. */
export const IDS_INVALID = -1;
/** Beyond this many spans the id arrays are released after the call, so one huge batch does not pin memory. */
const MAX_RETAINED_SPANS = 1 << 18;
const TRACE_ID_BYTES = TRACE_ID_HEX_LENGTH / 2;
const SPAN_ID_BYTES = SPAN_ID_HEX_LENGTH / 2;
/** Id fields: the tag, a one-byte length, then the id bytes. */
const SIZE_IDS = varint32Size(TAG_SPAN_TRACE_ID) + 1 + TRACE_ID_BYTES + varint32Size(TAG_SPAN_SPAN_ID) + 1 + SPAN_ID_BYTES;
const SIZE_PARENT_SPAN_ID_FIELD = varint32Size(TAG_SPAN_PARENT_SPAN_ID) + 1 + SPAN_ID_BYTES;
/** Filled by `RecordingSpan.readContextParts` for each span read (one call reads one span at a time). */
const contextParts = newContextParts();
/** Filled by `PooledIdSpan.readPooledIds`. */
const pooledIds: PooledIds = { words: pooledWords, at: 0, traceId: undefined, traceFlags: 0, traceState: undefined };
const POOLED_WORDS = 6;
/** Words of `pooledWords` used by this call. */
let pooledUsed = 0;
/** Per span with {@link POOLED_SPAN_ID}: the byte offset of its span id in `pooledWords`. */
let pooledSpanIdAt = new Int32Array(256);

/** Reads the ids of a batch's spans, before the size pass. */
export function readIds(spans: readonly FinishedSpan[]): void {
  const count = spans.length;
  if (idEntries.length < count) {
    const capacity = Math.max(count, idEntries.length * 2);
    idEntries = new Int32Array(capacity);
    idFlags = new Int32Array(capacity);
    pooledSpanIdAt = new Int32Array(capacity);
  }
  const parts = contextParts;
  const pieces: string[] = [];
  let length = 0;
  const pooled = pooledIds;
  pooledUsed = 0;
  for (let i = 0; i < count; i++) {
    const span = spans[i];
    if (PooledIdSpan.readPooledIds(span, pooled)) {
      if (pooled.traceId !== undefined) {
        length = readPooledChildIds(span, i, pooled, pieces, length);
        continue;
      }
      const words = pooledUsed;
      if (words + POOLED_WORDS > pooledWords.length) growPooled(words + POOLED_WORDS);
      const from = pooled.words;
      const at = pooled.at - 4;
      const to = pooledWords;
      to[words] = from[at];
      to[words + 1] = from[at + 1];
      to[words + 2] = from[at + 2];
      to[words + 3] = from[at + 3];
      to[words + 4] = from[at + 4];
      to[words + 5] = from[at + 5];
      idFlags[i] = otlpFlags(pooled.traceFlags, undefined);
      let entry = words * 4 * ENTRY_SCALE + POOLED;
      if (pooled.traceState !== undefined) {
        traceStates[i] = pooled.traceState;
        heldTraceStates = true;
        entry |= HAS_TRACE_STATE;
      }
      idEntries[i] = entry;
      pooledUsed = words + POOLED_WORDS;
      continue;
    }
    try {
      RecordingSpan.readContextParts(span, parts);
    } catch {
      // The general way reads them again and drops the span with this error.
      idEntries[i] = IDS_INVALID;
      continue;
    }
    const traceId = parts.traceId;
    const spanId = parts.spanId;
    const parentSpanId = parts.parentSpanId;
    idFlags[i] = otlpFlags(parts.traceFlags, parts.parentIsRemote);
    let entry = length * (ENTRY_SCALE / 2);
    if (parts.traceState !== undefined) {
      traceStates[i] = parts.traceState;
      heldTraceStates = true;
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
    idEntries[i] = IDS_INVALID;
  }
  const byteLength = length / 2;
  if (idBytes.length < byteLength) {
    idBytes = Buffer.allocUnsafeSlow(Math.max(byteLength, idBytes.length * 2));
    idView = new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.length);
  }
  if (length === 0) return;
  const hex = pieces.join('');
  // A code unit past 0x7f (never in a hex id) could pass the hex decoding, which reads its low byte only.
  if (Buffer.byteLength(hex) !== length || idBytes.write(hex, 0, byteLength, 'hex') !== byteLength) decodeValidIds(spans);
}

/**
 * A pooled span with a trace id string (the parent's, or one its sampler read): its trace id and its
 * parent's go with the hex pieces, its span id's words into `pooledWords`. Returns the hex length so far.
 */
function readPooledChildIds(span: FinishedSpan, i: number, pooled: PooledIds, pieces: string[], length: number): number {
  const traceId = pooled.traceId;
  const parent = span.parentSpanContext;
  const parentSpanId = parent?.spanId;
  if (!hasHexIdShapes(traceId, parentSpanId)) {
    idEntries[i] = IDS_INVALID;
    return length;
  }
  idFlags[i] = otlpFlags(pooled.traceFlags, parent?.isRemote);
  const words = pooledUsed;
  if (words + 2 > pooledWords.length) growPooled(words + 2);
  const from = pooled.words;
  const at = pooled.at;
  pooledWords[words] = from[at];
  pooledWords[words + 1] = from[at + 1];
  pooledUsed = words + 2;
  pooledSpanIdAt[i] = words * 4;
  let entry = length * (ENTRY_SCALE / 2) + POOLED_SPAN_ID;
  if (pooled.traceState !== undefined) {
    traceStates[i] = pooled.traceState;
    heldTraceStates = true;
    entry |= HAS_TRACE_STATE;
  }
  if (parentSpanId === undefined) {
    pieces.push(traceId);
    idEntries[i] = entry;
    return length + TRACE_ID_HEX_LENGTH;
  }
  pieces.push(traceId, parentSpanId);
  idEntries[i] = entry | HAS_PARENT;
  return length + TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH;
}

/** Makes room for at least `words` pooled id words, keeping those copied. */
function growPooled(words: number): void {
  const grown = new Int32Array(Math.max(words, pooledWords.length * 2));
  grown.set(pooledWords);
  pooledWords = grown;
  pooledView = new DataView(grown.buffer);
}

/** After an id that is not ASCII hex: checks each span's ids as strings, and decodes those of the valid ones again, each after the last. */
function decodeValidIds(spans: readonly FinishedSpan[]): void {
  const parts = contextParts;
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < spans.length; i++) {
    const entry = idEntries[i];
    if (entry === IDS_INVALID || entry & POOLED) continue;
    idEntries[i] = IDS_INVALID;
    try {
      RecordingSpan.readContextParts(spans[i], parts);
    } catch {
      continue;
    }
    const { traceId, spanId, parentSpanId } = parts;
    if (
      !isHexId(traceId, TRACE_ID_HEX_LENGTH) ||
      !isHexId(spanId, SPAN_ID_HEX_LENGTH) ||
      (parentSpanId !== undefined && !isHexId(parentSpanId, SPAN_ID_HEX_LENGTH))
    ) {
      continue;
    }
    idEntries[i] = length * (ENTRY_SCALE / 2) + (entry & HAS_TRACE_STATE) + (parentSpanId === undefined ? 0 : HAS_PARENT);
    pieces.push(traceId, spanId);
    length += TRACE_ID_HEX_LENGTH + SPAN_ID_HEX_LENGTH;
    if (parentSpanId !== undefined) {
      pieces.push(parentSpanId);
      length += SPAN_ID_HEX_LENGTH;
    }
  }
  // Every piece is checked hex, so this decodes them all; should it not, no span takes the batch way.
  const byteLength = length / 2;
  if (idBytes.write(pieces.join(''), 0, byteLength, 'hex') !== byteLength) {
    for (let i = 0; i < spans.length; i++) if ((idEntries[i] & POOLED) === 0) idEntries[i] = IDS_INVALID;
  }
}

/** The id entry of the span at `index` in the batch: {@link IDS_INVALID}, or where its ids are, with {@link HAS_PARENT} and {@link HAS_TRACE_STATE}. */
export function idEntry(index: number): number {
  return idEntries[index];
}

/** The OTLP flags of the span at `index` in the batch (when its ids are valid). */
export function idFlagsOf(index: number): number {
  return idFlags[index];
}

/** The size of the id and trace state fields of the span at `index` with a valid id entry; records its trace state, if it has one. */
export function sizeIdFields(index: number, entry: number): number {
  const size = entry & HAS_PARENT ? SIZE_IDS + SIZE_PARENT_SPAN_ID_FIELD : SIZE_IDS;
  if (entry & POOLED_SPAN_ID) pushSize(pooledSpanIdAt[index]);
  if ((entry & HAS_TRACE_STATE) === 0) return size;
  const traceState = traceStates[index] as NonNullable<SpanContextParts['traceState']>;
  return size + sizeOptionalString(TAG_SPAN_TRACE_STATE, otlpString(traceState.serialize()));
}

/** Writes the trace id, span id, trace state and parent span id fields {@link sizeIdFields} measured. */
export function writeIds(entry: number): void {
  const from = (entry - (entry % ENTRY_SCALE)) / ENTRY_SCALE;
  if (entry & POOLED_SPAN_ID) {
    writePooledSpanIdFields(entry, from);
    return;
  }
  const ids = entry & POOLED ? pooledView : idView;
  writeIdFields(TAG_SPAN_TRACE_ID, TRACE_ID_BYTES, TAG_SPAN_SPAN_ID, SPAN_ID_BYTES, ids, from);
  if (entry & HAS_TRACE_STATE) writeRecordedString(TAG_SPAN_TRACE_STATE);
  if (entry & HAS_PARENT) writeIdFields(TAG_SPAN_PARENT_SPAN_ID, SPAN_ID_BYTES, 0, 0, ids, from + TRACE_ID_BYTES + SPAN_ID_BYTES);
}

/**
 * {@link writeIds} for a span with {@link POOLED_SPAN_ID}: its trace id and parent's from `idBytes`, its
 * span id from `pooledWords`.
 */
function writePooledSpanIdFields(entry: number, from: number): void {
  writeIdFields(TAG_SPAN_TRACE_ID, TRACE_ID_BYTES, 0, 0, idView, from);
  writeIdFields(TAG_SPAN_SPAN_ID, SPAN_ID_BYTES, 0, 0, pooledView, nextSize());
  if (entry & HAS_TRACE_STATE) writeRecordedString(TAG_SPAN_TRACE_STATE);
  if (entry & HAS_PARENT) writeIdFields(TAG_SPAN_PARENT_SPAN_ID, SPAN_ID_BYTES, 0, 0, idView, from + TRACE_ID_BYTES);
}

/** Before a batch (simple-spans.ts): lets go of the last one's trace states and, after a huge one, its arrays. */
export function releaseIds(): void {
  if (heldTraceStates) {
    traceStates.fill(undefined);
    heldTraceStates = false;
  }
  if (idEntries.length > MAX_RETAINED_SPANS) {
    idEntries = new Int32Array(256);
    idFlags = new Int32Array(256);
    idBytes = Buffer.allocUnsafeSlow(0);
    idView = new DataView(idBytes.buffer);
    pooledWords = new Int32Array(6 * 64);
    pooledView = new DataView(pooledWords.buffer);
    pooledSpanIdAt = new Int32Array(256);
    traceStates = [];
  }
}

// --- the one-pass batch writer's ids (simple-spans.ts)

/**
 * For the one-pass batch writer: the hex ids written so far (placeholders in the output), decoded
 * together by {@link finishIdWrites} as the two passes' {@link readIds} does; per piece, where its bytes go.
 */
let hexPieces: string[] = [];
let hexLength = 0;
let hexTargets = new Int32Array(256);
let hexCount = 0;
/** The OTLP flags of the span {@link writeIdFieldsAt} wrote last. */
let writtenFlags = 0;
/** The pool words {@link poolView} viewed last, and the view. */
let viewedWords: Int32Array | undefined;
let viewedWordsView: DataView = new DataView(new ArrayBuffer(0));
/** Room {@link writeIdFieldsAt} needs for the id fields (trace state apart: it makes its own). */
export const ID_FIELDS_ROOM = SIZE_IDS + SIZE_PARENT_SPAN_ID_FIELD;

/** Before a one-pass batch. */
export function startIdWrites(): void {
  hexLength = 0;
  hexCount = 0;
}

/**
 * Writes a span's trace id, span id, trace state and parent span id fields at `at` of the output (room
 * for {@link ID_FIELDS_ROOM} bytes made by the caller); returns where they end, or -1 when its ids cannot
 * be read or are not of the right types and lengths (the batch then goes the two passes, which drop the
 * span and report it). Pooled bytes are copied at once; hex ids wait for {@link finishIdWrites}. The
 * span's OTLP flags are then {@link lastIdFlags}.
 */
export function writeIdFieldsAt(span: FinishedSpan, at: number): number {
  const pooled = pooledIds;
  if (PooledIdSpan.readPooledIds(span, pooled)) {
    const words = poolView(pooled.words);
    const spanIdAt = pooled.at * 4;
    const traceId = pooled.traceId;
    const bytes = output;
    const view = outputView;
    if (traceId === undefined) {
      // A root: the trace id's 16 bytes right before the span id's 8 in the pool.
      bytes[at] = TAG_SPAN_TRACE_ID;
      bytes[at + 1] = TRACE_ID_BYTES;
      view.setInt32(at + 2, words.getInt32(spanIdAt - 16));
      view.setInt32(at + 6, words.getInt32(spanIdAt - 12));
      view.setInt32(at + 10, words.getInt32(spanIdAt - 8));
      view.setInt32(at + 14, words.getInt32(spanIdAt - 4));
      bytes[at + 18] = TAG_SPAN_SPAN_ID;
      bytes[at + 19] = SPAN_ID_BYTES;
      view.setInt32(at + 20, words.getInt32(spanIdAt));
      view.setInt32(at + 24, words.getInt32(spanIdAt + 4));
      writtenFlags = otlpFlags(pooled.traceFlags, undefined);
      const traceState = pooled.traceState;
      return traceState === undefined ? at + 28 : writeTraceState(traceState, at + 28);
    }
    const parent = span.parentSpanContext;
    const parentSpanId = parent?.spanId;
    if (!hasHexIdShapes(traceId, parentSpanId)) return -1;
    writtenFlags = otlpFlags(pooled.traceFlags, parent?.isRemote);
    bytes[at] = TAG_SPAN_TRACE_ID;
    bytes[at + 1] = TRACE_ID_BYTES;
    deferHex(traceId, at + 2);
    bytes[at + 18] = TAG_SPAN_SPAN_ID;
    bytes[at + 19] = SPAN_ID_BYTES;
    view.setInt32(at + 20, words.getInt32(spanIdAt));
    view.setInt32(at + 24, words.getInt32(spanIdAt + 4));
    const traceState = pooled.traceState;
    at = traceState === undefined ? at + 28 : writeTraceState(traceState, at + 28);
    return parentSpanId === undefined ? at : writeParentField(parentSpanId, at);
  }
  const parts = contextParts;
  try {
    RecordingSpan.readContextParts(span, parts);
  } catch {
    return -1;
  }
  const traceId = parts.traceId;
  const spanId = parts.spanId;
  const parentSpanId = parts.parentSpanId;
  if (
    typeof traceId !== 'string' ||
    traceId.length !== TRACE_ID_HEX_LENGTH ||
    typeof spanId !== 'string' ||
    spanId.length !== SPAN_ID_HEX_LENGTH ||
    (parentSpanId !== undefined && (typeof parentSpanId !== 'string' || parentSpanId.length !== SPAN_ID_HEX_LENGTH))
  ) {
    return -1;
  }
  writtenFlags = otlpFlags(parts.traceFlags, parts.parentIsRemote);
  const bytes = output;
  bytes[at] = TAG_SPAN_TRACE_ID;
  bytes[at + 1] = TRACE_ID_BYTES;
  deferHex(traceId, at + 2);
  bytes[at + 18] = TAG_SPAN_SPAN_ID;
  bytes[at + 19] = SPAN_ID_BYTES;
  deferHex(spanId, at + 20);
  const traceState = parts.traceState;
  at = traceState === undefined ? at + 28 : writeTraceState(traceState, at + 28);
  return parentSpanId === undefined ? at : writeParentField(parentSpanId, at);
}

/** The OTLP flags of the span {@link writeIdFieldsAt} wrote last. */
export function lastIdFlags(): number {
  return writtenFlags;
}

/** A DataView of a pool's words (the last one kept: spans of a batch share few pools). */
function poolView(words: Int32Array): DataView {
  if (words !== viewedWords) {
    viewedWords = words;
    viewedWordsView = new DataView(words.buffer, words.byteOffset, words.byteLength);
  }
  return viewedWordsView;
}

/** The trace state field (none when it serializes to ''), its room made here. */
function writeTraceState(traceState: NonNullable<SpanContextParts['traceState']>, at: number): number {
  const value = otlpString(traceState.serialize());
  const length = utf8Length(value);
  if (length === 0) return at;
  // Room for the parent span id field after it as well.
  ensureOutput(at + varint32Size(TAG_SPAN_TRACE_STATE) + 5 + length + SIZE_PARENT_SPAN_ID_FIELD);
  const bytes = output;
  return putString(bytes, putVarint32(bytes, putVarint32(bytes, at, TAG_SPAN_TRACE_STATE), length), value, length);
}

function writeParentField(parentSpanId: string, at: number): number {
  const bytes = output;
  bytes[at] = TAG_SPAN_PARENT_SPAN_ID;
  bytes[at + 1] = SPAN_ID_BYTES;
  deferHex(parentSpanId, at + 2);
  return at + 2 + SPAN_ID_BYTES;
}

function deferHex(hex: string, target: number): void {
  if (hexCount === hexTargets.length) {
    const grown = new Int32Array(hexCount * 2);
    grown.set(hexTargets);
    hexTargets = grown;
  }
  hexTargets[hexCount++] = target;
  hexPieces.push(hex);
  hexLength += hex.length;
}

/** How many hex ids wait (a span's are those from this mark on, for {@link moveIdTargets}). */
export function idTargetsMark(): number {
  return hexCount;
}

/** The bytes of the ids waiting from `mark` on moved by `delta` (a span's length took another size than the two bytes kept for it). */
export function moveIdTargets(mark: number, delta: number): void {
  for (let i = mark; i < hexCount; i++) hexTargets[i] += delta;
}

/**
 * After the one pass: decodes the hex ids into their places; `false` when one is not ASCII hex (the
 * batch then goes the two passes). Lets go of the pieces either way.
 */
export function finishIdWrites(): boolean {
  const count = hexCount;
  if (count === 0) return true;
  const pieces = hexPieces;
  hexPieces = [];
  hexCount = 0;
  const length = hexLength;
  const byteLength = length / 2;
  if (idBytes.length < byteLength) {
    idBytes = Buffer.allocUnsafeSlow(Math.max(byteLength, idBytes.length * 2));
    idView = new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.length);
  }
  const hex = pieces.join('');
  // A code unit past 0x7f (never in a hex id) could pass the hex decoding, which reads its low byte only.
  if (Buffer.byteLength(hex) !== length || idBytes.write(hex, 0, byteLength, 'hex') !== byteLength) return false;
  const view = outputView;
  const ids = idView;
  let from = 0;
  for (let i = 0; i < count; i++) {
    const target = hexTargets[i];
    const pieceBytes = pieces[i].length / 2;
    for (let k = 0; k < pieceBytes; k += 4) view.setInt32(target + k, ids.getInt32(from + k));
    from += pieceBytes;
  }
  return true;
}

/** After a one-pass batch given up: lets go of its pieces. */
export function abandonIdWrites(): void {
  hexPieces = [];
  hexCount = 0;
  hexLength = 0;
}

/** Whether a pooled child's trace id (and its parent's span id, if any) have the hex lengths the batch decodes. */
function hasHexIdShapes(traceId: unknown, parentSpanId: unknown): traceId is string {
  return (
    typeof traceId === 'string' &&
    traceId.length === TRACE_ID_HEX_LENGTH &&
    (parentSpanId === undefined || (typeof parentSpanId === 'string' && parentSpanId.length === SPAN_ID_HEX_LENGTH))
  );
}
