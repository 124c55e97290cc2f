/**
 * The tags of the two scalar fields of `google.rpc.Status` that export-response.ts reads, from
 * googleapis `google/rpc/status.proto` (`int32 code = 1; string message = 2;`). The message is not part
 * of `gen/` (opentelemetry-proto does not import it), so they are written by hand. This module imports
 * nothing on purpose: bundlers then replace every use with the number itself (esbuild only inlines the
 * constants of a module without imports).
 */

/** `code`: field 1, wire type 0 (varint), so `(1 << 3) | 0`. */
export const STATUS_CODE_TAG = 8;
/** `message`: field 2, wire type 2 (length-delimited), so `(2 << 3) | 2`. */
export const STATUS_MESSAGE_TAG = 18;
