import { TAG_EXPORT_TRACE_SERVICE_REQUEST_RESOURCE_SPANS } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_wire.js';
import {
  TAG_RESOURCE_SPANS_RESOURCE,
  TAG_RESOURCE_SPANS_SCHEMA_URL,
  TAG_RESOURCE_SPANS_SCOPE_SPANS,
  TAG_SCOPE_SPANS_SCHEMA_URL,
  TAG_SCOPE_SPANS_SCOPE,
  TAG_SCOPE_SPANS_SPANS,
  TAG_SPAN_DROPPED_ATTRIBUTES_COUNT,
  TAG_SPAN_END_TIME_UNIX_NANO,
  TAG_SPAN_FLAGS,
  TAG_SPAN_KIND,
  TAG_SPAN_NAME,
  TAG_SPAN_START_TIME_UNIX_NANO,
  TAG_SPAN_STATUS,
  TAG_STATUS_CODE,
  TAG_STATUS_MESSAGE,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import { putString, putVarint32 } from '../wire/byte-writer.js';
import { optionalStringSize, utf8Length, varint32Size } from '../wire/wire-size.js';
import { ensureOutput, output, outputView, releaseOutput, startOutput, takeOutput } from './batch-output.js';
import {
  clearScratchEntries,
  type FastSpans,
  nextSize,
  pushRef,
  putClockTime,
  pushSize,
  recordEventsAndLinks,
  reserveSize,
  resourceMessage,
  SIMPLE_SPAN_HAS_EVENTS_OR_LINKS,
  SIMPLE_SPAN_HAS_MESSAGE,
  scopeMessage,
  setSize,
  sizeEventsAndLinks,
  sizeOptionalString,
  writeRecordedEventsAndLinksAt,
  writeSimpleSpanFields,
  writeVarint32,
} from './binary-encoder.js';
import { reportError } from '../../../diagnostics/report.js';
import { ENCODE_ERROR_KIND } from './encode-error-kind.js';
import { cachedNameField } from './name-field-cache.js';
import { otlpCount, otlpSpanKind, otlpStatusCode } from './otlp-field-values.js';
import { sizeMemoizedSpanAttributes, writeMemoizedSpanAttributes } from './span-attribute-memo.js';
import {
  abandonIdWrites,
  finishIdWrites,
  ID_FIELDS_ROOM,
  IDS_INVALID,
  idEntry,
  idFlagsOf,
  idTargetsMark,
  lastIdFlags,
  moveIdTargets,
  readIds,
  releaseIds,
  sizeIdFields,
  startIdWrites,
  writeIdFieldsAt,
  writeIds,
} from './span-id-batch.js';

/**
 * The protobuf writer's fast span writer, installed by the Node entry through `useFastSpans` (the web
 * entries keep the general way, so their bundles carry none of this).
 *
 * A batch whose spans share one resource and one scope (the commonest batch), every span with valid
 * ids and times within the clock's exact range, is written in ONE pass (`encodeInOnePass` below): each
 * span once, straight into an output of the estimated size, its ids with it (pooled bytes copied, hex
 * ids decoded together at the end, span-id-batch.ts), its name field cached (name-field-cache.ts), its
 * attributes through the per-scope memo (span-attribute-memo.ts), events and links by the general way's
 * code; its length goes in two bytes kept for it, and the span is moved in the rare case the length
 * needs another size. (A size pass and a write pass walked the batch's spans twice, and the spans are
 * cold by export time: the second walk cost memory traffic that instruction counts do not show.)
 *
 * Any other batch goes the two passes, where this writer takes the commonest span, an HTTP server or
 * client span for one: valid ids read with the batch, a name up to 64 code units, times within the
 * clock's exact range, attributes through the memo, no dropped counts; events and links sized and
 * written as the general way does. For such a span the size pass records four entries and the name
 * field besides the attributes (and the trace state and status message, when it has them), and the
 * write pass writes its fields in one go, without the general way's checks and bookkeeping for
 * dropped counts. Any other span goes the general way. The bytes are the general way's either way.
 *
 * @example
 * ```ts
 * useFastSpans(simpleSpans);
 * ```
 */
export const simpleSpans: FastSpans = {
  read: (spans) => {
    // The last two-pass batch's trace states and (when huge) id arrays, let go of now.
    releaseIds();
    const written = encodeInOnePass(spans);
    if (written === undefined) readIds(spans);
    return written;
  },
  size: sizeSimpleSpan,
  write: writeSimpleSpan,
  allocate: allocateUnzeroed,
};

/** Clock times within this of 0 hold every nanosecond and are surely encodable (see isEncodableTime). */
const EXACT_CLOCK_NANOS_LIMIT = 2 ** 53;
const SIZE_SPAN_TIMES = varint32Size(TAG_SPAN_START_TIME_UNIX_NANO) + 8 + varint32Size(TAG_SPAN_END_TIME_UNIX_NANO) + 8;
const SIZE_SPAN_FLAGS = varint32Size(TAG_SPAN_FLAGS) + 4;
const SIZE_STATUS_CODE_FIELD = varint32Size(TAG_STATUS_CODE) + 1;
const SIZE_KIND_FIELD = varint32Size(TAG_SPAN_KIND) + 1;

function sizeSimpleSpan(span: FinishedSpan, index: number): number {
  const entry = idEntry(index);
  if (entry === IDS_INVALID) return -1;
  const start = span.startTimeNanos;
  const end = span.endTimeNanos;
  if (!isExactClockTime(start) || !isExactClockTime(end)) return -1;
  if (span.droppedAttributesCount !== 0 || span.droppedEventsCount !== 0 || span.droppedLinksCount !== 0) return -1;
  const hasEventsOrLinks = span.events.length !== 0 || span.links.length !== 0;
  const status = span.status;
  const message = status.message;
  const name = span.name;
  if (typeof name !== 'string') return -1;
  const nameField = cachedNameField(TAG_SPAN_NAME, name);
  if (nameField === undefined) return -1;
  const kind = otlpSpanKind(span.kind);
  const code = otlpStatusCode(status.code);
  const hasMessage = typeof message === 'string' && message !== '';
  const slot = reserveSize();
  pushSize(entry);
  let size = sizeIdFields(index, entry);
  pushSize(idFlagsOf(index));
  pushSize(kind + 256 * code + (hasMessage ? SIMPLE_SPAN_HAS_MESSAGE : 0) + (hasEventsOrLinks ? SIMPLE_SPAN_HAS_EVENTS_OR_LINKS : 0));
  pushRef(nameField);
  size += nameField.length + (kind === 0 ? 0 : SIZE_KIND_FIELD) + SIZE_SPAN_TIMES + sizeMemoizedSpanAttributes(span);
  // Events and links the general way's (their entries between the attributes' and the status message's).
  if (hasEventsOrLinks) size += sizeEventsAndLinks(span);
  let statusSize = code === 0 ? 0 : SIZE_STATUS_CODE_FIELD;
  if (hasMessage) statusSize += sizeOptionalString(TAG_STATUS_MESSAGE, message);
  size += varint32Size(TAG_SPAN_STATUS) + varint32Size(statusSize) + statusSize + SIZE_SPAN_FLAGS;
  setSize(slot, ~size);
  return size;
}

/**
 * The output buffer, not zero-filled (`Buffer.allocUnsafeSlow`: an `ArrayBuffer` of its own), as a
 * plain `Uint8Array` (what the general way returns).
 */
function allocateUnzeroed(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer, 0, size);
}

