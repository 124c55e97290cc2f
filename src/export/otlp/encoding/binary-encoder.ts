import type { Attributes, SpanContext } from '@opentelemetry/api';
import { TAG_EXPORT_TRACE_SERVICE_REQUEST_RESOURCE_SPANS } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_wire.js';
import {
  TAG_ANY_VALUE_ARRAY_VALUE,
  TAG_ANY_VALUE_BOOL_VALUE,
  TAG_ANY_VALUE_BYTES_VALUE,
  TAG_ANY_VALUE_DOUBLE_VALUE,
  TAG_ANY_VALUE_INT_VALUE,
  TAG_ANY_VALUE_STRING_VALUE,
  TAG_ARRAY_VALUE_VALUES,
  TAG_INSTRUMENTATION_SCOPE_ATTRIBUTES,
  TAG_INSTRUMENTATION_SCOPE_NAME,
  TAG_INSTRUMENTATION_SCOPE_VERSION,
  TAG_KEY_VALUE_KEY,
  TAG_KEY_VALUE_VALUE,
} from '../../../../gen/opentelemetry/proto/common/v1/common_wire.js';
import { TAG_RESOURCE_ATTRIBUTES } from '../../../../gen/opentelemetry/proto/resource/v1/resource_wire.js';
import {
  TAG_RESOURCE_SPANS_RESOURCE,
  TAG_RESOURCE_SPANS_SCHEMA_URL,
  TAG_RESOURCE_SPANS_SCOPE_SPANS,
  TAG_SCOPE_SPANS_SCHEMA_URL,
  TAG_SCOPE_SPANS_SCOPE,
  TAG_SCOPE_SPANS_SPANS,
  TAG_SPAN_ATTRIBUTES,
  TAG_SPAN_DROPPED_ATTRIBUTES_COUNT,
  TAG_SPAN_DROPPED_EVENTS_COUNT,
  TAG_SPAN_DROPPED_LINKS_COUNT,
  TAG_SPAN_END_TIME_UNIX_NANO,
  TAG_SPAN_EVENT_ATTRIBUTES,
  TAG_SPAN_EVENT_DROPPED_ATTRIBUTES_COUNT,
  TAG_SPAN_EVENT_NAME,
  TAG_SPAN_EVENT_TIME_UNIX_NANO,
  TAG_SPAN_EVENTS,
  TAG_SPAN_FLAGS,
  TAG_SPAN_KIND,
  TAG_SPAN_LINK_ATTRIBUTES,
  TAG_SPAN_LINK_DROPPED_ATTRIBUTES_COUNT,
  TAG_SPAN_LINK_FLAGS,
  TAG_SPAN_LINK_SPAN_ID,
  TAG_SPAN_LINK_TRACE_ID,
  TAG_SPAN_LINK_TRACE_STATE,
  TAG_SPAN_LINKS,
  TAG_SPAN_NAME,
  TAG_SPAN_PARENT_SPAN_ID,
  TAG_SPAN_SPAN_ID,
  TAG_SPAN_START_TIME_UNIX_NANO,
  TAG_SPAN_STATUS,
  TAG_SPAN_TRACE_ID,
  TAG_SPAN_TRACE_STATE,
  TAG_STATUS_CODE,
  TAG_STATUS_MESSAGE,
} from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import { reportError } from '../../../diagnostics/report.js';
import type { Resource } from '../../../resource/resource.js';
import { clockNanosToUnixNanoParts } from '../../../trace/clock.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../../trace/finished-span.js';
import type { InstrumentationScope } from '../../../trace/instrumentation-scope.js';
import { RecordingSpan, type SpanContextParts } from '../../../trace/span.js';
import { isHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH, writeHexId } from '../wire/hex-id.js';
import {
  isEncodableTime,
  otlpCount,
  otlpFlags,
  otlpSpanKind,
  otlpStatusCode,
  otlpTraceState,
  type TimeKey,
  unixNanoParts,
} from './otlp-field-values.js';
import { cachePerObject, ResourceScopeGroups } from './resource-scope-groups.js';
import { ENCODE_ERROR_KIND } from './encode-error-kind.js';
import { protobufFallbackEncoder, startLoadingPendingFallback } from './protobuf-fallback.js';
import { putBytes, putInt64, putString, putVarint32 } from '../wire/byte-writer.js';
import { int64Size, lengthDelimitedSize, optionalStringSize, optionalVarintSize, utf8Length, varint32Size } from '../wire/wire-size.js';
import { TWO_POW_32 } from '../../../internal/numeric-constants.js';
import { utf8Encoder } from '../../../internal/utf8-encoder.js';

/*
 * A single-buffer protobuf writer for `ExportTraceServiceRequest`, specialised to the OTLP trace
 * messages. Two passes over the batch:
 *
 * 1. The size pass validates each span (a span that fails is dropped and reported), groups spans by
 *    resource and scope, and records, in visiting order, every nested message length and string
 *    byte length in `sizes` and every value the write pass needs (contexts, strings, cached key
 *    bytes, attribute values) in `refs`. Each message's length slot is reserved before its content
 *    is measured, so the write pass, which visits in the same order, reads lengths front to back.
 * 2. The write pass fills one exactly-sized buffer, reading only `sizes`, `refs` and a few scalar
 *    span fields; ids go from hex straight into the buffer, times as two 32-bit halves.
 *
 * Below, each message's size function sits right above its write function: they must visit the same
 * fields in the same order. Tags are the generated constants of gen/**\/*_wire.ts (the proto is the
 * single source of truth; no descriptor is read for them); byte arithmetic is in wire-size.ts. This
 * module never imports the generated schema or the protobuf runtime, so the web builds ship neither: a
 * re-entrant call runs the same writer on scratch state of its own, and after an unexpected failure the
 * batch is encoded again by the encoder `useProtobufFallbackEncoder` installed (the Node entry
 * installs the generated schema's, schema-fallback-encoder.ts, loaded by the first encoding: see
 * `useProtobufFallbackEncoderLoader`, `protobuf-fallback.ts`) or, where none is, by this writer once more.
 * Resource and scope messages are encoded once per object (cached by identity), attribute keys once
 * per string (bounded cache).
 */

// --- sizes of fixed-size fields, from the tags

