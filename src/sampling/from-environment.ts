import { readEnvironmentVariable, type EnvironmentSource } from '../config/environment-variable.js';
import { readChoiceVariable, readStringVariable } from '../config/typed-variables.js';
import { warnOnce } from '../diagnostics/report.js';
import { AlwaysOffSampler } from './always-off.js';
import { AlwaysOnSampler } from './always-on.js';
import { ParentBasedSampler } from './parent-based.js';
import { markRootIgnoresTraceIds } from './root-ignores-trace-id.js';
import type { Sampler } from './sampler.js';
import { TraceIdRatioBasedSampler } from './trace-id-ratio-based.js';

/** The sampler names `OTEL_TRACES_SAMPLER` accepts. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** The sampler `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` ask for, as {@link readSamplerEnvironment} returns it. */
export interface SamplerSettings {
  /** Default `parentbased_always_on`. */
  sampler: SamplerName;
  /** The ratio of the `traceidratio` samplers, in [0, 1]; default 1. */
  samplerRatio: number;
}

const SAMPLER_NAMES: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const DEFAULT_SAMPLER: SamplerName = 'parentbased_always_on';

/**
 * Reads `OTEL_TRACES_SAMPLER` and, for the ratio samplers only, `OTEL_TRACES_SAMPLER_ARG`. An unknown
 * name or a ratio outside [0, 1] gives one warning and the default.
 *
 * @example
 * ```ts
 * // OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.1
 * readSamplerEnvironment(); // { sampler: 'traceidratio', samplerRatio: 0.1 }
 * ```
 */
export function readSamplerEnvironment(environment: EnvironmentSource = readEnvironmentVariable): SamplerSettings {
  const sampler = readChoiceVariable(environment, 'OTEL_TRACES_SAMPLER', SAMPLER_NAMES, DEFAULT_SAMPLER);
  let samplerRatio = 1;
  const argument = readStringVariable(environment, 'OTEL_TRACES_SAMPLER_ARG');
  if (argument !== undefined && sampler.endsWith('traceidratio')) {
    const value = Number(argument);
    if (Number.isFinite(value) && value >= 0 && value <= 1 && /^[\d.eE+-]+$/.test(argument)) {
      samplerRatio = value;
    } else {
      warnOnce(`OTEL_TRACES_SAMPLER_ARG="${argument}" is not a probability between 0 and 1; using 1.`);
    }
  }
  return { sampler, samplerRatio };
}

/**
 * The sampler that `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name, read from the environment
 * now (see {@link readSamplerEnvironment}):
 *
 * | `OTEL_TRACES_SAMPLER`      | sampler                                                        |
 * | -------------------------- | -------------------------------------------------------------- |
 * | `always_on`                | `AlwaysOnSampler`                                              |
 * | `always_off`               | `AlwaysOffSampler`                                             |
 * | `traceidratio`             | `TraceIdRatioBasedSampler({ ratio })`                          |
 * | `parentbased_always_on`    | `ParentBasedSampler({ root: AlwaysOnSampler })` (the default)  |
 * | `parentbased_always_off`   | `ParentBasedSampler({ root: AlwaysOffSampler })`               |
 * | `parentbased_traceidratio` | `ParentBasedSampler({ root: TraceIdRatioBasedSampler(...) })`  |
 *
 * @example
 * ```ts
 * // OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.1
 * createSamplerFromEnvironment().toString(); // 'TraceIdRatioBased{0.1}'
 * ```
 */
export function createSamplerFromEnvironment(): Sampler {
  return createSamplerFromSettings(readSamplerEnvironment());
}

/**
 * The sampler {@link SamplerSettings} describe. An unknown name (possible only when the settings do not
 * come from {@link readSamplerEnvironment}) is reported once and gives `parentbased_always_on`.
 *
 * @example
 * ```ts
 * createSamplerFromSettings({ sampler: 'traceidratio', samplerRatio: 0.1 }).toString(); // 'TraceIdRatioBased{0.1}'
 * ```
 */
export function createSamplerFromSettings(settings: SamplerSettings): Sampler {
  const { sampler, samplerRatio } = settings;
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler({ ratio: samplerRatio });
    // Their roots never read the trace id: on Node it is drawn after the decision (root-ignores-trace-id.ts).
    case 'parentbased_always_on':
      return markRootIgnoresTraceIds(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    case 'parentbased_always_off':
      return markRootIgnoresTraceIds(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler({ ratio: samplerRatio }) });
    default:
      warnOnce(`Unknown sampler "${String(sampler)}"; using parentbased_always_on.`);
      return markRootIgnoresTraceIds(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
  }
}
