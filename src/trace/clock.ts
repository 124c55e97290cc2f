import type { HrTime, TimeInput } from '@opentelemetry/api';
import { TWO_POW_32 } from '../internal/numeric-constants.js';
import {
  EPOCH_MILLIS_THRESHOLD,
  MAX_FIXED64_SECONDS,
  MAX_READING_GAP_MILLIS,
  MAX_WALL_CLOCK_DIFFERENCE_MILLIS,
  NANOS_PER_MILLI,
  WALL_CLOCK_CHECK_INTERVAL_MILLIS,
} from './clock-limits.js';

/**
 * The SDK clock.
 *
 * Span times are kept as one `number`, *clock nanoseconds*: nanoseconds since {@link CLOCK_BASE_MILLIS},
 * a whole epoch millisecond taken when the process started. That is cheaper than an `HrTime` tuple (no
 * allocation, one subtraction gives a duration), exact for any whole-millisecond, `Date` or `[s, ns]`
 * input near the present (the base is an integer, so no fraction of it is lost), and precise to well
 * under a microsecond for the first 100 days of a process. Absolute (Unix epoch) times are derived only
 * when a span is exported or asked for its `HrTime`, as exact 32-bit halves (no `BigInt` on the per-span path).
 *
 * "Now" is the monotonic `performance.now()`, anchored to the wall clock: a {@link ClockAnchor} holds
 * the offset between the two. A span start compares the anchored time with `Date.now()` (at most once
 * per millisecond of monotonic time); when they differ by a millisecond or more (the monotonic clock
 * drifted, the machine was suspended, NTP stepped the wall clock), a new anchor is taken from
 * `Date.now()`. A span keeps the anchor it started with, so its end and its events are its start plus
 * monotonic time: durations keep the monotonic clock's precision even across a step, while start times
 * follow a step from the first start a millisecond after it. Cost per span start: a comparison, plus one
 * `Date.now()` read per millisecond; nothing is allocated unless the anchor moves.
 */

/** How one span's monotonic readings become clock nanoseconds: `performance.now() * 1e6 + offsetNanos`. */
export interface ClockAnchor {
  readonly offsetNanos: number;
}

/** Read once: the global `performance` is an accessor, and the clock runs twice per span. */
const monotonic = performance;

/** The epoch millisecond clock nanoseconds count from: `performance.timeOrigin`, rounded down. */
export const CLOCK_BASE_MILLIS = Math.floor(performance.timeOrigin);
/** Epoch nanoseconds of the base as two exact unsigned 32-bit halves. */
const [BASE_HIGH, BASE_LOW] = unsignedHalves(BigInt(CLOCK_BASE_MILLIS) * 1_000_000n);

/** The monotonic time (`performance.now()`) from which the next start compares with `Date.now()`. */
let nextWallClockCheckMillis = Number.NEGATIVE_INFINITY;

/** The anchor in use: at first `performance.timeOrigin` itself (sub-millisecond), then whatever `Date.now()` said last. */
let current: ClockAnchor = { offsetNanos: (performance.timeOrigin - CLOCK_BASE_MILLIS) * NANOS_PER_MILLI };

/**
 * Now, in clock nanoseconds, after checking the anchor against the wall clock (moving it when it is a
 * millisecond or more off). Read {@link currentClockAnchor} right after, for the times that follow.
 */
export function anchoredNowNanos(): number {
  const monotonicMillis = monotonic.now();
  return monotonicMillis < nextWallClockCheckMillis
    ? monotonicMillis * NANOS_PER_MILLI + current.offsetNanos
    : checkedNowNanos(monotonicMillis);
}

/**
 * {@link anchoredNowNanos} once a millisecond: checks the anchor against the wall clock. A function of
 * its own, so that the optimizing compiler keeps it out of the span start it would otherwise be inlined
 * into: the anchor moves rarely (a drifting or stepped clock), and the first time that branch runs in
 * optimized code, V8 has no type feedback for it and throws the enclosing code back to baseline code.
 */
