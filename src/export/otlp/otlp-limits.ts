/**
 * The OTLP exporter's fixed numbers: its default timeout and concurrency, and which header values count
 * as secrets. This module imports nothing on purpose: bundlers then replace every use with the number
 * itself (esbuild only inlines the constants of a module without imports).
 */

/** The default OTLP request timeout, in milliseconds. */
export const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;
/** The default bound on exports in flight. */
export const DEFAULT_MAX_CONCURRENT_EXPORTS = 2;
/** Shorter values are not treated as secrets (redacting them would garble messages, and they protect nothing). */
export const MIN_SECRET_LENGTH = 4;
/** A word of a header value (such as the token of `Bearer <token>`) this long is a secret of its own. */
export const MIN_SECRET_WORD_LENGTH = 8;
