import { type DescField, ScalarType, toBinary } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { ExportTraceServiceRequestSchema } from '../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import { AnyValueSchema, ArrayValueSchema, InstrumentationScopeSchema, KeyValueSchema } from '../../../gen/opentelemetry/proto/common/v1/common_pb.js';
import { ResourceSchema } from '../../../gen/opentelemetry/proto/resource/v1/resource_pb.js';
import {
  ResourceSpansSchema,
  ScopeSpansSchema,
  Span_EventSchema,
  Span_LinkSchema,
  SpanSchema,
  StatusSchema,
} from '../../../gen/opentelemetry/proto/trace/v1/trace_pb.js';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import { reportError } from '../../diagnostics/report.js';
import type { Resource } from '../../resource/resource.js';
import { clockNanosToUnixNanoParts } from '../../trace/clock.js';
import type { FinishedSpan, SpanEvent, SpanLink } from '../../trace/finished-span.js';
import type { InstrumentationScope } from '../../trace/instrumentation-scope.js';
import { isHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH, writeHexId } from './hex-id.js';
import { isEncodableClockNanos, otlpCount, otlpFlags, otlpSpanKind, otlpStatusCode } from './otlp-field-values.js';
import { ENCODE_ERROR_KIND, toExportTraceServiceRequest, toResourceMessage, toScopeMessage } from './to-export-request.js';

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
 * Every tag (field number and wire type) is derived from the generated descriptors at module load;
 * the proto is the single source of truth. Resource and scope messages are encoded once per object
 * (cached by identity) with the generated schema; attribute keys are encoded once (bounded cache).
 */

// --- tags, from the generated descriptors

function wireTypeOf(field: DescField): WireType {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarWireType(field.scalar);
    case 'enum':
      return WireType.Varint;
    case 'message':
      return field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
    case 'list':
      if (field.listKind === 'message') return field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
      if (field.packed) return WireType.LengthDelimited;
      return field.listKind === 'enum' ? WireType.Varint : scalarWireType(field.scalar);
    case 'map':
      return WireType.LengthDelimited;
  }
}

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    default:
      return WireType.Varint;
  }
}

/** The tag (`field number << 3 | wire type`) of a field, as written on the wire. */
export function fieldTag(field: DescField): number {
  return ((field.number << 3) | wireTypeOf(field)) >>> 0;
}

const REQUEST = ExportTraceServiceRequestSchema.field;
const RESOURCE_SPANS = ResourceSpansSchema.field;
const SCOPE_SPANS = ScopeSpansSchema.field;
const SPAN = SpanSchema.field;
const EVENT = Span_EventSchema.field;
const LINK = Span_LinkSchema.field;
const STATUS = StatusSchema.field;
const KEY_VALUE = KeyValueSchema.field;
const ANY_VALUE = AnyValueSchema.field;

