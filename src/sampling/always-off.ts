import type { Sampler, SamplingResult } from './sampler.js';
import { DECISION_NOT_RECORD } from './sampling-decision-values.js';

/**
 * The one result every "drop, keep the parent's trace state" decision returns: frozen and shared, so
 * such a decision allocates nothing.
 */
export const NOT_RECORD_RESULT: SamplingResult = Object.freeze({ decision: DECISION_NOT_RECORD });

/**
 * The spec's `AlwaysOff` sampler: no span is recorded (each is a non-recording span that still
 * propagates its context). Its description is `AlwaysOffSampler`.
 *
 * @example
 * ```ts
 * const sampler = new AlwaysOffSampler();
 * sampler.toString(); // 'AlwaysOffSampler'
 * ```
 */
export class AlwaysOffSampler implements Sampler {
  /** Always `NOT_RECORD`, as one shared frozen result. */
  shouldSample(): SamplingResult {
    return NOT_RECORD_RESULT;
  }

  /** `AlwaysOffSampler`. */
  toString(): string {
    return 'AlwaysOffSampler';
  }
}
