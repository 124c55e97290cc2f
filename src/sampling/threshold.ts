import { warnOnce } from '../diagnostics/report.js';
import { DIGIT_ZERO } from '../internal/char-codes.js';
import { LOWERCASE_HEX_DIGIT_VALUES } from '../internal/hex-digit-values.js';
import { TWO_POW_32 } from '../internal/numeric-constants.js';
import { MAX_OTEL_VALUE_LENGTH, OTEL_TRACE_STATE_KEY, THRESHOLD_DIGITS, TRACE_ID_RANDOMNESS_OFFSET } from './threshold-format.js';

/**
 * Consistent probability sampling arithmetic: rejection thresholds (`T`, the `th` sub-key of the
 * OpenTelemetry `ot` trace state entry) and randomness values (`R`, the `rv` sub-key or the low 56
 * bits of the trace id), as the specification's `tracestate-probability-sampling.md` and
 * `tracestate-handling.md` define them.
 *
 * Both quantities are 56-bit unsigned integers. They are kept as 14 lowercase hex digits and compared
 * digit by digit (the spec chose lowercase hex so that lexicographic order is numeric order), so the
 * hot path neither parses hex nor needs BigInt: the comparison usually ends at the first digit.
 */

/** The smallest probability consistent sampling can express: one randomness value out of 2^56. */
// Literals, not `2 ** n`: bundlers keep an unused `**` expression, and a page uses none of these three.
export const MIN_PROBABILITY = 1.3877787807814457e-17; // 2 ** -56, exactly
export { MAX_OTEL_VALUE_LENGTH, OTEL_TRACE_STATE_KEY, THRESHOLD_DIGITS, TRACE_ID_RANDOMNESS_OFFSET };

const TWO_POW_24 = 0x1000000;
const TWO_POW_56 = 0x100000000000000;

/**
 * The sampling ratio a sampler uses for the `ratio` it was given, with one warning per kind of problem:
 * a missing, non-number or NaN ratio falls back to 1 (the spec's default for
 * `OTEL_TRACES_SAMPLER_ARG`: keep data rather than silently lose it); below 0 clamps to 0; above 1
 * clamps to 1; a positive ratio below 2^-56 rises to 2^-56, the smallest probability the spec defines.
 */
export function normalizeRatio(ratio: unknown, samplerName: string): number {
  if (typeof ratio !== 'number' || Number.isNaN(ratio)) {
    warnOnce(`${samplerName}: ratio ${describe(ratio)} is not a number; using 1 (sample everything).`);
    return 1;
  }
  if (ratio < 0) {
    warnOnce(`${samplerName}: ratio ${ratio} is below 0; using 0 (sample nothing).`);
    return 0;
  }
  if (ratio > 1) {
    warnOnce(`${samplerName}: ratio ${ratio} is above 1; using 1 (sample everything).`);
    return 1;
  }
  if (ratio > 0 && ratio < MIN_PROBABILITY) {
    warnOnce(`${samplerName}: ratio ${ratio} is below the smallest sampling probability 2^-56; using 2^-56.`);
    return MIN_PROBABILITY;
  }
  return ratio;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/**
 * The rejection threshold `T = round((1 − ratio) · 2^56)` as 14 lowercase hex digits, or `undefined`
 * for ratio 0 (T = 2^56: no randomness value passes). `ratio` must already be normalized.
 *
 * Precision: full 56 bits, not the spec's recommended 4 significant hex digits. `ratio · 2^56` is exact
 * in a double (a power-of-two scaling) and is rounded half-up to the number `A` of accepted randomness
 * values; `T = 2^56 − A` is then formed in two exact parts (high 24 bits, low 32 bits). So the decision
 * is exactly the nearest to the configured ratio, a higher ratio never has a higher threshold, and
 * ratio 2^-56 accepts exactly one randomness value. Ratios that are sums of a few powers of two encode
 * short (0.25 → `c`, 0.5 → `8`); others use up to 14 digits.
 */
export function ratioToThreshold(ratio: number): string | undefined {
  const accepted = Math.round(ratio * TWO_POW_56);
  if (accepted <= 0) return undefined;
  if (accepted >= TWO_POW_56) return '0'.repeat(THRESHOLD_DIGITS);
  const acceptedHigh = Math.floor(accepted / TWO_POW_32);
  const acceptedLow = accepted - acceptedHigh * TWO_POW_32;
  let high: number;
  let low: number;
  if (acceptedLow === 0) {
    high = TWO_POW_24 - acceptedHigh;
    low = 0;
  } else {
    high = TWO_POW_24 - 1 - acceptedHigh;
    low = TWO_POW_32 - acceptedLow;
  }
  return high.toString(16).padStart(6, '0') + low.toString(16).padStart(8, '0');
}

/**
 * The `th` value for a 14-digit threshold: trailing zeros removed, `0` when the threshold is 0.
 *
 * @example
 * ```ts
 * encodeThreshold('c0000000000000'); // 'c'
 * ```
 */
export function encodeThreshold(threshold: string): string {
  let end = threshold.length;
  while (end > 0 && threshold.charCodeAt(end - 1) === DIGIT_ZERO) end--;
  return end === 0 ? '0' : threshold.slice(0, end);
}

/**
 * Whether the 14-digit randomness at `randomness[randomnessStart...]` is ≥ the threshold whose
 * `thresholdLength` digits start at `threshold[thresholdStart]` (missing digits count as trailing
 * zeros, as a `th` value is decoded). Threshold digits must be lowercase; randomness digits may be
 * either case (the API accepts uppercase trace ids). Allocates nothing.
 */
export function meetsThreshold(
  randomness: string,
  randomnessStart: number,
  threshold: string,
  thresholdStart: number,
  thresholdLength: number,
): boolean {
  for (let i = 0; i < THRESHOLD_DIGITS; i++) {
    // `| 0x20` folds A-F onto a-f and leaves digits alone; a missing character (NaN) becomes 0x20,
    // below every digit, so a short id never passes.
    const r = randomness.charCodeAt(randomnessStart + i) | 0x20;
    const t = i < thresholdLength ? threshold.charCodeAt(thresholdStart + i) : DIGIT_ZERO;
    if (r !== t) return r > t;
  }
  return true;
}

/**
 * Where the value of the two-letter sub-key `key` starts in an `ot` entry value such as
 * `th:c;rv:6e6d1a75832a2f`, or -1. Only the first occurrence counts. Allocates nothing.
 */
export function findSubKeyValue(ot: string, key: string): number {
  const length = ot.length;
  let start = 0;
  while (start < length) {
    let end = ot.indexOf(';', start);
    if (end === -1) end = length;
    if (end - start > key.length && ot.startsWith(key, start) && ot.charCodeAt(start + key.length) === 0x3a) {
      return start + key.length + 1;
    }
    start = end + 1;
  }
  return -1;
}

/** Where the sub-key value starting at `valueStart` ends (the next `;` or the end of `ot`). */
export function subKeyValueEnd(ot: string, valueStart: number): number {
  const end = ot.indexOf(';', valueStart);
  return end === -1 ? ot.length : end;
}

function isLowercaseHex(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    // A code of 128 or more reads as undefined, which is not >= 0 either.
    if (!(LOWERCASE_HEX_DIGIT_VALUES[text.charCodeAt(i)] >= 0)) return false;
  }
  return true;
}