const SIZE_SPAN_FLAGS_TAG = varint32Size(TAG_SPAN_FLAGS);
const SIZE_KEY_VALUE_VALUE_TAG = varint32Size(TAG_KEY_VALUE_VALUE);
const SIZE_ANY_STRING_TAG = varint32Size(TAG_ANY_VALUE_STRING_VALUE);
const SIZE_ANY_BOOL_TAG = varint32Size(TAG_ANY_VALUE_BOOL_VALUE);
const SIZE_ANY_INT_TAG = varint32Size(TAG_ANY_VALUE_INT_VALUE);
const SIZE_ANY_DOUBLE_TAG = varint32Size(TAG_ANY_VALUE_DOUBLE_VALUE);
const SIZE_ANY_ARRAY_TAG = varint32Size(TAG_ANY_VALUE_ARRAY_VALUE);
const SIZE_ANY_BYTES_TAG = varint32Size(TAG_ANY_VALUE_BYTES_VALUE);
const SIZE_ARRAY_VALUES_TAG = varint32Size(TAG_ARRAY_VALUE_VALUES);
const SIZE_LINK_FLAGS_TAG = varint32Size(TAG_SPAN_LINK_FLAGS);
/** Id fields: the tag, a one-byte length, then the id bytes (16 for a trace id, 8 for a span id). */
const SIZE_TRACE_ID_FIELD = varint32Size(TAG_SPAN_TRACE_ID) + 1 + TRACE_ID_HEX_LENGTH / 2;
const SIZE_SPAN_ID_FIELD = varint32Size(TAG_SPAN_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_PARENT_SPAN_ID_FIELD = varint32Size(TAG_SPAN_PARENT_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_LINK_TRACE_ID_FIELD = varint32Size(TAG_SPAN_LINK_TRACE_ID) + 1 + TRACE_ID_HEX_LENGTH / 2;
const SIZE_LINK_SPAN_ID_FIELD = varint32Size(TAG_SPAN_LINK_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_SPAN_TIMES = varint32Size(TAG_SPAN_START_TIME_UNIX_NANO) + 8 + varint32Size(TAG_SPAN_END_TIME_UNIX_NANO) + 8;
const SIZE_EVENT_TIME = varint32Size(TAG_SPAN_EVENT_TIME_UNIX_NANO) + 8;

// --- caches

/** How many distinct attribute keys keep their encoded bytes; past this the cache starts over. */
const MAX_CACHED_KEYS = 4096;
const keyFieldCache = new Map<string, Uint8Array>();
const resourceBytes = cachePerObject(encodeResource);
const scopeBytes = cachePerObject(encodeScope);

/** Epoch nanoseconds of clock time 0, as 32-bit halves; times are written as these plus the clock reading. */
const [ORIGIN_HIGH, ORIGIN_LOW] = clockNanosToUnixNanoParts(0);
/** Clock times within this of 0 hold every nanosecond (see isExactClockNanos in clock.ts). */
const EXACT_CLOCK_NANOS_LIMIT = 2 ** 53;
/** Bits of a simple span's kind-and-code entry (see writeSimpleSpanFields). */
export const SIMPLE_SPAN_HAS_MESSAGE = 0x10000;
export const SIMPLE_SPAN_HAS_EVENTS_OR_LINKS = 0x20000;

// --- scratch state of one encoding call (encoding is synchronous; a re-entrant call saves and restores it)

const INITIAL_SIZES = 4096;
/** Beyond this many entries the scratch arrays are released after the call, so one huge batch does not pin memory. */
const MAX_RETAINED_SIZES = 1 << 20;
let sizes = new Int32Array(INITIAL_SIZES);
let sizeCount = 0;
let sizeCursor = 0;
let refs: unknown[] = [];
let refCount = 0;
let refCursor = 0;
/** The most refs held at once in this call: how far {@link releaseScratch} clears. */
let refHighWater = 0;
let out = new Uint8Array(0);
let view = new DataView(out.buffer);
let pos = 0;
let busy = false;
/** The last trace id that passed validation (strings are immutable, so an equal one is valid too). */
let lastValidTraceId = '';
/** Filled by `RecordingSpan.readContextParts` for each span measured (the size pass is not re-entrant per call). */
const contextParts = newContextParts();

/**
 * An empty {@link SpanContextParts} for `RecordingSpan.readContextParts` to fill (one per reader).
 * @internal
 */
export function newContextParts(): SpanContextParts {
  return { traceId: '', spanId: '', traceFlags: 0, traceState: undefined, parentSpanId: undefined, parentIsRemote: undefined };
}

interface ScopeGroup {
  readonly bytes: Uint8Array;
  readonly schemaUrl: string;
  readonly schemaUrlLength: number;
  readonly spans: FinishedSpan[];
  /** Per span: where its entries start in `sizes` and `refs`. */
  readonly sizeStarts: number[];
  readonly refStarts: number[];
  size: number;
}

interface ResourceGroup {
  readonly bytes: Uint8Array;
  readonly schemaUrl: string;
  readonly schemaUrlLength: number;
  readonly scopes: ScopeGroup[];
}

/**
 * Encodes finished spans as a binary protobuf OTLP `ExportTraceServiceRequest`, the body of an
 * `application/x-protobuf` export. Decoding the bytes with the generated schema gives exactly
 * `toExportTraceServiceRequest` of the same spans (same grouping, same dropping rules).
 *
 * Never throws: a span whose data cannot be encoded is dropped and reported through
 * `reportError('export.otlp.encode', …)`; the rest of the batch is encoded. On Node the bytes may be a
 * view on the start of a larger `ArrayBuffer`: send the view itself, not its `buffer`.
 *
 * @example
 * ```ts
 * import { encodeSpansToProtobuf } from 'otelite';
 *
 * const body = encodeSpansToProtobuf(spans);
 * await fetch('http://127.0.0.1:4318/v1/traces', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/x-protobuf' },
 *   body,
 * });
 * ```
 */
export function encodeSpansToProtobuf(spans: readonly FinishedSpan[]): Uint8Array {
  startLoadingPendingFallback();
  if (busy) return encodeNested(spans);
  busy = true;
  try {
    return encodeBatch(spans);
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'fast protobuf writer; encoding the batch again');
    releaseScratch();
    return encodeAgain(spans);
  } finally {
    releaseScratch();
    busy = false;
  }
}

function encodeAgain(spans: readonly FinishedSpan[]): Uint8Array {
  try {
    const fallback = protobufFallbackEncoder();
    return fallback === undefined ? encodeBatch(spans) : fallback(spans);
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'batch dropped');
    return new Uint8Array(0);
  }
}

/**
 * A re-entrant call (span data read during encoding that encodes again): the same writer on fresh
 * scratch state, the caller's state put back afterwards.
 */
function encodeNested(spans: readonly FinishedSpan[]): Uint8Array {
  // The fast span writer's state is the caller's: the nested call goes the general way.
  const saved = { sizes, sizeCount, sizeCursor, refs, refCount, refCursor, refHighWater, out, view, pos, fastSpans };
  fastSpans = undefined;
  sizes = new Int32Array(INITIAL_SIZES);
  refs = [];
  sizeCount = sizeCursor = refCount = refCursor = refHighWater = 0;
  try {
    return encodeBatch(spans);
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'batch dropped');
    return new Uint8Array(0);
  } finally {
    ({ sizes, sizeCount, sizeCursor, refs, refCount, refCursor, refHighWater, out, view, pos, fastSpans } = saved);
  }
}

