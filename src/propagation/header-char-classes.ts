/**
 * The character classes of the W3C propagation headers' grammars: bit tables over ASCII that the
 * `tracestate` and `baggage` parsers test with one lookup per character (every code at or above 128 is in
 * no class). The class bits come first and this module imports nothing on purpose: bundlers then replace
 * every use of a bit with the number itself (esbuild only inlines the constants of a module without
 * imports).
 */

/** `tracestate` (W3C Trace Context §3.3.1.3): a key's first character (`lcalpha / DIGIT`). */
export const TRACE_STATE_KEY_START = 1;
/** `tracestate` keychar: `a-z 0-9 _ - * / @`. */
export const TRACE_STATE_KEY_CHAR = 2;
/** `tracestate` value character: 0x20–0x7E except `,` and `=`. */
export const TRACE_STATE_VALUE_CHAR = 4;
/** Optional whitespace around a `tracestate` member: space, tab. */
export const TRACE_STATE_OWS = 8;
/** `baggage` (W3C Baggage §3.3.1): RFC 9110 `tchar`, the characters of a key or property key. */
export const BAGGAGE_TOKEN_CHAR = 1;
/** `baggage-octet`: the characters of a value. */
export const BAGGAGE_OCTET = 2;
/** Optional whitespace in a `baggage` header: space, tab. */
export const BAGGAGE_OWS = 4;

/** The `tracestate` classes by char code. */
export const TRACE_STATE_CLASSES = new Uint8Array(128);
for (let code = 0x20; code <= 0x7e; code++) {
  if (code !== 0x2c && code !== 0x3d) TRACE_STATE_CLASSES[code] |= TRACE_STATE_VALUE_CHAR;
}
for (let code = 0x61; code <= 0x7a; code++) TRACE_STATE_CLASSES[code] |= TRACE_STATE_KEY_START | TRACE_STATE_KEY_CHAR;
for (let code = 0x30; code <= 0x39; code++) TRACE_STATE_CLASSES[code] |= TRACE_STATE_KEY_START | TRACE_STATE_KEY_CHAR;
for (const char of '_-*/@') TRACE_STATE_CLASSES[char.charCodeAt(0)] |= TRACE_STATE_KEY_CHAR;
TRACE_STATE_CLASSES[0x20] |= TRACE_STATE_OWS;
TRACE_STATE_CLASSES[0x09] |= TRACE_STATE_OWS;

/** The `baggage` classes by char code. */
export const BAGGAGE_CLASSES = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~") BAGGAGE_CLASSES[char.charCodeAt(0)] |= BAGGAGE_TOKEN_CHAR;
for (let code = 0x30; code <= 0x39; code++) BAGGAGE_CLASSES[code] |= BAGGAGE_TOKEN_CHAR;
for (let code = 0x41; code <= 0x5a; code++) BAGGAGE_CLASSES[code] |= BAGGAGE_TOKEN_CHAR;
for (let code = 0x61; code <= 0x7a; code++) BAGGAGE_CLASSES[code] |= BAGGAGE_TOKEN_CHAR;
// baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
for (let code = 0x21; code <= 0x7e; code++) {
  if (code !== 0x22 && code !== 0x2c && code !== 0x3b && code !== 0x5c) BAGGAGE_CLASSES[code] |= BAGGAGE_OCTET;
}
BAGGAGE_CLASSES[0x20] = BAGGAGE_CLASSES[0x09] = BAGGAGE_OWS; // space, tab
