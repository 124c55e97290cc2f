import { composableAlwaysOff } from './composable-always-off.js';
import { markComposableAttributeFree, type ComposableSampler, type SamplingIntent } from './composable-sampler.js';
import { normalizeRatio, ratioToThreshold } from './threshold.js';

class ComposableProbability implements ComposableSampler {
  readonly #ratio: number;
  readonly #intent: SamplingIntent;

  constructor(ratio: number, threshold: string) {
    this.#ratio = ratio;
    this.#intent = Object.freeze({ threshold, thresholdReliable: true });
  }

  getSamplingIntent(): SamplingIntent {
    return this.#intent;
  }

  toString(): string {
    return `ComposableProbability{${this.#ratio}}`;
  }
}

/**
 * The spec's `ComposableProbability`: samples a fraction `ratio` of traces, with the same threshold
 * `T = round((1 − ratio) · 2^56)` (full 56-bit precision) as {@link ProbabilitySampler}, reliable, so a
 * sampled span carries `ot=th:<T>` and the decision agrees with `ProbabilitySampler` for the same ratio
 * and randomness. `new CompositeSampler(composableProbability(r))` behaves as `new ProbabilitySampler(r)`.
 *
 * Ratio 0 gives {@link composableAlwaysOff}, as the spec asks. Invalid ratios are reported once and
 * replaced: not a number (or NaN) → 1, below 0 → 0, above 1 → 1, a positive value below 2^-56 → 2^-56.
 * The description is `ComposableProbability{<ratio>}`.
 *
 * @example
 * ```ts
 * const sampler = new CompositeSampler(composableParentThreshold(composableProbability(0.25)));
 * // a sampled root span carries `tracestate: ot=th:c`
 * ```
 */
export function composableProbability(ratio: number): ComposableSampler {
  const normalized = normalizeRatio(ratio, 'composableProbability');
  const threshold = ratioToThreshold(normalized);
  if (threshold === undefined) return composableAlwaysOff();
  const sampler = Object.freeze(new ComposableProbability(normalized, threshold));
  markComposableAttributeFree(sampler);
  return sampler;
}
