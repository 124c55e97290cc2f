import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.js';
import { createSamplerFromEnvironment, type SamplerSettings } from '../../src/sampling/from-environment.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { captureWarnings, decide, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

const DEFAULTS = 'remoteParentSampled=AlwaysOnSampler,remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,localParentNotSampled=AlwaysOffSampler';

describe('createSamplerFromEnvironment', () => {
  it.each([
    ['always_on', 'AlwaysOnSampler'],
    ['always_off', 'AlwaysOffSampler'],
    ['traceidratio', 'TraceIdRatioBased{0.25}'],
    ['parentbased_always_on', `ParentBased{root=AlwaysOnSampler,${DEFAULTS}}`],
    ['parentbased_always_off', `ParentBased{root=AlwaysOffSampler,${DEFAULTS}}`],
    ['parentbased_traceidratio', `ParentBased{root=TraceIdRatioBased{0.25},${DEFAULTS}}`],
  ] as const)('maps %s to %s', (sampler, description) => {
    expect(createSamplerFromEnvironment({ sampler, samplerRatio: 0.25 }).toString()).toBe(description);
  });

  it('builds samplers that decide with the configured ratio', () => {
    const sampler = createSamplerFromEnvironment({ sampler: 'parentbased_traceidratio', samplerRatio: 0.25 });
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('c0000000000000')).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('bfffffffffffff')).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('takes the settings readEnvironment produced', () => {
    const environment = readEnvironment({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    expect(createSamplerFromEnvironment(environment).toString()).toBe('TraceIdRatioBased{0.1}');
    expect(createSamplerFromEnvironment(readEnvironment({})).toString()).toBe(`ParentBased{root=AlwaysOnSampler,${DEFAULTS}}`);
  });

  it('warns about an unknown name and uses the default', () => {
    let description = '';
    const warnings = captureWarnings(() => {
      description = createSamplerFromEnvironment({ sampler: 'sometimes', samplerRatio: 1 } as unknown as SamplerSettings).toString();
    });
    expect(description).toBe(`ParentBased{root=AlwaysOnSampler,${DEFAULTS}}`);
    expect(warnings[0]).toMatch(/Unknown sampler "sometimes"/);
  });
});
