import {
  TAG_ANY_VALUE_BOOL_VALUE,
  TAG_ANY_VALUE_DOUBLE_VALUE,
  TAG_ANY_VALUE_INT_VALUE,
  TAG_ANY_VALUE_STRING_VALUE,
  TAG_KEY_VALUE_VALUE,
} from '../../../../gen/opentelemetry/proto/common/v1/common_wire.js';
import { TAG_SPAN_ATTRIBUTES } from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import type { InstrumentationScope } from '../../../trace/instrumentation-scope.js';
import { putBytes, putInt64, putString, putVarint32 } from '../wire/byte-writer.js';
import { int64Size, lengthDelimitedSize, utf8Length, varint32Size } from '../wire/wire-size.js';
import { ensureOutput, output, outputView } from './batch-output.js';
import { keyField, pushRef, recordAttributeField, reserveSize, setSize, sizeValue, writeRecordedAttributeAt } from './binary-encoder.js';
import { cachePerObject } from './resource-scope-groups.js';

/**
 * Sizes a span's attributes as the protobuf writer's plain way does, with a per-scope memo of
 * repeated string attributes (for the Node entry's simple span writer, simple-spans.ts; the web
 * entries keep the plain way, so their bundles carry none of this). A scope's memo keeps, per
 * attribute position, the key and its encoded key field and, once the same key and string value came
 * twice in a row, the whole encoded KeyValue field: instrumentations set the same keys in the same
 * order on every span and many values repeat (method, scheme, protocol version, host, route), so most
 * attributes are then one comparison and one copy. The bytes are the plain way's.
 *
 * @example
 * ```ts
 * const size = sizeMemoizedSpanAttributes(span);
 * ```
 */
export function sizeMemoizedSpanAttributes(span: FinishedSpan): number {
  const countSlot = reserveSize();
  const attributes = span.attributes;
  if (attributes === undefined) return 0;
  const memo = memoOfScope(span.instrumentationScope);
  const block = memo.block;
  if (block !== undefined) {
    // The commonest case first, in a tight loop: every attribute as the last span of this scope had them.
    const blockCount = memo.blockCount;
    const keys = memo.keys;
    const values = memo.values;
    let same = 0;
    for (const key in attributes) {
      if (same === blockCount || keys[same] !== key || values[same] !== attributes[key]) {
        same = -1;
        break;
      }
      same++;
    }
    if (same === blockCount) {
      pushRef(undefined);
      pushRef(block);
      setSize(countSlot, 1);
      return block.length;
    }
  }
  let count = 0;
  let size = 0;
  let position = 0;
  // While every attribute so far repeats the last span's, their fields are not recorded yet (see below).
  let allRepeated = true;
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
            field = encodeField(memo.keyBytes[slot], value);
            memo.fields[slot] = field;
          }
          if (!allRepeated) {
            pushRef(undefined);
            pushRef(field);
          }
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
      memo.values[slot] = isMemoizable(value) ? value : NOT_MEMOIZED;
      memo.fields[slot] = undefined;
    }
    if (allRepeated) {
      allRepeated = false;
      // The repeated fields before this one, recorded now.
      for (let i = 0; i < count; i++) {
        pushRef(undefined);
        pushRef(memo.fields[i]);
      }
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
  if (!allRepeated || count === 0) {
    memo.block = undefined;
  } else {
    // Every attribute as the last span of this scope had them: all the fields in one copy.
    if (memo.block === undefined || memo.blockCount !== count) {
      memo.block = joinFields(memo.fields, count, size);
      memo.blockCount = count;
    }
    pushRef(undefined);
    pushRef(memo.block);
    count = 1;
  }
  setSize(countSlot, count);
  return size;
}

/**
 * {@link sizeMemoizedSpanAttributes} for the one-pass batch writer (simple-spans.ts): writes a span's
 * attribute fields into the batch output at `at` (making room as it goes) and returns where they end;
 * the memo is kept the same way, and the bytes are the same. Strings, numbers and booleans are written
 * here; other values the general way's.
 *
 * @example
 * ```ts
 * at = writeMemoizedSpanAttributes(span, at);
 * ```
 */
