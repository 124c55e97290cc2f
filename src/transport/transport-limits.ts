/**
 * The byte bounds of the export transports. This module imports nothing on purpose: bundlers then
 * replace every use with the number itself (esbuild only inlines the constants of a module without
 * imports).
 */

/** The OTLP specification's recommended limit on a response body, in bytes (4 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Bytes of one keep-alive export request from a page: under the 64 KiB browsers allow in flight, with room for headers. */
export const KEEPALIVE_MAX_BYTES = 60 * 1024;
