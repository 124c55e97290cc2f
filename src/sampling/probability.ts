import type { Context, TraceState } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { createTraceState } from '../propagation/trace-state.js';
import { NOT_RECORD_RESULT } from './always-off.js';
import { RECORD_AND_SAMPLED_RESULT } from './always-on.js';
import { parentSpanContext } from './parent-span-context.js';
import { markReadsNoAttributes } from './reads-no-attributes.js';
import type { Sampler, SamplingResult } from './sampler.js';
import { SamplingDecision } from './sampler.js';
import {
  encodeThreshold,
  findRandomness,
  hasThreshold,
  MAX_OTEL_VALUE_LENGTH,
  meetsThreshold,
  normalizeRatio,
  OTEL_TRACE_STATE_KEY,
  ratioToThreshold,
  rewriteOtelValue,
  THRESHOLD_DIGITS,
  TRACE_ID_RANDOMNESS_OFFSET,
} from './threshold.js';

/** Options of {@link ProbabilitySampler}. */
export interface ProbabilitySamplerOptions {
  /**
   * The sampling probability, in [2^-56, 1], or 0 to sample nothing. Invalid values are reported once
   * and replaced: not a number (or NaN) → 1, below 0 → 0, above 1 → 1, a positive value below 2^-56 →
   * 2^-56.
   */
  ratio: number;
}

/** The W3C Trace Context Level 2 flag saying the trace id's low 56 bits are random. */
const RANDOM_TRACE_FLAG = 0x2;

/**
 * The spec's `ProbabilitySampler`: consistent probability sampling with the threshold recorded in the
 * trace state, so every later stage (children, collectors) can tell the span's sampling probability.
 *
 * - Randomness `R`: the parent's explicit randomness `ot=rv:<14 hex digits>` when present and valid, else
 *   the low 56 bits of the trace id. An invalid `rv` is ignored and dropped from the new trace state, so
 *   the `th` written always agrees with the randomness a reader will derive.
 * - Threshold `T = round((1 − ratio) · 2^56)`, at full 56-bit precision (see {@link ratioToThreshold}).
 * - Sampled when `R ≥ T`: `RECORD_AND_SAMPLED`, and the new span's trace state gets `ot=th:<T>` (14 hex
 *   digits, trailing zeros removed, `0` for T = 0), other `ot` sub-keys such as `rv` kept, `ot` moved to
 *   the front. Otherwise `NOT_RECORD`, and any `th` inherited from the parent is erased.
 * - The parent's sampled flag is ignored (use a {@link ParentBasedSampler} to honour it); the parent's
 *   own `th` is replaced, never trusted.
 *
 * Decisions agree with {@link TraceIdRatioBasedSampler} for the same ratio and trace id (without `rv`).
 *
 * @example
 * ```ts
 * const sampler = new ParentBasedSampler({ root: new ProbabilitySampler({ ratio: 0.25 }) });
 * // a sampled root span carries `tracestate: ot=th:c`
 * ```
 */
export class ProbabilitySampler implements Sampler {
  readonly #ratio: number;
  /** 14 lowercase hex digits, or undefined when nothing is sampled (ratio 0). */
  readonly #threshold: string | undefined;
  /** The `th` value: the threshold with trailing zeros removed. */
  readonly #encodedThreshold: string;
  /** `th:<encoded>`, the `ot` value of a span sampled without other `ot` sub-keys. */
  readonly #otelValue: string;
  /** The result for a sampled span whose parent had no trace state: shared, frozen. */
  #rootResult: SamplingResult | undefined;

  /**
   * @param options `{ ratio }`, or the ratio itself (`new ProbabilitySampler(0.1)`, opentelemetry-js's form).
   */
  constructor(options: ProbabilitySamplerOptions | number) {
    this.#ratio = normalizeRatio(typeof options === 'number' ? options : options?.ratio, 'ProbabilitySampler');
    this.#threshold = ratioToThreshold(this.#ratio);
    this.#encodedThreshold = encodeThreshold(this.#threshold ?? '0');
    this.#otelValue = `th:${this.#encodedThreshold}`;
    if (new.target === ProbabilitySampler) markReadsNoAttributes(this);
  }

