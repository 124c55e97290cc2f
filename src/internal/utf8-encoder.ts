/**
 * One `TextEncoder` for every module that encodes strings to UTF-8 (the baggage propagator, the OTLP
 * byte writer, the JSON encoder). An encoder keeps no state between calls, so sharing it changes nothing
 * but the page size: each `new TextEncoder()` is a call bundlers must keep.
 */

/** The shared UTF-8 encoder. */
export const utf8Encoder: TextEncoder = new TextEncoder();
