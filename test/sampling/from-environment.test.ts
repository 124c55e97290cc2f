import { describe, expect, it } from 'vitest';
import { createSamplerFromEnvironment, createSamplerFromSettings, type SamplerSettings } from '../../src/sampling/from-environment.js';
import { readSamplerEnvironment } from '../../src/sampling/from-environment.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { environmentOf, withEnvironment } from '../support/environment.js';
import { captureWarnings, decide, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

const DEFAULTS =
  'remoteParentSampled=AlwaysOnSampler,remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,localParentNotSampled=AlwaysOffSampler';

describe('createSamplerFromSettings', () => {
  it.each([
    ['always_on', 'AlwaysOnSampler'],
    ['always_off', 'AlwaysOffSampler'],
    ['traceidratio', 'TraceIdRatioBased{0.25}'],
    ['parentbased_always_on', `ParentBased{root=AlwaysOnSampler,${DEFAULTS}}`],
    ['parentbased_always_off', `ParentBased{root=AlwaysOffSampler,${DEFAULTS}}`],
    ['parentbased_traceidratio', `ParentBased{root=TraceIdRatioBased{0.25},${DEFAULTS}}`],
  ] as const)('maps %s to %s', (sampler, description) => {
    expect(createSamplerFromSettings({ sampler, samplerRatio: 0.25 }).toString()).toBe(description);
  });

  it('builds samplers that decide with the configured ratio', () => {
    const sampler = createSamplerFromSettings({ sampler: 'parentbased_traceidratio', samplerRatio: 0.25 });
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('c0000000000000')).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('bfffffffffffff')).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('takes the settings readSamplerEnvironment produced', () => {
    const environment = readSamplerEnvironment(environmentOf({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }));
    expect(createSamplerFromSettings(environment).toString()).toBe('TraceIdRatioBased{0.1}');
  });

  it('createSamplerFromEnvironment reads OTEL_TRACES_SAMPLER(_ARG) when called', () => {
    const env = { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
    expect(withEnvironment(env, () => createSamplerFromEnvironment()).toString()).toBe('TraceIdRatioBased{0.1}');
    expect(withEnvironment({}, () => createSamplerFromEnvironment()).toString()).toBe(`ParentBased{root=AlwaysOnSampler,${DEFAULTS}}`);
  });

  it('warns about an unknown name and uses the default', () => {
    let description = '';
    const warnings = captureWarnings(() => {
      description = createSamplerFromSettings({ sampler: 'sometimes', samplerRatio: 1 } as unknown as SamplerSettings).toString();
    });
    expect(description).toBe(`ParentBased{root=AlwaysOnSampler,${DEFAULTS}}`);
    expect(warnings[0]).toMatch(/Unknown sampler "sometimes"/);
  });
});