function releaseScratch(): void {
  refs.fill(undefined, 0, Math.max(refCount, refHighWater));
  if (sizes.length > MAX_RETAINED_SIZES) sizes = new Int32Array(INITIAL_SIZES);
  if (refs.length > MAX_RETAINED_SIZES) refs = [];
  sizeCount = sizeCursor = refCount = refCursor = refHighWater = 0;
  out = new Uint8Array(0);
  view = new DataView(out.buffer);
  pos = 0;
}

// --- the request: ResourceSpans › ScopeSpans › Span

function encodeBatch(spans: readonly FinishedSpan[]): Uint8Array {
  sizeCount = refCount = 0;
  const written = fastSpans?.read(spans);
  if (written) return written;
  const groups = new ResourceScopeGroups<ResourceGroup, ScopeGroup>(newResourceGroup, newScopeGroup);

  // Size pass.
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const sizeStart = sizeCount;
    const refStart = refCount;
    try {
      const spanSize = sizeSpan(span, i);
      const scopeGroup = groups.scopeGroup(span.resource, span.instrumentationScope);
      scopeGroup.spans.push(span);
      scopeGroup.sizeStarts.push(sizeStart);
      scopeGroup.refStarts.push(refStart);
      scopeGroup.size += lengthDelimitedSize(TAG_SCOPE_SPANS_SPANS, spanSize);
    } catch (error) {
      sizeCount = sizeStart;
      if (refCount > refHighWater) refHighWater = refCount;
      refCount = refStart;
      reportError(ENCODE_ERROR_KIND, error, 'span dropped from the OTLP batch');
    }
  }
  const resources = groups.resources;
  let total = 0;
  const resourceSizes: number[] = [];
  for (let r = 0; r < resources.length; r++) {
    const size = sizeResourceSpans(resources[r]);
    resourceSizes.push(size);
    total += lengthDelimitedSize(TAG_EXPORT_TRACE_SERVICE_REQUEST_RESOURCE_SPANS, size);
  }

  // Write pass.
  out = fastSpans?.allocate(total) ?? new Uint8Array(total);
  view = new DataView(out.buffer);
  pos = 0;
  for (let r = 0; r < resources.length; r++) {
    writeVarint32(TAG_EXPORT_TRACE_SERVICE_REQUEST_RESOURCE_SPANS);
    writeVarint32(resourceSizes[r]);
    writeResourceSpans(resources[r]);
  }
  if (pos !== total) throw new Error(`wrote ${pos} bytes where ${total} were measured (span data changed while encoding?)`);
  return out;
}

function newResourceGroup(resource: Resource): ResourceGroup {
  const schemaUrl = stringOrEmpty(resource.schemaUrl);
  return { bytes: resourceBytes(resource), schemaUrl, schemaUrlLength: utf8Length(schemaUrl), scopes: [] };
}

function newScopeGroup(resourceGroup: ResourceGroup, scope: InstrumentationScope): ScopeGroup {
  const schemaUrl = stringOrEmpty(scope.schemaUrl);
  const bytes = scopeBytes(scope);
  const schemaUrlLength = utf8Length(schemaUrl);
  const group: ScopeGroup = {
    bytes,
    schemaUrl,
    schemaUrlLength,
    spans: [],
    sizeStarts: [],
    refStarts: [],
    // The scope and schema URL fields; each span adds its own field in the size pass.
    size: lengthDelimitedSize(TAG_SCOPE_SPANS_SCOPE, bytes.length) + optionalStringSize(TAG_SCOPE_SPANS_SCHEMA_URL, schemaUrlLength),
  };
  resourceGroup.scopes.push(group);
  return group;
}

function sizeResourceSpans(group: ResourceGroup): number {
  let size =
    lengthDelimitedSize(TAG_RESOURCE_SPANS_RESOURCE, group.bytes.length) +
    optionalStringSize(TAG_RESOURCE_SPANS_SCHEMA_URL, group.schemaUrlLength);
  for (let s = 0; s < group.scopes.length; s++) size += lengthDelimitedSize(TAG_RESOURCE_SPANS_SCOPE_SPANS, group.scopes[s].size);
  return size;
}

function writeResourceSpans(group: ResourceGroup): void {
  writeVarint32(TAG_RESOURCE_SPANS_RESOURCE);
  writeVarint32(group.bytes.length);
  writeBytes(group.bytes);
  for (let s = 0; s < group.scopes.length; s++) {
    writeVarint32(TAG_RESOURCE_SPANS_SCOPE_SPANS);
    writeVarint32(group.scopes[s].size);
    writeScopeSpans(group.scopes[s]);
  }
  writeOptionalString(TAG_RESOURCE_SPANS_SCHEMA_URL, group.schemaUrl, group.schemaUrlLength);
}

// (ScopeSpans is sized span by span in the size pass, see encodeBatch and newScopeGroup.)
function writeScopeSpans(group: ScopeGroup): void {
  writeVarint32(TAG_SCOPE_SPANS_SCOPE);
  writeVarint32(group.bytes.length);
  writeBytes(group.bytes);
  const spans = group.spans;
  for (let i = 0; i < spans.length; i++) {
    sizeCursor = group.sizeStarts[i];
    refCursor = group.refStarts[i];
    writeVarint32(TAG_SCOPE_SPANS_SPANS);
    writeSpan(spans[i]);
  }
  writeOptionalString(TAG_SCOPE_SPANS_SCHEMA_URL, group.schemaUrl, group.schemaUrlLength);
}

// --- Resource and InstrumentationScope: encoded once per object, then cached

function encodeResource(resource: Resource): Uint8Array {
  const sizeStart = sizeCount;
  const refStart = refCount;
  const size = sizeAttributes(TAG_RESOURCE_ATTRIBUTES, resource.attributes);
  return writeDetached(size, sizeStart, refStart, writeResource);
}

function writeResource(): void {
  writeAttributes(TAG_RESOURCE_ATTRIBUTES);
}

