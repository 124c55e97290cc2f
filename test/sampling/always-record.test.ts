import { describe, expect, it } from 'vitest';
import { createTraceState } from '../../src/propagation/trace-state.js';
import { AlwaysOffSampler } from '../../src/sampling/always-off.js';
import { AlwaysOnSampler } from '../../src/sampling/always-on.js';
import { AlwaysRecordSampler } from '../../src/sampling/always-record.js';
import { ParentBasedSampler } from '../../src/sampling/parent-based.js';
import { ProbabilitySampler } from '../../src/sampling/probability.js';
import { readsNoAttributes } from '../../src/sampling/reads-no-attributes.js';
import { SamplingDecision, type Sampler, type SamplingResult } from '../../src/sampling/sampler.js';
import { captureWarnings, contextWithParent, decide, randomTraceId, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

function returning(result: SamplingResult): Sampler {
  return { shouldSample: () => result, toString: () => 'Fixed' };
}

describe('AlwaysRecordSampler', () => {
  it('turns DROP into RECORD_ONLY and keeps RECORD_ONLY and RECORD_AND_SAMPLE', () => {
    expect(decide(new AlwaysRecordSampler(new AlwaysOffSampler()), ROOT_CONTEXT, randomTraceId()).decision).toBe(SamplingDecision.RECORD);
    expect(decide(new AlwaysRecordSampler(returning({ decision: SamplingDecision.RECORD })), ROOT_CONTEXT, randomTraceId()).decision).toBe(
      SamplingDecision.RECORD,
    );
    const sampled = { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { a: 1 } };
    expect(decide(new AlwaysRecordSampler(returning(sampled)), ROOT_CONTEXT, randomTraceId())).toBe(sampled);
  });

  it("keeps the root's attributes and trace state on a drop", () => {
    const traceState = createTraceState('vendor=x');
    const result = decide(
      new AlwaysRecordSampler(returning({ decision: SamplingDecision.NOT_RECORD, attributes: { why: 'dropped' }, traceState })),
      ROOT_CONTEXT,
      randomTraceId(),
    );
    expect(result).toEqual({ decision: SamplingDecision.RECORD, attributes: { why: 'dropped' }, traceState });
  });

  it('records a probability-dropped child without the erased th', () => {
    const traceId = traceIdWithRandomness('00000000000000');
    const sampler = new AlwaysRecordSampler(new ProbabilitySampler({ ratio: 0.5 }));
    const result = decide(
      sampler,
      contextWithParent({ sampled: true, remote: true, traceId, traceFlags: 3, traceState: 'ot=th:0' }),
      traceId,
    );
    expect(result.decision).toBe(SamplingDecision.RECORD);
    expect(result.traceState?.serialize()).toBe('');
  });

  it('describes itself and reads no attributes when its root reads none', () => {
    const sampler = new AlwaysRecordSampler(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    expect(String(sampler)).toMatch(/^AlwaysRecord\{ParentBased\{root=AlwaysOnSampler,/);
    expect(readsNoAttributes(sampler)).toBe(true);
    expect(readsNoAttributes(new AlwaysRecordSampler(returning({ decision: SamplingDecision.NOT_RECORD })))).toBe(false);
  });

  it('uses the default sampler, with one warning, without a root', () => {
    const warnings = captureWarnings(() => {
      const sampler = new AlwaysRecordSampler(undefined as unknown as Sampler);
      expect(decide(sampler, ROOT_CONTEXT, randomTraceId()).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    });
    expect(warnings).toHaveLength(1);
  });
});
