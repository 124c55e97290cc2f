import type { Environment } from '../config/environment.js';
import { warnOnce } from '../diagnostics/report.js';
import { AlwaysOffSampler } from './always-off.js';
import { AlwaysOnSampler } from './always-on.js';
import { ParentBasedSampler } from './parent-based.js';
import type { Sampler } from './sampler.js';
import { TraceIdRatioBasedSampler } from './trace-id-ratio-based.js';

/** The sampler settings {@link createSamplerFromEnvironment} reads: those of `readEnvironment()`. */
export type SamplerSettings = Pick<Environment, 'sampler' | 'samplerRatio'>;

/**
 * The sampler that `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name, from the settings
 * `readEnvironment()` already parsed and validated:
 *
 * | `sampler`                  | sampler                                                        |
 * | -------------------------- | -------------------------------------------------------------- |
 * | `always_on`                | `AlwaysOnSampler`                                              |
 * | `always_off`               | `AlwaysOffSampler`                                             |
 * | `traceidratio`             | `TraceIdRatioBasedSampler({ ratio: samplerRatio })`            |
 * | `parentbased_always_on`    | `ParentBasedSampler({ root: AlwaysOnSampler })` (the default)  |
 * | `parentbased_always_off`   | `ParentBasedSampler({ root: AlwaysOffSampler })`               |
 * | `parentbased_traceidratio` | `ParentBasedSampler({ root: TraceIdRatioBasedSampler(...) })`  |
 *
 * An unknown name (possible only when the settings do not come from `readEnvironment`) is reported once
 * and gives the default, `parentbased_always_on`.
 *
 * @example
 * ```ts
 * const sampler = createSamplerFromEnvironment(readEnvironment());
 * createSamplerFromEnvironment({ sampler: 'traceidratio', samplerRatio: 0.1 }).toString(); // 'TraceIdRatioBased{0.1}'
 * ```
 */
export function createSamplerFromEnvironment(settings: SamplerSettings): Sampler {
  const { sampler, samplerRatio } = settings;
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler({ ratio: samplerRatio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler({ ratio: samplerRatio }) });
    default:
      warnOnce(`Unknown sampler "${String(sampler)}"; using parentbased_always_on.`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