function encodeScope(scope: InstrumentationScope): Uint8Array {
  const sizeStart = sizeCount;
  const refStart = refCount;
  const size =
    sizeOptionalString(TAG_INSTRUMENTATION_SCOPE_NAME, stringOrEmpty(scope.name)) +
    sizeOptionalString(TAG_INSTRUMENTATION_SCOPE_VERSION, stringOrEmpty(scope.version)) +
    sizeAttributes(TAG_INSTRUMENTATION_SCOPE_ATTRIBUTES, scope.attributes);
  return writeDetached(size, sizeStart, refStart, writeScope);
}

function writeScope(): void {
  writeRecordedString(TAG_INSTRUMENTATION_SCOPE_NAME);
  writeRecordedString(TAG_INSTRUMENTATION_SCOPE_VERSION);
  writeAttributes(TAG_INSTRUMENTATION_SCOPE_ATTRIBUTES);
}

/**
 * Writes a message measured from `sizeStart`/`refStart` on into a buffer of its own, in the middle of
 * the size pass (resource and scope messages are met there, then cached), and takes its entries back
 * off the scratch arrays. The write pass's buffer and cursors are not in use yet during the size pass.
 */
function writeDetached(size: number, sizeStart: number, refStart: number, write: () => void): Uint8Array {
  const bytes = new Uint8Array(size);
  out = bytes;
  view = new DataView(bytes.buffer);
  pos = 0;
  sizeCursor = sizeStart;
  refCursor = refStart;
  try {
    write();
    if (pos !== size) throw new Error(`wrote ${pos} bytes where ${size} were measured`);
    return bytes;
  } finally {
    sizeCount = sizeStart;
    if (refCount > refHighWater) refHighWater = refCount;
    refCount = refStart;
    out = new Uint8Array(0);
    view = new DataView(out.buffer);
    pos = 0;
  }
}

// --- the scratch arrays of the size pass

export function pushSize(size: number): void {
  if (sizeCount === sizes.length) {
    const grown = new Int32Array(sizes.length * 2);
    grown.set(sizes);
    sizes = grown;
  }
  sizes[sizeCount++] = size;
}

export function pushRef(value: unknown): void {
  refs[refCount++] = value;
}

/** Reserves a `sizes` entry to be filled by {@link setSize}; returns its index. */
export function reserveSize(): number {
  pushSize(0);
  return sizeCount - 1;
}

export function setSize(slot: number, size: number): void {
  sizes[slot] = size;
}

// --- Span

/** Measures a span (content only), recording what the write pass needs; throws for spans that cannot be encoded. */
function sizeSpan(span: FinishedSpan, index: number): number {
  // `undefined` (no fast writer) is not >= 0 either.
  const fastSize = fastSpans?.size(span, index) as number;
  if (fastSize >= 0) return fastSize;
  const slot = sizeCount;
  pushSize(0);
  let size = sizeSpanIds(span);
  if (!isEncodableTime(span.startTimeNanos, span, 'startTime')) throw new Error(`invalid start time ${String(span.startTimeNanos)}`);
  if (!isEncodableTime(span.endTimeNanos, span, 'endTime')) throw new Error(`invalid end time ${String(span.endTimeNanos)}`);
  size += SIZE_SPAN_TIMES + SIZE_SPAN_FLAGS_TAG + 4;
  size += sizeOptionalString(TAG_SPAN_NAME, stringOrEmpty(span.name));
  size += optionalVarintSize(TAG_SPAN_KIND, otlpSpanKind(span.kind));
  size += sizeAttributes(TAG_SPAN_ATTRIBUTES, span.attributes);
  size += optionalVarintSize(TAG_SPAN_DROPPED_ATTRIBUTES_COUNT, otlpCount(span.droppedAttributesCount));
  size += sizeEventsAndLinks(span);

  // Status (always present): its length slot, then its message and code.
  const status = span.status;
  const statusSlot = sizeCount;
  pushSize(0);
  const statusSize =
    sizeOptionalString(TAG_STATUS_MESSAGE, stringOrEmpty(status.message)) +
    optionalVarintSize(TAG_STATUS_CODE, otlpStatusCode(status.code));
  pushRef(status.code);
  sizes[statusSlot] = statusSize;
  size += lengthDelimitedSize(TAG_SPAN_STATUS, statusSize);

  sizes[slot] = size;
  return size;
}

function writeSpan(span: FinishedSpan): void {
  const size = sizes[sizeCursor++];
  // Recorded by the installed fast span writer (see useFastSpans).
  if (size < 0) {
    (fastSpans as FastSpans).write(span, ~size);
    return;
  }
  writeVarint32(size);
  const flags = sizes[sizeCursor++];
  writeSpanIds();
  writeRecordedString(TAG_SPAN_NAME);
  writeOptionalVarint(TAG_SPAN_KIND, otlpSpanKind(span.kind));
  writeVarint32(TAG_SPAN_START_TIME_UNIX_NANO);
  writeTimeOf(span.startTimeNanos, span, 'startTime');
  writeVarint32(TAG_SPAN_END_TIME_UNIX_NANO);
  writeTimeOf(span.endTimeNanos, span, 'endTime');
  writeAttributes(TAG_SPAN_ATTRIBUTES);
  writeOptionalVarint(TAG_SPAN_DROPPED_ATTRIBUTES_COUNT, otlpCount(span.droppedAttributesCount));
  writeEventsAndLinks(span);

  writeVarint32(TAG_SPAN_STATUS);
  writeVarint32(sizes[sizeCursor++]);
  writeRecordedString(TAG_STATUS_MESSAGE);
  writeOptionalVarint(TAG_STATUS_CODE, otlpStatusCode(refs[refCursor++] as number));

  writeVarint32(TAG_SPAN_FLAGS);
  view.setUint32(pos, flags, true);
  pos += 4;
}

/**
 * Measures a span's events and links fields with their dropped counts (fields 11-14), recording what
 * {@link writeEventsAndLinks} writes; also for simple-spans.ts, whose spans may have events and links.
 */
export function sizeEventsAndLinks(span: FinishedSpan): number {
  let size = 0;
  const events = span.events;
  pushRef(events);
  pushSize(events.length);
  for (let i = 0; i < events.length; i++) size += lengthDelimitedSize(TAG_SPAN_EVENTS, sizeEvent(events[i]));
  size += optionalVarintSize(TAG_SPAN_DROPPED_EVENTS_COUNT, otlpCount(span.droppedEventsCount));
  const links = span.links;
  pushRef(links);
  pushSize(links.length);
  for (let i = 0; i < links.length; i++) size += lengthDelimitedSize(TAG_SPAN_LINKS, sizeLink(links[i]));
  return size + optionalVarintSize(TAG_SPAN_DROPPED_LINKS_COUNT, otlpCount(span.droppedLinksCount));
}

