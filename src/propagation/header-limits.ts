/**
 * The sizes and trace-flags bits the W3C Trace Context and Baggage specifications fix for their headers,
 * and the thresholds otelite's parsers derive from them. This module imports nothing on purpose: bundlers
 * then replace every use with the number itself (esbuild only inlines the constants of a module without
 * imports).
 */

/** `00` version `traceparent` length: 2 + 1 + 32 + 1 + 16 + 1 + 2 (W3C Trace Context §3.2). */
export const TRACE_PARENT_LENGTH = 55;
/** The W3C Trace Context Level 2 `random` flag: the trace id's rightmost 7 bytes are random (§3.2.2.5). */
export const RANDOM_TRACE_FLAG = 0x02;
/** The trace-flags bits Level 2 defines: sampled (0x01) and random trace id (0x02) (§3.2.2.5). */
export const DEFINED_TRACE_FLAGS = 0x03;
/** The most list members a `tracestate` may hold (W3C Trace Context §3.3.1). */
export const MAX_TRACE_STATE_MEMBERS = 32;
/** The longest `tracestate` key and the longest value, in characters (W3C Trace Context §3.3.1.3). */
export const MAX_TRACE_STATE_KEY_LENGTH = 256;
export const MAX_TRACE_STATE_VALUE_LENGTH = 256;
/** `tracestate` headers longer than this are copied out of after parsing, so members never pin a huge header in memory. */
export const TRACE_STATE_DETACH_THRESHOLD = 1024;
/**
 * The longest `tracestate` the propagator sends, in characters. The spec asks to propagate at least
 * 512 characters (§3.3.1.5 "tracestate Limits") and to document a smaller or larger maximum; otelite sends
 * exactly that minimum for the spans it creates, so one hostile 16 KB `tracestate` is not copied onto
 * every outgoing request. Longer states are cut by whole entries as §3.3.1.5 prescribes. A remote span
 * context passed through unchanged keeps its whole (valid, at most 32 members) `tracestate`.
 */
export const MAX_PROPAGATED_TRACE_STATE_LENGTH = 512;
/** `tracestate` entries longer than this are dropped first when a `tracestate` is cut (§3.3.1.5). */
export const LARGE_TRACE_STATE_ENTRY_LENGTH = 128;
/**
 * The most list members read from, or written to, one combined `baggage` header. W3C Baggage §3.3.3
 * "Limits" requires propagating everything up to 64 members and 8192 bytes and allows dropping members
 * beyond either; otelite keeps exactly those minimums.
 */
export const MAX_BAGGAGE_MEMBERS = 64;
/** The most bytes of a combined `baggage` header, commas included (W3C Baggage §3.3.3). */
export const MAX_BAGGAGE_BYTES = 8192;
/** `baggage` headers longer than this (2 × {@link MAX_BAGGAGE_BYTES}) are copied out of after parsing, so entries never pin a huge header in memory. */
export const BAGGAGE_DETACH_THRESHOLD = 16384;