const TAG_REQUEST_RESOURCE_SPANS = fieldTag(REQUEST.resourceSpans);
const TAG_RESOURCE_SPANS_RESOURCE = fieldTag(RESOURCE_SPANS.resource);
const TAG_RESOURCE_SPANS_SCOPE_SPANS = fieldTag(RESOURCE_SPANS.scopeSpans);
const TAG_RESOURCE_SPANS_SCHEMA_URL = fieldTag(RESOURCE_SPANS.schemaUrl);
const TAG_SCOPE_SPANS_SCOPE = fieldTag(SCOPE_SPANS.scope);
const TAG_SCOPE_SPANS_SPANS = fieldTag(SCOPE_SPANS.spans);
const TAG_SCOPE_SPANS_SCHEMA_URL = fieldTag(SCOPE_SPANS.schemaUrl);
const TAG_SPAN_TRACE_ID = fieldTag(SPAN.traceId);
const TAG_SPAN_SPAN_ID = fieldTag(SPAN.spanId);
const TAG_SPAN_TRACE_STATE = fieldTag(SPAN.traceState);
const TAG_SPAN_PARENT_SPAN_ID = fieldTag(SPAN.parentSpanId);
const TAG_SPAN_FLAGS = fieldTag(SPAN.flags);
const TAG_SPAN_NAME = fieldTag(SPAN.name);
const TAG_SPAN_KIND = fieldTag(SPAN.kind);
const TAG_SPAN_START_TIME = fieldTag(SPAN.startTimeUnixNano);
const TAG_SPAN_END_TIME = fieldTag(SPAN.endTimeUnixNano);
const TAG_SPAN_ATTRIBUTES = fieldTag(SPAN.attributes);
const TAG_SPAN_DROPPED_ATTRIBUTES = fieldTag(SPAN.droppedAttributesCount);
const TAG_SPAN_EVENTS = fieldTag(SPAN.events);
const TAG_SPAN_DROPPED_EVENTS = fieldTag(SPAN.droppedEventsCount);
const TAG_SPAN_LINKS = fieldTag(SPAN.links);
const TAG_SPAN_DROPPED_LINKS = fieldTag(SPAN.droppedLinksCount);
const TAG_SPAN_STATUS = fieldTag(SPAN.status);
const TAG_EVENT_TIME = fieldTag(EVENT.timeUnixNano);
const TAG_EVENT_NAME = fieldTag(EVENT.name);
const TAG_EVENT_ATTRIBUTES = fieldTag(EVENT.attributes);
const TAG_EVENT_DROPPED_ATTRIBUTES = fieldTag(EVENT.droppedAttributesCount);
const TAG_LINK_TRACE_ID = fieldTag(LINK.traceId);
const TAG_LINK_SPAN_ID = fieldTag(LINK.spanId);
const TAG_LINK_TRACE_STATE = fieldTag(LINK.traceState);
const TAG_LINK_ATTRIBUTES = fieldTag(LINK.attributes);
const TAG_LINK_DROPPED_ATTRIBUTES = fieldTag(LINK.droppedAttributesCount);
const TAG_LINK_FLAGS = fieldTag(LINK.flags);
const TAG_STATUS_MESSAGE = fieldTag(STATUS.message);
const TAG_STATUS_CODE = fieldTag(STATUS.code);
const TAG_KEY_VALUE_KEY = fieldTag(KEY_VALUE.key);
const TAG_KEY_VALUE_VALUE = fieldTag(KEY_VALUE.value);
const TAG_ANY_STRING = fieldTag(ANY_VALUE.stringValue);
const TAG_ANY_BOOL = fieldTag(ANY_VALUE.boolValue);
const TAG_ANY_INT = fieldTag(ANY_VALUE.intValue);
const TAG_ANY_DOUBLE = fieldTag(ANY_VALUE.doubleValue);
const TAG_ANY_ARRAY = fieldTag(ANY_VALUE.arrayValue);
const TAG_ANY_BYTES = fieldTag(ANY_VALUE.bytesValue);
const TAG_ARRAY_VALUES = fieldTag(ArrayValueSchema.field.values);

