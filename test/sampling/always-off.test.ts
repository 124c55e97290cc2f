import { describe, expect, it } from 'vitest';
import { AlwaysOffSampler } from '../../src/sampling/always-off.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { contextWithParent, decide, randomTraceId, ROOT_CONTEXT } from './sampling-test-helpers.js';

describe('AlwaysOffSampler', () => {
  it('drops every span, with and without a parent, keeping the trace state', () => {
    const sampler = new AlwaysOffSampler();
    const contexts = [ROOT_CONTEXT, contextWithParent({ sampled: true, remote: true, traceState: 'ot=th:0' })];
    for (const context of contexts) {
      const result = decide(sampler, context, randomTraceId());
      expect(result.decision).toBe(SamplingDecision.NOT_RECORD);
      expect(result.traceState).toBeUndefined();
    }
  });

  it('returns one shared frozen result and describes itself as AlwaysOffSampler', () => {
    const sampler = new AlwaysOffSampler();
    const first = decide(sampler, ROOT_CONTEXT, randomTraceId());
    expect(decide(sampler, ROOT_CONTEXT, randomTraceId())).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(sampler.toString()).toBe('AlwaysOffSampler');
  });
});
