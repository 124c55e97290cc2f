import { afterEach, describe, expect, it } from 'vitest';
import { defaultSampler, useEnvironmentSampler } from '../../src/sampling/default-sampler.js';
import { createSamplerFromEnvironment } from '../../src/sampling/from-environment.js';
import { setEnvironmentSource } from '../../src/config/environment-variable.js';

// The test setup installs createSamplerFromEnvironment, as the Node and default entry points do; the
// browser entry installs none.
afterEach(() => {
  useEnvironmentSampler(createSamplerFromEnvironment);
  setEnvironmentSource(undefined);
});

describe('defaultSampler', () => {
  it('with an environment sampler installed, follows OTEL_TRACES_SAMPLER', () => {
    setEnvironmentSource((name) => (name === 'OTEL_TRACES_SAMPLER' ? 'always_off' : undefined));
    expect(defaultSampler().toString()).toBe('AlwaysOffSampler');
  });

  it('without one (the browser entry), is parentbased_always_on and reads no variable', () => {
    const read: string[] = [];
    setEnvironmentSource((name) => {
      read.push(name);
      return name === 'OTEL_TRACES_SAMPLER' ? 'always_off' : undefined;
    });
    useEnvironmentSampler(undefined);
    expect(defaultSampler().toString()).toMatch(/^ParentBased\{root=AlwaysOnSampler,/);
    expect(read).toEqual([]);
  });
});