function writeSimpleSpan(span: FinishedSpan, size: number): void {
  writeVarint32(size);
  writeIds(nextSize());
  writeSimpleSpanFields(span);
}

// --- the one pass: a batch of one resource and scope, every span written once, straight into the output

/** Bytes per span the last batch wrote (with some to spare): the next output's estimate. */
let bytesPerSpan = 320;
/** Whether the last batch had several resources or scopes (the next one is checked before it is written). */
let lastBatchMixed = false;
/** Room for a span's fixed fields after its ids and name: kind, times, and status and flags without a message. */
const FIXED_FIELDS_ROOM = 2 + SIZE_SPAN_TIMES + 4 + SIZE_SPAN_FLAGS + 1;

/**
 * The whole request for a batch whose spans share one resource and one scope (the commonest batch)
 * when every span is one the writer takes: each span written once, its ids with it, into an output
 * of the estimated size, its length in the two bytes kept for it (the span moved when its length needs
 * another size), the request's framing before the spans last. `undefined` (nothing kept) for any other
 * batch, or a span of another kind: the two passes take the batch then, and drop and report what they
 * cannot encode. The bytes are the two passes'.
 */
function encodeInOnePass(spans: readonly FinishedSpan[]): Uint8Array | undefined {
  const count = spans.length;
  if (count === 0) return undefined;
  try {
    const first = spans[0];
    const resource = first.resource;
    const scope = first.instrumentationScope;
    if (lastBatchMixed) {
      for (let i = 1; i < count; i++) {
        const span = spans[i];
        if (span.resource !== resource || span.instrumentationScope !== scope) return undefined;
      }
      lastBatchMixed = false;
    }
    const resourceBytes = resourceMessage(resource);
    const scopeBytes = scopeMessage(scope);
    const resourceSchemaUrl = stringOrEmpty(resource.schemaUrl);
    const scopeSchemaUrl = stringOrEmpty(scope.schemaUrl);
    const resourceSchemaUrlLength = utf8Length(resourceSchemaUrl);
    const scopeSchemaUrlLength = utf8Length(scopeSchemaUrl);
    const scopeTail = optionalStringSize(TAG_SCOPE_SPANS_SCHEMA_URL, scopeSchemaUrlLength);
    const resourceTail = optionalStringSize(TAG_RESOURCE_SPANS_SCHEMA_URL, resourceSchemaUrlLength);
    const estimate = count * bytesPerSpan;
    const headRoom = headSize(resourceBytes, scopeBytes, estimate, scopeTail, resourceTail);
    startOutput(headRoom + estimate + scopeTail + resourceTail);
    startIdWrites();
    let at = headRoom;
    for (let i = 0; i < count; i++) {
      const span = spans[i];
      if (span.resource !== resource || span.instrumentationScope !== scope) {
        lastBatchMixed = true;
        return giveUp();
      }
      at = writeSpanInOnePass(span, at);
      if (at < 0) return giveUp();
    }
    if (!finishIdWrites()) return giveUp();
    const spansSize = at - headRoom;
    // The schema URLs after the spans.
    ensureOutput(at + scopeTail + resourceTail);
    let bytes = output;
    at = putOptionalStringField(bytes, at, TAG_SCOPE_SPANS_SCHEMA_URL, scopeSchemaUrl, scopeSchemaUrlLength);
    at = putOptionalStringField(bytes, at, TAG_RESOURCE_SPANS_SCHEMA_URL, resourceSchemaUrl, resourceSchemaUrlLength);
    // The framing before the spans; the spans moved when it takes other than the room kept for it.
    const head = headSize(resourceBytes, scopeBytes, spansSize, scopeTail, resourceTail);
    if (head !== headRoom) {
      ensureOutput(at + head - headRoom);
      bytes = output;
      bytes.copyWithin(head, headRoom, at);
      at += head - headRoom;
    }
    const scopeSpansSize = lengthOf(TAG_SCOPE_SPANS_SCOPE, scopeBytes.length) + spansSize + scopeTail;
    const resourceSpansSize =
      lengthOf(TAG_RESOURCE_SPANS_RESOURCE, resourceBytes.length) + lengthOf(TAG_RESOURCE_SPANS_SCOPE_SPANS, scopeSpansSize) + resourceTail;
    let h = putVarint32(bytes, putVarint32(bytes, 0, TAG_EXPORT_TRACE_SERVICE_REQUEST_RESOURCE_SPANS), resourceSpansSize);
    h = putVarint32(bytes, putVarint32(bytes, h, TAG_RESOURCE_SPANS_RESOURCE), resourceBytes.length);
    bytes.set(resourceBytes, h);
    h = putVarint32(bytes, putVarint32(bytes, h + resourceBytes.length, TAG_RESOURCE_SPANS_SCOPE_SPANS), scopeSpansSize);
    h = putVarint32(bytes, putVarint32(bytes, h, TAG_SCOPE_SPANS_SCOPE), scopeBytes.length);
    bytes.set(scopeBytes, h);
    if (h + scopeBytes.length !== head) {
      // Not the span data's doing (a throw from it is the two passes' to report): this writer's.
      reportError(
        ENCODE_ERROR_KIND,
        new Error(`framed ${h + scopeBytes.length} bytes where ${head} were measured`),
        'one-pass writer; the batch goes the two passes',
      );
      return giveUp();
    }
    bytesPerSpan = Math.min(Math.ceil((spansSize / count) * 1.125) + 8, MAX_BYTES_PER_SPAN_ESTIMATE);
    return takeOutput(at);
  } catch {
    // The two passes encode the batch again, and report what fails.
    return giveUp();
  }
}

