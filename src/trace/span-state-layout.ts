/**
 * The layout of `RecordingSpan`'s `#state` (span.ts), one small integer for what would otherwise be five
 * fields: bit 0 ended, bits 1-3 the kind, bits 4-11 the trace flags, bits 12-19 the parent's trace flags
 * (when the parent was a recording span), and from bit 20 on the attribute count. Only additions change
 * it (never `|=`), so it stays exact past 32 bits; `&` reads the low bits at any size. This module
 * imports nothing on purpose: bundlers then replace every use with the number itself (esbuild only
 * inlines the constants of a module without imports).
 */

/** Set once the span has ended. */
export const ENDED = 1;
/** Where the span kind starts. */
export const KIND_SHIFT = 1;
/** Where the span's trace flags start. */
export const FLAGS_SHIFT = 4;
/** Where the parent's trace flags start. */
export const PARENT_FLAGS_SHIFT = 12;
/** One attribute in the count (bit 20). */
export const ATTRIBUTE = 0x100000;
