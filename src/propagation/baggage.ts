import {
  baggageEntryMetadataFromString,
  propagation,
  type BaggageEntry,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '../context/suppress-tracing.js';
import { reportError, warnOnce } from '../diagnostics/report.js';
import { EQUALS, PERCENT, SEMICOLON } from '../internal/char-codes.js';
import { detachString } from '../internal/detach-string.js';
import { HEX_DIGIT_VALUES } from '../internal/hex-digit-values.js';
import { BAGGAGE_DETACH_THRESHOLD, MAX_BAGGAGE_BYTES, MAX_BAGGAGE_MEMBERS } from './header-limits.js';
import {
  BAGGAGE_CLASSES as CLASSES,
  BAGGAGE_OCTET as OCTET,
  BAGGAGE_OWS as OWS,
  BAGGAGE_TOKEN_CHAR as TOKEN_CHAR,
} from './header-char-classes.js';
import { joinedHeaderValue } from './joined-header-value.js';
import { utf8Encoder } from '../internal/utf8-encoder.js';

export { MAX_BAGGAGE_BYTES, MAX_BAGGAGE_MEMBERS };

/** The `baggage` header name (W3C Baggage §3.2 "Header Name"). */
export const BAGGAGE_HEADER = 'baggage';

const HEX_DIGITS = '0123456789ABCDEF';

function classOf(code: number): number {
  return code < 128 ? CLASSES[code] : 0;
}

/** The first index from `i` to `end` whose character is in none of the classes `mask`, or `end`. */
function skip(text: string, i: number, end: number, mask: number): number {
  while (i < end && (classOf(text.charCodeAt(i)) & mask) !== 0) i++;
  return i;
}

/** The value of the hex digit (either case) with char code `code`, or -1. */
function hexValue(code: number): number {
  return code < 128 ? HEX_DIGIT_VALUES[code] : -1;
}

/** Whether `key` is an RFC 9110 token, the only keys W3C Baggage allows (§3.3.1.2). */
export function isBaggageKey(key: unknown): key is string {
  return typeof key === 'string' && key.length > 0 && skip(key, 0, key.length, TOKEN_CHAR) === key.length;
}

/** UTF-8 both ways: a lone surrogate is written as U+FFFD, a malformed sequence read as U+FFFD (WHATWG), a BOM kept. */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Percent-decodes `text[start, end)` (W3C Baggage §3.3.1.3): `%XX` becomes that byte and the bytes are
 * read as UTF-8, each malformed sequence replaced by U+FFFD (the WHATWG UTF-8 decoder's rule). A `%` not
 * followed by two hex digits stays as it is (the sender broke the rule that `%` itself is encoded; its
 * meaning is still plain). A value without `%` is a slice, nothing decoded.
 */
function decodeValue(text: string, start: number, end: number): string {
  const percent = text.indexOf('%', start);
  if (percent === -1 || percent >= end) return text.slice(start, end);
  const bytes = new Uint8Array(end - percent);
  let length = 0;
  for (let i = percent; i < end; i++) {
    let byte = text.charCodeAt(i); // an ASCII baggage-octet, checked by the caller
    if (byte === PERCENT && i + 2 < end) {
      const high = hexValue(text.charCodeAt(i + 1));
      const low = hexValue(text.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        byte = (high << 4) | low;
        i += 2;
      }
    }
    bytes[length++] = byte;
  }
  return text.slice(start, percent) + utf8Decoder.decode(bytes.subarray(0, length));
}

/**
 * Percent-encodes a value for the header (W3C Baggage §3.3.1.3): every code point outside
 * `baggage-octet` is written as its UTF-8 bytes in `%XX` form, a lone surrogate as U+FFFD. With
 * `wireForm` (property values, which otelite carries as they were on the wire and never decodes) every
 * `%` is kept, since `%` is itself a `baggage-octet`: extracting and injecting again changes nothing.
 * Otherwise (entry values, which are decoded) `%` is always encoded.
 */
function encodeValue(value: string, wireForm: boolean): string {
  let i = 0;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((classOf(code) & OCTET) === 0 || (code === PERCENT && !wireForm)) break;
  }
  if (i === value.length) return value;
  let encoded = value.slice(0, i);
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) {
      // The rest as UTF-8: every byte of a code point above U+007F is >= 0x80, so each becomes `%XX`.
      for (const byte of utf8Encoder.encode(value.slice(i))) encoded += escapeByte(byte, wireForm);
      break;
    }
    encoded += escapeByte(code, wireForm);
  }
  return encoded;
}