/** The write pass of {@link sizeEventsAndLinks}. */
export function writeEventsAndLinks(span: FinishedSpan): void {
  const events = refs[refCursor++] as readonly SpanEvent[];
  const eventCount = sizes[sizeCursor++];
  for (let i = 0; i < eventCount; i++) {
    writeVarint32(TAG_SPAN_EVENTS);
    writeEvent(events[i]);
  }
  writeOptionalVarint(TAG_SPAN_DROPPED_EVENTS_COUNT, otlpCount(span.droppedEventsCount));
  const links = refs[refCursor++] as readonly SpanLink[];
  const linkCount = sizes[sizeCursor++];
  for (let i = 0; i < linkCount; i++) {
    writeVarint32(TAG_SPAN_LINKS);
    writeLink(links[i]);
  }
  writeOptionalVarint(TAG_SPAN_DROPPED_LINKS_COUNT, otlpCount(span.droppedLinksCount));
}

/**
 * Measures a span's id fields and trace state (the per-id way; see {@link useFastSpans}): reads its
 * context parts, throws when an id is not hex of the right length, records its flags (sizes), its ids
 * (refs) and its trace state.
 */
function sizeSpanIds(span: FinishedSpan): number {
  // The ids and flags without assembling context objects (RecordingSpan keeps them as parts).
  const parts = contextParts;
  RecordingSpan.readContextParts(span, parts);
  const traceId = parts.traceId;
  const spanId = parts.spanId;
  const parentSpanId = parts.parentSpanId;
  // Spans of one trace arrive together: a trace id equal to the last one checked is valid too.
  if (traceId !== lastValidTraceId) {
    if (!isHexId(traceId, TRACE_ID_HEX_LENGTH)) throw new Error(`invalid trace id ${JSON.stringify(traceId)}`);
    lastValidTraceId = traceId;
  }
  if (!isHexId(spanId, SPAN_ID_HEX_LENGTH)) throw new Error(`invalid span id ${JSON.stringify(spanId)}`);
  if (parentSpanId !== undefined && !isHexId(parentSpanId, SPAN_ID_HEX_LENGTH)) {
    throw new Error(`invalid parent span id ${JSON.stringify(parentSpanId)}`);
  }
  pushSize(otlpFlags(parts.traceFlags, parts.parentIsRemote));
  pushRef(traceId);
  pushRef(spanId);
  pushRef(parentSpanId);
  let size = SIZE_TRACE_ID_FIELD + SIZE_SPAN_ID_FIELD;
  if (parentSpanId !== undefined) size += SIZE_PARENT_SPAN_ID_FIELD;
  return size + sizeOptionalString(TAG_SPAN_TRACE_STATE, otlpTraceState(parts));
}

/** Writes the trace id, span id, trace state and parent span id fields {@link sizeSpanIds} recorded. */
function writeSpanIds(): void {
  const traceId = refs[refCursor++] as string;
  const spanId = refs[refCursor++] as string;
  const parentSpanId = refs[refCursor++] as string | undefined;
  writeVarint32(TAG_SPAN_TRACE_ID);
  out[pos++] = TRACE_ID_HEX_LENGTH / 2;
  pos = writeHexId(traceId, out, pos);
  writeVarint32(TAG_SPAN_SPAN_ID);
  out[pos++] = SPAN_ID_HEX_LENGTH / 2;
  pos = writeHexId(spanId, out, pos);
  writeRecordedString(TAG_SPAN_TRACE_STATE);
  if (parentSpanId !== undefined) {
    writeVarint32(TAG_SPAN_PARENT_SPAN_ID);
    out[pos++] = SPAN_ID_HEX_LENGTH / 2;
    pos = writeHexId(parentSpanId, out, pos);
  }
}

/**
 * A writer of the commonest spans in one go, installed by the Node entry through {@link useFastSpans}
 * (simple-spans.ts); the web entries keep the general way above, which is smaller to ship. It gives
 * exactly the bytes the general way gives.
 * @internal
 */
export interface FastSpans {
  /**
   * First, for the whole batch: its request bytes, written in one pass over the spans; or, to leave
   * the batch to the two passes, `undefined`, having read what `size` needs of its spans (and left the
   * scratch entries empty, see {@link clearScratchEntries}). Also lets go of what the last batch left.
   */
  readonly read: (spans: readonly FinishedSpan[]) => Uint8Array | undefined;
  /**
   * The size pass, for `span` at `index` in the batch: -1, recording nothing, when it does not handle
   * the span (the general way then sizes it, and throws for it when it cannot be encoded); else the
   * span's content size, having recorded first `~size` (a negative `sizes` entry) and then what
   * `write` needs.
   */
  readonly size: (span: FinishedSpan, index: number) => number;
  /** The write pass: writes the length (`size`) and content of a span `size` handled. */
  readonly write: (span: FinishedSpan, size: number) => void;
  /**
   * The output buffer of `size` bytes, on an `ArrayBuffer` of its own at offset 0; its bytes need not
   * be zero (the write pass writes every one, or the buffer is dropped).
   */
  readonly allocate: (size: number) => Uint8Array<ArrayBuffer>;
}

let fastSpans: FastSpans | undefined;

/**
 * Installs a fast span writer (`undefined`: none). The Node entry installs simple-spans.ts's; the web
 * entries do not, so their bundles carry none of it.
 * @internal
 *
 * @example
 * ```ts
 * useFastSpans(simpleSpans);
 * ```
 */
export function useFastSpans(writer: FastSpans | undefined): void {
  fastSpans = writer;
}

/**
 * For simple-spans.ts, the write pass of a span it recorded, after its ids: the name field (a ref),
 * kind, times, attributes, events and links, status and flags, from the `sizes` entries flags and
 * kind + 256 × status code (+ {@link SIMPLE_SPAN_HAS_EVENTS_OR_LINKS} when the entries of
 * {@link sizeEventsAndLinks} follow the attributes' entries, + {@link SIMPLE_SPAN_HAS_MESSAGE} when a
 * status message's, recorded by {@link sizeOptionalString}, follow those).
 */
