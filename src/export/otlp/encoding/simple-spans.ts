import {
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
import { varint32Size } from '../wire/wire-size.js';
import {
  type FastSpans,
  nextSize,
  pushRef,
  pushSize,
  reserveSize,
  setSize,
  sizeOptionalString,
  writeSimpleSpanFields,
  writeVarint32,
} from './binary-encoder.js';
import { cachedNameField } from './name-field-cache.js';
import { otlpSpanKind, otlpStatusCode } from './otlp-field-values.js';
import { sizeMemoizedSpanAttributes } from './span-attribute-memo.js';
import { IDS_INVALID, idEntry, idFlagsOf, readIds, releaseIds, sizeIdFields, writeIds } from './span-id-batch.js';

/**
 * The protobuf writer's fast span writer, installed by the Node entry through `useFastSpans` (the web
 * entries keep the general way, so their bundles carry none of this). It takes the commonest span, an
 * HTTP server or client span for one: valid ids read with the batch (span-id-batch.ts), a name up to
 * 64 code units (its field cached, name-field-cache.ts), times within the clock's exact range,
 * attributes (through the per-scope memo, span-attribute-memo.ts), no events, links or dropped counts.
 * For such a span the size pass records four entries and the name field besides the attributes (and
 * the trace state and status message, when it has them), and the write pass writes its fields in one
 * go, without the general way's checks and bookkeeping for events, links and dropped counts. Any other
 * span goes the general way. The bytes are the general way's.
 *
 * @example
 * ```ts
 * useFastSpans(simpleSpans);
 * ```
 */
export const simpleSpans: FastSpans = {
  read: readIds,
  size: sizeSimpleSpan,
  write: writeSimpleSpan,
  release: releaseIds,
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
  if (
    !(
      start < EXACT_CLOCK_NANOS_LIMIT &&
      start > -EXACT_CLOCK_NANOS_LIMIT &&
      end < EXACT_CLOCK_NANOS_LIMIT &&
      end > -EXACT_CLOCK_NANOS_LIMIT
    )
  ) {
    return -1;
  }
  if (
    span.events.length !== 0 ||
    span.links.length !== 0 ||
    span.droppedAttributesCount !== 0 ||
    span.droppedEventsCount !== 0 ||
    span.droppedLinksCount !== 0
  ) {
    return -1;
  }
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
  pushSize(kind + 256 * code + (hasMessage ? 65536 : 0));
  pushRef(nameField);
  size += nameField.length + (kind === 0 ? 0 : SIZE_KIND_FIELD) + SIZE_SPAN_TIMES + sizeMemoizedSpanAttributes(span);
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
