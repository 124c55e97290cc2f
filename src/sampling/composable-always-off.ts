import { DROP_INTENT, markComposableAttributeFree, type ComposableSampler, type SamplingIntent } from './composable-sampler.js';

class ComposableAlwaysOff implements ComposableSampler {
  getSamplingIntent(): SamplingIntent {
    return DROP_INTENT;
  }

  toString(): string {
    return 'ComposableAlwaysOff';
  }
}

const ALWAYS_OFF: ComposableSampler = Object.freeze(new ComposableAlwaysOff());
markComposableAttributeFree(ALWAYS_OFF);

/**
 * The spec's `ComposableAlwaysOff`: no span is sampled (no threshold, not reliable). Its description is
 * `ComposableAlwaysOff`. One shared, frozen instance; its intent allocates nothing.
 *
 * @example
 * ```ts
 * const sampler = new CompositeSampler(composableAlwaysOff());
 * // every span is a non-recording span that only propagates its context
 * ```
 */
export function composableAlwaysOff(): ComposableSampler {
  return ALWAYS_OFF;
}