export function writeSimpleSpanFields(span: FinishedSpan): void {
  const flags = sizes[sizeCursor++];
  const kindAndCode = sizes[sizeCursor++];
  // The name field: short ones (methods, routes) byte by byte, cheaper than a call to `set`.
  const name = refs[refCursor++] as Uint8Array;
  const nameLength = name.length;
  if (nameLength <= 16) {
    const bytes = out;
    for (let i = 0; i < nameLength; i++) bytes[pos + i] = name[i];
    pos += nameLength;
  } else {
    writeBytes(name);
  }
  // The tags below take one byte each (fields 1-15; the tests check it), stored as such.
  const kind = kindAndCode & 0xff;
  if (kind !== 0) {
    out[pos++] = TAG_SPAN_KIND;
    out[pos++] = kind;
  }
  out[pos++] = TAG_SPAN_START_TIME_UNIX_NANO;
  writeTime(span.startTimeNanos);
  out[pos++] = TAG_SPAN_END_TIME_UNIX_NANO;
  writeTime(span.endTimeNanos);
  writeAttributes(TAG_SPAN_ATTRIBUTES);
  if ((kindAndCode & SIMPLE_SPAN_HAS_EVENTS_OR_LINKS) !== 0) writeEventsAndLinks(span);
  out[pos++] = TAG_SPAN_STATUS;
  const code = (kindAndCode >> 8) & 0xff;
  // The status message: its message field, if any, and its code field (tag and a one-byte value), if any.
  const messageSize = (kindAndCode & SIMPLE_SPAN_HAS_MESSAGE) === 0 ? 0 : lengthDelimitedSize(TAG_STATUS_MESSAGE, sizes[sizeCursor]);
  writeVarint32(messageSize + (code === 0 ? 0 : varint32Size(TAG_STATUS_CODE) + 1));
  if (messageSize !== 0) writeRecordedString(TAG_STATUS_MESSAGE);
  if (code !== 0) {
    out[pos++] = TAG_STATUS_CODE;
    out[pos++] = code;
  }
  writeVarint32(TAG_SPAN_FLAGS);
  view.setUint32(pos, flags, true);
  pos += 4;
}

/** For simple-spans.ts's one pass: the encoded `Resource` message of `resource` (cached per object). */
export function resourceMessage(resource: Resource): Uint8Array {
  return resourceBytes(resource);
}

/** For simple-spans.ts's one pass: the encoded `InstrumentationScope` message of `scope` (cached per object). */
export function scopeMessage(scope: InstrumentationScope): Uint8Array {
  return scopeBytes(scope);
}

/**
 * For simple-spans.ts's one pass, which writes the commonest attribute values itself: the size of the
 * span attribute field of `keyBytes` (a {@link keyField}) and `value` (-1 when the value has no OTLP
 * form), recording what {@link writeRecordedAttributeAt} needs to write it.
 */
export function recordAttributeField(keyBytes: Uint8Array, value: unknown): number {
  sizeCount = refCount = 0;
  pushSize(1);
  const valueSize = sizeValue(value);
  if (valueSize < 0) return -1;
  pushRef(keyBytes);
  pushRef(value);
  return lengthDelimitedSize(TAG_SPAN_ATTRIBUTES, keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize);
}

/** Writes the field {@link recordAttributeField} measured into `bytes` (viewed by `bytesView`) at `at`; returns its end. */
export function writeRecordedAttributeAt(bytes: Uint8Array<ArrayBuffer>, bytesView: DataView<ArrayBuffer>, at: number): number {
  startRecordedWrite(bytes, bytesView, at);
  writeAttributes(TAG_SPAN_ATTRIBUTES);
  return endRecordedWrite();
}

/** For simple-spans.ts's one pass: {@link sizeEventsAndLinks} on scratch entries of its own, for {@link writeRecordedEventsAndLinksAt}. */
export function recordEventsAndLinks(span: FinishedSpan): number {
  sizeCount = refCount = 0;
  return sizeEventsAndLinks(span);
}

/** Writes what {@link recordEventsAndLinks} measured into `bytes` (viewed by `bytesView`) at `at`; returns its end. */
export function writeRecordedEventsAndLinksAt(
  span: FinishedSpan,
  bytes: Uint8Array<ArrayBuffer>,
  bytesView: DataView<ArrayBuffer>,
  at: number,
): number {
  startRecordedWrite(bytes, bytesView, at);
  writeEventsAndLinks(span);
  return endRecordedWrite();
}

/** For simple-spans.ts's one pass, when it leaves a batch to the two passes: no scratch entries left. */
export function clearScratchEntries(): void {
  if (refCount > refHighWater) refHighWater = refCount;
  sizeCount = refCount = 0;
}

function startRecordedWrite(bytes: Uint8Array<ArrayBuffer>, bytesView: DataView<ArrayBuffer>, at: number): void {
  out = bytes;
  view = bytesView;
  pos = at;
  sizeCursor = refCursor = 0;
}

function endRecordedWrite(): number {
  if (sizeCursor !== sizeCount || refCursor !== refCount)
    throw new Error('wrote other entries than were measured (span data changed while encoding?)');
  if (refCount > refHighWater) refHighWater = refCount;
  sizeCount = refCount = 0;
  return pos;
}

/** The next `sizes` entry of the write pass. */
export function nextSize(): number {
  return sizes[sizeCursor++];
}

/**
 * For span-id-batch.ts: writes the id field `tag` (a one-byte tag, length, the `length` bytes of `ids` from
 * `from`, a multiple of 4), then, unless `nextTag` is 0, the id field `nextTag` from the `nextLength`
 * bytes after them. (Copied as 32-bit words: a byte loop costs several times more.)
 */
export function writeIdFields(tag: number, length: number, nextTag: number, nextLength: number, ids: DataView, from: number): void {
  const target = view;
  const bytes = out;
  let at = pos;
  bytes[at++] = tag;
  bytes[at++] = length;
  for (let i = 0; i < length; i += 4) target.setInt32(at + i, ids.getInt32(from + i));
  at += length;
  if (nextTag !== 0) {
    bytes[at++] = nextTag;
    bytes[at++] = nextLength;
    from += length;
    for (let i = 0; i < nextLength; i += 4) target.setInt32(at + i, ids.getInt32(from + i));
    at += nextLength;
  }
  pos = at;
}

// --- Span.Event

function sizeEvent(event: SpanEvent): number {
  const slot = sizeCount;
  pushSize(0);
  if (!isEncodableTime(event.timeNanos, event, 'time')) throw new Error(`invalid event time ${String(event.timeNanos)}`);
  let size = SIZE_EVENT_TIME;
  size += sizeOptionalString(TAG_SPAN_EVENT_NAME, stringOrEmpty(event.name));
  size += sizeAttributes(TAG_SPAN_EVENT_ATTRIBUTES, event.attributes);
  size += optionalVarintSize(TAG_SPAN_EVENT_DROPPED_ATTRIBUTES_COUNT, otlpCount(event.droppedAttributesCount));
  sizes[slot] = size;
  return size;
}