function checkedNowNanos(monotonicMillis: number): number {
  const monotonicNanos = monotonicMillis * NANOS_PER_MILLI;
  nextWallClockCheckMillis = monotonicMillis + WALL_CLOCK_CHECK_INTERVAL_MILLIS;
  const wallNanos = (Date.now() - CLOCK_BASE_MILLIS) * NANOS_PER_MILLI;
  const now = monotonicNanos + current.offsetNanos;
  // Date.now() is truncated to the millisecond: an exact anchor reads 0 to 1 ms ahead of it.
  const distance = Math.abs(now - wallNanos);
  if (distance >= MAX_WALL_CLOCK_DIFFERENCE_MILLIS * NANOS_PER_MILLI) {
    // The two readings describe one instant only if nothing ran in between: a thread preempted between
    // them (a loaded machine) would take an anchor off by up to as long as it waited, and keep it for
    // every span started before the next check. Such a pair is not used (the next start checks again)
    // unless the anchor is off by far more than the wait: a stepped wall clock (an hour, after a VM
    // suspend) is then followed at once, within the wait, and the next check refines it.
    const after = monotonic.now();
    const gapMillis = after - monotonicMillis;
    if (gapMillis > MAX_READING_GAP_MILLIS) {
      nextWallClockCheckMillis = after;
      if (distance <= 2 * gapMillis * NANOS_PER_MILLI) return now;
    }
    current = { offsetNanos: wallNanos - monotonicNanos };
    return wallNanos;
  }
  return now;
}

/** The anchor {@link anchoredNowNanos} used last. */
export function currentClockAnchor(): ClockAnchor {
  return current;
}

/** Now, in clock nanoseconds, on `anchor` (monotonic time since the anchor was taken). */
export function nowNanosOn(anchor: ClockAnchor): number {
  return monotonic.now() * NANOS_PER_MILLI + anchor.offsetNanos;
}

/**
 * Converts any `TimeInput` the API accepts into clock nanoseconds: an `HrTime` is an epoch time, a
 * `Date` is an epoch time, and a `number` is epoch milliseconds from 1e12 (September 2001) on and
 * a `performance.now()` reading below that (the API allows both; no process runs for 31 years), placed
 * on `anchor`. Whole milliseconds, `Date`s and `[s, ns]` within about 100 days of the process start
 * convert exactly. Anything else yields `undefined`.
 */
export function toClockNanos(input: TimeInput | undefined, anchor: ClockAnchor = current): number | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    return input < EPOCH_MILLIS_THRESHOLD ? input * NANOS_PER_MILLI + anchor.offsetNanos : (input - CLOCK_BASE_MILLIS) * NANOS_PER_MILLI;
  }
  if (input instanceof Date) {
    const millis = input.getTime();
    return Number.isFinite(millis) ? (millis - CLOCK_BASE_MILLIS) * NANOS_PER_MILLI : undefined;
  }
  if (Array.isArray(input) && input.length === 2) {
    const seconds = input[0];
    const nanos = input[1];
    if (typeof seconds !== 'number' || typeof nanos !== 'number' || !Number.isFinite(seconds) || !Number.isFinite(nanos)) {
      return undefined;
    }
    return (seconds * 1000 - CLOCK_BASE_MILLIS) * NANOS_PER_MILLI + nanos;
  }
  return undefined;
}

/**
 * Clock nanoseconds hold whole nanoseconds exactly only up to 2^53 (about 104 days) either side of the
 * clock base: beyond, a `number` is a multiple of 2 ns or more. Whole milliseconds stay exact (up to
 * 2^59 ns), but an `[s, ns]` time farther away needs {@link exactHrTime} kept beside its clock time.
 */
const EXACT_CLOCK_NANOS_LIMIT = 2 ** 53;

/** Whether a clock time is within the range where it holds every nanosecond exactly (see {@link exactHrTime}). */
export function isExactClockNanos(clockNanos: number): boolean {
  return clockNanos < EXACT_CLOCK_NANOS_LIMIT && clockNanos > -EXACT_CLOCK_NANOS_LIMIT;
}