/** An ASCII character or UTF-8 byte as it goes into the header: itself when a `baggage-octet`, else `%XX`. */
function escapeByte(byte: number, wireForm: boolean): string {
  return (classOf(byte) & OCTET) !== 0 && (byte !== PERCENT || wireForm)
    ? String.fromCharCode(byte)
    : '%' + HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 0x0f];
}

/**
 * Reads the properties of one list member, `text[start, end)` just after its first `;`
 * (W3C Baggage §3.3.1.4): `key` or `key=value` separated by `;`, optional whitespace around every part.
 * Returns them in canonical form (`k1=v1;k2`, values left percent-encoded as received), `''` when
 * there are none, or `undefined` when one is malformed. Empty properties (`;;`) are ignored.
 */
function readProperties(text: string, start: number, end: number): string | undefined {
  let properties = '';
  let i = start;
  while (i <= end) {
    i = skip(text, i, end, OWS);
    if (i === end) break;
    if (text.charCodeAt(i) === SEMICOLON) {
      i++;
      continue;
    }
    const keyStart = i;
    i = skip(text, i, end, TOKEN_CHAR);
    if (i === keyStart) return undefined;
    let property = text.slice(keyStart, i);
    i = skip(text, i, end, OWS);
    if (i < end && text.charCodeAt(i) === EQUALS) {
      i++;
      i = skip(text, i, end, OWS);
      const valueStart = i;
      i = skip(text, i, end, OCTET);
      property += '=' + text.slice(valueStart, i);
      i = skip(text, i, end, OWS);
    }
    if (i < end && text.charCodeAt(i) !== SEMICOLON) return undefined;
    properties += (properties ? ';' : '') + property;
    i++;
  }
  return properties;
}

/** Canonical, encoded form of an entry's metadata for the header; invalid properties are dropped. */
function formatMetadata(metadata: string): string {
  let properties = '';
  for (const part of metadata.split(';')) {
    const equals = part.indexOf('=');
    const key = (equals === -1 ? part : part.slice(0, equals)).trim();
    if (key === '') continue;
    if (!isBaggageKey(key)) {
      warnOnce('a baggage property key is not a token; the property is dropped.');
      continue;
    }
    const property = equals === -1 ? key : key + '=' + encodeValue(part.slice(equals + 1).trim(), true);
    properties += (properties ? ';' : '') + property;
  }
  return properties;
}

/**
 * Parses a combined `baggage` header into entries, in header order. Linear in the header's length,
 * never throws. Malformed members are skipped, the others kept (W3C Baggage §3.4 "the behavior is
 * undefined ... MAY remove an offending list-member"); members past {@link MAX_BAGGAGE_MEMBERS} or past
 * {@link MAX_BAGGAGE_BYTES} in total are dropped whole (§3.3.3). A key given twice keeps its last value.
 */
export function parseBaggage(header: string): Array<[string, BaggageEntry]> {
  const entries: Array<[string, BaggageEntry]> = [];
  const length = header.length;
  let bytes = 0;
  let memberStart = 0;
  while (memberStart < length && entries.length < MAX_BAGGAGE_MEMBERS) {
    let memberEnd = header.indexOf(',', memberStart);
    if (memberEnd === -1) memberEnd = length;
    let start = memberStart;
    let end = memberEnd;
    memberStart = memberEnd + 1;
    start = skip(header, start, end, OWS);
    while (end > start && classOf(header.charCodeAt(end - 1)) === OWS) end--;
    if (start === end) continue; // empty member, e.g. where several headers were joined

    // key OWS "=" OWS value *( OWS ";" OWS property )
    let i = start;
    i = skip(header, i, end, TOKEN_CHAR);
    if (i === start) continue;
    const keyEnd = i;
    i = skip(header, i, end, OWS);
    if (i === end || header.charCodeAt(i) !== EQUALS) continue;
    i++;
    i = skip(header, i, end, OWS);
    const valueStart = i;
    i = skip(header, i, end, OCTET);
    const valueEnd = i;
    i = skip(header, i, end, OWS);
    let metadata: string | undefined;
    if (i < end) {
      if (header.charCodeAt(i) !== SEMICOLON) continue;
      metadata = readProperties(header, i + 1, end);
      if (metadata === undefined) continue;
    }

    const size = end - start + (entries.length > 0 ? 1 : 0); // the member and its comma, all ASCII
    if (bytes + size > MAX_BAGGAGE_BYTES) continue;
    bytes += size;
    const key = header.slice(start, keyEnd);
    const value = decodeValue(header, valueStart, valueEnd);
    const entry: BaggageEntry = metadata ? { value, metadata: baggageEntryMetadataFromString(metadata) } : { value };
    entries.push(length > BAGGAGE_DETACH_THRESHOLD ? [detachString(key), { ...entry, value: detachString(value) }] : [key, entry]);
  }
  return entries;
}