function writeEvent(event: SpanEvent): void {
  writeVarint32(sizes[sizeCursor++]);
  writeVarint32(TAG_SPAN_EVENT_TIME_UNIX_NANO);
  writeTimeOf(event.timeNanos, event, 'time');
  writeRecordedString(TAG_SPAN_EVENT_NAME);
  writeAttributes(TAG_SPAN_EVENT_ATTRIBUTES);
  writeOptionalVarint(TAG_SPAN_EVENT_DROPPED_ATTRIBUTES_COUNT, otlpCount(event.droppedAttributesCount));
}

// --- Span.Link

function sizeLink(link: SpanLink): number {
  const slot = sizeCount;
  pushSize(0);
  const context = link.context;
  if (!isHexId(context.traceId, TRACE_ID_HEX_LENGTH)) throw new Error(`invalid link trace id ${JSON.stringify(context.traceId)}`);
  if (!isHexId(context.spanId, SPAN_ID_HEX_LENGTH)) throw new Error(`invalid link span id ${JSON.stringify(context.spanId)}`);
  pushRef(context);
  let size = SIZE_LINK_TRACE_ID_FIELD + SIZE_LINK_SPAN_ID_FIELD + SIZE_LINK_FLAGS_TAG + 4;
  size += sizeOptionalString(TAG_SPAN_LINK_TRACE_STATE, otlpTraceState(context));
  size += sizeAttributes(TAG_SPAN_LINK_ATTRIBUTES, link.attributes);
  size += optionalVarintSize(TAG_SPAN_LINK_DROPPED_ATTRIBUTES_COUNT, otlpCount(link.droppedAttributesCount));
  sizes[slot] = size;
  return size;
}

function writeLink(link: SpanLink): void {
  writeVarint32(sizes[sizeCursor++]);
  const context = refs[refCursor++] as SpanContext;
  writeVarint32(TAG_SPAN_LINK_TRACE_ID);
  out[pos++] = TRACE_ID_HEX_LENGTH / 2;
  pos = writeHexId(context.traceId, out, pos);
  writeVarint32(TAG_SPAN_LINK_SPAN_ID);
  out[pos++] = SPAN_ID_HEX_LENGTH / 2;
  pos = writeHexId(context.spanId, out, pos);
  writeRecordedString(TAG_SPAN_LINK_TRACE_STATE);
  writeAttributes(TAG_SPAN_LINK_ATTRIBUTES);
  writeOptionalVarint(TAG_SPAN_LINK_DROPPED_ATTRIBUTES_COUNT, otlpCount(link.droppedAttributesCount));
  writeVarint32(TAG_SPAN_LINK_FLAGS);
  view.setUint32(pos, otlpFlags(context.traceFlags, context.isRemote), true);
  pos += 4;
}

// --- repeated KeyValue attributes

/**
 * Measures the repeated `KeyValue` field `tag` for `attributes`. Records the count of attributes
 * written (sizes), then per attribute its cached key bytes and its value (refs) and what
 * {@link sizeValue} records. Attributes without an OTLP form are left out.
 */
function sizeAttributes(tag: number, attributes: Attributes | undefined): number {
  const countSlot = sizeCount;
  pushSize(0);
  if (attributes === undefined) return 0;
  let count = 0;
  let size = 0;
  for (const key in attributes) {
    const value = attributes[key];
    const valueSize = sizeValue(value);
    if (valueSize < 0) continue;
    const keyBytes = keyField(key);
    pushRef(keyBytes);
    pushRef(value);
    const keyValueSize = keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize;
    size += varint32Size(tag) + varint32Size(keyValueSize) + keyValueSize;
    count++;
  }
  sizes[countSlot] = count;
  return size;
}

function writeAttributes(tag: number): void {
  const count = sizes[sizeCursor++];
  for (let i = 0; i < count; i++) {
    const keyBytes = refs[refCursor++] as Uint8Array | undefined;
    const value = refs[refCursor++];
    if (keyBytes === undefined) {
      // A whole field, encoded before (the Node entry's span-attribute-memo.ts): tag, length, key, value.
      writeBytes(value as Uint8Array);
      continue;
    }
    writeVarint32(tag);
    if (typeof value === 'string') {
      // The commonest case, written in one go: KeyValue length, key, value tag and length, string.
      const length = sizes[sizeCursor++];
      const valueSize = SIZE_ANY_STRING_TAG + varint32Size(length) + length;
      writeVarint32(keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize);
      writeBytes(keyBytes);
      writeVarint32(TAG_KEY_VALUE_VALUE);
      writeVarint32(valueSize);
      writeVarint32(TAG_ANY_VALUE_STRING_VALUE);
      writeString(value, length);
      continue;
    }
    const isArray = Array.isArray(value);
    let valueSize: number;
    if (isArray) {
      const arraySize = sizes[sizeCursor];
      valueSize = SIZE_ANY_ARRAY_TAG + varint32Size(arraySize) + arraySize;
    } else {
      valueSize = scalarAnyValueSize(value);
    }
    writeVarint32(keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize);
    writeBytes(keyBytes);
    writeVarint32(TAG_KEY_VALUE_VALUE);
    writeVarint32(valueSize);
    if (isArray) {
      writeVarint32(TAG_ANY_VALUE_ARRAY_VALUE);
      writeVarint32(sizes[sizeCursor++]);
      for (let e = 0; e < (value as unknown[]).length; e++) writeElement((value as unknown[])[e]);
    } else {
      writeScalarAnyValue(value);
    }
  }
}

/** The encoded `KeyValue.key` field (tag, length, UTF-8) for `key`, from the bounded cache. */
export function keyField(key: string): Uint8Array {
  let bytes = keyFieldCache.get(key);
  if (bytes === undefined) {
    const keyUtf8 = utf8Encoder.encode(key);
    bytes = new Uint8Array(lengthDelimitedSize(TAG_KEY_VALUE_KEY, keyUtf8.length));
    let offset = putVarint32(bytes, 0, TAG_KEY_VALUE_KEY);
    offset = putVarint32(bytes, offset, keyUtf8.length);
    bytes.set(keyUtf8, offset);
    if (keyFieldCache.size >= MAX_CACHED_KEYS) keyFieldCache.clear();
    keyFieldCache.set(key, bytes);
  }
  return bytes;
}

// --- AnyValue

/**
 * The `AnyValue` content size of an attribute value, or -1 when it has no OTLP form. Records only
 * what the write pass cannot recompute cheaply: a string's UTF-8 length, an array's content size
 * (then its elements' string lengths).
 */