/** Estimates past this are not kept (one batch of huge spans grows its output as it goes). */
const MAX_BYTES_PER_SPAN_ESTIMATE = 4096;

function giveUp(): undefined {
  abandonIdWrites();
  releaseOutput();
  clearScratchEntries();
  return undefined;
}

/** The size of a length-delimited field of `length` bytes. */
function lengthOf(tag: number, length: number): number {
  return varint32Size(tag) + varint32Size(length) + length;
}

/**
 * The request's bytes before the first span, for spans of `spansSize` bytes and schema URL fields of
 * `scopeTail` and `resourceTail` bytes after them.
 */
function headSize(resourceBytes: Uint8Array, scopeBytes: Uint8Array, spansSize: number, scopeTail: number, resourceTail: number): number {
  const scopeField = lengthOf(TAG_SCOPE_SPANS_SCOPE, scopeBytes.length);
  const scopeSpansSize = scopeField + spansSize + scopeTail;
  const resourceField = lengthOf(TAG_RESOURCE_SPANS_RESOURCE, resourceBytes.length);
  const resourceSpansSize = resourceField + lengthOf(TAG_RESOURCE_SPANS_SCOPE_SPANS, scopeSpansSize) + resourceTail;
  return (
    varint32Size(TAG_EXPORT_TRACE_SERVICE_REQUEST_RESOURCE_SPANS) +
    varint32Size(resourceSpansSize) +
    resourceField +
    varint32Size(TAG_RESOURCE_SPANS_SCOPE_SPANS) +
    varint32Size(scopeSpansSize) +
    scopeField
  );
}

