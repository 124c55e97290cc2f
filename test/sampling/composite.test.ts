import { describe, expect, it } from 'vitest';
import { createTraceState } from '../../src/propagation/trace-state.js';
import { composableAlwaysOff } from '../../src/sampling/composable-always-off.js';
import { composableAlwaysOn } from '../../src/sampling/composable-always-on.js';
import { composableParentThreshold } from '../../src/sampling/composable-parent-threshold.js';
import { composableProbability } from '../../src/sampling/composable-probability.js';
import type { ComposableSampler, SamplingIntent } from '../../src/sampling/composable-sampler.js';
import { CompositeSampler } from '../../src/sampling/composite.js';
import { readsNoAttributes } from '../../src/sampling/reads-no-attributes.js';
import { SamplingDecision } from '../../src/sampling/sampler.js';
import { captureWarnings, contextWithParent, decide, randomTraceId, ROOT_CONTEXT, traceIdWithRandomness } from './sampling-test-helpers.js';

const SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const DROPPED = SamplingDecision.NOT_RECORD;

/** A composable that always returns `intent`. */
function fixed(intent: SamplingIntent): ComposableSampler {
  return { getSamplingIntent: () => intent, toString: () => 'Fixed' };
}

describe('CompositeSampler', () => {
  // First: the compatibility warning is given once per process.
  it('warns once when it takes a reliable decision from the trace id of a remote parent without the random flag', () => {
    const sampler = new CompositeSampler(composableProbability(0.5));
    const quiet = captureWarnings(() => {
      decide(sampler, contextWithParent({ sampled: true, remote: true, traceFlags: 0x3 }), randomTraceId());
      decide(sampler, contextWithParent({ sampled: true, remote: false }), randomTraceId());
      decide(sampler, contextWithParent({ sampled: true, remote: true, traceState: 'ot=rv:ffffffffffffff' }), randomTraceId());
    });
    expect(quiet).toEqual([]);
    const warned = captureWarnings(() => decide(sampler, contextWithParent({ sampled: true, remote: true }), randomTraceId()));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/presuming TraceIDs are random/);
  });

  it('ComposableAlwaysOn samples every span with th:0, ComposableAlwaysOff none', () => {
    const on = decide(new CompositeSampler(composableAlwaysOn()), ROOT_CONTEXT, traceIdWithRandomness('00000000000000'));
    expect(on.decision).toBe(SAMPLED);
    expect(on.traceState?.serialize()).toBe('ot=th:0');
    const off = decide(new CompositeSampler(composableAlwaysOff()), ROOT_CONTEXT, traceIdWithRandomness('ffffffffffffff'));
    expect(off.decision).toBe(DROPPED);
    expect(off.traceState).toBeUndefined();
  });

  it('uses a valid rv for the randomness and keeps it; drops an invalid one', () => {
    const sampler = new CompositeSampler(composableProbability(0.25));
    // Trace id randomness is below the threshold, rv above it.
    const traceId = traceIdWithRandomness('00000000000000');
    const kept = decide(
      sampler,
      contextWithParent({ sampled: false, remote: false, traceId, traceState: 'ot=rv:d0000000000000' }),
      traceId,
    );
    expect(kept.decision).toBe(SAMPLED);
    expect(kept.traceState?.serialize()).toBe('ot=th:c;rv:d0000000000000');
    const invalid = decide(
      sampler,
      contextWithParent({ sampled: false, remote: false, traceId, traceState: 'ot=rv:D0000000000000;x:1' }),
      traceId,
    );
    expect(invalid.decision).toBe(DROPPED);
    expect(invalid.traceState).toBeUndefined(); // the parent's is kept: there was no th to erase
    const invalidKept = decide(
      new CompositeSampler(composableAlwaysOn()),
      contextWithParent({ sampled: false, remote: false, traceId, traceState: 'ot=rv:D0000000000000;x:1' }),
      traceId,
    );
    expect(invalidKept.traceState?.serialize()).toBe('ot=th:0;x:1');
  });

  it('erases th when it drops, and when the threshold is not reliable', () => {
    const traceId = traceIdWithRandomness('10000000000000');
    const dropped = decide(
      new CompositeSampler(composableAlwaysOff()),
      contextWithParent({ sampled: true, remote: true, traceId, traceState: 'ot=th:0;rv:10000000000000,a=b' }),
      traceId,
    );
    expect(dropped.decision).toBe(DROPPED);
    expect(dropped.traceState?.serialize()).toBe('ot=rv:10000000000000,a=b');
    const unreliable = decide(
      new CompositeSampler(fixed({ threshold: '0', thresholdReliable: false })),
      contextWithParent({ sampled: true, remote: false, traceId, traceState: 'ot=th:8' }),
      traceId,
    );
    expect(unreliable.decision).toBe(SAMPLED);
    expect(unreliable.traceState?.serialize()).toBe('');
  });

  it('compares an unreliable threshold with fresh randomness, not the trace id', () => {
    const sampler = new CompositeSampler(fixed({ threshold: '8', thresholdReliable: false }));
    const traceId = traceIdWithRandomness('ffffffffffffff'); // would always pass a reliable th:8
    let sampled = 0;
    for (let i = 0; i < 2000; i++) if (decide(sampler, ROOT_CONTEXT, traceId).decision === SAMPLED) sampled++;
    // Half of the fresh values pass; 2000 draws stay within 700..1300 except with negligible probability.
    expect(sampled).toBeGreaterThan(700);
    expect(sampled).toBeLessThan(1300);
  });

  it('accepts short thresholds as th values and rejects malformed ones with one warning', () => {
    const traceId = traceIdWithRandomness('c0000000000000');
    expect(
      decide(new CompositeSampler(fixed({ threshold: 'c', thresholdReliable: true })), ROOT_CONTEXT, traceId).traceState?.serialize(),
    ).toBe('ot=th:c');
    const bad = new CompositeSampler(fixed({ threshold: 'C0', thresholdReliable: true }));
    const warnings = captureWarnings(() => {
      expect(decide(bad, ROOT_CONTEXT, traceId).decision).toBe(DROPPED);
      expect(decide(bad, ROOT_CONTEXT, traceId).decision).toBe(DROPPED);
      expect(
        decide(new CompositeSampler(fixed({ threshold: '000000000000000', thresholdReliable: true })), ROOT_CONTEXT, traceId).decision,
      ).toBe(DROPPED);
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/threshold "C0"/);
  });

  it('adds the intent attributes and applies its trace state update only as documented', () => {
    const seen: boolean[] = [];
    const annotating = (threshold: string | undefined): ComposableSampler =>
      fixed({
        threshold,
        thresholdReliable: true,
        getAttributes: () => ({ 'sampler.rule': 'x' }),
        updateTraceState: (traceState, sampled) => {
          seen.push(sampled);
          return (traceState ?? createTraceState()).set('vendor', sampled ? 'kept' : 'dropped');
        },
      });
    const yes = decide(new CompositeSampler(annotating('0')), ROOT_CONTEXT, randomTraceId());
    expect(yes).toMatchObject({ decision: SAMPLED, attributes: { 'sampler.rule': 'x' } });
    expect(yes.traceState?.serialize()).toBe('ot=th:0,vendor=kept');
    const no = decide(new CompositeSampler(annotating(undefined)), ROOT_CONTEXT, randomTraceId());
    expect(no.attributes).toBeUndefined();
    expect(no.traceState?.serialize()).toBe('vendor=dropped');
    expect(seen).toEqual([true, false]);
  });

  it('leaves th out when the ot value would exceed 256 characters', () => {
    const long = `ot=x:${'a'.repeat(252)}`;
    const traceId = randomTraceId();
    const warnings = captureWarnings(() => {
      const result = decide(
        new CompositeSampler(composableAlwaysOn()),
        contextWithParent({ sampled: true, remote: false, traceId, traceState: long }),
        traceId,
      );
      expect(result.decision).toBe(SAMPLED);
      expect(result.traceState).toBeUndefined();
    });
    expect(warnings.join()).toMatch(/exceed 256/);
  });

  it('allocates no result for the common decisions', () => {
    const sampler = new CompositeSampler(composableParentThreshold(composableProbability(1)));
    const first = decide(sampler, ROOT_CONTEXT, randomTraceId());
    expect(decide(sampler, ROOT_CONTEXT, randomTraceId())).toBe(first);
    const child = contextWithParent({ sampled: true, remote: false });
    expect(decide(sampler, child, randomTraceId())).toBe(
      decide(sampler, contextWithParent({ sampled: true, remote: true, traceFlags: 3 }), randomTraceId()),
    );
    // A child following its parent's threshold keeps the parent's trace state: the shared result.
    const traceId = traceIdWithRandomness('f0000000000000');
    const withTh = contextWithParent({ sampled: true, remote: false, traceId, traceState: 'ot=th:c;rv:f0000000000000,v=1' });
    const followed = decide(sampler, withTh, traceId);
    expect(followed.decision).toBe(SAMPLED);
    expect(followed.traceState).toBeUndefined();
    expect(decide(sampler, withTh, traceId)).toBe(followed);
  });

  it('describes itself and its tree', () => {
    expect(String(new CompositeSampler(composableParentThreshold(composableProbability(0.5))))).toBe(
      'CompositeSampler{ComposableParentThreshold{root=ComposableProbability{0.5}}}',
    );
  });

  it('drops everything, with one warning, when given something that is not a composable sampler', () => {
    const warnings = captureWarnings(() => {
      const sampler = new CompositeSampler({} as ComposableSampler);
      expect(decide(sampler, ROOT_CONTEXT, randomTraceId()).decision).toBe(DROPPED);
    });
    expect(warnings).toHaveLength(1);
  });

  it('reads no attributes when its tree reads none', () => {
    expect(readsNoAttributes(new CompositeSampler(composableParentThreshold(composableProbability(0.5))))).toBe(true);
    expect(readsNoAttributes(new CompositeSampler(fixed({ threshold: '0', thresholdReliable: true })))).toBe(false);
  });
});