  /** Decides from `R ≥ T` and writes or erases `th`; see the class description. */
  shouldSample(context: Context, traceId: string): SamplingResult {
    const threshold = this.#threshold;
    const parent = parentSpanContext(context);
    const traceState = parent?.traceState;
    const ot = traceState?.get(OTEL_TRACE_STATE_KEY);
    if (ot === undefined) {
      if (parent?.isRemote && (parent.traceFlags & RANDOM_TRACE_FLAG) === 0) warnPresumedRandom();
      if (threshold === undefined || !meetsThreshold(traceId, TRACE_ID_RANDOMNESS_OFFSET, threshold, 0, THRESHOLD_DIGITS)) {
        return NOT_RECORD_RESULT;
      }
      if (traceState === undefined) return (this.#rootResult ??= this.#freshResult());
      return sampledResult(traceState.set(OTEL_TRACE_STATE_KEY, this.#otelValue));
    }
    // The parent carries `ot` (so traceState is defined): the rare, allocating path.
    const randomness = findRandomness(ot);
    if (randomness < 0 && parent!.isRemote && (parent!.traceFlags & RANDOM_TRACE_FLAG) === 0) warnPresumedRandom();
    const sampled =
      threshold !== undefined &&
      (randomness >= 0
        ? meetsThreshold(ot, randomness, threshold, 0, THRESHOLD_DIGITS)
        : meetsThreshold(traceId, TRACE_ID_RANDOMNESS_OFFSET, threshold, 0, THRESHOLD_DIGITS));
    if (!sampled) {
      if (!hasThreshold(ot)) return NOT_RECORD_RESULT;
      return { decision: SamplingDecision.NOT_RECORD, traceState: withOtelValue(traceState!, rewriteOtelValue(ot, undefined)) };
    }
    let rewritten = rewriteOtelValue(ot, this.#encodedThreshold);
    if (rewritten === ot) return RECORD_AND_SAMPLED_RESULT;
    if (rewritten !== undefined && rewritten.length > MAX_OTEL_VALUE_LENGTH) {
      warnOnce(
        `ProbabilitySampler: the "ot" trace state entry would exceed ${MAX_OTEL_VALUE_LENGTH} characters; its threshold is erased instead.`,
      );
      rewritten = rewriteOtelValue(ot, undefined);
    }
    return sampledResult(withOtelValue(traceState!, rewritten));
  }

  /** `ProbabilitySampler{<ratio>}`, e.g. `ProbabilitySampler{0.25}`. */
  toString(): string {
    return `ProbabilitySampler{${this.#ratio}}`;
  }

  #freshResult(): SamplingResult {
    return Object.freeze({
      decision: SamplingDecision.RECORD_AND_SAMPLED,
      traceState: createTraceState(`${OTEL_TRACE_STATE_KEY}=${this.#otelValue}`),
    });
  }
}

function sampledResult(traceState: TraceState): SamplingResult {
  return { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState };
}

function withOtelValue(traceState: TraceState, value: string | undefined): TraceState {
  return value === undefined ? traceState.unset(OTEL_TRACE_STATE_KEY) : traceState.set(OTEL_TRACE_STATE_KEY, value);
}

let warnedPresumedRandom = false;

/** The spec's compatibility warning, once: randomness taken from the trace id of a remote parent without the random flag. */
export function warnPresumedRandom(): void {
  if (warnedPresumedRandom) return;
  warnedPresumedRandom = true;
  warnOnce(
    'The ProbabilitySampler sampler is presuming TraceIDs are random and expects the Trace random flag to be set ' +
      'in confirmation. Please upgrade your caller(s) to use W3C Trace Context Level 2.',
  );
}