/** Writes a string field (tag, length, UTF-8 of `byteLength` bytes) at `at` unless it is empty; returns its end. */
function putOptionalStringField(bytes: Uint8Array, at: number, tag: number, value: string, byteLength: number): number {
  if (byteLength === 0) return at;
  return putString(bytes, putVarint32(bytes, putVarint32(bytes, at, tag), byteLength), value, byteLength);
}

function stringOrEmpty(value: string | undefined): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Writes a span's field (tag, length, content) at `at`; returns its end, or -1 when it is not a span
 * this writer takes (ids not valid, times far out).
 */
function writeSpanInOnePass(span: FinishedSpan, at: number): number {
  const start = span.startTimeNanos;
  const end = span.endTimeNanos;
  if (!isExactClockTime(start) || !isExactClockTime(end)) return -1;
  ensureOutput(at + 3 + ID_FIELDS_ROOM);
  output[at] = TAG_SCOPE_SPANS_SPANS;
  // Two bytes kept for the span's length (a span of 128 to 16,383 bytes needs exactly two).
  const lengthAt = at + 1;
  const contentAt = at + 3;
  const mark = idTargetsMark();
  at = writeIdFieldsAt(span, contentAt);
  if (at < 0) return -1;
  const flags = lastIdFlags();
  const name = span.name;
  if (typeof name === 'string' && name !== '') {
    const field = cachedNameField(TAG_SPAN_NAME, name);
    if (field !== undefined) {
      const fieldLength = field.length;
      ensureOutput(at + fieldLength + FIXED_FIELDS_ROOM);
      const bytes = output;
      // Short ones (methods, routes) byte by byte, cheaper than a call to `set`.
      if (fieldLength <= 16) {
        for (let i = 0; i < fieldLength; i++) bytes[at + i] = field[i];
      } else {
        bytes.set(field, at);
      }
      at += fieldLength;
    } else {
      const length = utf8Length(name);
      ensureOutput(at + 6 + length + FIXED_FIELDS_ROOM);
      const bytes = output;
      at = putString(bytes, putVarint32(bytes, putVarint32(bytes, at, TAG_SPAN_NAME), length), name, length);
    }
  } else {
    ensureOutput(at + FIXED_FIELDS_ROOM);
  }
  const bytes = output;
  // The tags below take one byte each (fields 1-15; the tests check it), stored as such.
  const kind = otlpSpanKind(span.kind);
  if (kind !== 0) {
    bytes[at] = TAG_SPAN_KIND;
    bytes[at + 1] = kind;
    at += 2;
  }
  const view = outputView;
  bytes[at] = TAG_SPAN_START_TIME_UNIX_NANO;
  putClockTime(view, at + 1, start);
  bytes[at + 9] = TAG_SPAN_END_TIME_UNIX_NANO;
  putClockTime(view, at + 10, end);
  at = writeMemoizedSpanAttributes(span, at + 18);
  const droppedAttributes = otlpCount(span.droppedAttributesCount);
  if (droppedAttributes !== 0) {
    ensureOutput(at + 6);
    output[at] = TAG_SPAN_DROPPED_ATTRIBUTES_COUNT;
    at = putVarint32(output, at + 1, droppedAttributes);
  }
  if (span.events.length !== 0 || span.links.length !== 0 || span.droppedEventsCount !== 0 || span.droppedLinksCount !== 0) {
    // Events and links the general way's.
    const size = recordEventsAndLinks(span);
    ensureOutput(at + size);
    at = writeRecordedEventsAndLinksAt(span, output, outputView, at);
  }
  const status = span.status;
  const code = otlpStatusCode(status.code);
  const message = status.message;
  const codeSize = code === 0 ? 0 : SIZE_STATUS_CODE_FIELD;
  if (typeof message === 'string' && message !== '') {
    const length = utf8Length(message);
    const statusSize = varint32Size(TAG_STATUS_MESSAGE) + varint32Size(length) + length + codeSize;
    ensureOutput(at + 6 + statusSize + SIZE_SPAN_FLAGS);
    const target = output;
    at = putVarint32(target, putVarint32(target, at, TAG_SPAN_STATUS), statusSize);
    at = putString(target, putVarint32(target, putVarint32(target, at, TAG_STATUS_MESSAGE), length), message, length);
  } else {
    ensureOutput(at + 2 + codeSize + SIZE_SPAN_FLAGS);
    output[at] = TAG_SPAN_STATUS;
    output[at + 1] = codeSize;
    at += 2;
  }
  const target = output;
  if (code !== 0) {
    target[at] = TAG_STATUS_CODE;
    target[at + 1] = code;
    at += 2;
  }
  at = putVarint32(target, at, TAG_SPAN_FLAGS);
  outputView.setUint32(at, flags, true);
  at += 4;
  const length = at - contentAt;
  if (length >= 0x80 && length < 0x4000) {
    target[lengthAt] = (length & 0x7f) | 0x80;
    target[lengthAt + 1] = length >>> 7;
    return at;
  }
  // A span under 128 bytes or past 16,383: moved to fit its length's size.
  const delta = varint32Size(length) - 2;
  ensureOutput(at + delta);
  const moved = output;
  moved.copyWithin(contentAt + delta, contentAt, at);
  putVarint32(moved, lengthAt, length);
  moveIdTargets(mark, delta);
  return at + delta;
}

/** Whether a clock time holds its nanoseconds exactly (the simple writers take only such times; see clock.ts). */
function isExactClockTime(clockNanos: number): boolean {
  return clockNanos < EXACT_CLOCK_NANOS_LIMIT && clockNanos > -EXACT_CLOCK_NANOS_LIMIT;
}
