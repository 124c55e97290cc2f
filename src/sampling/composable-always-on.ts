import { ALWAYS_INTENT, markComposableAttributeFree, type ComposableSampler, type SamplingIntent } from './composable-sampler.js';

class ComposableAlwaysOn implements ComposableSampler {
  getSamplingIntent(): SamplingIntent {
    return ALWAYS_INTENT;
  }

  toString(): string {
    return 'ComposableAlwaysOn';
  }
}

const ALWAYS_ON: ComposableSampler = Object.freeze(new ComposableAlwaysOn());
markComposableAttributeFree(ALWAYS_ON);

/**
 * The spec's `ComposableAlwaysOn`: every span is sampled, with threshold 0 (`ot=th:0`), reliable. Its
 * description is `ComposableAlwaysOn`. One shared, frozen instance; its intent allocates nothing.
 *
 * @example
 * ```ts
 * const sampler = new CompositeSampler(composableAlwaysOn());
 * // every span recorded and sampled, carrying `tracestate: ot=th:0`
 * ```
 */
export function composableAlwaysOn(): ComposableSampler {
  return ALWAYS_ON;
}