/**
 * Formats baggage entries as a `baggage` header value: keys as they are (an entry whose key is not a
 * token is skipped, as it cannot be written), values percent-encoded, metadata appended after `;`.
 * Stops at {@link MAX_BAGGAGE_MEMBERS} members and skips any member that would take the header past
 * {@link MAX_BAGGAGE_BYTES}: no member is ever cut (§3.3.3).
 */
export function formatBaggage(entries: Iterable<[string, BaggageEntry]>): string {
  let header = '';
  let members = 0;
  for (const [key, entry] of entries) {
    if (members === MAX_BAGGAGE_MEMBERS) break;
    if (!isBaggageKey(key)) {
      warnOnce('a baggage key is not a token; the entry is not propagated.');
      continue;
    }
    if (typeof entry?.value !== 'string') continue;
    let member = key + '=' + encodeValue(entry.value, false);
    const metadata = entry.metadata?.toString();
    if (typeof metadata === 'string' && metadata !== '') {
      const properties = formatMetadata(metadata);
      if (properties) member += ';' + properties;
    }
    // Every character is ASCII now, so the length is the byte count.
    if (header.length + (members > 0 ? 1 : 0) + member.length > MAX_BAGGAGE_BYTES) continue;
    header += (members > 0 ? ',' : '') + member;
    members++;
  }
  return header;
}

/**
 * The W3C Baggage propagator: reads and writes the `baggage` header through the API's baggage
 * (`propagation.getBaggage` / `setBaggage` / `createBaggage`).
 *
 * Extract: all `baggage` lines are combined in order with commas and parsed by {@link parseBaggage};
 * the entries replace any baggage in the context. When no entry is valid the context is returned
 * unchanged. Inject: nothing when the context holds no baggage or tracing is suppressed in it
 * (as in opentelemetry-js); otherwise the header built by {@link formatBaggage}.
 *
 * Metadata (the properties after `;`) travel in their wire form: received properties are kept as
 * `baggageEntryMetadataFromString('k1=v1;k2')` without percent-decoding, and written back the same way.
 *
 * Never throws: a failing getter, setter or carrier is reported through `reportError` and ignored.
 *
 * @example
 * ```ts
 * import { context, propagation } from '@opentelemetry/api';
 * import { W3CBaggagePropagator } from 'otelite';
 *
 * const baggage = propagation.createBaggage({ userId: { value: 'Amélie' } });
 * const headers: Record<string, string> = {};
 * new W3CBaggagePropagator().inject(propagation.setBaggage(context.active(), baggage), headers, {
 *   set: (carrier, key, value) => (carrier[key] = value),
 * });
 * headers.baggage; // 'userId=Am%C3%A9lie'
 * ```
 */
export class W3CBaggagePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    try {
      const baggage = propagation.getBaggage(context);
      if (baggage === undefined || isTracingSuppressed(context)) return;
      const header = formatBaggage(baggage.getAllEntries());
      if (header !== '') setter.set(carrier, BAGGAGE_HEADER, header);
    } catch (error) {
      reportError('propagator.inject', error, 'baggage');
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    try {
      const header = joinedHeaderValue(getter.get(carrier, BAGGAGE_HEADER));
      if (header === undefined || header === '') return context;
      const entries = parseBaggage(header);
      if (entries.length === 0) return context;
      const record: Record<string, BaggageEntry> = {};
      for (const [key, entry] of entries) {
        // A plain object stays fast; only `__proto__` needs defining to become an ordinary entry.
        if (key === '__proto__') Object.defineProperty(record, key, { value: entry, enumerable: true, writable: true, configurable: true });
        else record[key] = entry;
      }
      return propagation.setBaggage(context, propagation.createBaggage(record));
    } catch (error) {
      reportError('propagator.extract', error, 'baggage');
      return context;
    }
  }

  fields(): string[] {
    return [BAGGAGE_HEADER];
  }
}
