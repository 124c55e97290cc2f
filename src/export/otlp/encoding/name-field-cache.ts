import { TAG_SPAN_NAME } from '../../../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import { putString, putVarint32 } from '../wire/byte-writer.js';
import { lengthDelimitedSize, utf8Length } from '../wire/wire-size.js';

/**
 * The encoded name field (`tag`) of a span or event name, from a bounded cache of encoded name fields
 * (names repeat: routes, operations), for the Node entry's simple span writer (simple-spans.ts; the web
 * entries keep the protobuf writer's plain way, so their bundles carry none of this); `undefined` for
 * an empty or long name. The bytes are the plain way's.
 *
 * @example
 * ```ts
 * const field = cachedNameField(TAG_SPAN_NAME, span.name);
 * ```
 */
export function cachedNameField(tag: number, name: string): Uint8Array | undefined {
  if (name.length > MAX_CACHED_NAME_LENGTH || name.length === 0) return undefined;
  // Spans of one route come together: the last span name's field, without a lookup.
  if (name === lastSpanName && tag === TAG_SPAN_NAME) return lastSpanNameField;
  const cache = tag === TAG_SPAN_NAME ? spanNameFields : eventNameFields;
  let field = cache.get(name);
  if (field === undefined) {
    const length = utf8Length(name);
    field = new Uint8Array(lengthDelimitedSize(tag, length));
    putString(field, putVarint32(field, putVarint32(field, 0, tag), length), name, length);
    if (cache.size >= MAX_CACHED_NAMES) cache.clear();
    cache.set(name, field);
  }
  if (tag === TAG_SPAN_NAME) {
    lastSpanName = name;
    lastSpanNameField = field;
  }
  return field;
}

/** Span and event names up to this long keep their encoded fields, up to this many of each. */
const MAX_CACHED_NAME_LENGTH = 64;
const MAX_CACHED_NAMES = 1024;
const spanNameFields = new Map<string, Uint8Array>();
const eventNameFields = new Map<string, Uint8Array>();
/** The last span name looked up (a cached one: empty and long names are not) and its field. */
let lastSpanName = '';
let lastSpanNameField: Uint8Array | undefined;
