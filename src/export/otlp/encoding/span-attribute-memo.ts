import { TAG_ANY_VALUE_STRING_VALUE, TAG_KEY_VALUE_VALUE } from '../../../../gen/opentelemetry/proto/common/v1/common_wire.js';
import { TAG_SPAN_ATTRIBUTES } from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import type { InstrumentationScope } from '../../../trace/instrumentation-scope.js';
import { putBytes, putString, putVarint32 } from '../wire/byte-writer.js';
import { lengthDelimitedSize, utf8Length, varint32Size } from '../wire/wire-size.js';
import { keyField, pushRef, reserveSize, setSize, sizeValue } from './binary-encoder.js';
import { cachePerObject } from './resource-scope-groups.js';

/**
 * Sizes a span's attributes as the protobuf writer's plain way does, with a per-scope memo of
 * repeated string attributes (installed by the Node entry through `useSpanAttributeSizer`; the web
 * entries keep the plain way, so their bundles carry none of this). A scope's memo keeps, per
 * attribute position, the key and its encoded key field and, once the same key and string value came
 * twice in a row, the whole encoded KeyValue field: instrumentations set the same keys in the same
 * order on every span and many values repeat (method, scheme, protocol version, host, route), so most
 * attributes are then one comparison and one copy. The bytes are the plain way's.
 *
 * @example
 * ```ts
 * useSpanAttributeSizer(sizeMemoizedSpanAttributes);
 * ```
 */
export function sizeMemoizedSpanAttributes(span: FinishedSpan): number {
  const countSlot = reserveSize();
  const attributes = span.attributes;
  if (attributes === undefined) return 0;
  const scope = span.instrumentationScope;
  if (scope !== lastScope || lastMemo === undefined) {
    lastMemo = attributeMemoOf(scope);
    lastScope = scope;
  }
  const memo = lastMemo;
  let count = 0;
  let size = 0;
  let position = 0;
  for (const key in attributes) {
    const value = attributes[key];
    let keyBytes: Uint8Array | undefined;
    if (position < MEMO_SLOTS) {
      const slot = position++;
      if (memo.keys[slot] === key) {
        if (memo.values[slot] === value) {
          // The same key and value as the last span of this scope at this position: its field, encoded once.
          let field = memo.fields[slot];
          if (field === undefined) {
            field = encodeStringField(memo.keyBytes[slot], value as string);
            memo.fields[slot] = field;
          }
          pushRef(undefined);
          pushRef(field);
          size += field.length;
          count++;
          continue;
        }
        keyBytes = memo.keyBytes[slot];
      } else {
        keyBytes = keyField(key);
        memo.keys[slot] = key;
        memo.keyBytes[slot] = keyBytes;
      }
      memo.values[slot] = typeof value === 'string' && value.length <= MAX_MEMOIZED_STRING ? value : NOT_MEMOIZED;
      memo.fields[slot] = undefined;
    }
    const valueSize = sizeValue(value);
    if (valueSize < 0) continue;
    if (keyBytes === undefined) keyBytes = keyField(key);
    pushRef(keyBytes);
    pushRef(value);
    const keyValueSize = keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize;
    size += SIZE_ATTRIBUTES_TAG + varint32Size(keyValueSize) + keyValueSize;
    count++;
  }
  setSize(countSlot, count);
  return size;
}

/**
 * What a scope's spans had at each of their first {@link MEMO_SLOTS} attribute positions the last time:
 * the key, its encoded key field, the value (a string of at most {@link MAX_MEMOIZED_STRING} code units;
 * {@link NOT_MEMOIZED} for others) and, once the same key and value came twice in a row, the whole
 * encoded field. Bounded: one entry per position.
 */
interface AttributeMemo {
  readonly keys: (string | undefined)[];
  readonly keyBytes: Uint8Array[];
  readonly values: unknown[];
  readonly fields: (Uint8Array | undefined)[];
}

/** Attribute positions (per span, in iteration order) a scope's memo covers. */
const MEMO_SLOTS = 16;
/** Longer strings are not memoized (a field holds at most ~3 bytes per code unit of its value). */
const MAX_MEMOIZED_STRING = 128;
/** A memo value no attribute value equals: the attribute at that position is not memoized. */
const NOT_MEMOIZED: unique symbol = Symbol();
const SIZE_ATTRIBUTES_TAG = varint32Size(TAG_SPAN_ATTRIBUTES);
const SIZE_KEY_VALUE_VALUE_TAG = varint32Size(TAG_KEY_VALUE_VALUE);
const SIZE_ANY_STRING_TAG = varint32Size(TAG_ANY_VALUE_STRING_VALUE);
const attributeMemoOf = cachePerObject(
  (_scope: InstrumentationScope): AttributeMemo => ({ keys: [], keyBytes: [], values: [], fields: [] }),
);
/** Spans of one scope arrive together: the last scope's memo, without a lookup. */
let lastScope: InstrumentationScope | undefined;
let lastMemo: AttributeMemo | undefined;

/** The whole span attribute field for a key (its encoded key field) and a string value. */
function encodeStringField(keyBytes: Uint8Array, value: string): Uint8Array {
  const length = utf8Length(value);
  const valueSize = SIZE_ANY_STRING_TAG + varint32Size(length) + length;
  const keyValueSize = keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize;
  const field = new Uint8Array(lengthDelimitedSize(TAG_SPAN_ATTRIBUTES, keyValueSize));
  let at = putBytes(field, putVarint32(field, putVarint32(field, 0, TAG_SPAN_ATTRIBUTES), keyValueSize), keyBytes);
  at = putVarint32(field, putVarint32(field, putVarint32(field, at, TAG_KEY_VALUE_VALUE), valueSize), TAG_ANY_VALUE_STRING_VALUE);
  putString(field, putVarint32(field, at, length), value, length);
  return field;
}