export function writeMemoizedSpanAttributes(span: FinishedSpan, at: number): number {
  const attributes = span.attributes;
  if (attributes === undefined) return at;
  const memo = memoOfScope(span.instrumentationScope);
  const block = memo.block;
  if (block !== undefined) {
    // The commonest case first, in a tight loop: every attribute as the last span of this scope had them.
    const blockCount = memo.blockCount;
    const keys = memo.keys;
    const values = memo.values;
    let same = 0;
    for (const key in attributes) {
      if (same === blockCount || keys[same] !== key || values[same] !== attributes[key]) {
        same = -1;
        break;
      }
      same++;
    }
    if (same === blockCount) {
      ensureOutput(at + block.length);
      output.set(block, at);
      return at + block.length;
    }
  }
  const start = at;
  let count = 0;
  let position = 0;
  // While every attribute so far repeats the last span's, they may all be one block (see below).
  let allRepeated = true;
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
            field = encodeField(memo.keyBytes[slot], value);
            memo.fields[slot] = field;
          }
          ensureOutput(at + field.length);
          output.set(field, at);
          at += field.length;
          count++;
          continue;
        }
        keyBytes = memo.keyBytes[slot];
      } else {
        keyBytes = keyField(key);
        memo.keys[slot] = key;
        memo.keyBytes[slot] = keyBytes;
      }
      memo.values[slot] = isMemoizable(value) ? value : NOT_MEMOIZED;
      memo.fields[slot] = undefined;
    }
    allRepeated = false;
    if (keyBytes === undefined) keyBytes = keyField(key);
    const end = writeAttributeField(keyBytes, value, at);
    if (end < 0) continue;
    at = end;
    count++;
  }
  if (!allRepeated || count === 0) {
    memo.block = undefined;
  } else if (memo.block === undefined || memo.blockCount !== count) {
    // Every attribute as the last span of this scope had them: all the fields in one copy next time.
    memo.block = output.slice(start, at);
    memo.blockCount = count;
  }
  return at;
}

/** Writes the span attribute field of `keyBytes` and `value` at `at`; returns its end, or -1 when the value has no OTLP form. */
function writeAttributeField(keyBytes: Uint8Array, value: unknown, at: number): number {
  const keyLength = keyBytes.length;
  if (typeof value === 'string') {
    const length = utf8Length(value);
    const valueSize = SIZE_ANY_STRING_TAG + varint32Size(length) + length;
    const keyValueSize = keyLength + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize;
    ensureOutput(at + SIZE_ATTRIBUTES_TAG + 5 + keyValueSize);
    const bytes = output;
    at = putVarint32(bytes, putVarint32(bytes, at, TAG_SPAN_ATTRIBUTES), keyValueSize);
    if (keyLength <= 32) {
      for (let i = 0; i < keyLength; i++) bytes[at + i] = keyBytes[i];
    } else {
      bytes.set(keyBytes, at);
    }
    at = putVarint32(
      bytes,
      putVarint32(bytes, putVarint32(bytes, at + keyLength, TAG_KEY_VALUE_VALUE), valueSize),
      TAG_ANY_VALUE_STRING_VALUE,
    );
    return putString(bytes, putVarint32(bytes, at, length), value, length);
  }
  if (typeof value === 'number') {
    const isInteger = Number.isSafeInteger(value);
    const valueSize = isInteger ? SIZE_ANY_INT_TAG + int64Size(value) : SIZE_ANY_DOUBLE_TAG + 8;
    const keyValueSize = keyLength + SIZE_KEY_VALUE_VALUE_TAG + 1 + valueSize;
    ensureOutput(at + SIZE_ATTRIBUTES_TAG + 5 + keyValueSize);
    const bytes = output;
    at = putBytes(bytes, putVarint32(bytes, putVarint32(bytes, at, TAG_SPAN_ATTRIBUTES), keyValueSize), keyBytes);
    at = putVarint32(bytes, putVarint32(bytes, at, TAG_KEY_VALUE_VALUE), valueSize);
    if (isInteger) return putInt64(bytes, putVarint32(bytes, at, TAG_ANY_VALUE_INT_VALUE), value);
    at = putVarint32(bytes, at, TAG_ANY_VALUE_DOUBLE_VALUE);
    outputView.setFloat64(at, value, true);
    return at + 8;
  }
  // Booleans, arrays, bytes and values without an OTLP form: the general way's.
  const size = recordAttributeField(keyBytes, value);
  if (size < 0) return -1;
  ensureOutput(at + size);
  return writeRecordedAttributeAt(output, outputView, at);
}

