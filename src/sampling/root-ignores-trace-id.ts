import type { Sampler } from './sampler.js';

/** Samplers marked by {@link markRootIgnoresTraceIds}. */
const marked = new WeakSet<Sampler>();

/**
 * Marks `sampler` as one that never reads the trace id it is given for a span without a parent: a
 * `ParentBasedSampler` that `createSamplerFromSettings` builds over `AlwaysOnSampler` or
 * `AlwaysOffSampler` with the default delegates (which never read it either). On Node such a root may
 * then draw its trace id after the sampling decision (src/trace/pooled-id-span.ts), so the decision
 * needs no hex id. Only SDK-built samplers are marked: a user's sampler is given the trace id as before.
 * @internal
 *
 * @example
 * ```ts
 * markRootIgnoresTraceIds(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
 * ```
 */
export function markRootIgnoresTraceIds<S extends Sampler>(sampler: S): S {
  marked.add(sampler);
  return sampler;
}

/**
 * Whether `sampler` was marked by {@link markRootIgnoresTraceIds}.
 * @internal
 *
 * @example
 * ```ts
 * rootSamplerIgnoresTraceIds(new AlwaysOnSampler()); // false: only marked samplers
 * ```
 */
export function rootSamplerIgnoresTraceIds(sampler: Sampler): boolean {
  return marked.has(sampler);
}