const SIZE_SPAN_FLAGS_TAG = varint32Size(TAG_SPAN_FLAGS);
const SIZE_KEY_VALUE_VALUE_TAG = varint32Size(TAG_KEY_VALUE_VALUE);
const SIZE_ANY_STRING_TAG = varint32Size(TAG_ANY_STRING);
const SIZE_ANY_BOOL_TAG = varint32Size(TAG_ANY_BOOL);
const SIZE_ANY_INT_TAG = varint32Size(TAG_ANY_INT);
const SIZE_ANY_DOUBLE_TAG = varint32Size(TAG_ANY_DOUBLE);
const SIZE_ANY_ARRAY_TAG = varint32Size(TAG_ANY_ARRAY);
const SIZE_ANY_BYTES_TAG = varint32Size(TAG_ANY_BYTES);
const SIZE_ARRAY_VALUES_TAG = varint32Size(TAG_ARRAY_VALUES);
const SIZE_LINK_FLAGS_TAG = varint32Size(TAG_LINK_FLAGS);
/** Id fields: the tag, a one-byte length, then the id bytes (16 for a trace id, 8 for a span id). */
const SIZE_TRACE_ID_FIELD = varint32Size(TAG_SPAN_TRACE_ID) + 1 + TRACE_ID_HEX_LENGTH / 2;
const SIZE_SPAN_ID_FIELD = varint32Size(TAG_SPAN_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_PARENT_SPAN_ID_FIELD = varint32Size(TAG_SPAN_PARENT_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_LINK_TRACE_ID_FIELD = varint32Size(TAG_LINK_TRACE_ID) + 1 + TRACE_ID_HEX_LENGTH / 2;
const SIZE_LINK_SPAN_ID_FIELD = varint32Size(TAG_LINK_SPAN_ID) + 1 + SPAN_ID_HEX_LENGTH / 2;
const SIZE_SPAN_TIMES = varint32Size(TAG_SPAN_START_TIME) + 8 + varint32Size(TAG_SPAN_END_TIME) + 8;
const SIZE_EVENT_TIME = varint32Size(TAG_EVENT_TIME) + 8;

// --- caches

/** How many distinct attribute keys keep their encoded bytes; past this the cache starts over. */
const MAX_CACHED_KEYS = 4096;
const keyFieldCache = new Map<string, Uint8Array>();
const resourceCache = new WeakMap<Resource, Uint8Array>();
const scopeCache = new WeakMap<InstrumentationScope, Uint8Array>();
const utf8 = new TextEncoder();

/** Epoch nanoseconds of clock time 0, as 32-bit halves; times are written as these plus the clock reading. */
const [ORIGIN_HIGH, ORIGIN_LOW] = clockNanosToUnixNanoParts(0);
const TWO_POW_32 = 4294967296;

// --- scratch state of one encoding call (encoding is synchronous; a re-entrant call takes the slow path)

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
  readonly byScope: Map<InstrumentationScope, ScopeGroup>;
  readonly scopes: ScopeGroup[];
}

/**
 * Encodes finished spans as a binary protobuf OTLP `ExportTraceServiceRequest`, the body of an
 * `application/x-protobuf` export. Decoding the bytes with the generated schema gives exactly
 * {@link toExportTraceServiceRequest} of the same spans (same grouping, same dropping rules).
 *
 * Never throws: a span whose data cannot be encoded is dropped and reported through
 * `reportError('export.otlp.encode', …)`; the rest of the batch is encoded.
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
  if (busy) return encodeSlowly(spans);
  busy = true;
  try {
    return encodeFast(spans);
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'fast protobuf writer; falling back to the generated encoder');
    return encodeSlowly(spans);
  } finally {
    releaseScratch();
    busy = false;
  }
}

/** The generated encoder over the mapped message: the path for re-entrant calls and unexpected failures. */
function encodeSlowly(spans: readonly FinishedSpan[]): Uint8Array {
  try {
    return toBinary(ExportTraceServiceRequestSchema, toExportTraceServiceRequest(spans));
  } catch (error) {
    reportError(ENCODE_ERROR_KIND, error, 'batch dropped');
    return new Uint8Array(0);
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

function encodeFast(spans: readonly FinishedSpan[]): Uint8Array {
  sizeCount = refCount = 0;
  const resources: ResourceGroup[] = [];
  const byResource = new Map<Resource, ResourceGroup>();
  let lastResource: Resource | undefined;
  let lastScope: InstrumentationScope | undefined;
  let scopeGroup: ScopeGroup | undefined;

  // Size pass.
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const sizeStart = sizeCount;
    const refStart = refCount;
    try {
      const spanSize = sizeSpan(span);
      const resource = span.resource;
      const scope = span.instrumentationScope;
      // Batches mostly hold long runs of one resource and scope: skip the lookups then.
      if (resource !== lastResource || scope !== lastScope || scopeGroup === undefined) {
        scopeGroup = findScopeGroup(resource, scope, byResource, resources);
        lastResource = resource;
        lastScope = scope;
      }
      scopeGroup.spans.push(span);
      scopeGroup.sizeStarts.push(sizeStart);
      scopeGroup.refStarts.push(refStart);
      scopeGroup.size += lengthDelimitedSize(TAG_SCOPE_SPANS_SPANS, spanSize);
    } catch (error) {
      sizeCount = sizeStart;
      if (refCount > refHighWater) refHighWater = refCount;
      refCount = refStart;
      lastResource = lastScope = scopeGroup = undefined;
      reportError(ENCODE_ERROR_KIND, error, 'span dropped from the OTLP batch');
    }
  }

  let total = 0;
  const resourceSizes: number[] = [];
  for (let r = 0; r < resources.length; r++) {
    const group = resources[r];
    let size = lengthDelimitedSize(TAG_RESOURCE_SPANS_RESOURCE, group.bytes.length) + optionalStringSize(TAG_RESOURCE_SPANS_SCHEMA_URL, group.schemaUrlLength);
    for (let s = 0; s < group.scopes.length; s++) size += lengthDelimitedSize(TAG_RESOURCE_SPANS_SCOPE_SPANS, group.scopes[s].size);
    resourceSizes.push(size);
    total += lengthDelimitedSize(TAG_REQUEST_RESOURCE_SPANS, size);
  }

  // Write pass.
  out = new Uint8Array(total);
  view = new DataView(out.buffer);
  pos = 0;
  for (let r = 0; r < resources.length; r++) {
    const group = resources[r];
    writeVarint32(TAG_REQUEST_RESOURCE_SPANS);
    writeVarint32(resourceSizes[r]);
    writeVarint32(TAG_RESOURCE_SPANS_RESOURCE);
    writeVarint32(group.bytes.length);
    out.set(group.bytes, pos);
    pos += group.bytes.length;
    for (let s = 0; s < group.scopes.length; s++) {
      const scopeGroup = group.scopes[s];
      writeVarint32(TAG_RESOURCE_SPANS_SCOPE_SPANS);
      writeVarint32(scopeGroup.size);
      writeVarint32(TAG_SCOPE_SPANS_SCOPE);
      writeVarint32(scopeGroup.bytes.length);
      out.set(scopeGroup.bytes, pos);
      pos += scopeGroup.bytes.length;
      const groupSpans = scopeGroup.spans;
      for (let i = 0; i < groupSpans.length; i++) {
        sizeCursor = scopeGroup.sizeStarts[i];
        refCursor = scopeGroup.refStarts[i];
        writeVarint32(TAG_SCOPE_SPANS_SPANS);
        writeSpan(groupSpans[i]);
      }
      writeOptionalString(TAG_SCOPE_SPANS_SCHEMA_URL, scopeGroup.schemaUrl, scopeGroup.schemaUrlLength);
    }
    writeOptionalString(TAG_RESOURCE_SPANS_SCHEMA_URL, group.schemaUrl, group.schemaUrlLength);
  }
  if (pos !== total) throw new Error(`wrote ${pos} bytes where ${total} were measured (span data changed while encoding?)`);
  return out;
}

/** The group of `resource` and `scope`, created (with their cached encoded messages) on first sight. */
function findScopeGroup(
  resource: Resource,
  scope: InstrumentationScope,
  byResource: Map<Resource, ResourceGroup>,
  resources: ResourceGroup[],
): ScopeGroup {
  let resourceGroup = byResource.get(resource);
  if (resourceGroup === undefined) {
    const schemaUrl = stringOrEmpty(resource.schemaUrl);
    resourceGroup = { bytes: resourceBytes(resource), schemaUrl, schemaUrlLength: utf8Length(schemaUrl), byScope: new Map(), scopes: [] };
    byResource.set(resource, resourceGroup);
    resources.push(resourceGroup);
  }
  let scopeGroup = resourceGroup.byScope.get(scope);
  if (scopeGroup === undefined) {
    const schemaUrl = stringOrEmpty(scope.schemaUrl);
    const bytes = scopeBytes(scope);
    const schemaUrlLength = utf8Length(schemaUrl);
    scopeGroup = {
      bytes,
      schemaUrl,
      schemaUrlLength,
      spans: [],
      sizeStarts: [],
      refStarts: [],
      size: lengthDelimitedSize(TAG_SCOPE_SPANS_SCOPE, bytes.length) + optionalStringSize(TAG_SCOPE_SPANS_SCHEMA_URL, schemaUrlLength),
    };
    resourceGroup.byScope.set(scope, scopeGroup);
    resourceGroup.scopes.push(scopeGroup);
  }
  return scopeGroup;
}

function resourceBytes(resource: Resource): Uint8Array {
  let bytes = resourceCache.get(resource);
  if (bytes === undefined) {
    bytes = toBinary(ResourceSchema, toResourceMessage(resource));
    resourceCache.set(resource, bytes);
  }
  return bytes;
}

function scopeBytes(scope: InstrumentationScope): Uint8Array {
  let bytes = scopeCache.get(scope);
  if (bytes === undefined) {
    bytes = toBinary(InstrumentationScopeSchema, toScopeMessage(scope));
    scopeCache.set(scope, bytes);
  }
  return bytes;
}

// --- size pass

function pushSize(size: number): void {
  if (sizeCount === sizes.length) {
    const grown = new Int32Array(sizes.length * 2);
    grown.set(sizes);
    sizes = grown;
  }
  sizes[sizeCount++] = size;
}

function pushRef(value: unknown): void {
  refs[refCount++] = value;
}

/** Measures a span (content only), recording what the write pass needs; throws for spans that cannot be encoded. */
function sizeSpan(span: FinishedSpan): number {
  const slot = sizeCount;
  pushSize(0);
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const traceId = context.traceId;
  // Spans of one trace arrive together: a trace id equal to the last one checked is valid too.
  if (traceId !== lastValidTraceId) {
    if (!isHexId(traceId, TRACE_ID_HEX_LENGTH)) throw new Error(`invalid trace id ${JSON.stringify(traceId)}`);
    lastValidTraceId = traceId;
  }
  if (!isHexId(context.spanId, SPAN_ID_HEX_LENGTH)) throw new Error(`invalid span id ${JSON.stringify(context.spanId)}`);
  if (parent !== undefined && !isHexId(parent.spanId, SPAN_ID_HEX_LENGTH)) {
    throw new Error(`invalid parent span id ${JSON.stringify(parent.spanId)}`);
  }
  if (!isEncodableClockNanos(span.startTimeNanos)) throw new Error(`invalid start time ${String(span.startTimeNanos)}`);
  if (!isEncodableClockNanos(span.endTimeNanos)) throw new Error(`invalid end time ${String(span.endTimeNanos)}`);
  pushRef(context);
  pushRef(parent);
  let size = SIZE_TRACE_ID_FIELD + SIZE_SPAN_ID_FIELD + SIZE_SPAN_TIMES + SIZE_SPAN_FLAGS_TAG + 4;
  if (parent !== undefined) size += SIZE_PARENT_SPAN_ID_FIELD;
  size += sizeOptionalString(TAG_SPAN_TRACE_STATE, traceStateString(context));
  size += sizeOptionalString(TAG_SPAN_NAME, stringOrEmpty(span.name));
  size += optionalVarintSize(TAG_SPAN_KIND, otlpSpanKind(span.kind));
  size += sizeAttributes(TAG_SPAN_ATTRIBUTES, span.attributes);
  size += optionalVarintSize(TAG_SPAN_DROPPED_ATTRIBUTES, otlpCount(span.droppedAttributesCount));

  const events = span.events;
  pushRef(events);
  pushSize(events.length);
  for (let i = 0; i < events.length; i++) size += lengthDelimitedSize(TAG_SPAN_EVENTS, sizeEvent(events[i]));
  size += optionalVarintSize(TAG_SPAN_DROPPED_EVENTS, otlpCount(span.droppedEventsCount));

  const links = span.links;
  pushRef(links);
  pushSize(links.length);
  for (let i = 0; i < links.length; i++) size += lengthDelimitedSize(TAG_SPAN_LINKS, sizeLink(links[i]));
  size += optionalVarintSize(TAG_SPAN_DROPPED_LINKS, otlpCount(span.droppedLinksCount));

  const status = span.status;
  const statusSlot = sizeCount;
  pushSize(0);
  const statusSize =
    sizeOptionalString(TAG_STATUS_MESSAGE, stringOrEmpty(status.message)) + optionalVarintSize(TAG_STATUS_CODE, otlpStatusCode(status.code));
  pushRef(status.code);
  sizes[statusSlot] = statusSize;
  size += lengthDelimitedSize(TAG_SPAN_STATUS, statusSize);

  sizes[slot] = size;
  return size;
}

function sizeEvent(event: SpanEvent): number {
  const slot = sizeCount;
  pushSize(0);
  if (!isEncodableClockNanos(event.timeNanos)) throw new Error(`invalid event time ${String(event.timeNanos)}`);
  let size = SIZE_EVENT_TIME;
  size += sizeOptionalString(TAG_EVENT_NAME, stringOrEmpty(event.name));
  size += sizeAttributes(TAG_EVENT_ATTRIBUTES, event.attributes);
  size += optionalVarintSize(TAG_EVENT_DROPPED_ATTRIBUTES, otlpCount(event.droppedAttributesCount));
  sizes[slot] = size;
  return size;
}

function sizeLink(link: SpanLink): number {
  const slot = sizeCount;
  pushSize(0);
  const context = link.context;
  if (!isHexId(context.traceId, TRACE_ID_HEX_LENGTH)) throw new Error(`invalid link trace id ${JSON.stringify(context.traceId)}`);
  if (!isHexId(context.spanId, SPAN_ID_HEX_LENGTH)) throw new Error(`invalid link span id ${JSON.stringify(context.spanId)}`);
  pushRef(context);
  let size = SIZE_LINK_TRACE_ID_FIELD + SIZE_LINK_SPAN_ID_FIELD + SIZE_LINK_FLAGS_TAG + 4;
  size += sizeOptionalString(TAG_LINK_TRACE_STATE, traceStateString(context));
  size += sizeAttributes(TAG_LINK_ATTRIBUTES, link.attributes);
  size += optionalVarintSize(TAG_LINK_DROPPED_ATTRIBUTES, otlpCount(link.droppedAttributesCount));
  sizes[slot] = size;
  return size;
}

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

/**
 * The `AnyValue` content size of an attribute value, or -1 when it has no OTLP form. Records only
 * what the write pass cannot recompute cheaply: a string's UTF-8 length, an array's content size
 * (then its elements' string lengths).
 */
function sizeValue(value: unknown): number {
  if (typeof value === 'string') {
    const length = utf8Length(value);
    pushSize(length);
    return SIZE_ANY_STRING_TAG + varint32Size(length) + length;
  }
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? SIZE_ANY_INT_TAG + int64Size(value) : SIZE_ANY_DOUBLE_TAG + 8;
  }
  if (typeof value === 'boolean') return SIZE_ANY_BOOL_TAG + 1;
  if (value instanceof Uint8Array) return SIZE_ANY_BYTES_TAG + varint32Size(value.length) + value.length;
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
  return -1;
}

/** The `AnyValue` content size of an array element (0, an empty AnyValue, for one without an OTLP form). */
function sizeElement(value: unknown): number {
  if (typeof value === 'string') {
    const length = utf8Length(value);
    pushSize(length);
    return SIZE_ANY_STRING_TAG + varint32Size(length) + length;
  }
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? SIZE_ANY_INT_TAG + int64Size(value) : SIZE_ANY_DOUBLE_TAG + 8;
  }
  if (typeof value === 'boolean') return SIZE_ANY_BOOL_TAG + 1;
  if (value instanceof Uint8Array) return SIZE_ANY_BYTES_TAG + varint32Size(value.length) + value.length;
  return 0;
}