/**
 * What a scope's spans had at each of their first {@link MEMO_SLOTS} attribute positions the last time:
 * the key, its encoded key field, the value (a string of at most {@link MAX_MEMOIZED_STRING} code units,
 * a number or a boolean; {@link NOT_MEMOIZED} for others) and, once the same key and value came twice
 * in a row, the whole encoded field; and once a span repeated every attribute of the one before, all
 * its fields joined (`block`, for `blockCount` attributes). Bounded: one entry per position.
 */
interface AttributeMemo {
  readonly keys: (string | undefined)[];
  readonly keyBytes: Uint8Array[];
  readonly values: unknown[];
  readonly fields: (Uint8Array | undefined)[];
  block: Uint8Array | undefined;
  blockCount: number;
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
const SIZE_ANY_BOOL_TAG = varint32Size(TAG_ANY_VALUE_BOOL_VALUE);
const SIZE_ANY_INT_TAG = varint32Size(TAG_ANY_VALUE_INT_VALUE);
const SIZE_ANY_DOUBLE_TAG = varint32Size(TAG_ANY_VALUE_DOUBLE_VALUE);
const attributeMemoOf = cachePerObject(
  (_scope: InstrumentationScope): AttributeMemo => ({ keys: [], keyBytes: [], values: [], fields: [], block: undefined, blockCount: 0 }),
);
/** Spans of one scope arrive together: the last scope's memo, without a lookup. */
let lastScope: InstrumentationScope | undefined;
let lastMemo: AttributeMemo | undefined;

/** The memo of `scope`: the last scope's without a lookup. */
function memoOfScope(scope: InstrumentationScope): AttributeMemo {
  if (scope !== lastScope || lastMemo === undefined) {
    lastMemo = attributeMemoOf(scope);
    lastScope = scope;
  }
  return lastMemo;
}

/** Whether a value's field is kept: a short string, a number or a boolean (equal values, by `===`, encode alike). */
function isMemoizable(value: unknown): boolean {
  const type = typeof value;
  return (type === 'string' && (value as string).length <= MAX_MEMOIZED_STRING) || type === 'number' || type === 'boolean';
}

/** The first `count` fields joined (`size` bytes). */
function joinFields(fields: readonly (Uint8Array | undefined)[], count: number, size: number): Uint8Array {
  const block = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < count; i++) at = putBytes(block, at, fields[i] as Uint8Array);
  return block;
}

/** The whole span attribute field for a key (its encoded key field) and a value {@link isMemoizable} accepted. */
function encodeField(keyBytes: Uint8Array, value: unknown): Uint8Array {
  if (typeof value === 'string') return encodeStringField(keyBytes, value);
  let valueSize: number;
  if (typeof value === 'boolean') valueSize = SIZE_ANY_BOOL_TAG + 1;
  else if (Number.isSafeInteger(value)) valueSize = SIZE_ANY_INT_TAG + int64Size(value as number);
  else valueSize = SIZE_ANY_DOUBLE_TAG + 8;
  const keyValueSize = keyBytes.length + SIZE_KEY_VALUE_VALUE_TAG + varint32Size(valueSize) + valueSize;
  const field = new Uint8Array(lengthDelimitedSize(TAG_SPAN_ATTRIBUTES, keyValueSize));
  let at = putBytes(field, putVarint32(field, putVarint32(field, 0, TAG_SPAN_ATTRIBUTES), keyValueSize), keyBytes);
  at = putVarint32(field, putVarint32(field, at, TAG_KEY_VALUE_VALUE), valueSize);
  if (typeof value === 'boolean') {
    putVarint32(field, putVarint32(field, at, TAG_ANY_VALUE_BOOL_VALUE), value ? 1 : 0);
  } else if (Number.isSafeInteger(value)) {
    putInt64(field, putVarint32(field, at, TAG_ANY_VALUE_INT_VALUE), value as number);
  } else {
    at = putVarint32(field, at, TAG_ANY_VALUE_DOUBLE_VALUE);
    new DataView(field.buffer).setFloat64(at, value as number, true);
  }
  return field;
}

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