/**
 * The exact epoch time of an explicit `[seconds, nanoseconds]` input whose clock time (`clockNanos`,
 * from {@link toClockNanos}) is too far from the clock base to hold its nanoseconds: normalized
 * (`0 <= nanoseconds < 1e9`, fractions of a nanosecond rounded), for the span to keep and the encoders to
 * write instead of the rounded clock time. `undefined` for every other input (those convert exactly or
 * have no nanoseconds to lose), so the usual span keeps nothing more. Not called without an explicit time.
 */
export function exactHrTime(input: TimeInput | undefined, clockNanos: number): HrTime | undefined {
  if (!Array.isArray(input) || isExactClockNanos(clockNanos)) return undefined;
  let seconds = input[0];
  const nanos = Math.round(input[1]);
  if (!Number.isSafeInteger(seconds) || !Number.isSafeInteger(nanos)) return undefined;
  const carry = Math.floor(nanos / 1e9);
  seconds += carry;
  return [seconds, nanos - carry * 1e9];
}

/**
 * An epoch `HrTime` → its nanoseconds as `[high, low]` unsigned 32-bit halves, exactly, or `undefined`
 * when it has none that a `fixed64` can carry (negative, past 2^64 ns, not whole numbers).
 */
export function hrTimeToUnixNanoParts(time: HrTime): [high: number, low: number] | undefined {
  const seconds = time[0];
  const nanos = time[1];
  if (
    !Number.isSafeInteger(seconds) ||
    !Number.isSafeInteger(nanos) ||
    seconds < 0 ||
    seconds > MAX_FIXED64_SECONDS ||
    nanos < 0 ||
    nanos >= 1e9
  ) {
    return undefined;
  }
  const halves = unsignedHalves(BigInt(seconds) * 1_000_000_000n + BigInt(nanos));
  return halves[0] < TWO_POW_32 ? halves : undefined;
}

/** Clock nanoseconds → epoch `HrTime` `[seconds, nanoseconds]`. */
export function clockNanosToHrTime(clockNanos: number): HrTime {
  const [high, low] = clockNanosToUnixNanoParts(clockNanos);
  // high * 2^32 + low, split into seconds and nanoseconds without losing precision.
  const highSeconds = Math.floor((high * TWO_POW_32) / 1e9);
  let rest = high * TWO_POW_32 - highSeconds * 1e9 + low;
  const restSeconds = Math.floor(rest / 1e9);
  rest -= restSeconds * 1e9;
  return [highSeconds + restSeconds, Math.round(rest)];
}

/** Clock nanoseconds (a duration) → `HrTime`. */
export function nanosToHrTime(nanos: number): HrTime {
  const seconds = Math.floor(nanos / 1e9);
  return [seconds, Math.round(nanos - seconds * 1e9)];
}

/**
 * Clock nanoseconds → the epoch nanoseconds as `[high, low]` unsigned 32-bit halves, which is
 * what a protobuf `fixed64` is written from. Exact for any time the clock can hold.
 */
export function clockNanosToUnixNanoParts(clockNanos: number): [high: number, low: number] {
  const relative = Math.round(clockNanos);
  const relativeHigh = Math.floor(relative / TWO_POW_32);
  const relativeLow = relative - relativeHigh * TWO_POW_32;
  let low = BASE_LOW + relativeLow;
  let high = BASE_HIGH + relativeHigh;
  if (low >= TWO_POW_32) {
    low -= TWO_POW_32;
    high += 1;
  }
  return [high, low];
}

/** Clock nanoseconds → epoch nanoseconds as a `bigint` (for generated messages and tests, not hot paths). */
export function clockNanosToUnixNanoBigInt(clockNanos: number): bigint {
  const [high, low] = clockNanosToUnixNanoParts(clockNanos);
  return (BigInt(high) << 32n) | BigInt(low);
}

/** A non-negative integer as `[high, low]`: its bits above 32 (exact below 2^85) and its low 32 bits. */
function unsignedHalves(value: bigint): [high: number, low: number] {
  return [Number(value >> 32n), Number(value & 0xffffffffn)];
}