/** The encoded `KeyValue.key` field (tag, length, UTF-8) for `key`, from the bounded cache. */
function keyField(key: string): Uint8Array {
  let bytes = keyFieldCache.get(key);
  if (bytes === undefined) {
    const keyUtf8 = utf8.encode(key);
    bytes = new Uint8Array(lengthDelimitedSize(TAG_KEY_VALUE_KEY, keyUtf8.length));
    let offset = putVarint32(bytes, 0, TAG_KEY_VALUE_KEY);
    offset = putVarint32(bytes, offset, keyUtf8.length);
    bytes.set(keyUtf8, offset);
    if (keyFieldCache.size >= MAX_CACHED_KEYS) keyFieldCache.clear();
    keyFieldCache.set(key, bytes);
  }
  return bytes;
}

/** Size of an optional string field (0 when empty); records the string (ref) and its byte length. */
function sizeOptionalString(tag: number, value: string): number {
  const length = utf8Length(value);
  pushRef(value);
  pushSize(length);
  return optionalStringSize(tag, length);
}

function optionalStringSize(tag: number, byteLength: number): number {
  return byteLength === 0 ? 0 : lengthDelimitedSize(tag, byteLength);
}

function optionalVarintSize(tag: number, value: number): number {
  return value === 0 ? 0 : varint32Size(tag) + varint32Size(value);
}

