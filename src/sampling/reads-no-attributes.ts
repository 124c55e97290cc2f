import { AlwaysOffSampler } from './always-off.js';
import { AlwaysOnSampler } from './always-on.js';
import { ProbabilitySampler } from './probability.js';
import type { Sampler } from './sampler.js';
import { TraceIdRatioBasedSampler } from './trace-id-ratio-based.js';

/** Parent-based samplers whose every delegate reads no attributes (registered by their constructor). */
const attributeFreeComposites = new WeakSet<Sampler>();

/**
 * Whether `sampler` is known never to read the attributes or links it is given: one of otelite's own
 * samplers exactly (a subclass may override `shouldSample`), or a parent-based sampler built only from
 * them. An instrumentation may then leave building a span's start attributes until the span is known
 * to record, so that a non-sampled request builds none.
 * @internal
 */
export function readsNoAttributes(sampler: Sampler): boolean {
  const type = (sampler as { constructor?: unknown }).constructor;
  return (
    type === AlwaysOffSampler ||
    type === AlwaysOnSampler ||
    type === TraceIdRatioBasedSampler ||
    type === ProbabilitySampler ||
    attributeFreeComposites.has(sampler)
  );
}

/** Records that `composite` reads no attributes itself and delegates only to samplers that read none. */
export function registerAttributeFreeComposite(composite: Sampler, delegates: readonly Sampler[]): void {
  if (delegates.every(readsNoAttributes)) attributeFreeComposites.add(composite);
}
