import { TAG_SPAN_NAME } from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import { putString, putVarint32 } from '../wire/byte-writer.js';
import { lengthDelimitedSize, utf8Length } from '../wire/wire-size.js';
import { pushRef, pushSize, sizeOptionalString } from './binary-encoder.js';

/**
 * Sizes a span's or an event's name field (`tag`) from a bounded cache of encoded name fields (names
 * repeat: routes, operations), installed by the Node entry through `useNameFieldCache`; the web entries
 * keep the protobuf writer's plain way, so their bundles carry none of this. Records the field's bytes
 * (ref) and -1 (size), or, for an empty or long name, what `sizeOptionalString` does. The bytes are the
 * plain way's.
 *
 * @example
 * ```ts
 * useNameFieldCache(sizeCachedNameField);
 * ```
 */
export function sizeCachedNameField(tag: number, name: string): number {
  if (name.length > MAX_CACHED_NAME_LENGTH || name.length === 0) return sizeOptionalString(tag, name);
  const cache = tag === TAG_SPAN_NAME ? spanNameFields : eventNameFields;
  let field = cache.get(name);
  if (field === undefined) {
    const length = utf8Length(name);
    field = new Uint8Array(lengthDelimitedSize(tag, length));
    putString(field, putVarint32(field, putVarint32(field, 0, tag), length), name, length);
    if (cache.size >= MAX_CACHED_NAMES) cache.clear();
    cache.set(name, field);
  }
  pushRef(field);
  pushSize(-1);
  return field.length;
}

/** Span and event names up to this long keep their encoded fields, up to this many of each. */
const MAX_CACHED_NAME_LENGTH = 64;
const MAX_CACHED_NAMES = 1024;
const spanNameFields = new Map<string, Uint8Array>();
const eventNameFields = new Map<string, Uint8Array>();
