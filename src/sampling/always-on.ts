import type { Sampler, SamplingResult } from './sampler.js';
import { DECISION_RECORD_AND_SAMPLED } from './sampling-decision-values.js';

/**
 * The one result every "record and sample, keep the parent's trace state" decision returns: frozen and
 * shared, so such a decision allocates nothing.
 */
export const RECORD_AND_SAMPLED_RESULT: SamplingResult = Object.freeze({ decision: DECISION_RECORD_AND_SAMPLED });

/**
 * The spec's `AlwaysOn` sampler: every span is recorded and sampled; the trace state is left as it is.
 * Its description is `AlwaysOnSampler`.
 *
 * @example
 * ```ts
 * const sampler = new AlwaysOnSampler();
 * sampler.toString(); // 'AlwaysOnSampler'
 * ```
 */
export class AlwaysOnSampler implements Sampler {
  /** Always `RECORD_AND_SAMPLED`, as one shared frozen result. */
  shouldSample(): SamplingResult {
    return RECORD_AND_SAMPLED_RESULT;
  }

  /** `AlwaysOnSampler`. */
  toString(): string {
    return 'AlwaysOnSampler';
  }
}
