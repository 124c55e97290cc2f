/**
 * The clock's fixed numbers (see clock.ts): its unit, when a number is an epoch time, and when the
 * anchor between the monotonic and the wall clock moves. This module imports nothing on purpose:
 * bundlers then replace every use with the number itself (esbuild only inlines the constants of a
 * module without imports).
 */

/** Nanoseconds in a millisecond. */
export const NANOS_PER_MILLI = 1e6;
/** Numbers from here on are epoch milliseconds; below it, `performance.now()` readings. */
export const EPOCH_MILLIS_THRESHOLD = 1e12;
/**
 * The longest a monotonic reading, `Date.now()` and a second monotonic reading may take together for the
 * pair to move the anchor, in milliseconds (they take microseconds unless the thread was preempted).
 */
export const MAX_READING_GAP_MILLIS = 0.1;
/** The anchor moves when the anchored time and `Date.now()` differ by this much, in milliseconds. */
export const MAX_WALL_CLOCK_DIFFERENCE_MILLIS = 1;
/**
 * How often, in monotonic milliseconds, the anchored time is compared with `Date.now()`: a wall-clock
 * step moves the starts of spans begun from at most this long after it. Reading the wall clock for every
 * span cost a tenth of a span's start.
 */
export const WALL_CLOCK_CHECK_INTERVAL_MILLIS = 1;
/** The last whole second whose nanoseconds fit a `fixed64` (2^64 ns is 18,446,744,073.7 s). */
export const MAX_FIXED64_SECONDS = 18446744073;
