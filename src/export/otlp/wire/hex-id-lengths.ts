/**
 * The hex lengths of trace and span ids, in a module that imports nothing, so bundlers write the numbers
 * where they are used (`hex-id.ts` re-exports them).
 */

/** Length of a trace id in hex characters (16 bytes). */
export const TRACE_ID_HEX_LENGTH = 32;
/** Length of a span id in hex characters (8 bytes). */
export const SPAN_ID_HEX_LENGTH = 16;