/** Whether `ot[start...]` holds a valid `rv` value: exactly 14 lowercase hex digits. */
export function isRandomnessValueAt(ot: string, start: number): boolean {
  const end = subKeyValueEnd(ot, start);
  return end - start === THRESHOLD_DIGITS && isLowercaseHex(ot, start, end);
}

/** Whether `ot[start, end)` holds a valid `th` value: 1 to 14 lowercase hex digits. */
export function isThresholdValue(ot: string, start: number, end: number): boolean {
  return end > start && end - start <= THRESHOLD_DIGITS && isLowercaseHex(ot, start, end);
}

/**
 * Where the valid explicit randomness (`rv`) of an `ot` entry value starts, -1 when there is none,
 * or -2 when an `rv` is present but invalid (it is then ignored, per the spec).
 */
export function findRandomness(ot: string): number {
  const start = findSubKeyValue(ot, 'rv');
  if (start === -1) return -1;
  return isRandomnessValueAt(ot, start) ? start : -2;
}

/**
 * For a sampled parent: whether the threshold of its `ot` entry value is absent or consistent with its
 * randomness (`R ≥ T`, R from a valid `rv`, else from the trace id). An invalid `th` is inconsistent.
 */
export function isThresholdConsistent(ot: string, traceId: string): boolean {
  const start = findSubKeyValue(ot, 'th');
  if (start === -1) return true;
  const end = subKeyValueEnd(ot, start);
  if (!isThresholdValue(ot, start, end)) return false;
  const randomness = findRandomness(ot);
  return randomness >= 0
    ? meetsThreshold(ot, randomness, ot, start, end - start)
    : meetsThreshold(traceId, TRACE_ID_RANDOMNESS_OFFSET, ot, start, end - start);
}

const OTEL_MEMBER = /^[a-z][a-z0-9]*:[A-Za-z0-9._-]*$/;

/**
 * A new `ot` entry value: `th:<threshold>` first (when given), then the other sub-keys of `ot` in
 * their order, without any old `th`, without an invalid `rv`, without malformed or repeated members.
 * `undefined` when nothing is left. Not for the hot path: only used when a parent carries `ot`.
 */
export function rewriteOtelValue(ot: string | undefined, threshold: string | undefined): string | undefined {
  let result = threshold === undefined ? '' : `th:${threshold}`;
  if (ot !== undefined && ot !== '') {
    const seen = new Set<string>(['th']);
    for (const member of ot.split(';')) {
      if (!OTEL_MEMBER.test(member)) continue;
      const colon = member.indexOf(':');
      const key = member.slice(0, colon);
      if (seen.has(key)) continue;
      seen.add(key);
      if (key === 'rv' && !isRandomnessValueAt(member, colon + 1)) continue;
      result = result === '' ? member : `${result};${member}`;
    }
  }
  return result === '' ? undefined : result;
}

/** Whether `ot` has a `th` sub-key. */
export function hasThreshold(ot: string): boolean {
  return findSubKeyValue(ot, 'th') !== -1;
}
