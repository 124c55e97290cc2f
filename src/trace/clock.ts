import type { HrTime, TimeInput } from '@opentelemetry/api';

/**
 * The SDK clock.
 *
 * Span times are kept as one `number`: nanoseconds since `performance.timeOrigin`, read from the
 * monotonic `performance.now()`. That is cheaper than an `HrTime` tuple (no allocation, one
 * subtraction gives a duration) and exact to well under a microsecond for the first 100 days of a
 * process. Absolute (Unix epoch) times are derived from it only when a span is exported or asked
 * for its `HrTime`.
 */

const NANOS_PER_MILLI = 1e6;
/** Read once: the global `performance` is an accessor, and `nowNanos` runs twice per span. */
const clock = performance;
const TWO_POW_32 = 4294967296;
/** Numbers from here on are epoch milliseconds; below it, `performance.now()` readings. */
const EPOCH_MILLIS_THRESHOLD = 1e12;

/** `performance.timeOrigin` rounded to whole microseconds, so that its epoch nanoseconds are an exact integer. */
const ORIGIN_MICROS = Math.round(performance.timeOrigin * 1000);
const ORIGIN_MILLIS = ORIGIN_MICROS / 1000;
/** Epoch nanoseconds of the origin as two exact unsigned 32-bit halves (no BigInt). */
const [ORIGIN_HIGH, ORIGIN_LOW] = splitProduct(ORIGIN_MICROS, 1000);

/** Now, in clock nanoseconds (nanoseconds since `performance.timeOrigin`). */
export function nowNanos(): number {
  return clock.now() * NANOS_PER_MILLI;
}

/**
 * Converts any `TimeInput` the API accepts into clock nanoseconds: an `HrTime` is an epoch time, a
 * `Date` is an epoch time, and a `number` is epoch milliseconds from 1e12 (September 2001) on and
 * a `performance.now()` reading below that (the API allows both; no process runs for 31 years).
 * Anything else yields `undefined`.
 */
export function toClockNanos(input: TimeInput | undefined): number | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    return input < EPOCH_MILLIS_THRESHOLD ? input * NANOS_PER_MILLI : (input - ORIGIN_MILLIS) * NANOS_PER_MILLI;
  }
  if (input instanceof Date) {
    const millis = input.getTime();
    return Number.isFinite(millis) ? (millis - ORIGIN_MILLIS) * NANOS_PER_MILLI : undefined;
  }
  if (Array.isArray(input) && input.length === 2) {
    const seconds = input[0];
    const nanos = input[1];
    if (typeof seconds !== 'number' || typeof nanos !== 'number' || !Number.isFinite(seconds) || !Number.isFinite(nanos)) {
      return undefined;
    }
    return (seconds * 1000 - ORIGIN_MILLIS) * NANOS_PER_MILLI + nanos;
  }
  return undefined;
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
  let low = ORIGIN_LOW + relativeLow;
  let high = ORIGIN_HIGH + relativeHigh;
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

/** a × b for non-negative integers whose product may exceed 2^53, as exact `[high, low]` 32-bit halves (b < 2^16). */
function splitProduct(a: number, b: number): [number, number] {
  const aHigh = Math.floor(a / 65536);
  const aLow = a - aHigh * 65536;
  const x = aHigh * b; // the product's part above bit 16, exact
  const y = aLow * b; // exact
  const xLow16 = x % 65536;
  const lowSum = xLow16 * 65536 + y;
  const carry = Math.floor(lowSum / TWO_POW_32);
  return [Math.floor(x / 65536) + carry, lowSum - carry * TWO_POW_32];
}