export function sizeValue(value: unknown): number {
  if (typeof value === 'string') {
    const length = utf8Length(value);
    pushSize(length);
    return SIZE_ANY_STRING_TAG + varint32Size(length) + length;
  }
  if (Array.isArray(value)) {
    const slot = sizeCount;
    pushSize(0);
    let arraySize = 0;
    for (let i = 0; i < value.length; i++) {
      const elementSize = sizeElement(value[i]);
      arraySize += SIZE_ARRAY_VALUES_TAG + varint32Size(elementSize) + elementSize;
    }
    sizes[slot] = arraySize;
    return SIZE_ANY_ARRAY_TAG + varint32Size(arraySize) + arraySize;
  }
  return scalarAnyValueSize(value);
}

/** The `AnyValue` content size of an array element (0, an empty AnyValue, for one without an OTLP form). */
function sizeElement(value: unknown): number {
  if (typeof value === 'string') {
    const length = utf8Length(value);
    pushSize(length);
    return SIZE_ANY_STRING_TAG + varint32Size(length) + length;
  }
  const size = scalarAnyValueSize(value);
  return Math.max(size, 0);
}

/** Writes an array element as an `ArrayValue.values` entry (an empty AnyValue when it has no OTLP form). */
function writeElement(value: unknown): void {
  writeVarint32(TAG_ARRAY_VALUE_VALUES);
  if (typeof value === 'string') {
    const length = sizes[sizeCursor++];
    writeVarint32(SIZE_ANY_STRING_TAG + varint32Size(length) + length);
    writeVarint32(TAG_ANY_VALUE_STRING_VALUE);
    writeString(value, length);
    return;
  }
  const size = scalarAnyValueSize(value);
  if (size < 0) {
    out[pos++] = 0;
    return;
  }
  writeVarint32(size);
  writeScalarAnyValue(value);
}

/** The `AnyValue` content size of a number, boolean or `Uint8Array`; -1 for anything else. */
function scalarAnyValueSize(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? SIZE_ANY_INT_TAG + int64Size(value) : SIZE_ANY_DOUBLE_TAG + 8;
  if (typeof value === 'boolean') return SIZE_ANY_BOOL_TAG + 1;
  if (value instanceof Uint8Array) return SIZE_ANY_BYTES_TAG + varint32Size(value.length) + value.length;
  return -1;
}

/** Writes the AnyValue field of a number, boolean or `Uint8Array`, as {@link scalarAnyValueSize} measured it. */
function writeScalarAnyValue(value: unknown): void {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      writeVarint32(TAG_ANY_VALUE_INT_VALUE);
      writeInt64(value);
    } else {
      writeVarint32(TAG_ANY_VALUE_DOUBLE_VALUE);
      view.setFloat64(pos, value, true);
      pos += 8;
    }
  } else if (typeof value === 'boolean') {
    writeVarint32(TAG_ANY_VALUE_BOOL_VALUE);
    out[pos++] = value ? 1 : 0;
  } else if (value instanceof Uint8Array) {
    writeVarint32(TAG_ANY_VALUE_BYTES_VALUE);
    writeVarint32(value.length);
    writeBytes(value);
  }
}

// --- strings

/** Size of an optional string field (0 when empty); records the string (ref) and its byte length. */
export function sizeOptionalString(tag: number, value: string): number {
  const length = utf8Length(value);
  pushRef(value);
  pushSize(length);
  return optionalStringSize(tag, length);
}

/** Writes a string recorded by {@link sizeOptionalString} (nothing when empty). */
export function writeRecordedString(tag: number): void {
  const value = refs[refCursor++] as string;
  const length = sizes[sizeCursor++];
  if (length === 0) return;
  writeVarint32(tag);
  writeString(value, length);
}

function writeOptionalString(tag: number, value: string, byteLength: number): void {
  if (byteLength === 0) return;
  writeVarint32(tag);
  writeString(value, byteLength);
}

function stringOrEmpty(value: string | undefined): string {
  return typeof value === 'string' ? value : '';
}

// --- primitive writes into `out` at `pos` (the byte loops in ../wire/byte-writer.ts, sizes in ../wire/wire-size.ts)

/** Writes the length prefix and the UTF-8 bytes of a string whose byte length was measured. */
function writeString(value: string, byteLength: number): void {
  pos = putString(out, putVarint32(out, pos, byteLength), value, byteLength);
}

/** Copies bytes into the output. */
function writeBytes(bytes: Uint8Array): void {
  pos = putBytes(out, pos, bytes);
}

function writeOptionalVarint(tag: number, value: number): void {
  if (value === 0) return;
  writeVarint32(tag);
  writeVarint32(value);
}

/** Writes an unsigned 32-bit varint (also for simple-spans.ts). */
export function writeVarint32(value: number): void {
  pos = putVarint32(out, pos, value);
}

/** Writes a safe integer as an `int64` varint (two's complement for negatives). */
function writeInt64(value: number): void {
  pos = putInt64(out, pos, value);
}

/** Writes a clock time as the `fixed64` epoch nanoseconds: low half, then high half, little endian. */
/** A span's or event's time: {@link writeTime}, or the exact `[s, ns]` time it keeps when its clock time cannot hold it. */
function writeTimeOf(clockNanos: number, holder: object, key: TimeKey): void {
  if (clockNanos < EXACT_CLOCK_NANOS_LIMIT && clockNanos > -EXACT_CLOCK_NANOS_LIMIT) {
    writeTime(clockNanos);
    return;
  }
  const [high, low] = unixNanoParts(clockNanos, holder, key);
  view.setUint32(pos, low, true);
  view.setUint32(pos + 4, high, true);
  pos += 8;
}

function writeTime(clockNanos: number): void {
  putClockTime(view, pos, clockNanos);
  pos += 8;
}

/**
 * Writes a clock time, within the exact range, as its `fixed64` epoch nanoseconds at `at` of `target`:
 * low half, then high half, little endian (shared with the Node entry's one-pass writer).
 */
export function putClockTime(target: DataView, at: number, clockNanos: number): void {
  const relative = Math.round(clockNanos);
  const relativeHigh = Math.floor(relative / TWO_POW_32);
  let low = ORIGIN_LOW + (relative - relativeHigh * TWO_POW_32);
  let high = ORIGIN_HIGH + relativeHigh;
  if (low >= TWO_POW_32) {
    low -= TWO_POW_32;
    high += 1;
  }
  target.setUint32(at, low, true);
  target.setUint32(at + 4, high, true);
}