function lengthDelimitedSize(tag: number, length: number): number {
  return varint32Size(tag) + varint32Size(length) + length;
}

function varint32Size(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Size of a safe integer as an `int64` varint (negative numbers take ten bytes). */
function int64Size(value: number): number {
  if (value < 0) return 10;
  if (value < TWO_POW_32) return varint32Size(value);
  const high = Math.floor(value / TWO_POW_32);
  // 32 bits of the low half plus the significant bits of the high half, seven per byte.
  return Math.ceil((64 - Math.clz32(high)) / 7);
}

/** UTF-8 byte length of a string, as `TextEncoder` encodes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(value: string): number {
  const length = value.length;
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code < 0xdc00 && i + 1 < length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 2; // two code units, four bytes
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

// --- write pass

function writeSpan(span: FinishedSpan): void {
  writeVarint32(sizes[sizeCursor++]);
  const context = refs[refCursor++] as SpanContext;
  const parent = refs[refCursor++] as SpanContext | undefined;
  writeVarint32(TAG_SPAN_TRACE_ID);
  out[pos++] = TRACE_ID_HEX_LENGTH / 2;
  pos = writeHexId(context.traceId, out, pos);
  writeVarint32(TAG_SPAN_SPAN_ID);
  out[pos++] = SPAN_ID_HEX_LENGTH / 2;
  pos = writeHexId(context.spanId, out, pos);
  writeRecordedString(TAG_SPAN_TRACE_STATE);
  if (parent !== undefined) {
    writeVarint32(TAG_SPAN_PARENT_SPAN_ID);
    out[pos++] = SPAN_ID_HEX_LENGTH / 2;
    pos = writeHexId(parent.spanId, out, pos);
  }
  writeRecordedString(TAG_SPAN_NAME);
  writeOptionalVarint(TAG_SPAN_KIND, otlpSpanKind(span.kind));
  writeVarint32(TAG_SPAN_START_TIME);
  writeTime(span.startTimeNanos);
  writeVarint32(TAG_SPAN_END_TIME);
  writeTime(span.endTimeNanos);
  writeAttributes(TAG_SPAN_ATTRIBUTES);
  writeOptionalVarint(TAG_SPAN_DROPPED_ATTRIBUTES, otlpCount(span.droppedAttributesCount));

  const events = refs[refCursor++] as readonly SpanEvent[];
  const eventCount = sizes[sizeCursor++];
  for (let i = 0; i < eventCount; i++) {
    writeVarint32(TAG_SPAN_EVENTS);
    writeEvent(events[i]);
  }
  writeOptionalVarint(TAG_SPAN_DROPPED_EVENTS, otlpCount(span.droppedEventsCount));

  const links = refs[refCursor++] as readonly SpanLink[];
  const linkCount = sizes[sizeCursor++];
  for (let i = 0; i < linkCount; i++) {
    writeVarint32(TAG_SPAN_LINKS);
    writeLink(links[i]);
  }
  writeOptionalVarint(TAG_SPAN_DROPPED_LINKS, otlpCount(span.droppedLinksCount));

  writeVarint32(TAG_SPAN_STATUS);
  writeVarint32(sizes[sizeCursor++]);
  writeRecordedString(TAG_STATUS_MESSAGE);
  writeOptionalVarint(TAG_STATUS_CODE, otlpStatusCode(refs[refCursor++] as number));

  writeVarint32(TAG_SPAN_FLAGS);
  view.setUint32(pos, otlpFlags(context.traceFlags, parent?.isRemote), true);
  pos += 4;
}

function writeEvent(event: SpanEvent): void {
  writeVarint32(sizes[sizeCursor++]);
  writeVarint32(TAG_EVENT_TIME);
  writeTime(event.timeNanos);
  writeRecordedString(TAG_EVENT_NAME);
  writeAttributes(TAG_EVENT_ATTRIBUTES);
  writeOptionalVarint(TAG_EVENT_DROPPED_ATTRIBUTES, otlpCount(event.droppedAttributesCount));
}

function writeLink(link: SpanLink): void {
  writeVarint32(sizes[sizeCursor++]);
  const context = refs[refCursor++] as SpanContext;
  writeVarint32(TAG_LINK_TRACE_ID);
  out[pos++] = TRACE_ID_HEX_LENGTH / 2;
  pos = writeHexId(context.traceId, out, pos);
  writeVarint32(TAG_LINK_SPAN_ID);
  out[pos++] = SPAN_ID_HEX_LENGTH / 2;
  pos = writeHexId(context.spanId, out, pos);
  writeRecordedString(TAG_LINK_TRACE_STATE);
  writeAttributes(TAG_LINK_ATTRIBUTES);
  writeOptionalVarint(TAG_LINK_DROPPED_ATTRIBUTES, otlpCount(link.droppedAttributesCount));
  writeVarint32(TAG_LINK_FLAGS);
  view.setUint32(pos, otlpFlags(context.traceFlags, context.isRemote), true);
  pos += 4;
}

function writeAttributes(tag: number): void {
  const count = sizes[sizeCursor++];
  for (let i = 0; i < count; i++) {
    const keyBytes = refs[refCursor++] as Uint8Array;
    const value = refs[refCursor++];
    writeVarint32(tag);
    if (typeof value === 'string') {
      // The commonest case, written in one go: KeyValue length, key, value tag and length, string.
      const length = sizes[sizeCursor++];
      const valueSize = SIZE_ANY_STRING_TAG + varint32Size(length) + length;
      writeVarint32(keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize);
      writeBytes(keyBytes);
      writeVarint32(TAG_KEY_VALUE_VALUE);
      writeVarint32(valueSize);
      writeVarint32(TAG_ANY_STRING);
      writeString(value, length);
      continue;
    }
    let valueSize: number;
    if (typeof value === 'number') {
      valueSize = Number.isSafeInteger(value) ? SIZE_ANY_INT_TAG + int64Size(value) : SIZE_ANY_DOUBLE_TAG + 8;
    } else if (typeof value === 'boolean') {
      valueSize = SIZE_ANY_BOOL_TAG + 1;
    } else if (value instanceof Uint8Array) {
      valueSize = SIZE_ANY_BYTES_TAG + varint32Size(value.length) + value.length;
    } else {
      const arraySize = sizes[sizeCursor];
      valueSize = SIZE_ANY_ARRAY_TAG + varint32Size(arraySize) + arraySize;
    }
    writeVarint32(keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize);
    writeBytes(keyBytes);
    writeVarint32(TAG_KEY_VALUE_VALUE);
    writeVarint32(valueSize);
    if (Array.isArray(value)) {
      writeVarint32(TAG_ANY_ARRAY);
      writeVarint32(sizes[sizeCursor++]);
      for (let e = 0; e < value.length; e++) writeElement(value[e]);
    } else {
      writeScalarValue(value);
    }
  }
}

/** Writes an array element as an `ArrayValue.values` entry (an empty AnyValue when it has no OTLP form). */
function writeElement(value: unknown): void {
  writeVarint32(TAG_ARRAY_VALUES);
  if (typeof value === 'string') {
    const length = sizes[sizeCursor++];
    writeVarint32(SIZE_ANY_STRING_TAG + varint32Size(length) + length);
    writeVarint32(TAG_ANY_STRING);
    writeString(value, length);
  } else if (typeof value === 'number') {
    writeVarint32(Number.isSafeInteger(value) ? SIZE_ANY_INT_TAG + int64Size(value) : SIZE_ANY_DOUBLE_TAG + 8);
    writeScalarValue(value);
  } else if (typeof value === 'boolean') {
    writeVarint32(SIZE_ANY_BOOL_TAG + 1);
    writeScalarValue(value);
  } else if (value instanceof Uint8Array) {
    writeVarint32(SIZE_ANY_BYTES_TAG + varint32Size(value.length) + value.length);
    writeScalarValue(value);
  } else {
    out[pos++] = 0;
  }
}

/** Writes the AnyValue field of a number, boolean or `Uint8Array` (strings and arrays are written by the callers). */
function writeScalarValue(value: unknown): void {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      writeVarint32(TAG_ANY_INT);
      writeInt64(value);
    } else {
      writeVarint32(TAG_ANY_DOUBLE);
      view.setFloat64(pos, value, true);
      pos += 8;
    }
  } else if (typeof value === 'boolean') {
    writeVarint32(TAG_ANY_BOOL);
    out[pos++] = value ? 1 : 0;
  } else if (value instanceof Uint8Array) {
    writeVarint32(TAG_ANY_BYTES);
    writeVarint32(value.length);
    writeBytes(value);
  }
}

