import { AlwaysOffSampler } from './always-off.js';
import { AlwaysOnSampler } from './always-on.js';
import type { Sampler } from './sampler.js';

/**
 * Samplers known never to read the attributes or links they are given, besides `AlwaysOnSampler` and
 * `AlwaysOffSampler` (recognised by class: every bundle has them): the ratio samplers, each of which marks
 * itself in its constructor (so this file names neither and a bundle keeps only the samplers it uses),
 * and parent-based samplers built only from such samplers.
 */
const attributeFree = new WeakSet<Sampler>();

/**
 * Whether `sampler` is known never to read the attributes or links it is given: one of otelite's own
 * samplers exactly (a subclass may override `shouldSample`), or a parent-based sampler built only from
 * them. An instrumentation may then leave building a span's start attributes until the span is known
 * to record, so that a non-sampled request builds none.
 * @internal
 */
export function readsNoAttributes(sampler: Sampler): boolean {
  const type = (sampler as { constructor?: unknown }).constructor;
  return type === AlwaysOffSampler || type === AlwaysOnSampler || attributeFree.has(sampler);
}

/**
 * Records that `sampler` reads no attributes: called by the constructors of `TraceIdRatioBasedSampler`
 * and `ProbabilitySampler` when the instance is of that class exactly (`new.target`), not of a subclass.
 * @internal
 */
export function markReadsNoAttributes(sampler: Sampler): void {
  attributeFree.add(sampler);
}

/** Records that `composite` reads no attributes itself and delegates only to samplers that read none. */
export function registerAttributeFreeComposite(composite: Sampler, delegates: readonly Sampler[]): void {
  if (delegates.every(readsNoAttributes)) attributeFree.add(composite);
}
