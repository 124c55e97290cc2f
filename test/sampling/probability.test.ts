import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProbabilitySampler } from '../../src/sampling/probability.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { TraceIdRatioBasedSampler } from '../../src/sampling/trace-id-ratio-based.js';
import { captureWarnings, contextWithParent, decide, randomTraceId, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

const traceIdArbitrary = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const DROPPED = SamplingDecision.NOT_RECORD;

/** The trace state a root span sampled at `ratio` carries (trace id randomness all ones). */
function rootTraceState(ratio: number): string | undefined {
  return decide(new ProbabilitySampler({ ratio }), ROOT_CONTEXT, traceIdWithRandomness('ffffffffffffff')).traceState?.serialize();
}

describe('ProbabilitySampler', () => {
  // First: the warning is given once per process, and later tests use remote parents too.
  it('warns once when it presumes the randomness of a remote parent trace id without the random flag', () => {
    const sampler = new ProbabilitySampler({ ratio: 1 });
    const warnings = captureWarnings(() => {
      decide(sampler, contextWithParent({ sampled: true, remote: true, traceFlags: 0x3 }), randomTraceId());
      decide(sampler, contextWithParent({ sampled: true, remote: false }), randomTraceId());
      decide(sampler, contextWithParent({ sampled: true, remote: true, traceState: 'ot=rv:ffffffffffffff' }), randomTraceId());
    });
    expect(warnings).toEqual([]);
    const later = captureWarnings(() => {
      decide(sampler, contextWithParent({ sampled: true, remote: true }), randomTraceId());
      decide(sampler, contextWithParent({ sampled: true, remote: true }), randomTraceId());
    });
    expect(later).toHaveLength(1);
    expect(later[0]).toMatch(/presuming TraceIDs are random/);
  });

  it('writes the spec threshold examples', () => {
    expect(rootTraceState(1)).toBe('ot=th:0');
    expect(rootTraceState(0.5)).toBe('ot=th:8');
    expect(rootTraceState(0.25)).toBe('ot=th:c');
    expect(rootTraceState(0.125)).toBe('ot=th:e');
    expect(rootTraceState(1 / 16)).toBe('ot=th:f');
  });

  it('writes small ratios at full precision', () => {
    expect(rootTraceState(2 ** -56)).toBe('ot=th:ffffffffffffff');
    expect(rootTraceState(2 ** -20)).toBe('ot=th:fffff');
    expect(rootTraceState(0.01)).toBe(`ot=th:${(2n ** 56n - BigInt(Math.round(0.01 * 2 ** 56))).toString(16).replace(/0+$/, '')}`);
    expect(rootTraceState(0.01)).toMatch(/^ot=th:fd70a3d70a3d7/);
  });

  it('samples when R ≥ T and drops otherwise, without th when dropping', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.25 });
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('c0000000000000')).decision).toBe(SAMPLED);
    const dropped = decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('bfffffffffffff'));
    expect(dropped.decision).toBe(DROPPED);
    expect(dropped.traceState).toBeUndefined();
  });

  it('never samples at ratio 0', () => {
    const sampler = new ProbabilitySampler({ ratio: 0 });
    expect(decide(sampler, ROOT_CONTEXT, traceIdWithRandomness('ffffffffffffff')).decision).toBe(DROPPED);
    const parent = contextWithParent({ sampled: true, remote: false, traceState: 'ot=th:0;rv:ffffffffffffff' });
    expect(decide(sampler, parent, randomTraceId()).traceState?.serialize()).toBe('ot=rv:ffffffffffffff');
  });

  it('shares one frozen result for sampled root spans', () => {
    const sampler = new ProbabilitySampler({ ratio: 1 });
    const first = decide(sampler, ROOT_CONTEXT, randomTraceId());
    expect(decide(sampler, ROOT_CONTEXT, randomTraceId())).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('takes randomness from a valid rv over the trace id, and keeps the rv', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.25 });
    const lowId = traceIdWithRandomness('00000000000000');
    const highRv = contextWithParent({ traceId: lowId, sampled: false, remote: true, traceState: 'ot=rv:d0000000000000' });
    const sampled = decide(sampler, highRv, lowId);
    expect(sampled.decision).toBe(SAMPLED);
    expect(sampled.traceState?.serialize()).toBe('ot=th:c;rv:d0000000000000');

    const highId = traceIdWithRandomness('ffffffffffffff');
    const lowRv = contextWithParent({ traceId: highId, sampled: true, remote: true, traceState: 'ot=rv:10000000000000' });
    expect(decide(sampler, lowRv, highId).decision).toBe(DROPPED);
  });

  it('ignores (and drops) an invalid rv, using the trace id', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.25 });
    const highId = traceIdWithRandomness('ffffffffffffff');
    for (const rv of ['10000000000000a', '1000000000000', '1000000000000G', 'D0000000000000', '']) {
      const context = contextWithParent({ traceId: highId, sampled: true, remote: true, traceState: `ot=rv:${rv};p:8` });
      const result = decide(sampler, context, highId);
      expect(result.decision, rv).toBe(SAMPLED);
      expect(result.traceState?.serialize(), rv).toBe('ot=th:c;p:8');
    }
  });

  it('replaces an incoming th, keeps other ot sub-keys and moves ot to the front', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.5 });
    const traceId = traceIdWithRandomness('ffffffffffffff');
    const context = contextWithParent({ traceId, sampled: true, remote: true, traceState: 'a=1,ot=rv:ffffffffffffff;th:c;k1:13,b=2' });
    expect(decide(sampler, context, traceId).traceState?.serialize()).toBe('ot=th:8;rv:ffffffffffffff;k1:13,a=1,b=2');
  });

  it('adds ot at the front of a trace state that has none', () => {
    const sampler = new ProbabilitySampler({ ratio: 1 });
    const context = contextWithParent({ sampled: true, remote: false, traceState: 'a=1,b=2' });
    expect(decide(sampler, context, randomTraceId()).traceState?.serialize()).toBe('ot=th:0,a=1,b=2');
  });

  it('keeps the parent trace state object when the parent already has the same threshold', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.25 });
    const traceId = traceIdWithRandomness('ffffffffffffff');
    const context = contextWithParent({ traceId, sampled: true, remote: false, traceState: 'ot=th:c;rv:ffffffffffffff,x=y' });
    const result = decide(sampler, context, traceId);
    expect(result.decision).toBe(SAMPLED);
    expect(result.traceState).toBeUndefined();
  });

  it('erases an incoming th when it does not sample, keeping the rest', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.25 });
    const traceId = traceIdWithRandomness('10000000000000');
    const withRest = contextWithParent({ traceId, sampled: true, remote: true, traceState: 'ot=th:0;k1:13,a=1' });
    expect(decide(sampler, withRest, traceId)).toMatchObject({ decision: DROPPED });
    expect(decide(sampler, withRest, traceId).traceState?.serialize()).toBe('ot=k1:13,a=1');
    const onlyTh = contextWithParent({ traceId, sampled: true, remote: true, traceState: 'a=1,ot=th:0' });
    expect(decide(sampler, onlyTh, traceId).traceState?.serialize()).toBe('a=1');
    const noTh = contextWithParent({ traceId, sampled: false, remote: true, traceState: 'ot=k1:13' });
    expect(decide(sampler, noTh, traceId).traceState).toBeUndefined();
  });

  it('ignores the parent sampled flag', () => {
    const sampler = new ProbabilitySampler({ ratio: 0.5 });
    const high = traceIdWithRandomness('ffffffffffffff');
    const low = traceIdWithRandomness('00000000000000');
    expect(decide(sampler, contextWithParent({ traceId: high, sampled: false, remote: false }), high).decision).toBe(SAMPLED);
    expect(decide(sampler, contextWithParent({ traceId: low, sampled: true, remote: false }), low).decision).toBe(DROPPED);
  });

  it('agrees with TraceIdRatioBasedSampler on every decision for the same ratio', () => {
    fc.assert(
      fc.property(traceIdArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (traceId, ratio) => {
        const probability = decide(new ProbabilitySampler({ ratio }), ROOT_CONTEXT, traceId).decision;
        const traceIdRatio = decide(new TraceIdRatioBasedSampler({ ratio }), ROOT_CONTEXT, traceId).decision;
        expect(probability).toBe(traceIdRatio);
      }),
      { numRuns: 2000 },
    );
  });

  it('samples a superset at a higher ratio and about 25 % at 0.25', () => {
    fc.assert(
      fc.property(
        traceIdArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (traceId, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (decide(new ProbabilitySampler({ ratio: low }), ROOT_CONTEXT, traceId).decision === SAMPLED) {
            expect(decide(new ProbabilitySampler({ ratio: high }), ROOT_CONTEXT, traceId).decision).toBe(SAMPLED);
          }
        },
      ),
      { numRuns: 1000 },
    );
    const sampler = new ProbabilitySampler({ ratio: 0.25 });
    let count = 0;
    for (let i = 0; i < 10_000; i++) if (decide(sampler, ROOT_CONTEXT, randomTraceId()).decision === SAMPLED) count++;
    expect(Math.abs(count / 10_000 - 0.25)).toBeLessThan(0.02);
  });

  it('describes itself and warns about invalid ratios', () => {
    expect(new ProbabilitySampler({ ratio: 0.25 }).toString()).toBe('ProbabilitySampler{0.25}');
    let sampler: ProbabilitySampler | undefined;
    const warnings = captureWarnings(() => {
      sampler = new ProbabilitySampler({ ratio: 1.5 });
    });
    expect(sampler!.toString()).toBe('ProbabilitySampler{1}');
    expect(warnings[0]).toMatch(/ProbabilitySampler: ratio 1.5 is above 1/);
  });

  it('takes the ratio positionally as well, with the same threshold and the same warning', () => {
    const positional = new ProbabilitySampler(0.25);
    expect(positional.toString()).toBe('ProbabilitySampler{0.25}');
    expect(decide(positional, ROOT_CONTEXT, traceIdWithRandomness('c0000000000000')).traceState?.serialize()).toBe('ot=th:c');
    expect(decide(positional, ROOT_CONTEXT, traceIdWithRandomness('bfffffffffffff')).decision).toBe(SamplingDecision.NOT_RECORD);
    const warnings = captureWarnings(() => {
      expect(new ProbabilitySampler(2.5).toString()).toBe('ProbabilitySampler{1}');
    });
    expect(warnings).toEqual([expect.stringMatching(/ProbabilitySampler: ratio 2\.5 is above 1/)]);
  });
});
