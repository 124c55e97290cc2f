import type { Context } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { NOT_RECORD_RESULT } from './always-off.js';
import { RECORD_AND_SAMPLED_RESULT } from './always-on.js';
import { parentSpanContext } from './parent-span-context.js';
import { markReadsNoAttributes } from './reads-no-attributes.js';
import type { Sampler, SamplingResult } from './sampler.js';
import { meetsThreshold, normalizeRatio, ratioToThreshold, THRESHOLD_DIGITS, TRACE_ID_RANDOMNESS_OFFSET } from './threshold.js';

/** Options of {@link TraceIdRatioBasedSampler}. */
export interface TraceIdRatioBasedSamplerOptions {
  /**
   * The fraction of traces sampled, in [0, 1]: 0 samples nothing, 1 everything. Invalid values are
   * reported once and replaced: not a number (or NaN) → 1, below 0 → 0, above 1 → 1, a positive value
   * below 2^-56 → 2^-56.
   */
  ratio: number;
}

let warnedAsChild = false;

/**
 * The spec's `TraceIdRatioBased` sampler: samples a fraction `ratio` of traces, decided from the trace id
 * alone, so every span of a trace gets the same answer in every process. A trace is sampled when the low
 * 56 bits of its id are ≥ the rejection threshold `round((1 − ratio) · 2^56)`, the rule of consistent
 * probability sampling: a higher ratio samples a superset, and the decision agrees with
 * {@link ProbabilitySampler} for the same ratio. It ignores the parent's sampled flag and leaves the
 * trace state alone; use it as the `root` of a {@link ParentBasedSampler} (it warns once when it sees a
 * parent), or use `ProbabilitySampler`, which also records the threshold in the trace state.
 *
 * @example
 * ```ts
 * const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler({ ratio: 0.25 }) });
 * const positional = new TraceIdRatioBasedSampler(0.25); // the same, in opentelemetry-js's form
 * sampler.toString(); // 'ParentBased{root=TraceIdRatioBased{0.25},...}'
 * ```
 */
export class TraceIdRatioBasedSampler implements Sampler {
  readonly #ratio: number;
  /** 14 lowercase hex digits, or undefined when nothing is sampled (ratio 0). */
  readonly #threshold: string | undefined;

  /**
   * @param options `{ ratio }`, or the ratio itself (`new TraceIdRatioBasedSampler(0.1)`, opentelemetry-js's form).
   */
  constructor(options: TraceIdRatioBasedSamplerOptions | number) {
    this.#ratio = normalizeRatio(typeof options === 'number' ? options : options?.ratio, 'TraceIdRatioBasedSampler');
    this.#threshold = ratioToThreshold(this.#ratio);
    if (new.target === TraceIdRatioBasedSampler) markReadsNoAttributes(this);
  }

  /** `RECORD_AND_SAMPLED` when the trace id's randomness reaches the threshold, else `NOT_RECORD`. */
  shouldSample(context: Context, traceId: string): SamplingResult {
    if (!warnedAsChild) warnIfChild(context);
    const threshold = this.#threshold;
    return threshold !== undefined && meetsThreshold(traceId, TRACE_ID_RANDOMNESS_OFFSET, threshold, 0, THRESHOLD_DIGITS)
      ? RECORD_AND_SAMPLED_RESULT
      : NOT_RECORD_RESULT;
  }

  /** `TraceIdRatioBased{<ratio>}`, e.g. `TraceIdRatioBased{0.25}`. */
  toString(): string {
    return `TraceIdRatioBased{${this.#ratio}}`;
  }
}

function warnIfChild(context: Context): void {
  if (parentSpanContext(context) === undefined) return;
  warnedAsChild = true;
  warnOnce('TraceIdRatioBased is used as a child sampler; use it as a ParentBasedSampler root, or ProbabilitySampler.');
}
