import { AlwaysOnSampler } from './always-on.js';
import { ParentBasedSampler } from './parent-based.js';
import type { Sampler } from './sampler.js';

/** Builds the sampler `OTEL_TRACES_SAMPLER` names (`createSamplerFromEnvironment`), where there is an environment. */
let fromEnvironment: (() => Sampler) | undefined;

/**
 * Makes `TracerProvider` take its default sampler from `read` (`createSamplerFromEnvironment`). Called by
 * the entry points of runtimes that have an environment (src/index.ts, platform/web/index.ts); the
 * browser entry does not, so a page bundles neither the `OTEL_TRACES_SAMPLER` names nor the samplers
 * only they build.
 * @internal
 *
 * @example
 * ```ts
 * useEnvironmentSampler(createSamplerFromEnvironment);
 * ```
 */
export function useEnvironmentSampler(read: (() => Sampler) | undefined): void {
  fromEnvironment = read;
}

/**
 * The sampler a `TracerProvider` without a `sampler` option uses: the environment's (see
 * {@link useEnvironmentSampler}), else `parentbased_always_on`, the spec's default.
 * @internal
 *
 * @example
 * ```ts
 * defaultSampler().toString(); // 'ParentBased{root=AlwaysOnSampler,...}' without OTEL_TRACES_SAMPLER
 * ```
 */
export function defaultSampler(): Sampler {
  return fromEnvironment !== undefined ? fromEnvironment() : new ParentBasedSampler({ root: new AlwaysOnSampler() });
}
