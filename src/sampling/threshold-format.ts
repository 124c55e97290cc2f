/**
 * The shape of a consistent-sampling threshold or randomness value (threshold.ts): how many hex digits
 * it has, where it sits in a trace id, and how long the `ot` entry holding it may be. This module imports
 * nothing on purpose: bundlers then replace every use with the number itself (esbuild only inlines the
 * constants of a module without imports).
 */

/** How many hex digits a threshold or randomness value has: 56 bits. */
export const THRESHOLD_DIGITS = 14;
/** Where the randomness starts in a 32-digit trace id: its last 14 digits. */
export const TRACE_ID_RANDOMNESS_OFFSET = 32 - THRESHOLD_DIGITS;
/** The spec's bound on the length of the `ot` entry value. */
export const MAX_OTEL_VALUE_LENGTH = 256;
