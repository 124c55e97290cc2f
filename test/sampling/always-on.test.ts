import { describe, expect, it } from 'vitest';
import { AlwaysOnSampler } from '../../src/sampling/always-on.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { contextWithParent, decide, randomTraceId, ROOT_CONTEXT } from './sampling-test-helpers.js';

describe('AlwaysOnSampler', () => {
  it('records and samples every span, with and without a parent, keeping the trace state', () => {
    const sampler = new AlwaysOnSampler();
    const contexts = [
      ROOT_CONTEXT,
      contextWithParent({ sampled: false, remote: true, traceState: 'a=1' }),
      contextWithParent({ sampled: true, remote: false }),
    ];
    for (const context of contexts) {
      const result = decide(sampler, context, randomTraceId());
      expect(result.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(result.traceState).toBeUndefined();
      expect(result.attributes).toBeUndefined();
    }
  });

  it('returns one shared frozen result', () => {
    const sampler = new AlwaysOnSampler();
    const first = decide(sampler, ROOT_CONTEXT, randomTraceId());
    expect(decide(sampler, ROOT_CONTEXT, randomTraceId())).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('describes itself as AlwaysOnSampler', () => {
    expect(new AlwaysOnSampler().toString()).toBe('AlwaysOnSampler');
    expect(`${new AlwaysOnSampler()}`).toBe('AlwaysOnSampler');
  });
});