/** Copies bytes into the output: a loop for the short runs (attribute keys) where `set` costs more than it saves. */
function writeBytes(bytes: Uint8Array): void {
  const length = bytes.length;
  if (length < 32) {
    // Module variables held in locals: the loop then keeps them in registers.
    const target = out;
    const start = pos;
    for (let i = 0; i < length; i++) target[start + i] = bytes[i];
  } else {
    out.set(bytes, pos);
  }
  pos += length;
}

/** Writes a string recorded by {@link sizeOptionalString} (nothing when empty). */
function writeRecordedString(tag: number): void {
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

/** Writes the length prefix and the UTF-8 bytes of a string whose byte length was measured. */
function writeString(value: string, byteLength: number): void {
  writeVarint32(byteLength);
  if (byteLength === value.length && byteLength < 48) {
    // ASCII: one byte per code unit; a loop beats a call into the encoder for short strings.
    const target = out;
    const start = pos;
    for (let i = 0; i < byteLength; i++) target[start + i] = value.charCodeAt(i);
  } else {
    utf8.encodeInto(value, out.subarray(pos, pos + byteLength));
  }
  pos += byteLength;
}

function writeOptionalVarint(tag: number, value: number): void {
  if (value === 0) return;
  writeVarint32(tag);
  writeVarint32(value);
}

function writeVarint32(value: number): void {
  const target = out;
  let offset = pos;
  while (value > 0x7f) {
    target[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  target[offset++] = value;
  pos = offset;
}

function putVarint32(bytes: Uint8Array, offset: number, value: number): number {
  while (value > 0x7f) {
    bytes[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[offset++] = value;
  return offset;
}

/** Writes a safe integer as an `int64` varint (two's complement for negatives), from two 32-bit halves. */
function writeInt64(value: number): void {
  if (value >= 0 && value < 0x80000000) {
    writeVarint32(value);
    return;
  }
  const highSigned = Math.floor(value / TWO_POW_32);
  let low = value - highSigned * TWO_POW_32;
  let high = highSigned >>> 0;
  while (high !== 0 || low > 0x7f) {
    out[pos++] = (low & 0x7f) | 0x80;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  out[pos++] = low;
}

/** Writes a clock time as the `fixed64` epoch nanoseconds: low half, then high half, little endian. */
function writeTime(clockNanos: number): void {
  const relative = Math.round(clockNanos);
  const relativeHigh = Math.floor(relative / TWO_POW_32);
  let low = ORIGIN_LOW + (relative - relativeHigh * TWO_POW_32);
  let high = ORIGIN_HIGH + relativeHigh;
  if (low >= TWO_POW_32) {
    low -= TWO_POW_32;
    high += 1;
  }
  view.setUint32(pos, low, true);
  view.setUint32(pos + 4, high, true);
  pos += 8;
}

function traceStateString(context: SpanContext): string {
  const traceState = context.traceState;
  return traceState === undefined ? '' : stringOrEmpty(traceState.serialize());
}

function stringOrEmpty(value: string | undefined): string {
  return typeof value === 'string' ? value : '';
}
